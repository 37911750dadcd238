"""Compared with similar areas (``kind: similar_areas``): the area against the areas most like it.

A council is compared with its statistical nearest neighbours from ONS's
*Clustering similar local authorities in the UK* (the model of
``data_sources/similar_areas.yaml``), a police force area with its most
similar forces computed from its councils (:mod:`assessment.stats.similar_forces`),
both from the bundle's similar-areas table (:mod:`assessment.bundles.similar_areas`).
For each of the area's rates, shares and scores the table gives the area's
value, its similar areas' median and range, and its rank among them (1 is the
highest value, whatever the polarity); the chart shows the area among them.
A report whose bundle has no such table, or whose area has no neighbours, says so; a
region's or England's report has no such section.
"""

from __future__ import annotations

import pandas as pd

from ...charts import compare_areas
from ...registry.all_registries import Section, registries
from ...bundles.similar_areas import COMPUTED_METHOD, COUNCIL_LEVELS, FORCE_LEVEL, UPLOADED_METHOD, load_settings
from ...core.safe_text import format_value, md
from ..section_blocks import display_value, with_chart_comparisons
from ..context import ReportContext
from ..document import Document, Figure, Heading, Paragraph, Table, bullets, records, rows_of
from ..markdown_tables import pipe_table
from ..ranks import place_text
from .summary import sub_group_ids

#: Rows compared: a count depends on the area's size, and a rank or a not-applicable polarity says nothing here.
COMPARED_TYPES = ("proportion", "crude rate", "directly standardised rate", "indirectly standardised ratio",
                  "score", "mean", "life expectancy")
#: Where the appendix lists the figures of these key messages (beside, not among, those set against England).
SUMMARY_SECTION = "Summary and key messages: compared with similar areas"
MIN_WITH_VALUE = 3  # fewer similar areas with a figure than this make no comparison


def neighbours(report: ReportContext) -> pd.DataFrame:
    """The area's similar areas in the report's geography, nearest first (empty when it has none)."""
    data = report.data
    table = data.bundle.table("similar_areas")
    if table is None:
        return pd.DataFrame(columns=["area_code", "rank", "neighbour_code", "neighbour_name", "method"])
    kind = "force" if data.area.area_type == "pfa" else "council"
    shown = load_settings().forces_shown if kind == "force" else load_settings().councils_shown
    rows = table[(table["kind"] == kind) & (table["area_code"] == data.area.code) & table["in_report"]]
    return rows.sort_values("rank").head(shown).reset_index(drop=True)


def group_name(report: ReportContext, count: int) -> str:
    """"15 most similar councils" or "7 most similar police force areas"."""
    return f"{count} most similar {'police force areas' if report.data.area.area_type == 'pfa' else 'councils'}"


def comparisons(report: ReportContext, codes: list[str]) -> pd.DataFrame:
    """One row per indicator: the area's row, the similar areas' median, lowest, highest and the area's rank.

    Worked out once a report (:meth:`AreaData.remembered`): the section's table and the key messages
    both show it. Callers must not change the frame.
    """
    return report.data.remembered(("similar areas' comparisons", tuple(codes)), lambda: _comparisons(report, codes))


def _comparisons(report: ReportContext, codes: list[str]) -> pd.DataFrame:
    data = report.data
    out = []
    sub_groups = sub_group_ids(report)  # table A3's support needs: shares of one figure, shown by council in housing
    for _, row in data.latest().iterrows():
        if row["indicator_id"] in sub_groups or row["value_type"] not in COMPARED_TYPES or pd.isna(row["value"]) or row["suppressed"]:
            continue
        frame = data.tables.same_breakdown(row)
        same = frame[(frame["category"] == row["category"]) & frame["area_code"].isin(codes)
                     & frame["value"].notna() & ~frame["suppressed"].astype(bool)]
        if len(same) < MIN_WITH_VALUE:
            continue
        values = same["value"].astype(float)
        rank = int((values > float(row["value"])).sum()) + 1
        tied = int((values == float(row["value"])).sum()) + 1  # the area itself and its equals
        out.append({"row": row, "peers": same, "median": values.median(), "low": values.min(),
                    "high": values.max(), "rank": rank, "of": len(same) + 1, "tied": tied})
    return pd.DataFrame(out)


def _value(number: float, row: pd.Series) -> str:
    return format_value(number, row["value_type"], row["multiplier"])


def _span(item: pd.Series, row: pd.Series) -> str:
    """The similar areas' lowest to highest value, in the unit of the median beside it ("1.9 to 8.0")."""
    return f"{format_value(item['low'], row['value_type'], None)} to {format_value(item['high'], row['value_type'], None)}"


