"""Boundaries: loaded, simplified, cached and dissolved, and matching the lookups."""

from __future__ import annotations

import pytest

from assessment.geography import (dissolve_boundaries, load_boundaries)


# ------------------------------------------------------------------- boundaries
def test_boundaries_load_simplify_cache_and_dissolve(demo_files, demo_geography):
    first = load_boundaries("lad", path=demo_files["boundaries_lad"])
    again = load_boundaries("lad", path=demo_files["boundaries_lad"])
    assert len(first) == 33 and first.crs.to_epsg() == 27700
    assert first.equals(again)
    forces = dissolve_boundaries(first, demo_geography.rollup_lookup("pfa"))
    assert sorted(forces["code"]) == [f"E23999{i:03d}" for i in range(1, 7)]
    assert (forces.geometry.geom_type == "Polygon").all()  # neighbours dissolve without slivers


@pytest.mark.shared
def test_real_boundaries_match_lookups(real_geography, shared_data):
    lads = load_boundaries("lad", path=shared_data / "boundaries/Local_Authority_Districts_May_2024_Boundaries__UK_BSC_-5684348521832897108.geo.json")
    assert set(lads["code"]) == set(real_geography.lads["lad_code"])
    forces = dissolve_boundaries(lads, real_geography.rollup_lookup("pfa"))
    assert len(forces) == 43  # the 4 Welsh forces from their councils
