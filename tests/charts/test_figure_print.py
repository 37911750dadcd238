"""Charts as printed: 8pt text at least, nothing cut off, maps a reader can use, captions that promise only what is drawn."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text
from shapely.geometry import box

from assessment.charts import compare_areas, spine_chart, trend_chart
from assessment.charts.figure import MIN_TEXT_PT, TEXT_WIDTH_IN
from assessment.charts.maps import choropleth
from assessment.charts.palette import colour_for

LONG = "Proven reoffending (proportion of offenders who reoffend within 12 months of release)"
NAMES = ["Northmere and Port Alder Police", "Oakshire and Ironbridge Cross Police", "Riverdale Shire Constabulary",
         "Fellshire and Seacombe Police", "Tyneholm Shire Constabulary", "Southdown Shire Constabulary"]


def _areas(with_ci: bool = True) -> pd.DataFrame:
    values = np.array([27.3, 29.1, 25.0, 24.4, 23.9, 22.0])
    return pd.DataFrame({"area_code": [f"E2300000{i}" for i in range(6)], "area_name": NAMES, "value": values,
                         "lower_ci_95": values - 1.5 if with_ci else np.nan,
                         "upper_ci_95": values + 1.5 if with_ci else np.nan,
                         "comparison": ["Worse (99.8%)", "Worse", "Similar", "Similar", "Better", "Better (99.8%)"]})


def _spine() -> pd.DataFrame:
    rows = []
    for n in range(22):
        for code, value in zip("ABCDE", (2.0, 4.0, 5.0, 6.0, 12.0)):
            rows.append(dict(indicator_name=f"{LONG} {n}", period="2021 - 23", area_code=code, area_name=code,
                             value=value + n, england_value=5.0 + n, polarity="low_is_good",
                             england_comparison="Worse (99.8%)" if code == "E" else "Similar",
                             value_text="605.3 per 100,000" if code == "E" else ""))
    return pd.DataFrame(rows)


def _map_shapes() -> gpd.GeoDataFrame:
    cells = [box(x * 9000, y * 9000, (x + 1) * 9000, (y + 1) * 9000) for y in range(2) for x in range(3)]
    return gpd.GeoDataFrame({"code": [f"E0799900{i}" for i in range(6)], "name": NAMES}, geometry=cells,
                            crs="EPSG:27700")


def _map(highlight="E07999001"):
    values = pd.DataFrame({"area_code": [f"E0799900{i}" for i in range(6)],
                           "value": [23.0, 40.2, np.nan, 44.5, 58.1, 56.8],
                           "england_comparison": ["Better (99.8%)", "Better", None, "Similar", "Worse", None]})
    return choropleth(_map_shapes(), values, highlight=highlight, title=f"{LONG}, 2023/24: districts of Wessex",
                      unit="per 100,000 aged 10 to 17")


CHARTS = {
    "compare": lambda: compare_areas(_areas(), highlight="E23000000", reference_value=25.2, reference_label="England",
                                     indicator=LONG, period="2023/24", unit="%"),
    "spine": lambda: spine_chart(_spine(), highlight="E", area_label="Northmere", value_text="value_text"),
    "trend": lambda: trend_chart(_areas().assign(period=[f"201{i}/1{i + 1}" for i in range(6)]), None,
                                 area_name=NAMES[0], indicator=LONG, trend="No significant change", unit="%"),
    "map": _map,
}


def _texts(figure_and_overlay):
    figure, overlay = figure_and_overlay
    texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    marks = [a for a in overlay if isinstance(a, Text) and a.get_text().strip()]
    for mark in marks:  # drawn on the figure by Figure.save, never added to it
        mark.set_figure(figure)
    return figure, texts + marks


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart_text_prints_at_8pt_or_more_and_inside_the_figure(name):
    chart = CHARTS[name]()
    assert chart.width == pytest.approx(TEXT_WIDTH_IN)  # placed at 100% of the text block: sizes are printed sizes
    figure, texts = _texts(chart.draw())
    renderer = figure.canvas.get_renderer()
    bounds = figure.bbox
    assert texts
    for text in texts:
        assert text.get_fontsize() >= MIN_TEXT_PT, f"{name}: {text.get_text()!r} at {text.get_fontsize()}pt"
        extent = text.get_window_extent(renderer)
        assert extent.x0 >= bounds.x0 - 1 and extent.x1 <= bounds.x1 + 1, f"{name}: {text.get_text()!r} cut off"
        assert extent.y0 >= bounds.y0 - 1 and extent.y1 <= bounds.y1 + 1, f"{name}: {text.get_text()!r} cut off"


def test_a_map_of_quintiles_is_keyed_as_quintiles_not_as_a_comparison_with_england():
    """Issue 27: a quintile ranks an area among England's areas of its tier; the key and caption said
    "Compared with England" over "Worst quintile", which compares nothing with England's value."""
    values = pd.DataFrame({"area_code": [f"E0799900{i}" for i in range(6)],
                           "value": [23.4, 45.0, np.nan, 18.9, 34.4, 25.7],
                           "england_comparison": ["Middle quintile", "Worst quintile", None, "Better quintile",
                                                  "Worst quintile", "Worse quintile"]})
    chart = choropleth(_map_shapes(), values, highlight="E07999001", title="IMD 2019: Average score, 2019", unit="score")
    figure, _ = chart.draw()
    assert figure.legends[0].get_title().get_text() == "Quintile in England"
    assert "coloured by their quintile among England's areas of the same tier" in chart.caption
    assert "coloured by their quintile among England's areas of the same tier" in chart.alt_text
    assert "Compared with England" not in chart.caption


