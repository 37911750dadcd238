"""The one way to write a publisher reader: the reader finds the figures, the catalogue describes them.

A reader gives each row only what its file says: the indicator id, area code
and name, period, breakdown (sex, age, category), the figures (count,
denominator, or the value itself for a figure with no interval) and why a
figure is missing. :func:`build_frame` fills in everything else: the title,
value type, multiplier, unit, polarity, comparison and interval method from
the catalogue entry of that id (``data_sources/indicators.yaml``), so a reader
cannot disagree with the catalogue; the area type from the code; the period's
dates from its label; the source, file and vintage. Rates and proportions
with a count and denominator get their value and intervals computed (Byar's /
Wilson), which reproduces the published figure.

A new publisher indicator is then a catalogue entry, a publisher entry and a
reader that turns the file into records.

>>> frame = build_frame([{"indicator_id": "ons-population", "area_code": "E06000009", "area_name": "Blackpool",
...                       "period": "2023", "value": 141100.0, "count": 141100.0}],
...                     source="ONS mid-year population estimates", path=Path("mye-2023.csv"), vintage="mid-2023")
>>> frame[["indicator_name", "area_type", "unit", "polarity", "period_start"]].values.tolist()
[['Resident population (mid-year estimate)', 'lad', 'people', 'not_applicable', Timestamp('2023-01-01 00:00:00')]]
>>> area_type("K04000001"), area_type("W15000001"), area_type("E12000002")
('england_wales', 'pfa', 'region')
"""

from __future__ import annotations

from datetime import datetime, UTC
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import InputError
from ..tidy.frame import area_type_for_code, new_frame
from ..stats import add_intervals
from .catalogue import load_catalogue
from ..inputs.periods import period_bounds

#: What the catalogue entry gives each row (tidy-frame column -> entry field); a reader does not set these.
FROM_CATALOGUE = {"indicator_name": "title", "value_type": "value_type", "multiplier": "multiplier", "unit": "unit",
                  "polarity": "polarity", "comparator_method": "comparator", "ci_method": "ci_method"}
#: Rows whose area code is of no report geography: refused (``"error"``) or left out (``"drop"``).
OTHER_AREAS = ("error", "drop")


def _catalogue_by_id() -> dict:
    """The catalogue in use (``JSNA_DATA_SOURCES`` or the shipped one) by tidy-frame id."""
    return {entry.frame_id: entry for entry in load_catalogue().entries}


def catalogue_entry(indicator_id: str, *, where: str = ""):
    """The catalogue entry whose rows carry ``indicator_id``; one line naming the file read and the catalogue if none.

    >>> catalogue_entry("imd2019-proportion-bottom-decile").multiplier
    100
    >>> catalogue_entry("imd2015-average-score", where="File_11.xlsx")
    Traceback (most recent call last):
    ...
    assessment.core.errors.InputError: File_11.xlsx: indicator(s) imd2015-average-score are not in data_sources/indicators.yaml
    """
    entry = _catalogue_by_id().get(indicator_id)
    if entry is None:
        raise InputError(f"{where or 'reader'}: indicator(s) {indicator_id} are not in data_sources/indicators.yaml")
    return entry


def area_type(code: str, where: str = "") -> str:
    """The tidy frame's area type of an ONS code; one line naming the file and code if it is of no report geography."""
    area = area_type_for_code(code)
    if area is None:
        raise InputError(f"{where + ': ' if where else ''}area code {code!r} is not one the report's geographies use")
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


def build_frame(records: list[dict] | pd.DataFrame, *, source: str, path: Path, source_url: str = "",
                retrieved_at=None, vintage: str = "", where: str = "", other_areas: str = "error") -> pd.DataFrame:
    """Validated tidy frame from a reader's rows (catalogue metadata filled in, intervals added).

    ``other_areas="drop"`` leaves out rows of areas no report geography has (a
    publisher's counties that are not councils, say); by default such a code
    is an error naming it.
    """
    where = where or str(path)
    frame = pd.DataFrame(records).reset_index(drop=True)
    if frame.empty:
        raise InputError(f"{where}: no rows read")
    catalogue = _catalogue_by_id()
    if unknown := sorted(set(frame["indicator_id"]) - set(catalogue)):
        raise InputError(f"{where}: indicator(s) {', '.join(unknown)} are not in data_sources/indicators.yaml")
    meta = frame["indicator_id"].map(catalogue)
    for column, field in FROM_CATALOGUE.items():
        values = meta.map(lambda entry, field=field: getattr(entry, field))
        # A reader's own value wins only for the interval method: a figure it clears has none (not_available).
        kept = column == "ci_method" and column in frame
        frame[column] = frame[column].where(frame[column].notna(), values) if kept else values
    frame["multiplier"] = frame["multiplier"].astype(float)
    frame["area_type"] = _area_types(frame["area_code"], other_areas, where)
    frame = frame[frame["area_type"].notna()]
    frame = frame.assign(source=source, source_url=source_url or Path(path).name,
                         retrieved_at=retrieved_at or datetime.now(UTC), vintage=vintage)
    starts, ends = period_bounds(frame["period"])
    for column, parsed in (("period_start", starts), ("period_end", ends)):  # a reader's own dates win
        given = pd.to_datetime(frame[column]) if column in frame else pd.Series(pd.NaT, index=frame.index)
        frame[column] = given.where(given.notna(), parsed)
    frame = new_frame(frame.reset_index(drop=True))  # missing sex, age and breakdown read as Persons, All ages, none
    return add_intervals(frame)


def _area_types(codes: pd.Series, other_areas: str, where: str) -> pd.Series:
    if other_areas not in OTHER_AREAS:
        raise ValueError(f"other_areas must be one of {', '.join(OTHER_AREAS)}, not {other_areas!r}")
    if other_areas == "error":
        return codes.map(lambda code: area_type(code, where))
    return codes.map(area_type_for_code)
