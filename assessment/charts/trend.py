"""Trend chart: an area's value over time with 95% intervals, England for reference, and the trend in words.

>>> import pandas as pd
>>> area = pd.DataFrame({"period": ["2019", "2020", "2021"], "value": [1.0, 2.0, 3.0],
...                      "lower_ci_95": [0.5, 1.5, 2.5], "upper_ci_95": [1.5, 2.5, 3.5]})
>>> fig = trend_chart(area, None, area_name="Leeds", indicator="Rate", trend="Increasing", unit="%")
>>> fig.alt_text.startswith("Line chart of Rate for Leeds from 2019 to 2021")
True
"""

from __future__ import annotations

import textwrap

import pandas as pd
from plotnine import (aes, element_text, geom_errorbar, geom_line, geom_point, ggplot, labs,
                      scale_color_manual, scale_linetype_manual, theme, theme_minimal)

from .figure import Figure


def trend_chart(area: pd.DataFrame, england: pd.DataFrame | None, *, area_name: str, indicator: str,
                trend: str, unit: str = "", period: str = "period", value: str = "value",
                lower: str = "lower_ci_95", upper: str = "upper_ci_95") -> Figure:
    """Points and intervals for the area, a dashed England line, periods in their published order."""
    series = [area.assign(series=area_name)]
    if england is not None and not england.empty:
        series.append(england.assign(series="England"))
    data = pd.concat(series, ignore_index=True)[[period, value, lower, upper, "series"]]
    data.columns = ["period", "value", "lower", "upper", "series"]
    order = list(dict.fromkeys(area[period]))
    data = data[data["period"].isin(order)]
    data["period"] = pd.Categorical(data["period"], categories=order, ordered=True)
    colours = {area_name: "#08519C", "England": "#0b0c0c"}
    lines = {area_name: "solid", "England": "dashed"}
    plot = (
        ggplot(data.dropna(subset=["value"]), aes("period", "value", group="series", color="series"))
        + geom_line(aes(linetype="series"))
        + geom_point(size=2)
        + geom_errorbar(aes(ymin="lower", ymax="upper"), width=0.15, na_rm=True)
        + scale_color_manual(values=colours, name="")
        + scale_linetype_manual(values=lines, name="")
        + labs(x="", y=unit, title=textwrap.fill(f"{indicator}: {area_name}", 70),
               subtitle=f"Recent trend: {trend}")
        + theme_minimal(base_size=9)
        + theme(legend_position="bottom", plot_title=element_text(size=10, weight="bold"),
                axis_text_x=element_text(rotation=30, ha="right"))
    )
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
            alt += " The dashed line shows England."
    caption = f"{indicator} in {area_name}, {first} to {last}, with 95% confidence intervals."
    return Figure(plot, caption, alt, width=7.0, height=3.6)
