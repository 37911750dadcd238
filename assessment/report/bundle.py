"""A report bundle: everything a render needs, built once and read by every report.

A bundle is a folder holding the analysed tidy frame (``frame.parquet``), the
geography files it was built with, the boundary files for maps, and
``bundle.json`` (snapshot date, sources with their URLs and licences, vintage,
whether the data are demonstration data, the SHA-256 of every file). Renders
read only the bundle, so a report can be reproduced exactly from it; a damaged
or changed bundle file is named as such before any report is drawn
(:meth:`Bundle.verify`).

>>> Bundle.META_FILE
'bundle.json'
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from ..files import default_dir_mode, sha256_of

GEOGRAPHY_ROLES = ("lookup_lad_csp_pfa", "lookup_lad_utla", "lookup_lad_region")
BOUNDARY_LEVELS = ("lad", "utla", "region", "pfa")


@dataclass
class Bundle:
    """An opened report bundle (see the module docstring)."""

    root: Path
    meta: dict[str, Any] = field(default_factory=dict)

    META_FILE = "bundle.json"
    FRAME_FILE = "frame.parquet"

    @cached_property
    def frame(self) -> pd.DataFrame:
        path = self.root / self.FRAME_FILE
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise damaged(path, exc) from None

    def verify(self) -> Bundle:
        """Check every bundle file once: present, unchanged (SHA-256 in bundle.json) and readable."""
        if self.__dict__.get("_verified"):
            return self
        listed = self.meta.get("files") or {}
        for relative, digest in listed.items():
            path = self.root / relative
            if not path.is_file():
                raise InputError(f"{path}: bad bundle file: missing; rebuild the bundle with `jsna build`")
            if sha256_of(path) != digest:
                raise InputError(f"{path}: bad bundle file: changed or damaged since the bundle was built "
                                 "(SHA-256 mismatch); rebuild the bundle with `jsna build`")
        path = self.root / self.FRAME_FILE
        try:
            import pyarrow.parquet as pq

            pq.read_metadata(path)
        except (OSError, ValueError) as exc:
            raise damaged(path, exc) from None
        self.__dict__["_verified"] = True
        return self

    @property
    def is_demo(self) -> bool:
        return bool(self.meta.get("demo"))

    @property
    def snapshot_date(self) -> str:
        return str(self.meta.get("snapshot_date", "unknown"))

    @cached_property
    def geography(self):
        from ..geography import Geography

        files = {role: self.root / rel for role, rel in self.meta["geography"].items()}
        return Geography.from_files(files["lookup_lad_csp_pfa"], files["lookup_lad_utla"],
                                    files["lookup_lad_region"])

    def boundaries(self, level: str):
        """Simplified boundaries for ``level`` (lad, utla, region, pfa) in EPSG:27700 (kept once loaded)."""
        cache = self.__dict__.setdefault("_boundaries", {})
        if level not in cache:
            cache[level] = self._load_boundaries(level)
        return cache[level]

    def _load_boundaries(self, level: str):
        from ..geography import dissolve_boundaries, load_boundaries

        rel = self.meta.get("boundaries", {}).get(level)
        if rel:
            return load_boundaries(level, path=self.root / rel)
        if level == "lad":
            raise InputError(f"{self.root}: bundle has no district boundaries")
        lads = self.geography.lads
        # Every district under its parent (a unitary is its own upper tier, so no roll-up lookup here).
        lookup = lads[["lad_code", f"{level}_code", f"{level}_name"]].drop_duplicates("lad_code") \
            if level != "england" else self.geography.rollup_lookup(level)
        lookup = lookup.set_axis(["child_code", "parent_code", "parent_name"], axis=1)
        return dissolve_boundaries(self.boundaries("lad"), lookup)


def damaged(path: Path, exc: Exception) -> InputError:
    """The error for a bundle file that cannot be read (named, with the reader's reason)."""
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    return InputError(f"{path}: bad bundle file: unreadable ({reason}); rebuild the bundle with `jsna build`")


def write_bundle(frame: pd.DataFrame, out_dir: Path, *, geography_files: dict[str, Path],
                 boundary_files: dict[str, Path], meta: dict[str, Any]) -> Path:
    """Write a bundle atomically: a failed write leaves any earlier bundle in place."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    os.chmod(staging, default_dir_mode())  # the bundle is this folder once renamed: readable by colleagues
    try:
        frame.to_parquet(staging / Bundle.FRAME_FILE, index=False)
        meta = dict(meta)
        meta["geography"] = _copy_into(staging / "geography", geography_files)
        meta["boundaries"] = _copy_into(staging / "boundaries", boundary_files)
        meta["files"] = {p.relative_to(staging).as_posix(): sha256_of(p)
                         for p in sorted(staging.rglob("*")) if p.is_file()}
        (staging / Bundle.META_FILE).write_text(json.dumps(meta, indent=2, default=str))
        if out_dir.exists():
            backup = out_dir.with_name(f".{out_dir.name}-old")
            shutil.rmtree(backup, ignore_errors=True)
            out_dir.rename(backup)
            staging.rename(out_dir)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            staging.rename(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    open_bundle.cache_clear()
    return out_dir


def _copy_into(folder: Path, files: dict[str, Path]) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    copied = {}
    for role, path in files.items():
        target = folder / Path(path).name
        shutil.copy2(path, target)
        copied[role] = str(target.relative_to(folder.parent))
    return copied


@lru_cache(maxsize=4)
def open_bundle(path: str | Path) -> Bundle:
    """Open a bundle folder (cached per process, so a batch reads it once)."""
    root = Path(path)
    meta_path = root / Bundle.META_FILE
    if not meta_path.is_file():
        raise InputError(f"{root}: not a report bundle (no {Bundle.META_FILE}); "
                         "run `jsna build --snapshot DIR --out BUNDLE` or `jsna demo` first")
    try:
        meta = json.loads(meta_path.read_text())
    except json.JSONDecodeError as exc:
        raise InputError(f"{meta_path}: unreadable bundle metadata ({exc.msg}, line {exc.lineno})") from None
    return Bundle(root=root, meta=meta)
