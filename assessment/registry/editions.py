"""Report editions (``editions:`` in report_sections.yaml): which sections, in what order, under which title.

One template and one registry make both reports. A council gets the JSNA's
health and justice chapter; a police force area gets the police and crime
needs assessment, ordered the way a police and crime plan is (crime, victims
and vulnerability, offenders, then the health and justice topics). Which
edition an area gets is the ``edition`` of its level in boundaries/levels.yaml.

>>> raw = {"editions": {"jsna-chapter": {"title": "T", "subtitle": "S", "header": "H",
...                                       "parts": [{"sections": ["a", "b"]}]}}}
>>> edition = parse_editions(raw, "report_sections.yaml")["jsna-chapter"]
>>> edition.section_keys()
('a', 'b')
>>> parse_editions({"editions": {"x": {"title": "T", "parts": []}}}, "report_sections.yaml")
Traceback (most recent call last):
...
assessment.core.errors.InputError: report_sections.yaml edition x: missing field(s) header, subtitle
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import InputError
from ..core.registry_fields import check_entry

EDITION_FIELDS = {"title", "subtitle", "header", "parts"}
PART_FIELDS = {"title", "intro", "sections"}


@dataclass(frozen=True)
class Part:
    """A run of sections; with a title, a heading of its own over them (its sections one level down)."""

    title: str
    intro: str
    sections: tuple[str, ...]


@dataclass(frozen=True)
class Edition:
    """One kind of report: its title, subtitle and running header, and its parts in order."""

    key: str
    title: str
    subtitle: str
    header: str
    parts: tuple[Part, ...]

    def section_keys(self) -> tuple[str, ...]:
        """Every section key of the edition, in report order."""
        return tuple(key for part in self.parts for key in part.sections)


def parse_editions(raw: dict, where: str) -> dict[str, Edition]:
    """The ``editions:`` block, each edition and part checked for its fields and each section listed once."""
    block = (raw or {}).get("editions")
    if not isinstance(block, dict) or not block:
        raise InputError(f"{where}: no 'editions:' block")
    editions = {}
    for key, item in block.items():
        at = f"{where} edition {key}"
        check_entry(item, allowed=EDITION_FIELDS, required=tuple(sorted(EDITION_FIELDS)), where=at)
        if not isinstance(item["parts"], list):
            raise InputError(f"{at}: 'parts' is not a list")
        parts = tuple(_part(part, f"{at} part {n}") for n, part in enumerate(item["parts"], start=1))
        edition = Edition(str(key), str(item["title"]), str(item["subtitle"]), str(item["header"]), parts)
        keys = edition.section_keys()
        if twice := sorted({k for k in keys if keys.count(k) > 1}):
            raise InputError(f"{at}: section {twice[0]} is listed more than once")
        editions[str(key)] = edition
    return editions


def _part(item, where: str) -> Part:
    check_entry(item, allowed=PART_FIELDS, required=("sections",), where=where)
    if not isinstance(item["sections"], list) or not item["sections"]:
        raise InputError(f"{where}: 'sections' is not a list of section keys")
    return Part(str(item.get("title", "")), " ".join(str(item.get("intro", "")).split()),
                tuple(str(key) for key in item["sections"]))


def check_editions(editions: dict[str, Edition], sections: set[str], levels: dict, where: str) -> None:
    """Every edition names known sections, every section is in an edition, every level's edition exists."""
    for edition in editions.values():
        if unknown := [k for k in edition.section_keys() if k not in sections]:
            raise InputError(f"{where} edition {edition.key}: unknown section '{unknown[0]}' "
                             f"(sections: {', '.join(sorted(sections))})")
    listed = {k for edition in editions.values() for k in edition.section_keys()}
    if unlisted := sorted(sections - listed):
        raise InputError(f"{where}: section {unlisted[0]} is in no edition (list it under 'editions:')")
    for level in levels.values():
        if level.edition and level.edition not in editions:
            raise InputError(f"boundaries/levels.yaml level {level.key}: edition '{level.edition}' is not one of "
                             f"the editions in {where} ({', '.join(sorted(editions))})")
