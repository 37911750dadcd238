"""What of the bundle's notes and sources concern this report: its own area, and the files behind its figures.

A national bundle carries geography notes on every area that was merged or
renamed and every file it read. A report keeps a geography note only when it
names this area, one of its parents or districts, or an area in its tables;
and lists a source file only when a figure it shows came from it, each file
once. Both read what the report has recorded for its appendix so far, so they
are called after the sections that show figures.

>>> sorted(note_codes("Cumbria (E10000006) was split between Cumberland (E06000063) and others"))
['E06000063', 'E10000006']
>>> sorted(source_parts("MHCLG statutory homelessness; ONS mid-year population estimates (aggregated from districts)"))
['MHCLG statutory homelessness', 'ONS mid-year population estimates']
"""

from __future__ import annotations

import re

import pandas as pd

from .context import ReportContext

CODE = re.compile(r"\b[EWSNK]\d{8}\b")
AGGREGATED = " (aggregated from districts)"
FIGURE_PREFIX = "Figure:"  # charts show every peer; a note on a peer is not about this report's tables
PEERS_KIND = "similar_areas"  # the section kind whose tables show peers only


def note_codes(note: str) -> set[str]:
    """The area codes a geography note names."""
    return set(CODE.findall(note))


def source_parts(source: str) -> set[str]:
    """The publishers named in a row's ``source`` (a derived rate names two, joined by "; ")."""
    return {part.strip().removesuffix(AGGREGATED).strip() for part in str(source).split(";") if part.strip()}


def shown_rows(report: ReportContext) -> pd.DataFrame:
    """Every row the report has recorded for its appendix so far."""
    frame = report.appendix.frame()
    return frame if not frame.empty else pd.DataFrame(columns=["area_code", "source", "vintage", "source_url",
                                                               "report_section"])


def relevant_codes(report: ReportContext) -> set[str]:
    """This area, its parents and districts, and every area in its tables (not its charts' or similar areas' peers).

    The similar areas (a county's 15 nearest councils) are peers as a chart's are: a note on how
    Somerset's or Sheffield's figure was made is about another place, not this report's area.
    """
    data = report.data
    codes = {data.area.code, *[c for c in data.geography.parents(data.area.code).values() if c]}
    codes |= set(data.geography.constituent_lads(data.area.code))
    rows = shown_rows(report)
    peers = {s.title for s in data.sections() if s.kind == PEERS_KIND}
    section = rows["report_section"].astype(str)
    in_tables = rows[~section.str.startswith(FIGURE_PREFIX) & ~section.isin(peers)]
    return codes | set(in_tables["area_code"].dropna().astype(str))


def area_notes(report: ReportContext, notes: list[str]) -> list[str]:
    """The notes that name an area of :func:`relevant_codes`, and those that name no area at all."""
    codes = relevant_codes(report)
    return [n for n in notes if not note_codes(n) or note_codes(n) & codes]


def used_sources(report: ReportContext, sources: list[dict]) -> list[dict]:
    """The bundle's sources behind a figure the report shows, each file once."""
    rows = shown_rows(report)
    shown = {(part, str(vintage), str(url), ";" in str(source))
             for source, vintage, url in rows[["source", "vintage", "source_url"]].drop_duplicates().itertuples(index=False)
             for part in source_parts(source)}
    kept, files = [], set()
    for entry in sources:
        if entry.get("file") and entry["file"] in files:  # two registry entries reading one file
            continue
        # A source naming no file and no release (the demo's generated tables) cannot be matched: kept.
        unmatchable = not entry.get("file") and not entry.get("release")
        if unmatchable or any(behind(entry, *row) for row in shown):
            kept.append(entry)
            files.add(entry.get("file"))
    return kept


def behind(entry: dict, publisher: str, vintage: str, url: str, derived: bool) -> bool:
    """Whether a figure of ``publisher`` and ``vintage`` (from ``url``) came from the source ``entry``.

    A figure derived from two sources (deaths over population) names only its first
    source's address, so its second source is matched by publisher and release alone.
    """
    release, name = str(entry.get("release") or ""), str(entry.get("name") or "")
    if not release:  # a source without a release (a Fingertips API answer) is named by its publisher alone
        return name == publisher
    if not name.startswith(f"{publisher}, ") or release not in vintage:
        return False
    return derived or not url or str(entry.get("url") or "") == url
