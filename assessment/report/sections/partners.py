"""Partners and commissioning (``kind: partners``): who commissions what, and the councils and partnerships in the area.

A police and crime plan is delivered with partners whose areas differ from
the force's: the upper-tier councils (public health, substance misuse, the
Health and Wellbeing Board and its JSNA), the district and unitary councils
and the community safety partnerships. The table lists each council with its
upper-tier authority and partnership, from the ONS lookups (never typed in).
"""

from __future__ import annotations

from ...core.levels import LEVELS
from ...registry.all_registries import Section
from ...core.safe_text import md
from ..context import ReportContext
from ..document import Document, Heading, Paragraph, Table
from ..councils_inside import inside_areas, partnerships
from ..markdown_tables import pipe_table


def render(report: ReportContext, section: Section) -> Document:
    """Heading, who commissions what, and the table of councils and partnerships ("" with none inside)."""
    data = report.data
    geo = data.geography
    inside = [a for a in inside_areas(data) if a.area_type == "lad"]
    out = Document([Heading(md(section.title), level=2), Paragraph(f"{md(section.intro)}\n")])
    if not inside:
        return out
    by_district = partnerships(data, inside)
    lads = geo.lads.set_index("lad_code")
    body = []
    for area in inside:
        kind = LEVELS[area.area_type].label_for(area.is_upper_tier, area.code)  # Birmingham: metropolitan borough
        upper = str(lads.loc[area.code, "utla_name"]) if area.code in lads.index else ""
        body.append([area.name, kind, upper, "; ".join(by_district.get(area.code, [])) or "none listed"])
    uppers = sorted({row[2] for row in body if row[2]})
    out.add(Paragraph(f"{len(inside)} district and unitary councils, {len(uppers)} upper-tier authorities "
               f"(each with a Health and Wellbeing Board and a JSNA) and "
               f"{len({p for names in by_district.values() for p in names})} community safety partnerships "
               f"share {md(data.display_name())}.\n"))
    out.add(Table(pipe_table(["Council", "Type", "Upper-tier authority (public health)", "Community safety partnership"],
                             body, align="llll", caption=f"Councils and partnerships in {data.display_name()}")))
    return out
