"""The (series, parent) groups of a roll-up: which district rows add up to which parent's row.

A national roll-up has a million district rows in a quarter of a million groups.
Asking pandas for each group's rows (``groupby(...).indices``) made a dict of a
quarter of a million arrays, and a merge with the lookup copied every district
row, for each of the seven roll-ups. Here the groups are whole numbers worked out
once, in the order ``groupby(sort=False)`` gives them (each group where its first
row is), and a group's rows are looked up only for the few groups that need them.

>>> groups = rollup_groups(np.array([5, 7, 5, 9]), np.array(["B", "A", "B", "B"], dtype=object))
>>> groups.of_row.tolist(), groups.parents, groups.series.tolist(), groups.first_rows.tolist()
([0, 1, 0, 2], ['B', 'A', 'B'], [5, 7, 9], [0, 1, 3])
>>> groups.rows(0).tolist()
[0, 2]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class RollupGroups:
    """Groups numbered in order of their first row: each row's group, each group's series, parent and first row."""

    of_row: np.ndarray
    series: np.ndarray
    parents: list[str]
    first_rows: np.ndarray
    _order: np.ndarray | None = field(default=None, init=False, repr=False)
    _bounds: np.ndarray | None = field(default=None, init=False, repr=False)

    def __len__(self) -> int:
        return len(self.parents)

    def rows(self, number: int) -> np.ndarray:
        """The positions of group ``number``'s rows, in order (one sort of all rows, the first time)."""
        if self._order is None:
            self._order = np.argsort(self.of_row, kind="stable")
            self._bounds = np.concatenate([[0], np.cumsum(np.bincount(self.of_row, minlength=len(self)))])
        assert self._bounds is not None
        return self._order[self._bounds[number]:self._bounds[number + 1]]


def rollup_groups(series: np.ndarray, parent_codes: np.ndarray) -> RollupGroups:
    """The groups of rows with the same series number (whole numbers) and parent code."""
    parent_numbers, distinct_parents = pd.factorize(parent_codes)
    width = max(len(distinct_parents), 1)
    of_row, keys = pd.factorize(series.astype(np.int64) * width + parent_numbers)  # first row first
    first_rows = np.flatnonzero(~pd.Series(of_row).duplicated().to_numpy())
    parents = np.asarray(distinct_parents, dtype=object)[keys % width]
    return RollupGroups(of_row.astype(np.int64), keys // width, parents.tolist(), first_rows)


def join_parents(districts: pd.DataFrame, members: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """``districts``' rows joined to their parents in ``members`` (child_code, parent_code), in row order;
    and each joined row's parent code.

    A child in several parents (a district split between partnerships) has a row for each;
    otherwise each distinct code's parent is looked up, not merged (a merge copies every row and column).
    """
    if not members["child_code"].is_unique:
        joined = districts.merge(members, left_on="area_code", right_on="child_code", how="inner")
        return joined, joined["parent_code"].to_numpy(object)
    code_numbers, codes = pd.factorize(districts["area_code"].to_numpy(object))
    found = pd.Index(members["child_code"].to_numpy(object), dtype=object).get_indexer(
        np.asarray(codes, dtype=object))[code_numbers]
    known = found >= 0
    joined = (districts if known.all() else districts.loc[known]).reset_index(drop=True)
    return joined, members["parent_code"].to_numpy(object)[found[known]]
