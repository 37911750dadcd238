"""Disproportionality ratios and their intervals, sentences, and force ranks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from assessment.report.narrative_disproportionality import disproportionality_sentence
from assessment.sources.justice import eff_conviction_ratio, eff_stop_search
from assessment.sources.justice.force_names import ForceNames
from assessment.stats.disproportionality import disproportionality, ratio_interval
from assessment.stats.force_ranks import force_ranking, rank_forces

Z = 1.959963984540054


def test_rate_ratio_interval_against_a_hand_computed_value():
    # 50 events in 1,000 against 100 in 4,000: ratio (50/1000)/(100/4000) = 2;
    # SE(ln R) = sqrt(1/50 + 1/100) = 0.173205; limits 2 exp(-/+ 1.96 x 0.173205) = 1.4243, 2.8084.
    ratio, lower, upper = ratio_interval([50], [1000], [100], [4000])
    assert ratio[0] == pytest.approx(2.0)
    assert (round(lower[0], 4), round(upper[0], 4)) == (1.4243, 2.8084)
    # a risk ratio (Katz log method): SE = sqrt(1/50 - 1/1000 + 1/100 - 1/4000) = 0.169558
    _, lower, upper = ratio_interval([50], [1000], [100], [4000], kind="proportion")
    assert (round(lower[0], 4), round(upper[0], 4)) == (1.4345, 2.7884)


def test_no_interval_without_counts_or_with_a_zero_count():
    ratio, lower, upper = ratio_interval([np.nan, 0], [1000, 1000], [10, 10], [1000, 1000],
                                         value=[3.0, 0.0], reference_value=[1.5, 1.0])
    assert ratio.tolist() == [2.0, 0.0] and np.isnan(lower).all() and np.isnan(upper).all()
    with pytest.raises(ValueError, match="kind must be one of"):
        ratio_interval([1], [2], [1], [2], kind="odds")


@pytest.mark.shared
def test_conviction_ratio_is_the_publishers_value_with_no_interval_west_midlands_2017(shared_data):
    # The conviction ratio is convictions in a year over prosecutions in the same year (different cohorts):
    # the publisher's value and counts are kept, and no interval is put on it, so nothing can test it.
    forces = ForceNames.from_lookup_file(shared_data / "lookups_population/lookup_ltla24_csp24_pfa24.csv")
    frame = eff_conviction_ratio.read(shared_data / "justice/prosecutions-and-convictions.csv", forces=forces)
    rows = frame[(frame["period"] == "2017") & (frame["sex"] == "Persons") & (frame["age"] == "All ages")]
    rows = rows.set_index(["area_code", "category"])
    # Black 1,318 convicted of 1,559 prosecuted (84.5); White 7,396 of 8,419 (87.8) (file lines 2498 and 2623)
    black, white = rows.loc[("E23000014", "Black")], rows.loc[("E23000014", "White")]
    assert (black["value"], black["count"], black["denominator"]) == (84.5, 1318, 1559)
    assert (white["value"], white["count"], white["denominator"]) == (87.8, 7396, 8419)
    assert rows["ci_method"].eq("none").all()
    assert rows[["lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998"]].isna().all().all()
    # England and Wales 2017: Black 18,384 / 23,374 (78.7), as published
    assert rows.loc[("K04000001", "Black"), "value"] == 78.7


@pytest.mark.shared
def test_stop_and_search_ratios_from_rates_only_are_not_tested(shared_data):
    forces = ForceNames.from_lookup_file(shared_data / "lookups_population/lookup_ltla24_csp24_pfa24.csv")
    frame = eff_stop_search.read_by_area(shared_data / "justice/ethnicity-stop-search-by-area.csv", forces=forces)
    result = disproportionality(frame).set_index(["area_code", "category"])
    merseyside = result.loc[("E23000004", "Black")]
    assert merseyside["ratio"] == pytest.approx(45.1 / 33.3)
    assert merseyside["national_ratio"] == pytest.approx(23.7 / 5.8)  # England and Wales excluding BTP
    assert merseyside["significance"] == "not tested" and math.isnan(merseyside["ratio_lower"])
    national = eff_stop_search.read_national(shared_data / "justice/ethnicity-stop-search-by-ethnicity.csv")
    counted = disproportionality(national[national["category_type"] == "Ethnicity"]).set_index("category")
    black = counted.loc["Black"]  # counts 58,988 and 289,109 give the interval
    spread = Z * math.sqrt(1 / 58988 + 1 / 289109)
    assert black["ratio"] == pytest.approx(24.5 / 5.9)
    assert black["ratio_lower"] == pytest.approx(24.5 / 5.9 * math.exp(-spread))
    assert black["significantly_above_1"]


def test_sentence_escapes_names_and_judges_only_with_an_interval():
    row = {"category": "Black", "ratio": 3.21, "ratio_lower": 2.95, "ratio_upper": 3.49, "significance": "higher",
           "national_ratio": 2.5}
    text = disproportionality_sentence(row, activity="stopped and searched", area_name="St. Helens [x](y)")
    assert text.startswith("In St\\. Helens \\[x\\]\\(y\\), Black people were stopped and searched at 3.2 times")
    assert "(95% CI 3.0 to 3.5), a significantly higher rate" in text
    assert text.endswith("the England and Wales ratio is 2.5, and St\\. Helens \\[x\\]\\(y\\)'s is above it.")
    similar = disproportionality_sentence({**row, "ratio_lower": 0.9, "significance": "similar"},
                                          activity="convicted", area_name="Gwent", escape=False)
    assert "not significantly different; the England and Wales ratio is 2.5." in similar
    assert disproportionality_sentence({"category": "Black", "ratio": float("nan")}, activity="x",
                                       area_name="y") == ""


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
