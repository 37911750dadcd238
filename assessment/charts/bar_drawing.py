"""The compare-areas bar chart drawn straight with matplotlib, in the look of plotnine's minimal theme.

A national batch draws this chart for every indicator of every peer group and
the similar-areas chart for every area; building it with plotnine (training
scales, laying out the theme and guides) cost more than the matplotlib draw
itself. Here the layout is worked out once from a few measured texts, with
plotnine's own rules: the value axis is expanded by 5% each side and given
breaks and labels by the same mizani functions, the discrete axis is padded by
0.6 of a bar, and the sizes, colours and spacings are those ``theme_minimal``
(base size 10) gave the chart before.

The drawn figure keeps what the overlay needs: ``figure.axes[0]`` holds the
bars at y = 1 .. n (lowest value at the bottom), and :func:`area_names` finds the
texts that name them.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure as MplFigure
from matplotlib.font_manager import FontProperties
from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, HPacker, TextArea, VPacker
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
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
#: Gaps in the key, in points: square to its name, entry to entry along a row, row to row.
KEY_TEXT_GAP_PT, KEY_GAP_PT, KEY_ROW_GAP_PT = 3.212598425196851, 6.0, 2.0
KEY_TEXT = {"fontsize": MIN_TEXT_PT, "color": "#000000", "ha": "center", "va": "baseline"}
BAR_HEIGHT, WHISKER = 0.75, 0.3
NAME_GID, RESULT_GID = "area-name", "result"


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
    axes.set_xlim(*_value_limits(shown, top, reference_value if has_reference else None))
    axes.set_ylim(0.4, len(shown) + 0.6)
    labels = [str(label) for label in shown["label"]]
    _names(axes, rows, labels)
    for spine in axes.spines.values():
        spine.set_visible(False)
    title_text = figure.text(left_margin, 1 - MARGIN_IN / height, title, ha="left", va="top", fontsize=TITLE_PT,
                             fontweight="bold", color="#000000", linespacing=0.9)  # plotnine theme_minimal's title spacing
    legend = _fitted_legend(figure, axes, colours, ncol, heading, left_margin) if colours else None  # no bar: no key
    _place(figure, axes, title_text, legend, unit, left_margin)
    _fit_results(figure, axes)
    _value_axis(axes, axes.get_xlim())
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
        axes.text(x, y, str(text), ha="left", va="center", fontsize=MIN_TEXT_PT, color=INK, zorder=3, gid=RESULT_GID)
    if reference_value is not None:
        axes.axvline(reference_value, color=INK, linestyle="--", linewidth=LINE_PT, zorder=4)


def _value_limits(shown: pd.DataFrame, top: float, reference_value) -> tuple[float, float]:
    """The value axis as plotnine trains it: bars from 0, intervals, the results' x, the line, room for text."""
    drawn = [0.0, top * 1.35, *shown[["value", "lower", "upper", "text_y"]].to_numpy(dtype=float).ravel()]
    if reference_value is not None:
        drawn.append(float(reference_value))
    values = np.asarray(drawn, dtype=float)
    values = values[np.isfinite(values)]
    return expand_range_distinct((float(values.min()), float(values.max())), (0.05, 0, 0.05, 0))


def _value_axis(axes, limits: tuple[float, float]) -> None:
    """Limits, breaks, labels and grid of the value axis, with plotnine's (mizani's) breaks and labels.

    The grid lines and labels are drawn as lines and texts, not as matplotlib ticks: a tick is several
    artists set up one by one, and the chart has no tick marks to draw.
    """
    trans = identity_trans()
    breaks = trans.breaks(limits)
    minor = [b for b in trans.minor_breaks(breaks, limits) if limits[0] <= b <= limits[1]]
    major = [b for b in breaks if limits[0] <= b <= limits[1]]
    axes.set_xticks([])
    across = axes.get_xaxis_transform()  # x in data, y from the panel's bottom (0) to its top (1)
    for where, colour, width in ((minor, GRID_MINOR, 0.5), (major, GRID, 1.0)):
        axes.add_collection(LineCollection([((x, 0), (x, 1)) for x in where], colors=colour, linewidths=width,
                                           transform=across, zorder=0.5))
    transform, va, ha = axes.get_xaxis_text1_transform(TICK_PAD_PT)
    for x, label in zip(major, trans.format(major)):
        axes.text(x, 0, label, transform=transform, ha=ha, va=va, fontsize=MIN_TEXT_PT, color=AXIS_TEXT,
                  clip_on=False)


def _names(axes, rows: np.ndarray, labels: list[str]) -> None:
    """Each bar's area name left of the panel, right-aligned, as a tick label would be (see :func:`area_names`)."""
    axes.set_yticks([])
    transform, va, ha = axes.get_yaxis_text1_transform(TICK_PAD_PT)
    for y, label in zip(rows, labels):
        axes.text(0, y, label, transform=transform, ha=ha, va=va, fontsize=MIN_TEXT_PT, color=AXIS_TEXT,
                  clip_on=False, gid=NAME_GID)


def area_names(axes) -> list:
    """The texts naming the bars of a chart drawn by :func:`draw_bars`, from the bottom bar up."""
    return [text for text in axes.texts if text.get_gid() == NAME_GID]


