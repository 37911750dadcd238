"""Comparisons with England and the region, polarity and quintiles, against Fingertips' published columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment.tidy.frame import area_type_for_code, new_frame
from assessment.stats import compare_to


# --------------------------------------------------------------- comparisons
@pytest.mark.shared
def test_reproduces_fingertips_compared_to_england_column(campylobacter):
    frame, raw = campylobacter
    compared = compare_to(frame, "E92000001")
    published = raw.set_index(["Area Code", raw["Time period"].astype(str), raw["Age"],
                               raw["Category Type"].fillna(""), raw["Category"].fillna("")])[
        "Compared to England value or percentiles"]
    ours = compared.set_index(["area_code", "period", "age", "category_type", "category"])["comparison"]
    joined = pd.concat([ours, published.rename("published")], axis=1, join="inner")
    assert len(joined) >= 790
    assert (joined["comparison"] == joined["published"]).mean() == 1.0


@pytest.mark.shared
def test_reproduces_fingertips_compared_to_region_column(campylobacter):
    frame, raw = campylobacter
    parents = dict(zip(raw["Area Code"], raw["Parent Code"]))
    compared = compare_to(frame, frame["area_code"].map(parents))
    published = raw.set_index(["Area Code", raw["Time period"].astype(str), raw["Age"],
                               raw["Category Type"].fillna(""), raw["Category"].fillna("")])[
        "Compared to Region value or percentiles"]
    ours = compared.set_index(["area_code", "period", "age", "category_type", "category"])["comparison"]
    joined = pd.concat([ours, published.rename("published")], axis=1, join="inner").dropna()
    joined = joined[~joined.index.get_level_values(0).str.startswith(("E92", "E12"))]
    assert len(joined) > 700
    assert (joined["comparison"] == joined["published"]).mean() == 1.0


def _frame(values, *, polarity="high_is_good", method="ci_overlap_95_998", ci=None):
    rows = []
    for code, value in values.items():
        lo95, hi95, lo998, hi998 = ci.get(code, (value - 1, value + 1, value - 2, value + 2)) if ci else (
            value - 1, value + 1, value - 2, value + 2)
        rows.append(dict(indicator_id="i", indicator_name="I", source="s", area_code=code, area_name=code,
                         area_type=area_type_for_code(code) or "england", period="2023", value=value,
                         lower_ci_95=lo95, upper_ci_95=hi95, lower_ci_998=lo998, upper_ci_998=hi998,
                         value_type="proportion", multiplier=100, polarity=polarity, comparator_method=method,
                         ci_method="published"))
    return new_frame(rows)


@pytest.mark.parametrize(("polarity", "high", "low"), [
    ("high_is_good", "Better (99.8%)", "Worse"),
    ("low_is_good", "Worse (99.8%)", "Better"),
    ("no_judgement", "Higher", "Lower"),
])
def test_polarity_is_applied_in_one_place(polarity, high, low):
    ci = {"E08000001": (12.0, 14.0, 11.0, 15.0), "E08000002": (7.0, 9.5, 6.0, 10.5),
          "E08000003": (9.0, 11.0, 8.0, 12.0)}
    frame = _frame({"E92000001": 10.0, "E08000001": 13.0, "E08000002": 8.0, "E08000003": 10.0},
                   polarity=polarity, ci=ci)
    labels = compare_to(frame, "E92000001").set_index("area_code")["comparison"]
    assert (labels["E08000001"], labels["E08000002"], labels["E08000003"]) == (high, low, "Similar")


def test_not_compared_always_has_a_reason():
    frame = _frame({"E92000001": 10.0, "E08000001": 13.0, "E08000002": 8.0, "E08000003": 9.0})
    frame.loc[frame["area_code"] == "E08000002", ["value", "lower_ci_95", "upper_ci_95", "lower_ci_998",
                                                   "upper_ci_998"]] = np.nan
    frame.loc[frame["area_code"] == "E08000002", "suppressed"] = True
    frame.loc[frame["area_code"] == "E08000003", "polarity"] = "not_applicable"
    out = compare_to(frame, "E92000001").set_index("area_code")
    assert out.loc["E08000002", "comparison"] == "Not compared"
    assert "suppressed" in out.loc["E08000002", "comparison_reason"]
    assert "no polarity" in out.loc["E08000003", "comparison_reason"]
    none_method = compare_to(_frame({"E92000001": 1.0, "E08000001": 5.0}, method="none"), "E92000001")
    assert none_method.set_index("area_code").loc["E08000001", "comparison_reason"]
    assert (out.loc[out["comparison"] == "Not compared", "comparison_reason"] != "").all()


@pytest.mark.parametrize(("polarity", "lowest_label"), [("no_judgement", "Lowest quintile"),
                                                        ("high_is_good", "Worst quintile"),
                                                        ("low_is_good", "Best quintile")])
def test_quintiles_use_interpolated_percentiles(polarity, lowest_label):
    values = {f"E08{i:06d}": float(v) for i, v in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])}
    out = compare_to(_frame(values, polarity=polarity, method="quintiles"), "E92000001").set_index("area_code")
    bounds = np.percentile(list(values.values()), [0, 20, 40, 60, 80, 100], method="linear")
    assert bounds[1] == pytest.approx(2.8)
    assert out.loc["E08000000", "comparison"] == lowest_label  # value 1
    assert out.loc["E08000002", "comparison"] != out.loc["E08000001", "comparison"]  # 3 > 2.8 moves up a bin
    # Fingertips needs five values for quintiles (QuintilesComparerTest: 1, 2, 3, 4 -> category 0).
    few = compare_to(_frame(dict(list(values.items())[:4]), method="quintiles"), "E92000001")
    assert few["comparison"].eq("Not compared").all() and few["comparison_reason"].str.contains("fewer than 5").all()
    quartiles = compare_to(_frame(dict(list(values.items())[:4]), method="quartiles"), "E92000001")
    assert quartiles["comparison"].str.endswith("quartile").all()


@pytest.mark.parametrize(("value", "label"), [(1, "Lowest quintile"), (3, "2nd lowest quintile"),
                                              (5, "Middle quintile"), (7, "2nd highest quintile"),
                                              (9, "Highest quintile"), (10, "Highest quintile")])
def test_no_judgement_quintiles_use_fingertips_words(value, label):
    # QuintilesComparerTest.Test_GetCategories (values 1 to 10) with SignificanceFormatter's labels.
    values = {f"E08{i:06d}": float(v) for i, v in enumerate(range(1, 11))}
    out = compare_to(_frame(values, polarity="no_judgement", method="quintiles"), "E92000001")
    assert out.set_index("value").loc[float(value), "comparison"] == label


@pytest.mark.parametrize(("value", "polarity", "label"), [(1, "high_is_good", "Worst quintile"),
                                                          (9, "high_is_good", "Best quintile"),
                                                          (1, "low_is_good", "Best quintile"),
                                                          (7, "low_is_good", "Worse quintile")])
def test_judged_quintiles_follow_polarity(value, polarity, label):
    # QuintilesComparerTest.Test_GetCategoriesRagHighIsGood / RagLowIsGood: category 1 is the best.
    values = {f"E08{i:06d}": float(v) for i, v in enumerate(range(1, 11))}
    out = compare_to(_frame(values, polarity=polarity, method="quintiles"), "E92000001")
    assert out.set_index("value").loc[float(value), "comparison"] == label


def test_method_17_without_998_limits_is_not_compared():
    ci = {"E08000001": (12.0, 14.0, np.nan, np.nan), "E08000002": (12.0, 14.0, 11.0, 15.0)}
    frame = _frame({"E92000001": 10.0, "E08000001": 13.0, "E08000002": 13.0}, ci=ci)
    out = compare_to(frame, "E92000001").set_index("area_code")
    assert out.loc["E08000001", "comparison"] == "Not compared"
    assert out.loc["E08000001", "comparison_reason"] == "the value has no 99.8% confidence interval"
    assert out.loc["E08000002", "comparison"] == "Better (99.8%)"
    one_level = compare_to(_frame({"E92000001": 10.0, "E08000001": 13.0}, method="ci_overlap_95", ci=ci),
                           "E92000001").set_index("area_code")
    assert one_level.loc["E08000001", "comparison"] == "Better"


def test_comparison_keys_worked_out_once_give_each_comparators_values():
    """A frame compared with several comparators on keys worked out once gets what each comparison alone gives."""
    from assessment.stats.compare import ComparisonKeys

    frame = _frame({"E92000001": 10.0, "E12000001": 12.0, "E08000001": 14.0, "E08000002": 9.0})
    keys = ComparisonKeys.of(frame)
    regions = frame["area_code"].map({"E08000001": "E12000001", "E08000002": "E12000001"})
    for comparator in ("E92000001", regions):
        pd.testing.assert_frame_equal(compare_to(frame, comparator, keys), compare_to(frame, comparator))
    assert compare_to(frame, regions, keys)["comparator_value"].tolist()[2:] == [12.0, 12.0]


def test_the_comparator_itself_and_an_area_without_one_are_not_compared_and_say_why():
    frame = _frame({"E92000001": 10.0, "E12000001": 12.0, "E08000001": 13.0, "E08000002": 8.0})
    region = pd.Series(["E92000001", None, "E12000001", "E12000009"], index=frame.index)  # E12000009: no rows
    out = compare_to(frame, region).set_index("area_code")
    assert out.loc["E92000001", "comparison_reason"] == "this is the comparator area itself"
    assert out.loc["E12000001", "comparison_reason"] == "no comparator value for the same period"
    assert out.loc["E08000001", "comparator_value"] == 12.0 and out.loc["E08000001", "comparison"] != "Not compared"
    assert np.isnan(out.loc["E08000002", "comparator_value"])
    assert out.loc["E08000002", "comparison_reason"] == "no comparator value for the same period"
