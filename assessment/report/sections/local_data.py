"""Local data: partners' uploads shown in their topic, and the one list of local datasets.

Readers' text only: the boxes say who holds the data and what it would add,
never how to load it (the commands are in the README and on the templates).
"""

from __future__ import annotations

from ...core.safe_text import format_value, md
from ...uploads.schema import UploadKind
from ..section_blocks import display_value
from ..context import ReportContext
from ..document import Document, Heading, Note, Paragraph, Table
from ..markdown_tables import pipe_table


def local_data_boxes(report: ReportContext, section_key: str) -> Document:
    """For each upload kind of a section that partners supplied: its figures.

    The kinds not supplied are listed once, in :func:`local_data_section`, not in every topic.
    """
    data = report.data
    present = data.uploaded_kinds()
    out = Document()
    for kind in data.upload_kinds():
        if kind.section == section_key and kind.kind in present:
            out.add(local_data_table(report, kind))
    return out


def local_data_table(report: ReportContext, kind: UploadKind) -> Document:
    """The area's and its districts' rows from a local upload (disclosure-controlled at build time)."""
    data = report.data
    rows = data.local_rows(kind)
    if rows.empty:
        return Document([Note(f"**{md(kind.title)}:** the local upload has no rows for {md(data.area.name)} or its districts.")])
    body = []
    for _, row in rows.iterrows():
        value = display_value(row, with_ci=True)
        if row["suppressed"]:
            count = denominator = "suppressed"
        else:
            count = format_value(row["count"], "count", None)
            denominator = format_value(row["denominator"], "count", None)
        body.append([row["indicator_name"], row["area_name"], row["period"], value, count, denominator,
                     row["value_note"] or ""])
    return Document([Heading(f"Local data: {md(kind.title)}", level=3),
                     Table(pipe_table(["Indicator", "Area", "Period", "Value (95% CI)", "Count", "Denominator", "Note"],
                                      body, align="lllrrrl"), title=f"Local data: {kind.title}", rows=rows),
                     Paragraph(f"Source: local upload supplied by {md(kind.partner)}. {disclosure_rule(kind)}\n")])


def disclosure_rule(kind: UploadKind) -> str:
    """The kind's small-number rule in words.

    >>> from assessment.uploads.schema import load_kind
    >>> disclosure_rule(load_kind("continuity_of_care_audit"))
    'Counts of 1 to 4, and any figure from which one could be worked out, are suppressed; zero is shown.'
    """
    rule = kind.disclosure or {}
    low, high = rule.get("suppress_from", 1), rule.get("suppress_to", 4)
    return (f"Counts of {low} to {high}, and any figure from which one could be worked out, "
            "are suppressed; zero is shown.")


def local_data_section(report: ReportContext) -> Document:
    """Which local datasets are in this report and which partners hold the missing ones."""
    data = report.data
    kinds = data.upload_kinds()
    if not kinds:
        return Document([Paragraph("No local upload kinds are registered.\n")])
    present = data.uploaded_kinds()
    rows = [[kind.title, kind.partner, "included" if kind.kind in present else "not supplied"] for kind in kinds]
    return Document([Paragraph("Some of the most important information about people in contact with the criminal "
                               "justice system is held locally and published nowhere. Local data this chapter can "
                               "include, when partners supply it:"),
                     Table(pipe_table(["Local dataset", "Held by", "In this report"], rows))])
