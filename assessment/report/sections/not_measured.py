"""What this report does not measure: a section's measures no public table gives (``data_sources/data_gaps.yaml``).

Each line says why the measure is missing, where it is published if it is, and the
local dataset that carries it (with that dataset's table when this section shows it).
"""

from __future__ import annotations

from ...registry.all_registries import Section, registries
from ...core.safe_text import md
from ..context import ReportContext
from ..document import Document, Heading, bullets
from ..missing import published_note
from .local_data import local_data_table


def not_measured(report: ReportContext, section: Section) -> Document:
    """A line for each measure of this section no public table gives, and the local dataset that carries it."""
    data = report.data
    loaded = registries()
    present = data.uploaded_kinds()
    titles = {s.key: s.title for s in data.sections()}
    lines, tables = [], []
    for gap in loaded.data_gaps:
        if gap.section != section.key or gap.status == "published_not_read":
            continue
        if gap.published_for == data.area.area_type:  # a public table gives it for this kind of area
            line = f"**{md(gap.name)}.** {md(published_note(gap))}"
        else:
            line = f"**{md(gap.name)}.** {md(gap.why)} {md(published_note(gap))} {md(gap.local_data)}"
        kind = loaded.upload_kinds.get(gap.upload_kind or "")
        if kind is not None:
            where = ("in this section" if kind.section == section.key
                     else f"in the {md(titles.get(kind.section, kind.section))} section")
            if kind.kind in present:
                line += f" This report includes it, from the local dataset \u201c{md(kind.title)}\u201d, {where}."
                if kind.section == section.key:
                    tables.append(local_data_table(report, kind))
            else:
                line += (f" Supplied as the local dataset \u201c{md(kind.title)}\u201d, it would appear {where} "
                         "of this report.")
        lines.append(line)
    if not lines:
        return Document()
    return Document([Heading("What this report does not measure", level=3), bullets(lines)]).add(*tables)
