"""Disclosure control: hide small numbers, and any cell that could be worked out from the others.

Primary suppression hides counts from ``suppress_from`` to ``suppress_to``
(default 1 to 4; zero is shown) and everything derived from them; a small
denominator, or a small complement (denominator minus count: "2 of 40 did not
engage"), is hidden the same way. Secondary
suppression then makes sure no hidden cell can be recovered by subtraction:
in every group of cells that add up to a total (the categories of a breakdown
and their total; the districts of an area and its total), a group never has
exactly one hidden cell: the next smallest cell is hidden too, repeated until
no group has a single hidden cell.

Across geographies (:func:`geography_relations`): reports are published for a
district, its county and its police force, and anyone can read them side by
side. So every pair of published areas one inside the other is a group too:
a force, a county inside it and the districts of the force outside the
county (force minus county is those districts' sum), and every area with
the areas directly inside it (a force, its county and its unitary). With
each of these groups holding no single hidden cell, no hidden count is the
difference of two published figures ("38 in the force, 37 in the county":
the unitary's 1 is hidden, so one of the force and the county is hidden too).

>>> import pandas as pd
>>> frame = pd.DataFrame({"area_code": ["A", "B", "C"], "count": [3.0, 10.0, 12.0],
...                       "group": ["g", "g", "g"]})
>>> suppress_cells(frame, ["group"]).tolist()
[True, True, False]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.levels import DISTRICT_LEVEL, LEVELS, total_levels

PRIMARY_NOTE = "Suppressed: small number ({low} to {high})"
SECONDARY_NOTE = "Suppressed: secondary suppression (could be worked out from other figures)"
HIDDEN_COLUMNS = ["value", "count", "denominator", "lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998"]


def primary_mask(counts: pd.Series, low: int = 1, high: int = 4) -> pd.Series:
    """Cells whose count is small enough to identify people (zero is shown)."""
    return counts.between(low, high)


def _members(ids: np.ndarray) -> list[np.ndarray]:
    """The row positions of each group, from one group number per row."""
    order = np.argsort(ids, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(ids[order])) + 1) if len(ids) else []


def suppress_cells(frame: pd.DataFrame, group_sets: list[list[str]], *, count: str = "count",
                   low: int = 1, high: int = 4, hidden: pd.Series | None = None,
                   relations: list[np.ndarray] | None = None) -> pd.Series:
    """Which rows must be hidden: primary plus secondary suppression over every grouping.

    ``group_sets`` lists groupings (column lists); the rows sharing values of a
    grouping add up to a total that is (or could be) published. ``relations``
    adds groups given as row positions (see :func:`geography_relations`).
    """
    mask = (primary_mask(frame[count], low, high) if hidden is None else hidden.copy()).to_numpy().copy()
    values = frame[count].to_numpy(float)
    groups = [members for cols in group_sets
              for members in _members(frame.groupby(cols, sort=False, dropna=False).ngroup().to_numpy())]
    groups += [np.asarray(members) for members in relations or []]
    changed = True
    while changed:
        changed = False
        for members in groups:
            if len(members) < 2 or mask[members].sum() != 1:
                continue
            candidates = [m for m in members if not mask[m] and not np.isnan(values[m])]
            if not candidates:
                continue
            # Hide the smallest other cell (zero counts first only if nothing else: zero reveals nothing);
            # of equal counts the first row, whatever order the group lists them in (a relation's districts
            # come from a set, whose order changes from one process to the next).
            nonzero = [m for m in candidates if values[m] > 0] or candidates
            mask[min(nonzero, key=lambda m: (values[m], m))] = True
            changed = True
    return pd.Series(mask, index=frame.index)


CELL_COLUMNS = ["indicator_id", "period", "sex", "age", "category_type", "category"]


def hierarchy_columns(frame: pd.DataFrame, geography) -> pd.DataFrame:
    """Add ``_utla``, ``_pfa``...: the area of each level a report is written for that each row adds up into.

    A district's row belongs to its parents' totals; a parent's own row belongs
    to itself, so each group is one total and the districts that make it up.
    """
    lads = geography.lads.drop_duplicates("lad_code").set_index("lad_code")
    out = frame.copy()
    for level in total_levels():
        parent = out["area_code"].map(lads[LEVELS[level].lookup_columns.code])
        out[f"_{level}"] = parent.where(out["area_type"] == DISTRICT_LEVEL.key, out["area_code"])
    return out


def hierarchy_groups() -> list[list[str]]:
    """Groupings for :func:`suppress` over rows carrying :func:`hierarchy_columns`."""
    return [["indicator_id", "area_code", "period", "sex", "age", "category_type"],
            *([*CELL_COLUMNS, f"_{level}"] for level in total_levels())]


def _district_sets(geography) -> dict[tuple[str, str], frozenset]:
    """(level, code) -> the districts of every area of a level each district lies wholly in (a county, a force)."""
    lads = geography.lads
    out = {}
    for level in LEVELS.values():
        if level.key == DISTRICT_LEVEL.key or not level.in_district_table:
            continue
        for code, members in lads.groupby(level.lookup_columns.code)["lad_code"]:
            out[(level.key, code)] = frozenset(members)
    return out


def _cell_relations(rows: list[tuple[int, str, frozenset]], districts: dict[str, int]) -> list[list[int]]:
    """The groups of one cell's area rows that add up: (position, code, districts) per area above a district.

    Areas are taken smallest first, so of two areas with the same districts
    (a county that is its force) the later one contains the earlier.
    """
    out = []
    rows = sorted(rows, key=lambda row: len(row[2]))
    for i, (position, _, members) in enumerate(rows):
        inside = [row for row in rows[:i] if row[2] <= members]
        largest = [row for k, row in enumerate(inside)
                   if not any(row[2] <= other[2] for other in inside[k + 1:])]
        covered = set().union(*(row[2] for row in largest)) if largest else set()
        loose = members - covered
        disjoint = sum(len(row[2]) for row in largest) == len(covered)
        if disjoint and loose <= districts.keys():  # the area is its largest areas plus the rest of its districts
            out.append([position, *(row[0] for row in largest), *(districts[d] for d in loose)])
        for other, _, part in inside:  # the area minus one area inside it is the districts between them
            between = members - part
            if between <= districts.keys():
                out.append([position, other, *(districts[d] for d in between)])
    return out


def geography_relations(frame: pd.DataFrame, geography) -> list[np.ndarray]:
    """Groups of row positions whose figures add up across the areas reports are published for.

    For each cell (indicator, period and breakdown): each area row with the
    largest published areas inside it and its districts outside those (a force
    = its county + its unitary), and each pair of an area and a published area
    inside it with the districts between them (force - county = the unitary).
    Districts come from the geography; areas of levels a district can lie in
    several of (community safety partnerships) and England are left out.
    Pass the result as ``relations`` to :func:`suppress`.
    """
    sets = _district_sets(geography)
    codes, types = frame["area_code"].to_numpy(object), frame["area_type"].to_numpy(object)
    out = []
    for members in _members(frame.groupby(CELL_COLUMNS, sort=False, dropna=False).ngroup().to_numpy()):
        districts = {codes[m]: int(m) for m in members if types[m] == DISTRICT_LEVEL.key}
        areas = [(int(m), codes[m], sets[(types[m], codes[m])]) for m in members if (types[m], codes[m]) in sets]
        out += [np.asarray(group) for group in _cell_relations(areas, districts) if len(group) > 1]
    return out


def suppress(frame: pd.DataFrame, *, group_sets: list[list[str]] | None = None, low: int = 1,
             high: int = 4, complement: bool = True, relations: list[np.ndarray] | None = None) -> pd.DataFrame:
    """Apply disclosure control to tidy rows (counts 1-4 and anything that would reveal them).

    By default the groupings are the categories of each breakdown (with their
    total row) and the areas of each indicator, period and category; pass
    :func:`hierarchy_groups` (after :func:`hierarchy_columns`) to group districts
    with the upper-tier and police force area totals they add up to.
    ``complement`` also hides a row whose denominator, or denominator minus
    count, is small (both count people in an upload). ``relations`` (from
    :func:`geography_relations`) adds the groups that span a district, its
    county and its force.
    """
    if frame.empty:
        return frame
    group_sets = group_sets or [
        ["indicator_id", "area_code", "period", "sex", "age", "category_type"],
        CELL_COLUMNS,
    ]
    primary = primary_mask(frame["count"], low, high) | frame["suppressed"].astype(bool)
    if complement:
        primary |= primary_mask(frame["denominator"], low, high)
        primary |= primary_mask(frame["denominator"] - frame["count"], low, high)
    hidden = suppress_cells(frame, group_sets, low=low, high=high, hidden=primary, relations=relations)
    out = frame.copy()
    secondary = hidden & ~primary
    out.loc[hidden, HIDDEN_COLUMNS] = np.nan
    out.loc[hidden, "suppressed"] = True
    out.loc[primary & ~frame["suppressed"].astype(bool), "value_note"] = PRIMARY_NOTE.format(low=low, high=high)
    out.loc[secondary, "value_note"] = SECONDARY_NOTE
    return out


def hide_small_counts(frame: pd.DataFrame, geography, *, low: int = 1, high: int = 4) -> pd.DataFrame:
    """A publisher's rows as a report may show them when it treats counts of ``low`` to ``high`` as suppressed.

    The count goes with every figure derived from it: a rate beside its
    denominator gives the count back ("5.7 per 100,000" of 52,600 households is
    3), so the row's value, interval, count and denominator are all hidden.
    Secondary suppression then runs over the same groups as an upload's
    (:func:`hierarchy_groups` and :func:`geography_relations`), so no total of
    councils (a county, a force, a region) shown in one report, minus figures
    shown in others, gives a hidden count back. A figure the publisher left
    out is not a small count: it is left as it is.
    """
    if frame.empty:
        return frame
    small = primary_mask(frame["count"], low, high) & ~frame["suppressed"].astype(bool)
    if not small.any():
        return frame
    grouped = hierarchy_columns(frame, geography)
    hidden = suppress_cells(grouped, hierarchy_groups(), low=low, high=high, hidden=small,
                            relations=geography_relations(grouped, geography))
    secondary = hidden & ~small
    out = frame.copy()
    out.loc[hidden, HIDDEN_COLUMNS] = np.nan
    out.loc[hidden, "suppressed"] = True
    out.loc[small, "value_note"] = PRIMARY_NOTE.format(low=low, high=high)
    out.loc[secondary, "value_note"] = SECONDARY_NOTE
    return without_judgements(out, hidden)


def without_judgements(frame: pd.DataFrame, hidden: pd.Series) -> pd.DataFrame:
    """Hidden rows lose what was worked out from their value: comparisons, trends and ranks.

    A suppressed figure labelled "Similar" (or ranked 3rd of 14) contradicts itself and says
    something about the count it hides.
    """
    for column in [c for c in frame.columns if c.endswith("_comparison") and c != "published_comparison"]:
        frame.loc[hidden & frame[column].fillna("").astype(str).ne(""), column] = "Not compared"
    for column in [c for c in frame.columns if c.endswith("_reason")]:
        frame.loc[hidden, column] = "the figure is suppressed"
    for column in [c for c in ("trend", "force_rank", "group_rank") if c in frame.columns]:
        frame.loc[hidden, column] = "" if column == "trend" else np.nan
    return frame


def check_no_disclosure(frame: pd.DataFrame, group_sets: list[list[str]], *, low: int = 1, high: int = 4) -> None:
    """Raise AssertionError if a published count is small or a group has exactly one hidden cell."""
    shown = frame[~frame["suppressed"].astype(bool)]
    small = shown[primary_mask(shown["count"], low, high)]
    assert small.empty, f"small counts published: {small['count'].tolist()}"
    for cols in group_sets:
        for _, group in frame.groupby(cols, dropna=False):
            if len(group) > 1:
                assert group["suppressed"].astype(bool).sum() != 1, f"one hidden cell in group {cols}"
