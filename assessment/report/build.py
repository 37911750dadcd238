"""Build a report bundle from a tidy frame: crosswalk, analyse, and write everything renders need."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis import analyse
from ..errors import InputError
from ..frame import concat_frames, validate_frame
from ..geography import crosswalk_frame, geography_from_files
from ..sources.catalogue import load_catalogue
from ..stats import add_intervals
from .bundle import write_bundle


def build_bundle(frame: pd.DataFrame, out_dir: Path, *, lookup_files: dict[str, Path],
                 boundary_files: dict[str, Path], meta: dict, partial: bool = False) -> Path:
    """Analyse ``frame`` for every area of the lookups' geography and write the bundle.

    ``lookup_files`` has the roles lookup_lad_csp_pfa, lookup_lad_utla and
    lookup_lad_region; ``boundary_files`` has lad (and optionally utla, region, pfa).
    """
    geography = geography_from_files(lookup_files["lookup_lad_csp_pfa"], lookup_files["lookup_lad_utla"],
                                     lookup_files["lookup_lad_region"], vintage=str(meta.get("vintage", "2024")))
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


ROLE_FILES = {"lookup_lad_csp_pfa": "lad_csp_pfa", "lookup_lad_utla": "lad_utla", "lookup_lad_region": "lad_region"}


def build_bundle_from_snapshot(snapshot_dir: Path, out_dir: Path, *, lookups_dir: Path | None = None,
                               uploads: list[Path] | None = None, partial: bool = False) -> Path:
    """`jsna build`: the tidy frame from a snapshot alone, analysed into a report bundle.

    Geography comes from the snapshot's ONS lookups and boundaries, or from
    ``lookups_dir`` laid out as the registry's local files (e.g. ``../shared/data``).
    """
    from ..geography.registry import local_path
    from ..sources.snapshot import build_frame, open_snapshot

    snapshot = open_snapshot(snapshot_dir)
    if lookups_dir is not None:
        lookup_files = {role: local_path("lookups", key, "2024", Path(lookups_dir)) for role, key in ROLE_FILES.items()}
        boundary_files = {"lad": local_path("boundaries", "lad", "2024", Path(lookups_dir))}
    else:
        by_key = {e["key"]: snapshot.path(e) for e in snapshot.files("lookup")}
        missing = [key for key in ROLE_FILES.values() if key not in by_key]
        boundaries = {e["key"]: snapshot.path(e) for e in snapshot.files("boundary")}
        if missing or "lad" not in boundaries:
            raise InputError(f"{snapshot_dir}: snapshot has no ONS lookups/boundaries ({', '.join(missing) or 'lad'}); "
                             "pass --lookups DIR")
        lookup_files = {role: by_key[key] for role, key in ROLE_FILES.items()}
        boundary_files = {"lad": boundaries["lad"]}
    frame, meta = build_frame(snapshot_dir, force_lookup=lookup_files["lookup_lad_csp_pfa"])
    upload_meta = []
    if uploads:
        from ..uploads import load_uploads_for_build

        upload_frames, upload_meta = load_uploads_for_build(uploads, lookup_files)
        frame = combine([frame, *upload_frames])
    meta = {**meta, "demo": False, "vintage": "2024", "uploads": upload_meta}
    return build_bundle(frame, out_dir, lookup_files=lookup_files, boundary_files=boundary_files,
                        meta=meta, partial=partial)
