"""Headline rows: the one breakdown (sex and age) of each indicator that a report's tables, sentences and charts use.

A source may publish several breakdowns of an indicator (persons, males and
females; all ages and age bands). A report shows one per indicator, chosen by
the catalogue's ``headline_sex`` / ``headline_age`` when the data have it, and
otherwise by a rule that never depends on row order:

- sex: "Persons", else the only sex published, else the sex with the largest
  denominator in the latest period;
- age: "All ages", else the only age band, else the widest band (the largest
  denominator in the latest period, then the widest span of years its label
  names).

>>> import pandas as pd
>>> rows = pd.DataFrame({"indicator_id": "i", "sex": "Persons", "period_end": pd.Timestamp("2024-03-31"),
...                      "age": ["0-9 yrs", "18+ yrs", "10-17 yrs"], "denominator": [900.0, 5000.0, 700.0]})
>>> choose_breakdowns(rows, {})
{'i': ('Persons', '18+ yrs')}
>>> choose_breakdowns(rows, {"i": {"headline_age": "10-17 yrs"}})
{'i': ('Persons', '10-17 yrs')}
>>> widest_band({"<1 yr": None, "0-4 yrs": None, "65+ yrs": None})
'65+ yrs'

Every area's headline rows and the indexes a report reads them through are
worked out once per bundle (:class:`HeadlineTables`), so a batch pays for
them once, not once per report.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

import pandas as pd

from ..sources.ons_population import INDICATOR_ID as POPULATION_ID

DEFAULT_SEX = "Persons"
DEFAULT_AGE = "All ages"
_RANGE = re.compile(r"(\d+)\s*-\s*(\d+)")
_FROM = re.compile(r"(\d+)\s*\+")
_UNDER = re.compile(r"<\s*(\d+)")


def band_span(label: str) -> float:
    """Years an age band's label covers ("18-64 yrs": 47, "65+ yrs": 56, "<1 yr": 1); 0 when unreadable.

    >>> band_span("18-64 yrs"), band_span("65+ yrs"), band_span("Not known")
    (47, 56, 0)
    """
    text = str(label)
    if text == DEFAULT_AGE:
        return math.inf
    if found := _RANGE.search(text):
        return int(found[2]) - int(found[1]) + 1
    if found := _FROM.search(text):
        return max(0, 121 - int(found[1]))
    if found := _UNDER.search(text):
        return int(found[1])
    return 0


def widest_band(denominators: Mapping[str, float | None]) -> str:
    """The band with the largest denominator; bands without one are ranked by span, then name."""
    def rank(band: str):
        value = denominators[band]
        return (-(value if value is not None and not pd.isna(value) else -math.inf), -band_span(band), band)

    return min(denominators, key=rank)


def _text_keyed(sums: pd.Series) -> dict[str, float | None]:
    """``sums`` as a dict: its index is a text column of the tidy frame (sex, age), which pandas-stubs cannot know."""
    return cast(dict[str, float | None], sums.to_dict())


def _choose(available: Mapping[str, float | None], wanted: str | None, default: str) -> str:
    for choice in (wanted, default):
        if choice and choice in available:
            return choice
    if len(available) == 1:
        return next(iter(available))
    return widest_band(available)


def choose_breakdowns(main: pd.DataFrame, indicators: Mapping[str, dict]) -> dict[str, tuple[str, str]]:
    """(sex, age) of each indicator's headline rows, from the breakdowns of its latest period.

    ``main`` holds the indicators' main-series rows (no category breakdown);
    ``indicators`` is the bundle's catalogue information by indicator id.
    """
    last = main.groupby("indicator_id")["period_end"].transform("max")
    latest = main[(main["period_end"] == last) | last.isna()]  # undated rows: every row counts
    totals = latest.groupby(["indicator_id", "sex", "age"], sort=False, dropna=False)["denominator"].sum(min_count=1)
    chosen = {}
    for indicator_id, breakdowns in totals.groupby(level="indicator_id", sort=False):
        info = indicators.get(str(indicator_id)) or {}
        by_sex = breakdowns.groupby(level="sex", sort=False).sum(min_count=1)
        sex = _choose(_text_keyed(by_sex), info.get("headline_sex"), DEFAULT_SEX)
        ages = breakdowns.xs(sex, level="sex").droplevel("indicator_id")
        chosen[str(indicator_id)] = (sex, _choose(_text_keyed(ages), info.get("headline_age"), DEFAULT_AGE))
    return chosen


def headline_rows(frame: pd.DataFrame, indicators: Mapping[str, dict]) -> pd.DataFrame:
    """Every area's headline rows: each indicator's main series in its chosen breakdown, all periods.

    Text columns become plain Python strings rather than Arrow-backed ones: a
    report filters this frame a few hundred times, and selecting rows from
    object columns costs a fraction of an Arrow ``take`` (categorical columns
    save memory but were slower again in a national batch).
    """
    main = frame[frame["category_type"] == ""]
    chosen = choose_breakdowns(main, indicators)
    wanted = pd.MultiIndex.from_tuples([(i, s, a) for i, (s, a) in chosen.items()],
                                       names=["indicator_id", "sex", "age"])
    keep = pd.MultiIndex.from_frame(main[["indicator_id", "sex", "age"]]).isin(wanted)
    return with_shared_strings(main[keep].reset_index(drop=True))


def with_shared_strings(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with every text column as :func:`shared_strings`: rows a report walks or filters many times."""
    text = [c for c in rows.columns if pd.api.types.is_string_dtype(rows[c])]
    return rows.assign(**{column: shared_strings(rows[column]) for column in text})


