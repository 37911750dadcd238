"""Generated sentences for every comparison case, and the charts' geometry and words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment.charts import compare_areas, spine_chart, spine_positions, trend_chart
from assessment.report.narrative import sentence

BASE = {"indicator_name": "Deaths from drug misuse", "area_name": "Leeds", "value": 8.1,
        "value_type": "directly standardised rate", "multiplier": 100000, "period": "2021 - 23",
        "comparator_value": 5.5, "comparator_name": "England", "suppressed": False, "value_note": "",
        "comparison_reason": "", "source": "OHID Fingertips"}


@pytest.mark.parametrize("changes,expected", [
    ({"comparison": "Worse"}, "Deaths from drug misuse in Leeds (8.1 per 100,000, 2021 - 23): this is 47% above "
                              "England (5.5 per 100,000), significantly higher, which is worse. Source: OHID Fingertips."),
    ({"comparison": "Better (99.8%)", "value": 3.0}, "is about half England's rate (5.5 per 100,000), significantly "
                                                      "lower, which is better (at the 99.8% level)."),
    # Significant but under 10% of England's value (small_difference in key_messages.yaml): no judgement.
    ({"comparison": "Worse (99.8%)", "value": 5.9}, "this is 7% above England (5.5 per 100,000), a statistically "
                                                     "significant difference but small in practice (under 10% of "
                                                     "England's value). Source"),
    ({"comparison": "Similar"}, "this is similar to England (5.5 per 100,000); the difference is not statistically"),
    ({"comparison": "Higher"}, "this is 47% above England (5.5 per 100,000), significantly higher. Source"),
    ({"comparison": "Worse", "value_type": "score"}, "this is significantly higher than England (5.5), which is worse."),
    ({"comparison": "Not compared", "comparison_reason": "the England value is missing"},
     ": not compared with England because the England value is missing."),
    ({"comparison": "Worst quintile"}, "this places it in the worst quintile of areas of the same type."),
    ({"suppressed": True, "value": np.nan, "value_note": "Suppressed: small number (1 to 4)"},
     "The figure for Deaths from drug misuse in Leeds (2021 - 23) is suppressed to protect "
     "confidentiality (Suppressed: small number (1 to 4))."),
    ({"value": np.nan, "value_note": "Not aggregable: a life expectancy cannot be added up across areas"},
     "No figure for Deaths from drug misuse is given for Leeds (2021 - 23): Not aggregable"),
    ({"value": np.nan, "count": 50.0, "denominator": 500000.0,
      "value_note": "Not aggregable: directly standardised rate without age-specific data"},
     "Deaths from drug misuse in Leeds (2021 - 23): 50 in total, a crude rate of 10.0 per 100,000. The crude rate "
     "is not age-standardised"),
])
def test_sentence_wording(changes, expected):
    assert expected in sentence({**BASE, **changes}, escape=False)


def test_sentence_escapes_names():
    text = sentence({**BASE, "area_name": "*Evil* <script>", "comparison": "Similar"})
    assert "<script>" not in text and "\\*Evil\\*" in text


def _spine_rows(polarity):
    values = {"A": 2.0, "B": 4.0, "C": 5.0, "D": 6.0, "E": 12.0}
    return pd.DataFrame([dict(indicator_name="X", period="2023", area_code=c, value=v, england_value=5.0,
                              polarity=polarity, england_comparison="Worse" if c == "E" else "Similar")
                         for c, v in values.items()])


def test_spine_puts_england_at_the_centre_and_worse_on_the_left():
    low_good = spine_positions(pd.Series([2.0, 5.0, 12.0]), 5.0, "low_is_good")
    high_good = spine_positions(pd.Series([2.0, 5.0, 12.0]), 5.0, "high_is_good")
    assert low_good.tolist() == pytest.approx([0.5 + 3 / 14, 0.5, 0.0])
    assert high_good.tolist() == pytest.approx([0.5 - 3 / 14, 0.5, 1.0])


def test_spine_chart_words():
    figure = spine_chart(_spine_rows("low_is_good"), highlight="E", area_label="Eastling")
    assert "1 worse" in figure.alt_text and "Significantly worse than England: X (2023)" in figure.alt_text
    assert "England (red line)" in figure.caption
    assert figure.plot is not None


def test_compare_and_trend_charts_describe_themselves():
    rows = _spine_rows("low_is_good").assign(area_name=lambda f: f["area_code"], lower_ci_95=1.0,
                                             upper_ci_95=13.0, comparison="Similar")
    figure = compare_areas(rows, highlight="C", reference_value=5.0, reference_label="England",
                           indicator="X", period="2023")
    assert "C is 5.0, ranked 3 of 5" in figure.alt_text
    series = pd.DataFrame({"period": ["2021", "2022", "2023"], "value": [1.0, 2.0, 3.0],
                           "lower_ci_95": [0.5, 1.5, 2.5], "upper_ci_95": [1.5, 2.5, 3.5],
                           "period_end": pd.to_datetime(["2021-12-31", "2022-12-31", "2023-12-31"])})
    trend = trend_chart(series, series.assign(value=[2.0, 2.0, 2.0]), area_name="C", indicator="X",
                        trend="Increasing and getting worse")
    assert "Increasing and getting worse" in trend.alt_text + trend.caption
