"""What a user typed after ``--area``, when it is not simply a current code or a unique name.

:meth:`assessment.geography.Geography.resolve` asks these helpers for:

- a former code or name (``E10000023``, "Harrogate"): its successor in the
  report's geography, with a note saying what happened (the same area under a
  new code, or merged into a larger one); a split county (Cumbria) resolves to
  the police force area covering exactly its area, if there is one, with a
  note naming the new councils;
- a code newer than the geography (Barnsley's 2025 ``E08000038``): the code
  the geography uses for the same area;
- a name shared by areas of different types ("Lancashire": county council and
  police force area; "West Midlands": region and police force area): refused,
  listing each area's code, type and the ``--area`` value that asks for it;
- an area outside England and Wales (Scottish ``S12`` codes), or a Welsh one
  the lookups do not list: a message saying what the tool covers, never a
  "closest match" that only shares some letters. The Welsh forces (``W15``,
  "Dyfed-Powys") and their councils (``W06``) are in the geography; a Welsh
  council is refused a report by :func:`no_edition_message`, naming its force.

>>> print(SUPPORTED.split(":")[0])
jsna-justice covers areas of England
"""

from __future__ import annotations

import re
import shlex

import pandas as pd

from ..core.errors import AmbiguousAreaError, AreaNotFoundError
from ..core.levels import DISTRICT_LEVEL, LEVELS, level_aliases
from .crosswalk import changes_table, code_chains, former_name, newer_recodes, successors

SUPPORTED = ("jsna-justice covers areas of England: districts and unitary authorities (E06, E07, E08, E09), "
             "county councils (E10), regions (E12), England (E92000001), and the 43 police force areas of England "
             "and Wales (E23, W15), by ONS code or name (a name several areas share needs pfa:, county:, district: "
             "or region: before it; `jsna areas` lists them)")
AREA_CODE = re.compile(r"^[EWSNKJ]\d{8}$")
OUTSIDE_ENGLAND = {"W06": "a local authority in Wales", "W15": "a police force area in Wales",
                   "W14": "a community safety partnership in Wales", "W92": "Wales", "S12": "a council area in Scotland",
                   "S92": "Scotland", "N09": "a district in Northern Ireland", "N92": "Northern Ireland",
                   "K04": "England and Wales together", "K02": "the United Kingdom", "K03": "Great Britain"}
LEVEL_ALIASES = level_aliases()
#: How similar a name must be (rapidfuzz WRatio, 0-100) to be offered as a "closest match".
SUGGESTION_CUTOFF = 80


def normalise_name(text: str) -> str:
    """A name as names are compared: lower case, "&" as "and", punctuation as spaces.

    >>> normalise_name("Brighton & Hove"), normalise_name("Dyfed-Powys")
    ('brighton and hove', 'dyfed powys')
    """
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def outside_england_message(query: str, code: str, name: str = "") -> str:
    """The message for an area the tool does not cover."""
    what = OUTSIDE_ENGLAND.get(code[:3], "outside England")
    label = f"{name} ({code})" if name else code
    return f"'{query}' is {label}, {what}. {SUPPORTED}."


def no_edition_message(geography, query: str, area) -> str:
    """The refusal for an area no report covers: a Welsh council or partnership, with its force's --area value.

    The JSNA chapter's health indicators come from OHID Fingertips, which covers
    England only; the police and crime needs assessment covers the Welsh forces.
    """
    force = geography.parents(area.code).get("pfa")
    instead = ""
    if force and force in geography._by_code:
        instead = (f"; the police and crime needs assessment covers its police force area, "
                   f"{geography._by_code[force].name} (--area {force})")
    where = " in Wales" if area.code.startswith("W") else ""
    return (f"'{query}' is {area.name} ({area.code}), a {shown_type(area)}{where}: the health and justice JSNA "
            f"chapter covers councils in England only, because its health indicators come from OHID Fingertips, "
            f"which holds England's{instead}")


def shown_type(area) -> str:
    """What an area is, as boundaries/levels.yaml names its level ("unitary authority", "police force area")."""
    level = LEVELS.get(area.area_type)
    return level.label_for(area.is_upper_tier, area.code) if level else area.area_type


def in_level(area, level_key: str) -> bool:
    """True when ``level_key:`` before a name may mean ``area``: its own level, or for the upper-tier
    level (``county:``) also a district that is upper tier (a unitary)."""
    return area.area_type == level_key or (level_key == DISTRICT_LEVEL.upper_tier_level and area.is_upper_tier)


