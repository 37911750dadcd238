"""Tidy-frame rows for the justice readers, described once in the indicator catalogue.

Readers give each row its indicator id, area, period, breakdown and figures;
the title, value type, multiplier, unit, polarity, comparison and interval
method come from the catalogue entry of that id (``data_sources/indicators.yaml``),
so a reader cannot disagree with the catalogue. Rates and proportions with a
count and denominator get their value and intervals recomputed (Byar's /
Wilson), which reproduces the published figure.

>>> area_type("K04000001"), area_type("W15000001"), area_type("E12000002")
('england_wales', 'pfa', 'region')
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import InputError
from ...frame import area_type_for_code, new_frame, validate_frame
from ...stats import add_intervals
from ..periods import period_bounds


@lru_cache(maxsize=1)
def _catalogue_by_id() -> dict:
    from ..catalogue import load_catalogue

    return {entry.frame_id: entry for entry in load_catalogue().entries}


def area_type(code: str) -> str:
    area = area_type_for_code(code)
    if area is None:
        raise InputError(f"area code {code!r} is not one the justice tables use")
    return area


def not_available(record: dict, reason: str) -> dict:
    """The row with no figure (value, count, denominator cleared) and the publisher's reason."""
    return {**record, "value": np.nan, "count": np.nan, "denominator": np.nan, "ci_method": "none",
            "value_note": reason}


def vintage_of(given: str, publication: str, release: str) -> str:
    """The rows' vintage: the publication (the registry's name for it, if given) and the release read from the file.

    >>> vintage_of("", "ONS police force area tables", "year ending March 2019")
    'ONS police force area tables, year ending March 2019'
    >>> vintage_of("ONS PFA tables, year ending March 2019", "x", "year ending March 2019")
    'ONS PFA tables, year ending March 2019'
    """
    name = given or publication
    return name if release in name else f"{name}, {release}"


def build_frame(records: list[dict], *, source: str, path: Path, source_url: str, retrieved_at,
                vintage: str, where: str) -> pd.DataFrame:
    """Validated tidy frame from the readers' rows (catalogue metadata filled in, intervals added)."""
    if not records:
        raise InputError(f"{where}: no rows read")
    catalogue = _catalogue_by_id()
    frame = pd.DataFrame(records)
    unknown = sorted(set(frame["indicator_id"]) - set(catalogue))
    if unknown:
        raise InputError(f"{where}: indicator(s) {', '.join(unknown)} are not in data_sources/indicators.yaml")
    meta = frame["indicator_id"].map(catalogue)
    defaults = {
        "indicator_name": meta.map(lambda e: e.title), "value_type": meta.map(lambda e: e.value_type),
        "multiplier": meta.map(lambda e: float(e.multiplier)), "unit": meta.map(lambda e: e.unit),
        "polarity": meta.map(lambda e: e.polarity), "comparator_method": meta.map(lambda e: e.comparator),
        "ci_method": meta.map(lambda e: e.ci_method),
    }
    for column, values in defaults.items():
        frame[column] = frame[column].where(frame[column].notna(), values) if column in frame else values
    frame["area_type"] = frame["area_code"].map(area_type)
    frame["source"] = source
    frame["source_url"] = source_url or Path(path).name
    frame["retrieved_at"] = retrieved_at or datetime.now(UTC)
    frame["vintage"] = vintage
    starts, ends = period_bounds(frame["period"])
    for column, parsed in (("period_start", starts), ("period_end", ends)):  # a reader's own dates win
        given = pd.to_datetime(frame[column]) if column in frame else pd.Series(pd.NaT, index=frame.index)
        frame[column] = given.where(given.notna(), parsed)
    frame = new_frame(frame)  # missing sex, age and breakdown read as Persons, All ages, none
    return validate_frame(add_intervals(frame), where=where)