def render(report: ReportContext, section: Section) -> Document:
    """Heading, who the similar areas are, the comparison table and a chart."""
    data = report.data
    if data.area.area_type not in (*COUNCIL_LEVELS, FORCE_LEVEL):
        return Document()  # a region or England has no similar areas: the section is left out
    out = Document([Heading(md(section.title), level=2), Paragraph(f"{md(section.intro)}\n")])
    near = neighbours(report)
    if near.empty:
        return out.add(Paragraph(no_neighbours(report)))
    names = ", ".join(md(n) for n in near["neighbour_name"])
    group = group_name(report, len(near))
    if near["method"].iloc[0] == UPLOADED_METHOD:
        files = ", ".join(md(f) for f in data.bundle.meta.get("similar_areas", {}).get("uploaded", []))
        out.add(Paragraph(f"The {group} to {md(data.display_name())} in HMICFRS's most similar group, from the "
                          f"local upload ({files}), most similar first: {names}.\n"))
    elif near["method"].iloc[0] == COMPUTED_METHOD:
        out.add(Paragraph(f"The {group} to {md(data.display_name())}, worked out from their councils by the method "
                          f"of ONS's statistical nearest neighbours (see Methods), nearest first: {names}.\n"))
    else:
        meta = data.bundle.meta.get("similar_areas", {})
        out.add(Paragraph(f"The {group} to {md(data.display_name())} in ONS's statistical nearest neighbours "
                          f"({md(meta.get('model', ''))} model, table {md(meta.get('table', ''))}), nearest first: "
                          f"{names}.\n"))
    found = comparisons(report, list(near["neighbour_code"]))
    if found.empty:
        return out.add(Paragraph(f"None of {md(data.display_name())}'s figures is published for enough of them to "
                                 "compare.\n"))
    used_in = section.title
    body, shown = [], []
    for _, item in found.iterrows():
        row = item["row"]
        shown.extend([row.to_dict(), *records(item["peers"])])
        body.append([row["indicator_name"], row["period"], display_value(row), _value(item["median"], row),
                     _span(item, row), place_text(item["rank"], item["of"], item["tied"])])
    caption = (f"{data.display_name()} and its {group}: their median and range, and its rank among them with its "
               "own value (1 = highest value, whatever the polarity).")
    out.add(Table(pipe_table(["Indicator", "Period", data.area.name, "Median of similar areas", "Range",
                              "Rank (1 = highest)"], body, align="llrrrr", caption=caption),
                  title=used_in, rows=pd.DataFrame(shown)))
    return out.add(chart(report, by_importance(report, found).iloc[0], group, used_in))


def by_importance(report: ReportContext, found: pd.DataFrame) -> pd.DataFrame:
    """The comparisons with the key messages' core measures first (data_sources/key_messages.yaml), in their order."""
    keys = [key for measure in registries().core_measures for key in measure.indicators]
    position = found["row"].map(lambda row: report.data.indicator_info(row["indicator_id"]).get("key"))
    order = position.map(lambda key: keys.index(key) if key in keys else len(keys))
    return found.assign(_order=order).sort_values("_order", kind="stable").drop(columns="_order")


def key_messages(report: ReportContext) -> Document:
    """Bullets for the figures that are the highest or lowest among the area's similar areas (empty for none)."""
    settings = load_settings()
    near = neighbours(report)
    if near.empty or not settings.key_message or not settings.key_messages_shown:
        return Document()
    found = comparisons(report, list(near["neighbour_code"]))
    if found.empty:
        return Document()
    extremes = by_importance(report, found[(found["rank"] == 1) | (found["rank"] == found["of"])])
    lines, shown = [], []
    for _, item in extremes.head(settings.key_messages_shown).iterrows():
        row = item["row"]
        shown.append(row)
        text = settings.key_message.format(
            area=report.data.display_name(), extreme="highest" if item["rank"] == 1 else "lowest",
            indicator=str(row["indicator_name"]).lower() if str(row["indicator_name"])[1:2].islower() else row["indicator_name"],
            value=display_value(row), period=row["period"], group=group_name(report, len(near)),
            median=_value(item["median"], row))
        lines.append(md(text))
    if not lines:
        return Document()
    return Document([Paragraph("Compared with the areas most like it:"),
                     bullets(lines, title=SUMMARY_SECTION, rows=rows_of(shown))])


