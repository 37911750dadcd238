"""Reproducible snapshots: `jsna fetch` downloads everything once; `jsna build` reads only the snapshot.

A snapshot is a dated folder::

    snapshots/2026-11-22/
        manifest.json                 url, retrieved_at, sha256, rows, vintage of every file
        fingertips/district-1.csv     Fingertips exports, at most 100 indicators per file
        publishers/<file>             publisher files as published
        geography/<role>.csv          ONS lookups (canonical columns)
        geography/lad.geojson         ONS district boundaries

:func:`build_frame` checks every file against its SHA-256 in the manifest before
parsing, so a report can be rebuilt exactly, offline, from the snapshot alone.
"""

from __future__ import annotations

import importlib
import json
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
from rich.progress import Progress

from ..errors import InputError
from ..files import sha256_of, write_atomic
from ..frame import KEY_COLUMNS, coerce_frame, concat_frames, validate_frame
from ..geography.arcgis import query_attributes, query_geojson
from ..geography.registry import dataset_url, default_vintage
from ..levels import DISTRICT_LEVEL, lookup_roles
from .catalogue import Catalogue, load_catalogue
from .fingertips import FingertipsClient, parse_csv
from .http import get_text, session
from .publishers import check_reader_output, load_publishers, publishers_path

MANIFEST = "manifest.json"
PARENT_AREA_TYPE = 6  # regions: the export then includes region and England rows


@dataclass
class Snapshot:
    """A snapshot folder and its manifest."""

    root: Path
    manifest: dict = field(default_factory=dict)

    @property
    def date(self) -> str:
        return str(self.manifest.get("snapshot_date", self.root.name))

    def files(self, kind: str) -> list[dict]:
        return [f for f in self.manifest.get("files", []) if f["kind"] == kind]

    def path(self, entry: dict) -> Path:
        """A manifest entry's file, checked against its SHA-256."""
        path = self.root / entry["path"]
        if not path.is_file():
            raise InputError(f"{path}: listed in {self.root / MANIFEST} but missing")
        if sha256_of(path) != entry["sha256"]:
            raise InputError(f"{path}: contents changed since the snapshot was taken (SHA-256 mismatch)")
        return path


def open_snapshot(root: Path) -> Snapshot:
    root = Path(root)
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except FileNotFoundError:
        raise InputError(f"{root}: not a snapshot (no {MANIFEST}); run `jsna fetch` first") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{root / MANIFEST}: unreadable manifest ({exc.msg}, line {exc.lineno})") from None
    return Snapshot(root, manifest)


class SnapshotWriter:
    """Collects files into a dated folder and writes the manifest last."""

    def __init__(self, root: Path, snapshot_date: str):
        self.root = root
        self.entries: list[dict] = []
        self.snapshot_date = snapshot_date

    def add(self, relative: str, data: bytes, *, kind: str, key: str, url: str, vintage: str = "",
            rows: int | None = None, from_cache: bool = False) -> Path:
        path = self.root / relative
        write_atomic(path, data)
        self.entries.append({"path": relative, "kind": kind, "key": key, "url": url,
                             "retrieved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                             "sha256": sha256_of(path), "rows": rows, "vintage": vintage,
                             "from_cache": from_cache})
        return path

    def close(self) -> Path:
        manifest = {"snapshot_date": self.snapshot_date, "files": self.entries,
                    "created_by": "jsna-justice"}
        write_atomic(self.root / MANIFEST, json.dumps(manifest, indent=2).encode())
        return self.root


