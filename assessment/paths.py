"""Where the project's registries, templates and shared reference data live.

>>> from assessment.paths import PROJECT_ROOT
>>> (PROJECT_ROOT / "data_sources").name
'data_sources'
"""

from __future__ import annotations

import os
from pathlib import Path

#: The repository root (registries and templates sit beside the package).
PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
DATA_SOURCES_DIR = PROJECT_ROOT / "data_sources"
BOUNDARIES_DIR = PROJECT_ROOT / "boundaries"
TEMPLATES_DIR = PROJECT_ROOT / "templates"


def data_sources_dir() -> Path:
    """The registry folder (indicators, publishers, comparators, sections, uploads) in use.

    ``JSNA_DATA_SOURCES`` points every command at another copy (a local
    catalogue, or a test's edited copy); read on each call, so it can change
    between commands run in one process.
    """
    override = os.environ.get("JSNA_DATA_SOURCES")
    return Path(override).resolve() if override else DATA_SOURCES_DIR


def shared_data_dir() -> Path | None:
    """The real public data beside the repository (``../shared/data``), if present.

    ``JSNA_SHARED_DATA`` overrides the location.
    """
    override = os.environ.get("JSNA_SHARED_DATA")
    candidate = Path(override) if override else PROJECT_ROOT.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


def cache_dir() -> Path:
    """The per-user cache (HTTP responses, simplified boundaries); ``JSNA_CACHE_DIR`` overrides."""
    override = os.environ.get("JSNA_CACHE_DIR")
    base = Path(override) if override else Path.home() / ".cache" / "jsna-justice"
    base.mkdir(parents=True, exist_ok=True)
    return base
