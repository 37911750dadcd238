"""The table of geography levels (``boundaries/levels.yaml``): what each kind of area is and how it behaves.

Every part of the package that needs to know the levels (the tidy frame's
area types, the lookups joined into a geography, roll-ups, peers, boundary
files, a report's "county council" or "police force area") iterates over this
table instead of typing the list out.

>>> LEVELS["pfa"].label, LEVELS["pfa"].peers, LEVELS["pfa"].lookup.code
('police force area', 'all', 'pfa_code')
>>> level_of_code("E06000001"), level_of_code("W15000001"), level_of_code("X1")
('lad', 'pfa', None)
>>> [level.key for level in rollup_levels()]
['england', 'region', 'utla', 'pfa']
>>> lookup_roles()
['lad_region', 'lad_utla', 'lad_csp_pfa']
>>> ENGLAND_CODE, ENGLAND_NAME
('E92000001', 'England')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .registry_fields import check_entry, read_registry
from .paths import BOUNDARIES_DIR

LEVELS_PATH = BOUNDARIES_DIR / "levels.yaml"
LEVEL_FIELDS = {"label", "label_upper_tier", "label_by_prefix", "parent_label", "code_prefixes", "area", "lookup",
                "upper_tier_level", "boundary", "rollup", "peers", "map", "map_level", "resolve_order", "aliases",
                "report_level", "district_column", "edition", "edition_prefixes"}


@dataclass(frozen=True)
class LookupColumns:
    """Which ONS lookup names a district's area of a level, and in which canonical columns."""

    role: str
    code: str
    name: str
    many_to_many: bool = False


@dataclass(frozen=True)
class Level:
    """One geography level (see ``boundaries/levels.yaml`` for the fields)."""

    key: str
    label: str
    code_prefixes: tuple[str, ...]
    resolve_order: int
    peers: str = "none"
    map: str = "districts"
    map_level: str | None = None
    rollup: bool = False
    report_level: bool = False
    district_column: bool = False
    label_upper_tier: str | None = None
    parent_label: str | None = None
    area: tuple[str, str] | None = None
    lookup: LookupColumns | None = None
    upper_tier_level: str | None = None
    boundary: str | None = None
    aliases: tuple[str, ...] = ()
    edition: str | None = None
    edition_prefixes: tuple[str, ...] = ()
    label_by_prefix: tuple[tuple[str, str], ...] = ()

    def edition_for(self, code: str) -> str | None:
        """The edition an area of this level with ``code`` gets, or None (a Welsh council: the chapter is England's).

        >>> LEVELS["lad"].edition_for("E06000009"), LEVELS["lad"].edition_for("W06000015")
        ('jsna-chapter', None)
        >>> LEVELS["pfa"].edition_for("W15000004")
        'police-and-crime'
        """
        if not self.edition or (self.edition_prefixes and str(code)[:3] not in self.edition_prefixes):
            return None
        return self.edition

    @property
    def lookup_columns(self) -> LookupColumns:
        """The lookup naming a district's area of this level; asking a level with one fixed area is a bug."""
        if self.lookup is None:
            raise InputError(f"boundaries/levels.yaml level {self.key}: has one area, not a lookup of districts")
        return self.lookup

    @property
    def as_parent(self) -> str:
        """How an area of this level is named as a parent ("upper-tier authority"); only parent levels have one."""
        if not self.parent_label:
            raise InputError(f"boundaries/levels.yaml level {self.key}: has no parent_label")
        return self.parent_label

    @property
    def prefix(self) -> str:
        """The prefix messages suggest before a name of this level in --area (``pfa:``, ``county:``)."""
        return self.aliases[0] if self.aliases else self.key

    def label_for(self, is_upper_tier: bool, code: str = "") -> str:
        """The reader-facing kind of an area of this level: by its code's prefix ("London borough" for
        E09), else "unitary authority" for an upper-tier district, else the level's label.

        >>> [LEVELS["lad"].label_for(True, c) for c in ("E09000022", "E08000025", "E06000009")]
        ['London borough', 'metropolitan borough', 'unitary authority']
        """
        by_prefix = dict(self.label_by_prefix).get(code[:3])
        if by_prefix:
            return by_prefix
        return self.label_upper_tier if is_upper_tier and self.label_upper_tier else self.label

    @property
    def in_district_table(self) -> bool:
        """True when each district lies in exactly one area of this level (a column of ``Geography.lads``)."""
        return self.lookup is not None and not self.lookup.many_to_many


