"""Read an upload (xlsx or csv) into a grid of text cells with their positions, never modifying the file.

Limits are checked before and while reading, so a hostile or broken file is
refused in seconds, not after filling memory: the file's size; a workbook's
zip members' unpacked sizes (read from the package directory before anything
is inflated: zipfile never inflates a member past its stated size); and the
number of rows and columns, counted as rows stream from the sheet.

Workbooks are read with formulas visible (a formula is a problem, not a value)
and their merged ranges listed. Hidden sheets are never read: the data sheet is
the visible one named Data (or Upload), else the first visible sheet that is
not the template's instructions. CSV text is decoded by its byte-order mark,
then UTF-8, then Windows-1252, and its delimiter (comma, semicolon or tab) is
detected from the header line.

>>> sorted(LIMITS)
['columns', 'file_bytes', 'rows', 'unpacked_bytes']
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import InputError
from ..inputs.file_content import content_problem
from .numbers import is_number

DATA_SHEET_NAMES = ("data", "upload")
NOT_DATA_SHEETS = ("instructions", "areas")
MB = 1024 * 1024
#: An upload is one row per area, period and category: far below these in any real use.
LIMITS = {"file_bytes": 50 * MB, "unpacked_bytes": 200 * MB, "rows": 100_000, "columns": 100}
MAX_BYTES = LIMITS["file_bytes"]


def get_column_letter(number: int) -> str:
    """The spreadsheet letters of a 1-based column number (1: "A", 28: "AB").

    openpyxl is imported only when a message needs one: every `jsna build` imports
    this module, and openpyxl took a tenth of a second of its start.

    >>> get_column_letter(28)
    'AB'
    """
    from openpyxl.utils import get_column_letter as letters

    return letters(number)


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
    notes: list[str] = field(default_factory=list)  # what was read or left unread, for the user to know


class CellError(InputError):
    """A file that cannot be read past a known row (and column, when known) of its sheet."""

    def __init__(self, path: Path, sheet: str, row: int, letter: str | None, reason: str):
        self.sheet, self.row, self.letter, self.reason = sheet, row, letter, reason
        super().__init__(f"{path}: {sheet}!{letter or ''}{row}: {reason}")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _too_many_rows(path: Path, sheet: str) -> InputError:
    return InputError(f"{path}: sheet {sheet!r} has more than {LIMITS['rows']:,} data rows, more than any upload "
                      "needs; delete the rows below your data or split the file")


def _check_package(path: Path) -> None:
    """Refuse a workbook whose parts would unpack to more than the limit (a zip bomb), before inflating any."""
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable Excel workbook ({type(exc).__name__}); "
                         "save it again as .xlsx or export it as CSV") from None
    total = sum(m.file_size for m in members)
    if total > LIMITS["unpacked_bytes"] or len(members) > 10_000:
        biggest = max(members, key=lambda m: m.file_size)
        raise InputError(f"{path}: the workbook unpacks to {total / MB:,.0f} MB ({biggest.filename} alone "
                         f"{biggest.file_size / MB:,.0f} MB), more than the {LIMITS['unpacked_bytes'] // MB} MB "
                         "an upload can be; it holds far more than one row per area and period")


def _data_sheet(book, path: Path):
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    if not visible:
        raise InputError(f"{path}: the workbook has no visible sheet (hidden sheets are never read)")
    named = [ws for ws in visible if ws.title.strip().lower() in DATA_SHEET_NAMES]
    others = [ws for ws in visible if ws.title.strip().lower() not in NOT_DATA_SHEETS]
    hidden = [ws.title for ws in book.worksheets if ws.sheet_state != "visible"
              and ws.title.strip().lower() in DATA_SHEET_NAMES]
    if not (named or others) and hidden:
        raise InputError(f"{path}: the sheet {hidden[0]!r} is hidden; unhide it (hidden sheets are never read)")
    return (named or others or visible)[0]


def _hidden_data_sheets(book, chosen) -> list[str]:
    """A note for each hidden sheet named like a data sheet that was passed over for ``chosen``."""
    return [f"the hidden sheet {ws.title!r} was not read (hidden sheets never are); the data were read from "
            f"sheet {chosen.title!r}: unhide {ws.title!r} if it holds your data"
            for ws in book.worksheets if ws.sheet_state != "visible" and ws is not chosen
            and ws.title.strip().lower() in DATA_SHEET_NAMES]


def _stream_cells(book, sheet, path: Path):
    """(row number, [(column index, value, is formula)]) for each row with a value, within the limits."""
    from openpyxl.worksheet._reader import WorkSheetParser

    parser = WorkSheetParser(book._archive.open(sheet._worksheet_path), sheet._shared_strings, data_only=False,
                             epoch=book.epoch, date_formats=book._date_formats,
                             timedelta_formats=book._timedelta_formats)
    for number, cells in parser.parse():
        row = [(c["column"] - 1, c["value"], c.get("data_type") == "f") for c in cells if c["value"] is not None]
        if not row:
            continue
        if number > LIMITS["rows"] + 1:
            raise _too_many_rows(path, sheet.title)
        column = max(index for index, _, _ in row)
        if column >= LIMITS["columns"]:
            raise InputError(f"{path}: sheet {sheet.title!r} has data in column {get_column_letter(column + 1)} "
                             f"(row {number}), beyond the {LIMITS['columns']} columns an upload can have")
        yield number, row
    merged = parser.merged_cells.mergeCell if parser.merged_cells else []
    yield None, [str(m.ref) for m in merged]


def _read_xlsx(path: Path) -> Sheet:
    import openpyxl

    _check_package(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as exc:
        raise InputError(f"{path}: not a readable Excel workbook ({type(exc).__name__}); "
                         "save it again as .xlsx or export it as CSV") from None
    except Exception as exc:  # openpyxl raises assorted errors on damaged files
        raise InputError(f"{path}: damaged Excel workbook ({type(exc).__name__})") from None
    try:
        sheet = _data_sheet(book, path)
        grid: dict[int, list[str]] = {}
        formulas, merged = [], []
        try:
            for number, cells in _stream_cells(book, sheet, path):
                if number is None:
                    merged = cells
                    continue
                texts = grid.setdefault(number, [])
                for index, value, is_formula in cells:
                    texts.extend([""] * (index + 1 - len(texts)))
                    texts[index] = _text(value)
                    if is_formula or (isinstance(value, str) and value.startswith("=")):
                        formulas.append((number, index, str(value)))
        except InputError:
            raise
        except Exception as exc:  # a damaged sheet part: XML, zlib or CRC errors, odd cell types
            raise InputError(f"{path}: damaged Excel workbook ({type(exc).__name__} in sheet "
                             f"{sheet.title!r})") from None
    finally:
        book.close()
    result = _sheet_from_grid(path, sheet.title, grid, formulas, merged)
    result.notes = _hidden_data_sheets(book, sheet)
    return result


def _sheet_from_grid(path: Path, name: str, grid: dict[int, list[str]], formulas, merged) -> Sheet:
    last = max((n for n, texts in grid.items() if any(texts)), default=0)
    values = [grid.get(n, []) for n in range(1, last + 1)]
    if not values:
        return Sheet(path, name, [], [], formulas=formulas, merged=merged)
    header = list(values[0])
    while header and not header[-1]:
        header.pop()
    width = len(header)
    rows = [(row + [""] * width)[: max(width, len(row))] for row in values[1:]]
    return Sheet(path, name, header, rows, formulas=formulas, merged=merged)


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
    records, line = [], 0
    # newline="": a line may end in CR (classic Mac), LF or CRLF, and a quoted cell may hold a line break.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for record in reader:
            records.append(record)
            line = reader.line_num  # the last line of the last whole record
            if len(records) > LIMITS["rows"] + 1:
                raise _too_many_rows(path, "CSV")
            if len(record) > LIMITS["columns"]:
                raise InputError(f"{path}: line {len(records)} has {len(record)} fields, more than the "
                                 f"{LIMITS['columns']} columns an upload can have")
    except csv.Error as exc:
        raise _malformed(path, text, (len(records) + 1, line + 1), delimiter, exc) from None
    records = [[cell.strip() for cell in r] for r in records]
    while records and not any(records[-1]):
        records.pop()
    if not records:
        return Sheet(path, "CSV", [], [])
    header = records[0]
    formulas = [(r, c, v) for r, row in enumerate(records[1:], start=2) for c, v in enumerate(row)
                if v[:1] in ("=", "+", "@") or (v[:1] == "-" and not is_number(v))]
    return Sheet(path, "CSV", header, records[1:], formulas=formulas)


def _malformed(path: Path, text: str, where: tuple[int, int], delimiter: str, exc: csv.Error) -> CellError:
    """Where a CSV stops being readable: the row (and column) of a quote never closed, or of another fault.

    ``where`` is the row the bad record would be and the line of the file it starts on
    (they differ when an earlier cell holds a line break).
    """
    row, line = where
    on_line = f" (line {line} of the file)" if line != row else ""
    if str(exc) != "unexpected end of data":
        return CellError(path, "CSV", row, None, f"malformed CSV{on_line}: {exc}")
    opened = _unclosed_quote_field(_line(text, line), delimiter)
    letter = get_column_letter(opened + 1) if opened is not None else None
    return CellError(path, "CSV", row, letter, f'a quote (") opened here{on_line} is never closed, so the rest of '
                     "the file would be one cell: close it, or remove the stray quote")


def _line(text: str, number: int) -> str:
    """Line ``number`` (from 1) of ``text``, lines ending in CR, LF or CRLF as the CSV reader takes them."""
    lines = io.StringIO(text, newline="")
    for _ in range(number - 1):
        lines.readline()
    return lines.readline()


def _unclosed_quote_field(line: str, delimiter: str) -> int | None:
    """The index of the field in which a quote opens and is not closed on ``line``, or None."""
    field_index, quoted, opened = 0, False, None
    for char in line:
        if quoted:
            quoted = char != '"'  # a doubled quote closes and reopens: still inside
        elif char == '"':
            quoted, opened = True, field_index
        elif char == delimiter:
            field_index += 1
    return opened if quoted else None


def read_upload(path: Path) -> Sheet:
    """The upload's data sheet as text cells (see the module docstring)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an upload file")
    if not path.is_file():
        raise InputError(f"{path}: file not found" if not path.exists() else f"{path}: not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: the file is empty")
    if size > LIMITS["file_bytes"]:
        raise InputError(f"{path}: the file is larger than {LIMITS['file_bytes'] // MB} MB")
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    if problem := content_problem(path):
        raise InputError(f"{path}: {problem}")
    if head.startswith(b"PK"):
        return _read_xlsx(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise InputError(f"{path}: not an Excel .xlsx workbook (the contents are not a zip package)")
    return _read_csv(path)
