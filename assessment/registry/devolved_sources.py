"""The registry of who publishes, for Wales, the figures whose usual source covers England only (``devolved_sources.yaml``).

A Welsh police force area's justice figures come from tables published for
England and Wales. Its health, deprivation and homelessness indicators would
come from OHID Fingertips, the English indices of deprivation and MHCLG, which
cover England only; Wales's figures are published by Public Health Wales and
the Welsh Government, and the data snapshot does not hold them. The report
names, for each such indicator, who publishes Wales's figure and where, rather
than telling the reader to fetch an English source that has no Welsh rows.

>>> raw = {"countries": [{"letter": "W", "name": "Wales", "note": "N", "note_source": "S", "note_year": 2019}],
...        "sources": [{"key": "k", "country": "W", "replaces": ["fingertips"], "publisher": "P", "title": "T",
...                     "url": "https://example.org", "gives": "G"}]}
>>> countries, sources = parse_devolved(raw, "devolved_sources.yaml")
>>> countries["W"].name, sources[0].replaces
('Wales', ('fingertips',))
>>> parse_devolved({"countries": [], "sources": [{"key": "k"}]}, "devolved_sources.yaml")
Traceback (most recent call last):
...
assessment.core.errors.InputError: devolved_sources.yaml source k: missing field(s) country, gives, publisher, replaces, title, url
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.errors import InputError
from ..core.registry_fields import check_entry, read_registry

COUNTRY_FIELDS = {"letter", "name", "note", "note_source", "note_year"}
SOURCE_FIELDS = {"key", "country", "replaces", "indicators", "publisher", "title", "url", "gives"}


@dataclass(frozen=True)
class Country:
    """A country outside England a report can be about, and the statement its reader needs first."""

    letter: str
    name: str
    note: str
    note_source: str
    note_year: str


@dataclass(frozen=True)
class DevolvedSource:
    """Who publishes, for one country, the figures that England-only sources give England."""

    key: str
    country: str
    replaces: tuple[str, ...]
    indicators: tuple[str, ...]
    publisher: str
    title: str
    url: str
    gives: str


def _text(value) -> str:
    return " ".join(str(value).split())


def parse_devolved(raw: dict, where: str) -> tuple[dict[str, Country], tuple[DevolvedSource, ...]]:
    """The countries and sources of ``devolved_sources.yaml``, each entry checked for its fields."""
    if not isinstance(raw, dict):
        raise InputError(f"{where}: no 'countries:' and 'sources:'")
    countries = {}
    for item in raw.get("countries") or []:
        check_entry(item, allowed=COUNTRY_FIELDS, required=tuple(sorted(COUNTRY_FIELDS)),
                    where=f"{where} country {item.get('letter', '?') if isinstance(item, dict) else '?'}")
        countries[str(item["letter"])] = Country(**{k: _text(v) for k, v in item.items()})
    sources = []
    for item in raw.get("sources") or []:
        at = f"{where} source {item.get('key', '?') if isinstance(item, dict) else '?'}"
        check_entry(item, allowed=SOURCE_FIELDS, required=tuple(sorted(SOURCE_FIELDS - {"indicators"})), where=at)
        if str(item["country"]) not in countries:
            raise InputError(f"{at}: country '{item['country']}' is not one of the countries: "
                             f"{', '.join(countries) or 'none'}")
        sources.append(DevolvedSource(
            key=str(item["key"]), country=str(item["country"]), replaces=tuple(map(str, item["replaces"])),
            indicators=tuple(map(str, item.get("indicators") or ())), publisher=_text(item["publisher"]),
            title=_text(item["title"]), url=_text(item["url"]), gives=_text(item["gives"])))
    return countries, tuple(sources)


def load_devolved(path: Path) -> tuple[dict[str, Country], tuple[DevolvedSource, ...]]:
    """Read and check the registry; a copy of the registries without the file has none."""
    if not path.is_file():
        return {}, ()
    return parse_devolved(read_registry(path), str(path))
