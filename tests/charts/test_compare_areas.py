"""The compare-areas and trend charts describe themselves."""

from __future__ import annotations

import pandas as pd

from assessment.charts import compare_areas, trend_chart

from tests.support.narrative_and_charts_shared import _spine_rows


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
