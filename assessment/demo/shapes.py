"""Boundaries for the demo districts: a jittered grid with wavy, shared edges.

Every edge is generated from its two end nodes alone, so the two districts either
side of it get exactly the same vertices and dissolving districts into counties,
forces and regions leaves no slivers.

>>> from assessment.demo.places import demo_places
>>> shapes = district_polygons(demo_places())
>>> round(shapes["E07999001"].area / 1e6)  # km2: a jittered 25 km cell
838
"""

from __future__ import annotations

import hashlib

import numpy as np
from shapely.geometry import Polygon

from .places import DemoPlace

CELL_METRES = 25_000
ORIGIN = (400_000.0, 420_000.0)  # British National Grid, inland England


def _unit_noise(*key: object) -> float:
    """A deterministic number in [-1, 1) for a key (no global random state)."""
    digest = hashlib.sha256(repr(key).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**63 - 1.0


def _node(i: int, j: int) -> tuple[float, float]:
    jitter = 0.18 * CELL_METRES
    return (ORIGIN[0] + i * CELL_METRES + jitter * _unit_noise("x", i, j),
            ORIGIN[1] - j * CELL_METRES + jitter * _unit_noise("y", i, j))


def _edge(a: tuple[int, int], b: tuple[int, int], steps: int = 6) -> list[tuple[float, float]]:
    """Points from node a towards node b (b itself excluded); b to a gives the same points reversed."""
    start, end = sorted([a, b])
    p0, p1 = np.array(_node(*start)), np.array(_node(*end))
    normal = np.array([-(p1 - p0)[1], (p1 - p0)[0]]) / CELL_METRES
    points = [tuple(p0)]
    for k in range(1, steps):
        wobble = 0.06 * CELL_METRES * _unit_noise("edge", start, end, k)
        points.append(tuple(p0 + k / steps * (p1 - p0) + wobble * normal))
    points.append(tuple(p1))
    if (start, end) != (a, b):
        points.reverse()
    return [(float(x), float(y)) for x, y in points[:-1]]


def _cell(x: int, y: int) -> Polygon:
    corners = [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)]
    ring: list[tuple[float, float]] = []
    for a, b in zip(corners, corners[1:] + corners[:1]):
        ring.extend(_edge(a, b))
    return Polygon(ring)


def district_polygons(places: list[DemoPlace]) -> dict[str, Polygon]:
    """Polygon (EPSG:27700) for each demo district, keyed by LAD code."""
    return {p.lad_code: _cell(p.grid_x, p.grid_y) for p in places}