def _labels_by_prefix(raw, prefixes: list, at: str) -> tuple[tuple[str, str], ...]:
    """``label_by_prefix`` as (prefix, label) pairs; each prefix must be one of the level's code prefixes."""
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not all(isinstance(v, str) and v for v in raw.values()):
        raise InputError(f"{at}: label_by_prefix must map code prefixes to labels")
    if unknown := [p for p in raw if p not in prefixes]:
        raise InputError(f"{at}: label_by_prefix prefix '{unknown[0]}' is not one of the level's code_prefixes")
    return tuple((str(p), str(label)) for p, label in raw.items())


def _edition_prefixes(item: dict, at: str) -> tuple[str, ...]:
    """The level's ``edition_prefixes``: each one of its code_prefixes, and only with an edition."""
    raw = item.get("edition_prefixes") or []
    if raw and not item.get("edition"):
        raise InputError(f"{at}: edition_prefixes given without an edition")
    if unknown := [p for p in raw if p not in item["code_prefixes"]]:
        raise InputError(f"{at}: edition_prefixes prefix '{unknown[0]}' is not one of the level's code_prefixes")
    return tuple(str(p) for p in raw)


def parse_levels(raw: dict, where: str) -> dict[str, Level]:
    """Levels from the parsed YAML; a bad entry is one line naming the file, level and field."""
    if not isinstance(raw, dict) or not isinstance(raw.get("levels"), dict):
        raise InputError(f"{where}: no 'levels:' table")
    levels: dict[str, Level] = {}
    for key, item in raw["levels"].items():
        at = f"{where} level {key}"
        check_entry(item, allowed=LEVEL_FIELDS, required=("label", "code_prefixes", "resolve_order"), where=at)
        if ("lookup" in item) == ("area" in item):
            raise InputError(f"{at}: give either a lookup (areas named by a district lookup) or its one area")
        lookup = item.get("lookup")
        area = item.get("area")
        levels[key] = Level(
            key=key, label=item["label"], code_prefixes=tuple(item["code_prefixes"]),
            resolve_order=int(item["resolve_order"]), peers=item.get("peers", "none"),
            map=item.get("map", "districts"), map_level=item.get("map_level"), rollup=bool(item.get("rollup", False)),
            report_level=bool(item.get("report_level", False)),
            district_column=bool(item.get("district_column", False)), label_upper_tier=item.get("label_upper_tier"),
            parent_label=item.get("parent_label"), area=(str(area["code"]), str(area["name"])) if area else None,
            lookup=LookupColumns(**lookup) if lookup else None, upper_tier_level=item.get("upper_tier_level"),
            boundary=item.get("boundary"), aliases=tuple(item.get("aliases", ())), edition=item.get("edition"),
            edition_prefixes=_edition_prefixes(item, at),
            label_by_prefix=_labels_by_prefix(item.get("label_by_prefix"), item["code_prefixes"], at),
        )
        if levels[key].district_column and not levels[key].parent_label:  # else the table would drop the column
            raise InputError(f"{at}: district_column needs a parent_label (the column's heading)")
    containers = [key for key, lv in levels.items() if lv.in_district_table]
    for level in levels.values():
        for name, value, allowed in (("peers", level.peers, ["all", "none", *containers]),
                                     ("map", level.map, ["districts", *containers]),
                                     ("map_level", level.map_level, [None, *levels]),
                                     ("upper_tier_level", level.upper_tier_level, [None, *levels])):
            if value not in allowed:
                raise InputError(f"{where} level {level.key}: {name} '{value}' is not one of "
                                 f"{', '.join(str(a) for a in allowed if a)}")
    districts = [lv for lv in levels.values() if lv.lookup and lv.lookup.code == "lad_code"]
    if len(districts) != 1:
        raise InputError(f"{where}: exactly one level must be the districts (lookup code column lad_code)")
    national = raw.get("national")
    if national not in levels or not levels[national].area:
        raise InputError(f"{where}: national '{national}' must name a level with one area (England)")
    return levels


