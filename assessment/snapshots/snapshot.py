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
import inspect
import json
import os
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from rich.progress import Progress

from ..core.errors import InputError
from ..core.atomic_files import sha256_of
from ..tidy.frame import coerce_frame, concat_frames, validate_frame
from ..tidy.row_numbers import factorize_with_missing
from ..geography.registry import dataset_url, default_vintage
from ..core.levels import DISTRICT_LEVEL, lookup_roles
from ..sources.catalogue import Catalogue, load_catalogue
from ..sources.completeness import check_fingertips_areas, check_snapshot_files
from .fetch_checks import reference_lookups
from .fetch_steps import SOURCES, Earlier, carry_over, fetch_fingertips, fetch_geography, fetch_publishers
from ..sources.fingertips.backends import choose_backend, make_backend, parse_download
from ..sources.fingertips.next_api import Answer, frame_answers, read_answer
from ..sources.fingertips.repeats import check_repeats
from ..inputs.http import session
from ..sources.publishers import check_reader_output, load_precedence, load_publishers, publishers_path
from .writer import MANIFEST, SnapshotWriter, fetched_here, inside

FINGERTIPS_PAGE = "https://fingertips.phe.org.uk"
PUBLISHERS_PATH = publishers_path()  # where the registry is (tests and older callers import it from here)
#: FingertipsNext answers are framed together (:func:`frame_answers` costs the same few milliseconds for
#: many as for one), in batches of this many rows: their records (under a kilobyte a row) are held until then.
FRAME_ROWS = 100_000

@dataclass
class Snapshot:
    """A snapshot folder and its manifest."""

    root: Path
    manifest: dict = field(default_factory=dict)
    checked: set = field(default_factory=set, repr=False)  # files whose SHA-256 matched already

    @property
    def date(self) -> str:
        return str(self.manifest.get("snapshot_date", self.root.name))

    def files(self, kind: str) -> list[dict]:
        return [f for f in self.manifest.get("files", []) if f["kind"] == kind]

    def path(self, entry: dict) -> Path:
        """A manifest entry's file, inside the snapshot and checked against its SHA-256."""
        path = inside(self.root, entry.get("path"), self.root / MANIFEST)
        if path in self.checked:
            return path
        if not path.is_file():
            raise InputError(f"{path}: listed in {self.root / MANIFEST} but missing")
        if sha256_of(path) != entry["sha256"]:
            raise InputError(f"{path}: contents changed since the snapshot was taken (SHA-256 mismatch)")
        self.checked.add(path)
        return path

    def check(self) -> dict[int, set[str]] | None:
        """Every file present, unchanged and whole (row counts, boundaries); the areas each export must cover."""
        for entry in self.manifest.get("files", []):
            self.path(entry)
        return check_snapshot_files(self.root, self.manifest.get("files", []), self.root / MANIFEST)


def open_snapshot(root: Path) -> Snapshot:
    root = Path(root)
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except FileNotFoundError:
        raise InputError(f"{root}: not a snapshot (no {MANIFEST}); make one with `jsna fetch` (online) or "
                         "`jsna import FILES...` (files you downloaded)") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{root / MANIFEST}: unreadable manifest ({exc.msg}, line {exc.lineno})") from None
    return Snapshot(root, manifest)


