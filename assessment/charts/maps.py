"""Choropleth maps: areas shaded by their value in fifths, the selected area outlined.

Shading is by quintile of the values shown (lightest = lowest); the legend
states each band's range, and the alt text names the selected area's value and
band, so the map never relies on colour alone.

>>> import geopandas as gpd, pandas as pd
>>> from shapely.geometry import box
>>> shapes = gpd.GeoDataFrame({"code": ["A", "B"], "name": ["Alpha", "Beta"]},
...                           geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:27700")
>>> values = pd.DataFrame({"area_code": ["A", "B"], "value": [1.0, 2.0]})
>>> fig = choropleth(shapes, values, highlight="B", title="Rate", unit="%")
>>> "Beta" in fig.alt_text
True
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from plotnine import (aes, coord_fixed, element_blank, element_text, geom_map, ggplot, labs,
                      scale_fill_manual, theme, theme_void)

from .figure import Figure, frame_key
from .palette import NEUTRAL, QUINTILE_COLOURS


def _bands(values: pd.Series) -> tuple[pd.Series, list[str]]:
    valid = values.dropna()
    if valid.nunique() < 2:
        labels = [f"{valid.iloc[0]:,.1f}"] if len(valid) else []
        return values.map(lambda v: labels[0] if pd.notna(v) and labels else "No data"), labels
    edges = np.unique(np.percentile(valid, np.linspace(0, 100, 6)))
    # Close values (a force of two districts) need more decimals for each band's label to differ.
    for decimals in range(1, 7):
        labels = [f"{lo:,.{decimals}f} to {hi:,.{decimals}f}" for lo, hi in zip(edges[:-1], edges[1:])]
        if len(set(labels)) == len(labels):
            break
    banded = pd.cut(values, bins=edges, labels=labels, include_lowest=True)
    return banded.astype(object).where(banded.notna(), "No data"), labels


def choropleth(shapes, values: pd.DataFrame, *, highlight: str | None, title: str, unit: str = "",
               code: str = "area_code", value: str = "value") -> Figure:
    """Shade ``shapes`` (GeoDataFrame with code, name, geometry) by ``values`` joined on code."""
    data = shapes.merge(values[[code, value]].rename(columns={code: "code", value: "value"}),
                        on="code", how="left")
    data["band"], labels = _bands(data["value"])
    colours = {label: QUINTILE_COLOURS[min(i, len(QUINTILE_COLOURS) - 1)] for i, label in enumerate(labels)}
    colours["No data"] = NEUTRAL
    order = labels + (["No data"] if (data["band"] == "No data").any() else [])
    data["band"] = pd.Categorical(data["band"], categories=order, ordered=True)

    def build():  # called only when this base has not been drawn before
        return (
            ggplot(data)
            + geom_map(aes(fill="band"), color="#ffffff", size=0.3)
            + scale_fill_manual(values=colours, name=unit or "Value", drop=False)
            + coord_fixed()
            + labs(title=textwrap.fill(title, 60))
            + theme_void(base_size=9)
            + theme(legend_position="right", plot_title=element_text(size=10, weight="bold", ha="left"),
                    panel_background=element_blank())
        )

    selected = data[data["code"] == highlight]
    shown = data.dropna(subset=["value"]).sort_values("value")
    alt = f"Map of {title}: {len(data)} areas shaded in five bands from lowest (lightest) to highest (darkest)."
    if len(shown):
        alt += (f" Lowest {shown['name'].iloc[0]} ({shown['value'].iloc[0]:,.1f}); "
                f"highest {shown['name'].iloc[-1]} ({shown['value'].iloc[-1]:,.1f}).")
    if not selected.empty:
        row = selected.iloc[0]
        if pd.isna(row["value"]):
            alt += f" {row['name']} (outlined) has no value."
        else:
            alt += f" {row['name']} is outlined, with {row['value']:,.1f} ({row['band']})."
    missing = data[data["value"].isna()]
    if len(missing):
        alt += f" No data for {', '.join(missing['name'])}."
    caption = f"{title}. Contains OS data © Crown copyright and database right."
    key = frame_key(data[["code", "band"]], title, unit)
    return Figure(build, caption, alt, width=6.5, height=5.0, base_key=key,
                  overlay=lambda figure: _outline(figure, selected.geometry))


def _outline(figure, geometries) -> list:
    """Artists outlining the selected area on the drawn map."""
    from matplotlib.lines import Line2D

    axes = figure.axes[0]
    lines = []
    for geometry in geometries:
        for polygon in getattr(geometry, "geoms", [geometry]):
            if polygon.is_empty or not hasattr(polygon, "exterior"):
                continue
            x, y = polygon.exterior.xy
            lines.append(Line2D(x, y, color="#000000", linewidth=1.4, transform=axes.transData))
    return lines
