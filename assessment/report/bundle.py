"""A report bundle: everything a render needs, built once and read by every report.

A bundle is a folder holding the analysed tidy frame (``frame.parquet``), the
geography files it was built with, the boundary files for maps, and
``bundle.json`` (snapshot date, sources with their URLs and licences, vintage,
whether the data are demonstration data). Renders read only the bundle, so a
report can be reproduced exactly from it.

>>> Bundle.META_FILE
'bundle.json'
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError


@dataclass
class Bundle:
    """An opened report bundle (see the module docstring)."""

    root: Path
    meta: dict[str, Any] = field(default_factory=dict)

    META_FILE = "bundle.json"
    FRAME_FILE = "frame.parquet"

    @cached_property
    def frame(self) -> pd.DataFrame:
        return pd.read_parquet(self.root / self.FRAME_FILE)

    @property
    def is_demo(self) -> bool:
        return bool(self.meta.get("demo"))

    @property
    def snapshot_date(self) -> str:
        return str(self.meta.get("snapshot_date", "unknown"))

    @cached_property
    def geography(self):
        from ..geography import Geography

        files = {role.removeprefix("lookup_"): self.root / rel for role, rel in self.meta["geography"].items()}
        return Geography.from_files(files, vintage=self.meta.get("vintage"))

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


def write_bundle(frame: pd.DataFrame, out_dir: Path, *, geography_files: dict[str, Path],
                 boundary_files: dict[str, Path], meta: dict[str, Any]) -> Path:
    """Write a bundle atomically: a failed write leaves any earlier bundle in place."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        frame.to_parquet(staging / Bundle.FRAME_FILE, index=False)
        meta = dict(meta)
        meta["geography"] = _copy_into(staging / "geography", geography_files)
        meta["boundaries"] = _copy_into(staging / "boundaries", boundary_files)
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
