"""Age profile: each age band's share of the population, for the area beside England.

>>> import pandas as pd
>>> rows = pd.DataFrame({"series": ["Leeds", "Leeds", "England", "England"], "age": ["0-17 yrs", "65+ yrs"] * 2,
...                      "share": [21.0, 15.5, 20.8, 18.7]})
>>> fig = age_profile(rows, area_name="Leeds", period="2020")
>>> fig.alt_text
'Bar chart of the share of residents in each age band, Leeds beside England, mid-2020: 0-17 yrs 21.0% (England 20.8%); 65+ yrs 15.5% (England 18.7%).'
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure

from .figure import TEXT_WIDTH_IN, Figure, wrap_to_width

AREA_COLOUR, ENGLAND_COLOUR = "#08519C", "#A6A6A6"
HEIGHT_IN = 3.2


def age_profile(frame: pd.DataFrame, *, area_name: str, period: str, series: str = "series", band: str = "age",
                share: str = "share", reference: str = "England") -> Figure:
    """Horizontal bars of each band's share (%), the area's and the reference's side by side, bands in frame order."""
    bands = list(dict.fromkeys(frame[band]))
    values = {name: frame[frame[series] == name].set_index(band)[share].reindex(bands)
              for name in (area_name, reference)}
    figure = MplFigure(figsize=(TEXT_WIDTH_IN, HEIGHT_IN))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    y = np.arange(len(bands))[::-1]
    # Without the reference's figures (no England and Wales profile), only the area is drawn and named.
    drawn = values[reference].notna().any()
    for offset, name, colour in ((0.2, area_name, AREA_COLOUR), (-0.2, reference, ENGLAND_COLOUR))[:1 + drawn]:
        shown = values[name].to_numpy(dtype=float)
        axes.barh(y + offset, np.nan_to_num(shown), height=0.38, color=colour, label=name)
        for yy, value in zip(y + offset, shown):
            if not np.isnan(value):
                axes.text(value + 0.3, yy, f"{value:.1f}%", va="center", fontsize=7)
    top = max([float(np.nanmax(v.to_numpy(dtype=float))) for v in values.values() if v.notna().any()] + [1.0])
    axes.set_xlim(0, top * 1.15)  # room for the value labels
    axes.set_yticks(y, bands, fontsize=8)
    axes.tick_params(axis="x", labelsize=8, length=0)
    axes.tick_params(axis="y", length=0)
    axes.set_xlabel("% of residents", fontsize=9)
    axes.grid(axis="x", color="#EBEBEB", linewidth=0.8)
    axes.set_axisbelow(True)
    for spine in axes.spines.values():
        spine.set_visible(False)
    title = wrap_to_width(f"Age profile: {area_name}, mid-{period}", TEXT_WIDTH_IN * 0.87, 11, bold=True)
    figure.suptitle(title, x=0.14, y=0.98, ha="left", va="top", fontsize=11, fontweight="bold")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1 + drawn, frameon=False, fontsize=8)
    figure.subplots_adjust(left=0.14, right=0.95, top=0.86 - 0.05 * title.count("\n"), bottom=0.27)
    parts = []
    for name_band in bands:
        mine, england = values[area_name].get(name_band), values[reference].get(name_band)
        text = f"{name_band} " + ("no data" if pd.isna(mine) else f"{mine:.1f}%")
        if not pd.isna(england):
            text += f" ({reference} {england:.1f}%)"
        parts.append(text)
    beside = f" beside {reference}" if drawn else ""
    alt = (f"Bar chart of the share of residents in each age band, {area_name}{beside}, "
           f"mid-{period}: " + "; ".join(parts) + ".")
    caption = f"Share of residents by age band: {area_name}{f' and {reference}' if drawn else ''}, mid-{period}."
    return Figure(figure, caption, alt, width=TEXT_WIDTH_IN, height=HEIGHT_IN)
