"""Population and geography: the area's population and age profile, its districts and parents, boundaries that do not line up, the map."""

from __future__ import annotations

import pandas as pd

from ...charts import choropleth
from ...core.levels import DISTRICT_LEVEL, ENGLAND_NAME, LEVELS, district_columns, parent_levels
from ...sources.ons_population import INDICATOR_ID as POPULATION_ID
from ...core.safe_text import md, thousands
from ..context import ReportContext
from ..document import Document, Paragraph, Table
from ..councils_inside import _listed
from ..population import population_profile
from ..markdown_tables import pipe_table

SECTION_TITLE = "Population and geography"


def geography_section(report: ReportContext) -> Document:
    """Population, constituent districts, parents, and where boundaries are not coterminous."""
    data = report.data
    geo, area = data.geography, data.area
    population = data.population()
    # The year goes with the figure: the age profile below may come from an older estimate.
    pop_text = (f"an estimated {thousands(population)} residents (mid-{md(latest_population_period(report))})"
                if population else "no population estimate in the bundle")
    parts = [f"{md(area.name)} is a {md(data.kind)} with {pop_text}."]
    parents = geo.parents(area.code)
    named = [f"{level.as_parent} {md(geo.resolve(parents[level.key]).name)}" for level in parent_levels()
             if parents.get(level.key) and parents[level.key] != area.code]
    if named:
        parts.append("It lies within the " + ", the ".join(named) + ".")
    lads = geo.constituent_lads(area.code)
    text = Paragraph(" ".join(parts), title=SECTION_TITLE,
                     rows=population_rows(report, [area.code, *(lads if len(lads) > 1 else [])]))
    out = Document([text])
    if len(lads) > 1:
        out.add(_districts_table(report, lads))
    out.add(Paragraph(coterminosity_note(report)))
    return out.add(population_profile(report, SECTION_TITLE))


def latest_population_period(report: ReportContext) -> str:
    """The period (a year) of the area's latest population estimate, the one ``data.population()`` gives."""
    rows = report.data.tables.indicator(POPULATION_ID)
    rows = rows[(rows["area_code"] == report.data.area.code) & rows["value"].notna()]
    return str(rows.sort_values("period_end")["period"].iloc[-1])


def population_rows(report: ReportContext, codes: list[str]) -> pd.DataFrame:
    """The latest population estimate of each of ``codes`` that this section prints (for the appendix and sources)."""
    rows = report.data.tables.indicator(POPULATION_ID)
    rows = rows[rows["area_code"].isin(codes) & rows["value"].notna()].sort_values("period_end")
    return rows.groupby("area_code").tail(1)


def _districts_table(report: ReportContext, lads: list[str]) -> Table:
    """Each district of the area with the areas it lies in (the levels marked district_column) and population."""
    data = report.data
    lookup = data.geography.lads.set_index("lad_code")
    levels = district_columns()
    rows = []
    for code in lads:
        info = lookup.loc[code]
        pop = data.population(code)
        rows.append([info[DISTRICT_LEVEL.lookup_columns.name], code,
                     *[info[level.lookup_columns.name] for level in levels], thousands(pop) if pop else "no data"])
    headers = ["District", "Code", *[level.as_parent.capitalize() for level in levels], "Population"]
    return Table(pipe_table(headers, rows, align="ll" + "l" * len(levels) + "r"))


def coterminosity_note(report: ReportContext) -> str:
    """Say plainly where local authority and police boundaries do not line up."""
    data = report.data
    lads, area = data.geography.lads, data.area
    if area.area_type == "pfa":
        inside = lads[lads["pfa_code"] == area.code]
        utlas = inside.drop_duplicates("utla_code")
        split = [u for u in utlas["utla_code"] if lads.loc[lads["utla_code"] == u, "pfa_code"].nunique() > 1]
        names = ", ".join(md(n) for n in utlas["utla_name"])
        note = (f"The force area covers {len(inside)} districts in {len(utlas)} upper-tier "
                f"authorities ({names}). Police force figures here are built by adding up district "
                "counts and denominators, never by averaging rates.")
        if split:
            note += (" These upper-tier authorities are split between forces, so their figures "
                     "cannot be read across directly: " + ", ".join(
                         md(lads.loc[lads['utla_code'] == u, 'utla_name'].iloc[0]) for u in split) + ".")
        return note + "\n"
    mine = lads[lads["lad_code"].isin(data.geography.constituent_lads(area.code))]
    forces = mine.drop_duplicates("pfa_code")
    if len(forces) > 1:
        return ("Its districts are policed by more than one force (" +
                ", ".join(md(n) for n in forces["pfa_name"]) + "), so police data for the area "
                "must be assembled district by district.\n")
    if len(forces) == 1:
        force_lads = lads[lads["pfa_code"] == forces["pfa_code"].iloc[0]]
        if len(force_lads) > len(mine):
            # Name the force as a force and the councils outside: "Lancashire also polices areas outside
            # Lancashire" read as a contradiction in the county's report.
            others = force_lads[~force_lads["lad_code"].isin(mine["lad_code"])].drop_duplicates("utla_code")
            return (f"The {md(forces['pfa_name'].iloc[0])} police force area also covers "
                    f"{_listed(sorted(md(n) for n in others['utla_name']))}, outside {md(data.display_name())}, "
                    "so force-wide figures describe a larger population.\n")
        return f"The area is coterminous with {md(forces['pfa_name'].iloc[0])}.\n"
    return ""


def area_map(report: ReportContext) -> Document:
    """The area within its region (or a force's districts), shaded by a headline indicator."""
    data = report.data
    geo, area = data.geography, data.area
    level, codes, container = geo.map_areas(area.code)
    rule = LEVELS[geo.peer_level(area)].map
    if rule == "districts":
        where, highlight = f"districts of {area.name}", None
    else:
        where = f"{geo.resolve(container).name} {LEVELS[rule].label}" if container else ENGLAND_NAME
        highlight = area.code
    shapes = data.bundle.boundaries(level)
    shapes = shapes[shapes["code"].isin(codes)]
    shaded = data.map_indicator(codes)
    if shaded is None:
        return Document()
    row, values = shaded
    if shapes.empty:  # a bundle built from boundary files of England only has no Welsh councils
        return Document([Paragraph(f"No map: the bundle's boundary files do not include the {md(where)}.\n")])
    figure = choropleth(shapes, values, highlight=highlight, comparator=data.national_name,
                        title=f"{row['indicator_name']}, {row['period']}: {where}", unit=row.get("unit") or "")
    return Document([report.figures.block(figure, f"map-{row['indicator_id']}", title="Figure: map",
                                          rows=values[values["area_code"].isin(shapes["code"])])])
