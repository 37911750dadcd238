"""The compare-areas bar chart drawn straight with matplotlib, in the look of plotnine's minimal theme.

A national batch draws this chart for every indicator of every peer group and
the similar-areas chart for every area; building it with plotnine (training
scales, laying out the theme and guides) cost about twice the matplotlib draw
itself. Here the layout is worked out once from a few measured texts, with
plotnine's own rules: the value axis is expanded by 5% each side and given
breaks and labels by the same mizani functions, the discrete axis is padded by
0.6 of a bar, and the sizes, colours and spacings are those ``theme_minimal``
(base size 10) gave the chart before.

The drawn figure keeps what the overlay needs: ``figure.axes[0]`` holds the
bars at y = 1 .. n (lowest value at the bottom) with the area names as its
y tick labels.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure as MplFigure
from matplotlib.legend import Legend
from matplotlib.patches import Rectangle
from mizani.bounds import expand_range_distinct
from mizani.transforms import identity_trans

from .figure import MIN_TEXT_PT

INK, AXIS_TEXT, ERROR_BAR, GRID, GRID_MINOR = "#0b0c0c", "#4D4D4D", "#333333", "#E5E5E5", "#FAFAFA"
TITLE_PT, AXIS_TITLE_PT, LEGEND_TITLE_PT = 11.0, 10.0, 10.0
#: Space round the plot, and between the legend and what is above it (plotnine's defaults), in inches.
MARGIN_IN, LEGEND_GAP_IN = 1 / 15, 0.2
#: Gaps between a tick label and the panel, and between the tick labels and the axis title, in points.
TICK_PAD_PT, TITLE_PAD_PT = 2.0, 4.8
BAR_EDGE_PT, LINE_PT = 1.0634723105433095, 0.8862269254527579  # plotnine's size 0.6 and 0.5 in points
KEY_PT = 14.4  # a legend key's side: 1.8 times the 8pt legend text
BAR_HEIGHT, WHISKER = 0.75, 0.3


def draw_bars(shown: pd.DataFrame, *, colours: dict[str, str], ncol: int, heading: str, title: str,
              unit: str, reference_value: float | None, top: float, width: float, height: float,
              left_margin: float, dpi: int = 120) -> MplFigure:
    """Bars of ``shown`` (sorted, lowest first: columns label, value, lower, upper, comparison, fill, text_y).

    ``colours`` maps each fill to its colour in the key's order (``ncol`` keys a row, read along the
    rows), ``heading`` heads the key; ``left_margin`` is the room left of the names, a fraction of
    ``width``. The dashed line is at ``reference_value`` when it is a number.
    """
    figure = MplFigure(figsize=(width, height), dpi=dpi, facecolor="#FFFFFF")
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1), facecolor="none")
    has_reference = reference_value is not None and not np.isnan(reference_value)
    rows = np.arange(1, len(shown) + 1, dtype=float)
    _draw_layers(axes, shown, rows, reference_value if has_reference else None, colours)
    limits = _value_limits(shown, top, reference_value if has_reference else None)
    _value_axis(axes, limits)
    axes.set_ylim(0.4, len(shown) + 0.6)
    axes.set_yticks(rows, [str(label) for label in shown["label"]])
    axes.tick_params(axis="both", length=0, labelsize=MIN_TEXT_PT, labelcolor=AXIS_TEXT, pad=TICK_PAD_PT)
    for spine in axes.spines.values():
        spine.set_visible(False)
    title_text = figure.text(left_margin, 1 - MARGIN_IN / height, title, ha="left", va="top", fontsize=TITLE_PT,
                             fontweight="bold", color="#000000")
    legend = _legend(figure, colours, ncol, heading)
    _place(figure, axes, title_text, legend, unit, [str(label) for label in shown["label"]], left_margin)
    return figure


def _draw_layers(axes, shown: pd.DataFrame, rows: np.ndarray, reference_value, colours: dict[str, str]) -> None:
    """Bars, error bars, each result written beside its bar and the dashed reference line, in plotnine's order."""
    values = shown["value"].to_numpy(dtype=float)
    half = BAR_HEIGHT / 2
    bars = [((0, y - half), (0, y + half), (v, y + half), (v, y - half)) for y, v in zip(rows, values)]
    axes.add_collection(PolyCollection(bars, facecolors=[colours.get(f, "#BDBDBD") for f in shown["fill"]],
                                       edgecolors="#FFFFFF", linewidths=BAR_EDGE_PT, zorder=1))
    lower, upper = shown["lower"].to_numpy(dtype=float), shown["upper"].to_numpy(dtype=float)
    whisker = WHISKER / 2
    segments = []
    for y, low, high in zip(rows, lower, upper):
        if not (np.isnan(low) or np.isnan(high)):
            segments += [((low, y - whisker), (low, y + whisker)), ((low, y), (high, y)),
                         ((high, y - whisker), (high, y + whisker))]
    if segments:
        axes.add_collection(LineCollection(segments, colors=ERROR_BAR, linewidths=LINE_PT, zorder=2))
    for y, x, text in zip(rows, shown["text_y"], shown["comparison"]):
        axes.text(x, y, str(text), ha="left", va="center", fontsize=MIN_TEXT_PT, color=INK, zorder=3)
    if reference_value is not None:
        axes.axvline(reference_value, color=INK, linestyle="--", linewidth=LINE_PT, zorder=4)


