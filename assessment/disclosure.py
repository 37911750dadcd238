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

>>> import pandas as pd
>>> frame = pd.DataFrame({"area_code": ["A", "B", "C"], "count": [3.0, 10.0, 12.0],
...                       "group": ["g", "g", "g"]})
>>> suppress_cells(frame, ["group"]).tolist()
[True, True, False]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .levels import DISTRICT_LEVEL, LEVELS, total_levels

PRIMARY_NOTE = "Suppressed: small number ({low} to {high})"
SECONDARY_NOTE = "Suppressed: secondary suppression (could be worked out from other figures)"
HIDDEN_COLUMNS = ["value", "count", "denominator", "lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998"]


def primary_mask(counts: pd.Series, low: int = 1, high: int = 4) -> pd.Series:
    """Cells whose count is small enough to identify people (zero is shown)."""
    return counts.between(low, high)


def suppress_cells(frame: pd.DataFrame, group_sets: list[list[str]], *, count: str = "count",
                   low: int = 1, high: int = 4, hidden: pd.Series | None = None) -> pd.Series:
    """Which rows must be hidden: primary plus secondary suppression over every grouping.

    ``group_sets`` lists groupings (column lists); the rows sharing values of a
    grouping add up to a total that is (or could be) published.
    """
    hidden = (primary_mask(frame[count], low, high) if hidden is None else hidden.copy()).to_numpy().copy()
    values = frame[count].to_numpy(float)
    group_ids = [frame.groupby(cols, sort=False, dropna=False).ngroup().to_numpy() for cols in group_sets]
    changed = True
    while changed:
        changed = False
        for ids in group_ids:
            for group in np.unique(ids):
                members = np.flatnonzero(ids == group)
                if len(members) < 2 or hidden[members].sum() != 1:
                    continue
                candidates = [m for m in members if not hidden[m] and not np.isnan(values[m])]
                if not candidates:
                    continue
                # Hide the smallest other cell (zero counts first only if nothing else: zero reveals nothing).
                nonzero = [m for m in candidates if values[m] > 0] or candidates
                hidden[min(nonzero, key=lambda m: values[m])] = True
                changed = True
    return pd.Series(hidden, index=frame.index)


CELL_COLUMNS = ["indicator_id", "period", "sex", "age", "category_type", "category"]


def hierarchy_columns(frame: pd.DataFrame, geography) -> pd.DataFrame:
    """Add ``_utla``, ``_pfa``...: the area of each level a report is written for that each row adds up into.

    A district's row belongs to its parents' totals; a parent's own row belongs
    to itself, so each group is one total and the districts that make it up.
    """
    lads = geography.lads.drop_duplicates("lad_code").set_index("lad_code")
    out = frame.copy()
    for level in total_levels():
        parent = out["area_code"].map(lads[LEVELS[level].lookup.code])
        out[f"_{level}"] = parent.where(out["area_type"] == DISTRICT_LEVEL.key, out["area_code"])
    return out


def hierarchy_groups() -> list[list[str]]:
    """Groupings for :func:`suppress` over rows carrying :func:`hierarchy_columns`."""
    return [["indicator_id", "area_code", "period", "sex", "age", "category_type"],
            *([*CELL_COLUMNS, f"_{level}"] for level in total_levels())]


def suppress(frame: pd.DataFrame, *, group_sets: list[list[str]] | None = None, low: int = 1,
             high: int = 4, complement: bool = True) -> pd.DataFrame:
    """Apply disclosure control to tidy rows (counts 1-4 and anything that would reveal them).

    By default the groupings are the categories of each breakdown (with their
    total row) and the areas of each indicator, period and category; pass
    :func:`hierarchy_groups` (after :func:`hierarchy_columns`) to group districts
    with the upper-tier and police force area totals they add up to.
    ``complement`` also hides a row whose denominator, or denominator minus
    count, is small (both count people in an upload).
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
    hidden = suppress_cells(frame, group_sets, low=low, high=high, hidden=primary)
    out = frame.copy()
    secondary = hidden & ~primary
    out.loc[hidden, HIDDEN_COLUMNS] = np.nan
    out.loc[hidden, "suppressed"] = True
    out.loc[primary & ~frame["suppressed"].astype(bool), "value_note"] = PRIMARY_NOTE.format(low=low, high=high)
    out.loc[secondary, "value_note"] = SECONDARY_NOTE
    return out


def check_no_disclosure(frame: pd.DataFrame, group_sets: list[list[str]], *, low: int = 1, high: int = 4) -> None:
    """Raise AssertionError if a published count is small or a group has exactly one hidden cell."""
    shown = frame[~frame["suppressed"].astype(bool)]
    small = shown[primary_mask(shown["count"], low, high)]
    assert small.empty, f"small counts published: {small['count'].tolist()}"
    for cols in group_sets:
        for _, group in frame.groupby(cols, dropna=False):
            if len(group) > 1:
                assert group["suppressed"].astype(bool).sum() != 1, f"one hidden cell in group {cols}"