def fetch_snapshot(out_root: Path, *, catalogue: Catalogue | None = None, publishers: dict | None = None,
                   client=None, geography_urls: dict | None = None, boundary_url: str | None = None,
                   today: date | None = None, http=None, only: tuple[str, ...] = SOURCES,
                   since: Path | None = None, fingertips: str = "auto", fingertips_urls: dict | None = None) -> Path:
    """Download everything the catalogue and publishers registry need into ``out_root/<date>/``.

    ``client`` is a Fingertips backend (else ``fingertips``: auto, legacy or next,
    with ``fingertips_urls`` {"legacy": ..., "next": ...}); ``only`` limits the
    sources fetched, the others being carried over from the ``since`` snapshot
    (whose unchanged files are reused; see :mod:`.fetch_steps`), else from the
    same day's fetched snapshot this one replaces, so a partial fetch never drops them.
    """
    catalogue = catalogue or load_catalogue()
    publishers = load_publishers() if publishers is None else publishers
    http = http or session()
    urls = fingertips_urls or {}
    snapshot_date = (today or date.today()).isoformat()
    writer = SnapshotWriter(Path(out_root) / snapshot_date, snapshot_date)
    same_day = _same_day(writer.root)
    earlier = Earlier(open_snapshot(since)) if since else None
    if earlier is None and set(only) != set(SOURCES) and same_day is not None and fetched_here(writer.root):
        earlier = Earlier(same_day)
    vintage = default_vintage()
    districts = DISTRICT_LEVEL.boundary
    if districts is None:
        raise InputError(f"boundaries/levels.yaml level {DISTRICT_LEVEL.key}: no boundary file named for the districts")
    geography_urls = geography_urls or {role: dataset_url("lookups", role, vintage) for role in lookup_roles()}
    boundary_url = boundary_url or dataset_url("boundaries", districts, vintage)
    with writer, Progress() as progress:  # a failure keeps the previous snapshot and names the partial files
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
                fetch_geography(writer, progress, geography_urls, boundary_url, earlier=earlier, http=http,
                                vintage=vintage, districts=districts)
        # Every table whole, before it replaces anything (Fingertips alone: against an earlier snapshot's lookups).
        earlier_snapshots = [s for s in (earlier and earlier.snapshot, same_day) if s]
        lookups = reference_lookups(writer.entries, writer.staging, earlier_snapshots)
        check_snapshot_files(writer.staging, writer.entries, lookups=lookups)
    return writer.close()


def _same_day(root: Path) -> Snapshot | None:
    """The snapshot a fetch may replace, if there is one and it can be read."""
    try:
        return open_snapshot(root) if (root / MANIFEST).is_file() else None
    except InputError:
        return None


def _legacy_directory(urls: dict, http):
    """The legacy API, to list the PHOF profile for FingertipsNext (which lists none), if it answers.

    Asked once, not retried: the directory is optional (FingertipsNext replaces the legacy API), and a
    fetch from FingertipsNext must not wait through the retries' backoff (2 + 4 + 8 s) for a host that
    no longer answers. The caller's time limits still apply to the question.
    """
    budget = getattr(http.get_adapter("https://"), "budget", None)
    probe = make_backend("legacy", legacy_url=urls.get("legacy"), http=session(retries=0, budget=budget))
    if probe.health() is not None:
        return None
    return make_backend("legacy", legacy_url=urls.get("legacy"), http=http)


def _fingertips_frames(snapshot: Snapshot, catalogue: Catalogue, expected: dict[int, set[str]] | None,
                       skipped: list[str], notes: list[str]) -> tuple[list[pd.DataFrame], list[dict]]:
    """The Fingertips rows of a snapshot (either backend), ids resolved at fetch time mapped back.

    Each legacy export is checked to cover the ``expected`` areas of its area type. An
    imported export keeps the release `jsna import` read from it; indicators the
    catalogue does not list are named in ``skipped`` (with the file) and left out;
    figures two exports give different values are settled or refused by
    :func:`assessment.sources.overlaps.keep_preferred` (its notes go to ``notes``).
    """
    from ..sources.overlaps import keep_preferred

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
    for entry in snapshot.files("fingertips"):
        path = snapshot.path(entry)
        found: list[str] = []
        frame = parse_download(entry["kind"], path.read_text(encoding="utf-8-sig"), url=entry["url"], metadata=meta,
                               skipped=found, **_provenance(entry))
        skipped += [f"{i} ({path.name})" for i in found]
        if expected:
            check_fingertips_areas(frame, entry["url"], expected)
        frames.append(_tagged(frame, [entry], [len(frame)], renamed, preferred))
        sources.append(_fingertips_source(entry, frame))
    next_entries = snapshot.files("fingertips_next")
    batch: list[tuple[dict, Answer]] = []
    held = 0  # records read and not yet framed
    for number, entry in enumerate(next_entries, start=1):
        text = snapshot.path(entry).read_text(encoding="utf-8-sig")
        batch.append((entry, read_answer(text, url=entry["url"], metadata=meta, **_provenance(entry))))
        held += len(batch[-1][1].records)
        if number == len(next_entries) or held >= FRAME_ROWS:
            frames.append(_framed_answers(batch, renamed, preferred, sources))
            batch, held = [], 0
    if frames:
        fingertips = pd.concat(frames, ignore_index=True).sort_values("_rank", kind="stable")
        for _, rows in fingertips[fingertips["_answer"] != ""].groupby("_answer"):
            check_repeats(rows)  # one API's repeats must agree before one copy is kept
        frames = [concat_frames([keep_preferred(fingertips.drop(columns="_answer"), notes)])]
    return frames, sources


