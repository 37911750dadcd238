"""The geography of a report: districts with their parents, and area resolution.

>>> import pandas as pd
>>> lads = pd.DataFrame({"lad_code": ["E07999001", "E06999001"], "lad_name": ["Alder", "Port"],
...                      "utla_code": ["E10999001", "E06999001"], "utla_name": ["Northmere", "Port"],
...                      "region_code": ["E12999001"] * 2, "region_name": ["Wessex"] * 2,
...                      "pfa_code": ["E23999001"] * 2, "pfa_name": ["Northmere Police"] * 2})
>>> geo = Geography(lads)
>>> geo.resolve("northmere").code, geo.resolve("E23999001").area_type
('E10999001', 'pfa')
>>> geo.constituent_lads("E23999001")
['E06999001', 'E07999001']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.errors import AreaNotFoundError, InputError
from ..tidy.frame import area_type_for_code
from ..core.safe_text import BIDI_CONTROLS
from ..core.levels import DISTRICT_LEVEL, ENGLAND_CODE, ENGLAND_LEVEL, ENGLAND_NAME, LEVELS, Level, level_aliases, parent_levels
from .lookup_tables import DISTRICT_COLUMNS, join_lookups, read_lookup_csv
from .registry import default_vintage
from .resolution import (AREA_CODE, SUGGESTION_CUTOFF, ambiguous_name, former_area, former_names, former_note, in_level,
                         no_edition_message, not_found, outside_england_message, outside_name_of, outside_names,
                         outside_table)
from .resolution import normalise_name as _normalise

ENGLAND = (ENGLAND_CODE, ENGLAND_NAME)
LAD_COLUMNS = DISTRICT_COLUMNS
#: Order used when one name means several areas ("Durham": county UA and police force).
TYPE_PREFERENCE = {level.key: level.resolve_order for level in LEVELS.values()}
TYPE_PREFIXES = set(level_aliases())
_PREFIX_ALIASES = {alias: key for alias, key in level_aliases().items() if alias != key}


@dataclass(frozen=True)
class Area:
    """A resolved area: ONS code, name, tidy-frame area type and whether it is upper tier.

    ``note`` says how the query was read when that was not obvious (a former
    code or name resolved to its successor, "Cumbria" to the force now that the
    county is gone); the command line prints it.
    """

    code: str
    name: str
    area_type: str
    is_upper_tier: bool = False
    note: str = ""




def _readable_names(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with bidirectional control characters dropped from its name columns.

    A right-to-left override in a lookup's area name would reverse the text
    after it in every title, chart and table the name reaches.
    """
    names = [c for c in table.columns if str(c).endswith("_name")]
    if not names:
        return table
    return table.assign(**{c: table[c].map(lambda v: v.translate(BIDI_CONTROLS) if isinstance(v, str) else v)
                           for c in names})