def test_map_colours_each_area_by_its_comparison_with_england_and_says_so_in_words():
    chart = _map()
    figure, overlay = chart.draw()
    axes = figure.axes[0]
    fills = [tuple(np.round(c[:3], 3)) for collection in axes.collections for c in collection.get_facecolors()]
    from matplotlib.colors import to_rgb

    expected = ["Better (99.8%)", "Better", None, "Similar", "Worse", "Not compared"]
    for colour, result in zip(fills, expected):
        assert colour == tuple(np.round(to_rgb("#FFFFFF" if result is None else colour_for(result)), 3))
    words = {t.get_text() for t in figure.findobj(Text)}
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend == ["Better (99.8%): 1 area", "Better: 1 area", "Similar: 1 area", "Worse: 1 area",
                      "Not compared: 1 area", "No data: 1 area"]
    assert figure.legends[0].get_title().get_text() == "Compared with England"
    assert "N" in words and any(w.endswith(" km") for w in words)  # north arrow and scale bar
    assert any(w.startswith("Northmere and Port") for w in words)  # areas are named on the map
    # the selected area's outline, then its label drawn again above the line (issue 27: hidden under it)
    from matplotlib.lines import Line2D
    assert isinstance(overlay[0], Line2D) and not any(isinstance(a, Line2D) for a in overlay[1:])
    assert any(isinstance(a, Text) and a.get_text().startswith("Oakshire and") for a in overlay[1:])
    assert "Worse: Tyneholm Shire Constabulary (58.1)." in chart.alt_text
    assert "No data: Riverdale Shire Constabulary." in chart.alt_text and "outlined" in chart.caption


def _small_borough_map(highlight=None):
    """Three big square councils in a row and a small borough inside the middle one, beside its label."""
    small = box(29000, 9000, 31000, 11000)
    shapes = gpd.GeoDataFrame(
        {"code": ["E07999000", "E07999001", "E07999002", "E06999009"],
         "name": ["Wyrefield", "Fyldemoor", "Ribbleside", "Blackpoole"]},
        geometry=[*(box(x * 20000, 0, (x + 1) * 20000, 20000).difference(small) for x in range(3)), small],
        crs="EPSG:27700")
    values = pd.DataFrame({"area_code": list(shapes["code"]), "value": [20.9, 15.9, 30.6, 45.0],
                           "england_comparison": ["Better quintile", "Best quintile", "Worse quintile",
                                                  "Worst quintile"]})
    return choropleth(shapes, values, highlight=highlight, title="IMD 2019: Average score, 2019: districts of a force",
                      unit="score")


def test_a_small_borough_is_named_beside_its_outline_and_the_legend_keeps_the_bins_in_order():
    figure, overlay = _small_borough_map(highlight="E06999009").draw()
    axes = figure.axes[0]
    named = [t for t in axes.texts if t.get_text().startswith("Blackpoole")]
    assert len(named) == 1 and named[0].get_position() != (30000.0, 10000.0)  # beside the borough,
    assert len(axes.lines) == 1  # with a leader line to it
    assert overlay and not any(a.get_text() == named[0].get_text() for a in overlay if isinstance(a, Text))
    # The legend lists the bins from best to worst, not in the order they were met.
    legend = [t.get_text().split(":")[0] for t in figure.legends[0].get_texts()]
    assert legend == ["Best quintile", "Better quintile", "Worse quintile", "Worst quintile"]


