"""Choropleth maps: each area coloured by its comparison with England, as Fingertips colours its maps.

Areas are named on the map (with their value) wherever the name fits, the
legend lists every comparison result shown with how many areas have it, and a
scale bar and north arrow sit beside the legend. The selected area is outlined.
The alt text lists the areas under each result, so the map never relies on
colour alone. Boundaries are drawn in dark grey, so neighbours meet without
white seams.

>>> import geopandas as gpd, pandas as pd
>>> from shapely.geometry import box
>>> shapes = gpd.GeoDataFrame({"code": ["A", "B"], "name": ["Alpha", "Beta"]},
...                           geometry=[box(0, 0, 9000, 9000), box(9000, 0, 18000, 9000)], crs="EPSG:27700")
>>> values = pd.DataFrame({"area_code": ["A", "B"], "value": [1.0, 2.0],
...                        "england_comparison": ["Better", "Worse"]})
>>> fig = choropleth(shapes, values, highlight="B", title="Rate", unit="%")
>>> print(fig.alt_text)
Map of Rate (%): 2 areas coloured by their comparison with England. Better: Alpha (1.0). Worse: Beta (2.0). Beta is outlined.
>>> map_legend(pd.Series(["Worse", "Similar", "Worse", None]))
[('Similar', 1), ('Worse', 2), ('No data', 1)]
>>> [label for label, _ in map_legend(pd.Series(["Worst quintile", "Middle quintile", "Best quintile", "Worse quintile"]))]
['Best quintile', 'Middle quintile', 'Worse quintile', 'Worst quintile']
"""

from __future__ import annotations

import math

import pandas as pd

from .figure import MIN_TEXT_PT, TEXT_WIDTH_IN, Figure, frame_key, wrap_to_width
from .palette import colour_for, result_heading, result_phrase

NO_DATA = "No data"
#: Legend order: better results first, as in Fingertips' map keys; bins from best to worst, or from lowest
#: to highest, in the words of assessment.stats.compare (one map has one set, so "Middle" sits in both).
RESULT_ORDER = ["Better (99.8%)", "Better", "Similar", "Higher: small in practice", "Lower: small in practice",
                "Worse", "Worse (99.8%)", "Higher", "Lower",
                *(f"{word} {kind}" for kind in ("quintile", "quartile")
                  for word in ("Best", "Better", "Lowest", "2nd lowest", "Middle", "2nd highest", "Highest",
                               "Worse", "Worst")),
                "Not compared", NO_DATA]
EDGE = "#505a5f"
LEGEND_WIDTH_IN = 2.1
MAX_MAP_HEIGHT_IN = 5.0
TITLE_PT, LEGEND_TITLE_PT = 11.0, 9.0
#: Leader lines only on maps of a few areas (a force's or a county's councils): on a region's map of
#: dozens of small boroughs they would cross one another.
MAX_LEADER_AREAS = 16


def map_legend(results: pd.Series) -> list[tuple[str, int]]:
    """The results shown on a map in legend order, each with its number of areas."""
    counts = results.fillna(NO_DATA).replace("", NO_DATA).value_counts()
    rank = {label: n for n, label in enumerate(RESULT_ORDER)}
    labels = sorted(counts.index, key=lambda label: (rank.get(label, len(RESULT_ORDER) - 2), label))
    return [(label, int(counts[label])) for label in labels]


