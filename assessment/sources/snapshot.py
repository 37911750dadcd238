"""Reproducible snapshots: `jsna fetch` downloads everything once; `jsna build` reads only the snapshot.

A snapshot is a dated folder::

    snapshots/2026-11-22/
        manifest.json                     url, retrieved_at, sha256, rows, vintage of every file
                                          (and a publisher file's release: title, edition, date)
        fingertips/area-type-501-1.csv    legacy Fingertips exports, at most 100 indicators per file
        fingertips/next/<id>/<n>-<type>.json   or FingertipsNext answers, per indicator and batch
        fingertips/identity.json          every catalogue id's fetch-time name check
        publishers/<key>/<file>           publisher files as published
        geography/<role>.csv              ONS lookups (canonical columns)
        geography/lad.geojson             ONS district boundaries

:func:`build_frame` checks every file against its SHA-256 in the manifest before
parsing, so a report can be rebuilt exactly, offline, from the snapshot alone.
"""

from __future__ import annotations

import importlib
import json
import os
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import yaml
from rich.progress import Progress

from ..errors import InputError
from ..files import sha256_of, write_atomic
from ..frame import KEY_COLUMNS, coerce_frame, concat_frames, validate_frame
from ..paths import DATA_SOURCES_DIR
from .catalogue import Catalogue, load_catalogue
from .fetch_steps import SOURCES, Earlier, carry_over, fetch_fingertips, fetch_geography, fetch_publishers
from .fingertips_api import choose_backend, make_backend, parse_download
from .http import session

PUBLISHERS_PATH = DATA_SOURCES_DIR / "publishers.yaml"
MANIFEST = "manifest.json"


