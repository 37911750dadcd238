"""What happens inside an area: the councils of a police force area (or the districts of a county), indicator by indicator.

A force-wide or county-wide figure can hide councils that differ from
England in opposite directions. Each topic section therefore shows, for every
indicator its councils have, each council's value, confidence interval,
comparison with England and share of the area's population, and says so in a
sentence when the councils differ significantly.

The areas inside are the district and unitary councils of a police force area
or a county (grouped by community safety partnership where one covers several
districts), and the upper-tier councils of a region; a district or unitary has
none. A figure published only for the upper tier shows a force's upper-tier
councils instead.

>>> import pandas as pd
>>> rows = pd.DataFrame({"area_name": ["Northmere", "Port Alder"], "value": [35.7, 53.1],
...                      "lower_ci_95": [31.4, 46.1], "upper_ci_95": [40.1, 60.0],
...                      "england_comparison": ["Worse", "Better (99.8%)"], "england_value": [40.1, 40.1],
...                      "value_type": "proportion", "multiplier": 100, "indicator_name": "Continuity of care",
...                      "polarity": "high_is_good"})
>>> print(contrast_sentence(rows, "the force", escape=False))
Inside the force, the councils differ on continuity of care: Port Alder (53.1%) is better than England (40.1%) while Northmere (35.7%) is worse.

A council less than 10% from England (``small_difference``) is not called better or worse:

>>> print(contrast_sentence(rows.assign(value=[38.0, 53.1]), "the force", escape=False))
Inside the force, the figure for continuity of care ranges from 38.0% in Northmere to 53.1% in Port Alder, a significant difference (their 95% confidence intervals do not overlap).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import numpy as np
import pandas as pd

from .difference import is_small
from ..geography import Area
from ..core.levels import DISTRICT_LEVEL
from ..core.safe_text import format_value, in_sentence, md, thousands
from .area_data import AreaData, with_national
from .document import records
from ..bundles.headline_rows import BREAKDOWN, RowsBy, breakdown_of
from .ranks import place_text

FORCE_LEVEL = "pfa"

BETTER = ("Better", "Better (99.8%)")
WORSE = ("Worse", "Worse (99.8%)")


def inside_areas(data: AreaData) -> list[Area]:
    """The areas inside at the lowest published level: a force's or county's districts, a region's upper tier.

    A force is planned with its district and unitary councils and their community
    safety partnerships, so its tables name those (figures published only for the
    upper tier fall back to :func:`upper_tier_inside`); a district or unitary has none.
    """
    return list(data.remembered(("inside areas",), lambda: _inside_areas(data)))


def _inside_areas(data: AreaData) -> list[Area]:
    geo, area = data.geography, data.area
    lads = geo.lads[geo.lads["lad_code"].isin(geo.constituent_lads(area.code))]
    if len(lads) < 2:
        return []
    if area.area_type in (FORCE_LEVEL, DISTRICT_LEVEL.upper_tier_level) or area.is_upper_tier:
        codes = list(lads["lad_code"])  # a force or a county: its districts
    else:
        codes = list(dict.fromkeys(lads["utla_code"]))  # a region: its upper-tier councils
    return sorted((geo.resolve(code) for code in codes if code != area.code), key=lambda a: a.name)


def upper_tier_inside(data: AreaData) -> list[Area]:
    """A force's upper-tier councils (counties and unitaries): where a figure is not published for districts."""
    return list(data.remembered(("upper tier inside",), lambda: _upper_tier_inside(data)))


def _upper_tier_inside(data: AreaData) -> list[Area]:
    geo, area = data.geography, data.area
    if area.area_type != FORCE_LEVEL:
        return []
    lads = geo.lads[geo.lads["lad_code"].isin(geo.constituent_lads(area.code))]
    codes = list(dict.fromkeys(lads["utla_code"]))
    return sorted((geo.resolve(c) for c in codes if c != area.code), key=lambda a: a.name) if len(codes) > 1 else []


def partnerships(data: AreaData, inside: list[Area]) -> dict[str, list[str]]:
    """Each district's community safety partnerships (names), from the ONS district -> CSP lookup."""
    table = data.geography.overlapping.get("csp")
    if table is None or table.empty:
        return {}
    codes = {a.code for a in inside}
    rows = table[table["lad_code"].isin(codes)].sort_values("csp_name")
    return {cast(str, code): list(group["csp_name"]) for code, group in rows.groupby("lad_code")}


