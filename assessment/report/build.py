"""Build a report bundle from a tidy frame: crosswalk, analyse, and write everything renders need."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis import analyse
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
    frame = add_intervals(crosswalk_frame(frame, geography, partial=partial, where="tidy frame"))
    analysed = analyse(frame, geography, partial=partial)
    meta = {**meta, "indicators": {**load_catalogue().report_info(), **meta.get("indicators", {})}}
    return write_bundle(analysed, out_dir, geography_files=lookup_files, boundary_files=boundary_files, meta=meta)


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate loaders' frames into one validated tidy frame."""
    return validate_frame(concat_frames(frames))
