"""Write the demo geography in the ONS formats: lookup CSVs, GeoJSON boundaries, population CSV.

The files use the ONS Open Geography Portal column names (``LAD24CD``,
``PFA24NM``...) and the ONS mid-year-estimate CSV layout, so the demo goes
through the same loaders as real data.

>>> import tempfile, pathlib
>>> paths = write_geography_files(pathlib.Path(tempfile.mkdtemp()))
>>> sorted(paths)[:3]
['boundaries_lad', 'boundaries_pfa', 'boundaries_region']
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer
import shapely
from shapely.geometry import mapping
from shapely.ops import unary_union

from ..geography.registry import default_vintage
from ..core.levels import ENGLAND_CODE, ENGLAND_NAME
from .places import DemoPlace, demo_places
from .shapes import _unit_noise, district_polygons

ENGLAND = (ENGLAND_CODE, ENGLAND_NAME.upper())  # as the ONS population table writes it
DEMO_VINTAGE = default_vintage()  # the demo's files stand in for the default vintage's


def _csv(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.insert(len(frame.columns), "ObjectId", range(1, len(frame) + 1))
    frame.to_csv(path, index=False, encoding="utf-8-sig")  # ONS downloads carry a BOM
    return path


def _geojson(features: list[tuple[dict, object]], path: Path) -> Path:
    transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)

    def to_wgs84(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(transformer.transform(coords[:, 0], coords[:, 1]))

    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:4326"}},
        "features": [
            {"type": "Feature", "properties": props, "geometry": mapping(shapely.transform(shape, to_wgs84))}
            for props, shape in features
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))
    return path


def _dissolve(places: list[DemoPlace], polygons: dict, key: Callable[[DemoPlace], tuple[str, str]]):
    groups: dict[tuple[str, str], list] = {}
    for place in places:
        groups.setdefault(key(place), []).append(polygons[place.lad_code])
    return {k: unary_union(v) for k, v in groups.items()}


def district_populations(places: list[DemoPlace]) -> dict[str, int]:
    """Mid-2023 population of each demo district (deterministic)."""
    return {p.lad_code: int(90_000 + 160_000 * (0.5 + 0.5 * _unit_noise("pop", p.lad_code))
                            + (120_000 if p.lad_code.startswith("E06") else 0))
            for p in places}


def write_geography_files(out_dir: Path) -> dict[str, Path]:
    """Write lookups, boundaries and population for the demo; return their paths by role."""
    places = demo_places()
    polygons = district_polygons(places)
    paths: dict[str, Path] = {}

    paths["lookup_lad_csp_pfa"] = _csv(pd.DataFrame(
        [(p.lad_code, p.lad_name, csp, csp_name, p.pfa_code, p.pfa_name)
         for p in places for csp, csp_name in zip(p.csp_codes, p.csp_names)],
        columns=["LAD24CD", "LAD24NM", "CSP24CD", "CSP24NM", "PFA24CD", "PFA24NM"],
    ), out_dir / "lookups" / "LAD24_CSP24_PFA24_EW_LU.csv")
    paths["lookup_lad_utla"] = _csv(pd.DataFrame(
        [(p.lad_code, p.lad_name, p.utla_code, p.utla_name) for p in places],
        columns=["LTLA24CD", "LTLA24NM", "UTLA24CD", "UTLA24NM"],
    ), out_dir / "lookups" / "LTLA24_UTLA24_EW_LU.csv")
    paths["lookup_lad_region"] = _csv(pd.DataFrame(
        [(p.lad_code, p.lad_name, p.region_code, p.region_name) for p in places],
        columns=["LAD24CD", "LAD24NM", "RGN24CD", "RGN24NM"],
    ), out_dir / "lookups" / "LAD24_RGN24_EN_LU.csv")

    boundaries = out_dir / "boundaries"
    paths["boundaries_lad"] = _geojson(
        [({"LAD24CD": p.lad_code, "LAD24NM": p.lad_name}, polygons[p.lad_code]) for p in places],
        boundaries / "LAD_MAY_2024_DEMO_BUC.geojson")
    for role, fields, key in [
        ("boundaries_utla", ("CTYUA24CD", "CTYUA24NM"), lambda p: (p.utla_code, p.utla_name)),
        ("boundaries_region", ("RGN24CD", "RGN24NM"), lambda p: (p.region_code, p.region_name)),
        ("boundaries_pfa", ("PFA24CD", "PFA24NM"), lambda p: (p.pfa_code, p.pfa_name)),
    ]:
        shapes = _dissolve(places, polygons, key)
        paths[role] = _geojson(
            [({fields[0]: code, fields[1]: name}, shape) for (code, name), shape in shapes.items()],
            boundaries / f"{role.split('_')[1].upper()}_DEC_2024_DEMO_BUC.geojson")

    paths["population"] = _population_csv(places, out_dir / "population" / "mye_2023_demo.csv")
    paths["population_by_age"] = _population_by_age_csv(places, out_dir / "population" / "mye_by_age_2022_demo.csv")
    return paths


def _population_by_age_csv(places: list[DemoPlace], path: Path) -> Path:
    """Mid-2022 districts by single year of age, in the layout of the Nomis extract (for the population profile).

    Each district's age structure is its own (some younger, some older) and its
    ages add up to a little under its mid-2023 population.
    """
    pops = district_populations(places)
    ages = np.arange(91)
    rows = []
    for place in places:
        decline = 0.006 + 0.012 * (0.5 + 0.5 * _unit_noise("age", place.lad_code))  # older areas decline less
        weights = np.exp(-decline * ages) * np.where(ages < 90, 1.0, 4.0)
        total = round(pops[place.lad_code] * 0.996)
        counts = np.floor(weights / weights.sum() * total).astype(np.int64)
        counts[30] += total - counts.sum()
        rows.append([place.lad_name, place.lad_code, "2022", *counts.tolist()])
    columns = ["name", "code", "year", *[f"Age {a}" for a in range(90)], "Aged 90+"]
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    return path


def _population_csv(places: list[DemoPlace], path: Path) -> Path:
    pops = district_populations(places)
    rows = [(*ENGLAND, "Country", sum(pops.values()))]
    for region_code in sorted({p.region_code for p in places}):
        members = [p for p in places if p.region_code == region_code]
        rows.append((region_code, members[0].region_name.upper(), "Region",
                     sum(pops[p.lad_code] for p in members)))
        for utla_code in dict.fromkeys(p.utla_code for p in members):
            in_utla = [p for p in members if p.utla_code == utla_code]
            if utla_code.startswith("E10"):
                rows.append((utla_code, in_utla[0].utla_name, "County",
                             sum(pops[p.lad_code] for p in in_utla)))
                kind = "Non-metropolitan District"
            else:
                kind = "Unitary Authority"
            rows.extend((p.lad_code, p.lad_name, kind, pops[p.lad_code]) for p in in_utla)
    frame = pd.DataFrame(rows, columns=["Code", "Name", "Geography", "All ages"])
    frame["All ages"] = frame["All ages"].astype(np.int64)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path
