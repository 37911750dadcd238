"""A report's police force area: which force it is, how many councils share it, and the force's justice rows.

Arrests, stop and search, the conviction ratio and recorded crime are
published for police force areas (and England and Wales), not for councils.
A force's report shows its own figures; a council's report shows the figures
of the force area it lies in, labelled as the force's, with how many councils
share that force (counted from the ONS district -> force lookup, never typed in).

>>> import pandas as pd
>>> from assessment.geography import Geography
>>> lads = pd.DataFrame({"lad_code": ["E06000009", "E07000123", "E07000124"],
...                      "lad_name": ["Blackpool", "Preston", "Ribble Valley"],
...                      "utla_code": ["E06000009", "E10000017", "E10000017"],
...                      "utla_name": ["Blackpool", "Lancashire", "Lancashire"],
...                      "region_code": ["E12000002"] * 3, "region_name": ["North West"] * 3,
...                      "pfa_code": ["E23000003"] * 3, "pfa_name": ["Lancashire"] * 3})
>>> geography = Geography(lads)
>>> preston = geography.resolve("Preston")
>>> force_of(geography, preston)
('E23000003', 'Lancashire')
>>> coterminosity_note(geography, preston, "E23000003", "Lancashire")
'Preston is one of 3 councils in the Lancashire police force area.'
>>> coterminosity_note(geography, geography.resolve("E10000017"), "E23000003", "Lancashire")
'Lancashire County Council covers 2 of the 3 councils in the Lancashire police force area.'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from ..geography import Area, Geography
from ..core.levels import DISTRICT_LEVEL
from ..stats.force_ranks import ENGLAND_AND_WALES
from ..core.safe_text import capital
from .ranks import highest

FORCE_LEVEL = "pfa"
NOT_AVAILABLE = "Not available"
MAIN = {"sex": "Persons", "age": "All ages", "category_type": "", "category": ""}
#: The columns a row is looked up by (besides indicator and area), and its period's end, to find the latest.
_KEY_COLUMNS = ("sex", "age", "category_type", "category", "period", "period_end")
_PERIOD, _END = _KEY_COLUMNS.index("period"), _KEY_COLUMNS.index("period_end")


def force_of(geography: Geography, area: Area) -> tuple[str, str] | None:
    """(code, name) of the force area a report's figures come from: the area itself, or the one it lies in.

    None when the area spans several force areas (a region, England).
    """
    if area.area_type == FORCE_LEVEL:
        return area.code, area.name
    code = geography.parents(area.code).get(FORCE_LEVEL)
    if not code:
        return None
    names = geography.lads.drop_duplicates("pfa_code").set_index("pfa_code")["pfa_name"]
    return code, str(names.get(code, code))


def forces_of(geography: Geography, area: Area) -> list[str]:
    """Names of every force area an area's districts lie in (for an area spanning several)."""
    lads = geography.lads[geography.lads["lad_code"].isin(geography.constituent_lads(area.code))]
    return sorted(lads["pfa_name"].unique())


def councils_in_force(geography: Geography, force_code: str) -> list[str]:
    """Codes of the district and unitary councils in a force area (each council once)."""
    lads = geography.lads
    return sorted(lads.loc[lads["pfa_code"] == force_code, "lad_code"].unique())


def force_area_name(force_name: str) -> str:
    """How text names a force's area ("Lancashire police force area"; a name ending "Police" is not doubled).

    >>> force_area_name("Lancashire"), force_area_name("Northmere and Port Alder Police")
    ('Lancashire police force area', 'Northmere and Port Alder Police force area')
    """
    last = force_name.split()[-1] if force_name.split() else ""
    return f"{force_name} force area" if last in ("Police", "Constabulary") else f"{force_name} police force area"


def coterminosity_note(geography: Geography, area: Area, force_code: str, force_name: str) -> str:
    """How a council sits in its force area, in plain words (plain text: escape it for markdown)."""
    councils = councils_in_force(geography, force_code)
    force = f"the {force_area_name(force_name)}"
    if area.area_type == FORCE_LEVEL:
        return f"{capital(force)} covers {len(councils)} district and unitary council" \
               f"{'' if len(councils) == 1 else 's'}."
    own = set(geography.constituent_lads(area.code))
    if area.area_type == DISTRICT_LEVEL.key or len(own) == 1:
        if len(councils) == 1:
            return f"{area.name} is the only council in {force}, so the force's figures are {area.name}'s."
        return f"{area.name} is one of {len(councils)} councils in {force}."
    inside = len(own & set(councils))
    name = f"{area.name} County Council" if geography.kind_label(area) == "county council" else area.name
    if inside == len(councils):
        return f"{name} covers all {len(councils)} councils in {force}, so the force's figures are its own."
    return f"{name} covers {inside} of the {len(councils)} councils in {force}."


