"""Compare-areas bar chart: an area among its peers, with 95% intervals and results as text.

>>> import pandas as pd
>>> frame = pd.DataFrame({"area_code": ["A", "B"], "area_name": ["Alpha", "Beta"], "value": [5.0, 7.0],
...                       "lower_ci_95": [4.0, 6.0], "upper_ci_95": [6.0, 8.0],
...                       "comparison": ["Better", "Worse"]})
>>> fig = compare_areas(frame, highlight="B", reference_value=6.0, reference_label="England",
...                     indicator="Deaths", period="2023", unit="per 100,000")
>>> "Beta" in fig.alt_text and "highest" in fig.alt_text
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .bar_drawing import area_names, draw_bars
from .figure import TEXT_WIDTH_IN, Figure, frame_key, wrap_to_width
from .maps import map_legend
from .palette import colour_for, result_heading


def compare_areas(frame: pd.DataFrame, *, highlight: str, reference_value: float | None,
                  reference_label: str, indicator: str, period: str, unit: str = "",
                  value: str = "value", lower: str = "lower_ci_95", upper: str = "upper_ci_95",
                  name: str = "area_name", code: str = "area_code", comparison: str = "comparison") -> Figure:
    """Bars for each area (sorted), error bars, a reference line, and each result written beside its bar."""
    # Columns as arrays: a report draws a dozen or more of these charts, and a pandas frame per step of
    # their preparation (select, fill, drop, sort, label) cost more than the overlay's drawing.
    codes, names = frame[code].to_numpy(dtype=object), frame[name].to_numpy(dtype=object)
    values, lowers, uppers = (frame[column].to_numpy(dtype=float, na_value=np.nan) for column in (value, lower, upper))
    results = frame[comparison].fillna("Not compared").to_numpy(dtype=object)
    known = np.flatnonzero(~np.isnan(values))
    order = known[values[known].argsort(kind="quicksort")]  # lowest first, as pandas' sort_values orders them
    # The bars' columns, lowest value first.
    bar_codes, bar_names, bar_values, bar_lowers, bar_uppers, bar_results = (
        column[order] for column in (codes, names, values, lowers, uppers, results))
    labels = _unique([str(n) for n in bar_names])  # two areas may share a name; the selected area is not marked
    top = float(np.nanmax(np.concatenate([bar_values, bar_uppers]))) if len(order) else 1.0
    height = min(9.0, 1.6 + 0.28 * max(len(order), 3))
    # Say "with 95% confidence intervals" only when the chart draws some (a score such as IMD has none).
    intervals = bool((~np.isnan(bar_lowers) & ~np.isnan(bar_uppers)).any())
    caption = f"{indicator} ({period}) for {len(order)} areas" + (", with 95% confidence intervals." if intervals else ".")
    if reference_value is not None and not np.isnan(reference_value):
        caption += f" The dashed line is {reference_label} ({reference_value:,.1f})."
    mine = np.flatnonzero(bar_codes == highlight)
    position = int(mine[0]) + 1 if len(mine) else None
    value_of = float(bar_values[mine[0]]) if len(mine) else 0.0
    selected = np.flatnonzero(codes == highlight)
    alt = _alt_text(bar_names, bar_values, names[np.isnan(values)],
                    (names[selected[0]], values[selected[0]], results[selected[0]]) if len(selected) else None,
                    indicator, period, unit, reference_label, reference_value)
    key = frame_key(tuple(bar_codes), tuple(labels), tuple(bar_values), tuple(bar_lowers), tuple(bar_uppers),
                    tuple(bar_results), reference_value, reference_label, indicator, period, unit)

    def build():  # the chart every area of the group shares: drawn only when not drawn before
        shown = pd.DataFrame({"code": bar_codes, "name": bar_names, "value": bar_values, "lower": bar_lowers,
                              "upper": bar_uppers, "comparison": bar_results,
                              "label": pd.Categorical(labels, categories=labels, ordered=True),
                              "fill": bar_results, "text_y": top * 1.04})
        return _plot(shown, reference_value, reference_label, indicator, period, unit, top, height)

    return Figure(build, caption, alt, width=TEXT_WIDTH_IN, height=height, base_key=key,
                  overlay=lambda figure: _mark(figure, position, value_of))


def _legend_columns(labels) -> int:
    """Four keys to a legend row, three when one is as long as "Higher: small in practice" (a first guess: the
    key takes fewer still where a row would be wider than its panel, bar_drawing._fitted_legend)."""
    return 3 if max(map(len, labels), default=0) > 16 else 4


def _plot(shown: pd.DataFrame, reference_value, reference_label: str, indicator: str, period: str, unit: str,
          top: float, height: float):
    """The chart shared by every area of the group (the selected area is marked by the overlay)."""
    # The key in the maps' order (better first, bins best to worst), not alphabetical.
    colours = {label: colour_for(label) for label, _ in map_legend(shown["fill"])}
    return draw_bars(shown, colours=colours, ncol=min(len(colours), _legend_columns(colours)),
                     heading=result_heading(shown["fill"], reference_label),
                     title=wrap_to_width(f"{indicator}, {period}", TEXT_WIDTH_IN - 0.3, 11, bold=True), unit=unit,
                     reference_value=reference_value, top=top, width=TEXT_WIDTH_IN, height=height,
                     # room on the left for the selected area's name, which the overlay writes in bold with a ▶
                     left_margin=0.06)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _mark(figure, position: int | None, value: float) -> list:
    """Artists that outline the selected area's bar and rewrite its name in bold with a ▶."""
    from matplotlib.artist import Artist
    from matplotlib.patches import Rectangle
    from matplotlib.text import Text

    if position is None:
        return []
    axes = figure.axes[0]
    artists: list[Artist] = [Rectangle((0, position - 0.375), value, 0.75, fill=False, edgecolor="#000000", linewidth=1.4,
                         transform=axes.transData, clip_on=False)]
    labels = area_names(axes)
    if 0 < position <= len(labels):
        label = labels[position - 1]
        from matplotlib.transforms import IdentityTransform

        # From where the plain name starts, in pixels: the bold name and its ▶ are wider, so their
        # white box covers the plain name beneath and the ▶ points at the bar.
        start = label.get_window_extent(figure.canvas.get_renderer()).x0
        y = label.get_transform().transform(label.get_position())[1]
        artists.append(Text(start, y, text=f"{label.get_text()}  \u25b6", transform=IdentityTransform(), ha="left",
                            va=label.get_verticalalignment(),
                            fontproperties=label.get_fontproperties(), fontweight="bold", color="#000000",
                            bbox={"facecolor": "#FFFFFF", "edgecolor": "none", "pad": 0.5}))
    return artists


