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
from plotnine import (aes, coord_flip, element_blank, element_text, expand_limits, geom_col, geom_errorbar,
                      geom_hline, geom_text, ggplot, guide_legend, guides, labs, scale_fill_manual,
                      scale_x_discrete, theme, theme_minimal)

from .figure import MIN_TEXT_PT, TEXT_WIDTH_IN, Figure, frame_key, wrap_to_width
from .maps import map_legend
from .palette import colour_for, result_heading


def compare_areas(frame: pd.DataFrame, *, highlight: str, reference_value: float | None,
                  reference_label: str, indicator: str, period: str, unit: str = "",
                  value: str = "value", lower: str = "lower_ci_95", upper: str = "upper_ci_95",
                  name: str = "area_name", code: str = "area_code", comparison: str = "comparison") -> Figure:
    """Bars for each area (sorted), error bars, a reference line, and each result written beside its bar."""
    data = frame[[code, name, value, lower, upper, comparison]].copy()
    data.columns = ["code", "name", "value", "lower", "upper", "comparison"]
    data["comparison"] = data["comparison"].fillna("Not compared")
    shown = data.dropna(subset=["value"]).sort_values("value")
    hidden = data[data["value"].isna()]
    # Labels are made unique (two areas may share a name) without marking the selected area:
    # the plot is the same for every area of the group, and the mark is an overlay.
    shown["label"] = _unique(list(shown["name"]))
    order = list(shown["label"])
    shown["label"] = pd.Categorical(shown["label"], categories=order, ordered=True)
    shown["fill"] = shown["comparison"]
    top = np.nanmax(shown[["value", "upper"]].to_numpy()) if len(shown) else 1.0
    shown["text_y"] = top * 1.04
    height = min(9.0, 1.6 + 0.28 * max(len(shown), 3))
    selected = data[data["code"] == highlight]
    # Say "with 95% confidence intervals" only when the chart draws some (a score such as IMD has none).
    intervals = bool((shown["lower"].notna() & shown["upper"].notna()).any())
    caption = f"{indicator} ({period}) for {len(shown)} areas" + (", with 95% confidence intervals." if intervals else ".")
    if reference_value is not None and not np.isnan(reference_value):
        caption += f" The dashed line is {reference_label} ({reference_value:,.1f})."
    alt = _alt_text(shown, hidden, selected, indicator, period, unit, reference_label, reference_value)
    position = order.index(shown.loc[shown["code"] == highlight, "label"].iloc[0]) + 1 \
        if (shown["code"] == highlight).any() else None
    value_of = float(shown.loc[shown["code"] == highlight, "value"].iloc[0]) if position else 0.0
    key = frame_key(shown[["code", "label", "value", "lower", "upper", "comparison"]], reference_value,
                    reference_label, indicator, period, unit)
    build = lambda: _plot(shown, reference_value, reference_label, indicator, period, unit, top)  # noqa: E731
    return Figure(build, caption, alt, width=TEXT_WIDTH_IN, height=height, base_key=key,
                  overlay=lambda figure: _mark(figure, position, value_of))


def _legend_columns(labels) -> int:
    """Four keys to a legend row, three when one is as long as "Higher: small in practice" (so none is cut off)."""
    return 3 if max(map(len, labels), default=0) > 16 else 4


def _plot(shown: pd.DataFrame, reference_value, reference_label: str, indicator: str, period: str, unit: str,
          top: float):
    """The plot shared by every area of the group (the selected area is marked by the overlay)."""
    # The key in the maps' order (better first, bins best to worst), not alphabetical.
    colours = {label: colour_for(label) for label, _ in map_legend(shown["fill"])}
    # Plain object columns and one group: plotnine then draws each layer in one pass rather than
    # once per bar, which is most of the time a national batch spends drawing these charts.
    shown = shown[["label", "value", "lower", "upper", "comparison", "fill", "text_y"]].astype(
        {"comparison": object, "fill": object})
    plot = (
        ggplot(shown, aes("label", "value", fill="fill", group=1))
        + geom_col(color="#FFFFFF", width=0.75, size=0.6, show_legend=True)
        + geom_errorbar(aes(ymin="lower", ymax="upper"), width=0.3, color="#333333", na_rm=True)
        + geom_text(aes(y="text_y", label="comparison"), ha="left", size=MIN_TEXT_PT, color="#0b0c0c")
        + scale_fill_manual(values=colours, breaks=list(colours), name=result_heading(shown["fill"], reference_label))
        + coord_flip()
        + scale_x_discrete()
        + labs(x="", y=unit, title=wrap_to_width(f"{indicator}, {period}", TEXT_WIDTH_IN - 0.3, 11, bold=True))
        + theme_minimal(base_size=10)  # axis and legend text at 0.8 of this: 8pt
        # rows, not one line wider than the page, read along each row as the maps' key is
        + guides(fill=guide_legend(ncol=min(len(colours), _legend_columns(colours)), byrow=True))
        + theme(legend_position="bottom", legend_title_position="top", panel_grid_major_y=element_blank(),
                plot_title_position="plot", plot_title=element_text(size=11, weight="bold", ha="left"),
                # room on the left for the selected area's name, which the overlay writes in bold with a ▶
                plot_margin_left=0.06)
    )
    if reference_value is not None and not np.isnan(reference_value):
        plot = plot + geom_hline(yintercept=reference_value, linetype="dashed", color="#0b0c0c")
    plot = plot + expand_limits(y=top * 1.35)
    return plot


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
    labels = [t for t in axes.yaxis.get_majorticklabels() if t.get_text()]
    if 0 < position <= len(labels):
        label = labels[position - 1]
        x, y = label.get_position()
        # Right-aligned at the same point and wider, so its white box covers the plain label beneath.
        artists.append(Text(x, y, text=f"{label.get_text()}  \u25b6",
                            transform=label.get_transform(), ha=label.get_horizontalalignment(),
                            va=label.get_verticalalignment(),
                            fontproperties=label.get_fontproperties(), fontweight="bold", color="#000000",
                            bbox={"facecolor": "#FFFFFF", "edgecolor": "none", "pad": 0.5}))
    return artists


def _alt_text(shown, hidden, selected, indicator, period, unit, reference_label, reference_value) -> str:
    if shown.empty:
        return f"Bar chart of {indicator} ({period}): no area has a value to show."
    parts = [f"Bar chart of {indicator} ({period}{', ' + unit if unit else ''}) for {len(shown)} areas, "
             f"from {shown['name'].iloc[0]} ({shown['value'].iloc[0]:,.1f}, lowest) to "
             f"{shown['name'].iloc[-1]} ({shown['value'].iloc[-1]:,.1f}, highest)."]
    if not selected.empty:
        row = selected.iloc[0]
        if np.isnan(row["value"]):
            parts.append(f"{row['name']} has no value shown (suppressed or no data).")
        else:
            rank = int((shown["value"] > row["value"]).sum()) + 1
            parts.append(f"{row['name']} is {row['value']:,.1f}, ranked {rank} of {len(shown)} from the highest, "
                         f"and its result compared with {reference_label} is: {row['comparison']}.")
    if reference_value is not None and not np.isnan(reference_value):
        parts.append(f"{reference_label}: {reference_value:,.1f}.")
    if len(hidden):
        parts.append(f"{len(hidden)} area(s) without a value are not shown: {', '.join(hidden['name'])}.")
    return " ".join(parts)
