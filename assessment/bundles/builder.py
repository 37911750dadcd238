"""Build a report bundle from a tidy frame: crosswalk, analyse, and write everything renders need."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .analysis import analyse, latest_populations
from ..core.errors import InputError
from ..core.large_blocks import return_large_blocks
from ..tidy.frame import concat_frames
from ..geography import crosswalk_frame, geography_from_files
from ..geography.boundary_checks import check_boundary_file
from ..geography.registry import default_vintage
from ..core.levels import DISTRICT_LEVEL, lookup_roles
from ..core.output_folders import refuse_overlap
from ..sources.catalogue import load_catalogue
from ..sources.derived import derive_rates
from ..snapshots.snapshot import build_frame, open_snapshot
from ..stats import add_intervals
from ..uploads import load_uploads_for_build
from .bundle import refuse_unless_bundle_folder, write_bundle


def build_bundle(frame: pd.DataFrame, out_dir: Path, *, lookup_files: dict[str, Path],
                 boundary_files: dict[str, Path], meta: dict, partial: bool = False,
                 snapshot_dir: Path | None = None) -> Path:
    """Analyse ``frame`` for every area of the lookups' geography and write the bundle.

    ``lookup_files`` has a ``lookup_<role>`` file for every lookup role of the
    levels table (:func:`assessment.core.levels.lookup_roles`); ``boundary_files``
    has the districts' boundaries (and optionally other levels'). Every geography
    decision of the crosswalk is written to ``meta["geography_notes"]``, and how
    derived rates were made to ``meta["source_notes"]``. An area code no lookup
    knows is blamed on the file of ``meta["sources"]`` it came from (under ``snapshot_dir``).
    """
    for path in boundary_files.values():  # a damaged area is named now, not when a map is drawn
        check_boundary_file(path)
    geography = geography_from_files(lookup_files, vintage=str(meta.get("vintage") or default_vintage()))
    catalogue = load_catalogue()
    geography_notes = list(meta.get("geography_notes", []))
    frame = crosswalk_frame(frame, geography, partial=partial, where="tidy frame", notes=geography_notes,
                            files_of=_files_of(meta.get("sources", []), snapshot_dir),
                            england_and_wales=catalogue.england_and_wales_ids(),
                            weighted_ids=catalogue.weighted_mean_ids(), populations=latest_populations(frame))
    rates, rate_notes = derive_rates(frame, catalogue)
    tidy = [add_intervals(combine([frame, rates]))]
    del frame, rates
    meta = {**meta, "indicators": {**catalogue.report_info(), **meta.get("indicators", {})},
            "geography_notes": geography_notes, "source_notes": [*meta.get("source_notes", []), *rate_notes]}
    tables = _provided_tables(meta, geography, tidy[0])
    # Handed over, not kept: the analysis lets go of the tidy frame once it has the one with roll-ups.
    analysed = analyse(tidy.pop(), geography, partial=partial)
    return write_bundle(analysed, out_dir, geography_files=lookup_files, boundary_files=boundary_files, meta=meta,
                        tables=tables)


def _provided_tables(meta: dict, geography, frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The bundle's tables made from ``provides:`` files (``meta["provided"]``, which this takes out of meta).

    The similar-areas workbook gives the similar-areas table; its method and notes go to
    ``meta["similar_areas"]`` and the workbook to the sources.
    """
    from .similar_areas import similar_areas_table, with_uploaded_groups

    provided = meta.pop("provided", None) or {}
    uploaded = [u for u in meta.get("uploads", []) if u.get("provides") == "similar_areas"]
    if "similar_areas" not in provided and not uploaded:
        return {}
    table = None
    if "similar_areas" in provided:
        entry = provided["similar_areas"]
        table, meta["similar_areas"] = similar_areas_table(Path(entry["path"]), geography, latest_populations(frame))
        meta["sources"] = [*meta.get("sources", []), entry["source"]]
    table, files = with_uploaded_groups(table, uploaded, geography)
    if files:  # a local list of most similar forces wins over the computed one
        meta["similar_areas"] = {**meta.get("similar_areas", {}), "uploaded": files}
    return {"similar_areas": table}


def _files_of(sources: list[dict], snapshot: Path | None):
    """Source name -> the snapshot files it was read from (``meta["sources"]``), for messages that blame a file."""
    def files_of(source: str) -> list[str]:
        return sorted({str(Path(snapshot) / s["file"]) if snapshot else s["file"] for s in sources
                       if s.get("file") and str(s.get("name", "")).startswith(str(source))})
    return files_of


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate loaders' frames into one tidy frame (each was validated where it was born)."""
    return concat_frames(frames)


#: Boundary levels a bundle takes from files; police force areas are dissolved from the districts,
#: so they always match the lookup (the PFA boundary products are older than it).
BOUNDARY_LEVELS = ("lad", "utla", "region")


#: Manifest kinds that hold geography, not data rows.
GEOGRAPHY_KINDS = ("lookup", "boundary")
#: The most data rows a build takes. A build's peak memory is about 220 MB and 1.1 KB a data row
#: (roll-ups, comparisons and trends add to every row): 1,320-1,360 MB for the 1,052,198 rows of
#: benchmarks/build_national.py, so this keeps it within 2 GB with some room (about 1.6 GB).
#: JSNA_MAX_BUILD_ROWS raises it on a machine with more memory.
MAX_BUILD_ROWS = 1_250_000


