"""Ethnicity facts and figures downloads: CSV rows as text, columns found by their header words.

>>> header_index(["Measure", "Police Force Area", "Value"], r"police force area", "x.csv", "the area")
1
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ...core.errors import InputError
from ...inputs.sheet_cells import check_not_html

SOURCE = "Cabinet Office Race Disparity Unit, Ethnicity facts and figures"


def read_rows(path: Path) -> list[list[str]]:
    """Every line of a CSV download as stripped text cells (BOM and CRLF tolerated)."""
    path = Path(path)
    check_not_html(path)
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not a UTF-8 CSV download ({exc.reason} at byte {exc.start})") from None
    return [[" ".join(cell.split()) for cell in row] for row in csv.reader(io.StringIO(content)) if row]


def first_lines(path: Path, count: int = 3) -> list[list[str]]:
    """The first lines of a file as CSV cells, read cheaply; [] for anything that is not text."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    if head.lstrip().lower().startswith(("<!doctype", "<html")):
        return []
    lines = head.splitlines()[:count]
    try:
        return [[" ".join(c.split()) for c in row] for row in csv.reader(lines)]
    except csv.Error:
        return []


def header_index(header: list[str], pattern: str, path: Path | str, what: str) -> int:
    """The column whose header matches ``pattern`` (case-insensitive); one line naming the file if none."""
    regex = re.compile(pattern, re.IGNORECASE)
    for index, name in enumerate(header):
        if regex.search(name):
            return index
    raise InputError(f"{path}: no column for {what} (no header matching '{pattern}'; "
                     f"found {', '.join(header)})")


def number(cell: str) -> float | None:
    """A count or rate ("529,474", "8.9"); None for an empty cell or a marker (N/A, ..)."""
    cell = cell.strip().replace(",", "")
    try:
        return float(cell)
    except ValueError:
        return None
