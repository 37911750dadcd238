"""Publishers' workbooks as rows of cell values, whether Excel (.xlsx) or OpenDocument (.ods).

MHCLG publishes its detailed homelessness tables as ODS (the xlsx copies in
circulation are conversions); ONS and MHCLG publish others as xlsx. Readers
ask for a sheet's rows and never care which format it came in. The format is
told from the file's bytes (both are zip archives: an ODS names its
``mimetype``), not from its name.

An ODS sheet is streamed out of ``content.xml`` and parsing stops at the end
of the wanted sheet: a 42 MB ``content.xml`` gives its third sheet in a few
hundredths of a second, where ``pandas.read_excel(engine="odf")`` parses the
whole document first (tens of seconds). The tests check both readers give the
same cells for the real files.

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
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ._tables import check_not_html

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
#: At most this many copies of a repeated non-blank cell (a guard against a hostile file).
_MAX_REPEAT = 16384
_SHEET_NAME = re.compile(rb'<table:table table:name="([^"]*)"')


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
    """The workbook's sheet names, in order (read from the archive's index, without opening the sheets).

    Kept per file like :func:`sheet_heads`: recognisers ask for them in turn.
    """
    path = Path(path)
    stat = path.stat()
    return list(_sheet_names(str(path), stat.st_size, stat.st_mtime_ns))


@lru_cache(maxsize=16)
def _sheet_names(path: str, _size: int, _mtime: int) -> tuple[str, ...]:
    path = Path(path)
    if _format_or_error(path) == "xlsx":
        with zipfile.ZipFile(path) as archive:
            index = archive.read("xl/workbook.xml")
        return tuple(_unescape(m.decode("utf-8")) for m in re.findall(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"', index))
    names, tail = [], b""
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            chunk = tail + block
            # A tag cut by the block boundary is found whole next time; one seen whole already is not counted twice.
            names += [m[1].decode("utf-8") for m in _SHEET_NAME.finditer(chunk) if m.end() > len(tail)]
            tail = chunk[-512:]
    return tuple(_unescape(n) for n in names)


#: Rows of each sheet a recogniser may look at (titles, header bands).
HEAD_ROWS = 15


def sheet_heads(path: Path) -> dict[str, list[tuple]]:
    """The first :data:`HEAD_ROWS` rows of every sheet, in one pass (what recognisers look at).

    Kept per file (path, size and modification time), so the recognisers that
    look at one download in turn read it once.
    """
    path = Path(path)
    stat = path.stat()
    return _sheet_heads(str(path), stat.st_size, stat.st_mtime_ns, HEAD_ROWS)


@lru_cache(maxsize=8)
def _sheet_heads(path: str, _size: int, _mtime: int, limit: int) -> dict[str, list[tuple]]:
    path = Path(path)
    if _format_or_error(path) == "xlsx":
        book = _open_xlsx(path)
        heads = {}
        for name in book.sheetnames:
            rows = []
            for row in book[name].iter_rows(values_only=True):
                rows.append(tuple(row))
                if len(rows) >= limit:
                    break
            heads[name] = rows
        return heads
    return _ods_heads(path, limit)


def sheet_rows(path: Path, sheet: str, *, limit: int | None = None) -> list[tuple]:
    """Every row of ``sheet`` as a tuple of values (numbers as numbers, text as text, blanks None).

    ``limit`` stops after that many rows (recognisers read only a title). Kept per file like
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
    kind = _format_or_error(path)
    if kind == "xlsx":
        book = _open_xlsx(path)
        if sheet not in book.sheetnames:
            raise InputError(f"{path}: no sheet '{sheet}' (sheets: {', '.join(book.sheetnames[:15])})")
        rows = []
        for row in book[sheet].iter_rows(values_only=True):
            rows.append(tuple(row))
            if limit and len(rows) >= limit:
                break
        return rows
    rows = _ods_rows(path, sheet, limit)
    if rows is None:
        raise InputError(f"{path}: no sheet '{sheet}' (sheets: {', '.join(sheet_names(path)[:15])})")
    width = max((len(r) for r in rows), default=0)
    return [r + (None,) * (width - len(r)) for r in rows]  # rectangular, as openpyxl gives


def _open_xlsx(path: Path):
    """The workbook, opened read-only once per file (size, time): each sheet read would open it again,
    and opening a detailed-tables workbook parses its styles and shared strings (a third of a second)."""
    stat = path.stat()
    return _opened_xlsx(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=2)
def _opened_xlsx(path: str, _size: int, _mtime: int):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for non-workbooks
        raise InputError(f"{path}: not a readable Excel workbook ({type(exc).__name__})") from None


def _unescape(text: str) -> str:
    return text.replace("&apos;", "'").replace("&quot;", '"').replace("&lt;", "<").replace(
        "&gt;", ">").replace("&amp;", "&")


