"""Is a downloaded table whole? Checked when `jsna fetch` downloads it and again when `jsna build` reads it.

A download can end early without any error from the network (a server that
closes a response with no length, a proxy that cuts a body): a CSV cut at a
line boundary still parses. So every table is checked for what it must hold:

- a Fingertips export: every indicator it was asked for is there, and in each
  indicator's latest period every England area of the export's area type
  (``data_sources/completeness.yaml``) has a row;
- every table's row count is recorded in the snapshot manifest and counted
  again on build;
- every district of the ONS lookups has a boundary.

>>> lads = {"E07999001", "E07999002"}
>>> table = pd.DataFrame({"indicator_id": ["1", "1"], "area_code": ["E92000001", "E07999001"],
...                       "period": ["2023", "2023"], "category_type": ["", ""]})
>>> check_fingertips_areas(table, "https://x/all_data?indicator_ids=1&child_area_type_id=501",
...                        {501: lads})                         # doctest: +ELLIPSIS
Traceback (most recent call last):
...
assessment.core.errors.SourceError: https://x/all_data?...: incomplete download: indicator 1 has 1 of 2 districts for 2023 (missing E07999002)
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd

from ..core.errors import InputError, SourceError
from ..geography import geography_from_files
from ..geography.registry import load_registry
from ..core.levels import lookup_roles
from ..core.paths import DATA_SOURCES_DIR
from ..core.registry_fields import read_registry
from ..inputs.csv_records import csv_records
from ..inputs.periods import period_bounds

RULES_PATH = DATA_SOURCES_DIR / "completeness.yaml"
LEVEL_WORDS = {"lad": "districts", "utla": "upper-tier authorities"}
#: Fingertips export columns the check reads -> their tidy-frame names.
FINGERTIPS_COLUMNS = {"Indicator ID": "indicator_id", "Area Code": "area_code", "Time period": "period",
                      "Category Type": "category_type"}


@lru_cache(maxsize=1)
def rules() -> dict:
    """The completeness rules (``data_sources/completeness.yaml``)."""
    return read_registry(RULES_PATH, "completeness rules")


def expected_areas(geography) -> dict[int, set[str]]:
    """Fingertips child area type id -> the England area codes an export of that type must cover."""
    lads = geography.lads
    codes = {"lad": set(lads["lad_code"]), "utla": set(lads["utla_code"])}
    absent = set(rules()["fingertips"].get("may_be_absent") or {})
    return {int(type_id): {c for c in codes[level] if c.startswith("E")} - absent
            for type_id, level in rules()["fingertips"]["child_area_types"].items()}


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def check_fingertips_areas(table: pd.DataFrame, url: str, expected: dict[int, set[str]]) -> None:
    """Raise if a Fingertips export lacks an indicator asked for or an area it must have.

    ``table`` has the tidy-frame columns indicator_id, area_code, period and
    category_type (a parsed export, or :func:`fingertips_table`).
    """
    query = _query(url)
    asked = [i.strip() for i in query.get("indicator_ids", "").split(",") if i.strip()]
    ids = table["indicator_id"].astype(str).str.strip()
    absent = [i for i in asked if i not in set(ids)]
    if absent:
        raise SourceError(f"{url}: incomplete download: indicator(s) {', '.join(absent)} asked for but absent")
    type_id = int(query["child_area_type_id"]) if query.get("child_area_type_id", "").isdigit() else None
    if type_id not in expected or not expected[type_id]:
        return
    must = expected[type_id]
    level = rules()["fingertips"]["child_area_types"][type_id]
    codes = table["area_code"].astype(str).str.strip()
    main = table["category_type"].fillna("").astype(str).str.strip().eq("")
    children = table[main & codes.isin(must)].assign(_code=codes, _id=ids)
    for indicator, rows in children.groupby("_id", sort=True):
        ends = period_bounds(rows["period"].astype(str).str.strip())[1]
        latest = rows[ends == ends.max()] if ends.notna().any() else rows
        period = str(latest["period"].iloc[0]).strip()
        missing = sorted(must - set(latest["_code"]))
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            raise SourceError(f"{url}: incomplete download: indicator {indicator} has {len(must) - len(missing)} of "
                              f"{len(must)} {LEVEL_WORDS.get(level, level)} for {period} (missing {shown})")
    without = sorted(set(asked) - set(children["_id"])) if asked else []
    if without:
        raise SourceError(f"{url}: incomplete download: indicator(s) {', '.join(without)} have no rows for "
                          f"{LEVEL_WORDS.get(level, level)}")


def fingertips_table(text: str, url: str) -> pd.DataFrame:
    """The columns of a Fingertips export the completeness check needs, under their tidy-frame names."""
    try:
        # Bytes, not io.StringIO: StringIO holds 4 bytes a character, a gigabyte for a national export.
        table = pd.read_csv(io.BytesIO(text.lstrip("\ufeff").encode("utf-8")), dtype=str, keep_default_na=False,
                            encoding="utf-8", usecols=lambda c: " ".join(str(c).split()) in FINGERTIPS_COLUMNS)
    except (pd.errors.ParserError, ValueError) as exc:
        raise SourceError(f"{url}: malformed CSV ({' '.join(str(exc).split())})") from None
    table = table.rename(columns=lambda c: FINGERTIPS_COLUMNS[" ".join(str(c).split())])
    missing = sorted(set(FINGERTIPS_COLUMNS.values()) - set(table.columns))
    if missing:
        raise SourceError(f"{url}: not a Fingertips export (no {', '.join(missing)} column)")
    return table


def recorded_rows(path: Path, kind: str) -> int | None:
    """The row count of a snapshot file as the manifest records it (None for files of no fixed shape)."""
    if kind in ("fingertips", "lookup"):
        return csv_records(path.read_text(encoding="utf-8-sig"))
    if kind == "boundary":
        return len(json.loads(path.read_text(encoding="utf-8")).get("features", []))
    return None


def check_rows(path: Path, entry: dict, manifest: Path) -> None:
    """The file holds as many rows as the manifest says it had when it was downloaded."""
    if entry.get("rows") is None:
        return
    try:
        found = recorded_rows(path, entry["kind"])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: unreadable ({type(exc).__name__}); fetch the snapshot again") from None
    if found is not None and found != int(entry["rows"]):
        raise InputError(f"{path}: {found} rows where {manifest} records {entry['rows']}: the file is "
                         "incomplete; fetch the snapshot again")


def check_boundaries_cover(geography, shapes: dict, url: str) -> None:
    """Every district of the lookups has a boundary (a short page of features is caught here)."""
    patterns = [re.compile(f"^(?:{p})$", re.IGNORECASE) for p in load_registry()["boundary_columns"]["code"]]
    codes = set()
    for feature in shapes.get("features", []):
        properties = feature.get("properties") or {}
        key = next((k for p in patterns for k in properties if p.match(str(k))), None)
        if key is not None:
            codes.add(str(properties[key]))
    missing = sorted(set(geography.lads["lad_code"]) - codes)
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise SourceError(f"{url}: incomplete download: {len(missing)} district(s) of the lookups have no "
                          f"boundary ({shown})")


def _geography(files: dict[str, Path]):
    return geography_from_files(files)


def check_snapshot_files(root: Path, entries: list[dict], manifest: Path | None = None, *,
                         lookups: dict[str, Path] | None = None) -> dict[int, set[str]] | None:
    """Check a snapshot's files: row counts, boundaries against lookups, and (``manifest`` None) Fingertips areas.

    While fetching (``manifest`` None) the staging folder's files are all
    checked here, the Fingertips exports against ``lookups`` when given (an
    earlier snapshot's, for a fetch of Fingertips alone). On build the caller
    passes the manifest and checks each Fingertips export as it parses it, with
    the expected areas returned (None when the snapshot has no lookups: ``jsna
    build --lookups`` brings them).
    """
    fetching = manifest is None
    manifest = manifest or root / "manifest.json"
    for entry in entries:
        check_rows(root / entry["path"], entry, manifest)
    lookups = lookups or {e["key"]: root / e["path"] for e in entries if e["kind"] == "lookup"}
    if not set(lookup_roles()) <= set(lookups):
        return None
    geography = _geography(lookups)
    expected = expected_areas(geography)
    for entry in entries:
        path = root / entry["path"]
        if entry["kind"] == "fingertips" and fetching:
            check_fingertips_areas(fingertips_table(path.read_text(encoding="utf-8"), entry["url"]),
                                   entry["url"], expected)
        elif entry["kind"] == "boundary" and entry.get("key") == "lad":
            check_boundaries_cover(geography, json.loads(path.read_text(encoding="utf-8")), entry["url"])
    return expected


def check_csv_complete(text: str, url: str, n_columns: int) -> None:
    """A truncated download: no final newline, an open quote, or a short last record."""
    if not text.endswith(("\n", "\r")):
        lines = text.count("\n") + 1
        raise SourceError(f"{url}: truncated CSV (line {lines} is incomplete: no final newline)")
    last = last_line(text)
    fields = next(csv.reader([last]), [])
    if last and len(fields) < n_columns and last.count('"') % 2 == 0:
        raise SourceError(f"{url}: truncated CSV (line {text.count(chr(10))} has {len(fields)} of {n_columns} fields)")


def last_line(text: str) -> str:
    """The last line of ``text`` once its final line breaks are stripped, found without copying the text.

    (``rstrip`` and ``rsplit`` each copied a national export, 250 MB, to read its last line.)
    """
    end = len(text)
    while end and text[end - 1] in "\r\n":
        end -= 1
    return text[text.rfind("\n", 0, end) + 1:end]