def shared_partnerships(data: AreaData, inside: list[Area]) -> dict[str, str]:
    """The partnership each district is grouped under, for districts whose partnership covers several of them.
    (Broxtowe, Gedling and Rushcliffe share South Nottinghamshire; Lancashire's districts are each their own.)
    """
    return dict(data.remembered(("shared partnerships", *_codes(inside)),
                                lambda: _shared_partnerships(data, inside)))


def _codes(areas: list[Area]) -> tuple[str, ...]:
    return tuple(a.code for a in areas)


def _shared_partnerships(data: AreaData, inside: list[Area]) -> dict[str, str]:
    by_district = partnerships(data, inside)
    members: dict[str, int] = {}
    for names in by_district.values():
        for name in names:
            members[name] = members.get(name, 0) + 1
    return {code: ", ".join(n for n in names if members[n] > 1) for code, names in by_district.items()
            if any(members[n] > 1 for n in names)}


def inside_name(name: str, code: str, shared: dict[str, str]) -> str:
    """How a table names an inside area: with its partnership when that covers several districts."""
    return f"{name} ({shared[code]} CSP)" if code in shared else name


def published_inside(data: AreaData, row: pd.Series, inside: list[Area]) -> pd.DataFrame:
    """The inside areas' rows for ``row``'s indicator at the lowest level that publishes it, grouped by partnership.

    Districts, unless more of a force's upper-tier councils than its districts have a
    figure (one published for the upper tier only, where a unitary is both): then those.
    Each row carries its rank inside the area (1 = highest value; for a rank, 1 = the first-ranked).
    Worked out once per report for each row and set of areas (the key messages, the topic's table and
    the partnership profiles ask for the same rows).
    """
    key = ("published inside", *breakdown_of(row), *_codes(inside))
    return data.remembered(key, lambda: _published_inside(data, row, inside))


def _published_inside(data: AreaData, row: pd.Series, inside: list[Area]) -> pd.DataFrame:
    key = breakdown_of(row)
    found = _ranked_inside(data, inside)
    if upper := upper_tier_inside(data):  # the level where more of the force's councils have a figure
        at_upper = _ranked_inside(data, upper)
        if at_upper.with_figures(key) > found.with_figures(key):
            found = at_upper
    return found.rows.get(*key).reset_index(drop=True)


class RankedInside:
    """Every indicator's rows of a set of inside areas, worked out together once per report.

    Each indicator's rows are in the order its table lists them (by partnership
    where one covers several districts, then by name), named as the table names
    them, compared with the nation, and ranked among themselves (1 = highest
    value; a rank such as IMD's keeps its own order, so the council ranked 8th
    in England is the 1st inside the area, never the "12th of 12" that ranking
    its number from the highest would say).
    """

    def __init__(self, data: AreaData, inside: list[Area]):
        rows = data.tables.rows
        rows = rows[rows["area_code"].isin(_codes(inside))]
        shared = shared_partnerships(data, inside)
        labels = {a.code: inside_name(data.display_name(a.code), a.code, shared) for a in inside}
        names = rows["area_code"].map(labels)
        groups = [shared.get(code, "") for code in rows["area_code"]]  # "" outside a shared one
        order = np.lexsort((names.to_numpy(), np.asarray(groups)))  # by partnership, then name
        rows = rows.assign(area_name=names).iloc[order]
        rows = with_national(rows, data.national[0])  # a Welsh force's councils: compared with England and Wales
        suppressed = rows["suppressed"].astype(bool)
        ranked = rows["value"].where(~suppressed)
        by = [rows[column] for column in BREAKDOWN]
        each_breakdown = ranked.groupby(by)
        highest_first = each_breakdown.rank(ascending=False, method="min")
        in_own_order = each_breakdown.rank(ascending=True, method="min")
        tied = ranked.groupby([*by, ranked]).transform("size")  # none where there is no figure
        self.rows = RowsBy(rows.assign(
            inside_rank=in_own_order.where(rows["value_type"] == "rank", highest_first),
            inside_count=each_breakdown.transform("count"),
            inside_tied=tied.fillna(0).astype(int)), list(BREAKDOWN))
        # a suppressed figure counts: the table says it is suppressed
        counted = (rows["value"].notna() | suppressed).groupby(by).sum()
        self._with_figures = dict(zip(counted.index, counted.astype(int)))

    def with_figures(self, key: tuple) -> int:
        """How many of the areas have a figure for the breakdown ``key`` (a suppressed one counts)."""
        return self._with_figures.get(key, 0)


