"""Shared fixtures: the real public data beside the repo, skipped cleanly when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.paths import shared_data_dir


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that need it skip when it is not there."""
    path = shared_data_dir()
    if path is None:
        pytest.skip("../shared/data is not present beside the repository")
    return path


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Keep every test's HTTP and boundary caches out of the user's home."""
    monkeypatch.setenv("JSNA_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


DEMO_DISTRICT = "Dunmere"  # a district of the demo county, rendered beside the county and force reports


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory) -> dict[str, Path]:
    """`jsna demo` (county and force) and `jsna render` of one of its districts, once per test session.

    Rendering is the slow part of the suite (three areas, three formats each), so every test that
    looks at the rendered documents shares these: ``{area code: folder with .html/.docx/.pdf/.xlsx}``.
    """
    from assessment.cli import main

    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out)]) == 0
    assert main(["render", "--area", DEMO_DISTRICT, "--bundle", str(out / "bundle"),
                 "--out", str(out / "reports")]) == 0
    return {folder.name.split("-")[0]: folder for folder in sorted((out / "reports").iterdir())}
