"""ONS lookups and boundary files told apart by their content, for `jsna import` and `jsna build --lookups`.

A lookup is a CSV whose header has a district code column and the columns of
one of the registry's lookup roles (``boundaries/registry.yaml``: district ->
community safety partnership -> police force area, district -> upper tier,
district -> region), in any of the spellings the registry's column patterns
accept (``LAD24CD``, ``ltla24_code``); its vintage is the year in those
column names. A boundary file is a GeoJSON feature collection whose
properties have an area code column; its level (district, upper tier,
region, police force area) comes from that column's name. File names are
never looked at.

>>> lookup_role(["ltla24_code", "ltla24_name", "csp24_code", "csp24_name", "pfa24_code", "pfa24_name"])
('lad_csp_pfa', '2024')
>>> lookup_role(["LAD24CD", "LAD24NM", "RGN24CD", "RGN24NM"])
('lad_region', '2024')
>>> boundary_level(["FID", "CTYUA23CD", "CTYUA23NM"])
('utla', '2023')
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..inputs.sheet_cells import csv_header
from ..inputs.csv_records import csv_records
from ..inputs.recognition import Recognised
from .boundary_checks import CODE_COLUMN, check_features, code_column, load_geojson
from .registry import load_registry

#: Roles in the order a file is matched against them (the one with most columns first).
ROLES = ("lad_csp_pfa", "lad_utla", "lad_region")
_LEVEL_BY_PREFIX = {"lad": "lad", "ltla": "lad", "ctyua": "utla", "utla": "utla", "rgn": "region",
                    "region": "region", "pfa": "pfa"}


def _match(column: str, patterns: list[str]) -> bool:
    return any(re.fullmatch(p, column.strip(), re.IGNORECASE) for p in patterns)


def lookup_role(columns: list[str]) -> tuple[str, str] | None:
    """The lookup role a header fits and the vintage in its column names, or None."""
    registry = load_registry()
    patterns = registry["column_patterns"]
    for role in ROLES:
        wanted = registry["lookups"][role]["columns"]
        found = [next((c for c in columns if _match(c, patterns[name])), None) for name in wanted]
        named = [c for c in found if c]
        if len(named) == len(found):
            years = sorted({m[1] for c in named if (m := re.search(r"(\d{2})", c))})
            return role, (f"20{years[-1]}" if years else "")
    return None


def recognise_lookup(path: Path) -> Recognised | None:
    """An ONS lookup CSV (see the module docstring)."""
    header = csv_header(path)
    if header is None:
        return None
    found = lookup_role(header[0])
    if found is None:
        return None
    role, vintage = found
    rows = csv_records(Path(path).read_text(encoding="utf-8-sig", errors="replace"))
    label = {"lad_csp_pfa": "district to community safety partnership to police force area",
             "lad_utla": "district to upper-tier authority", "lad_region": "district to region"}[role]
    return Recognised("lookup", role, release=f"ONS {label} lookup {vintage}".strip(), period=vintage, rows=rows)


def boundary_level(columns: list[str]) -> tuple[str, str] | None:
    """The level (lad, utla, region, pfa) and vintage of a boundary file from its code column, or None."""
    column = code_column(columns)
    if column is None:
        return None
    match = CODE_COLUMN.fullmatch(column.strip())
    if match is None:
        return None
    return _LEVEL_BY_PREFIX[match[1].lower()], f"20{match[2]}"


def recognise_boundary(path: Path) -> Recognised | None:
    """A GeoJSON feature collection of ONS areas (see the module docstring).

    A file that begins as a feature collection but cannot be parsed (cut short
    in the download), or whose areas have broken rings, is refused naming the
    file (and the area): :mod:`assessment.geography.boundary_checks`.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
        if head.lstrip()[:1] != b"{":
            return None
        data = json.loads(Path(path).read_bytes())
    except OSError:
        return None
    except ValueError:
        if re.search(rb'"type"\s*:\s*"FeatureCollection"', head):
            load_geojson(path)  # raises, naming the file and where it breaks
        return None
    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    if not features or not isinstance(features[0], dict):
        return None
    columns = list((features[0].get("properties") or {}).keys())
    found = boundary_level(columns)
    if found is None:
        return None
    check_features(Path(path), features, code_column(columns))
    level, vintage = found
    return Recognised("boundary", level, release=f"ONS {level} boundaries {vintage}", period=vintage,
                      rows=len(features))