def _fitted_legend(figure, axes, colours: dict[str, str], ncol: int, heading: str,
                   left_margin: float) -> AnchoredOffsetbox:
    """The key with at most ``ncol`` entries a row, and fewer when its rows would be wider than the panel it
    is centred under (the words' widths depend on the font's metrics: "Lower: small in practice" was cut off)."""
    renderer = figure.canvas.get_renderer()
    panel = figure.bbox.width - MARGIN_IN * figure.dpi - _panel_left(figure, axes, left_margin)
    while True:
        legend = _legend(figure, colours, ncol, heading)
        if ncol == 1 or legend.get_bbox(renderer).width <= panel:
            return legend
        legend.remove()
        ncol -= 1


def _legend(figure, colours: dict[str, str], ncol: int, heading: str) -> AnchoredOffsetbox:
    """The key under the chart, read along its rows: a square per result and its name, ``heading`` above.

    Packed as plotnine packs a legend by rows: each row on its own (a narrow name leaves no gap for a
    wide one in the row below), rows left-aligned, the heading centred over them.
    """
    entries: list[Artist] = [HPacker(children=[_key_square(colours[label]), TextArea(label, textprops=KEY_TEXT)],
                       sep=KEY_TEXT_GAP_PT, align="center", pad=0) for label in colours]
    rows: list[Artist] = [HPacker(children=entries[start:start + ncol], sep=KEY_GAP_PT, align="left", pad=0)
            for start in range(0, len(entries), ncol)]
    title = TextArea(heading, textprops={"fontsize": LEGEND_TITLE_PT, "color": "#000000"})
    box = VPacker(children=[title, VPacker(children=rows, sep=KEY_ROW_GAP_PT, align="baseline", pad=0)],
                  sep=1.08, align="center", pad=0)
    key = AnchoredOffsetbox(loc="lower center", child=box, pad=0.1, borderpad=0, frameon=False,
                            prop=FontProperties(size=LEGEND_TITLE_PT))
    figure.add_artist(key)  # an artist of the figure, before the axes: the key is read before the bars
    return key


def _key_square(colour: str) -> DrawingArea:
    """A key's square: the bar's fill with its white edge inside the square (plotnine's legend key)."""
    square = DrawingArea(KEY_PT, KEY_PT, 0, 0)
    edge = BAR_EDGE_PT
    square.add_artist(Rectangle((edge / 2, edge / 2), KEY_PT - edge, KEY_PT - edge, facecolor=colour,
                                edgecolor="#FFFFFF", linewidth=edge))
    return square


@lru_cache(maxsize=8)
def line_height_px(size_pt: float, dpi: int) -> float:
    """Height of one line of DejaVu Sans text at ``size_pt``, in pixels, as matplotlib lays it out."""
    figure = MplFigure(dpi=dpi)
    renderer = FigureCanvasAgg(figure).get_renderer()
    return figure.text(0, 0, "0", fontsize=size_pt).get_window_extent(renderer).height


def _panel_left(figure, axes, left_margin: float) -> float:
    """Where the panel starts, in pixels: the room left of the names, the widest name, the gap to the bars."""
    renderer = figure.canvas.get_renderer()
    names = max((name.get_window_extent(renderer).width for name in area_names(axes)), default=0.0)
    return left_margin * figure.bbox.width + names + TICK_PAD_PT * figure.dpi / 72


def _place(figure, axes, title, legend: AnchoredOffsetbox | None, unit: str, left_margin: float) -> None:
    """Size the panel from the title's, the names', the axis texts' and the key's measured sizes."""
    renderer = figure.canvas.get_renderer()
    dpi = figure.dpi
    width, height = figure.bbox.width, figure.bbox.height
    margin, point = MARGIN_IN * dpi, dpi / 72
    left = _panel_left(figure, axes, left_margin)
    right = width - margin
    top = height - margin - title.get_window_extent(renderer).height - margin
    bottom = margin
    if legend is not None:
        legend.set_bbox_to_anchor(Bbox.from_bounds((left + right) / 2 / width, margin / height, 0, 0),
                                  transform=figure.transFigure)
        bottom += legend.get_window_extent(renderer).height + LEGEND_GAP_IN * dpi
    if unit:
        axis_title_height = line_height_px(AXIS_TITLE_PT, int(dpi))
        figure.text((left + right) / 2 / width, bottom / height, unit, ha="center", va="bottom",
                    fontsize=AXIS_TITLE_PT, color="#000000")
        bottom += axis_title_height + TITLE_PAD_PT * point
    bottom += line_height_px(MIN_TEXT_PT, int(dpi)) + TICK_PAD_PT * point
    axes.set_position((left / width, bottom / height, (right - left) / width, (top - bottom) / height))


def _fit_results(figure, axes) -> None:
    """Widen the value axis where a result written beside its bar would run off the figure.

    The room plotnine left on the right is a share of the values (a third more than the highest),
    not the width of the words: "Higher: small in practice" was cut off beside a long bar.
    """
    renderer = figure.canvas.get_renderer()
    panel = axes.get_window_extent(renderer)
    room = figure.bbox.width - MARGIN_IN * figure.dpi  # the results may reach into the right margin, not past it
    low, high = axes.get_xlim()
    needed = high
    for text in axes.texts:
        if text.get_gid() == RESULT_GID:
            space = room - panel.x0 - text.get_window_extent(renderer).width
            if space > 0:  # x's share of the panel must end where the words still fit
                needed = max(needed, low + (text.get_position()[0] - low) * panel.width / space)
    if needed > high:
        axes.set_xlim(low, needed)