def area_value(area, sharing: list) -> str:
    """What to type after --area for ``area`` alone: its level's prefix and name, or its code when
    another of the ``sharing`` areas would answer to that too."""
    prefix = LEVELS[area.area_type].prefix if area.area_type in LEVELS else ""
    if not prefix or any(in_level(other, LEVEL_ALIASES.get(prefix, prefix)) for other in sharing
                         if other.code != area.code):
        return area.code
    return shlex.quote(f"{prefix}:{area.name}")


def ambiguous_name(query: str, sharing: list) -> AmbiguousAreaError:
    """The refusal for a name several areas share, listing for each its code, type and --area value."""
    choices = "; ".join(f"--area {area_value(a, sharing)} for the {shown_type(a)} {a.name} ({a.code})"
                        for a in sharing)
    return AmbiguousAreaError(f"'{query}' is the name of {len(sharing)} areas; choose one: {choices}")


def former_area(geography, code: str):
    """(successor Area, note) for a former or newer code, or None if the code was never in code_changes.csv."""
    by_code = geography._by_code
    vintage = str(geography.vintage)
    table = changes_table()
    rows = table[table["old_code"] == code]
    name = former_name(code) or code
    back = newer_recodes(vintage)
    if code in back and back[code] in by_code:
        area = by_code[back[code]]
        return area, (f"{code} is the code {area.name} was given after {vintage}; the {vintage} geography "
                      f"calls the same area {area.code}, so that is shown.")
    resolved, same_area = code_chains(vintage)
    if code in resolved and resolved[code] in by_code:
        area = by_code[resolved[code]]
        year = rows["year"].max() if len(rows) else ""
        if code in same_area:
            return area, (f"{name} ({code}) became {area.name} ({area.code}) in {year}, the same area under a "
                          f"new code; showing {area.code}.")
        return area, (f"{name} ({code}) was merged into {area.name} ({area.code}) in {year}; showing "
                      f"{area.name}, which covers a larger area.")
    parts = successors(code, vintage)
    if parts:
        year = int(rows["year"].max())
        listed = " and ".join(f"{by_code[p].name} ({p})" for p in parts if p in by_code)
        force = _force_covering(geography, parts)
        if force is not None:
            return force, (f"{name} ({code}) county council was abolished in {year} and split into {listed}; "
                           f"showing the police force area {force.name} ({force.code}), which covers the same "
                           f"area. For one of the new councils use its code.")
        raise AreaNotFoundError(f"{name} ({code}) was abolished in {year} and split into {listed}; "
                                "choose one of them (its figures are not divided between them)")
    if len(rows) and (rows["kind"] == "abolished").any():
        year = int(rows["year"].max())
        raise AreaNotFoundError(f"{name} ({code}) was abolished in {year} and has no successor covering the same "
                                "area; choose one of the current areas that replaced it")
    return None


def _force_covering(geography, parts: list[str]):
    """The police force area whose districts are exactly ``parts``, if any."""
    lads = geography.lads
    forces = lads.loc[lads["lad_code"].isin(parts), "pfa_code"].unique()
    if len(forces) == 1 and set(lads.loc[lads["pfa_code"] == forces[0], "lad_code"]) == set(parts):
        return geography._by_code.get(forces[0])
    return None


def former_names(geography) -> dict[str, list[str]]:
    """Normalised former name -> former codes (from code_changes.csv), for names no current area has."""
    table = changes_table()
    out: dict[str, list[str]] = {}
    for code, name in zip(table["old_code"], table["old_name"]):
        if code not in geography._by_code:
            out.setdefault(normalise_name(name), [])
            if code not in out[normalise_name(name)]:
                out[normalise_name(name)].append(code)
    return out


def outside_names(geography) -> dict[str, tuple[str, str]]:
    """Normalised name -> (code, name) of the areas outside England the lookups list (Welsh districts, forces).

    A name both a district and a partnership have gives the district.
    """
    frame = getattr(geography, "outside_england", None)
    if frame is None or frame.empty:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for code, name in zip(frame["code"], frame["name"]):
        out.setdefault(normalise_name(name), (code, name))
    return out


def outside_name_of(geography, code: str) -> str:
    """The name the lookups give an area outside England ('' when they do not list it)."""
    frame = getattr(geography, "outside_england", None)
    if frame is None or frame.empty:
        return ""
    names = frame.loc[frame["code"] == code, "name"]
    return str(names.iloc[0]) if len(names) else ""