def choropleth(shapes, values: pd.DataFrame, *, highlight: str | None, title: str, unit: str = "",
               code: str = "area_code", value: str = "value", comparison: str = "england_comparison",
               comparator: str = "England") -> Figure:
    """Colour ``shapes`` (GeoDataFrame: code, name, geometry in metres) by ``values``' comparison column."""
    columns = {code: "code", value: "value"}
    if comparison in values.columns:
        columns[comparison] = "result"
    joined = values[list(columns)].rename(columns=columns).drop_duplicates("code")
    data = shapes.merge(joined, on="code", how="left")
    if "result" not in data.columns:
        data["result"] = None
    # No value: "No data" (suppressed or not published); a value without a result: "Not compared".
    data["result"] = data["result"].where(data["result"].notna() & (data["result"] != ""), "Not compared")
    data["result"] = data["result"].where(data["value"].notna(), NO_DATA)
    legend = map_legend(data["result"])
    heading = f"{title} ({unit})" if unit else title
    selected = data[data["code"] == highlight]
    width, height, layout = _layout(data.total_bounds, heading)

    def build():  # called only when this base has not been drawn before
        return _draw(data, legend, heading, comparator, width, height, layout)

    caption = (f"{title}. Areas are coloured by {result_phrase(data['result'], comparator)}"
               + ("; the selected area is outlined" if not selected.empty else "")
               + ". Contains OS data © Crown copyright and database right.")
    key = frame_key(data[["code", "name", "value", "result"]], heading, comparator, tuple(data.total_bounds))
    return Figure(build, caption, _alt_text(data, selected, heading, comparator), width=width, height=height,
                  base_key=key, overlay=lambda figure: _outline(figure, selected.geometry))


def _layout(bounds, heading: str) -> tuple[float, float, dict]:
    """Figure size and the map's box (inches) for the areas' extent: no empty frame around the map."""
    x0, y0, x1, y1 = bounds
    span_x, span_y = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    title = wrap_to_width(heading, TEXT_WIDTH_IN - 0.2, TITLE_PT, bold=True)
    title_in = 0.25 + 0.21 * (title.count("\n") + 1)
    map_w = TEXT_WIDTH_IN - LEGEND_WIDTH_IN - 0.25
    map_h = map_w * span_y / span_x
    if map_h > MAX_MAP_HEIGHT_IN:  # a tall area: a narrower map
        map_w, map_h = map_w * MAX_MAP_HEIGHT_IN / map_h, MAX_MAP_HEIGHT_IN
    map_h = max(map_h, 2.4)
    height = title_in + map_h + 0.2
    return TEXT_WIDTH_IN, height, {"title": title, "title_in": title_in, "map_w": map_w, "map_h": map_h}


