"""The geography registry (``boundaries/registry.yaml``): datasets, vintages, URLs, key columns.

>>> reg = load_registry()
>>> reg["default_vintage"]
'2024'
>>> dataset_url("lookups", "lad_csp_pfa", "2024").split("/services/")[1].split("/")[0]
'LAD24_CSP24_PFA24_EW_LU'
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..core.errors import InputError
from ..core.paths import BOUNDARIES_DIR
from ..core.registry_fields import read_registry

REGISTRY_PATH = BOUNDARIES_DIR / "registry.yaml"


@lru_cache(maxsize=1)
def load_registry() -> dict:
    """The parsed registry file."""
    return read_registry(REGISTRY_PATH, "boundary registry")


def default_vintage() -> str:
    """The geography vintage used when none is given (``default_vintage`` in the registry)."""
    return str(load_registry()["default_vintage"])


def dataset(kind: str, role: str, vintage: str) -> dict:
    """One dataset's entry (``kind`` is "lookups" or "boundaries")."""
    reg = load_registry()
    try:
        return reg[kind][role]["vintages"][str(vintage)]
    except KeyError:
        known = sorted(reg.get(kind, {}).get(role, {}).get("vintages", {}))
        raise InputError(f"{REGISTRY_PATH}: no {kind} '{role}' for vintage {vintage} "
                         f"(available: {', '.join(known) or 'none'})") from None


def dataset_url(kind: str, role: str, vintage: str) -> str:
    """The ArcGIS REST query URL of a dataset (all features, all fields)."""
    entry = dataset(kind, role, vintage)
    return f"{load_registry()['arcgis_base']}/{entry['service']}/FeatureServer/0/query"


def canonical_columns(frame: pd.DataFrame, wanted: list[str], *, where: str,
                      patterns: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Rename a file's columns to canonical names using the registry's patterns.

    Raises an InputError naming the file and the canonical column it could not find.
    """
    patterns = patterns or load_registry()["column_patterns"]
    renamed = {}
    for name in wanted:
        regexes = [re.compile(f"^(?:{p})$", re.IGNORECASE) for p in patterns[name]]
        match = next((c for c in frame.columns if any(r.match(str(c).strip().lstrip("\ufeff"))
                                                         for r in regexes)), None)
        if match is None:
            raise InputError(f"{where}: no column for {name} (looked for {', '.join(patterns[name])}; "
                             f"found {', '.join(map(str, frame.columns))})")
        renamed[match] = name
    out = frame.rename(columns=renamed)[wanted].copy()
    for name in wanted:
        out[name] = out[name].fillna("").astype(str).str.strip()
    return out


def local_path(kind: str, role: str, vintage: str, base: Path) -> Path:
    """Where a dataset's local copy lives under ``base`` (e.g. ../shared/data)."""
    return Path(base) / dataset(kind, role, vintage)["local_file"]
