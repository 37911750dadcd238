"""Issue 33: charts drawn at less cost look as they did, and the work is done once where it can be."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure as MplFigure
from matplotlib.offsetbox import DrawingArea
from matplotlib.text import Text

from assessment.charts import compare_areas
from assessment.charts.bar_drawing import area_names
from assessment.charts.figure import MIN_TEXT_PT

RESULTS = ["Worse", "Worse (99.8%)"]


def _chart(highlight="E03", unit="per 100,000"):
    values = np.random.default_rng(1).uniform(5, 25, 12)
    frame = pd.DataFrame({"area_code": [f"E0{i}" for i in range(12)], "area_name": [f"Area number {i}" for i in range(12)],
                          "value": values, "lower_ci_95": values - 2, "upper_ci_95": values + 3,
                          "comparison": RESULTS * 6})
    return compare_areas(frame, highlight=highlight, reference_value=10.0, reference_label="England",
                         indicator="Deaths related to drug poisoning per 100,000 residents (3-year pooled)",
                         period="2018 - 20", unit=unit)


def test_the_compare_chart_is_drawn_without_a_plotnine_build(tmp_path, monkeypatch):
    """Building the plot with plotnine (scales, theme, guides, layout) cost twice the drawing itself."""
    import plotnine

    def no_build(*args, **kwargs):
        raise AssertionError("plotnine built the compare chart")

    monkeypatch.setattr(plotnine.ggplot, "draw", no_build)
    chart = _chart()
    assert isinstance(chart.plot(), MplFigure)
    assert chart.save(tmp_path / "compare.png").stat().st_size > 10_000


def test_the_compare_chart_keeps_plotnine_s_axis_key_and_panel():
    """The axis breaks, limits and grid, the key's squares and where the panel sits, as plotnine laid them out."""
    figure, _ = _chart().draw()
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.texts if t.get_position()[1] == 0] == ["0", "10", "20", "30"]
    grid = [sorted(segment[0][0] for segment in lines.get_segments())
            for lines in axes.collections if lines.get_zorder() < 1]  # under the bars
    assert grid == [[5, 15, 25, 35], [0, 10, 20, 30]]  # minor, major
    assert axes.get_xlim() == pytest.approx((-1.823, 38.286), abs=1e-3)  # bars from 0, 5% either side
    assert axes.get_ylim() == (0.4, 12.6)
    legend = figure.artists[0]  # drawn before the axes: the key is read first (test_chart_print)
    assert [t.get_text() for t in legend.findobj(Text)] == ["Compared with England", *RESULTS]
    side = MIN_TEXT_PT * 1.8 * figure.dpi / 72
    squares = [a.get_window_extent(renderer) for a in legend.findobj(DrawingArea)]
    assert [(box.width, box.height) for box in squares] == [pytest.approx((side, side), abs=0.1)] * 2
    panel = axes.get_window_extent(renderer)
    key = legend.get_window_extent(renderer)
    assert (key.x0 + key.x1) / 2 == pytest.approx((panel.x0 + panel.x1) / 2, abs=1)  # centred under the panel
    names = [t.get_window_extent(renderer) for t in area_names(axes)]
    assert [t.get_text() for t in area_names(axes)][-1] == "Area number 1"  # the highest value at the top
    assert max(n.x1 for n in names) < panel.x0 < max(n.x1 for n in names) + 5  # right-aligned by the panel
    # As plotnine 0.15 placed it under matplotlib 3.10 (120 dpi): the panel's edges within a couple of pixels.
    assert (panel.x0, panel.y0, panel.x1, panel.y1) == pytest.approx((160.5, 122.8, 795.1, 544.5), abs=2.5)


def test_the_marked_area_s_bold_name_starts_where_its_name_does_and_covers_it():
    figure, overlay = _chart().draw()
    renderer = figure.canvas.get_renderer()
    plain = next(t for t in area_names(figure.axes[0]) if t.get_text() == "Area number 3")
    bold = next(a for a in overlay if isinstance(a, Text))
    bold.set_figure(figure)
    plain_box, bold_box = plain.get_window_extent(renderer), bold.get_window_extent(renderer)
    assert bold.get_text() == "Area number 3  \u25b6" and bold.get_fontweight() == "bold"
    assert bold_box.x0 == pytest.approx(plain_box.x0, abs=0.5) and bold_box.x1 > plain_box.x1
    assert bold_box.y0 <= plain_box.y0 + 1 and bold_box.y1 >= plain_box.y1 - 1


def _spine_rows(indicators: int) -> pd.DataFrame:
    long = "Proven reoffending (proportion of offenders who reoffend within 12 months of release)"
    return pd.DataFrame([dict(indicator_name=f"{long} {n}" if n % 2 else f"Short {n}", period="2021 - 23",
                              area_code=code, area_name=code, value=value + n, england_value=5.0 + n,
                              polarity=["low_is_good", "high_is_good", "none"][n % 3],
                              england_comparison="Worse (99.8%)" if code == "E" else "Similar")
                         for n in range(indicators) for code, value in zip("ABCDE", (2.0, 4.0, 5.0, 6.0, 12.0))])


