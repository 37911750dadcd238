"""Load the ONS lookups (from local files or the ONS service) into a :class:`Geography`.

>>> from assessment.paths import shared_data_dir
>>> base = shared_data_dir()
>>> geo = load_geography("2024", lookups_dir=base) if base else None
>>> (geo.resolve("Leeds").code if geo else "E08000035")
'E08000035'
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..paths import shared_data_dir
from .arcgis import query_attributes
from .model import ENGLAND, Geography
from .registry import canonical_columns, dataset_url, load_registry, local_path

ROLES = ("lad_csp_pfa", "lad_utla", "lad_region")


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
    blank = frame[frame.eq("").any(axis=1)]
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


def combine_lookups(lad_pfa: pd.DataFrame, lad_utla: pd.DataFrame, lad_region: pd.DataFrame,
                    *, vintage: str = "2024") -> Geography:
    """Join the three lookups into one row per English district.

    Raises an InputError naming the districts that are missing from a lookup or
    that map to more than one police force area.
    """
    english = lad_region[lad_region["lad_code"].str.startswith("E")]
    pfa_per_lad = lad_pfa.groupby("lad_code")["pfa_code"].nunique()
    multi = sorted(pfa_per_lad[pfa_per_lad > 1].index)
    if multi:
        raise InputError(f"LAD->PFA lookup: districts mapped to more than one police force area: {', '.join(multi)}")
    pfa = lad_pfa.drop_duplicates("lad_code")[["lad_code", "pfa_code", "pfa_name"]]
    utla = lad_utla[["lad_code", "utla_code", "utla_name"]].drop_duplicates("lad_code")
    lads = english.merge(utla, on="lad_code", how="left").merge(pfa, on="lad_code", how="left")
    for column, lookup in (("utla_code", "LAD->UTLA"), ("pfa_code", "LAD->CSP->PFA")):
        missing = sorted(lads.loc[lads[column].isna(), "lad_code"])
        if missing:
            raise InputError(f"{lookup} lookup has no entry for district(s) {', '.join(missing)} "
                             f"of the {vintage} LAD->region lookup; use lookups of the same vintage")
    from .resolution import outside_table

    lad_csp = lad_pfa[["lad_code", "csp_code", "csp_name", "pfa_code"]].drop_duplicates()
    return Geography(lads, lad_csp[lad_csp["lad_code"].str.startswith("E")], vintage=vintage,
                     outside_england=outside_table(lad_pfa))


def load_geography(vintage: str | None = None, lookups_dir: Path | None = None,
                   source: str = "files") -> Geography:
    """The geography for a vintage, from local copies (``source="files"``) or the ONS service.

    ``lookups_dir`` is the folder the registry's ``local_file`` paths are relative
    to (default ``../shared/data``).
    """
    vintage = str(vintage or load_registry()["default_vintage"])
    if source == "ons":
        frames = [fetch_lookup(role, vintage) for role in ROLES]
    elif source == "files":
        base = Path(lookups_dir) if lookups_dir else shared_data_dir()
        if base is None:
            raise InputError("no lookups folder given and ../shared/data is absent; pass lookups_dir")
        frames = [read_lookup_csv(local_path("lookups", role, vintage, base), role) for role in ROLES]
    else:
        raise InputError(f"unknown geography source '{source}' (use files or ons)")
    return combine_lookups(*frames, vintage=vintage)


def geography_from_files(lad_pfa_csv: Path, lad_utla_csv: Path, lad_region_csv: Path,
                         *, vintage: str = "2024") -> Geography:
    """A geography from three lookup files (used by the demo and by report bundles)."""
    return combine_lookups(read_lookup_csv(lad_pfa_csv, "lad_csp_pfa"),
                           read_lookup_csv(lad_utla_csv, "lad_utla"),
                           read_lookup_csv(lad_region_csv, "lad_region"), vintage=vintage)


Geography.from_files = staticmethod(geography_from_files)  # type: ignore[attr-defined]
__all__ = ["ENGLAND", "combine_lookups", "fetch_lookup", "geography_from_files", "load_geography",
           "read_lookup_csv"]
