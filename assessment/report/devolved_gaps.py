"""What a report on a Welsh area says of the figures it lacks because their publishers cover England only.

The registry (:mod:`assessment.registry.devolved_sources`) names, for each such indicator, who publishes Wales's figure
and where; these functions put it into the report's data-gaps text, rather than telling the reader to
fetch an English source that has no Welsh rows.
"""

from __future__ import annotations

from ..registry.devolved_sources import Country, DevolvedSource
from ..registry.all_registries import registries
from ..core.safe_text import md


def country_of(data) -> Country | None:
    """The country outside England that the report's area lies in, if any (None for an English area)."""
    if data.national[0].startswith("E"):
        return None
    return registries().devolved_countries.get(data.area.code[:1])


def counterpart(entry, country: Country) -> DevolvedSource | None:
    """Who publishes, for ``country``, the figure of a catalogue indicator whose source covers England only."""
    sources = [s for s in registries().devolved_sources if s.country == country.letter]
    named = next((s for s in sources if entry.key in s.indicators), None)
    return named or next((s for s in sources if entry.source in s.replaces), None)


def devolved_lines(entries: list, country: Country) -> tuple[list[str], list]:
    """Markdown bullets for the entries a country's publishers give (one per publisher, naming its
    indicators), and the entries left over (published for the country by their own source)."""
    grouped: dict[DevolvedSource, list[str]] = {}
    rest = []
    for entry in entries:
        source = counterpart(entry, country)
        if source is None:
            rest.append(entry)
        else:
            grouped.setdefault(source, []).append(entry.title)
    lines = [f"- {'; '.join(md(t) for t in titles)}: their source covers England only. **For {md(country.name)}: "
             f"{md(s.title)}** ({md(s.publisher)}, {md(s.url)}): {md(s.gives)}."
             for s, titles in grouped.items()]
    return lines, rest


def country_note(data, country: Country) -> str:
    """The paragraph a report on an area of ``country`` opens its gaps with: what it compares with and why
    its health figures are missing."""
    name = md(data.display_name())
    return (f"**{name} is in {md(country.name)}.** {md(country.note)} ({md(country.note_source)}, "
            f"{md(country.note_year)}). Its crime, arrest, stop and search and conviction figures come from tables "
            f"published for England and Wales, so they are compared with England and Wales and ranked among its "
            f"police forces. Its health, deprivation and homelessness figures are published for "
            f"{md(country.name)} by the bodies named below, which this data snapshot does not hold; the report "
            "shows no English figure in their place.\n")