def former_note(geography, old_code: str, chosen) -> str:
    """When a current area was chosen by a name a split former county also had: say so ("Cumbria")."""
    parts = successors(old_code, str(geography.vintage))
    if not parts:
        return ""
    names = " and ".join(f"{geography._by_code[p].name} ({p})" if p in geography._by_code else p for p in parts)
    what = shown_type(chosen)
    return (f"{former_name(old_code)} county council ({old_code}) was abolished and split into {names}; "
            f"showing the {what} {chosen.name} ({chosen.code}).")


def unknown_code_hint(geography, code: str) -> str:
    """What to tell someone who gave a code the geography does not have (an upload's area code).

    A code in boundaries/code_changes.csv gets what happened to it, when, and
    the successor area(s) with their codes; any other gets the closest names.
    """
    code = code.strip().upper()
    change = code_change_text(code, str(geography.vintage))
    return f"{change}; use a current code" if change else f"closest: {geography.suggest(code, 3)}"


def code_change_text(code: str, vintage: str) -> str:
    """What code_changes.csv says happened to ``code`` up to ``vintage``, following chains; '' if nothing.

    >>> code_change_text("E07000163", "2024")
    'Craven (E07000163) was merged into North Yorkshire (E06000065) in 2023'
    >>> code_change_text("E07000190", "2024")
    'Taunton Deane (E07000190) was merged into Somerset West and Taunton (E07000246) in 2019, which was merged into Somerset (E06000066) in 2023'
    >>> code_change_text("E08000038", "2024")
    'E08000038 is the code Barnsley was given in 2025, after the 2024 geography, which calls it Barnsley (E08000016)'
    """
    table = changes_table()
    former, steps, seen = "", [], {code}
    while True:
        rows = table[(table["old_code"] == code) & (table["year"] <= int(vintage))]
        if rows.empty:
            break
        former = former or f"{rows['old_name'].iloc[0]} ({code})"
        steps.append(_change_step(rows))
        if len(rows) > 1 or rows["kind"].iloc[0] not in ("recode", "merge") or rows["new_code"].iloc[0] in seen:
            break
        code = rows["new_code"].iloc[0]
        seen.add(code)
    if steps:
        return f"{former} {', which '.join(steps)}"
    later = table[(table["new_code"] == code) & (table["year"] > int(vintage))]
    if later.empty:
        return ""
    before = " and ".join(f"{name} ({old})" for name, old in zip(later["old_name"], later["old_code"]))
    return (f"{code} is the code {later['new_name'].iloc[0]} was given in {later['year'].iloc[0]}, after the "
            f"{vintage} geography, which calls it {before}")


def _change_step(rows: pd.DataFrame) -> str:
    """What one change of code_changes.csv did to a former area, in words: its successor(s) and year."""
    first = rows.iloc[0]
    into = " and ".join(f"{name} ({new})" for name, new in zip(rows["new_name"], rows["new_code"]))
    return {"recode": f"became {into} in {first['year']}, the same area under a new code",
            "merge": f"was merged into {into} in {first['year']}",
            "split": f"was split into {into} in {first['year']}"}.get(
        first["kind"], f"was abolished in {first['year']} with no successor covering the same area")


def not_found(geography, query: str, text: str) -> AreaNotFoundError:
    """The error for a query that matched nothing: close English names if there are any, and what is supported."""
    if AREA_CODE.match(text.upper()):
        return AreaNotFoundError(f"unknown area code '{query}': not in the {geography.vintage} ONS lookups or "
                                 f"boundaries/code_changes.csv. {SUPPORTED}.")
    close = geography.suggest(text)
    if close == "none":
        return AreaNotFoundError(f"unknown area '{query}': no area of England has that name. {SUPPORTED}.")
    return AreaNotFoundError(f"unknown area '{query}'; closest matches: {close}")


def outside_table(tables) -> pd.DataFrame:
    """Codes and names of the areas outside England (Welsh districts, partnerships, forces) in lookup tables."""
    parts = []
    for table in tables:
        for kind in ("lad", "csp", "pfa", "utla"):
            if f"{kind}_code" in table.columns and f"{kind}_name" in table.columns:
                parts.append(table[[f"{kind}_code", f"{kind}_name"]].set_axis(["code", "name"], axis=1))
    if not parts:
        return pd.DataFrame(columns=["code", "name"])
    table = pd.concat(parts, ignore_index=True).drop_duplicates("code")
    return table[~table["code"].str.startswith("E")].reset_index(drop=True)
