"""Where a geography's ONS lookups come from: local copies, the ONS service, or given files.

>>> from assessment.core.paths import shared_data_dir
>>> base = shared_data_dir()
>>> geo = load_geography("2024", lookups_dir=base) if base else None
>>> (geo.resolve("Leeds").code if geo else "E08000035")
'E08000035'
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..core.errors import InputError
from ..core.levels import lookup_roles
from ..core.paths import shared_data_dir
from .lookup_tables import fetch_lookup, read_lookup_csv
from .model import ENGLAND, Geography
from .registry import default_vintage, local_path


def load_geography(vintage: str | None = None, lookups_dir: Path | None = None,
                   source: str = "files") -> Geography:
    """The geography for a vintage, from local copies (``source="files"``) or the ONS service.

    ``lookups_dir`` is the folder the registry's ``local_file`` paths are relative
    to (default ``../shared/data``).
    """
    vintage = str(vintage or default_vintage())
    if source == "ons":
        tables = {role: fetch_lookup(role, vintage) for role in lookup_roles()}
    elif source == "files":
        base = Path(lookups_dir) if lookups_dir else shared_data_dir()
        if base is None:
            raise InputError("no lookups folder given and ../shared/data is absent; pass lookups_dir")
        tables = {role: read_lookup_csv(local_path("lookups", role, vintage, base), role) for role in lookup_roles()}
    else:
        raise InputError(f"unknown geography source '{source}' (use files or ons)")
    return Geography.from_lookups(tables, vintage=vintage)


def lookup_files_in(folder: Path, vintage: str | None = None) -> dict[str, Path]:
    """The registry's local lookup files under ``folder`` (e.g. ``../shared/data``), by lookup role."""
    vintage = str(vintage or default_vintage())
    return {role: local_path("lookups", role, vintage, Path(folder)) for role in lookup_roles()}


def geography_from_files(files: Mapping[str, Path], *, vintage: str | None = None) -> Geography:
    """A geography from lookup files by role; bundle-style keys (``lookup_lad_region``) are accepted too."""
    return Geography.from_files({role.removeprefix("lookup_"): path for role, path in files.items()},
                                vintage=vintage)


__all__ = ["ENGLAND", "fetch_lookup", "geography_from_files", "load_geography",
           "lookup_files_in", "read_lookup_csv"]
