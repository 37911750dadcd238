"""The spine chart's bars drawn straight with matplotlib, in the look plotnine's minimal theme gave them.

The bars are the same for every area of a type, so a batch draws them once per
type; a single report draws them once, and there plotnine's build (scales,
theme, layout) was most of the chart's cost. The limits are plotnine's (the
given ranges expanded by 5% each side), and the sizes and colours those of
``theme_minimal`` (base size 10). ``figure.axes[0]`` is the panel in the
chart's data coordinates: the overlay marks the area on it.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure as MplFigure
from mizani.bounds import expand_range_distinct

from .bar_drawing import AXIS_TEXT, GRID, MARGIN_IN, TICK_PAD_PT
from .figure import MIN_TEXT_PT

NATIONAL_LINE, NATIONAL_LINE_PT = "#c00000", 1.4179630807244128  # plotnine's size 0.8 in points
BAR_HALF_HEIGHT = 0.32


def draw_spine(rects: pd.DataFrame, labels: pd.DataFrame, fills: dict[str, str], *, rows: int, national: str,
               x_limit: float, width: float, height: float, figures_at: float, widest_figures: list[str],
               dpi: int = 120) -> MplFigure:
    """Bars (``rects``: y, band, xmin, xmax) with names (``labels``: y, name), the national line at 0.5.

    ``rows`` indicators, from y = 0 at the bottom; the x axis runs 0 to ``x_limit`` (room on the
    right for the area's figures, which the overlay writes from x = ``figures_at``). The bars are
    narrowed where the widest of ``widest_figures`` would otherwise run off the chart's right edge.
    """
    figure = MplFigure(figsize=(width, height), dpi=dpi, facecolor="#FFFFFF")
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1), facecolor="none")
    axes.set_xlim(*expand_range_distinct((0, x_limit), (0.05, 0, 0.05, 0)))
    axes.set_ylim(*expand_range_distinct((-0.6, rows - 0.1), (0.05, 0, 0.05, 0)))
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.add_collection(LineCollection([((0.5, 0), (0.5, 1))], colors=GRID, linewidths=1.0,
                                       transform=axes.get_xaxis_transform(), zorder=0.5))
    bars = [((x0, y - BAR_HALF_HEIGHT), (x0, y + BAR_HALF_HEIGHT), (x1, y + BAR_HALF_HEIGHT), (x1, y - BAR_HALF_HEIGHT))
            for y, x0, x1 in zip(rects["y"], rects["xmin"], rects["xmax"])]
    axes.add_collection(PolyCollection(bars, facecolors=[fills[band] for band in rects["band"]], edgecolors="none",
                                       zorder=1))
    axes.axvline(0.5, color=NATIONAL_LINE, linewidth=NATIONAL_LINE_PT, zorder=2)
    for x, text, align, order in ((0.0, "worse / lower", "left", 3), (1.0, "better / higher", "right", 4)):
        axes.text(x, rows - 0.3, text, ha=align, va="center", fontsize=MIN_TEXT_PT, color="#000000", zorder=order)
    transform, va, ha = axes.get_xaxis_text1_transform(TICK_PAD_PT)
    below = axes.text(0.5, 0, national, transform=transform, ha=ha, va=va, fontsize=MIN_TEXT_PT, color=AXIS_TEXT,
                      clip_on=False)
    transform, va, ha = axes.get_yaxis_text1_transform(TICK_PAD_PT)
    names = [axes.text(0, y, name, transform=transform, ha=ha, va=va, multialignment="center", fontsize=MIN_TEXT_PT,
                       color=AXIS_TEXT, clip_on=False) for y, name in zip(labels["y"], labels["name"])]
    figures = [axes.text(figures_at, 0, line, fontsize=MIN_TEXT_PT) for line in widest_figures]  # measured, then removed
    _place(figure, axes, names, below, figures_at, figures)
    for measured in figures:
        measured.remove()
    return figure


def _place(figure, axes, names: list, below, figures_at: float, figures: list) -> None:
    """The panel from the margins, the widest name and the national line's label below it, and narrowed
    so that the widest of ``figures`` (written from x = ``figures_at``) ends inside the right margin."""
    renderer = figure.canvas.get_renderer()
    dpi = figure.dpi
    width, height = figure.bbox.width, figure.bbox.height
    margin, point = MARGIN_IN * dpi, dpi / 72
    widest = max((name.get_window_extent(renderer).width for name in names), default=0.0)
    left = margin + widest + TICK_PAD_PT * point
    bottom = margin + below.get_window_extent(renderer).height + TICK_PAD_PT * point
    top = height - margin
    low, high = axes.get_xlim()
    widest_figures = max((text.get_window_extent(renderer).width for text in figures), default=0.0)
    # the panel's width in pixels such that figures_at, so far along it, leaves room for the widest figures
    fitting = (width - margin - widest_figures - left) * (high - low) / (figures_at - low)
    panel = min(width - margin - left, fitting)
    axes.set_position((left / width, bottom / height, panel / width, (top - bottom) / height))