def _ranked_inside(data: AreaData, inside: list[Area]) -> RankedInside:
    return data.remembered(("ranked inside", *_codes(inside)), lambda: RankedInside(data, inside))


def rank_inside_text(row: Mapping[str, Any] | pd.Series) -> str:
    """"3rd of 14" (1 = highest value), "not ranked" without a figure."""
    rank = row.get("inside_rank")
    if rank is None or pd.isna(rank):
        return "not ranked"
    text = place_text(int(rank), int(row["inside_count"]), int(row.get("inside_tied") or 1))
    # A rank keeps its own order (see RankedInside): say so, or "1st" beside the lowest number contradicts
    # the column's "1 = highest".
    return text + " (1 = ranked first)" if row.get("value_type") == "rank" else text


def population_shares(data: AreaData, inside: list[Area]) -> dict[str, float]:
    """Each inside area's share of the area's population, where both populations are known."""
    total = data.population()
    shares = {}
    for area in inside:
        population = data.population(area.code)
        if total and population:
            shares[area.code] = population / total
    return shares


def _listed(items: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _figure(row: Mapping[str, Any]) -> str:
    return format_value(row["value"], row["value_type"], row["multiplier"])


def contrast_sentence(rows: pd.DataFrame, where: str, *, escape: bool = True, kind: str = "councils") -> str:
    """A sentence when the inside areas differ significantly ("" when they do not).

    Opposite comparisons with England come first; otherwise, the highest and
    lowest areas whose 95% confidence intervals do not overlap.
    """
    esc = md if escape else str
    shown = [r for r in records(rows[list(_CONTRAST_COLUMNS)]) if not pd.isna(r["value"])]
    if len(shown) < 2 or any(r["value_type"] == "count" for r in shown):  # counts of areas of any size: no contrast
        return ""
    first = shown[0]
    name = esc(in_sentence(first["indicator_name"]))  # mid-sentence: "differ on deaths related to..."
    # A council whose difference from England is small in practice is not called better or worse.
    material = [r for r in shown if not is_small(r["value"], r["england_value"], r["value_type"])]
    better = [r for r in material if r["england_comparison"] in BETTER]
    worse = [r for r in material if r["england_comparison"] in WORSE]
    if better and worse:
        england = format_value(first["england_value"], first["value_type"], first["multiplier"])
        better_text = _listed([f"{esc(r['area_name'])} ({_figure(r)})" for r in better])
        worse_text = _listed([f"{esc(r['area_name'])} ({_figure(r)})" for r in worse])
        verb = "are" if len(better) > 1 else "is"
        return (f"Inside {where}, the {kind} differ on {name}: {better_text} {verb} "
                f"better than England ({england}) while {worse_text} {'are' if len(worse) > 1 else 'is'} worse.")
    if any(pd.isna(r["lower_ci_95"]) for r in shown):
        return ""
    high = max(shown, key=lambda r: r["value"])  # the first of equal highest, as pandas' idxmax
    low = min(shown, key=lambda r: r["value"])
    if low["upper_ci_95"] < high["lower_ci_95"]:
        return (f"Inside {where}, the figure for {name} ranges from {_figure(low)} in {esc(low['area_name'])} to "
                f"{_figure(high)} in {esc(high['area_name'])}, a significant difference "
                "(their 95% confidence intervals do not overlap).")
    return ""


#: What :func:`contrast_sentence` reads of each area's row.
_CONTRAST_COLUMNS = ("area_name", "indicator_name", "value", "lower_ci_95", "upper_ci_95", "value_type", "multiplier",
                     "england_value", "england_comparison")


def share_text(share: float | None) -> str:
    """A population share as a table prints it ("71%", "no data")."""
    return "no data" if share is None or pd.isna(share) else f"{share * 100:.0f}%"


def inside_kind(data: AreaData) -> str:
    """What the areas inside are called: councils (of a force or region) or districts (of a county)."""
    return data.remembered(("inside kind",), lambda: _inside_kind(data))


def _inside_kind(data: AreaData) -> str:
    inside = inside_areas(data)
    return "districts" if inside and all(a.area_type == DISTRICT_LEVEL.key and not a.is_upper_tier
                                         for a in inside) else "councils"


def where_label(data: AreaData) -> str:
    """How a sentence names the area's inside ("the force area", "the county")."""
    if data.area.area_type == "pfa":
        return "the force area"
    return f"{md(data.area.name)}"


def population_text(data: AreaData, code: str) -> str:
    population = data.population(code)
    return thousands(population) if population else "no data"
