"""Disproportionality ratios and their intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assessment.sources.justice import eff_conviction_ratio, eff_stop_search
from assessment.sources.justice.force_names import ForceNames
from assessment.stats.disproportionality import disproportionality, ratio_interval


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
