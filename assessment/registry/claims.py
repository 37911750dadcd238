"""National claims and core measures: the registries behind the chapter's readers' text and key messages.

Every statement about the country that an intro makes is a claim of
``data_sources/national_claims.yaml`` with its source and year, cited in the
intro as ``{claim:key}``; :func:`expand_claims` writes it out with the
citation. ``data_sources/key_messages.yaml`` lists the chapter's core
measures, which the summary always reports.

>>> claims = {"c": Claim("c", "fewer than half had settled accommodation", "MoJ", 2023)}
>>> expand_claims("Yet {claim:c}.", claims)
'Yet fewer than half had settled accommodation (MoJ, 2023).'
>>> cited_claims("A {claim:a} and {claim:b}.")
['a', 'b']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import InputError
from ..core.registry_fields import check_entry, read_registry

CITATION = re.compile(r"\{claim:([a-z0-9_]+)\}")
CLAIM_FIELDS = {"key", "text", "source", "year", "seed"}
CORE_FIELDS = {"key", "label", "indicators", "meaning"}


@dataclass(frozen=True)
class Claim:
    """A national claim with the source and year a reader is given."""

    key: str
    text: str
    source: str
    year: int

    def cited(self) -> str:
        return f"{self.text} ({self.source}, {self.year})"


@dataclass(frozen=True)
class CoreMeasure:
    """A measure the key messages always cover: catalogue keys, preferred first."""

    key: str
    label: str
    indicators: tuple[str, ...]
    meaning: str = ""


def _read(path: Path, part: str) -> list:
    raw = read_registry(path) or {}
    items = raw.get(part)
    if not isinstance(items, list):
        raise InputError(f"{path}: no '{part}:' list")
    return items


def load_claims(path: Path) -> dict[str, Claim]:
    """The national claims, each with text, source and a four-digit year."""
    claims = {}
    for position, item in enumerate(_read(path, "claims"), start=1):
        at = f"{path} claim {item.get('key', position) if isinstance(item, dict) else position}"
        check_entry(item, allowed=CLAIM_FIELDS, required=("key", "text", "source", "year"), where=at)
        if not re.fullmatch(r"(19|20)\d\d", str(item["year"])):
            raise InputError(f"{at}: year '{item['year']}' is not a year")
        if item["key"] in claims:
            raise InputError(f"{at}: duplicate key")
        claims[item["key"]] = Claim(str(item["key"]), " ".join(str(item["text"]).split()),
                                    " ".join(str(item["source"]).split()), int(item["year"]))
    return claims


def load_core_measures(path: Path) -> tuple[CoreMeasure, ...]:
    """The core measures of the key messages, in the order the registry lists them."""
    measures = []
    for position, item in enumerate(_read(path, "core_measures"), start=1):
        at = f"{path} measure {item.get('key', position) if isinstance(item, dict) else position}"
        check_entry(item, allowed=CORE_FIELDS, required=("key", "label", "indicators"), where=at)
        if not isinstance(item["indicators"], list) or not item["indicators"]:
            raise InputError(f"{at}: indicators must be a list of catalogue keys")
        measures.append(CoreMeasure(str(item["key"]), str(item["label"]), tuple(map(str, item["indicators"])),
                                    " ".join(str(item.get("meaning") or "").split())))
    return tuple(measures)


@dataclass(frozen=True)
class DifferenceRule:
    """When a difference from England is small in practice, and for which value types a ratio means something."""

    small: float = 0.10
    ratio_value_types: tuple[str, ...] = ("crude rate", "directly standardised rate",
                                          "indirectly standardised ratio", "proportion")


def load_difference_rule(path: Path) -> DifferenceRule:
    """``small_difference`` and ``ratio_value_types`` of ``key_messages.yaml``; a bad value is one line."""
    raw = read_registry(path) or {}
    small = raw.get("small_difference")
    if isinstance(small, bool) or not isinstance(small, (int, float)) or not 0 <= small < 1:
        raise InputError(f"{path}: small_difference '{small}' must be a share of England's value from 0 to 1")
    types = raw.get("ratio_value_types")
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise InputError(f"{path}: ratio_value_types must be a list of value types")
    return DifferenceRule(float(small), tuple(types))


def cited_claims(text: str) -> list[str]:
    """The claim keys a text cites, in order."""
    return CITATION.findall(text or "")


def expand_claims(text: str, claims: dict[str, Claim]) -> str:
    """``text`` with every ``{claim:key}`` written out with its source and year."""
    return CITATION.sub(lambda m: claims[m[1]].cited(), text or "")