def shared_strings(column: pd.Series) -> pd.Series:
    """``column`` as Python strings (object dtype) with one string object per distinct value.

    Converting Arrow strings to objects makes a new string for every cell: a
    national bundle's headline rows held about 150 MB of copies of a few hundred
    distinct texts (source, indicator name, comparison labels), in every warm
    kernel of a batch. The values, dtype and missing values are the same.

    >>> shared = shared_strings(pd.Series(["Persons", "Persons", None], dtype="str"))
    >>> shared.tolist()[:2], shared[0] is shared[1], shared.dtype
    (['Persons', 'Persons'], True, dtype('O'))
    """
    values = column.astype(object).to_numpy(copy=True)
    present = pd.notna(values)
    codes, distinct = pd.factorize(values[present])
    values[present] = distinct[codes]  # each cell refers to the first string of its value
    return pd.Series(values, index=column.index, name=column.name, dtype=object)


#: What picks a row's comparison set: its indicator, period, sex and age.
BREAKDOWN = ("indicator_id", "period", "sex", "age")


def breakdown_of(row: pd.Series | Mapping) -> tuple:
    """``row``'s values of :data:`BREAKDOWN`, the key of its comparison set."""
    return tuple(row[column] for column in BREAKDOWN)


class RowsBy:
    """A frame's rows found by the values of some of its columns, in the frame's order.

    The positions of each distinct set of values are worked out once: a report asks
    hundreds of times, and a filter of every row for each question cost far more.

    >>> rows = RowsBy(pd.DataFrame({"id": ["a", "b", "a"], "value": [1, 2, 3]}), ["id"])
    >>> rows.get("a")["value"].tolist(), len(rows.get("z"))
    ([1, 3], 0)
    """

    def __init__(self, rows: pd.DataFrame, columns: list[str]):
        self.rows = rows
        self._positions = rows.groupby(columns, sort=False).indices if len(rows) else {}

    def get(self, *values) -> pd.DataFrame:
        """The rows whose columns hold ``values`` (none: an empty frame of the same columns)."""
        positions = self._positions.get(values if len(values) > 1 else values[0])
        return self.rows.iloc[positions] if positions is not None else self.rows.iloc[0:0]


