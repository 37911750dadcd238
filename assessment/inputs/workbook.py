"""Publishers' workbooks as rows of cell values, whether Excel (.xlsx) or OpenDocument (.ods).

MHCLG publishes its detailed homelessness tables as ODS (the xlsx copies in
circulation are conversions); ONS and MHCLG publish others as xlsx. Readers
ask for a sheet's rows and never care which format it came in. The format is
told from the file's bytes (both are zip archives: an ODS names its
``mimetype``), not from its name.

Cells are read by calamine (a Rust reader of both formats): the four MHCLG
detailed-tables workbooks take about a second, where openpyxl and odfpy took
tens. The tests check its cells against openpyxl's and odfpy's for the real files.

>>> import tempfile, pathlib, openpyxl
>>> path = pathlib.Path(tempfile.mkdtemp()) / "book.xlsx"
>>> book = openpyxl.Workbook(); book.active.title = "A1"; book.active.append(["E92000001", "ENGLAND", 5])
>>> book.save(path)
>>> sheet_names(path), sheet_rows(path, "A1")
(['A1'], [('E92000001', 'ENGLAND', 5)])
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from ..core.errors import InputError
from .sheet_cells import check_not_html

_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def workbook_format(path: Path) -> str | None:
    """``"xlsx"``, ``"ods"`` or None, from the file's content (not its name)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
                return "ods"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, OSError):
        return None
    return None


def _format_or_error(path: Path) -> str:
    check_not_html(path)
    kind = workbook_format(path)
    if kind is None:
        raise InputError(f"{path}: not a readable Excel (.xlsx) or OpenDocument (.ods) workbook")
    return kind


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names, in order (an xlsx's from its index, without opening the sheets).

    Kept per file like :func:`sheet_heads`: recognisers ask for them in turn. An ODS
    has no index apart from its content, so its names come from the opened book that
    reading its rows uses anyway.
    """
    path = Path(path)
    stat = path.stat()
    return list(_sheet_names(str(path), stat.st_size, stat.st_mtime_ns))


@lru_cache(maxsize=16)
def _sheet_names(name: str, _size: int, _mtime: int) -> tuple[str, ...]:
    path = Path(name)
    if _format_or_error(path) == "ods":
        return tuple(_open_book(path).sheet_names)
    with zipfile.ZipFile(path) as archive:
        index = archive.read("xl/workbook.xml")
    return tuple(_unescape(m.decode("utf-8")) for m in re.findall(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"', index))


#: Rows of each sheet a recogniser may look at (titles, header bands).
HEAD_ROWS = 15


def sheet_heads(path: Path) -> dict[str, list[tuple]]:
    """The first :data:`HEAD_ROWS` rows of every sheet (what recognisers look at).

    Kept per file (path, size and modification time), so the recognisers that
    look at one download in turn read it once.
    """
    path = Path(path)
    stat = path.stat()
    return _sheet_heads(str(path), stat.st_size, stat.st_mtime_ns, HEAD_ROWS)


@lru_cache(maxsize=8)
def _sheet_heads(path: str, _size: int, _mtime: int, limit: int) -> dict[str, list[tuple]]:
    book = _open_book(Path(path))
    return {name: _rows(book, name, limit) for name in book.sheet_names}


def sheet_rows(path: Path, sheet: str, *, limit: int | None = None) -> list[tuple]:
    """Every row of ``sheet`` as a tuple of values (numbers as numbers, text as text, blanks None).

    Rows keep their spreadsheet positions (row 1 is element 0, blank rows included)
    and a sheet's rows are all as wide as its widest. Whole numbers are ``int``
    and dates ``datetime``, whichever format the file is in. ``limit`` stops after
    that many rows (recognisers read only a title). Kept per file like
    :func:`sheet_heads`: two publisher entries read the households sheet (A1) of one download.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return _sheet_rows(path, sheet, limit)  # names the file in its error
    return list(_cached_sheet_rows(str(path), stat.st_size, stat.st_mtime_ns, sheet, limit))


# Room for every sheet both MHCLG entries read of a year's four quarterly files.
@lru_cache(maxsize=24)
def _cached_sheet_rows(path: str, _size: int, _mtime: int, sheet: str, limit: int | None) -> tuple[tuple, ...]:
    return tuple(_sheet_rows(Path(path), sheet, limit))


def _sheet_rows(path: Path, sheet: str, limit: int | None) -> list[tuple]:
    book = _open_book(path)
    if sheet not in book.sheet_names:
        raise InputError(f"{path}: no sheet '{sheet}' (sheets: {', '.join(book.sheet_names[:15])})")
    return _rows(book, sheet, limit)


def all_sheets(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's rows (as :func:`sheet_rows` gives them), by name, in the workbook's order.

    Not kept: callers that read a whole workbook keep what they need themselves.
    """
    book = _open_book(Path(path))
    return {name: _rows(book, name, None) for name in book.sheet_names}


def _open_book(path: Path):
    """The workbook opened once per file (size, time): opening parses its shared strings and styles."""
    stat = path.stat()
    return _opened_book(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=2)
def _opened_book(path: str, _size: int, _mtime: int):
    # calamine (Rust) reads both formats, and reads them some 20-40 times faster than
    # openpyxl or odfpy: the MHCLG detailed tables are most of `jsna build`'s reading.
    from python_calamine import CalamineWorkbook

    kind = _format_or_error(Path(path))
    try:
        return CalamineWorkbook.from_path(path)
    except Exception as exc:  # calamine raises several types for a damaged file
        raise InputError(f"{path}: not a readable {'Excel' if kind == 'xlsx' else 'OpenDocument'} workbook "
                         f"({_reason(exc)})") from None


def _rows(book, sheet: str, limit: int | None) -> list[tuple]:
    try:
        cells = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=limit)
    except Exception as exc:
        raise InputError(f"{book.path}: sheet '{sheet}' cannot be read ({_reason(exc)})") from None
    return [tuple(_value(v) for v in row) for row in cells]


def _reason(exc: Exception) -> str:
    """calamine's error, on one line and short enough for one."""
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:120]}"


def _value(value):
    """A cell as the readers take it: blanks None, whole numbers int, dates datetime."""
    if value == "":
        return None
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is date:
        return datetime(value.year, value.month, value.day)
    return value


def _unescape(text: str) -> str:
    return text.replace("&apos;", "'").replace("&quot;", '"').replace("&lt;", "<").replace(
        "&gt;", ">").replace("&amp;", "&")