def _value_limits(shown: pd.DataFrame, top: float, reference_value) -> tuple[float, float]:
    """The value axis as plotnine trains it: bars from 0, intervals, the results' x, the line, room for text."""
    values = [0.0, top * 1.35, *shown[["value", "lower", "upper", "text_y"]].to_numpy(dtype=float).ravel()]
    if reference_value is not None:
        values.append(float(reference_value))
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return expand_range_distinct((float(values.min()), float(values.max())), (0.05, 0, 0.05, 0))


def _value_axis(axes, limits: tuple[float, float]) -> None:
    """Limits, breaks, labels and grid of the value axis, with plotnine's (mizani's) breaks and labels."""
    trans = identity_trans()
    breaks = trans.breaks(limits)
    minor = [b for b in trans.minor_breaks(breaks, limits) if limits[0] <= b <= limits[1]]
    major = [b for b in breaks if limits[0] <= b <= limits[1]]
    axes.set_xlim(*limits)
    axes.set_xticks(major, list(trans.format(major)))
    axes.set_xticks(minor, minor=True)
    axes.set_axisbelow(True)
    axes.grid(axis="x", which="major", color=GRID, linewidth=1.0)
    axes.grid(axis="x", which="minor", color=GRID_MINOR, linewidth=0.5)
    axes.tick_params(axis="x", which="minor", length=0, labelbottom=False)


def _legend(figure, colours: dict[str, str], ncol: int, heading: str) -> Legend:
    """The key under the chart, read along its rows: a square per result and its name."""
    labels = list(colours)
    # matplotlib fills a legend down its columns: taking every ncol-th label puts them along the rows.
    order = [label for start in range(ncol) for label in labels[start::ncol]]
    handles = [Rectangle((0, 0), 1, 1, facecolor=colours[label], edgecolor="#FFFFFF", linewidth=BAR_EDGE_PT)
               for label in order]
    # matplotlib draws a key (handleheight - 0.35 (handleheight - 0.7)) font sizes tall: solved for KEY_PT.
    key_height = (KEY_PT / MIN_TEXT_PT - 0.245) / 0.65
    legend = Legend(figure, handles, order, loc="lower center", ncols=ncol, frameon=False, fontsize=MIN_TEXT_PT,
                    title=heading, title_fontsize=LEGEND_TITLE_PT, handlelength=KEY_PT / MIN_TEXT_PT,
                    handleheight=key_height, handletextpad=0.4, columnspacing=0.75, labelspacing=0.25,
                    borderpad=0.125, borderaxespad=0)
    for text in legend.get_texts():
        text.set_color("#000000")
    figure.add_artist(legend)  # an artist of the figure, before the axes: the key is read before the bars
    return legend


@lru_cache(maxsize=8)
def _line_height_px(size_pt: float, dpi: int) -> float:
    """Height of one line of DejaVu Sans text at ``size_pt``, in pixels, as matplotlib lays it out."""
    figure = MplFigure(dpi=dpi)
    renderer = FigureCanvasAgg(figure).get_renderer()
    return figure.text(0, 0, "0", fontsize=size_pt).get_window_extent(renderer).height


def _place(figure, axes, title, legend: Legend, unit: str, labels: list[str], left_margin: float) -> None:
    """Size the panel from the title's, the names', the axis texts' and the key's measured sizes."""
    renderer = figure.canvas.get_renderer()
    dpi = figure.dpi
    width, height = figure.bbox.width, figure.bbox.height
    margin, point = MARGIN_IN * dpi, dpi / 72
    names = max((axes.yaxis.get_majorticklabels()[i].get_window_extent(renderer).width
                 for i in range(len(labels))), default=0.0)
    left = left_margin * width + names + TICK_PAD_PT * point
    right = width - margin
    top = height - margin - title.get_window_extent(renderer).height - margin
    legend.set_bbox_to_anchor(((left + right) / 2 / width, margin / height), transform=figure.transFigure)
    bottom = margin + legend.get_window_extent(renderer).height + LEGEND_GAP_IN * dpi
    if unit:
        axis_title_height = _line_height_px(AXIS_TITLE_PT, int(dpi))
        figure.text((left + right) / 2 / width, bottom / height, unit, ha="center", va="bottom",
                    fontsize=AXIS_TITLE_PT, color="#000000")
        bottom += axis_title_height + TITLE_PAD_PT * point
    bottom += _line_height_px(MIN_TEXT_PT, int(dpi)) + TICK_PAD_PT * point
    axes.set_position((left / width, bottom / height, (right - left) / width, (top - bottom) / height))
