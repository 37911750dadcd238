"""Read an upload (xlsx or csv) into a grid of text cells with their positions, never modifying the file.

Workbooks are read with formulas visible (a formula is a problem, not a value)
and their merged ranges listed. CSV text is decoded by its byte-order mark,
then UTF-8, then Windows-1252, and its delimiter (comma, semicolon or tab) is
detected from the header line.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

DATA_SHEET_NAMES = ("data", "upload")
MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Sheet:
    """Cells of an upload as text, with where they came from."""

    file: Path
    name: str                      # sheet name ("CSV" for a csv file)
    header: list[str]
    rows: list[list[str]]          # data rows, as text ("" when empty)
    first_row: int = 2             # spreadsheet row number of rows[0]
    formulas: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column index, formula)
    merged: list[str] = field(default_factory=list)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(path: Path) -> Sheet:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as exc:
        raise InputError(f"{path}: not a readable Excel workbook ({type(exc).__name__}); "
                         "save it again as .xlsx or export it as CSV") from None
    except Exception as exc:  # openpyxl raises assorted errors on damaged files
        raise InputError(f"{path}: damaged Excel workbook ({type(exc).__name__})") from None
    candidates = [n for n in book.sheetnames if n.strip().lower() in DATA_SHEET_NAMES]
    visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"
               and ws.title.strip().lower() not in ("instructions", "areas")]
    name = (candidates or visible or book.sheetnames)[0]
    sheet = book[name]
    grid = [[cell for cell in row] for row in sheet.iter_rows()]
    formulas = []
    values: list[list[str]] = []
    for r, row in enumerate(grid, start=1):
        texts = []
        for c, cell in enumerate(row):
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                formulas.append((r, c, str(cell.value)))
            texts.append(_text(cell.value))
        values.append(texts)
    while values and not any(values[-1]):
        values.pop()
    if not values:
        return Sheet(path, name, [], [], formulas=formulas, merged=[str(m) for m in sheet.merged_cells.ranges])
    header = values[0]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    rows = [(row + [""] * width)[: max(width, len(row))] for row in values[1:]]
    return Sheet(path, name, header, rows, formulas=formulas, merged=[str(m) for m in sheet.merged_cells.ranges])


def _decode(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise InputError(f"{path}: not a text CSV file (unknown encoding or binary content)")


def _read_csv(path: Path) -> Sheet:
    text = _decode(path.read_bytes(), path)
    lines = text.splitlines()
    if not lines:
        return Sheet(path, "CSV", [], [])
    first = lines[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV ({exc})") from None
    records = [[cell.strip() for cell in r] for r in records]
    while records and not any(records[-1]):
        records.pop()
    if not records:
        return Sheet(path, "CSV", [], [])
    header = records[0]
    formulas = [(r, c, v) for r, row in enumerate(records[1:], start=2) for c, v in enumerate(row)
                if v[:1] in ("=", "+", "@") or (v[:1] == "-" and not _is_number(v))]
    return Sheet(path, "CSV", header, records[1:], formulas=formulas)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_upload(path: Path) -> Sheet:
    """The upload's data sheet as text cells (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: the file is empty")
    if size > MAX_BYTES:
        raise InputError(f"{path}: the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK"):
        return _read_xlsx(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise InputError(f"{path}: not an Excel .xlsx workbook (the contents are not a zip package)")
    return _read_csv(path)