def _alt_text(names, values, hidden, selected: tuple | None, indicator, period, unit, reference_label,
              reference_value) -> str:
    """The chart in words: the areas shown (``names`` and ``values``, lowest first), the selected area
    (its name, value and result), the reference, and the areas without a value (``hidden``)."""
    if not len(names):
        return f"Bar chart of {indicator} ({period}): no area has a value to show."
    parts = [f"Bar chart of {indicator} ({period}{', ' + unit if unit else ''}) for {len(names)} areas, "
             f"from {names[0]} ({values[0]:,.1f}, lowest) to {names[-1]} ({values[-1]:,.1f}, highest)."]
    if selected is not None:
        name, value, result = selected
        if np.isnan(value):
            parts.append(f"{name} has no value shown (suppressed or no data).")
        else:
            rank = int((values > value).sum()) + 1
            parts.append(f"{name} is {value:,.1f}, ranked {rank} of {len(names)} from the highest, "
                         f"and its result compared with {reference_label} is: {result}.")
    if reference_value is not None and not np.isnan(reference_value):
        parts.append(f"{reference_label}: {reference_value:,.1f}.")
    if len(hidden):
        parts.append(f"{len(hidden)} area(s) without a value are not shown: {', '.join(hidden)}.")
    return " ".join(parts)
