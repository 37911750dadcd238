"""Shared helpers for publishers' spreadsheets: header bands, markers, numbers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import InputError
from ..core.atomic_files import looks_like_html

#: Publisher markers meaning "no figure" (not available, confidential, suppressed).
MISSING_MARKERS = {"..", "-", "[x]", "[c]", "[z]", "[low]", "x", "c", ":", "*", "~", "[u]"}
SUPPRESSED_MARKERS = {"[c]", "c", "*", "[low]", "~"}
_CODE = re.compile(r"^[EWSNK]\d{8}$")


def check_not_html(path: Path) -> None:
    """A web page saved under a data file's name is a common download failure: say so."""
    with open(path, "rb") as handle:
        head = handle.read(512)
    if looks_like_html(head):
        raise InputError(f"{path}: this is a web page, not a data file (the download probably failed)")


def csv_header(path: Path, *, lines: int = 1) -> list[list[str]] | None:
    """The first ``lines`` records of a text CSV (BOM and cp1252 tolerated), or None if it is not one.

    For recognisers: reads at most 64 KB and never raises on a file of another kind.
    """
    import csv

    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
    except OSError:
        return None
    if not head or b"\x00" in head or head.lstrip().lower().startswith((b"<!doctype", b"<html", b"{", b"[")):
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            if encoding == "utf-8-sig" and exc.start > len(head) - 4:  # a character cut at the 64 KB mark
                text = head[: exc.start].decode(encoding)
                break
    else:
        return None
    records = list(csv.reader(text.splitlines()[: lines + 1]))[:lines]
    if not records or len(records[0]) < 2:
        return None
    return [[cell.strip().lstrip("\ufeff") for cell in record] for record in records]


def read_csv_text(path: Path) -> pd.DataFrame:
    """A publisher's CSV with every cell as text (BOM tolerated); a web page or unreadable file is an InputError."""
    check_not_html(path)
    try:
        return pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: not a readable CSV ({' '.join(str(exc).split())})") from None


def to_number(values: pd.Series, *, where: str, column: str, rows: pd.Index | None = None) -> tuple[pd.Series, pd.Series]:
    """Numbers from a column, with publisher markers as missing; (numbers, marker text)."""
    text = values.astype(object).where(values.notna(), "").map(lambda v: str(v).strip())
    markers = text.where(text.str.lower().isin(MISSING_MARKERS) | text.eq(""), "")
    cleaned = text.where(markers.eq("") & text.ne(""), np.nan).str.replace(",", "", regex=False)
    numbers = pd.to_numeric(cleaned, errors="coerce")
    bad = cleaned.notna() & numbers.isna()
    if bad.any():
        position = bad.to_numpy().nonzero()[0][0]
        row = (rows if rows is not None else values.index)[position]
        raise InputError(f"{where} row {row} column '{column}': not a number ({text.iloc[position]!r})")
    return numbers, markers


def header_band(sheet_rows: list[tuple], where: str) -> tuple[int, list[str]]:
    """Find where data start (first row whose first cell is an ONS code) and label each column.

    Labels join every header cell above the data in that column, so the same
    column is found by its words whichever rows a release puts them on.
    """
    start = next((i for i, row in enumerate(sheet_rows) if row and isinstance(row[0], str)
                  and _CODE.match(row[0].strip())), None)
    if start is None:
        raise InputError(f"{where}: no data rows (no row starts with an ONS area code)")
    width = max(len(r) for r in sheet_rows[: start + 1])
    labels = []
    for column in range(width):
        parts = [str(r[column]) for r in sheet_rows[1:start] if column < len(r) and r[column] not in (None, "")]
        labels.append(" ".join(" ".join(parts).split()))
    return start, labels


def find_column(labels: list[str], pattern: str, where: str, *, exclude: str | None = None) -> int:
    """The first column whose label matches ``pattern`` (case-insensitive)."""
    regex = re.compile(pattern, re.IGNORECASE)
    for index, label in enumerate(labels):
        if regex.search(label) and not (exclude and re.search(exclude, label, re.IGNORECASE)):
            return index
    raise InputError(f"{where}: no column matching '{pattern}' (the layout may have changed)")
