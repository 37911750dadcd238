"""Boundaries for maps: loaded once, reprojected, simplified and cached on disk.

The first load of a boundary file reads it, keeps English areas, reprojects to
British National Grid (EPSG:27700) and simplifies it as a coverage (shared
edges are simplified once, so neighbours still meet and an outline dissolved
from districts has no slivers); the result is cached under :func:`assessment.core.paths.cache_dir` keyed by the
file's SHA-256 and the tolerance, so later loads (every map of every report)
read the small cached copy.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..core.errors import InputError
from ..core.atomic_files import sha256_of
from ..core.paths import cache_dir, shared_data_dir
from .boundary_checks import check_boundary_file
from .registry import dataset, default_vintage, load_registry

if TYPE_CHECKING:
    import geopandas as gpd

BNG = "EPSG:27700"
DEFAULT_TOLERANCE_M = 200.0


def _pick_column(columns: list[str], kind: str, where: Path) -> str:
    for pattern in load_registry()["boundary_columns"][kind]:
        regex = re.compile(f"^(?:{pattern})$", re.IGNORECASE)
        for column in columns:
            if regex.match(column):
                return column
    raise InputError(f"{where}: no area {kind} column (found {', '.join(columns)})")


def _read(path: Path) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pyogrio

    try:
        layers = [name for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises its own error types for unreadable files
        raise InputError(f"{path}: not a readable boundary file ({' '.join(str(exc).split())})") from None
    # GeoPackages such as the Commons Library hex maps hold several layers: take the areas.
    layer = next((n for n in layers if re.search(r"(LTLA|UTLA|LAD|PFA|Region)", n, re.I)
                  and "label" not in n.lower() and "group" not in n.lower()), layers[0])
    frame = gpd.read_file(path, layer=layer)
    columns = [c for c in frame.columns if c != "geometry"]
    code, name = _pick_column(columns, "code", path), _pick_column(columns, "name", path)
    frame = frame.rename(columns={code: "code", name: "name"})[["code", "name", "geometry"]]
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    return frame


def load_boundaries(level: str, vintage: str | None = None, path: Path | None = None, *,
                    england_only: bool = True, tolerance_m: float = DEFAULT_TOLERANCE_M) -> gpd.GeoDataFrame:
    """Boundaries ``[code, name, geometry]`` in EPSG:27700, simplified and cached.

    ``path`` is a local boundary file (GeoJSON, GeoPackage); without it the
    registry's local copy under ``../shared/data`` is used. ``england_only`` keeps the areas of
    England and Wales (the geography's: a Welsh force has its councils), never Scotland's or Northern Ireland's.
    """
    # Imported here: `jsna build` imports this module but draws no map (geopandas was a quarter second of its start).
    import geopandas as gpd
    import shapely.errors

    if path is None:
        base = shared_data_dir()
        if base is None:
            raise InputError(f"no boundary file given for {level} and ../shared/data is absent")
        path = base / dataset("boundaries", level, vintage or default_vintage())["local_file"]
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: boundary file not found")
    # "-ew": England's and Wales's areas are kept (a Welsh force's map); earlier caches kept England's only.
    name = f"{sha256_of(path)[:20]}-{int(tolerance_m)}-{int(england_only)}-ew-cov.parquet"
    cached = cache_dir() / "boundaries" / name
    if cached.is_file():
        return gpd.read_parquet(cached)
    check_boundary_file(path)  # a damaged area is named here, not deep inside GEOS while drawing a map
    frame = _read(path)
    if england_only:  # and Wales: the geography holds the Welsh councils of the Welsh forces
        frame = frame[frame["code"].astype(str).str[:1].isin(["E", "W"])]
    frame = frame.to_crs(BNG)
    try:
        frame["geometry"] = simplify_coverage(frame.geometry.make_valid(), tolerance_m)
    except shapely.errors.GEOSException as exc:
        raise InputError(f"{path}: its boundaries cannot be drawn ({' '.join(str(exc).split())})") from None
    frame = frame.reset_index(drop=True)
    cached.parent.mkdir(parents=True, exist_ok=True)
    temp = cached.with_suffix(f".{os.getpid()}.tmp")  # workers may cache the same file at once
    frame.to_parquet(temp)
    temp.replace(cached)
    return frame


def simplify_coverage(geometries: gpd.GeoSeries, tolerance_m: float) -> gpd.GeoSeries:
    """Simplify areas that tile the ground together, keeping their shared edges shared.

    Simplifying each area on its own moves a shared edge differently on each
    side, which opens gaps between neighbours (white slivers on a map, holes in
    a county dissolved from its districts). A valid coverage is simplified as a
    whole; anything else (overlapping shapes) area by area, as before.

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> pair = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1)])
    >>> simplify_coverage(pair, 0.1).union_all().equals(box(0, 0, 2, 1))
    True
    """
    import geopandas as gpd
    import shapely

    values = geometries.values
    polygonal = all(g is None or g.geom_type in ("Polygon", "MultiPolygon") for g in values)
    if polygonal and len(values) and bool(shapely.coverage_is_valid(values)):
        return gpd.GeoSeries(shapely.coverage_simplify(values, tolerance_m), index=geometries.index,
                             crs=geometries.crs)
    return geometries.simplify(tolerance_m, preserve_topology=True)


def dissolve_boundaries(districts: gpd.GeoDataFrame, rollup: pd.DataFrame) -> gpd.GeoDataFrame:
    """Parent boundaries (e.g. police force areas) dissolved from district boundaries.

    ``rollup`` is :meth:`Geography.rollup_lookup` output (child_code, parent_code, parent_name).
    A district without a boundary is an InputError naming it.
    """
    joined = districts.merge(rollup, left_on="code", right_on="child_code", how="inner")
    missing = sorted(set(rollup["child_code"]) - set(districts["code"]))
    if missing:
        raise InputError(f"district boundaries missing for {', '.join(missing[:10])}"
                         + (f" and {len(missing) - 10} more" if len(missing) > 10 else ""))
    parents = joined.drop(columns=["code", "name"]).dissolve(by=["parent_code", "parent_name"], as_index=False)
    parents = parents.rename(columns={"parent_code": "code", "parent_name": "name"})
    return parents[["code", "name", "geometry"]].set_crs(districts.crs, allow_override=True)
