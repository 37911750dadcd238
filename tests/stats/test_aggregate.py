"""Roll-ups: a parent's count is the sum of its districts, and what cannot be added up is refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment.tidy.frame import new_frame, validate_frame
from assessment.stats import (add_intervals, aggregate, rate_limits)


# --------------------------------------------------------------------- roll-ups
LOOKUP = pd.DataFrame({"child_code": ["E07000001", "E07000002", "E07000003"], "parent_code": "E23000001",
                       "parent_name": "Force"})


def _districts(counts, denominators, *, value_type="crude rate", ci_method="byars", suppressed=()):
    rows = []
    for i, (c, d) in enumerate(zip(counts, denominators), start=1):
        code = f"E07{i:06d}"
        hidden = code in suppressed
        rows.append(dict(indicator_id="i", indicator_name="I", source="s", area_code=code, area_name=code,
                         area_type="lad", period="2023", count=None if hidden else c, denominator=d,
                         value_type=value_type, multiplier=100000, ci_method=ci_method, suppressed=hidden,
                         value_note="Suppressed" if hidden else "", polarity="low_is_good"))
    return add_intervals(new_frame(rows))


def test_force_count_is_the_sum_of_its_districts_and_rates_are_not_averaged():
    districts = _districts([10, 500, 90], [1000, 100000, 20000])
    force = validate_frame(aggregate(districts, LOOKUP, "pfa")).iloc[0]
    assert force["count"] == 600 and force["denominator"] == 121000
    assert force["value"] == pytest.approx(600 / 121000 * 100000)
    assert force["value"] != pytest.approx(districts["value"].mean())
    lower, upper = rate_limits([600], [121000], 100000)
    assert force["lower_ci_95"] == pytest.approx(lower[0])


def test_missing_or_suppressed_district_means_no_force_value_unless_partial():
    districts = _districts([10, 500, 3], [1000, 100000, 20000], suppressed={"E07000003"})
    strict = aggregate(districts, LOOKUP, "pfa").iloc[0]
    assert np.isnan(strict["value"]) and "E07000003" in strict["value_note"]
    partial = aggregate(districts, LOOKUP, "pfa", partial=True).iloc[0]
    assert partial["count"] == 510 and "Partial: excludes districts E07000003" in partial["value_note"]
    missing = aggregate(districts[districts["area_code"] != "E07000002"], LOOKUP, "pfa").iloc[0]
    assert np.isnan(missing["value"]) and "no data for E07000002" in missing["value_note"]


def test_directly_standardised_rates_are_not_aggregable():
    districts = _districts([10, 20, 30], [1000, 1000, 1000], value_type="directly standardised rate",
                           ci_method="dobson")
    out = aggregate(districts, LOOKUP, "pfa").iloc[0]
    assert np.isnan(out["value"]) and out["value_note"].startswith("Not aggregable")


def test_district_split_between_parents_is_not_aggregable():
    lookup = pd.concat([LOOKUP, pd.DataFrame({"child_code": ["E07000003"], "parent_code": ["E23000002"],
                                              "parent_name": ["Other"]})])
    out = aggregate(_districts([1, 2, 3], [10, 10, 10]), lookup, "csp").set_index("area_code")
    assert out.loc["E23000001", "value_note"].startswith("Not aggregable")


@pytest.mark.shared
def test_england_rebuilt_from_regions_equals_published_england(campylobacter):
    frame, _ = campylobacter
    main = frame[frame["category_type"] == ""]
    regions = main[main["area_type"] == "region"]
    lookup = pd.DataFrame({"child_code": sorted(regions["area_code"].unique()), "parent_code": "E92000001",
                           "parent_name": "England"})
    rebuilt = aggregate(regions, lookup, "england").set_index("period")
    published = main[(main["area_code"] == "E92000001") & (main["age"] == "All ages")].set_index("period")
    for period in rebuilt.index:
        if rebuilt.loc[period, "age"] != "All ages":
            continue
        assert rebuilt.loc[period, "count"] == published.loc[period, "count"]
        assert rebuilt.loc[period, "value"] == pytest.approx(published.loc[period, "value"], rel=1e-9)


def test_series_numbers_give_the_same_roll_up_and_never_reach_its_rows():
    """Roll-ups grouped on the frame's series numbers are those grouped on the key's text columns."""
    from assessment.stats.aggregate import SERIES_NUMBER, with_series_numbers

    rows = [dict(indicator_id=i, indicator_name=i, source="s", area_code=f"E07{d:06d}", area_name=f"D{d}",
                 area_type="lad", period=p, sex=sex, count=float(d + n), denominator=1000.0, value_type="crude rate",
                 multiplier=100000, ci_method="byars", polarity="low_is_good")
            for n, (i, p, sex) in enumerate([("a", "2022", "Male"), ("a", "2023", "Male"), ("b", "2023", "Female")])
            for d in (1, 2, 3) if not (i == "b" and d == 3)]  # b misses a district: its force gets a note
    frame = add_intervals(new_frame(rows))
    plain = aggregate(frame, LOOKUP, "pfa")
    numbered = aggregate(with_series_numbers(frame), LOOKUP, "pfa")
    assert SERIES_NUMBER not in numbered.columns
    pd.testing.assert_frame_equal(numbered, plain)
    assert plain["value_note"].str.contains(r"no data for D3 \(E07000003\)").tolist() == [False, False, True]


def test_a_standardised_rate_keeps_its_summed_count_only_when_every_district_counts():
    from assessment.stats.rebuildable import SUMMED_COUNT_NOTE

    def force(districts):
        return aggregate(districts, LOOKUP, "pfa").iloc[0]

    kind = dict(value_type="directly standardised rate", ci_method="dobson")
    whole = force(_districts([10, 20, 30], [1000, 1000, 1000], **kind))
    assert (whole["count"], whole["denominator"]) == (60, 3000) and np.isnan(whole["value"])
    assert whole["value_note"].startswith("Not aggregable") and whole["value_note"].endswith(SUMMED_COUNT_NOTE)
    no_population = force(_districts([10, 20, 30], [1000, np.nan, 1000], **kind))
    assert no_population["count"] == 60 and np.isnan(no_population["denominator"])
    for short in (force(_districts([10, 20, 30], [1000, 1000, 1000], suppressed={"E07000002"}, **kind)),
                  force(_districts([10, 20], [1000, 1000], **kind))):
        assert np.isnan(short["count"]) and np.isnan(short["denominator"])
        assert short["value_note"].startswith("Not aggregable") and SUMMED_COUNT_NOTE not in short["value_note"]
