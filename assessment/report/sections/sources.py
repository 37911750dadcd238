"""Sources and licences: every source with its publisher, address, licence and retrieval date."""

from __future__ import annotations

from ...text import md
from ..context import ReportContext
from ..document import Document, Paragraph, Table
from ..relevant import used_sources
from ..tables import pipe_table

ATTRIBUTION = ("Contains public sector information licensed under the Open Government Licence v3.0. "
               "Contains OS data © Crown copyright and database right. Source: Office for National "
               "Statistics licensed under the Open Government Licence v3.0; OHID Fingertips "
               "(https://fingertips.phe.org.uk).\n")


def sources_section(report: ReportContext) -> Document:
    """Every source with its publisher, URL, licence and retrieval date."""
    bundle = report.data.bundle
    rows = [[s.get("name", ""), s.get("url", ""), s.get("licence", ""), s.get("retrieved_at", "")]
            for s in used_sources(report, bundle.meta.get("sources", []))]  # only files behind a figure shown
    text = (f"Figures come from the data snapshot of {md(bundle.snapshot_date)}. "
            "Each figure's source is listed in the Excel data appendix.")
    out = Document([Paragraph(text)])
    if rows:
        out.add(Table(pipe_table(["Source", "Address", "Licence", "Retrieved"], rows)))
    return out.add(Paragraph(ATTRIBUTION))