def is_withheld(row: pd.Series | None) -> bool:
    """Whether a row is a publisher's "not available" (``..``, ``*``, ``N/A``): no value, and a reason."""
    return row is not None and _missing(row.get("value")) and str(row.get("value_note") or "").startswith(NOT_AVAILABLE)


def withheld_reason(row: pd.Series) -> str:
    """The publisher's reason a figure is not available ("" when the publisher gave none)."""
    note = str(row.get("value_note") or "")
    return note.split(":", 1)[1].strip() if note.startswith(NOT_AVAILABLE + ":") else ""


def rank_text(row: pd.Series | None) -> str:
    """A force's rank among forces ("9th highest of 41 forces"); "not ranked" without a figure.

    >>> rank_text(pd.Series({"value": 99.0, "force_rank": 9.0, "force_count": 41, "is_welsh": False}))
    '9th highest of 41 forces'
    >>> [rank_text(pd.Series({"value": 9.0, "force_rank": r, "force_count": 42})) for r in (1.0, 42.0)]
    ['highest of 42 forces', 'lowest of 42 forces']
    >>> rank_text(pd.Series({"value": float("nan"), "force_rank": float("nan"), "force_count": 41}))
    'not ranked'
    """
    if row is None or _missing(row.get("value")) or _missing(row.get("force_rank")) or bool(row.get("suppressed")):
        return "not ranked"
    return f"{highest(row['force_rank'], row['force_count'])} of {int(row['force_count'])} forces"


def _missing(value) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


@dataclass
class ForceFigures:
    """One force's rows (every breakdown) of the England-and-Wales indicators, with England and Wales's."""

    code: str
    name: str
    rows: pd.DataFrame

    @classmethod
    def of(cls, force_rows: pd.DataFrame, code: str, name: str) -> ForceFigures:
        """The force's and England and Wales's rows of a bundle's ``force_rows()``."""
        return cls(code, name, force_rows[force_rows["area_code"].isin([code, ENGLAND_AND_WALES])])

    def _matching(self, indicator_id: str, area_code: str, **breakdown) -> list[tuple[int, tuple]]:
        """(position in ``rows``, its ``_KEY_COLUMNS``) of one area's rows of an indicator in a breakdown, in
        order (a breakdown column given as None matches any value; one not given is the main one, ``MAIN``)."""
        wanted = [(_KEY_COLUMNS.index(column), value) for column, value in {**MAIN, **breakdown}.items()
                  if value is not None]
        return [(position, key) for position, key in self._keys.get((str(indicator_id), str(area_code)), [])
                if all(key[index] == value for index, value in wanted)]

    @cached_property
    def _keys(self) -> dict[tuple[str, str], list[tuple[int, tuple]]]:
        """Each (indicator, area)'s rows as (position, their ``_KEY_COLUMNS``), read once as plain values:
        a report looks up a hundred rows, and filtering a frame column by column cost more than the rest."""
        keys: dict[tuple[str, str], list[tuple[int, tuple]]] = {}
        columns = [self.rows[column].to_numpy(dtype=object) for column in ("indicator_id", "area_code")]
        values = self.rows[list(_KEY_COLUMNS)].to_numpy(dtype=object)
        for position, (indicator, area, key) in enumerate(zip(*columns, values)):
            keys.setdefault((str(indicator), str(area)), []).append((position, tuple(key)))
        return keys

    def latest_period(self, indicator_id: str) -> str | None:
        """The indicator's latest period with a row for the force (withheld rows count: they say why)."""
        matching = self._matching(indicator_id, self.code, sex=None, age=None, category_type=None, category=None)
        if not matching:
            return None
        # the last row in order of period end, then period (the last of equals, as after a stable sort)
        _, latest = max(matching, key=lambda row: (row[1][_END], row[1][_PERIOD], row[0]))
        return str(latest[_PERIOD])

    def row(self, indicator_id: str, period: str | None = None, *, national: bool = False,
            **breakdown) -> pd.Series | None:
        """The force's (or England and Wales's) row for one breakdown, in ``period`` (default the latest)."""
        period = period or self.latest_period(indicator_id)
        if period is None:
            return None
        matching = self._matching(indicator_id, ENGLAND_AND_WALES if national else self.code, period=period,
                                  **breakdown)
        return self.rows.iloc[matching[0][0]] if matching else None

    def categories(self, indicator_id: str, category_type: str, period: str | None = None) -> pd.DataFrame:
        """The force's and England and Wales's rows of one breakdown (e.g. ethnic group), in one period."""
        period = period or self.latest_period(indicator_id)
        rows = self.rows[(self.rows["indicator_id"] == indicator_id) & (self.rows["category_type"] == category_type)
                         & (self.rows["period"] == period) & (self.rows["sex"] == MAIN["sex"])
                         & (self.rows["age"] == MAIN["age"])]
        return rows.reset_index(drop=True)
