"""Force ranks among all forces and within a region or Wales."""

from __future__ import annotations

import math

import pandas as pd

from assessment.stats.force_ranks import force_ranking, rank_forces


def test_ranks_among_all_forces_and_within_region_or_wales():
    codes = ["E23000003", "E23000004", "E23000005", "W15000001", "W15000002", "K04000001"]
    rows = pd.DataFrame({"indicator_id": "i", "period": "2019", "sex": "Persons", "age": "All ages",
                         "category_type": "", "category": "", "area_code": codes,
                         "area_name": ["Lancashire", "Merseyside", "Greater Manchester", "North Wales", "Gwent",
                                       "England and Wales"],
                         "area_type": ["pfa"] * 5 + ["england_wales"], "value": [99.0, 120.0, None, 99.0, 61.0, 89.0],
                         "period_end": pd.Timestamp("2019-12-31")})
    groups = {c: ("E12000002", "North West") for c in codes[:3]}
    ranked = rank_forces(rows, groups).set_index("area_code")
    assert ranked.loc["E23000004", "force_rank"] == 1 and ranked.loc["W15000001", "force_rank"] == 2  # tie
    assert ranked.loc["E23000003", "force_rank"] == 2 and ranked.loc["W15000002", "force_rank"] == 4
    assert ranked.loc["E23000003", "force_count"] == 4 and math.isnan(ranked.loc["E23000005", "force_rank"])
    assert (ranked.loc["W15000002", "group_name"], ranked.loc["W15000002", "group_rank"]) == ("Wales", 2)
    assert ranked.loc["E23000003", ["group_rank", "group_count"]].tolist() == [2, 2]
    assert math.isnan(ranked.loc["K04000001", "force_rank"]) and ranked.loc["K04000001", "group_name"] == ""
    table = force_ranking(rank_forces(rows, groups), "i")
    assert table["area_label"].tolist() == ["Merseyside", "Lancashire", "North Wales (Wales)", "Gwent (Wales)",
                                            "Greater Manchester"]


def test_a_figure_published_for_two_forces_together_is_one_entry_wherever_their_rows_are():
    note = "Published for City of London and Metropolitan Police together; this is their combined figure"
    codes = ["E12000007", "E23000001", "E12000008", "E23000034", "E23000006", "E23000007"]
    rows = pd.DataFrame({"indicator_id": "i", "period": "2019", "sex": "Persons", "age": "All ages",
                         "category_type": "", "category": "", "area_code": codes,
                         "area_type": ["region", "pfa", "region", "pfa", "pfa", "pfa"],
                         "value": [1.0, 50.0, 2.0, 50.0, 60.0, 40.0],
                         "value_note": ["", note, "", note, "", ""]}, index=[9, 3, 7, 1, 5, 0])
    groups = {code: ("E12000007", "London") for code in ("E23000001", "E23000034")}
    ranked = rank_forces(rows, groups).set_index("area_code")
    assert ranked.loc[["E23000006", "E23000001", "E23000034", "E23000007"], "force_rank"].tolist() == [1, 2, 2, 3]
    assert ranked.loc["E23000001", "force_count"] == 3  # the combined figure counted once
    assert ranked.loc[["E23000001", "E23000034"], "group_rank"].tolist() == [1, 1]
    assert ranked.loc["E23000001", "group_count"] == 1 and ranked.loc["E23000006", "group_name"] == ""
    assert ranked.loc[["E12000007", "E12000008"], "force_rank"].isna().all()
    assert ranked.loc[["E12000007", "E12000008"], "group_name"].tolist() == ["", ""]
