"""One Fingertips interface, two backends: the legacy Fingertips API and FingertipsNext.

`jsna fetch` asks a :class:`FingertipsSource` for indicator data and stores its
answers as they came (:class:`Download`); `jsna build` turns each stored file
into tidy-frame rows with :func:`.fingertips_backends.parse_download`. Both backends give the same
rows: same columns, periods, sexes, ages, intervals, and the published
comparison with England and recent trend where the API gives them.

======  ======================================  =====================  ==========================
name    class                                   stored as (kind)       base URL
======  ======================================  =====================  ==========================
legacy  :class:`.fingertips.FingertipsClient`   CSV, ``fingertips``    ``JSNA_FINGERTIPS_URL``
next    :class:`.fingertips_next.               JSON,                  ``JSNA_FINGERTIPS_NEXT_URL``
        FingertipsNextClient`                   ``fingertips_next``
======  ======================================  =====================  ==========================

Picking and building a backend, and parsing what it stored, are in
:mod:`.fingertips_backends` (which knows both backends; this module is what
they share).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from ...tidy.row_numbers import row_numbers

LEGACY_URL = "https://fingertips.phe.org.uk/api/"
LEGACY_URL_ENV = "JSNA_FINGERTIPS_URL"
NEXT_URL_ENV = "JSNA_FINGERTIPS_NEXT_URL"
BACKENDS = ("auto", "legacy", "next")
#: The series a published recent trend belongs to (it is stated on the latest period only).
SERIES = ["indicator_id", "area_code", "sex", "age", "category_type", "category"]


@dataclass(frozen=True)
class IndicatorMeta:
    """What the parser needs to know about an indicator beyond its CSV rows."""

    indicator_id: str
    value_type: str = "proportion"
    multiplier: float = 100.0
    unit: str = ""
    polarity: str = "not_applicable"
    comparator_method: str = "ci_overlap_95_998"
    name: str | None = None
    ci_method: str = ""  # the method of the published intervals (catalogue ci_method)


@dataclass(frozen=True)
class Download:
    """One API answer as the snapshot stores it."""

    path: str                      # relative path in the snapshot
    content: bytes
    url: str
    kind: str                      # manifest kind; says which parser reads it
    key: str
    rows: int
    from_cache: bool
    area_type: str                 # our area type the request was for (district, county, region, england)
    indicator_ids: tuple[str, ...]
    validators: dict = field(default_factory=dict)  # ETag / Last-Modified, for `jsna fetch --since`


class FingertipsSource(Protocol):
    """What every Fingertips backend offers."""

    name: str     # "legacy" or "next"
    label: str    # for people: "Fingertips", "FingertipsNext"
    kind: str     # manifest kind of its downloads
    base_url: str

    def health(self) -> str | None:
        """None when the API answers, else why not."""

    def published_names(self, indicator_ids: Iterable) -> dict[str, str]:
        """Published name by id; ids the API does not know are left out."""

    def profile_names(self, profile_id: int) -> dict[str, str] | None:
        """Id -> name of a profile's indicators, or None when the API lists no profiles."""

    def downloads(self, requests: list[tuple[str, str]]) -> Iterator[Download]:
        """Every answer needed for (indicator id, preferred local area type) pairs."""


def backend_urls(legacy_url: str | None = None, next_url: str | None = None) -> tuple[str, str | None]:
    """Base URLs: the given ones, else the environment, else the built-in legacy address."""
    return (legacy_url or os.environ.get(LEGACY_URL_ENV) or LEGACY_URL,
            next_url or os.environ.get(NEXT_URL_ENV) or None)


def settle_published(frame: pd.DataFrame, within=None) -> pd.DataFrame:
    """Put what Fingertips published where both APIs agree to put it.

    The recent trend is a statement about a series, so it is kept on the series'
    latest period only (the legacy export states it there; FingertipsNext may
    repeat it on every point); England is not compared with itself. ``within``
    (an array, one label per row) settles each part of the frame on its own, as
    when the frame holds several answers.

    >>> from assessment.tidy.frame import new_frame
    >>> rows = [dict(indicator_id="i", indicator_name="I", source="s", area_code="E92000001", area_name="England",
    ...              area_type="england", period=str(y), period_end=f"{y}-12-31", value=1.0,
    ...              value_type="count", published_trend="Increasing", published_comparison="Similar")
    ...         for y in (2021, 2022)]
    >>> settle_published(new_frame(rows))[["period", "published_trend", "published_comparison"]].values.tolist()
    [['2021', '', ''], ['2022', 'Increasing', '']]
    """
    # Two columns are replaced, not written into: a copy of a national frame held another half gigabyte.
    out = frame.copy(deep=False)
    if out.empty:
        return out
    # The series numbered first: a national export's six text columns are hashed once, a third faster.
    series = row_numbers(out if within is None else out.assign(_within=np.asarray(within)),
                         SERIES if within is None else [*SERIES, "_within"])
    latest = out["period_end"].groupby(series).transform("max")
    out["published_trend"] = out["published_trend"].mask(out["period_end"].ne(latest) & latest.notna(), "")
    out["published_comparison"] = out["published_comparison"].mask(out["area_code"].eq("E92000001"), "")
    return out