def test_map_has_no_empty_frame_around_the_areas():
    figure, _ = _map().draw()
    axes = figure.axes[0]
    x0, x1 = axes.get_xlim()
    y0, y1 = axes.get_ylim()
    assert (27000 / (x1 - x0)) > 0.9 and (18000 / (y1 - y0)) > 0.9


def test_captions_promise_intervals_only_when_the_chart_draws_them():
    scored = compare_areas(_areas(with_ci=False), highlight="E23000000", reference_value=21.6,
                           reference_label="England", indicator="Deprivation score (IMD 2019)", period="2023")
    assert "confidence" not in scored.caption
    assert "95% confidence intervals" in CHARTS["compare"]().caption
    flat = trend_chart(_areas(with_ci=False).assign(period=[str(2018 + i) for i in range(6)]), None,
                       area_name="A", indicator="Score", trend="Cannot be calculated")
    assert "confidence" not in flat.caption


@pytest.mark.shared
def test_real_district_boundaries_dissolve_into_outlines_without_slivers(shared_data):
    """May 2024 districts (ONS BSC) dissolved into the 2024 police force areas: no gaps between simplified districts.

    Simplifying each district on its own opened 124 small holes in the force outlines; the one hole left is in
    the unsimplified ONS file too (a 1.2 ha gap in Hampshire).
    """
    import shapely

    from assessment.geography import dissolve_boundaries, load_boundaries
    from assessment.geography.boundaries import _read

    path = shared_data / "boundaries" / "Local_Authority_Districts_May_2024_Boundaries__UK_BSC_-5684348521832897108.geo.json"
    lookup = pd.read_csv(shared_data / "lookups_population" / "lookup_ltla24_csp24_pfa24.csv")
    lookup = lookup[lookup["ltla24_code"].str.startswith("E")][["ltla24_code", "pfa24_code", "pfa24_name"]]
    lookup = lookup.drop_duplicates().set_axis(["child_code", "parent_code", "parent_name"], axis=1)

    def small_holes(frame) -> int:
        return sum(shapely.Polygon(ring).area < 1e6 for g in frame.geometry
                   for part in getattr(g, "geoms", [g]) for ring in part.interiors)

    raw = _read(path)
    raw = raw[raw["code"].str.startswith("E")].to_crs("EPSG:27700")
    raw["geometry"] = raw.geometry.make_valid()
    simplified = load_boundaries("lad", path=path)
    assert small_holes(dissolve_boundaries(simplified, lookup)) == small_holes(dissolve_boundaries(raw, lookup)) == 1
    assert small_holes(gpd.GeoDataFrame(geometry=[shapely.union_all(simplified.geometry.values)])) == 0


def test_bar_chart_key_reads_in_order_along_its_rows():
    values = np.array([10.0, 20.0, 30.0, 40.0, 50.0, 60.0])
    results = ["Best quintile", "Worst quintile", "Better quintile", "Middle quintile", "Worse quintile", "Not compared"]
    frame = pd.DataFrame({"area_code": list("ABCDEF"), "area_name": list("ABCDEF"), "value": values,
                          "lower_ci_95": np.nan, "upper_ci_95": np.nan, "comparison": results})
    figure, _ = compare_areas(frame, highlight="A", reference_value=None, reference_label="England",
                              indicator="IMD 2019: Average score", period="2019").draw()
    renderer = figure.canvas.get_renderer()
    key = {}
    for text in figure.findobj(Text):  # the key is drawn before the results written beside the bars
        if text.get_text() in results and text.get_text() not in key:
            box = text.get_window_extent(renderer)
            key[text.get_text()] = (-round(box.y0), box.x0)
    # Read row by row, left to right: best to worst, then what was not compared (not alphabetical,
    # not down the columns).
    assert sorted(key, key=key.get) == ["Best quintile", "Better quintile", "Middle quintile", "Worse quintile",
                                        "Worst quintile", "Not compared"]
