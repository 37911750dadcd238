"""Boundary files checked before they are used: a damaged file is named with the area at fault.

GDAL accepts a polygon whose ring is not closed (with a warning) and the map
drawing then fails deep inside GEOS, naming neither the file nor the area. An
area's shape is not repaired here: a ring that does not close means the file
was damaged or hand-edited, and a guessed repair would draw a wrong outline.
So `jsna import`, `jsna build` and the first load of a boundary file refuse
it with one line naming the file and the area code.

>>> square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
>>> ring_problem({"type": "Polygon", "coordinates": [square]}) is None
True
>>> ring_problem({"type": "MultiPolygon", "coordinates": [[square[:-1]]]})
'polygon 1, ring 1 is not closed (it starts at [0, 0] and ends at [0, 1])'
"""

from __future__ import annotations

import json
import numbers
import re
from pathlib import Path

from ..core.errors import InputError

POLYGONAL = ("Polygon", "MultiPolygon")
#: An ONS boundary file's area code property: ``LAD24CD``, ``CTYUA23CD``, ``pfa20_code``.
CODE_COLUMN = re.compile(r"(lad|ltla|ctyua|utla|rgn|region|pfa)_?(\d{2})_?(cd|code)", re.IGNORECASE)


def code_column(columns: list[str]) -> str | None:
    """The area code column of a boundary file's properties (``LAD24CD``, ``pfa20_code``), or None."""
    return next((c for c in columns if CODE_COLUMN.fullmatch(str(c).strip())), None)


def _position(value) -> bool:
    return (isinstance(value, list) and len(value) >= 2
            and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value[:2]))


def ring_problem(geometry) -> str | None:
    """What is wrong with a GeoJSON polygon's rings (unclosed, too short, not coordinates), or None."""
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGONAL:
        kind = geometry.get("type") if isinstance(geometry, dict) else geometry
        return f"its geometry is {kind!r}, not a polygon"
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return "its geometry has no coordinates"
    for p, polygon in enumerate(polygons, start=1):
        if not isinstance(polygon, list) or not polygon:
            return f"polygon {p} has no rings"
        for r, ring in enumerate(polygon, start=1):
            where = f"polygon {p}, ring {r}"
            if not isinstance(ring, list) or not all(_position(v) for v in (ring[:1] + ring[-1:])):
                return f"{where} is not a list of coordinates"
            if len(ring) < 4:
                return f"{where} has {len(ring)} points (a closed ring needs at least 4)"
            if ring[0][:2] != ring[-1][:2]:
                return f"{where} is not closed (it starts at {ring[0][:2]} and ends at {ring[-1][:2]})"
    return None


def check_features(path: Path, features: list, code_column: str | None) -> None:
    """Every feature of a GeoJSON feature collection has closed polygon rings; else one line naming the area."""
    for number, feature in enumerate(features, start=1):
        properties = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        problem = ring_problem(feature.get("geometry") if isinstance(feature, dict) else None)
        if problem:
            code = properties.get(code_column) if code_column else None
            name = next((v for k, v in properties.items() if str(k).lower().endswith(("nm", "name")) and v), "")
            area = f"area {code}" + (f" ({str(name).strip()})" if name else "") if code else f"feature {number}"
            raise InputError(f"{path}: {area}: {problem}; the boundary file is damaged, download it again")


def check_boundary_file(path: Path, code_column: str | None = None) -> None:
    """A GeoJSON boundary file's areas checked (:func:`check_features`); other formats are left to GDAL."""
    path = Path(path)
    with open(path, "rb") as handle:
        if handle.read(256).lstrip()[:1] != b"{":
            return
    data = load_geojson(path)
    features = data.get("features") if isinstance(data, dict) else None
    if isinstance(features, list):
        check_features(path, features, code_column or _code_column(features))


def load_geojson(path: Path):
    """A GeoJSON file's content; a truncated or malformed one is one line naming the file and where it breaks."""
    try:
        return json.loads(Path(path).read_bytes())
    except json.JSONDecodeError as exc:
        end = "it ends early (truncated)" if not exc.doc[exc.pos:].strip() else "it is not valid JSON"
        raise InputError(f"{path}: a GeoJSON boundary file that cannot be read: {end} at line {exc.lineno} "
                         f"column {exc.colno} ({exc.msg}); download it again") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: a GeoJSON boundary file that cannot be read ({exc}); download it again") from None


def _code_column(features: list) -> str | None:
    first = features[0] if features and isinstance(features[0], dict) else {}
    return code_column(list((first.get("properties") or {}).keys()))
