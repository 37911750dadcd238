"""A roll-up's groups are pandas' groups, in pandas' order, found without a dict of arrays or a merge."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assessment.stats.rollup_groups import join_parents, rollup_groups


def test_groups_are_those_of_groupby_in_the_same_order():
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"series": rng.integers(0, 40, 2_000),
                          "parent": rng.choice(np.array(["E23000001", "E12000007", "E10000023"], dtype=object),
                                               2_000)})
    expected = frame.groupby(["series", "parent"], sort=False, dropna=False).indices
    groups = rollup_groups(frame["series"].to_numpy(), frame["parent"].to_numpy(object))
    assert list(zip(groups.series.tolist(), groups.parents)) == list(expected)
    assert [groups.rows(n).tolist() for n in range(len(groups))] == [rows.tolist() for rows in expected.values()]
    assert groups.first_rows.tolist() == [int(rows[0]) for rows in expected.values()]
    assert (groups.of_row[groups.rows(3)] == 3).all()


def test_parents_joined_as_a_merge_joins_them():
    districts = pd.DataFrame({"area_code": ["E07000003", "E07000001", "E07000003", "E07000002"],
                              "count": [1.0, 2.0, 3.0, 4.0]}, index=[10, 11, 12, 13])
    one_each = pd.DataFrame({"child_code": ["E07000001", "E07000002", "E07000003"],
                             "parent_code": ["P1", "P1", "P2"]})
    split = pd.concat([one_each, pd.DataFrame({"child_code": ["E07000003"], "parent_code": ["P3"]})])
    for members in (one_each, split):
        joined, parents = join_parents(districts, members)
        merged = districts.merge(members, left_on="area_code", right_on="child_code", how="inner")
        assert parents.tolist() == merged["parent_code"].tolist()
        assert joined["count"].tolist() == merged["count"].tolist()