def _provenance(entry: dict) -> dict:
    """When a stored Fingertips answer was retrieved, and the release its rows are of."""
    retrieved = datetime.fromisoformat(entry["retrieved_at"])
    label = "Fingertips" if entry["kind"] == "fingertips" else "FingertipsNext"
    release = entry.get("vintage", "")
    return {"retrieved_at": retrieved,
            "vintage": release if _imported(entry) and release else f"{label}, retrieved {retrieved:%Y-%m-%d}"}


def _imported(entry: dict) -> bool:
    """Whether a Fingertips file came from `jsna import` (a file someone downloaded), not from an API of this fetch."""
    return not entry["url"].startswith(("http://", "https://"))


def _framed_answers(batch: list[tuple[dict, Answer]], renamed: dict, preferred: dict, sources: list) -> pd.DataFrame:
    """FingertipsNext answers framed at once (the frame each gives on its own, concatenated); their sources."""
    frame = frame_answers([answer for _, answer in batch])
    rows = [len(answer.records) for _, answer in batch]
    ends = np.cumsum(rows)
    for (entry, _), first, last in zip(batch, ends - rows, ends):
        sources.append(_fingertips_source(entry, frame.iloc[first:last]))
    return _tagged(frame, [entry for entry, _ in batch], rows, renamed, preferred)


def _tagged(frame: pd.DataFrame, entries: list[dict], rows: list[int], renamed: dict,
            preferred: dict) -> pd.DataFrame:
    """Fingertips rows given their catalogue ids and the bookkeeping :func:`keep_preferred` needs.

    ``rows`` says how many rows (in order) come from each manifest entry of ``entries``.
    """
    def per_row(values: list) -> np.ndarray:
        return np.repeat(np.array(values, dtype=object), rows)

    frame["indicator_id"] = frame["indicator_id"].replace(renamed)
    # District and county answers both carry the unitaries (and the legacy ones the regions and
    # England): the copy from the indicator's preferred area type is the one kept. Each distinct id
    # is looked up once (a million rows, a few hundred ids); no type is NaN, unequal to any, as Series.map gives.
    numbers, ids = factorize_with_missing(frame["indicator_id"].to_numpy(object))
    wanted = np.array([np.nan if (t := preferred.get(i)) is None else t for i in ids], dtype=object)[numbers]
    frame["_rank"] = (wanted != per_row([e.get("area_type") for e in entries])).astype(int)
    answers = ["" if _imported(e) else e["kind"] for e in entries]  # answers of this fetch, by API
    frame["_answer"] = pd.Series(per_row(answers), index=frame.index).astype(str)
    frame["_file"] = pd.Series(per_row([e["path"] for e in entries]), index=frame.index).astype(str)
    return frame


def _fingertips_source(entry: dict, frame: pd.DataFrame) -> dict:
    """A stored Fingertips answer's line in the report's sources (``frame``: its rows)."""
    release = entry.get("vintage", "")
    imported = _imported(entry)
    return {"name": f"OHID Fingertips, {release}" if imported and release else "OHID Fingertips",
            "url": FINGERTIPS_PAGE if imported else entry["url"], "release": release,
            "licence": "Open Government Licence v3.0", "retrieved_at": entry["retrieved_at"],
            "via": "Fingertips" if entry["kind"] == "fingertips" else "FingertipsNext", "file": entry["path"],
            "period": _latest_period(frame)}


def _force_names(snapshot: Snapshot, force_lookup: Path | None):
    """Force name -> code mapping for readers of tables that name forces (the bundle's ONS lookup)."""
    from ..sources.justice.force_names import ForceNames

    if force_lookup is None:
        entry = next((e for e in snapshot.files("lookup") if e["key"] == "lad_csp_pfa"), None)
        force_lookup = snapshot.path(entry) if entry else None
    return ForceNames.from_lookup_file(force_lookup) if force_lookup else ForceNames.default()


def _source_address(url: str, page: str) -> str:
    """The address a reader can follow: the download URL, or the publication page for an imported file.

    The demo's generated files (``demo:<file>``) keep their own address: no publisher's page holds them.
    """
    return url if url.startswith(("http://", "https://", "demo:")) else (page or url)


def _latest_period(frame: pd.DataFrame) -> str:
    """The period of the rows sorting last by period end, then period (missing last); found without a sort."""
    if frame.empty:
        return ""
    ends = frame["period_end"]
    periods = frame.loc[ends.isna() if ends.isna().any() else ends.eq(ends.max()), "period"]
    missing = periods.isna()
    return str(periods[missing].iloc[-1] if missing.any() else periods.max())


