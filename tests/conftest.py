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
