"""Summary and key messages: the area line and demonstration banner, one sentence per topic, the spine chart."""

from __future__ import annotations

from ...charts import spine_chart as draw_spine_chart
from ...geography.registry import default_vintage
from ...text import md
from ..blocks import display_value, row_sentence
from ..context import ReportContext

SECTION_TITLE = "Summary and key messages"
DEMO_NOTICE = ("> **Demonstration data.** Every figure in this report is generated for a fictional "
               "area to show how the report works. None of it describes a real place.\n")
#: Worst results first; figures that could not be given (not aggregable, no data) last.
RANK = {"Worse (99.8%)": 0, "Worse": 1, "Better (99.8%)": 3, "Better": 4}
UNRANKED, NO_FIGURE = 2, 5


def front_matter(report: ReportContext) -> str:
    """The area line, the demonstration banner, and the snapshot date."""
    data = report.data
    bundle, area = data.bundle, data.area
    lines = [DEMO_NOTICE] if bundle.is_demo else []
    lines.append(f"**Area:** {md(area.name)} ({md(data.kind)}, {area.code}).  ")
    lines.append(f"**Data snapshot:** {md(bundle.snapshot_date)}.  ")
    lines.append("**Geography vintage:** " + md(bundle.meta.get("vintage") or default_vintage()) + ".")
    return "\n".join(lines) + "\n"


def key_messages(report: ReportContext) -> str:
    """Bullets: one sentence per section's headline indicator, worst results first."""
    data = report.data
    latest = data.latest()
    if latest.empty:
        return "No indicator data are available for this area in the data snapshot.\n"
    latest = latest.assign(_rank=latest["england_comparison"].map(RANK).fillna(UNRANKED).where(
                               latest["value"].notna() | latest["suppressed"], NO_FIGURE),
                           _section=latest["indicator_id"].map(data.section_of))
    latest = latest[latest["_section"].isin({s.key for s in data.sections()})]
    picked = latest.sort_values("_rank").groupby("_section", sort=False).head(1)
    lines = []
    for _, row in picked.sort_values("_rank").iterrows():
        report.appendix.record(row, SECTION_TITLE)
        lines.append(f"- {row_sentence(row)}")
    intro = (f"The table below each topic compares {md(data.area.name)} with England and, where it "
             "applies, its region. Significance uses the method Fingertips uses for each indicator.\n\n")
    return intro + "\n".join(lines) + "\n"


def spine_chart(report: ReportContext) -> str:
    """Every section indicator's latest value on a Fingertips-style spine chart.

    Indicators and periods are chosen for the area type, not the area, so
    every area of the type shares one drawing of the bars.
    """
    data = report.data
    rows = data.spine_rows()
    if rows.empty:
        return ""
    rows = rows.copy()
    own = rows["area_code"] == data.area.code
    rows["value_text"] = ""
    rows.loc[own, "value_text"] = [display_value(row) for _, row in rows[own].iterrows()]
    report.appendix.record_rows(rows[own], "Figure: spine chart")
    figure = draw_spine_chart(rows, highlight=data.area.code, area_label=data.area.name, value_text="value_text")
    return report.figures.markdown(figure, "spine")
