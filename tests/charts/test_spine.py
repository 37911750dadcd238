"""The spine chart's geometry and words."""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.charts import spine_chart, spine_positions

from tests.support.narrative_and_charts_shared import _spine_rows


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
