"""A topic section (``kind: topic`` in report_sections.yaml): why it matters, the benchmark table, inside the area, sentences, charts, local data.

A force's table gives its rank among forces where the Region column would
be; below it, the councils inside the force (a county: its districts), and a
sentence when they differ significantly. Every catalogue caveat (recording
practice, say) is printed beside its indicator's definition.
"""

from __future__ import annotations

import pandas as pd

from ...charts import compare_areas, trend_chart as draw_trend_chart
from ...registry.claims import expand_claims
from ...registry.all_registries import Section, registries
from ...stats.trend import trend_in_words
from ...core.safe_text import md
from ..section_blocks import benchmark_table, force_rank, inside_table, row_sentence, with_chart_comparisons
from ..context import ReportContext
from ..document import Document, Figure, Heading, Note, Paragraph, bullets
from ..missing import section_lacks
from .by_sex_age import by_sex_age
from .local_data import local_data_boxes


def render(report: ReportContext, section: Section, shown_apart: tuple[str, ...] = ()) -> Document:
    """A topic: heading, why it matters, benchmark table, sentences, a chart, local data.

    ``shown_apart``: the section's indicators its module shows in a part of its own, left out here.
    """
    data = report.data
    intro = expand_claims(section.intro, registries().claims)  # national claims with their source and year
    out = Document([Heading(md(section.title), level=2), Paragraph(f"{md(intro)}\n")])
    rows = data.section_rows(section.key)
    rows = rows[~rows["indicator_id"].isin(shown_apart)] if shown_apart and not rows.empty else rows
    definitions = [data.indicator_info(i).get("definition") for i in rows["indicator_id"]]
    if rows.empty:
        out.add(Paragraph(f"No published indicators for this topic are in the data snapshot for {md(data.area.name)}.\n"))
    else:
        out.add(benchmark_table(report, rows, section.title))
        out.add(by_sex_age(report, rows, section.title))  # only where the source publishes the split
        inside, contrasts = inside_table(report, rows, section.title)
        out.add(bullets(row_sentence(row, data.display_name(row['area_code']), data.national_name)
                        for _, row in rows.iterrows()))
        out.add(inside)
        out.add(bullets(contrasts))
        notes = [f"**{md(name)}:** {md(d)}" for name, d in zip(rows["indicator_name"], definitions) if d]
        if notes:
            out.add(Paragraph("Definitions:"), bullets(notes))
        caveats = read_with_care(rows["indicator_name"], (data.indicator_info(i).get("caveat") for i in rows["indicator_id"]))
        out.add(Note(caveats))
        chart_row = charted_row(report, rows)
        if chart_row is not None:
            out.add(compare_chart(report, chart_row))
            if section.trend_chart:  # every trend is also a text label in the table
                out.add(trend_chart(report, chart_row))
    out.add(Paragraph(section_lacks(report, section)))  # each catalogue indicator missing here, and how to get it
    out.add(local_data_boxes(report, section.key))
    return out


def charted_row(report: ReportContext, rows: pd.DataFrame) -> pd.Series | None:
    """The row a topic charts: the section's main measure, as the registries declare it.

    First an indicator the catalogue marks ``headline`` (e.g. C20 continuity of care), then one of
    key_messages.yaml's core measures (its preferred indicator first: a force's violence section
    charts violence against the person, not whichever crime its table lists first), then the first
    row. Only rows of the area itself with a value can be charted; None when there is none.
    """
    data = report.data
    charted = rows[rows["value"].notna() & (rows["area_code"] == data.area.code)]
    if charted.empty:
        return None
    core = [key for measure in registries().core_measures for key in measure.indicators]

    def preference(indicator_id) -> tuple[int, int]:
        info = data.indicator_info(indicator_id)
        if info.get("headline"):
            return (0, 0)
        return (1, core.index(info["key"])) if info.get("key") in core else (2, 0)

    order = charted["indicator_id"].map(preference)
    return charted.iloc[sorted(range(len(charted)), key=lambda n: order.iloc[n])[0]]


def read_with_care(names, caveats) -> str:
    """Each catalogue caveat once, naming every indicator it applies to (a quote block; "" for none).

    One publisher's warning covers many of its tables (police recorded crime), so it is
    printed once for all of them rather than once per row.

    >>> print(read_with_care(["Theft", "Robbery", "Rough sleeping"], ["Recording varies.", "Recording varies.", None]))
    > **Read with care: Theft; Robbery.** Recording varies\\.
    <BLANKLINE>
    """
    grouped: dict[str, list[str]] = {}
    for name, caveat in zip(names, caveats):
        if caveat:
            grouped.setdefault(caveat, []).append(name)
    return "\n>\n".join(f"> **Read with care: {'; '.join(md(n) for n in dict.fromkeys(named))}.** {md(caveat)}"
                         for caveat, named in grouped.items()) + "\n" if grouped else ""


def compare_chart(report: ReportContext, row: pd.Series) -> Figure | None:
    """The area among its peers for one indicator, as a figure (None with fewer than two areas)."""
    data = report.data
    peers = data.peer_rows(row).rename(columns={"england_comparison": "comparison"})
    if len(peers) < 2:
        return None
    names = data.geography.areas.set_index("code")["name"]
    peers = peers.assign(area_name=peers["area_code"].map(names).fillna(peers["area_name"]))
    # Each bar's result as the tables word it: a difference small in practice is not called better or worse.
    shown = with_chart_comparisons(peers, data.national_name)
    figure = compare_areas(shown, highlight=data.area.code, reference_value=row.get("england_value"),
                           reference_label=data.national_name, indicator=row["indicator_name"],
                           period=row["period"], unit=row.get("unit") or "")
    if rank := force_rank(report, row):  # the comparison group named in words, for screen readers too
        figure.alt_text += f" Rank among forces (1 = highest value): {rank}."
    return report.figures.block(figure, f"compare-{row['indicator_id']}", title="Figure: compare areas",
                                rows=peers.rename(columns={"comparison": "england_comparison"}))


def trend_chart(report: ReportContext, row: pd.Series) -> Figure | None:
    """The area's series for one indicator with England, as a figure (None with fewer than two values)."""
    data = report.data
    mine, england = data.series(row)
    if mine["value"].notna().sum() < 2:
        return None
    figure = draw_trend_chart(mine, england, area_name=data.area.name, indicator=row["indicator_name"],
                              trend=trend_in_words(row.get("trend") or "", row.get("trend_reason") or ""),
                              unit=row.get("unit") or "", national=data.national_name)
    return report.figures.block(figure, f"trend-{row['indicator_id']}", title="Figure: trend", rows=mine)