def build_frame(snapshot_dir: Path, *, catalogue: Catalogue | None = None, publishers: dict | None = None,
                force_lookup: Path | None = None) -> tuple[pd.DataFrame, dict]:
    """The tidy frame from a snapshot alone (offline), and the sources it came from.

    Readers that take ``forces`` (tables naming police forces) get the mapping
    from ``force_lookup`` (the bundle's LAD -> CSP -> PFA lookup), else the snapshot's.
    Files giving the same figures are resolved by
    :func:`assessment.sources.overlaps.resolve_overlaps`; the metadata lists the
    sources actually used (each with the release read from its file), the
    overlap notes and the Fingertips indicators skipped as not in the catalogue.
    """
    from ..sources.overlaps import Part, resolve_overlaps

    snapshot = open_snapshot(snapshot_dir)
    forces = None
    catalogue = catalogue or load_catalogue()
    publishers = load_publishers() if publishers is None else publishers
    expected = snapshot.check()
    skipped: list[str] = []
    fingertips_notes: list[str] = []
    frames, fingertips_sources = _fingertips_frames(snapshot, catalogue, expected, skipped, fingertips_notes)
    parts = [Part(frame, "Fingertips exports", "fingertips") for frame in frames]
    described, provided = {}, {}
    for order, entry in enumerate(snapshot.files("publisher")):
        spec = publishers.get(entry["key"])
        if spec is None:
            raise InputError(f"{snapshot.root / MANIFEST}: publisher '{entry['key']}' is not in {publishers_path()}")
        path = snapshot.path(entry)
        if spec.get("provides"):  # no indicator rows: `jsna build` makes the bundle's table from the file
            provided[spec["provides"]] = _provided(entry, spec, path)
            continue
        reader = getattr(importlib.import_module(spec["module"]), spec.get("reader", "read"))
        extra = {}
        if "forces" in inspect.signature(reader).parameters:
            forces = forces or _force_names(snapshot, force_lookup)
            extra["forces"] = forces
        release = entry.get("release") or {}
        address = release.get("page") or _source_address(entry["url"], spec.get("publisher_page", ""))
        frame = reader(path, source_url=_source_address(entry["url"], spec.get("publisher_page", "")),
                       retrieved_at=datetime.fromisoformat(entry["retrieved_at"]), vintage=entry.get("vintage", ""),
                       **extra)
        check_reader_output(entry["key"], spec, frame["indicator_id"].unique(), where=str(path))
        if spec.get("only_area_types"):
            frame = frame[frame["area_type"].isin(spec["only_area_types"])]
        published = entry.get("published") or release.get("released", "")
        parts.append(Part(frame, path.name, entry["key"], published, order))
        label = entry.get("vintage") or spec.get("vintage", entry["key"])
        source = str(frame["source"].iloc[0]) if len(frame) else entry["key"]
        described[id(parts[-1])] = {
            "name": f"{source}, {label} ({path.name})", "release": label, "url": address,
            "licence": spec.get("licence", ""), "retrieved_at": entry["retrieved_at"], "file": entry["path"],
            "released": published, "period": _latest_period(frame)}
    conflicts = list(fingertips_notes)  # figures files give different values: `jsna build` prints these
    frame, notes, used = resolve_overlaps(parts, load_precedence(), conflicts=conflicts)
    frame = validate_frame(frame, where=f"snapshot {snapshot.root}")
    sources = fingertips_sources + [described[id(p)] for p in used if id(p) in described]
    return frame, {"snapshot_date": snapshot.date, "sources": sources,
                   "source_notes": [*fingertips_notes, *notes],
                   "source_conflicts": conflicts, "skipped_indicators": skipped, "provided": provided}


def _provided(entry: dict, spec: dict, path: Path) -> dict:
    """A ``provides:`` file for `jsna build`: its path and its line in the report's sources."""
    release = entry.get("release") or {}
    label = entry.get("vintage") or entry["key"]
    return {"path": str(path), "source": {
        "name": f"{spec.get('file_kind', entry['key'])}, {label} ({path.name})", "release": label,
        "url": release.get("page") or _source_address(entry["url"], spec.get("publisher_page", "")),
        "licence": spec.get("licence", ""), "retrieved_at": entry["retrieved_at"], "file": entry["path"],
        "released": entry.get("published") or release.get("released", ""), "period": ""}}


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
