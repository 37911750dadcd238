"""Fixtures shared by test_load.py and test_template.py and test_validate.py in this folder."""

from __future__ import annotations

import pytest

from assessment.demo.geography_files import write_geography_files
from assessment.geography import geography_from_files


@pytest.fixture(scope="module")
def geo_files(tmp_path_factory):
    paths = write_geography_files(tmp_path_factory.mktemp("geo"))
    return {role: paths[role] for role in ("lookup_lad_csp_pfa", "lookup_lad_utla", "lookup_lad_region")}


@pytest.fixture(scope="module")
def geography(geo_files):
    return geography_from_files({k: v for k, v in geo_files.items() if k.startswith("lookup_")})