def check_build_size(rows: int, where: str) -> None:
    """Refuse, in one line and before the memory is spent, a build with more data rows than it can hold."""
    setting = os.environ.get("JSNA_MAX_BUILD_ROWS") or str(MAX_BUILD_ROWS)
    if not setting.strip().isdigit():
        raise InputError(f"JSNA_MAX_BUILD_ROWS={setting!r}: not a whole number of rows")
    limit = int(setting)
    if rows > limit:
        raise InputError(f"{where}: {rows:,} data rows, more than the {limit:,} a build can analyse within "
                         "2 GB of memory; fetch fewer indicators or areas into a snapshot, or set "
                         "JSNA_MAX_BUILD_ROWS on a machine with more memory")


def geography_from_folder(folder: Path) -> tuple[dict[str, Path], dict[str, Path], str]:
    """ONS lookups and boundaries found in ``folder`` by their content (any file names, any depth).

    Returns (lookup files by ``lookup_<role>``, boundary files by level, vintage);
    where a role has several files, the newest vintage is used.
    """
    from ..geography.recognise import recognise_boundary, recognise_lookup

    lookups: dict[str, tuple] = {}
    boundaries: dict[str, tuple] = {}
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        if path.suffix.lower() in (".csv", ".txt"):
            found, target = recognise_lookup(path), lookups
        elif path.suffix.lower() in (".json", ".geojson"):
            found, target = recognise_boundary(path), boundaries
        else:
            continue
        if found and (found.key not in target or found.period > target[found.key][1]):
            target[found.key] = (path, found.period)
    return ({f"lookup_{role}": lookups[role][0] for role in lookup_roles() if role in lookups},
            {level: boundaries[level][0] for level in BOUNDARY_LEVELS if level in boundaries},
            _vintage([period for _, period in lookups.values()]))


def _vintage(periods: list[str]) -> str:
    """The geography vintage of a set of lookups: their newest year (else the registry's default)."""
    years = [p for p in periods if p and p.isdigit()]
    return max(years) if years else default_vintage()


def build_bundle_from_snapshot(snapshot_dir: Path, out_dir: Path, *, lookups_dir: Path | None = None,
                               uploads: Sequence[Path | str] | None = None, partial: bool = False,
                               described: dict | None = None) -> Path:
    """`jsna build`: the tidy frame from a snapshot alone, analysed into a report bundle.

    Geography comes from the snapshot's ONS lookups and boundaries, or from the
    lookup and boundary files found in ``lookups_dir`` (recognised by content,
    whatever their names). ``described`` replaces entries of the bundle's metadata
    (the demo's: its sources are invented, not the publishers' whose formats they use).
    """
    return_large_blocks()  # a national build frees hundreds of columns of a million rows: give them back
    snapshot = open_snapshot(snapshot_dir)
    # Before any work: the bundle replaces --out whole, so it may be neither an input nor a folder of other files.
    refuse_overlap(out_dir, [("--snapshot", Path(snapshot_dir)), ("--lookups", lookups_dir),
                             *[("--upload", _upload_path(u)) for u in uploads or []]])
    refuse_unless_bundle_folder(Path(out_dir))
    districts = DISTRICT_LEVEL.boundary
    if lookups_dir is not None:
        lookup_files, boundary_files, vintage = geography_from_folder(Path(lookups_dir))
        where = f"{lookups_dir}"
    else:
        entries = {e["key"]: e for e in snapshot.files("lookup")}
        lookup_files = {f"lookup_{role}": snapshot.path(entries[role]) for role in lookup_roles() if role in entries}
        boundary_files = {e["key"]: snapshot.path(e) for e in snapshot.files("boundary") if e["key"] in BOUNDARY_LEVELS}
        vintage = _vintage([str(e.get("period") or e.get("vintage") or "") for e in entries.values()])
        where = f"snapshot {snapshot_dir}"
    missing = [role for role in lookup_roles() if f"lookup_{role}" not in lookup_files]
    if districts not in boundary_files:
        missing.append(f"district ({districts}) boundaries")
    if missing:
        raise InputError(f"{where}: no ONS {', '.join(missing)}; `jsna import` them into the snapshot or "
                         "pass --lookups DIR (a folder holding them)")
    check_build_size(sum(int(e.get("rows") or 0) for e in snapshot.manifest.get("files", [])
                         if e["kind"] not in GEOGRAPHY_KINDS), where)
    frame, meta = build_frame(snapshot_dir, force_lookup=lookup_files["lookup_lad_csp_pfa"])
    check_build_size(len(frame), where)
    for note in meta.get("source_conflicts", []):  # a figure two files disagree on: say which was used
        print(f"note: {note}", file=sys.stderr)
    upload_meta: list[dict] = []
    if uploads:
        upload_frames, upload_meta = load_uploads_for_build(list(uploads), lookup_files)
        frame = combine([frame, *upload_frames])
    meta = {**meta, "demo": False, "vintage": vintage, "uploads": upload_meta, **(described or {})}
    # Handed over, not kept: the snapshot's frame is let go of once the crosswalk has made the next one.
    snapshot_frame = [frame]
    del frame
    return build_bundle(snapshot_frame.pop(), out_dir, lookup_files=lookup_files, boundary_files=boundary_files,
                        meta=meta, partial=partial, snapshot_dir=Path(snapshot_dir))


def _upload_path(upload: str | Path) -> Path:
    """The file of an ``--upload`` given as FILE or KIND=FILE."""
    text = str(upload)
    return Path(text.partition("=")[2]) if "=" in text and not Path(text).exists() else Path(text)