def load_publishers(path: Path = PUBLISHERS_PATH) -> dict:
    """The publishers registry (``data_sources/publishers.yaml``)."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["publishers"]


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
            rows: int | None = None, from_cache: bool = False, **details) -> Path:
        """Write one file; ``details`` (a release, validators, a reused file's retrieved_at...) go in its entry."""
        path = self.root / relative
        write_atomic(path, data)
        entry = {"path": relative, "kind": kind, "key": key, "url": url,
                 "retrieved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 "sha256": sha256_of(path), "rows": rows, "vintage": vintage, "from_cache": from_cache}
        entry.update(details)
        self.entries.append(entry)
        return path

    def close(self) -> Path:
        manifest = {"snapshot_date": self.snapshot_date, "files": self.entries,
                    "created_by": "jsna-justice"}
        write_atomic(self.root / MANIFEST, json.dumps(manifest, indent=2).encode())
        return self.root


def fetch_snapshot(out_root: Path, *, catalogue: Catalogue | None = None, publishers: dict | None = None,
                   client=None, geography_urls: dict | None = None, boundary_url: str | None = None,
                   today: date | None = None, http=None, only: tuple[str, ...] = SOURCES,
                   since: Path | None = None, fingertips: str = "auto", fingertips_urls: dict | None = None) -> Path:
    """Download everything the catalogue and publishers registry need into ``out_root/<date>/``.

    ``client`` is a Fingertips backend (else ``fingertips``: auto, legacy or next,
    with ``fingertips_urls`` {"legacy": ..., "next": ...}); ``only`` limits the
    sources fetched, the others being carried over from the ``since`` snapshot
    (whose unchanged files are reused; see :mod:`.fetch_steps`).
    """
    from ..geography.registry import dataset_url

    catalogue = catalogue or load_catalogue()
    publishers = load_publishers() if publishers is None else publishers
    http = http or session()
    urls = fingertips_urls or {}
    earlier = Earlier(open_snapshot(since)) if since else None
    snapshot_date = (today or date.today()).isoformat()
    writer = SnapshotWriter(Path(out_root) / snapshot_date, snapshot_date)
    geography_urls = geography_urls or {role: dataset_url("lookups", role, "2024")
                                        for role in ("lad_csp_pfa", "lad_utla", "lad_region")}
    boundary_url = boundary_url or dataset_url("boundaries", "lad", "2024")
    with Progress() as progress:
        for source in SOURCES:
            if source not in only:
                if earlier is not None:
                    carry_over(writer, earlier, source)
                continue
            if source == "fingertips":
                backend = client or choose_backend(fingertips, legacy_url=urls.get("legacy"),
                                                   next_url=urls.get("next"), http=http)
                directory = None if backend.name == "legacy" else _legacy_directory(urls, http)
                fetch_fingertips(writer, progress, catalogue=catalogue, backend=backend, directory=directory,
                                 earlier=earlier)
            elif source == "publishers":
                fetch_publishers(writer, progress, publishers, http=http, earlier=earlier)
            else:
                fetch_geography(writer, progress, geography_urls, boundary_url, earlier=earlier)
    return writer.close()


def _legacy_directory(urls: dict, http):
    """The legacy API, to list the PHOF profile for FingertipsNext (which lists none), if it answers."""
    legacy = make_backend("legacy", legacy_url=urls.get("legacy"), http=http)
    return legacy if legacy.health() is None else None


def _fingertips_frames(snapshot: Snapshot, catalogue: Catalogue) -> tuple[list[pd.DataFrame], list[dict]]:
    """The Fingertips rows of a snapshot (either backend), ids resolved at fetch time mapped back."""
    meta = catalogue.fingertips_meta()
    renamed = {}
    for entry in snapshot.files("fingertips_identity"):
        record = json.loads(snapshot.path(entry).read_text(encoding="utf-8"))
        for check in record.get("indicators", []):
            if check.get("status") == "resolved" and check.get("fetched_id") != check["catalogue_id"]:
                renamed[check["fetched_id"]] = check["catalogue_id"]
                meta[check["fetched_id"]] = replace(meta[check["catalogue_id"]], indicator_id=check["fetched_id"])
    preferred = {e.frame_id: e.area_type for e in catalogue.fingertips()}
    frames, sources = [], []
    for entry in snapshot.files("fingertips") + snapshot.files("fingertips_next"):
        path = snapshot.path(entry)
        retrieved = datetime.fromisoformat(entry["retrieved_at"])
        label = "Fingertips" if entry["kind"] == "fingertips" else "FingertipsNext"
        frame = parse_download(entry["kind"], path.read_text(encoding="utf-8"), url=entry["url"], metadata=meta,
                               retrieved_at=retrieved, vintage=f"{label}, retrieved {retrieved:%Y-%m-%d}")
        frame["indicator_id"] = frame["indicator_id"].replace(renamed)
        # District and county answers both carry the unitaries (and the legacy ones the regions and
        # England): the copy from the indicator's preferred area type is the one kept.
        frame["_rank"] = (frame["indicator_id"].map(preferred) != entry.get("area_type")).astype(int)
        frames.append(frame)
        sources.append({"name": "OHID Fingertips", "url": entry["url"], "licence": "Open Government Licence v3.0",
                        "retrieved_at": entry["retrieved_at"], "via": label})
    if frames:
        fingertips = pd.concat(frames, ignore_index=True).sort_values("_rank", kind="stable")
        frames = [concat_frames([fingertips.drop_duplicates(subset=KEY_COLUMNS, keep="first").drop(columns="_rank")])]
    return frames, sources


def build_frame(snapshot_dir: Path, *, catalogue: Catalogue | None = None,
                publishers: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """The tidy frame from a snapshot alone (offline), and the sources it came from."""
    snapshot = open_snapshot(snapshot_dir)
    catalogue = catalogue or load_catalogue()
    publishers = load_publishers() if publishers is None else publishers
    frames, sources = _fingertips_frames(snapshot, catalogue)
    for entry in snapshot.files("publisher"):
        spec = publishers.get(entry["key"])
        if spec is None:
            raise InputError(f"{snapshot.root / MANIFEST}: publisher '{entry['key']}' is not in {PUBLISHERS_PATH}")
        reader = getattr(importlib.import_module(spec["module"]), spec.get("reader", "read"))
        frame = reader(snapshot.path(entry), source_url=entry["url"],
                       retrieved_at=datetime.fromisoformat(entry["retrieved_at"]), vintage=entry.get("vintage", ""))
        if spec.get("only_area_types"):
            frame = frame[frame["area_type"].isin(spec["only_area_types"])]
        frames.append(frame)
        release = entry.get("release") or {}
        sources.append({"name": entry.get("vintage") or spec.get("vintage", entry["key"]),
                        "url": release.get("page") or spec.get("publisher_page", entry["url"]),
                        "licence": spec.get("licence", ""), "retrieved_at": entry["retrieved_at"],
                        "file": entry["url"], "released": release.get("released", "")})
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