def test_the_spine_chart_is_drawn_without_a_plotnine_build_where_plotnine_laid_it_out(tmp_path, monkeypatch):
    """A single report draws its spine chart's bars once: plotnine's build was most of that."""
    import plotnine

    from assessment.charts import spine_chart

    def no_build(*args, **kwargs):
        raise AssertionError("plotnine built the spine chart")

    monkeypatch.setattr(plotnine.ggplot, "draw", no_build)
    chart = spine_chart(_spine_rows(8), highlight="E", area_label="Eastling")
    assert chart.save(tmp_path / "spine.png").stat().st_size > 10_000
    figure, overlay = chart.draw()
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    panel = axes.get_window_extent(renderer)
    # As plotnine 0.15 placed it under matplotlib 3.10 (120 dpi), and its limits: 0 to 1.5 and the rows, 5% either side;
    # but for names this long plotnine's panel (to 795.1) left "Higher: small in practice" running off the right
    # edge, so the panel ends where the widest result fits (test_spine).
    assert (panel.x0, panel.y0, panel.x1, panel.y1) == pytest.approx((310.1, 24.4, 785.0, 496.0), abs=0.5)
    assert axes.get_xlim() == pytest.approx((-0.075, 1.575)) and axes.get_ylim() == pytest.approx((-1.025, 8.325))
    words = [t.get_text() for t in axes.texts]
    assert words[:3] == ["worse / lower", "better / higher", "England"] and "Short 0 (2021\u00a0-\u00a023)" in words
    assert len(overlay) == 8 + 8  # a circle and the figures for each indicator


def test_a_trend_keeps_every_period_on_its_axis_when_its_ends_have_no_value():
    """The periods are written as texts, not ticks: the axis still spans all of them, as the ticks made it."""
    from assessment.charts import trend_chart

    values = np.array([np.nan, np.nan, 25.0, 24.4, 23.9, 22.0, 21.0, np.nan])
    periods = [f"201{i}/1{i + 1}" for i in range(8)]
    area = pd.DataFrame({"period": periods, "value": values, "lower_ci_95": values - 1.5, "upper_ci_95": values + 1.5})
    figure, _ = trend_chart(area, None, area_name="A", indicator="Rate", trend="No significant change").draw()
    axes = figure.axes[0]
    assert axes.get_xlim() == (0, 7)
    written = [t for t in axes.texts if t.get_text() in periods]
    assert [t.get_text() for t in written] == periods and {t.get_rotation() for t in written} == {30}
    full, _ = trend_chart(area.assign(value=np.arange(8.0)), None, area_name="A", indicator="Rate", trend="x").draw()
    assert full.axes[0].get_xlim() == pytest.approx((-0.35, 7.35))  # all periods with values: 5% margins


def test_a_compare_chart_whose_every_value_is_suppressed_is_drawn_empty_without_a_key(tmp_path):
    frame = pd.DataFrame({"area_code": ["A", "B"], "area_name": ["Alpha", "Beta"], "value": [np.nan, np.nan],
                          "lower_ci_95": np.nan, "upper_ci_95": np.nan, "comparison": [None, None]})
    chart = compare_areas(frame, highlight="A", reference_value=None, reference_label="England", indicator="Rate",
                          period="2023")
    assert chart.save(tmp_path / "empty.png").is_file()
    figure, overlay = chart.draw()
    assert not figure.artists and not overlay  # no key, nothing to mark
    assert any(t.get_text() == "Rate, 2023" for t in figure.texts)
    assert "no area has a value to show" in chart.alt_text


def test_a_long_result_beside_the_longest_bar_stays_inside_the_figure():
    """Cumbria's violence chart: "Higher: small in practice" beside a long bar ran off the figure's right edge."""
    values = np.linspace(20.0, 47.0, 40)
    frame = pd.DataFrame({"area_code": [f"E2{i:02d}" for i in range(40)], "area_name": [f"Avon and Somerset Constabulary {i}" for i in range(40)],
                          "value": values, "lower_ci_95": values - 0.5, "upper_ci_95": values + 0.5,
                          "comparison": ["Higher: small in practice"] * 40})
    figure, _ = compare_areas(frame, highlight="E200", reference_value=29.0, reference_label="England",
                              indicator="Violence against the person offences per 1,000 population", period="2019",
                              unit="per 1,000 population").draw()
    renderer = figure.canvas.get_renderer()
    results = [t for t in figure.axes[0].texts if t.get_text() == "Higher: small in practice"]
    assert len(results) == 40
    assert max(t.get_window_extent(renderer).x1 for t in results) <= figure.bbox.x1


def test_the_key_fits_under_the_panel_when_its_words_are_long(tmp_path):
    """Three long results to a row ran off the figure beside long area names ("Lower: small in practic")."""
    values = np.array([120.0, 105.0, 101.0, 97.0, 88.0, 87.0])
    results = ["Worse (99.8%)", "Higher: small in practice", "Higher: small in practice",
               "Lower: small in practice", "Better (99.8%)", "Better (99.8%)"]
    frame = pd.DataFrame({"area_code": [f"E2{i}" for i in range(6)],
                          "area_name": [f"Oakshire and Ironbridge Cross Police {i}" for i in range(6)],
                          "value": values, "lower_ci_95": values - 2, "upper_ci_95": values + 2, "comparison": results})
    chart = compare_areas(frame, highlight="E24", reference_value=98.1, reference_label="England",
                          indicator="Police recorded crime (excluding fraud) per 1,000 population", period="2024/25",
                          unit="per 1,000 population")
    figure, _ = chart.draw()
    renderer = figure.canvas.get_renderer()
    key = figure.artists[0].get_window_extent(renderer)
    words = [t.get_window_extent(renderer) for t in figure.artists[0].findobj(Text)]
    assert 0 <= key.x0 and key.x1 <= figure.bbox.width
    assert all(0 <= w.x0 and w.x1 <= figure.bbox.width for w in words)