def _cell_text(cell) -> str:
    """A cell's text: paragraphs on separate lines, ``text:s`` runs of spaces, line breaks."""
    paragraphs = []
    for paragraph in cell.iter(f"{{{_TEXT}}}p"):
        parts = [paragraph.text or ""]
        for child in paragraph.iter():
            if child is paragraph:
                continue
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "s":
                parts.append(" " * int(child.get(f"{{{_TEXT}}}c", "1")))
            elif tag == "line-break":
                parts.append("\n")
            elif tag == "tab":
                parts.append("\t")
            elif child.text:
                parts.append(child.text)
            if child.tail:
                parts.append(child.tail)
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def _cell_value(cell):
    kind = cell.get(f"{{{_OFFICE}}}value-type")
    if kind in ("float", "percentage", "currency"):
        return float(cell.get(f"{{{_OFFICE}}}value"))
    if kind == "boolean":
        return cell.get(f"{{{_OFFICE}}}boolean-value") == "true"
    if kind == "date":
        return cell.get(f"{{{_OFFICE}}}date-value")
    if kind is None:
        return None
    return _cell_text(cell) or None  # an empty text cell is a blank, as pandas and openpyxl read it


def _ods_rows(path: Path, sheet: str | None, limit: int | None):
    """Rows of ``sheet`` (None if absent); with ``sheet=None``, the first ``limit`` rows of every sheet."""
    from lxml import etree

    table_tag, row_tag = f"{{{_TABLE}}}table", f"{{{_TABLE}}}table-row"
    repeat_cols, repeat_rows = f"{{{_TABLE}}}number-columns-repeated", f"{{{_TABLE}}}number-rows-repeated"
    heads: dict[str, list[tuple]] = {}
    rows: list[tuple] = []
    inside, blank_rows = False, 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
            for event, element in etree.iterparse(stream, events=("start", "end"), tag=(table_tag, row_tag)):
                if element.tag == table_tag:
                    if event == "start":
                        name = element.get(f"{{{_TABLE}}}name")
                        inside, rows, blank_rows = sheet is None or name == sheet, [], 0
                        if sheet is None:
                            heads[name] = rows
                    elif inside and sheet is not None:
                        return rows
                    if event == "end":
                        element.clear()
                    continue
                full = limit is not None and len(rows) >= limit
                if event == "end" and inside and not full:
                    row = _ods_row(element, repeat_cols)
                    count = int(element.get(repeat_rows, "1"))
                    if not row:
                        blank_rows += count  # kept only if a row with data follows (sheets pad to 1M rows)
                    else:
                        rows.extend([()] * min(blank_rows, 1 << 20) + [row] * min(count, _MAX_REPEAT))
                        blank_rows = 0
                    if limit and len(rows) >= limit:
                        del rows[limit:]
                        if sheet is not None:
                            return rows
                if event == "end":
                    element.clear()
                    while element.getprevious() is not None:
                        del element.getparent()[0]
    except (etree.XMLSyntaxError, zipfile.BadZipFile, KeyError) as exc:
        raise InputError(f"{path}: not a readable OpenDocument spreadsheet ({type(exc).__name__})") from None
    return heads if sheet is None else None


_ROW_END = b"</table:table-row>"


def _ods_heads(path: Path, limit: int) -> dict[str, list[tuple]]:
    """The first rows of every sheet, parsing only those rows (the rest of each sheet is skipped unread)."""
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read("content.xml")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise InputError(f"{path}: not a readable OpenDocument spreadsheet ({type(exc).__name__})") from None
    namespaces = (f'<r xmlns:table="{_TABLE}" xmlns:office="{_OFFICE}" xmlns:text="{_TEXT}">').encode()
    parser = etree.XMLParser(recover=True, huge_tree=True)
    repeat_cols = f"{{{_TABLE}}}number-columns-repeated"
    starts = list(_SHEET_NAME.finditer(data))
    heads = {}
    for number, match in enumerate(starts):
        stop = starts[number + 1].start() if number + 1 < len(starts) else len(data)
        end = match.start()
        for _ in range(limit):
            found = data.find(_ROW_END, end, stop)
            if found < 0:
                break
            end = found + len(_ROW_END)
        # The sheet's first rows as a fragment; recover=True closes what the cut left open.
        root = etree.fromstring(namespaces + data[match.start():end] + b"</r>", parser)
        rows = [_ods_row(row, repeat_cols) for row in root.iter(f"{{{_TABLE}}}table-row")] if root is not None else []
        heads[_unescape(match[1].decode("utf-8"))] = rows[:limit]
    return heads


def _ods_row(element, repeat_cols: str) -> tuple:
    """One ``table:table-row`` as values; runs of blank cells are expanded only before a value."""
    row: list = []
    blanks = 0
    for cell in element:
        value = _cell_value(cell)
        count = int(cell.get(repeat_cols, "1"))
        if value is None:
            blanks += count
            continue
        row.extend([None] * blanks + [value] * min(count, _MAX_REPEAT))
        blanks = 0
    return tuple(row)
