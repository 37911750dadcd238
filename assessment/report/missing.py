"""What a report lacks: catalogue indicators with no figure for the area, and how a user gets each.

A topic section lists the indicators of ``data_sources/indicators.yaml`` that
belong to it and have no row for the area in the bundle, each with where it is
published and how to bring it in: a Fingertips indicator by its id through
``jsna fetch --only fingertips``, a publisher file (``data_sources/publishers.yaml``)
from its release page through ``jsna fetch --only publishers`` or ``jsna import``.
The summary lists the core measures (``data_sources/key_messages.yaml``) the
report has no figure for. An indicator the bundle holds only for another kind
of area (recorded crime by police force, in a council's report) is not missing
data the user could add, so it is not listed.

The words are for readers: they name the indicator id or file and its page, never a command
(the commands that fetch them are in the README).

>>> how_to_get_fingertips("90976")
'Fingertips indicator 90976: fetched from the Fingertips API, or exported from https://fingertips.phe.org.uk and imported'
"""

from __future__ import annotations

from .devolved_gaps import country_note, country_of, devolved_lines
from ..registry.all_registries import Section, registries
from ..sources.catalogue import CatalogueEntry
from ..core.safe_text import md
from .context import ReportContext

FINGERTIPS_SITE = "https://fingertips.phe.org.uk"


def how_to_get_fingertips(fingertips_id: str) -> str:
    """Where a Fingertips indicator comes from and the command that fetches it."""
    return (f"Fingertips indicator {fingertips_id}: fetched from the Fingertips API, or exported from "
            f"{FINGERTIPS_SITE} and imported")


def how_to_get_publisher(spec: dict) -> str:
    """Where a publisher file comes from (its release page) and how to bring it in."""
    what = spec.get("file_kind") or "The publisher's file"
    page = spec.get("publisher_page") or spec.get("url") or ""
    if spec.get("import_only"):
        return f"{what}: downloaded by hand from {page} and imported"
    return f"{what}: fetched from {page}, or downloaded from there and imported"


def how_to_get(entry: CatalogueEntry) -> str:
    """One line on the source of a catalogue indicator and how to get it."""
    if entry.source == "fingertips" and entry.fingertips_id:
        return how_to_get_fingertips(str(entry.fingertips_id))
    spec = registries().publishers.get(entry.source)
    return how_to_get_publisher(spec) if spec else f"source {entry.source}"


def applies_here(report: ReportContext, entry: CatalogueEntry) -> bool:
    """False for an indicator published only for other kinds of area than this one.

    Either its publisher says so (``published_for`` in publishers.yaml: police force
    tables), or the bundle has it for other areas but none of this area's peers.
    """
    data = report.data
    published_for = (registries().publishers.get(entry.source) or {}).get("published_for")
    if published_for and data.area.area_type not in published_for:
        return False
    rows = data.tables.indicator(entry.frame_id)
    if rows.empty:
        return True
    peers = set(data.geography.peers(data.area.code)) | {data.area.code}
    return bool(rows["area_code"].isin(peers).any())


def absent_entries(report: ReportContext, section_key: str) -> list[CatalogueEntry]:
    """The section's catalogue indicators with no row for the area (its upper tier for a district)."""
    data = report.data
    rows = data.latest_with_upper_tier()
    have = set(rows["indicator_id"].astype(str)) if not rows.empty else set()
    entries = registries().catalogue.entries
    shown = {e.key for e in entries if e.frame_id in have}
    # The same figure from another publisher is shown: not missing (Fingertips' IMD 2019 score beside MHCLG's).
    shown |= {e.key for e in entries if e.same_as in shown} | {e.same_as for e in entries if e.key in shown and e.same_as}
    return [e for e in entries if e.section == section_key and e.key not in shown and applies_here(report, e)]


def section_lacks(report: ReportContext, section: Section) -> str:
    """Markdown naming each indicator the section would show that the bundle lacks for the area ("" for none)."""
    entries = absent_entries(report, section.key)
    if not entries:
        return ""
    name = md(report.data.display_name())
    country = country_of(report.data)
    devolved, entries = devolved_lines(entries, country) if country else ([], entries)
    lines = [f"- **{md(e.title)}.** {md(how_to_get(e))}." for e in entries]
    out = ""
    if devolved and country:  # a Welsh force: Wales's figures come from Welsh publishers, not England's
        out = (f"Not in the data snapshot for {name}, and published for {md(country.name)} by other bodies "
               "than for England:\n\n" + "\n".join(devolved) + "\n\n")
    if lines:
        out += (f"Not in the data snapshot for {name}: these indicators, which belong in this section. "
                "Each is published; the line says where and how to add it.\n\n" + "\n".join(lines) + "\n")
    return out


def lacking_core_measures(report: ReportContext) -> str:
    """The core measures with no figure for the area, each with how to get its preferred indicator."""
    data = report.data
    rows = data.latest_with_upper_tier()
    have = set(rows.loc[rows["value"].notna() | rows["count"].notna(), "indicator_id"].astype(str)) \
        if not rows.empty else set()
    by_key = registries().catalogue.by_key
    country = country_of(data)
    lines, devolved = [], []
    for measure in registries().core_measures:
        entries = [by_key[k] for k in measure.indicators if k in by_key]
        if not entries or any(e.frame_id in have for e in entries):
            continue
        usable = [e for e in entries if applies_here(report, e)] or entries
        if country and devolved_lines(usable[:1], country)[0]:
            devolved.append(usable[0])
        else:
            lines.append(f"- **{md(measure.label.capitalize())}.** {md(how_to_get(usable[0]))}.")
    out = ""
    if country:  # a Welsh force: what it is compared with, and where Wales's health figures are published
        out = country_note(data, country) + "\n" + "\n".join(devolved_lines(devolved, country)[0]) + "\n\n"
    if not lines:
        return out
    return out + (f"**What this report lacks.** The data snapshot has no figure for {md(data.display_name())} "
                  "on these core measures of the chapter:\n\n" + "\n".join(lines) + "\n")


#: How a reader names the area type a public table gives a measure for (data_gaps.yaml published_for).
PUBLISHED_FOR = {"pfa": "police force area", "csp": "community safety partnership", "lad": "district"}


def published_note(gap) -> str:
    """For a data gap that a public table does give for some areas: that it exists, and where ("" if none)."""
    if not gap.published_where:
        return ""
    level = PUBLISHED_FOR.get(gap.published_for or "", gap.published_for or "")
    by = f" by {level}" if level else ""
    return f"It is published{by} in {gap.published_where}; this project does not read that table yet."
