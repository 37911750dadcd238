"""The steps of `jsna fetch`, one per source, each with its own progress bar.

- **fingertips**: every catalogue id is checked by name (:mod:`.fingertips_identity`),
  then the backend's answers are read in full (:mod:`.fetch_checks`) and stored
  as they came, with the checks in ``fingertips/identity.json``;
- **publishers**: each source's current release is found on the publisher's
  page (:mod:`.publisher_releases`), downloaded and recorded with its title,
  edition and date;
- **geography**: the ONS lookups and district boundaries of the pinned vintage.

With an earlier snapshot (``--since``), unchanged files are reused: a publisher
file is asked for with the ETag / Last-Modified recorded for it and a 304
answer copies the earlier file; a geography dataset is pinned to a vintage, so
the earlier copy of the same URL is reused without asking; a Fingertips answer
identical to the earlier one (same URL, same SHA-256) is marked unchanged.
Sources left out with ``--only`` are carried over from the earlier snapshot.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..core.errors import InputError, SourceError
from ..geography.arcgis import query_attributes, query_geojson
from ..sources.catalogue import Catalogue
from .fetch_checks import check_download, fetched_metadata
from ..sources.fingertips.identity import Identity, check_identities
from ..inputs.http import Fetched, get_text
from .publisher_releases import find_release, fixed_release

SOURCES = ("fingertips", "publishers", "geography")
KINDS = {"fingertips": ("fingertips", "fingertips_next", "fingertips_identity"),
         "publishers": ("publisher",), "geography": ("lookup", "boundary")}
IDENTITY_FILE = "fingertips/identity.json"


class IndicatorStoppedWarning(UserWarning):
    """An indicator was not fetched: its id no longer names the indicator the catalogue means."""


def parse_only(text: str | None) -> tuple[str, ...]:
    """The sources named by ``--only`` (comma-separated), all of them by default.

    >>> parse_only("publishers, geography")
    ('publishers', 'geography')
    >>> parse_only("fingertip")
    Traceback (most recent call last):
    ...
    assessment.core.errors.InputError: --only: unknown source(s) fingertip; choose from fingertips, publishers, geography
    """
    if not text:
        return SOURCES
    names = tuple(n.strip().lower() for n in text.split(",") if n.strip())
    unknown = [n for n in names if n not in SOURCES]
    if unknown or not names:
        raise InputError(f"--only: unknown source(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(SOURCES)}")
    return names


class _Snapshot(Protocol):
    """What :class:`Earlier` reads of an :class:`assessment.snapshots.snapshot.Snapshot` (which imports this module)."""

    @property
    def date(self) -> str: ...

    def files(self, kind: str) -> list[dict]: ...

    def path(self, entry: dict) -> Path: ...


@dataclass
class Earlier:
    """An earlier snapshot whose unchanged files may be reused."""

    snapshot: _Snapshot

    @property
    def date(self) -> str:
        return self.snapshot.date

    def entries(self, source: str) -> list[dict]:
        return [e for kind in KINDS[source] for e in self.snapshot.files(kind)]

    def find(self, kind: str, *, key: str | None = None, url: str | None = None) -> dict | None:
        for entry in self.snapshot.files(kind):
            if (key is None or entry["key"] == key) and (url is None or entry["url"] == url):
                return entry
        return None

    def content(self, entry: dict) -> bytes:
        return self.snapshot.path(entry).read_bytes()  # checked against its SHA-256


def _carried(entry: dict) -> dict:
    """The manifest fields of an earlier entry that describe its content (for `SnapshotWriter.add`)."""
    skip = {"path", "kind", "key", "url", "vintage", "rows", "from_cache", "sha256"}
    return {k: v for k, v in entry.items() if k not in skip}


def carry_over(writer, earlier: Earlier, source: str) -> None:
    """Copy a source's files from the earlier snapshot unchanged (a source left out with --only)."""
    for entry in earlier.entries(source):
        writer.add(entry["path"], earlier.content(entry), kind=entry["kind"], key=entry["key"], url=entry["url"],
                   vintage=entry.get("vintage", ""), rows=entry.get("rows"), from_cache=entry.get("from_cache", False),
                   **{**_carried(entry), "reused_from": entry.get("reused_from") or earlier.date})


