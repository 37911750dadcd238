"""Where the project's registries, templates and shared reference data live.

In a checkout (an editable install) the registries and templates sit at the
repository root beside the package, where the developers' guide keeps them;
an installed wheel carries them inside the package (see ``setup.py``).
Either way ``RESOURCES_ROOT`` is the folder that holds ``data_sources/``,
``boundaries/`` and ``templates/``.

>>> from assessment.core.paths import DATA_SOURCES_DIR, TEMPLATES_DIR
>>> (DATA_SOURCES_DIR / "indicators.yaml").is_file(), (TEMPLATES_DIR / "report.qmd").is_file()
(True, True)
"""

from __future__ import annotations

import os
from pathlib import Path

#: The package folder, found from this module's dotted name so that the module may sit in any sub-package.
PACKAGE_DIR = Path(__file__).resolve().parents[__name__.count(".") - 1]


def _resources_root() -> Path:
    """The package itself when the registries were shipped inside it (a wheel), else the checkout root."""
    return PACKAGE_DIR if (PACKAGE_DIR / "data_sources").is_dir() else PACKAGE_DIR.parent


RESOURCES_ROOT = _resources_root()
#: Kept for callers that name the checkout: the folder holding the registries and templates.
PROJECT_ROOT = RESOURCES_ROOT
DATA_SOURCES_DIR = RESOURCES_ROOT / "data_sources"
BOUNDARIES_DIR = RESOURCES_ROOT / "boundaries"
TEMPLATES_DIR = RESOURCES_ROOT / "templates"


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
    candidate = Path(override) if override else PACKAGE_DIR.parent.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


def cache_dir() -> Path:
    """The per-user cache (HTTP responses, simplified boundaries); ``JSNA_CACHE_DIR`` overrides."""
    override = os.environ.get("JSNA_CACHE_DIR")
    base = Path(override) if override else Path.home() / ".cache" / "jsna-justice"
    base.mkdir(parents=True, exist_ok=True)
    return base


def project_path(path: str | Path) -> Path:
    """A path given to a template: relative ones are read from the Quarto project folder.

    ``quarto render`` runs a template's cells in the template's own folder
    (``templates/``) but says where the project is in ``QUARTO_PROJECT_DIR``,
    so ``-P bundle:bundle`` at the repository root means the repository's
    ``bundle`` folder. Outside a Quarto project render the current folder is used.

    >>> os.environ["QUARTO_PROJECT_DIR"] = "/work/jsna"
    >>> project_path("bundle").as_posix(), project_path("/data/bundle").as_posix()
    ('/work/jsna/bundle', '/data/bundle')
    >>> del os.environ["QUARTO_PROJECT_DIR"]
    """
    path = Path(path)
    base = os.environ.get("QUARTO_PROJECT_DIR")
    return path if path.is_absolute() or not base else Path(base) / path


def for_document(path: str | Path) -> str:
    """How a cell prints the path of a file it wrote (a figure) into the document's markdown.

    Relative to the current folder, which is the document's own folder under
    Quarto and the built-in engine alike: Quarto treats a path that starts
    with ``/`` as relative to the project folder and rewrites it, so an
    absolute path would point nowhere.

    >>> for_document(Path.cwd() / "figures" / "spine.png")
    'figures/spine.png'
    """
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        return Path(path).as_posix()
