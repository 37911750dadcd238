"""Spine chart in the Fingertips layout: one bar per indicator, England at the centre.

Each bar spans the range of the areas of the same type: worst to 25th
percentile, 25th to 75th, 75th to best. Bars are oriented by polarity so
that worse is always on the left and better on the right (lowest on the left
when there is no judgement). The area's value is a marker coloured by its
comparison with England, and the value and result are also written as text
beside each bar, so colour never carries the meaning alone.

>>> import pandas as pd
>>> rows = [dict(indicator_name="Deaths", period="2023", area_code=c, area_name=c, value=v,
...              england_value=5.0, polarity="low_is_good", england_comparison=cmp)
...         for c, v, cmp in [("A", 3.0, "Better"), ("B", 5.0, "Similar"), ("C", 9.0, "Worse")]]
>>> fig = spine_chart(pd.DataFrame(rows), highlight="C", area_label="C")
>>> "1 worse" in fig.alt_text
True
>>> spine_positions(pd.Series([3.0, 5.0, 9.0]), 5.0, "low_is_good").round(3).tolist()
[0.75, 0.5, 0.0]
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from .figure import MIN_TEXT_PT, TEXT_WIDTH_IN, Figure, frame_key
from .palette import COMPARISON_COLOURS, colour_for
from .spine_drawing import draw_spine

BAND_COLOURS = {"Worst to 25th percentile": "#C9C9C9", "25th to 75th percentile": "#8B8B8B",
                "75th percentile to best": "#C9C9C9"}
BAND_NO_JUDGEMENT = ("Lowest to 25th percentile", "25th to 75th percentile", "75th percentile to highest")
LABEL_CHARS = 44  # indicator names wrap at this many characters (8pt, about 2.6 inches)
#: Right end of the x axis: the spine runs 0 to 1, then the area's value and result (two lines of
#: up to about 18 characters at 8pt) are written beside it, inside the figure.
X_LIMIT = 1.5
#: Where the area's value and result start (x), and the results a chart can write there: the bars are
#: narrowed where the widest of them would not fit beside them. Every result, not only those of the
#: areas drawn, as every area of a type shares one drawing. (A value's lines are at most
#: ``summary.VALUE_CHARS`` = 20 characters, narrower than the widest result.)
FIGURES_AT = 1.04
CHART_RESULTS = list(COMPARISON_COLOURS)
#: Height of a bar's row (room for a three-line name or three lines of figures at 8pt) and of the
#: whole figure (an A4 page's text area less its caption): :data:`MAX_INDICATORS` rows fill it.
ROW_HEIGHT_IN, MAX_HEIGHT_IN = 0.4, 9.0
MAX_INDICATORS = int((MAX_HEIGHT_IN - 1.0) / ROW_HEIGHT_IN)


def spine_positions(values: pd.Series, england: float, polarity: str, spread: float | None = None) -> pd.Series:
    """Where values sit on a spine scaled 0-1 with England at 0.5 and worse to the left.

    ``spread`` is the largest distance of any area from England (defaults to
    the one in ``values``), so the furthest area touches an end of the bar.
    """
    values = pd.Series(values, dtype=float)
    return pd.Series(_positions(values.to_numpy(), england, polarity, spread), index=values.index)


def _positions(values: np.ndarray, england: float, polarity: str, spread: float | None = None) -> np.ndarray:
    """:func:`spine_positions` of an array of floats."""
    sign = -1.0 if polarity == "low_is_good" else 1.0
    if spread is None:
        spread = float(np.nanmax(np.abs(values - england))) if (~np.isnan(values)).any() else 0.0
    if not spread or np.isnan(spread):
        return np.full(len(values), 0.5)
    return 0.5 + sign * (values - england) / (2 * spread)


def _unbroken(period: object) -> str:
    """A period label that never breaks across lines ("2021 - 23" keeps its spaces unbreakable)."""
    return str(period).replace(" ", "\u00a0")


def _bands(peers: np.ndarray, england: float, polarity: str) -> list[tuple[str, float, float]]:
    positions = _positions(peers, england, polarity)
    positions = positions[~np.isnan(positions)]
    low, q25, q75, high = np.percentile(positions, [0, 25, 75, 100])
    names = BAND_NO_JUDGEMENT if polarity not in ("low_is_good", "high_is_good") else tuple(BAND_COLOURS)
    return [(names[0], low, q25), (names[1], q25, q75), (names[2], q75, high)]


def spine_chart(frame: pd.DataFrame, *, highlight: str, area_label: str, indicator: str = "indicator_name",
                period: str = "period", value: str = "value", england: str = "england_value",
                polarity: str = "polarity", comparison: str = "england_comparison", code: str = "area_code",
                value_text: str | None = None, part: str = "", national: str = "England") -> Figure:
    """A spine chart of ``highlight`` against every area in ``frame`` (one period per indicator).

    ``frame`` holds, for each indicator, the rows of all areas of the same
    type; ``value_text`` names a column with the value as it should be printed
    (default: the value to one decimal place). The bars are the same for
    every area of the type (drawn once); the area's markers and figures are
    an overlay. ``part`` ("1 of 2") names the share of a long list this chart holds; ``national``
    what the red line is (England and Wales for a Welsh force).
    """
    indicators = list(dict.fromkeys(frame[indicator]))
    # Columns as arrays, each indicator's rows by position: a report draws a few spine charts of
    # thirty indicators, and pandas' cost per small frame was most of the chart's own time.
    at_rows = frame.groupby(indicator, sort=False).indices
    values, codes = frame[value].to_numpy(dtype=float), frame[code].to_numpy()
    periods, englands, polarities = (frame[column].to_numpy() for column in (period, england, polarity))
    results = frame[comparison].to_numpy()
    texts = frame[value_text].to_numpy() if value_text else None
    rects, points, labels = [], [], []
    for position, name in enumerate(reversed(indicators)):
        at = at_rows[name]
        first = at[0]
        labels.append({"y": position, "name": textwrap.fill(f"{name} ({_unbroken(periods[first])})", LABEL_CHARS), "text": ""})
        eng, peers = englands[first], values[at]
        known = int(np.count_nonzero(~np.isnan(peers)))
        spread = float(np.nanmax(np.abs(peers - eng))) if known and not pd.isna(eng) else np.nan
        if not pd.isna(eng) and known >= 2:
            for band, start, end in _bands(peers, eng, polarities[first]):
                rects.append({"y": position, "band": band, "xmin": start, "xmax": end})
        own = at[codes[at] == highlight]
        if not len(own):
            labels[-1]["text"] = "no data\nNot compared"
            continue
        row = own[0]
        result = "Not compared" if pd.isna(results[row]) or not results[row] else str(results[row])
        shown = (texts[row] if texts is not None else None) or (
            "no data" if np.isnan(values[row]) else f"{values[row]:,.1f}")
        labels[-1]["text"] = f"{shown}\n{result}"
        if not np.isnan(values[row]) and not np.isnan(spread):
            spot = _positions(np.array([values[row]]), eng, polarities[row], spread=spread)[0]
            points.append({"y": position, "x": spot, "result": result})
    rect_frame = pd.DataFrame(rects, columns=["y", "band", "xmin", "xmax"])
    rect_frame["ymin"], rect_frame["ymax"] = rect_frame["y"] - 0.32, rect_frame["y"] + 0.32
    label_frame = pd.DataFrame(labels, columns=["y", "name", "text"])
    point_frame = pd.DataFrame(points, columns=["y", "x", "result"])
    fills = {**BAND_COLOURS, **{b: "#C9C9C9" if i != 1 else "#8B8B8B" for i, b in enumerate(BAND_NO_JUDGEMENT)}}

    def build():  # called only when this base has not been drawn before
        return draw_spine(rect_frame, label_frame, fills, rows=len(indicators), national=national, x_limit=X_LIMIT,
                          width=TEXT_WIDTH_IN, height=figure_height, figures_at=FIGURES_AT,
                          widest_figures=CHART_RESULTS)

    caption = (f"Spine chart{f' (part {part})' if part else ''}: {area_label} (circles, coloured by the result written beside each bar) against "
               f"{national} (red line) and the range of areas of the same type (grey bars: worst to 25th "
               "percentile, 25th to 75th, 75th to best). Worse is on the left; for indicators with no "
               "judgement, lower is on the left.")
    figure_height = min(MAX_HEIGHT_IN, 1.0 + ROW_HEIGHT_IN * max(len(indicators), 3))
    key = frame_key(rect_frame, label_frame[["y", "name"]], len(indicators), national)
    return Figure(build, caption, _alt_text(point_frame, label_frame, area_label, national), width=TEXT_WIDTH_IN,
                  height=figure_height, base_key=key,
                  overlay=lambda figure: _mark(figure, point_frame, label_frame))


def _mark(figure, points: pd.DataFrame, labels: pd.DataFrame) -> list:
    """Artists for the area's circles and its figures beside the bars."""
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.text import Text

    axes = figure.axes[0]
    artists: list[Artist] = [Line2D([x], [y], marker="o", markersize=7, linestyle="none", markerfacecolor=colour_for(result),
                      markeredgecolor="#000000", markeredgewidth=0.6, transform=axes.transData)
               for x, y, result in zip(points["x"], points["y"], points["result"])]
    artists += [Text(FIGURES_AT, y, text, ha="left", va="center", fontsize=MIN_TEXT_PT, color="#0b0c0c", linespacing=1.0,
                     transform=axes.transData)
                for y, text in zip(labels["y"], labels["text"])]
    return artists


def _alt_text(points: pd.DataFrame, labels: pd.DataFrame, area_label: str, national: str = "England") -> str:
    results = labels["text"].str.split("\n").str[-1]
    counts = results.str.lower().str.replace(r" \(99\.8%\)", "", regex=True).value_counts()
    summary = ", ".join(f"{n} {word}" for word, n in counts.items())
    worse = [name.replace("\n", " ").replace("\u00a0", " ") for name, r in zip(labels["name"], results)
             if r.startswith("Worse")]
    text = (f"Spine chart of {len(labels)} indicators for {area_label} compared with {national}: {summary}. "
            f"{len(points)} indicators have a value plotted against the range of similar areas.")
    if worse:
        text += f" Significantly worse than {national}: " + "; ".join(worse) + "."
    return text
