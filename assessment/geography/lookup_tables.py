"""ONS lookup tables: read one (file or ONS service) and join them into one row per district.

Which lookups there are and which columns they give comes from the levels
table (:mod:`assessment.core.levels`): every level named by a district lookup adds
its code and name columns, and a level whose areas overlap (community safety
partnerships) is kept as its own district -> area table.

>>> import pandas as pd
>>> region = pd.DataFrame({"lad_code": ["E07999001"], "lad_name": ["Alder"],
...                        "region_code": ["E12999001"], "region_name": ["Wessex"]})
>>> utla = pd.DataFrame({"lad_code": ["E07999001"], "lad_name": ["Alder"],
...                      "utla_code": ["E10999001"], "utla_name": ["Northmere"]})
>>> pfa = pd.DataFrame({"lad_code": ["E07999001"] * 2, "lad_name": ["Alder"] * 2,
...                     "csp_code": ["E22999001", "E22999002"], "csp_name": ["North", "South"],
...                     "pfa_code": ["E23999001"] * 2, "pfa_name": ["Northmere Police"] * 2})
>>> lads, overlapping = join_lookups({"lad_region": region, "lad_utla": utla, "lad_csp_pfa": pfa}, vintage="2024")
>>> lads.iloc[0].tolist()
['E07999001', 'Alder', 'E10999001', 'Northmere', 'E12999001', 'Wessex', 'E23999001', 'Northmere Police']
>>> overlapping["csp"]["csp_code"].tolist()
['E22999001', 'E22999002']
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..core.errors import InputError
from ..core.levels import DISTRICT_LEVEL, LEVELS, lookup_roles
from .arcgis import query_attributes
from .registry import canonical_columns, dataset_url, load_registry

#: The district table's columns: each level a district lies in exactly once, most local first.
DISTRICT_COLUMNS = [column for level in sorted(LEVELS.values(), key=lambda lv: lv.resolve_order)
                    if level.in_district_table for column in (level.lookup_columns.code, level.lookup_columns.name)]


def read_lookup_csv(path: Path, role: str) -> pd.DataFrame:
    """Read one lookup CSV (ONS download or a republished copy) with canonical columns."""
    path = Path(path)
    wanted = load_registry()["lookups"][role]["columns"]
    try:
        raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: lookup file not found") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV lookup ({' '.join(str(exc).split())})") from None
    frame = canonical_columns(raw, wanted, where=str(path))
    blank = frame[(frame == "").any(axis=1)]
    if not blank.empty:
        first = int(blank.index[0]) + 2  # header is row 1
        column = blank.columns[blank.iloc[0].eq("")][0]
        raise InputError(f"{path} row {first} column {column}: empty value")
    return frame


def fetch_lookup(role: str, vintage: str) -> pd.DataFrame:
    """Download one lookup from the ONS Open Geography Portal."""
    url = dataset_url("lookups", role, vintage)
    raw = query_attributes(url)
    return canonical_columns(raw, load_registry()["lookups"][role]["columns"], where=url)


def _ours(codes: pd.Series) -> pd.Series:
    """True for the district codes of the levels table (English districts and Welsh unitaries, W06)."""
    return codes.str[:3].isin(DISTRICT_LEVEL.code_prefixes)


def join_lookups(tables: Mapping[str, pd.DataFrame], *, vintage: str) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """One row per district with every level's code and name, and the overlapping levels' tables.

    The districts are those of the levels table's district prefixes: England's
    and the Welsh unitaries (so a Welsh police force area has its councils). A
    Welsh district has no region (the region lookup is England's): left empty.

    ``tables`` maps each lookup role (:func:`assessment.core.levels.lookup_roles`)
    to its canonical-column frame. Raises an InputError naming the districts
    that are missing from a lookup or that lie in more than one area of a level.
    """
    missing = [role for role in lookup_roles() if role not in tables]
    if missing:
        raise InputError(f"geography needs the lookup(s) {', '.join(missing)} (see boundaries/registry.yaml)")
    base_role = DISTRICT_LEVEL.lookup_columns.role
    base = tables[base_role]
    lads = base.loc[_ours(base["lad_code"]), ["lad_code", "lad_name"]]
    # The district list is England's (the region lookup); the Welsh unitaries come from the lookups covering Wales.
    covered = set(lads["lad_code"].str[0])
    others = [table.loc[_ours(table["lad_code"]) & ~table["lad_code"].str[0].isin(covered), ["lad_code", "lad_name"]]
              for role, table in tables.items() if role != base_role]
    lads = pd.concat([lads, *others], ignore_index=True).drop_duplicates("lad_code")
    overlapping: dict[str, pd.DataFrame] = {}
    for level in sorted(LEVELS.values(), key=lambda lv: lv.resolve_order):
        if level is DISTRICT_LEVEL or level.lookup is None:
            continue
        code, name = level.lookup.code, level.lookup.name
        table = tables[level.lookup.role]
        if level.lookup.many_to_many:
            rows = table[["lad_code", code, name]].drop_duplicates()
            overlapping[level.key] = rows[_ours(rows["lad_code"])].reset_index(drop=True)
            continue
        per_lad = table.groupby("lad_code")[code].nunique()
        multi = sorted(per_lad[per_lad > 1].index)
        if multi:
            raise InputError(f"{level.lookup.role} lookup: districts mapped to more than one {level.label}: "
                             f"{', '.join(multi)}")
        lads = lads.merge(table[["lad_code", code, name]].drop_duplicates("lad_code"), on="lad_code", how="left")
        # A lookup of English areas only (regions) leaves the Welsh districts without one.
        countries = {prefix[0] for prefix in level.code_prefixes}
        absent = sorted(lads.loc[lads[code].isna() & lads["lad_code"].str[0].isin(countries), "lad_code"])
        if absent:
            raise InputError(f"{level.lookup.role} lookup has no entry for district(s) {', '.join(absent)} "
                             f"of the {vintage} {base_role} lookup; use lookups of the same vintage")
    return lads[DISTRICT_COLUMNS].reset_index(drop=True), overlapping
