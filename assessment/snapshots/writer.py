"""Writing a snapshot folder: files into a staging folder, switched into place whole, never out of the folder.

:class:`SnapshotWriter` is how `jsna fetch` and `jsna import` make a snapshot
(see :mod:`assessment.snapshots.snapshot` for what one holds); :func:`inside`
keeps every file a manifest names inside its snapshot.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from ..core.errors import InputError, JsnaError, SourceError  # noqa: F401 - SourceError: the doctest's
from ..core.error_boundary import describe
from ..core.atomic_files import FolderLock, make_staging_folder, remove_stale_staging, sha256_of, switch_into_place, write_atomic

MANIFEST = "manifest.json"


def inside(root: Path, relative, where: Path) -> Path:
    """``root / relative``, refused when ``relative`` is not a plain relative path that stays inside ``root``.

    A manifest or an earlier snapshot names its files; a name like ``../../x``, an
    absolute path or a symbolic link out of the folder would read (or write) a file
    that is not part of the snapshot.

    >>> inside(Path("/s/2026-01-01"), "../../etc/passwd", Path("/s/2026-01-01/manifest.json"))
    Traceback (most recent call last):
    ...
    assessment.core.errors.InputError: /s/2026-01-01/manifest.json: file path '../../etc/passwd' leads outside the snapshot /s/2026-01-01; refused
    """
    text = relative if isinstance(relative, str) else ""
    path = Path(root) / text
    base = Path(root).resolve()
    escapes = (not text or Path(text).is_absolute() or ".." in Path(text).parts
               or (path.resolve() != base and base not in path.resolve().parents))
    if escapes:
        raise InputError(f"{where}: file path {relative!r} leads outside the snapshot {root}; refused")
    return path


class SnapshotWriter:
    """Collects files into a new staging folder beside ``root``; :meth:`close` switches it into place.

    The manifest is written last, then the complete folder goes to ``root`` in
    one step, so a failed fetch never touches the previous snapshot. A fetch
    replaces the same day's fetched snapshot; any other snapshot already at
    ``root`` (an import) is kept, and the new one goes to ``root-2``, ``root-3``...
    Used as a context manager, a failure inside the block keeps the partial
    files and says where they are:

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> with SnapshotWriter(out / "2026-01-01", "2026-01-01") as writer:
    ...     _ = writer.add("a.csv", b"x,y", kind="lookup", key="a", url="https://example.org/a", rows=0)
    >>> writer.close().name, sorted(p.name for p in (out / "2026-01-01").iterdir())
    ('2026-01-01', ['a.csv', 'manifest.json'])
    >>> with SnapshotWriter(out / "2026-01-01", "2026-01-01") as writer:  # doctest: +ELLIPSIS
    ...     raise SourceError("https://example.org/b: HTTP 503")
    Traceback (most recent call last):
    ...
    assessment.core.errors.SourceError: https://example.org/b: HTTP 503; the previous snapshot .../2026-01-01 is untouched; partial files kept in .../.2026-01-01.partial-...
    """

    def __init__(self, root: Path, snapshot_date: str, *, made_by: str = "fetch"):
        self.root = Path(root)
        self.entries: list[dict] = []
        self.snapshot_date = snapshot_date
        self.made_by = made_by  # "fetch" refreshes the day's fetched snapshot; anything else never replaces one
        self.staging = make_staging_folder(self.root)
        self.closed = False
        self.replaced: Path | None = None  # a same-day snapshot kept beside this one, when there was one

    def add(self, relative: str, data: bytes, *, kind: str, key: str, url: str, vintage: str = "",
            rows: int | None = None, from_cache: bool = False, **details) -> Path:
        """Write one file into the staging folder and list it for the manifest; returns where it is now.

        ``details`` (a release, validators, a reused file's retrieved_at...) go in its entry.
        """
        path = inside(self.staging, relative, self.root)
        _write_naming_the_file(path, data, self.root / relative)
        entry = {"path": relative, "kind": kind, "key": key, "url": url,
                 "retrieved_at": datetime.now(UTC).isoformat(timespec="seconds"),
                 "sha256": sha256_of(path), "rows": rows, "vintage": vintage, "from_cache": from_cache}
        entry.update(details)
        self.entries.append(entry)
        return path

    def close(self) -> Path:
        """Write the manifest, switch the complete snapshot into place and return its folder."""
        if self.closed:
            return self.root
        manifest = {"snapshot_date": self.snapshot_date, "files": self.entries,
                    "created_by": "jsna-justice", "made_by": self.made_by}
        _write_naming_the_file(self.staging / MANIFEST, json.dumps(manifest, indent=2).encode(), self.root / MANIFEST)
        # Under the snapshots folder's lock, so two runs finishing at once cannot both take one name. Only the
        # day's fetched snapshot is replaced: an import, or any other folder of that name, is kept.
        with FolderLock(self.root.parent, what=f"jsna {self.made_by}"):
            if self.root.exists() and not (self.made_by == "fetch" and fetched_here(self.root)):
                self.replaced, self.root = self.root, free_name(self.root)
            switch_into_place(self.staging, self.root)
        self.closed = True
        remove_stale_staging(self.root.parent)  # partial folders of fetches that died
        return self.root

    def failed(self, exc: BaseException) -> JsnaError:
        """The error to raise for a failed fetch: its message, the previous snapshot's state, the partial files."""
        before = f"the previous snapshot {self.root} is untouched" if (self.root / MANIFEST).is_file() \
            else f"no snapshot was written to {self.root}"
        message = str(exc) if isinstance(exc, JsnaError) else describe(exc)[0]
        error_type = type(exc) if isinstance(exc, JsnaError) else SourceError
        return error_type(f"{message}; {before}; partial files kept in {self.staging}")

    def __enter__(self) -> SnapshotWriter:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if exc is not None and not self.closed and isinstance(exc, Exception):
            raise self.failed(exc) from exc


def _write_naming_the_file(path: Path, data: bytes, named: Path) -> None:
    """Write a snapshot file; a full disk or a file-size limit names the file it stopped."""
    write_atomic(path, data, named=named)


def fetched_here(root: Path) -> bool:
    """Whether the snapshot at ``root`` came from `jsna fetch` (its files downloaded, none imported)."""
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    if "made_by" in manifest:
        return manifest["made_by"] == "fetch"
    return all(str(e.get("url", "")).startswith(("http://", "https://")) for e in manifest.get("files", []))


def free_name(root: Path) -> Path:
    """``root`` itself if nothing is there, else the first of ``root-2``, ``root-3``... that is free.

    >>> import tempfile
    >>> day = Path(tempfile.mkdtemp()) / "2026-01-01"
    >>> free_name(day).name, (day.mkdir(), free_name(day).name)[1]
    ('2026-01-01', '2026-01-01-2')
    """
    candidate, number = root, 2
    while candidate.exists():
        candidate, number = root.with_name(f"{root.name}-{number}"), number + 1
    return candidate