@dataclass
class HeadlineTables:
    """A bundle's headline rows and the indexes every report of the bundle reads them through."""

    rows: pd.DataFrame
    by_indicator: dict[str, pd.DataFrame]
    latest_by_area: dict[str, pd.DataFrame]
    #: Latest rows of every topic indicator for all areas of one type, by the type's codes
    #: (filled by the spine chart, the first time a report of that type asks).
    spine: dict[tuple[str, ...], pd.DataFrame] = field(default_factory=dict)
    #: Population estimates by age band (not headline rows: the population profile's), every area.
    population_ages: pd.DataFrame = field(default_factory=pd.DataFrame)
    _upper_tier: HeadlineTables | None = field(default=None, init=False, repr=False)
    _by_breakdown: RowsBy | None = field(default=None, init=False, repr=False)
    _by_area: dict[str, RowsBy] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def build(cls, frame: pd.DataFrame, indicators: Mapping[str, dict]) -> HeadlineTables:
        ages = frame[(frame["indicator_id"] == POPULATION_ID) & (frame["age"] != DEFAULT_AGE)
                     & (frame["category_type"] == "")]
        # Every column kept: the age profile's rows are listed in the appendix with their source.
        return cls.indexed(headline_rows(frame, indicators), ages.reset_index(drop=True))

    @classmethod
    def indexed(cls, rows: pd.DataFrame, population_ages: pd.DataFrame) -> HeadlineTables:
        """The tables for ``rows``, with their indexes by indicator and by area (latest period)."""
        latest = rows.sort_values(["area_code", "indicator_id", "period_end", "period"])
        latest = latest.groupby(["area_code", "indicator_id"], as_index=False).tail(1)
        return cls(rows=rows, population_ages=population_ages,
                   by_indicator={cast(str, key): group for key, group in rows.groupby("indicator_id", sort=False)},
                   latest_by_area={cast(str, code): group.reset_index(drop=True)
                                   for code, group in latest.groupby("area_code")})

    def upper_tier_view(self) -> HeadlineTables:
        """The same tables with each unitary's quintiles computed among the whole upper tier (made once).

        A county's or unitary's report shows its area among counties and unitaries,
        so every label in it comes from that one set
        (:mod:`assessment.stats.comparison_sets`).
        """
        if self._upper_tier is None:
            self._upper_tier = self if "upper_tier_comparison" not in self.rows.columns else \
                self.indexed(_with_upper_tier_labels(self.rows), self.population_ages)
        return self._upper_tier

    def empty(self) -> pd.DataFrame:
        return self.rows.iloc[0:0]

    def indicator(self, indicator_id: str) -> pd.DataFrame:
        """Every area's headline rows of one indicator."""
        return self.by_indicator.get(indicator_id, self.empty())

    def area_rows(self, indicator_id: str, area_code: str) -> pd.DataFrame:
        """One area's rows of one indicator, oldest first (by period end, then period).

        The housing sections ask for the area's and England's rows of each quarterly table, several times
        a report and in every report of a kernel: each indicator's rows are indexed by area once, not
        filtered for every question.

        >>> rows = pd.DataFrame({"indicator_id": "i", "area_code": ["A", "B", "A"], "period": ["Q2", "Q1", "Q1"],
        ...                      "period_end": pd.to_datetime(["2024-06-30", "2024-03-31", "2024-03-31"])})
        >>> HeadlineTables(rows, {"i": rows}, {}).area_rows("i", "A")["period"].tolist()
        ['Q1', 'Q2']
        """
        if indicator_id not in self._by_area:
            self._by_area[indicator_id] = RowsBy(self.indicator(indicator_id), ["area_code"])
        return self._by_area[indicator_id].get(area_code).sort_values(["period_end", "period"])

    def same_breakdown(self, row: pd.Series | Mapping) -> pd.DataFrame:
        """Every area's rows of ``row``'s indicator in its period, sex and age, in table order.

        A report asks for each row it compares or ranks; the rows' positions are
        found once per table instead of by a filter of the indicator's rows each time.
        """
        if self._by_breakdown is None:
            self._by_breakdown = RowsBy(self.rows, list(BREAKDOWN))
        return self._by_breakdown.get(*breakdown_of(row))

    def latest(self, area_code: str) -> pd.DataFrame:
        """The latest period of each indicator for one area (a copy: callers may add columns)."""
        found = self.latest_by_area.get(area_code)
        return found.copy() if found is not None else self.empty()


def _with_upper_tier_labels(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with a unitary's upper-tier comparison (and its reason) in place of its lower-tier one."""
    upper = rows["upper_tier_comparison"].fillna("").astype(str).ne("")
    if not upper.any():
        return rows
    out = rows.copy()
    out.loc[upper, "england_comparison"] = out.loc[upper, "upper_tier_comparison"]
    binned_region = upper & out["region_comparison"].fillna("").astype(str).str.contains(r"quintile$|quartile$")
    out.loc[binned_region, "region_comparison"] = out.loc[binned_region, "upper_tier_comparison"]
    out.loc[upper, "england_reason"] = out.loc[upper, "upper_tier_reason"]
    return out
