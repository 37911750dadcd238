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

import gc
import hashlib
import json
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow
import pyarrow.parquet as pq

from ..stats.disclosure import hide_small_counts
from ..core.errors import InputError
from ..core.atomic_files import LOCK_FILE, FolderLock, sha256_of, staged_folder, writing
from ..geography import Geography, dissolve_boundaries, load_boundaries
from ..core.levels import DISTRICT_LEVEL, ENGLAND_LEVEL, LEVELS, boundary_levels
from ..core.output_folders import refuse_unless_replaceable
from ..core.plain_strings import plain_strings
from ..sources.ons_population import INDICATOR_ID as POPULATION_ID
from .headline_rows import HeadlineTables, RowsBy, with_shared_strings

if TYPE_CHECKING:  # geopandas is imported where boundaries are read (a build reads none)
    import geopandas as gpd


@dataclass(eq=False)
class Bundle:
    """An opened report bundle (see the module docstring).

    What a report reads is loaded on first use and kept: the full frame, the
    geography, each level's boundaries and the headline tables. A process that
    renders many reports calls :meth:`prepare_for_reports` once, which works
    out everything reports share and then lets the full frame go.
    """

    root: Path
    meta: dict[str, Any] = field(default_factory=dict)
    _frame: pd.DataFrame | None = field(default=None, init=False, repr=False)
    _geography: Geography | None = field(default=None, init=False, repr=False)
    _boundaries: dict[str, gpd.GeoDataFrame] = field(default_factory=dict, init=False, repr=False)
    _headline: HeadlineTables | None = field(default=None, init=False, repr=False)
    _force_rows: pd.DataFrame | None = field(default=None, init=False, repr=False)
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False)
    _sex_age_rows: pd.DataFrame | None = field(default=None, init=False, repr=False)
    _sex_age_by_area: RowsBy | None = field(default=None, init=False, repr=False)
    _shown: pd.DataFrame | None = field(default=None, init=False, repr=False)
    _verified: bool = field(default=False, init=False, repr=False)

    META_FILE = "bundle.json"
    FRAME_FILE = "frame.parquet"

    @property
    def frame(self) -> pd.DataFrame:
        """The analysed tidy frame (every breakdown); read back from parquet if it was released."""
        if self._frame is None:
            path = self.root / self.FRAME_FILE
            try:
                self._frame = pd.read_parquet(path)
            except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
                raise damaged(path, exc) from None
        return self._frame

    def verify(self) -> Bundle:
        """Check every bundle file once: present, unchanged (SHA-256 in bundle.json) and readable."""
        if self._verified:
            return self
        for relative, digest in (self.meta.get("files") or {}).items():
            path = self.root / relative
            if not path.is_file():
                raise InputError(f"{path}: bad bundle file: missing; rebuild the bundle with `jsna build`")
            if sha256_of(path) != digest:
                raise InputError(f"{path}: bad bundle file: changed or damaged since the bundle was built "
                                 "(SHA-256 mismatch); rebuild the bundle with `jsna build`")
        path = self.root / self.FRAME_FILE
        try:
            pq.read_metadata(path)
        except (OSError, ValueError) as exc:
            raise damaged(path, exc) from None
        self._verified = True
        return self

    def release_frame(self) -> None:
        """Let the full frame go (reports read only the headline tables); a later use reads it again."""
        self._frame = None
        self._shown = None
        gc.collect()
        pyarrow.default_memory_pool().release_unused()  # hand the frame's Arrow buffers back to the system

    @property
    def is_demo(self) -> bool:
        return bool(self.meta.get("demo"))

    @property
    def snapshot_date(self) -> str:
        return str(self.meta.get("snapshot_date", "unknown"))

    @property
    def indicators(self) -> dict[str, dict]:
        """Catalogue information per indicator id, as it was when the bundle was built."""
        return self.meta.get("indicators", {})

    @property
    def geography(self) -> Geography:
        if self._geography is None:
            files = {role.removeprefix("lookup_"): self.root / rel for role, rel in self.meta["geography"].items()}
            self._geography = Geography.from_files(files, vintage=self.meta.get("vintage"))
        return self._geography

    def headline(self) -> HeadlineTables:
        """Every area's headline rows and their indexes, worked out once per bundle.

        Counts of 1 to 4 are hidden here, before any section reads them, whoever published
        them (see :meth:`_shown_frame`).
        """
        if self._headline is None:
            self._headline = HeadlineTables.build(self._shown_frame(), self.indicators)
        return self._headline

    def _shown_frame(self) -> pd.DataFrame:
        """The frame as reports may show it: no count of 1 to 4 of any source, nor a figure that gives one back.

        ONS and Fingertips publish small counts of deaths (with a warning on the rate); these
        reports hold every source to the rule uploads follow (:mod:`assessment.stats.disclosure`), so a
        publisher's count of 1 to 4 goes with its rate, its share and every total that reveals it.
        Only indicators holding such a count are checked (the rest cannot need it).
        """
        if self._shown is None:
            chosen = self.frame["indicator_id"].isin(small_count_indicators(self.frame))
            self._shown = self.frame if not chosen.any() else pd.concat(
                [self.frame[~chosen], hide_small_counts(self.frame[chosen], self.geography)]).sort_index()
        return self._shown

    def table(self, name: str) -> pd.DataFrame | None:
        """Another table the bundle carries (``tables`` of bundle.json: the similar-areas table), or None."""
        relative = (self.meta.get("tables") or {}).get(name)
        if not relative:
            return None
        if name not in self._tables:
            try:
                self._tables[name] = pd.read_parquet(self.root / relative)
            except (OSError, ValueError) as exc:
                raise damaged(self.root / relative, exc) from None
        return self._tables[name]

    def sex_age_rows(self) -> pd.DataFrame:
        """The sex and age breakdowns a source publishes beside each headline figure (kept once read).

        The headline tables hold one breakdown per indicator; these are the others of the main series
        (no category), for the topic sections' split by sex and age. Only what the source published:
        the population estimates' age bands and the justice tables' breakdowns have parts of their own.
        """
        if self._sex_age_rows is None:
            frame = self.frame
            main = frame[(frame["category_type"] == "") & (frame["indicator_id"] != POPULATION_ID)]
            apart = {i for i, info in self.indicators.items() if (info or {}).get("coverage") == "england_and_wales"}
            # An indicator with a small count goes through disclosure control in the headline tables
            # only (male + female = persons is not one of its groups): its breakdowns are not shown
            # rather than shown unchecked.
            apart |= small_count_indicators(frame)
            main = main[~main["indicator_id"].isin(apart)]
            headline = self.headline().rows
            chosen = pd.MultiIndex.from_frame(headline[["indicator_id", "sex", "age"]].drop_duplicates())
            other = ~pd.MultiIndex.from_frame(main[["indicator_id", "sex", "age"]]).isin(chosen)
            # Plain Python strings, as in the headline rows: a report walks these rows for every headline
            # row, and each walk of Arrow text columns converted the whole frame first.
            self._sex_age_rows = with_shared_strings(main[other].reset_index(drop=True))
        return self._sex_age_rows

    def sex_age_rows_of(self, indicator_id: str, area_code: str) -> pd.DataFrame:
        """:meth:`sex_age_rows` of one indicator and area, in the same order (a report asks once per headline
        row; the rows' positions are found once per bundle, not by a filter of every row each time)."""
        if self._sex_age_by_area is None:
            self._sex_age_by_area = RowsBy(self.sex_age_rows(), ["indicator_id", "area_code"])
        return self._sex_age_by_area.get(str(indicator_id), str(area_code))

    def force_rows(self) -> pd.DataFrame:
        """Every breakdown (sex, age, ethnic group...) of the England-and-Wales indicators, kept once read.

        The justice tables are published for police force areas with their
        breakdowns, which the headline tables leave out; they are a few
        thousand rows, so they are kept when the full frame is released.
        """
        if self._force_rows is None:
            ids = {i for i, info in self.indicators.items() if (info or {}).get("coverage") == "england_and_wales"}
            frame = self._shown_frame()
            self._force_rows = frame[frame["indicator_id"].isin(ids)].reset_index(drop=True)
        return self._force_rows

    @plain_strings
    def prepare_for_reports(self) -> None:
        """Load everything reports share (geography, headline tables, boundaries), then release the frame.

        Their text is held as Python strings, as when a report loads them itself (AreaReport: plain_strings).
        """
        self.geography  # noqa: B018 - a cached property: reading it loads the geography
        self.headline()
        self.force_rows()
        self.sex_age_rows()
        self.release_frame()
        for level in boundary_levels():
            self.boundaries(level)

    def boundaries(self, level: str) -> gpd.GeoDataFrame:
        """Simplified boundaries of a level (see the levels table) in EPSG:27700 (kept once loaded)."""
        if level not in self._boundaries:
            self._boundaries[level] = self._load_boundaries(level)
        return self._boundaries[level]

    def _load_boundaries(self, level: str) -> gpd.GeoDataFrame:
        rel = self.meta.get("boundaries", {}).get(level)
        if rel:
            return load_boundaries(level, path=self.root / rel)
        if level == DISTRICT_LEVEL.key:
            raise InputError(f"{self.root}: bundle has no district boundaries")
        geography = self.geography
        if level == ENGLAND_LEVEL or not LEVELS[level].in_district_table:
            lookup = geography.rollup_lookup(level)
        else:  # every district under its parent (a unitary is its own upper tier, so not a roll-up lookup)
            columns = [DISTRICT_LEVEL.lookup_columns.code, LEVELS[level].lookup_columns.code,
                       LEVELS[level].lookup_columns.name]
            lookup = geography.lads[columns].drop_duplicates(columns[0])
        lookup = lookup.set_axis(["child_code", "parent_code", "parent_name"], axis=1)
        return dissolve_boundaries(self.boundaries(DISTRICT_LEVEL.key), lookup)


