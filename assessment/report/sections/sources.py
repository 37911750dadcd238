"""Sources and licences: every source with its publisher, address, licence and retrieval date."""

from __future__ import annotations

import re

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
    r"""One source as a list item: its name on a line, then its file, address, licence and retrieval day.

    >>> print(source_line({"name": "ONS deaths 2020 (deaths.csv)", "licence": "OGL",
    ...                    "retrieved_at": "2026-12-05T23:43:46+00:00"}))
    **ONS deaths 2020**.\
      deaths\.csv. OGL; retrieved 2026-12-05.
    """
    # The file name goes to the second line: a long one cannot break, and a justified printed page
    # then stretched the spaces of the name beside it.
    title, file = split_file_name(str(source.get("name", "")))
    licence, day = md(source.get("licence", "")), retrieved_day(source.get("retrieved_at", ""))
    terms = "; ".join(p for p in (licence, f"retrieved {day}" if day else "") if p)
    rest = " ".join(f"{part}." for part in (md(file), md(source.get("url") or ""), terms) if part)
    name = f"**{md(title)}**."
    return f"{name}\\\n  {rest}" if rest else name


def split_file_name(name: str) -> tuple[str, str]:
    """("MHCLG rough sleeping snapshot", "Rough_sleeping.xlsx") from "MHCLG rough sleeping snapshot
    (Rough_sleeping.xlsx)"; a name with no file in brackets at its end is kept whole.

    >>> split_file_name("ONS mid-year population estimates, mid-2023 (year from the file name)")
    ('ONS mid-year population estimates, mid-2023 (year from the file name)', '')
    """
    found = re.fullmatch(r"(.*\S)\s*\(([^()\s]+\.[A-Za-z0-9]{2,5})\)", name.strip())
    return (found.group(1), found.group(2)) if found else (name, "")