def fetch_fingertips(writer, progress, *, catalogue: Catalogue, backend, directory=None,
                     earlier: Earlier | None = None) -> list[Identity]:
    """Check every Fingertips id by name, then store the backend's answers for those that passed."""
    entries = catalogue.fingertips()
    task = progress.add_task(f"{backend.label}: checking indicator names", total=len(entries))
    checks = check_identities(entries, backend, directory)
    progress.update(task, completed=len(entries))
    for check in checks:
        if not check.ok:
            warnings.warn(check.message, IndicatorStoppedWarning, stacklevel=2)
    preferred = {e.frame_id: e.area_type for e in entries}
    metadata = fetched_metadata(catalogue, checks)
    requests = [(c.fetched_id, preferred[c.catalogue_id]) for c in checks if c.ok]
    progress.update(task, description=f"{backend.label}: indicator data", total=len(requests), completed=0)
    seen: set[str] = set()
    for download in backend.downloads(requests):
        seen.update(download.indicator_ids)
        progress.update(task, completed=len(seen), description=f"{backend.label}: {', '.join(download.indicator_ids[:3])}")
        check_download(download, metadata)  # a broken answer stops the fetch here, not the build
        before = earlier.find(download.kind, url=download.url) if earlier else None
        same = before is not None and before["sha256"] == hashlib.sha256(download.content).hexdigest()
        writer.add(download.path, download.content, kind=download.kind, key=download.key, url=download.url,
                   rows=download.rows, vintage=backend.label, from_cache=download.from_cache,
                   area_type=download.area_type, indicators=list(download.indicator_ids),
                   validators=download.validators, **({"unchanged_since": earlier.date} if same and earlier else {}))
    record = {"backend": backend.name, "base_url": backend.base_url, "indicators": [c.record() for c in checks]}
    writer.add(IDENTITY_FILE, json.dumps(record, indent=2).encode("utf-8"), kind="fingertips_identity",
               key="identity", url=backend.base_url, rows=len(checks), vintage=backend.label)
    return checks


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._+-]+", "_", name).strip("._") or "file"


def _download(url: str, before: dict | None, earlier: Earlier | None, http) -> tuple[bytes, Fetched, dict]:
    """A publisher file, reused from the earlier snapshot when the server says it is unchanged."""
    headers: dict[str, str] = {}
    validators = (before or {}).get("validators") or {}
    asked_before = before is not None and before.get("requested_url", before["url"]) == url
    if asked_before:
        if validators.get("ETag"):
            headers["If-None-Match"] = validators["ETag"]
        if validators.get("Last-Modified"):
            headers["If-Modified-Since"] = validators["Last-Modified"]
    fetched = get_text(url, expect="file", http=http, timeout=(10, 300), headers=headers or None)
    if fetched.status == 304:
        if before is None or earlier is None:  # get_text passes a 304 on only to a conditional request
            raise SourceError(f"{url}: answered 304 Not Modified to a request that was not conditional")
        return earlier.content(before), fetched, {"reused_from": before.get("reused_from") or earlier.date,
                                                  "validators": fetched.headers or validators}
    same = asked_before and before is not None and before["sha256"] == hashlib.sha256(fetched.content).hexdigest()
    return fetched.content, fetched, ({"unchanged_since": earlier.date} if same and earlier else {})


def fetch_publishers(writer, progress, publishers: dict, *, http, earlier: Earlier | None = None) -> None:
    """Find, download and record each publisher source's current release."""
    task = progress.add_task("Publishers", total=len(publishers))
    for key, spec in publishers.items():
        if spec.get("import_only"):  # nothing to download: brought in with `jsna import`
            progress.advance(task)
            continue
        progress.update(task, description=f"Publisher {key}: finding the current release")
        release = find_release(key, spec, http=http) if spec.get("release") else fixed_release(key, spec)
        progress.update(task, description=f"Publisher {key}: {release.filename}")
        before = earlier.find("publisher", key=key) if earlier else None
        content, fetched, reuse = _download(release.url, before, earlier, http)
        redirected = {"requested_url": release.url} if fetched.url != release.url else {}
        writer.add(f"publishers/{key}/{_safe_name(release.filename)}", content, kind="publisher", key=key,
                   url=fetched.url, vintage=release.label, from_cache=fetched.from_cache,  # where it came from
                   release=release.record(), **{"validators": fetched.headers, **redirected, **reuse})
        progress.advance(task)


def fetch_geography(writer, progress, geography_urls: dict, boundary_url: str, *,
                    earlier: Earlier | None = None, http=None, vintage: str, districts: str) -> None:
    """The ONS lookups and district boundaries (an earlier snapshot's copy of the same pinned URL is reused)."""
    task = progress.add_task("ONS geography", total=len(geography_urls) + 1)
    for role, url in geography_urls.items():
        progress.update(task, description=f"ONS lookup {role}")
        before = earlier.find("lookup", key=role, url=url) if earlier else None
        if before is not None and earlier is not None:
            writer.add(before["path"], earlier.content(before), kind="lookup", key=role, url=url, rows=before["rows"],
                       vintage=before.get("vintage", ""), **{**_carried(before), "reused_from": earlier.date})
        else:
            table = query_attributes(url, http=http)
            writer.add(f"geography/{role}.csv", table.to_csv(index=False).encode("utf-8"), kind="lookup",
                       key=role, url=url, rows=len(table), vintage=vintage)
        progress.advance(task)
    progress.update(task, description="ONS district boundaries")
    before = earlier.find("boundary", key=districts, url=boundary_url) if earlier else None
    if before is not None and earlier is not None:
        writer.add(before["path"], earlier.content(before), kind="boundary", key=districts, url=boundary_url,
                   rows=before["rows"], vintage=before.get("vintage", ""),
                   **{**_carried(before), "reused_from": earlier.date})
    else:
        shapes = query_geojson(boundary_url, http=http)
        writer.add(f"geography/{districts}.geojson", json.dumps(shapes).encode("utf-8"), kind="boundary",
                   key=districts, url=boundary_url, rows=len(shapes["features"]), vintage=vintage)
    progress.advance(task)