def load_levels(path: Path = LEVELS_PATH) -> tuple[dict[str, Level], str]:
    """Read and check the levels table: the levels by key, and the national level's key."""
    raw = read_registry(path, "levels table")
    return parse_levels(raw, str(path)), raw["national"]


#: The shipped table, read once at import (the tidy frame's schema is built from it).
LEVELS, ENGLAND_LEVEL = load_levels()
DISTRICT_LEVEL: Level = next(lv for lv in LEVELS.values() if lv.lookup and lv.lookup.code == "lad_code")
_NATIONAL_AREA = LEVELS[ENGLAND_LEVEL].area
if _NATIONAL_AREA is None:  # parse_levels refuses such a table; checked again so the names below are never None
    raise InputError(f"boundaries/levels.yaml: national level '{ENGLAND_LEVEL}' has no area")
ENGLAND_CODE, ENGLAND_NAME = _NATIONAL_AREA
AREA_TYPES: tuple[str, ...] = tuple(LEVELS)
LEVEL_BY_PREFIX: dict[str, str] = {prefix: lv.key for lv in LEVELS.values() for prefix in lv.code_prefixes}


def level_of_code(code: str) -> str | None:
    """The level (tidy-frame area type) of an ONS code, or ``None`` if it is not one we use."""
    return LEVEL_BY_PREFIX.get(str(code)[:3])


def rollup_levels() -> list[Level]:
    """Levels whose areas `jsna build` adds up from district counts, in table order."""
    return [lv for lv in LEVELS.values() if lv.rollup]


def parent_levels() -> list[Level]:
    """Levels named as an area's parents ("It lies within ..."), most local first."""
    return sorted((lv for lv in LEVELS.values() if lv.parent_label and lv.in_district_table),
                  key=lambda lv: lv.resolve_order)


def district_columns() -> list[Level]:
    """Levels shown as columns of the table of an area's districts, most local first."""
    return [level for level in parent_levels() if level.district_column]


def lookup_roles() -> list[str]:
    """The ONS lookups a geography is built from, the district list first."""
    roles = [DISTRICT_LEVEL.lookup_columns.role] + [lv.lookup.role for lv in LEVELS.values() if lv.lookup]
    return list(dict.fromkeys(roles))


def boundary_levels() -> list[str]:
    """Levels a map can draw (each has a boundary dataset key)."""
    return [lv.key for lv in LEVELS.values() if lv.boundary]


def report_levels() -> list[str]:
    """Levels reports are written for (`jsna render --all --geography` accepts each)."""
    return [lv.key for lv in LEVELS.values() if lv.report_level]


def edition_levels() -> list[Level]:
    """Levels whose areas get a report edition (`jsna areas` lists them), in table order."""
    return [lv for lv in LEVELS.values() if lv.edition]


def edition_type_words() -> dict[str, str]:
    """Each word `jsna areas --type` takes (a level's key or alias, as before a name in --area) -> its level."""
    listed = {level.key for level in edition_levels()}
    return {word: key for word, key in level_aliases().items() if key in listed}


def total_levels() -> list[str]:
    """Report levels above the districts: uploaded district figures get a total for each of their areas."""
    return [key for key in report_levels() if key != DISTRICT_LEVEL.key]


def level_aliases() -> dict[str, str]:
    """Every prefix accepted before an area name (``pfa:``, ``police:``...) -> its level."""
    out = {lv.key: lv.key for lv in LEVELS.values()}
    out.update({alias: lv.key for lv in LEVELS.values() for alias in lv.aliases})
    return out
