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

import re
from dataclasses import dataclass, replace
from functools import cached_property

import pandas as pd
from rapidfuzz import fuzz, process

from ..errors import AreaNotFoundError
from ..frame import area_type_for_code

ENGLAND = ("E92000001", "England")
LAD_COLUMNS = ["lad_code", "lad_name", "utla_code", "utla_name", "region_code", "region_name",
               "pfa_code", "pfa_name"]
#: Order used when one name means several areas ("Durham": county UA and police force).
TYPE_PREFERENCE = {"lad": 0, "utla": 1, "region": 2, "pfa": 3, "csp": 4, "england": 5}
TYPE_PREFIXES = {"lad", "utla", "region", "pfa", "csp", "england", "district", "county", "police"}
_PREFIX_ALIASES = {"district": "lad", "county": "utla", "police": "pfa"}


@dataclass(frozen=True)
class Area:
    """A resolved area: ONS code, name, tidy-frame area type and whether it is upper tier.

    ``note`` says how the query was read when that was not obvious (a former
    code resolved to its successor, a name shared by a county and a force);
    the command line prints it.
    """

    code: str
    name: str
    area_type: str
    is_upper_tier: bool = False
    note: str = ""


def _normalise(text: str) -> str:
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


class Geography:
    """Districts (LADs) with their upper-tier authority, region and police force area.

    ``lads`` has one row per district with :data:`LAD_COLUMNS`; ``lad_csp`` is the
    published many-to-many district -> community safety partnership lookup.
    """

    def __init__(self, lads: pd.DataFrame, lad_csp: pd.DataFrame | None = None, *, vintage: str = "2024",
                 outside_england: pd.DataFrame | None = None):
        self.lads = lads[LAD_COLUMNS].drop_duplicates("lad_code").sort_values("lad_code").reset_index(drop=True)
        self.lad_csp = lad_csp if lad_csp is not None else pd.DataFrame(
            columns=["lad_code", "csp_code", "csp_name", "pfa_code"])
        self.vintage = vintage
        #: code, name of the areas outside England the lookups list (so "Dyfed-Powys" is told it is Welsh)
        self.outside_england = outside_england

    # ------------------------------------------------------------ areas
    @cached_property
    def areas(self) -> pd.DataFrame:
        """Every area: code, name, area_type, is_upper_tier (England, regions, UTLAs, LADs, CSPs, PFAs)."""
        lads = self.lads
        upper = set(lads["utla_code"])
        parts = [
            pd.DataFrame([{"code": ENGLAND[0], "name": ENGLAND[1]}]),
            lads[["region_code", "region_name"]].set_axis(["code", "name"], axis=1),
            lads[["utla_code", "utla_name"]].set_axis(["code", "name"], axis=1),
            lads[["lad_code", "lad_name"]].set_axis(["code", "name"], axis=1),
            lads[["pfa_code", "pfa_name"]].set_axis(["code", "name"], axis=1),
            self.lad_csp[["csp_code", "csp_name"]].set_axis(["code", "name"], axis=1),
        ]
        areas = pd.concat(parts, ignore_index=True).dropna().drop_duplicates("code")
        areas["area_type"] = areas["code"].map(area_type_for_code)
        areas.loc[areas["code"] == ENGLAND[0], "area_type"] = "england"
        areas["is_upper_tier"] = areas["code"].isin(upper)
        return areas.dropna(subset=["area_type"]).reset_index(drop=True)

    @cached_property
    def _by_code(self) -> dict[str, Area]:
        return {r.code: Area(r.code, r.name, r.area_type, bool(r.is_upper_tier))
                for r in self.areas.itertuples(index=False)}

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

        A name shared by several areas resolves to the local authority first, and
        the returned area's ``note`` says so and how to ask for the other (a type
        prefix such as ``pfa:Lancashire``, or the code). A former code or name
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
        from . import resolution

        if resolution.AREA_CODE.match(code):
            if code[0] != "E":
                raise AreaNotFoundError(resolution.outside_england_message(
                    query, code, resolution.outside_name_of(self, code)))
            found = resolution.former_area(self, code)
            if found is not None:
                return replace(found[0], note=found[1])
            raise resolution.not_found(self, query, text)
        candidates = self._by_name.get(_normalise(text), [])
        if wanted_type:
            candidates = [a for a in candidates if a.area_type == wanted_type
                          or (wanted_type == "utla" and a.is_upper_tier)]
        former = resolution.former_names(self).get(_normalise(text), [])
        if candidates:
            chosen = candidates[0]
            others = [a for a in candidates[1:] if a.area_type != chosen.area_type] if not wanted_type else []
            note = resolution.chosen_among(query, chosen, others)
            for old in former:  # e.g. "Cumbria": the county is gone, the force of the same name remains
                note = " ".join(filter(None, [note, resolution.former_note(self, old, chosen)]))
            return replace(chosen, note=note) if note else chosen
        for old in former:
            found = resolution.former_area(self, old)
            if found is not None:
                return replace(found[0], note=found[1])
        outside = resolution.outside_names(self).get(_normalise(text))
        if outside:
            raise AreaNotFoundError(resolution.outside_england_message(query, *outside))
        raise resolution.not_found(self, query, text)

    def suggest(self, text: str, limit: int = 5) -> str:
        """The closest English area names and codes to ``text``, as one line ("none" if nothing is close)."""
        from .resolution import SUGGESTION_CUTOFF

        named = {_normalise(a.name) for a in self._by_code.values() if a.area_type != "csp"}
        # A partnership named like its district would only repeat the district.
        choices = {f"{a.name} ({a.code})": _normalise(a.name) for a in self._by_code.values()
                   if a.area_type != "csp" or _normalise(a.name) not in named}
        wanted = _normalise(text)
        found = process.extract(wanted, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=SUGGESTION_CUTOFF)
        # WRatio also rewards one shared word ("Glasgow City" ~ "Hull, City of"): the words must match closely too.
        close = [label for name, _, label in found if fuzz.partial_ratio(wanted, name) >= SUGGESTION_CUTOFF]
        return ", ".join(close) or "none"

    # -------------------------------------------------------- relations
    def constituent_lads(self, code: str) -> list[str]:
        """The districts that make up an area (a district is its own only constituent)."""
        area = self.resolve(code)
        lads = self.lads
        if area.area_type == "england":
            selected = lads
        elif area.area_type == "csp":
            selected = lads[lads["lad_code"].isin(self.lad_csp.loc[self.lad_csp["csp_code"] == area.code, "lad_code"])]
        else:
            column = {"lad": "lad_code", "utla": "utla_code", "region": "region_code", "pfa": "pfa_code"}[area.area_type]
            selected = lads[lads[column] == area.code]
            if area.area_type == "lad" and area.is_upper_tier:
                selected = lads[lads["utla_code"] == area.code]
        return sorted(selected["lad_code"])

    def parents(self, code: str) -> dict[str, str]:
        """The upper-tier authority, region, police force area and England containing an area.

        A parent is given only when the whole area lies inside one parent of that type.
        """
        lads = self.lads[self.lads["lad_code"].isin(self.constituent_lads(code))]
        out = {"england": ENGLAND[0]}
        for key in ("utla", "region", "pfa"):
            values = lads[f"{key}_code"].unique()
            if len(values) == 1:
                out[key] = str(values[0])
        return out

    def peers(self, code: str) -> list[str]:
        """Areas to compare with: the same type in the same region (all forces for a force)."""
        area = self.resolve(code)
        lads = self.lads
        if area.area_type == "england":
            return []
        if area.area_type in ("pfa", "region"):
            return sorted(lads[f"{area.area_type}_code"].unique())
        region = self.parents(code).get("region")
        in_region = lads[lads["region_code"] == region] if region else lads
        if area.area_type == "lad" and not area.is_upper_tier:
            return sorted(in_region["lad_code"].unique())
        return sorted(in_region["utla_code"].unique())

    def rollup_lookup(self, parent_type: str, child_type: str = "lad") -> pd.DataFrame:
        """Child -> parent lookup for building parent values from child counts.

        Children are districts (``child_type="lad"``) or upper-tier authorities
        (``"utla"``, for indicators published only for them); an upper-tier
        authority split between parents appears once per parent, so the
        roll-up can tell it cannot be apportioned.
        """
        lads = self.lads
        if child_type == "utla":
            pairs = lads[["utla_code", f"{parent_type}_code", f"{parent_type}_name"]] if parent_type != "england" \
                else lads[["utla_code"]].assign(parent_code=ENGLAND[0], parent_name=ENGLAND[1])
            pairs = pairs.set_axis(["child_code", "parent_code", "parent_name"], axis=1)
            return pairs.drop_duplicates(["child_code", "parent_code"]).reset_index(drop=True)
        if parent_type == "england":
            return pd.DataFrame({"child_code": lads["lad_code"], "parent_code": ENGLAND[0],
                                 "parent_name": ENGLAND[1]})
        if parent_type == "csp":
            joined = self.lad_csp.merge(lads[["lad_code"]], on="lad_code")
            return joined.rename(columns={"lad_code": "child_code", "csp_code": "parent_code",
                                          "csp_name": "parent_name"})[["child_code", "parent_code", "parent_name"]]
        out = lads[["lad_code", f"{parent_type}_code", f"{parent_type}_name"]]
        out = out.set_axis(["child_code", "parent_code", "parent_name"], axis=1)
        if parent_type == "utla":  # a unitary is its own upper tier: no roll-up needed
            out = out[out["child_code"] != out["parent_code"]]
        return out.reset_index(drop=True)

    def codes_of_type(self, area_type: str) -> list[str]:
        """Every code of an area type; "utla" includes the unitary, metropolitan and London authorities."""
        if area_type == "utla":
            return sorted(self.lads["utla_code"].unique())
        return sorted(self.areas.loc[self.areas["area_type"] == area_type, "code"])
