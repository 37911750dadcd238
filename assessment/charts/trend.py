"""Trend chart: an area's value over time with 95% intervals, England for reference, and the trend in words.

>>> import pandas as pd
>>> area = pd.DataFrame({"period": ["2019", "2020", "2021"], "value": [1.0, 2.0, 3.0],
...                      "lower_ci_95": [0.5, 1.5, 2.5], "upper_ci_95": [1.5, 2.5, 3.5]})
>>> fig = trend_chart(area, None, area_name="Leeds", indicator="Rate", trend="Increasing", unit="%")
>>> fig.alt_text.startswith("Line chart of Rate for Leeds from 2019 to 2021")
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure as MplFigure
from matplotlib.transforms import ScaledTranslation

from .figure import TEXT_WIDTH_IN, Figure, wrap_to_width

AREA_COLOUR, ENGLAND_COLOUR = "#08519C", "#0b0c0c"
HEIGHT_IN = 3.6


def trend_chart(area: pd.DataFrame, england: pd.DataFrame | None, *, area_name: str, indicator: str,
                trend: str, unit: str = "", period: str = "period", value: str = "value",
                lower: str = "lower_ci_95", upper: str = "upper_ci_95", national: str = "England") -> Figure:
    """Points and intervals for the area, a dashed line for ``national`` (England; England and Wales for a
    Welsh force), periods in their published order.

    Drawn with matplotlib directly: each area has its own series, so nothing
    is shared between areas and a plotnine build would be pure overhead in a
    national batch. The look follows the plotnine charts (minimal theme).
    """
    series = [area.assign(series=area_name)]
    if england is not None and not england.empty:
        series.append(england.assign(series=national))
    data = pd.concat(series, ignore_index=True)[[period, value, lower, upper, "series"]]
    data.columns = ["period", "value", "lower", "upper", "series"]
    order = list(dict.fromkeys(area[period]))
    data = data[data["period"].isin(order)]
    figure = _draw(data, order, area_name, indicator, trend, unit, national)
    shown = data[(data["series"] == area_name) & data["value"].notna()]
    first, last = order[0], order[-1]
    if shown.empty:
        alt = f"Line chart of {indicator} for {area_name}: no values to show."
    else:
        alt = (f"Line chart of {indicator} for {area_name} from {first} to {last}"
               f"{' (' + unit + ')' if unit else ''}: {shown['value'].iloc[0]:,.1f} in {shown['period'].iloc[0]} "
               f"and {shown['value'].iloc[-1]:,.1f} in {shown['period'].iloc[-1]}. Recent trend: {trend}.")
        missing = len(order) - len(shown)
        if missing:
            alt += f" {missing} period(s) have no value (suppressed or not published)."
        if england is not None and not england.empty:
            alt += f" The dashed line shows {national}."
    intervals = bool((shown["lower"].notna() & shown["upper"].notna()).any())
    caption = f"{indicator} in {area_name}, {first} to {last}" + (", with 95% confidence intervals." if intervals else ".")
    return Figure(figure, caption, alt, width=TEXT_WIDTH_IN, height=HEIGHT_IN)


def _draw(data: pd.DataFrame, order: list[str], area_name: str, indicator: str, trend: str, unit: str,
          national: str = "England"):
    figure = MplFigure(figsize=(TEXT_WIDTH_IN, HEIGHT_IN))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    position = {label: i for i, label in enumerate(order)}
    for name, colour, style in ((area_name, AREA_COLOUR, "-"), (national, ENGLAND_COLOUR, "--")):
        rows = data[(data["series"] == name) & data["value"].notna()]
        if rows.empty:
            continue
        x = rows["period"].map(position).to_numpy()
        y = rows["value"].to_numpy(dtype=float)
        low = np.clip(y - rows["lower"].to_numpy(dtype=float), 0, None)
        high = np.clip(rows["upper"].to_numpy(dtype=float) - y, 0, None)
        has_ci = ~(np.isnan(low) | np.isnan(high))
        axes.plot(x, y, style, color=colour, marker="o", markersize=4, linewidth=1.2, label=name)
        if has_ci.any():
            axes.errorbar(x[has_ci], y[has_ci], yerr=[low[has_ci], high[has_ci]], fmt="none", ecolor=colour,
                          elinewidth=0.9, capsize=3)
    _periods(axes, order)
    axes.tick_params(axis="y", labelsize=8, length=0)
    axes.set_ylabel(unit, fontsize=9)
    axes.grid(axis="y", color="#EBEBEB", linewidth=0.8)
    axes.set_axisbelow(True)
    for spine in axes.spines.values():
        spine.set_visible(False)
    # Where set_title(loc="left") puts it (6pt above the panel), without the title's search for room
    # above the tick labels at every draw: there are none above the panel.
    above = axes.transAxes + ScaledTranslation(0, 6 / 72, figure.dpi_scale_trans)
    axes.text(0, 1, f"Recent trend: {trend}", transform=above, ha="left", va="baseline", fontsize=9)
    title = wrap_to_width(f"{indicator}: {area_name}", TEXT_WIDTH_IN * 0.87, 11, bold=True)
    figure.suptitle(title, x=0.11, y=0.98, ha="left", va="top", fontsize=11, fontweight="bold")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.24), ncol=2, frameon=False, fontsize=8)
    figure.subplots_adjust(left=0.11, right=0.97, top=0.84 - 0.05 * title.count("\n"), bottom=0.25)
    return figure


def _periods(axes, order: list[str]) -> None:
    """Each period's name under the panel, turned 30 degrees, and its grid line: as x ticks would draw them.

    Texts and lines rather than matplotlib ticks, which are several artists each, set up one by one
    (the chart draws no tick marks): about a tenth of the chart's time.
    """
    axes.set_xticks([])
    # As ticks at 0 .. n - 1 would: the data's limits (with their margins) widened to every period.
    low, high = axes.get_xlim()
    axes.set_xlim(min(low, 0), max(high, len(order) - 1))
    axes.add_collection(LineCollection([((x, 0), (x, 1)) for x in range(len(order))], colors="#EBEBEB",
                                       linewidths=0.8, transform=axes.get_xaxis_transform(), zorder=0.5))
    transform, va, _ = axes.get_xaxis_text1_transform(matplotlib.rcParams["xtick.major.pad"])
    for x, label in enumerate(order):
        axes.text(x, 0, label, transform=transform, ha="right", va=va, rotation=30, fontsize=8, clip_on=False)