def damaged(path: Path, exc: Exception) -> InputError:
    """The error for a bundle file that cannot be read (named, with the reader's reason)."""
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    return InputError(f"{path}: bad bundle file: unreadable ({reason}); rebuild the bundle with `jsna build`")


#: Seconds a second build into the same bundle folder waits for the first before refusing.
LOCK_WAIT = 10.0


def refuse_unless_bundle_folder(out_dir: Path) -> None:
    """Refuse an ``--out`` that is not new, empty or a bundle (a build replaces the folder whole)."""
    refuse_unless_replaceable(out_dir, marker=Bundle.META_FILE, what="a report bundle")


def write_bundle(frame: pd.DataFrame, out_dir: Path, *, geography_files: dict[str, Path],
                 boundary_files: dict[str, Path], meta: dict[str, Any],
                 tables: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write a bundle atomically: a failed write leaves any earlier bundle in place.

    Only a folder that is new, empty or an earlier bundle is replaced (checked
    again under the folder's lock, which one build at a time holds); a
    symlinked ``out_dir`` stays a link to the new bundle.
    """
    out_dir = Path(out_dir)
    refuse_unless_bundle_folder(out_dir)
    new = not out_dir.exists()
    try:
        with FolderLock(out_dir, wait=LOCK_WAIT, what="jsna build"):
            refuse_unless_bundle_folder(out_dir)
            _write_staged(frame, out_dir, geography_files=geography_files, boundary_files=boundary_files,
                          meta=meta, tables=tables or {})
    except BaseException:
        if new and out_dir.is_dir() and [p.name for p in out_dir.iterdir()] == [LOCK_FILE]:
            shutil.rmtree(out_dir, ignore_errors=True)  # the folder made only to hold the lock
        raise
    _opened.cache_clear()
    return out_dir


def write_frame_parquet(frame: pd.DataFrame, path: Path, rows_per_group: int = 200_000) -> None:
    """``frame`` as parquet, converted to Arrow one row group at a time.

    Converting a national analysed frame (a million rows of text) to Arrow in one
    piece held a second copy of it; the file reads back as ``to_parquet``'s did.
    """
    schema = _frame_schema(frame)
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, max(len(frame), 1), rows_per_group):
            part = frame.iloc[start:start + rows_per_group]
            writer.write_table(pyarrow.Table.from_pandas(part, schema=schema, preserve_index=False))


def _frame_schema(frame: pd.DataFrame) -> pyarrow.Schema:
    """``frame``'s Arrow schema, as ``Schema.from_pandas`` gives it for the whole frame.

    ``from_pandas`` finds an object column's type by converting every cell of it to Arrow
    (a second of a national build, and each column's copy); a column of text only has
    the type its first row gives, so such a frame's schema is read from its first row.
    """
    text_only = all(pd.api.types.infer_dtype(frame[name], skipna=False) == "string"
                    for name in frame.columns if frame[name].dtype == object)
    sample = frame.iloc[:1] if len(frame) and text_only else frame
    return pyarrow.Schema.from_pandas(sample, preserve_index=False)


def _write_staged(frame: pd.DataFrame, out_dir: Path, *, geography_files: dict[str, Path],
                  boundary_files: dict[str, Path], meta: dict[str, Any], tables: dict[str, pd.DataFrame]) -> None:
    """The bundle's files, written into a staging folder that then replaces ``out_dir``."""
    with staged_folder(out_dir) as staging:
        with writing(out_dir / Bundle.FRAME_FILE):
            write_frame_parquet(frame, staging / Bundle.FRAME_FILE)
        meta = dict(meta)
        meta["tables"] = {}
        for name, table in tables.items():  # other tables than the frame (the similar-areas table)
            with writing(out_dir / f"{name}.parquet"):
                table.to_parquet(staging / f"{name}.parquet", index=False)
            meta["tables"][name] = f"{name}.parquet"
        meta["geography"] = _copy_into(staging / "geography", geography_files, out_dir)
        meta["boundaries"] = _copy_into(staging / "boundaries", boundary_files, out_dir)
        meta["files"] = {p.relative_to(staging).as_posix(): sha256_of(p)
                         for p in sorted(staging.rglob("*")) if p.is_file()}
        meta["checksum"] = meta_checksum(meta)
        with writing(out_dir / Bundle.META_FILE):
            (staging / Bundle.META_FILE).write_text(json.dumps(meta, indent=2, default=str))


def meta_checksum(meta: dict[str, Any]) -> str:
    """The SHA-256 of bundle.json's content (all but this checksum), so an edit to it is found.

    >>> same = meta_checksum({"demo": True}) == meta_checksum({"demo": True, "checksum": "x"})
    >>> same, meta_checksum({"demo": True}) == meta_checksum({"demo": False})
    (True, False)
    """
    content = {key: value for key, value in meta.items() if key != "checksum"}
    text = json.dumps(json.loads(json.dumps(content, default=str)), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _copy_into(folder: Path, files: dict[str, Path], out_dir: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    copied = {}
    for role, path in files.items():
        target = folder / Path(path).name
        with writing(out_dir / folder.name / target.name):
            shutil.copy2(path, target)
        copied[role] = str(target.relative_to(folder.parent))
    return copied


def small_count_indicators(frame: pd.DataFrame) -> set[str]:
    """The indicators with a published (not already suppressed) count of 1 to 4 people in any row.

    A survey estimate (a share or rate whose interval the publisher gave, ``ci_method: none``, such as
    the Annual Population Survey's smoking prevalence) counts respondents in a weighted sample, not
    residents: its count identifies no one, so it is not one of these.
    """
    survey = frame["ci_method"].eq("none") & frame["value_type"].ne("count")
    small = frame["count"].between(1, 4) & ~frame["suppressed"].astype(bool) & ~survey
    return set(frame.loc[small, "indicator_id"].astype(str))


def open_bundle(path: str | Path) -> Bundle:
    """Open a bundle folder (cached per process, so a batch reads it once).

    The folder is one cache entry however its path is given: a batch's kernels are warmed
    up with it as text and the template opens it as a Path, and as two entries every
    kernel held a second bundle, full frame and all, beside the one it had prepared.

    >>> import tempfile; folder = tempfile.mkdtemp()
    >>> _ = (Path(folder) / Bundle.META_FILE).write_text("{}")
    >>> open_bundle(folder) is open_bundle(Path(folder))
    True
    """
    return _opened(Path(path))


@lru_cache(maxsize=4)
def _opened(root: Path) -> Bundle:
    """The bundle in ``root``, checked (see :func:`open_bundle`)."""
    meta_path = root / Bundle.META_FILE
    if not meta_path.is_file():
        raise InputError(f"{root}: not a report bundle (no {Bundle.META_FILE}); "
                         "run `jsna build --snapshot DIR --out BUNDLE` or `jsna demo` first")
    try:
        meta = json.loads(meta_path.read_text())
    except json.JSONDecodeError as exc:
        raise InputError(f"{meta_path}: unreadable bundle metadata ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(meta, dict):
        raise InputError(f"{meta_path}: unreadable bundle metadata (not a JSON object)")
    # A bundle that lists its files' digests also carries its own (bundles from before either have neither).
    if ("files" in meta or "checksum" in meta) and meta.get("checksum") != meta_checksum(meta):
        raise InputError(f"{meta_path}: bad bundle file: changed since the bundle was built (its checksum "
                         "does not match); rebuild the bundle with `jsna build`")
    return Bundle(root=root, meta=meta)
