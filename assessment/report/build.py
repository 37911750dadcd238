"""Build a report bundle from a tidy frame: crosswalk, analyse, and write everything renders need."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis import analyse
from ..errors import InputError
from ..frame import concat_frames, validate_frame
from ..geography import crosswalk_frame, geography_from_files, lookup_files_in
from ..geography.registry import default_vintage, local_path
from ..levels import DISTRICT_LEVEL, lookup_roles
from ..sources.catalogue import load_catalogue
from ..sources.snapshot import build_frame, open_snapshot
from ..stats import add_intervals
from ..uploads import load_uploads_for_build
from .bundle import write_bundle


def build_bundle(frame: pd.DataFrame, out_dir: Path, *, lookup_files: dict[str, Path],
                 boundary_files: dict[str, Path], meta: dict, partial: bool = False) -> Path:
    """Analyse ``frame`` for every area of the lookups' geography and write the bundle.

    ``lookup_files`` has a ``lookup_<role>`` file for every lookup role of the
    levels table (:func:`assessment.levels.lookup_roles`); ``boundary_files``
    has the districts' boundaries (and optionally other levels').
    """
    geography = geography_from_files(lookup_files, vintage=str(meta.get("vintage") or default_vintage()))
    frame = validate_frame(frame)
    catalogue = load_catalogue()
    frame = add_intervals(crosswalk_frame(frame, geography, partial=partial, where="tidy frame",
                                          england_and_wales=catalogue.england_and_wales_ids()))
    analysed = analyse(frame, geography, partial=partial)
    meta = {**meta, "indicators": {**catalogue.report_info(), **meta.get("indicators", {})}}
    return write_bundle(analysed, out_dir, geography_files=lookup_files, boundary_files=boundary_files, meta=meta)


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate loaders' frames into one validated tidy frame."""
    return validate_frame(concat_frames(frames))


def build_bundle_from_snapshot(snapshot_dir: Path, out_dir: Path, *, lookups_dir: Path | None = None,
                               uploads: list[Path] | None = None, partial: bool = False) -> Path:
    """`jsna build`: the tidy frame from a snapshot alone, analysed into a report bundle.

    Geography comes from the snapshot's ONS lookups and boundaries, or from
    ``lookups_dir`` laid out as the registry's local files (e.g. ``../shared/data``).
    """
    snapshot = open_snapshot(snapshot_dir)
    vintage = default_vintage()
    districts = DISTRICT_LEVEL.boundary
    if lookups_dir is not None:
        lookup_files = {f"lookup_{role}": path for role, path in lookup_files_in(Path(lookups_dir), vintage).items()}
        boundary_files = {districts: local_path("boundaries", districts, vintage, Path(lookups_dir))}
    else:
        by_key = {e["key"]: snapshot.path(e) for e in snapshot.files("lookup")}
        missing = [role for role in lookup_roles() if role not in by_key]
        boundaries = {e["key"]: snapshot.path(e) for e in snapshot.files("boundary")}
        if missing or districts not in boundaries:
            raise InputError(f"{snapshot_dir}: snapshot has no ONS lookups/boundaries "
                             f"({', '.join(missing) or districts}); pass --lookups DIR")
        lookup_files = {f"lookup_{role}": by_key[role] for role in lookup_roles()}
        boundary_files = {districts: boundaries[districts]}
    frame, meta = build_frame(snapshot_dir, force_lookup=lookup_files["lookup_lad_csp_pfa"])
    upload_meta = []
    if uploads:
        upload_frames, upload_meta = load_uploads_for_build(uploads, lookup_files)
        frame = combine([frame, *upload_frames])
    meta = {**meta, "demo": False, "vintage": vintage, "uploads": upload_meta}
    return build_bundle(frame, out_dir, lookup_files=lookup_files, boundary_files=boundary_files,
                        meta=meta, partial=partial)