def fetch_snapshot(out_root: Path, *, catalogue: Catalogue | None = None, publishers: dict | None = None,
                   client: FingertipsClient | None = None, geography_urls: dict | None = None,
                   boundary_url: str | None = None, today: date | None = None, http=None) -> Path:
    """Download everything the catalogue and publishers registry need into ``out_root/<date>/``."""
    catalogue = catalogue or load_catalogue()
    publishers = load_publishers() if publishers is None else publishers
    http = http or session()
    client = client or FingertipsClient(http=http)
    snapshot_date = (today or date.today()).isoformat()
    writer = SnapshotWriter(Path(out_root) / snapshot_date, snapshot_date)
    fingertips = catalogue.fingertips()
    vintage = default_vintage()
    districts = DISTRICT_LEVEL.boundary
    geography_urls = geography_urls or {role: dataset_url("lookups", role, vintage) for role in lookup_roles()}
    boundary_url = boundary_url or dataset_url("boundaries", districts, vintage)
    with Progress() as progress:
        task = progress.add_task("Fetching", total=len(fingertips) + len(publishers) + len(geography_urls) + 1)
        by_type: dict[int, list[str]] = {}
        for entry in fingertips:
            progress.update(task, description=f"Fingertips {entry.frame_id}")
            for area_type in client.local_area_types(entry.frame_id, entry.area_type):
                by_type.setdefault(area_type, []).append(entry.frame_id)
            client.check_name(entry.frame_id, entry.title if entry.verified else "")
            progress.advance(task)
        for area_type, ids in by_type.items():
            for number, (url, text) in enumerate(client.data_csv(ids, area_type, PARENT_AREA_TYPE), start=1):
                writer.add(f"fingertips/area-type-{area_type}-{number}.csv", text.encode("utf-8"),
                           kind="fingertips", key=f"{area_type}-{number}", url=url,
                           rows=text.count("\n") - 1, vintage="OHID Fingertips")
        for key, spec in publishers.items():
            progress.update(task, description=f"Publisher {key}")
            fetched = get_text(spec["url"], expect="file", http=http, timeout=(10, 300))
            writer.add(f"publishers/{spec['filename']}", fetched.content, kind="publisher", key=key,
                       url=spec["url"], vintage=spec.get("vintage", ""), from_cache=fetched.from_cache)
            progress.advance(task)
        for role, url in geography_urls.items():
            progress.update(task, description=f"ONS lookup {role}")
            table = query_attributes(url)
            writer.add(f"geography/{role}.csv", table.to_csv(index=False).encode("utf-8"), kind="lookup",
                       key=role, url=url, rows=len(table), vintage=vintage)
            progress.advance(task)
        progress.update(task, description="ONS district boundaries")
        shapes = query_geojson(boundary_url)
        writer.add(f"geography/{districts}.geojson", json.dumps(shapes).encode("utf-8"), kind="boundary",
                   key=districts, url=boundary_url, rows=len(shapes["features"]), vintage=vintage)
        progress.advance(task)
    return writer.close()


def build_frame(snapshot_dir: Path, *, catalogue: Catalogue | None = None,
                publishers: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """The tidy frame from a snapshot alone (offline), and the sources it came from."""
    snapshot = open_snapshot(snapshot_dir)
    catalogue = catalogue or load_catalogue()
    publishers = load_publishers() if publishers is None else publishers
    meta = catalogue.fingertips_meta()
    frames, sources = [], []
    for entry in snapshot.files("fingertips"):
        path = snapshot.path(entry)
        retrieved = datetime.fromisoformat(entry["retrieved_at"])
        frames.append(parse_csv(path.read_text(encoding="utf-8"), url=entry["url"], metadata=meta,
                                retrieved_at=retrieved, vintage=f"Fingertips, retrieved {retrieved:%Y-%m-%d}"))
        sources.append({"name": "OHID Fingertips", "url": entry["url"], "licence": "Open Government Licence v3.0",
                        "retrieved_at": entry["retrieved_at"]})
    if frames:
        # District and county exports both carry the unitaries, regions and England: keep one copy.
        fingertips = concat_frames(frames)
        frames = [fingertips.drop_duplicates(subset=KEY_COLUMNS, keep="first")]
    for entry in snapshot.files("publisher"):
        spec = publishers.get(entry["key"])
        if spec is None:
            raise InputError(f"{snapshot.root / MANIFEST}: publisher '{entry['key']}' is not in {publishers_path()}")
        reader = getattr(importlib.import_module(spec["module"]), spec.get("reader", "read"))
        path = snapshot.path(entry)
        frame = reader(path, source_url=entry["url"],
                       retrieved_at=datetime.fromisoformat(entry["retrieved_at"]), vintage=entry.get("vintage", ""))
        check_reader_output(entry["key"], spec, frame["indicator_id"].unique(), where=str(path))
        if spec.get("only_area_types"):
            frame = frame[frame["area_type"].isin(spec["only_area_types"])]
        frames.append(frame)
        sources.append({"name": spec.get("vintage", entry["key"]), "url": spec.get("publisher_page", entry["url"]),
                        "licence": spec.get("licence", ""), "retrieved_at": entry["retrieved_at"]})
    frame = validate_frame(concat_frames(frames), where=f"snapshot {snapshot.root}")
    return frame, {"snapshot_date": snapshot.date, "sources": sources}


def write_frame(frame: pd.DataFrame, path: Path) -> Path:
    """Save a tidy frame (parquet keeps every type); atomic."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(temp, index=False)
    os.replace(temp, path)
    return path


def read_frame(path: Path) -> pd.DataFrame:
    """Read a tidy frame saved by :func:`write_frame`, validated."""
    return validate_frame(coerce_frame(pd.read_parquet(path)), where=str(path))


__all__ = ["Snapshot", "build_frame", "fetch_snapshot", "load_publishers", "open_snapshot",
           "read_frame", "write_frame"]