def _own_copy(value):
    """A copy of a remembered answer a caller may change (its lists and dicts), the strings shared."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, tuple):
        return tuple(_own_copy(part) for part in value)
    return value


class Geography:
    """Districts (LADs) with the areas of every level they lie in, and area resolution.

    ``lads`` has one row per district with :data:`LAD_COLUMNS` (one code and
    name per level a district lies in exactly once); ``overlapping`` maps each
    level whose areas can share a district (community safety partnerships) to
    its published many-to-many district -> area table. The levels come from
    ``boundaries/levels.yaml`` (:mod:`assessment.core.levels`).
    """

    def __init__(self, lads: pd.DataFrame, overlapping: Mapping[str, pd.DataFrame] | None = None, *,
                 vintage: str | None = None, outside_england: pd.DataFrame | None = None):
        self.lads = _readable_names(
            lads[LAD_COLUMNS].drop_duplicates("lad_code").sort_values("lad_code").reset_index(drop=True))
        self.overlapping = {
            level.key: _readable_names((overlapping or {}).get(level.key, pd.DataFrame(
                columns=["lad_code", level.lookup_columns.code, level.lookup_columns.name])))
            for level in LEVELS.values() if level.lookup and level.lookup.many_to_many}
        self.vintage = str(vintage or default_vintage())
        #: code, name of the areas outside England the lookups list (so "Dyfed-Powys" is told it is Welsh)
        self.outside_england = outside_england
        #: what :meth:`_remembered` worked out, by (question, area code)
        self._relations: dict[tuple[str, str], object] = {}

    @classmethod
    def from_lookups(cls, tables: Mapping[str, pd.DataFrame], *, vintage: str | None = None) -> Geography:
        """A geography from the ONS lookups' canonical-column frames, by lookup role."""
        vintage = str(vintage or default_vintage())
        lads, overlapping = join_lookups(tables, vintage=vintage)
        return cls(lads, overlapping, vintage=vintage, outside_england=outside_table(tables.values()))

    @classmethod
    def from_files(cls, files: Mapping[str, str | Path], *, vintage: str | None = None) -> Geography:
        """A geography from lookup CSV files, by lookup role (``{"lad_region": path, ...}``)."""
        return cls.from_lookups({role: read_lookup_csv(Path(path), role) for role, path in files.items()},
                                vintage=vintage)

    # ------------------------------------------------------------ areas
    @cached_property
    def areas(self) -> pd.DataFrame:
        """Every area of every level: code, name, area_type, is_upper_tier."""
        parts = [self._level_areas(level).set_axis(["code", "name"], axis=1) for level in LEVELS.values()]
        areas = pd.concat(parts, ignore_index=True).dropna().drop_duplicates("code")
        areas["area_type"] = areas["code"].map(area_type_for_code)
        areas["is_upper_tier"] = areas["code"].isin(set(self.lads[self._upper_tier_column]))
        return areas.dropna(subset=["area_type"]).reset_index(drop=True)

    @cached_property
    def shared_names(self) -> frozenset[str]:
        """Names that two or more areas carry (Lancashire the county and the force), partnerships left out.

        Worked out once per geography: a report asks for every area it names.
        """
        areas = self.areas[self.areas["area_type"] != "csp"]  # a partnership named after its council is not a clash
        counts = areas.groupby("name")["code"].nunique()
        return frozenset(counts.index[counts >= 2])

    def _level_areas(self, level: Level) -> pd.DataFrame:
        """The code and name of each area of ``level``."""
        if level.area:
            return pd.DataFrame([level.area])
        columns = [level.lookup_columns.code, level.lookup_columns.name]
        table = self.lads if level.in_district_table else self.overlapping[level.key]
        return table[columns]

    @cached_property
    def _upper_tier_column(self) -> str:
        """The column of the level districts that are also upper tier (unitaries) compare in."""
        upper = DISTRICT_LEVEL.upper_tier_level
        return LEVELS[upper].lookup_columns.code if upper else DISTRICT_LEVEL.lookup_columns.code

    @cached_property
    def _by_code(self) -> dict[str, Area]:
        return {r["code"]: Area(r["code"], r["name"], r["area_type"], bool(r["is_upper_tier"]))
                for r in self.areas.to_dict("records")}

    @cached_property
    def _by_name(self) -> dict[str, list[Area]]:
        index: dict[str, list[Area]] = {}
        for area in self._by_code.values():
            index.setdefault(_normalise(area.name), []).append(area)
        for areas in index.values():
            areas.sort(key=lambda a: TYPE_PREFERENCE.get(a.area_type, 9))
        return index

    def resolve(self, query: str) -> Area:
        """An area from its code or name (case and punctuation ignored).

        A name several areas share ("West Midlands": the region and the police
        force area) is refused with :class:`AmbiguousAreaError`, listing each
        area's code, type and the value that asks for it (a type prefix such as
        ``pfa:West Midlands``, or the code); a partnership named after its council
        is not counted as a choice. A former code or name
        resolves to its successor with a note (see
        :mod:`assessment.geography.resolution`). An area outside England, or one
        matching nothing, raises :class:`AreaNotFoundError` saying what is
        covered, with the closest English names when there are any.
        """
        text = str(query).strip()
        wanted_type = None
        if ":" in text and text.split(":", 1)[0].strip().lower() in TYPE_PREFIXES:
            prefix, text = (part.strip() for part in text.split(":", 1))
            wanted_type = _PREFIX_ALIASES.get(prefix.lower(), prefix.lower())
        code = text.upper()
        if code in self._by_code:  # the common case, many times per report: nothing more to look at
            return self._by_code[code]
        if AREA_CODE.match(code):
            if code[0] != "E":
                raise AreaNotFoundError(outside_england_message(
                    query, code, outside_name_of(self, code)))
            found = former_area(self, code)
            if found is not None:
                return replace(found[0], note=found[1])
            raise not_found(self, query, text)
        candidates = self._by_name.get(_normalise(text), [])
        if wanted_type:
            candidates = [a for a in candidates if in_level(a, wanted_type)]
        elif any(a.area_type != "csp" for a in candidates):
            # A partnership named after its council ("Blackpool") covers the council's area: not a choice.
            candidates = [a for a in candidates if a.area_type != "csp"]
        if len(candidates) > 1:  # "West Midlands": the region or the force? Never guessed.
            raise ambiguous_name(query, candidates)
        former = former_names(self).get(_normalise(text), [])
        if candidates:
            chosen, note = candidates[0], ""
            for old in former:  # e.g. "Cumbria": the county is gone, the force of the same name remains
                note = " ".join(filter(None, [note, former_note(self, old, chosen)]))
            return replace(chosen, note=note) if note else chosen
        for old in former:
            found = former_area(self, old)
            if found is not None:
                return replace(found[0], note=found[1])
        outside = outside_names(self).get(_normalise(text))
        if outside:
            raise AreaNotFoundError(outside_england_message(query, *outside))
        raise not_found(self, query, text)

    def report_area(self, query: str) -> Area:
        """The area a report is asked for: :meth:`resolve`, refused when its level's edition does not
        cover it (a Welsh council: the JSNA chapter is England's; its police force area has a report)."""
        area = self.resolve(query)
        if not self.has_report(area):
            raise AreaNotFoundError(no_edition_message(self, query, area))
        return area

    @staticmethod
    def has_report(area: Area) -> bool:
        """Whether a report is written for ``area``: its level's edition covers it (not a Welsh council)."""
        level = LEVELS[area.area_type]
        if level.edition_for(area.code) is not None:
            return True
        # A level without an edition of its own (a partnership) gets the JSNA chapter, in England only.
        return not level.edition and area.code.startswith("E")

    def suggest(self, text: str, limit: int = 5) -> str:
        """The closest English area names and codes to ``text``, as one line ("none" if nothing is close)."""
        named = {_normalise(a.name) for a in self._by_code.values() if a.area_type != "csp"}
        # A partnership named like its district would only repeat the district.
        choices = {f"{a.name} ({a.code})": _normalise(a.name) for a in self._by_code.values()
                   if a.area_type != "csp" or _normalise(a.name) not in named}
        # Imported here: only a name that matches nothing needs it, and every build imports this module.
        from rapidfuzz import fuzz, process

        wanted = _normalise(text)
        found = process.extract(wanted, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=SUGGESTION_CUTOFF)
        # WRatio also rewards one shared word ("Glasgow City" ~ "Hull, City of"): the words must match closely too.
        close = [label for name, _, label in found if fuzz.partial_ratio(wanted, name) >= SUGGESTION_CUTOFF]
        return ", ".join(close) or "none"

    # -------------------------------------------------------- relations
    def peer_level(self, area: Area) -> str:
        """The level an area is compared in: its own, or for a unitary the upper tier's."""
        level = LEVELS[area.area_type]
        return level.upper_tier_level if area.is_upper_tier and level.upper_tier_level else level.key

    def kind_label(self, area: Area) -> str:
        """What a reader is told the area is ("county council", "London borough", "police force area")."""
        return LEVELS[area.area_type].label_for(area.is_upper_tier, area.code)

    def _members(self, level: Level, code: str) -> pd.DataFrame:
        """The district rows that make up one area of ``level``."""
        lads = self.lads
        if level.area:
            return self._country_lads(level)
        if level.in_district_table:
            return lads[lads[level.lookup_columns.code] == code]
        table = self.overlapping[level.key]
        return lads[lads["lad_code"].isin(table.loc[table[level.lookup_columns.code] == code, "lad_code"])]

    def _country_lads(self, level: Level) -> pd.DataFrame:
        """The districts of a one-area level (England): those whose code starts with its code's letter.

        The geography also holds the Welsh unitaries (for the Welsh forces); they are not part of England.
        """
        if level.area is None:  # callers pass a level with one area (level.area set)
            raise InputError(f"boundaries/levels.yaml level {level.key}: has no one area to find the districts of")
        in_country: pd.Series = self.lads["lad_code"].str[0] == level.area[0][0]
        return self.lads[in_country]

    def _remembered(self, question: str, code: str, work: Callable[[Area], Any]) -> Any:
        """``work(area)`` for the area ``code`` names, worked out once per area and question.

        The lookups never change once the geography is built, and a report asks
        about its area and its peers dozens of times (each answer a filter of
        every district). Callers get their own copy of a list or dict.
        """
        area = self.resolve(code)
        key = (question, area.code)
        if key not in self._relations:
            self._relations[key] = work(area)
        return _own_copy(self._relations[key])

    def constituent_lads(self, code: str) -> list[str]:
        """The districts that make up an area (a district is its own only constituent)."""
        return self._remembered("constituent_lads", code, lambda area: sorted(
            self._members(LEVELS[self.peer_level(area)], area.code)["lad_code"]))

    def parents(self, code: str) -> dict[str, str]:
        """The areas containing an area, by level: England, and each level with a parent label.

        A parent is given only when the whole area lies inside one parent of that level.
        """
        return self._remembered("parents", code, lambda area: self._parents(area.code))

    def _parents(self, code: str) -> dict[str, str]:
        lads = self.lads[self.lads["lad_code"].isin(self.constituent_lads(code))]
        england = self._country_lads(LEVELS[ENGLAND_LEVEL])
        # A Welsh area lies in no English region, and not in England.
        out = {ENGLAND_LEVEL: ENGLAND_CODE} if lads["lad_code"].isin(england["lad_code"]).all() else {}
        for level in parent_levels():
            values = lads[level.lookup_columns.code].unique()
            if len(values) == 1 and pd.notna(values[0]):
                out[level.key] = str(values[0])
        return out

    def _codes_in(self, level: Level, districts: pd.DataFrame) -> list[str]:
        """The codes of the areas of ``level`` that the given district rows lie in."""
        if level.area:
            return [level.area[0]]
        if level.in_district_table:
            return sorted(districts[level.lookup_columns.code].dropna().unique())
        table = self.overlapping[level.key]
        return sorted(table.loc[table["lad_code"].isin(districts["lad_code"]), level.lookup_columns.code].unique())

    def peers(self, code: str) -> list[str]:
        """Areas to compare with, by the level's peer rule: the same level in the same region, or every area."""
        return self._remembered("peers", code, self._peers)

    def _peers(self, area: Area) -> list[str]:
        code = area.code
        level = LEVELS[self.peer_level(area)]
        if level.peers == "none":
            return []
        if level.peers == "all":
            return self._codes_in(level, self.lads)
        container = self.parents(code).get(level.peers)
        column = LEVELS[level.peers].lookup_columns.code
        return self._codes_in(level, self.lads[self.lads[column] == container] if container else self.lads)

    def map_areas(self, code: str) -> tuple[str, list[str], str | None]:
        """What the area map shows: (level drawn, codes drawn, containing area's code or None).

        By the level's map rule: the area's own districts (a force), or the
        areas of its peer level within its region (the area highlighted).
        """
        return self._remembered("map_areas", code, self._map_areas)

    def _map_areas(self, area: Area) -> tuple[str, list[str], str | None]:
        code = area.code
        level = LEVELS[self.peer_level(area)]
        if level.map == "districts":
            return DISTRICT_LEVEL.key, self.constituent_lads(code), None
        drawn = LEVELS[level.map_level] if level.map_level else level
        container = self.parents(code).get(level.map)
        column = LEVELS[level.map].lookup_columns.code
        inside = self.lads[self.lads[column] == container] if container else self.lads.iloc[0:0]
        return drawn.key, self._codes_in(drawn, inside), container

    def rollup_lookup(self, parent_type: str, child_type: str = "lad") -> pd.DataFrame:
        """Child -> parent lookup for building parent values from child counts.

        Children are districts (``child_type="lad"``) or upper-tier authorities
        (``"utla"``, for indicators published only for them); a child split
        between parents appears once per parent, so the roll-up can tell it
        cannot be apportioned. An area that is its own parent (a unitary is its
        own upper tier) needs no roll-up and is left out.
        """
        parent, child = LEVELS[parent_type], LEVELS[child_type]
        lads = self.lads
        if parent.area:
            pairs = self._country_lads(parent)[[child.lookup_columns.code]].assign(parent_code=parent.area[0],
                                                                           parent_name=parent.area[1])
        elif parent.in_district_table:  # a Welsh district has no region: no pair
            pairs = lads[[child.lookup_columns.code, parent.lookup_columns.code, parent.lookup_columns.name]].dropna()
        else:
            table = self.overlapping[parent.key]
            children = lads[list(dict.fromkeys(["lad_code", child.lookup_columns.code]))].drop_duplicates()
            pairs = table.merge(children, on="lad_code")[[child.lookup_columns.code, parent.lookup_columns.code, parent.lookup_columns.name]]
        pairs = pairs.set_axis(["child_code", "parent_code", "parent_name"], axis=1)
        if child is not DISTRICT_LEVEL:
            pairs = pairs.drop_duplicates(["child_code", "parent_code"])
        return pairs[pairs["child_code"] != pairs["parent_code"]].reset_index(drop=True)

    def codes_of_type(self, area_type: str) -> list[str]:
        """Every code of an area type; "utla" includes the unitary, metropolitan and London authorities."""
        level = LEVELS[area_type]
        if level.in_district_table:
            return sorted(self.lads[level.lookup_columns.code].dropna().unique())
        return sorted(self.areas.loc[self.areas["area_type"] == area_type, "code"])
