"""Sources and licences: every source with its publisher, address, licence and retrieval date."""

from __future__ import annotations

from ...core.safe_text import md
from ..context import ReportContext
from ..document import Document, Paragraph, bullets
from ..relevant import used_sources

ATTRIBUTION = ("Contains public sector information licensed under the Open Government Licence v3.0. "
               "Contains OS data © Crown copyright and database right. Source: Office for National "
               "Statistics licensed under the Open Government Licence v3.0; OHID Fingertips "
               "(https://fingertips.phe.org.uk).\n")


def retrieved_day(stamp: object) -> str:
    """The day a file was retrieved (``2026-12-05``): the time of day says nothing to a reader and crowds the page."""
    return str(stamp or "")[:10]


def sources_section(report: ReportContext) -> Document:
    """Every source with its publisher, URL, licence and retrieval date: one line each.

    A list, not a table: file names and web addresses are long words that no column of a
    printed page holds beside two more columns (the licence and retrieval day crowded each other).
    """
    bundle = report.data.bundle
    lines = [source_line(s) for s in used_sources(report, bundle.meta.get("sources", []))]  # only files behind a figure
    text = (f"Figures come from the data snapshot of {md(bundle.snapshot_date)}. "
            "Each figure's source is listed in the Excel data appendix.")
    return Document([Paragraph(text)]).add(bullets(lines), Paragraph(ATTRIBUTION))


def source_line(source: dict) -> str:
    """One source as a list item: its name, address, licence and the day it was retrieved."""
    parts = [f"**{md(source.get('name', ''))}**."]
    if source.get("url"):
        parts.append(f"{md(source['url'])}.")
    licence, day = md(source.get("licence", "")), retrieved_day(source.get("retrieved_at", ""))
    parts.append("; ".join(p for p in (licence, f"retrieved {day}" if day else "") if p) + ".")
    name, rest = parts[0], " ".join(p for p in parts[1:] if p != ".")
    # The name on a line of its own: a justified page stretched the spaces of a name beside a long address.
    return f"{name}\\\n  {rest}" if rest else name
