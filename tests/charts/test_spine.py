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


def test_every_result_beside_the_bars_stays_inside_the_chart():
    """The longest result the tables give ("Higher: small in practice", a force's public order offences)
    with its value is written whole inside the figure, not cut at its right edge."""
    rows = _spine_rows("no_judgement")
    # real Lancashire force's widest name: its first line as long as the names wrap to (LABEL_CHARS)
    rows["indicator_name"] = "Criminal damage and arson offences per 1,000 population"
    rows["england_comparison"] = rows["area_code"].map({"E": "Higher: small in practice"}).fillna("Similar")
    rows["value_text"] = "7.5 per 1,000"
    figure, artists = spine_chart(rows, highlight="E", area_label="Eastling", value_text="value_text").draw()
    renderer = figure.canvas.get_renderer()
    texts = [artist for artist in artists if hasattr(artist, "get_text")]
    assert [text.get_text() for text in texts] == ["7.5 per 1,000\nHigher: small in practice"]
    for text in texts:
        text.set_figure(figure)
        assert text.get_window_extent(renderer).x1 <= figure.bbox.width, text.get_text()
