"""Fixtures shared by test_boundaries.py and test_crosswalk.py and test_lookups.py and test_resolution.py in this
folder."""

from __future__ import annotations

import pytest

from assessment.geography import (geography_from_files, load_geography)


@pytest.fixture(scope="module")
def real_geography(shared_data):
    return load_geography("2024", lookups_dir=shared_data)


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    from assessment.demo.geography_files import write_geography_files

    return write_geography_files(tmp_path_factory.mktemp("demo-geo"))


@pytest.fixture(scope="module")
def demo_geography(demo_files):
    return geography_from_files({k: v for k, v in demo_files.items() if k.startswith("lookup_")})