def no_neighbours(report: ReportContext) -> str:
    """Why the area has no similar areas: the bundle's note on it, or that the bundle has none."""
    data = report.data
    notes = [n for n in data.bundle.meta.get("similar_areas", {}).get("notes", []) if f"({data.area.code})" in n]
    if notes:
        return " ".join(md(n) for n in notes) + "\n"
    if data.bundle.table("similar_areas") is None:
        return ("The data snapshot has no ONS similar local authorities workbook, so the report compares "
                f"{md(data.display_name())} with England only; `jsna import` the workbook to add this comparison.\n")
    return f"No similar areas are listed for {md(data.display_name())}.\n"


def chart(report: ReportContext, item: pd.Series, group: str, used_in: str) -> Figure:
    """The first compared indicator: the area among its similar areas, England as the dashed line.

    Its rows are the table's (listed under ``used_in``, the table's title): the appendix lists them once.
    """
    data = report.data
    row = item["row"]
    frame = data.tables.indicator(row["indicator_id"])
    mine = frame[(frame["area_code"] == data.area.code) & (frame["period"] == row["period"]) & (frame["sex"] == row["sex"])
                 & (frame["age"] == row["age"]) & (frame["category"] == row["category"])]
    shown = pd.concat([mine, item["peers"]]).rename(columns={"england_comparison": "comparison"})
    names = data.geography.areas.set_index("code")["name"]
    shown = shown.assign(area_name=shown["area_code"].map(names).fillna(shown["area_name"]))
    shown = with_chart_comparisons(shown)  # as the tables word it: a small difference is not better or worse
    figure = compare_areas(shown, highlight=data.area.code, reference_value=row.get("england_value"),
                           reference_label="England", indicator=row["indicator_name"], period=row["period"],
                           unit=row.get("unit") or "")
    figure.caption = f"{data.display_name()} among its {group}. " + figure.caption
    figure.alt_text = f"{data.display_name()} among its {group}. " + figure.alt_text
    return report.figures.block(figure, f"similar-{row['indicator_id']}", title=used_in,
                                rows=pd.concat([mine, item["peers"]]))


def method_text(report: ReportContext) -> str:
    """How the similar areas were chosen, with every input named (for the Methods section; "" without them)."""
    meta = report.data.bundle.meta.get("similar_areas")
    if not meta:
        return ""
    uploaded = ""
    if meta.get("uploaded"):
        uploaded = (" Where the local upload of HMICFRS's most similar groups lists a force ("
                    + ", ".join(md(f) for f in meta["uploaded"]) + "), its group is used instead.")
    if not meta.get("variables"):  # no ONS workbook: the uploaded groups alone
        return f"**Similar areas.** {uploaded.strip()}\n" if uploaded else ""
    released = f", released {meta['published']}" if meta.get("published") else ""
    variables = "; ".join(md(v) for v in meta.get("variables", []))
    density = "; ".join(md(v) for v in meta.get("density", [])) or "none"
    text = [
        f"**Similar areas.** A council's similar areas are its statistical nearest neighbours in ONS's *Clustering "
        f"similar local authorities in the UK*{md(released)} ({md(meta.get('model', ''))} model, table "
        f"{md(meta.get('table', ''))}), taken in ONS's order, nearest first: the first "
        f"{meta.get('councils_shown', '')} in the report's geography (ONS's lists include councils in Scotland "
        "and Northern Ireland, which have none of these figures). ONS chose them by Euclidean distance over "
        "standardised, winsorised variables; its codes were matched to the report's geography through the "
        "list of council changes, and a council reorganised after December 2024 has none.",
        f"A police force area's {meta.get('forces_shown', '')} most similar forces are worked out here by the same "
        "method from the same inputs, since ONS lists none: (1) each force's value of every variable of the model "
        "is made from its councils' values in the workbook's table 4, the councils' mean weighted by their "
        "latest ONS mid-year population estimates for a rate, share or average, and their total population over "
        f"their total area for a density ({density}); (2) every value is winsorised with table 8's "
        "neighbours-model thresholds (a value below the 1st percentile set to it, one above the 99th set to that); "
        "(3) each variable is standardised across the forces to mean 0 and standard deviation 1; (4) the forces "
        "are ordered by Euclidean distance over all the variables. A median (house price, pay) is averaged "
        "this way too, which only approximates the force's median. The same inputs always give the same list."
        + uploaded,
        f"The model's variables: {variables}.",
        "An area's rank among its similar areas counts only those with a figure for the same period "
        "(1 is the highest value, whatever the polarity); counts and ranks are not compared."]
    area = report.data.area
    notes = [md(n) for n in meta.get("notes", [])
             if f"({area.code})" in n or (area.area_type == "pfa" and "is in no force's list" in n)]
    return "\n\n".join(text + notes) + "\n"