def _limits(bounds, map_w: float, map_h: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits around the areas (a little margin) with equal scale on both axes."""
    x0, y0, x1, y1 = bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    per_inch = max((x1 - x0) / map_w, (y1 - y0) / map_h) * 1.04
    return (cx - per_inch * map_w / 2, cx + per_inch * map_w / 2), (cy - per_inch * map_h / 2, cy + per_inch * map_h / 2)


def _draw(data, legend, heading: str, comparator: str, width: float, height: float, layout: dict):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.patches import Patch

    figure = MplFigure(figsize=(width, height))
    FigureCanvasAgg(figure)
    map_w, map_h = layout["map_w"], layout["map_h"]
    bottom = 0.2 / height
    axes = figure.add_axes((0.1 / width, bottom, map_w / width, map_h / height))
    axes.set_axis_off()
    xlim, ylim = _limits(data.total_bounds, map_w, map_h)
    axes.set_xlim(*xlim)
    axes.set_ylim(*ylim)
    fills = [("#FFFFFF" if r == NO_DATA else colour_for(r)) for r in data["result"]]
    data.plot(ax=axes, color=fills, edgecolor=EDGE, linewidth=0.5)
    nodata = data[data["result"] == NO_DATA]
    if len(nodata):
        nodata.plot(ax=axes, facecolor="#FFFFFF", edgecolor=EDGE, linewidth=0.5, hatch="////")
    axes.set_xlabel("")  # geopandas names the grid's axes, which the map does not show
    axes.set_ylabel("")
    axes.set_aspect("equal", adjustable="datalim")
    axes.set_xlim(*xlim)
    axes.set_ylim(*ylim)
    figure.text(0.1 / width, 1 - 0.15 / height, layout["title"], ha="left", va="top", fontsize=TITLE_PT,
                fontweight="bold", color="#0b0c0c")
    _label_areas(figure, axes, data)

    handles = [Patch(facecolor="#FFFFFF" if label == NO_DATA else colour_for(label), edgecolor=EDGE,
                     hatch="////" if label == NO_DATA else None, label=f"{label}: {count} {'area' if count == 1 else 'areas'}")
               for label, count in legend]
    legend_left = (0.1 + map_w + 0.2) / width
    top = 1 - layout["title_in"] / height
    figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(legend_left, top), frameon=False,
                  fontsize=MIN_TEXT_PT, title=wrap_to_width(result_heading(data["result"], comparator), LEGEND_WIDTH_IN - 0.1,
                                                            LEGEND_TITLE_PT, bold=True),
                  title_fontproperties={"size": LEGEND_TITLE_PT, "weight": "bold"}, alignment="left",
                  handlelength=1.6, handleheight=1.1)
    _scale_and_north(figure, axes, legend_left, bottom, xlim, map_w)
    return figure


def _label_areas(figure, axes, data) -> None:
    """Each area's name and value at a point inside it, largest areas first.

    A label that does not fit on one line is tried with the name broken over
    two; one that would cross the map's edge is moved back inside. A label that
    would still collide with one already placed (a small borough among larger
    ones) is set beside its area on a map of a few areas, joined to it by a thin
    leader line, at the first of a ring of nearby places that is free; otherwise
    it is left out (every area is named in the alt text).
    """
    renderer = figure.canvas.get_renderer()
    inside = axes.get_window_extent(renderer)
    placed: list = []
    order = data.assign(_area=data.geometry.area).sort_values("_area", ascending=False)
    for _, row in order.iterrows():
        point = row.geometry.representative_point()
        value = "" if pd.isna(row["value"]) else f"\n{row['value']:,.1f}"
        labels = [label + value for label in dict.fromkeys([str(row["name"]), _two_lines(str(row["name"]))])]
        if any(_place(axes, renderer, inside, placed, (point.x, point.y), label, shift=True) for label in labels):
            continue
        if len(data) <= MAX_LEADER_AREAS:
            _place_beside(figure, axes, renderer, inside, placed, (point.x, point.y), labels[-1])


def _place(axes, renderer, inside, placed: list, at: tuple[float, float], label: str, *, ha: str = "center",
           shift: bool = False):
    """Put ``label`` at ``at`` (data units) if it fits in the map and meets no placed label; the text or None."""
    import matplotlib.patheffects as effects

    text = axes.text(*at, label, ha=ha, va="center", fontsize=MIN_TEXT_PT, color="#0b0c0c", linespacing=1.1,
                     zorder=4, path_effects=[effects.withStroke(linewidth=2.5, foreground="#FFFFFF")])
    box = text.get_window_extent(renderer).expanded(1.04, 1.08)
    move = max(inside.x0 - box.x0, 0) - max(box.x1 - inside.x1, 0) if shift else 0
    if move and abs(move) < box.width / 2:
        box = box.translated(move, 0)
        centre = axes.transData.inverted().transform(((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2))
        text.set_x(centre[0])
    fits = box.x0 >= inside.x0 and box.x1 <= inside.x1 and box.y0 >= inside.y0 and box.y1 <= inside.y1
    if fits and not any(box.overlaps(other) for other in placed):
        placed.append(box)
        return text
    text.remove()
    return None


def _place_beside(figure, axes, renderer, inside, placed: list, at: tuple[float, float], label: str) -> bool:
    """``label`` on a ring around ``at`` (west, east, north, south, then the diagonals), with a leader line."""
    from matplotlib.lines import Line2D

    px, py = axes.transData.transform(at)
    to_data = axes.transData.inverted()
    for radius in (0.35, 0.6, 0.85, 1.1, 1.4):  # inches from the area's point
        for angle in (180, 0, 90, 270, 135, 45, 225, 315):
            dx, dy = (radius * figure.dpi * f(math.radians(angle)) for f in (math.cos, math.sin))
            x, y = to_data.transform((px + dx, py + dy))
            ha = "right" if dx < -1 else "left" if dx > 1 else "center"
            if _place(axes, renderer, inside, placed, (x, y), label, ha=ha) is not None:
                axes.add_line(Line2D([at[0], x], [at[1], y], color="#0b0c0c", linewidth=0.7, zorder=3.5))
                return True
    return False


def _two_lines(name: str) -> str:
    """A name broken at the space nearest its middle ("Kingsbridge Water" -> two lines)."""
    spaces = [i for i, c in enumerate(name) if c == " "]
    if not spaces:
        return name
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return name[:cut] + "\n" + name[cut + 1:]


def _nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 times a power of ten not above ``metres``."""
    power = 10 ** math.floor(math.log10(metres))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def _scale_and_north(figure, axes, left: float, bottom: float, xlim, map_w: float) -> None:
    """A scale bar (kilometres) and a north arrow in the legend column, below the key."""
    from matplotlib.lines import Line2D

    width_in = figure.get_figwidth()
    metres_per_inch = (xlim[1] - xlim[0]) / map_w
    length = _nice_length(metres_per_inch * 1.5)
    bar = length / metres_per_inch / width_in  # figure fraction
    y = bottom + 0.12 / figure.get_figheight()
    tick = 0.05 / figure.get_figheight()
    for xs, ys in (((left, left + bar), (y, y)), ((left, left), (y, y + tick)), ((left + bar, left + bar), (y, y + tick))):
        figure.add_artist(Line2D(xs, ys, color="#0b0c0c", linewidth=1.5, transform=figure.transFigure))
    figure.text(left + bar / 2, y + tick * 1.4, f"{length / 1000:g} km", ha="center", va="bottom",
                fontsize=MIN_TEXT_PT, color="#0b0c0c")
    arrow_y = y + 0.45 / figure.get_figheight()
    figure.text(left + 0.08 / width_in, arrow_y + 0.32 / figure.get_figheight(), "N", ha="center", va="bottom",
                fontsize=9, fontweight="bold", color="#0b0c0c")
    figure.add_artist(_arrow(figure, left + 0.08 / width_in, arrow_y, 0.3 / figure.get_figheight()))


def _arrow(figure, x: float, y: float, length: float):
    from matplotlib.patches import FancyArrow

    return FancyArrow(x, y, 0, length, width=0.012, head_width=0.035, head_length=length * 0.4,
                      length_includes_head=True, color="#0b0c0c", transform=figure.transFigure)


def _outline(figure, geometries) -> list:
    """Artists outlining the selected area on the drawn map, then the labels the outline crosses, above it.

    The outline is drawn over the finished map, so a label inside a small area (Blackpool) would sit
    under the line: each label whose box meets the outline's box is drawn again on top.
    """
    from matplotlib.lines import Line2D
    from matplotlib.transforms import Bbox

    axes = figure.axes[0]
    lines = []
    for geometry in geometries:
        for polygon in getattr(geometry, "geoms", [geometry]):
            if polygon.is_empty or not hasattr(polygon, "exterior"):
                continue
            x, y = polygon.exterior.xy
            lines.append(Line2D(x, y, color="#000000", linewidth=2.0, transform=axes.transData))
    if not lines:
        return lines
    renderer = figure.canvas.get_renderer()
    outline = Bbox.union([line.get_window_extent(renderer) for line in lines])
    return lines + [_copy_label(text) for text in axes.texts if text.get_window_extent(renderer).overlaps(outline)]


def _copy_label(text):
    """A new Text like ``text`` (same place, words, size and white halo), not added to any figure."""
    from matplotlib.text import Text

    return Text(*text.get_position(), text.get_text(), ha=text.get_horizontalalignment(),
                va=text.get_verticalalignment(), fontsize=text.get_fontsize(), color=text.get_color(),
                linespacing=text.get_linespacing() if hasattr(text, "get_linespacing") else 1.1,
                path_effects=text.get_path_effects(), transform=text.get_transform())


def _alt_text(data, selected, heading: str, comparator: str) -> str:
    parts = [f"Map of {heading}: {len(data)} areas coloured by {result_phrase(data['result'], comparator)}."]
    for label, _ in map_legend(data["result"]):
        rows = data[data["result"] == label].sort_values("name")
        names = ", ".join(f"{n} ({v:,.1f})" if not pd.isna(v) else n for n, v in zip(rows["name"], rows["value"]))
        parts.append(f"{label}: {names}.")
    if not selected.empty:
        parts.append(f"{selected['name'].iloc[0]} is outlined.")
    return " ".join(parts)

