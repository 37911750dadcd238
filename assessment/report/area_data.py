"""One area's data from a bundle: its headline rows, peers, latest periods and local uploads.

Everything here selects rows; nothing writes markdown or draws. The rows come
from the bundle's headline tables (:mod:`assessment.bundles.headline_rows`), which
are worked out once per bundle, so a batch of reports shares them. The
section modules (:mod:`assessment.report.sections`) turn this data into text,
tables and figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import pandas as pd

from ..geography import Area, Geography
from ..core.levels import DISTRICT_LEVEL, ENGLAND_CODE, ENGLAND_LEVEL, ENGLAND_NAME, LEVELS
from ..registry.all_registries import Section, registries
from ..sources.ons_population import INDICATOR_ID as POPULATION_ID
from ..uploads.schema import UploadKind
from ..bundles.bundle import Bundle
from ..bundles.headline_rows import HeadlineTables
from .titles import area_title

T = TypeVar("T")

OTHER_SECTION = "other"  # an indicator with no catalogue entry belongs to no report section
#: The level of the England and Wales total (K04000001): a Welsh force's national comparator.
ENGLAND_WALES_LEVEL = "england_wales"
#: The columns comparing a row with the nation, each with its England and Wales counterpart.
NATIONAL_COLUMNS = {f"england_{part}": f"england_wales_{part}" for part in ("value", "comparison", "reason")}


def with_national(rows: pd.DataFrame, national_code: str) -> pd.DataFrame:
    """``rows`` compared with the nation: for England and Wales (a Welsh force), the England and Wales
    value, comparison and reason in the ``england_*`` columns every section reads.

    A Welsh force's figures come from tables published for England and Wales;
    its England comparison is empty ("a Welsh force: compared with England and Wales").
    """
    if national_code == ENGLAND_CODE or rows.empty or not set(NATIONAL_COLUMNS.values()) <= set(rows.columns):
        return rows
    return rows.assign(**{england: rows[both] for england, both in NATIONAL_COLUMNS.items()})


@dataclass
class AreaData:
    """The rows of one area (and its peers) that a report shows."""

    bundle: Bundle
    area: Area
    _answers: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def remembered(self, key: tuple, work_out: Callable[[], T]) -> T:
        """``work_out()``, once per report for ``key``: sections ask the same questions of the same rows
        (the councils inside a force, for its key messages, topic tables and partnership profiles).
        Callers must not change what they are given."""
        if key not in self._answers:
            self._answers[key] = work_out()
        return self._answers[key]

    @property
    def geography(self) -> Geography:
        return self.bundle.geography

    @property
    def tables(self) -> HeadlineTables:
        """The bundle's headline tables, with quintiles among the set this report compares the area in."""
        tables = self.bundle.headline()
        if self.geography.peer_level(self.area) == DISTRICT_LEVEL.upper_tier_level:
            return tables.upper_tier_view()
        return tables

    @cached_property
    def kind(self) -> str:
        """What the area is, for a reader ("county council", "unitary authority", "police force area")."""
        return self.geography.kind_label(self.area)

    def display_name(self, code: str | None = None) -> str:
        """An area's name, saying what it is when another area shares it (Lancashire the county and the force)."""
        area = self.geography.resolve(code) if code else self.area
        if area.name not in self.geography.shared_names:
            return area.name
        return area_title(area.name, self.geography.kind_label(area))

    # ------------------------------------------------------- registries
    @staticmethod
    def sections() -> tuple[Section, ...]:
        """The report's sections from ``data_sources/report_sections.yaml``, in report order."""
        return registries().sections

    @staticmethod
    def upload_kinds() -> list[UploadKind]:
        """Registered upload kinds (``data_sources/uploads/*.yaml``)."""
        return list(registries().upload_kinds.values())

    def uploaded_kinds(self) -> set[str]:
        """The upload kinds whose data are in the bundle."""
        return {u.get("kind") for u in self.bundle.meta.get("uploads", [])}

    def indicator_info(self, indicator_id: str) -> dict:
        """The catalogue's information on an indicator, as stored in the bundle."""
        return self.bundle.indicators.get(str(indicator_id), {}) or {}

    def section_of(self, indicator_id: str) -> str:
        return self.indicator_info(indicator_id).get("section") or OTHER_SECTION

    @cached_property
    def national(self) -> tuple[str, str]:
        """(code, name) of what the area is compared with: England, or England and Wales for a Welsh force."""
        if ENGLAND_LEVEL in self.geography.parents(self.area.code):
            return ENGLAND_CODE, ENGLAND_NAME
        national = LEVELS[ENGLAND_WALES_LEVEL].area
        assert national is not None, "levels.yaml: England and Wales has its area"
        return national

    @property
    def national_name(self) -> str:
        """"England", or "England and Wales" for a Welsh force (table headers, sentences, chart lines)."""
        return self.national[1]

    # -------------------------------------------------------------- rows
    def latest(self, area_code: str | None = None) -> pd.DataFrame:
        """The latest period of each indicator for an area (this area by default), compared with the nation."""
        return with_national(self.tables.latest(area_code or self.area.code), self.national[0])

    def latest_with_upper_tier(self) -> pd.DataFrame:
        """The area's latest rows; for a district, its upper-tier authority's where only that is published."""
        latest = self.latest()
        if self.area.area_type != DISTRICT_LEVEL.key or self.area.is_upper_tier or not DISTRICT_LEVEL.upper_tier_level:
            return latest
        upper = self.geography.parents(self.area.code).get(DISTRICT_LEVEL.upper_tier_level)
        extra = self.latest(upper) if upper else latest.iloc[0:0]
        extra = extra[~extra["indicator_id"].isin(set(latest["indicator_id"]))]
        return pd.concat([latest, extra], ignore_index=True) if not extra.empty else latest

    def section_rows(self, section_key: str) -> pd.DataFrame:
        """The latest rows of one section's indicators for the area (a frame of the caller's own)."""
        latest, sections = self.remembered(("latest rows by section",), self._latest_by_section)
        return latest[sections == section_key] if not latest.empty else latest.copy()

    def _latest_by_section(self) -> tuple[pd.DataFrame, pd.Series]:
        """The area's latest rows and each row's section: every topic and profile asks for its own."""
        latest = self.latest_with_upper_tier()
        return latest, latest["indicator_id"].map(self.section_of) if not latest.empty else pd.Series(dtype=object)

    def population(self, area_code: str | None = None) -> float | None:
        """The latest population estimate of an area, if the bundle has one."""
        return self._latest_populations.get(area_code or self.area.code)

    @cached_property
    def _latest_populations(self) -> dict[str, float]:
        """Every area's latest population estimate (a report asks for its area and each area inside it)."""
        rows = self.tables.indicator(POPULATION_ID).dropna(subset=["value"])
        latest = rows.sort_values("period_end", kind="stable").drop_duplicates("area_code", keep="last")
        return {str(code): float(value) for code, value in zip(latest["area_code"], latest["value"])}

    def peer_rows(self, row: pd.Series) -> pd.DataFrame:
        """The same indicator, period and breakdown for the area's peers (with the area itself)."""
        peers = set(self.geography.peers(self.area.code)) | {self.area.code}
        same = self.tables.same_breakdown(row)
        return with_national(same[same["area_code"].isin(peers)], self.national[0])

    def series(self, row: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The area's and the nation's (England's) series of one indicator in the row's breakdown, oldest first."""
        frame = self.tables.indicator(row["indicator_id"])
        national = self.national[0]
        series = frame[(frame["sex"] == row["sex"]) & (frame["age"] == row["age"])
                       & frame["area_code"].isin([self.area.code, national])].sort_values(["period_end", "period"])
        return series[series["area_code"] == self.area.code], series[series["area_code"] == national]

    def same_type_codes(self) -> set[str]:
        """Areas of this area's type (unitaries count as upper tier), for spine-chart ranges."""
        return set(self.geography.codes_of_type(self.geography.peer_level(self.area)))

    def spine_rows(self) -> pd.DataFrame:
        """Latest rows of the spine sections' indicators (not counts) for all areas of this area's type, cached."""
        codes = self.same_type_codes()
        key = tuple(sorted(codes))
        cache = self.tables.spine
        if key not in cache:
            sections = [s.key for s in self.sections() if s.spine]
            frame = self.tables.rows
            section_of = frame["indicator_id"].map({i: self.section_of(i) for i in frame["indicator_id"].unique()})
            # A count has no comparison with England, so its bar would say nothing.
            rows = frame[frame["area_code"].isin(codes) & section_of.isin(sections) & frame["england_value"].notna()
                         & frame["value_type"].ne("count")]
            latest = rows.groupby("indicator_id")["period_end"].transform("max")
            rows = rows[rows["period_end"] == latest]
            rows = rows.assign(_section=section_of[rows.index].map(sections.index))
            cache[key] = rows.sort_values(["_section", "indicator_id", "area_code"])
        rows = with_national(cache[key], self.national[0])
        return rows[rows["england_value"].notna()]  # England and Wales: only the indicators published for both

    def map_indicator(self, codes: list[str]) -> tuple[pd.Series, pd.DataFrame] | None:
        """The first headline indicator with values for most of the mapped areas, and those values (None: none has)."""
        for _, row in self.latest().iterrows():
            if not self.indicator_info(row["indicator_id"]).get("headline") or pd.isna(row["value"]):
                continue
            frame = self.tables.indicator(row["indicator_id"])
            values = frame[(frame["period"] == row["period"]) & frame["area_code"].isin(codes)]
            if values["value"].notna().sum() * 2 >= len(codes):
                return row, with_national(values, self.national[0])
        return None

    def local_rows(self, kind: UploadKind) -> pd.DataFrame:
        """An upload kind's rows for the area and its districts, the area first."""
        codes = [self.area.code, *[c for c in self.geography.constituent_lads(self.area.code) if c != self.area.code]]
        frame = self.tables.rows
        ids = [indicator.get("id") for indicator in kind.indicators]
        rows = frame[frame["source"].str.startswith("Local upload") & frame["area_code"].isin(codes)
                     & frame["indicator_id"].isin(ids)]
        order = {code: n for n, code in enumerate(codes)}
        return rows.assign(_order=rows["area_code"].map(order)).sort_values(["indicator_id", "period", "_order"])
