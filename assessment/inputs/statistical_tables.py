"""Publishers' statistical tables (xlsx and ods): named sheets, headers by their words, footnotes.

A table is a block of rows on a named sheet: a title, a header band of one
or more rows (spanning labels such as "Males" over "2017/18 | 2018/19"), the
data rows, then a "Source" line and numbered footnotes. Columns are found by
the words of their header, never by position, and a marker in a cell ("..",
"*", "NA", "N/A", "+") becomes "not available" with the publisher's own
footnote as the reason.

>>> column_labels([("Police Force Area", "Males", None, None, "Females", None),
...                (None, "2017/18", "2018/19", None, "2017/18", "2018/19")])
['Police Force Area', 'Males 2017/18', 'Males 2018/19', '', 'Females 2017/18', 'Females 2018/19']
>>> cell_value(" * "), cell_value("1,519"), cell_value(12.5)
((None, '*'), (1519.0, None), (12.5, None))
>>> parse_notes(["1. All tables exclude Lancashire.", "' .. ' = Data not available", "3 '..'  Not available."])
({1: 'All tables exclude Lancashire.', 3: "'..' Not available."}, {'..': "'..' Not available."})
"""

from __future__ import annotations

import functools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import InputError
from . import workbook

#: Cell markers meaning "no figure" in these publishers' tables.
MARKERS = {"..", "*", "na", "n/a", "+", "-", ":", "x", "[x]", "[c]", "[z]", "[u]", "[low]", "~"}
_NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?$|^-?\.\d+$")
_NOTE_LINE = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s+(\S.*)$")
_QUOTE = "'\u2018\u2019\""
_LEGEND = re.compile(rf"^\s*[{_QUOTE}]\s*([^{_QUOTE}]{{1,4}}?)\s*[{_QUOTE}]\s*(=|indicates|denotes|not available)",
                     re.IGNORECASE)
_TITLE_NOTES = re.compile(r"(?:\d{4}/\d{2}|\d{4})\s*((?:\d{1,2}\s*,\s*)*\d{1,2})\s*$")
_ENDS = ("source", "notes", "note:")
#: A marker legend longer than this explains the marker for the table, not just "not available".
SPECIFIC_LEGEND = 60
#: A table's title as ONS heads it ("Table P1: Police recorded crime ...").
_TABLE_TITLE = re.compile(r"^table\s+\S+?\s*:", re.IGNORECASE)


def _sheet_key(name: str) -> str:
    return re.sub(r"[\s._]+", " ", str(name)).strip().lower()


class Workbook:
    """A workbook's sheets as lists of row tuples (see :func:`assessment.inputs.workbook.sheet_rows`)."""

    def __init__(self, path: Path, sheets: dict[str, list[tuple]]):
        self.path = Path(path)
        self.sheets = sheets

    @property
    def names(self) -> list[str]:
        return list(self.sheets)

    def find(self, wanted: str, what: str) -> str:
        """The sheet named ``wanted`` (trailing spaces, case, "." and "_" ignored), else one line naming the file."""
        key = _sheet_key(wanted)
        for name in self.sheets:
            if _sheet_key(name) == key:
                return name
        listed = ", ".join(repr(n) for n in self.sheets)
        raise InputError(f"{self.path}: no sheet '{wanted}' ({what}); the workbook has {listed}")

    def rows(self, name: str) -> list[tuple]:
        return self.sheets[name]

    def find_table(self, wanted: str, what: str, title: str) -> str:
        """The sheet whose table title matches ``title``: the sheet named ``wanted`` first, then any other.

        Editions renumber tables and add rows above them, so a table is found by
        its title; a workbook without it is one line naming the file and the sheet.
        """
        regex = re.compile(title, re.IGNORECASE)
        named = next((n for n in self.sheets if _sheet_key(n) == _sheet_key(wanted)), None)
        for name in ([named] if named else []) + [n for n in self.sheets if n != named]:
            found = sheet_title(self.sheets[name])
            if found and regex.search(found[1]):
                return name
        raise InputError(missing_table(self.path, {n: (sheet_title(r) or (0, ""))[1] for n, r in self.sheets.items()},
                                       wanted, what))


def open_workbook(path: Path) -> Workbook:
    """Open an xlsx or ods file; a web page or an unreadable file is an InputError naming it.

    Kept per file (path, size, modification time): the ONS police force area workbook feeds
    two publisher entries (recorded crime, anti-social behaviour). Treat it as read-only.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return _open_workbook(path)  # names the file in its error
    return _cached_workbook(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _cached_workbook(path: str, _size: int, _mtime: int) -> Workbook:
    return _open_workbook(Path(path))


def _open_workbook(path: Path) -> Workbook:
    # all_sheets names a web page or a file that is no workbook in one line
    return Workbook(path, workbook.all_sheets(path))


def sheet_names(path: Path) -> list[str]:
    """A workbook's sheet names, read cheaply (for recognisers); [] for anything else.

    The shared per-file cached reader (:func:`assessment.inputs.workbook.sheet_names`):
    recognisers ask about every download in turn, and a workbook must not be read once per recogniser.
    """
    try:
        return workbook.sheet_names(path)
    except (InputError, OSError, zipfile.BadZipFile, KeyError):
        return []


def sheet_title(rows: list[tuple]) -> tuple[int, str] | None:
    """(row index, text) of a sheet's table title, looked for in its first rows (rows may be added above it).

    The one cell reading "Table X: ..." is the title; a sheet with none, or with
    several (a contents page lists the tables), has the first text in its first
    filled row as its title. None for an empty head.

    >>> sheet_title([(None,), ("Back to contents",), ("Table P1: Police recorded crime", None)])
    (2, 'Table P1: Police recorded crime')
    >>> sheet_title([(None, None), (None, "A.05: Persons arrested")])
    (1, 'A.05: Persons arrested')
    >>> sheet_title([("Crime - PFA tables",), ("Table P1: Recorded crime",), ("Table P2: Change",)])
    (0, 'Crime - PFA tables')
    """
    filled = [(index, next((text(v) for v in row or () if text(v)), ""))
              for index, row in enumerate(rows[:workbook.HEAD_ROWS])]
    filled = [(index, cell) for index, cell in filled if cell]
    titled = [(index, cell) for index, cell in filled if _TABLE_TITLE.match(cell)]
    if len(titled) == 1:
        return titled[0]
    return filled[0] if filled else None


def missing_table(path: Path, titles: dict[str, str], wanted: str, what: str) -> str:
    """One line: the workbook has no table of ``what``; names the sheet where it was expected and its title."""
    named = next((n for n in titles if _sheet_key(n) == _sheet_key(wanted)), None)
    if named is None:
        listed = ", ".join(repr(n) for n in titles)
        return f"{path}: no sheet '{wanted}' ({what}), and no other sheet is titled so; the workbook has {listed}"
    seen = f"is titled {titles[named][:100]!r}" if titles[named] else "has no title in its first rows"
    return (f"{path}: sheet '{named.strip()}' {seen}, not {what}, and no other sheet has that table; "
            "the layout may have changed")


def text(value: object) -> str:
    """A cell as one line of text ("" for an empty cell)."""
    return " ".join(str(value).split()) if value is not None else ""


def cell_value(value: object) -> tuple[float | None, str | None]:
    """(number, None), (None, marker) or (None, None) for an empty cell.

    Raises ValueError for text that is neither a number nor a marker; callers
    turn it into a one-line error naming the sheet, row and column.
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return float(value), None
    cell = text(value)
    if cell == "":
        return None, None
    if _NUMBER.match(cell):
        return float(cell.replace(",", "")), None
    if cell.lower() in MARKERS:
        return None, cell
    raise ValueError(cell)


def leaf_labels(header_rows: list[tuple]) -> list[str]:
    """Each column's lowest header text: its own name ("Theft offences", "Aged 10-17"), without spanning labels.

    >>> leaf_labels([("Numbers", None, "England and Wales"), (None, "Total", "Robbery")])
    ['Numbers', 'Total', 'Robbery']
    """
    header_rows = [r for r in header_rows if any(text(v) for v in r)]
    width = max((len(r) for r in header_rows), default=0)
    leaves = []
    for column in range(width):
        cells = [text(r[column]) for r in header_rows if column < len(r) and text(r[column])]
        leaves.append(cells[-1] if cells else "")
    return leaves


def column_labels(header_rows: list[tuple]) -> list[str]:
    """One label per column: a spanning label ("Males") is carried right over the columns below it.

    A label spans the empty cells to its right for as long as the row below has
    a label there (so "Males" covers "2017/18 | 2018/19" and stops at a spacer column).
    """
    header_rows = [r for r in header_rows if any(text(v) for v in r)]
    width = max((len(r) for r in header_rows), default=0)
    grid = [[text(r[c]) if c < len(r) else "" for c in range(width)] for r in header_rows]
    for level in range(len(grid) - 2, -1, -1):
        row, below = grid[level], grid[level + 1]
        for column in range(1, width):
            if not row[column] and row[column - 1] and below[column]:
                row[column] = row[column - 1]
    return [" ".join(" ".join(grid[level][c] for level in range(len(grid))).split()) for c in range(width)]


def parse_notes(lines: list[str]) -> tuple[dict[int, str], dict[str, str]]:
    """Numbered footnotes ("8. Following ...", "3 '..' Not available.") and marker legends ("' .. ' = ...")."""
    notes: dict[int, str] = {}
    legend: dict[str, str] = {}
    for line in lines:
        line = text(line)
        numbered = _NOTE_LINE.match(line)
        body = numbered[2] if numbered else line
        if numbered:
            notes[int(numbered[1])] = body
        marked = _LEGEND.match(body)
        if marked:
            legend[marked[1].strip().lower()] = body
    return notes, legend


def title_footnotes(title: str) -> tuple[int, ...]:
    """Footnote numbers glued to a table title after its year ("... 2018/191, 2" -> (1, 2))."""
    match = _TITLE_NOTES.search(text(title))
    return tuple(int(n) for n in re.findall(r"\d+", match[1])) if match else ()


@dataclass
class Table:
    """The rows of one table: header labels, data rows with spreadsheet row numbers, footnotes."""

    where: str
    title: str
    labels: list[str]
    body: list[tuple]
    row_numbers: list[int]
    leaves: list[str] = field(default_factory=list)
    notes: dict[int, str] = field(default_factory=dict)
    legend: dict[str, str] = field(default_factory=dict)

    def column(self, pattern: str, what: str, *, exclude: str | None = None, after: int = 0,
               leaf: bool = False) -> int:
        """The first column (from ``after``) whose header matches ``pattern``; one line naming the sheet if none.

        ``leaf=True`` matches the column's own header cell only (see :func:`leaf_labels`).
        """
        regex = re.compile(pattern, re.IGNORECASE)
        for index, label in enumerate(self.leaves if leaf else self.labels):
            if index >= after and regex.search(label) and not (exclude and re.search(exclude, label, re.IGNORECASE)):
                return index
        raise InputError(f"{self.where}: no column for {what} (no header matching '{pattern}'; "
                         "the layout may have changed)")

    def columns(self, pattern: str) -> list[int]:
        regex = re.compile(pattern, re.IGNORECASE)
        return [i for i, label in enumerate(self.labels) if regex.search(label)]

    def value(self, position: int, column: int) -> tuple[float | None, str | None]:
        row = self.body[position]
        try:
            return cell_value(row[column] if column < len(row) else None)
        except ValueError as exc:
            raise InputError(f"{self.where} row {self.row_numbers[position]} column '{self.labels[column]}': "
                             f"not a number or a marker ({exc.args[0]!r})") from None

    def reason(self, marker: str | None, footnotes: tuple[int, ...]) -> str:
        """Why a figure is missing, in the publisher's words.

        A legend that explains the marker for this table ("'+' indicates that
        rates for City of London have been suppressed ...") wins; a generic one
        ("'..' = Data not available") gives way to the row's own footnotes
        ("Greater Manchester Police have been unable to supply data ...").
        """
        legend = self.legend.get(marker.lower(), "") if marker else ""
        if len(legend) > SPECIFIC_LEGEND:
            return "Not available: " + legend
        explained = self.notes_text(footnotes)
        if explained:
            return "Not available: " + explained
        if legend:
            return "Not available: " + legend
        if marker:
            return f"Not available: marked '{marker}' in the publisher's table"
        return "Not available: the cell is empty in the publisher's table"

    def notes_text(self, numbers: tuple[int, ...]) -> str:
        return " ".join(self.notes[n] for n in numbers if n in self.notes and not _LEGEND.match(self.notes[n]))

    def is_nil(self, marker: str | None) -> bool:
        """Whether the sheet's legend says the marker means nil (' - ' = Nil): a zero, not a gap."""
        if not marker:
            return False
        return bool(re.search(r"=\s*nil\b", self.legend.get(marker.lower(), ""), re.IGNORECASE))


def read_table(book: Workbook, sheet: str, what: str, *, is_data_row, title: str | None = None) -> Table:
    """The table on ``sheet``: its title, the header band below it down to the first data row, data down to "Source".

    ``is_data_row(row) -> bool`` tells the first data row (a known area name or
    code with figures beside it), so header rows are found by their position
    above the data and labelled by their words. With ``title`` (a pattern), the
    table is the one so titled, on ``sheet`` or else on whichever sheet has it.
    """
    name = book.find_table(sheet, what, title) if title else book.find(sheet, what)
    rows = book.rows(name)
    where = f"{book.path}: sheet '{name.strip()}'"
    top, heading = sheet_title(rows) or (0, "")
    start = next((i for i, row in enumerate(rows) if i > top and row and is_data_row(row)), None)
    if start is None:
        raise InputError(f"{where}: no data rows (no row names a police force area, total or area code)")
    labels = column_labels([tuple(r) for r in rows[top + 1:start]])
    leaves = leaf_labels([tuple(r) for r in rows[top + 1:start]])
    end = next((i for i in range(start, len(rows)) if text(rows[i][0] if rows[i] else "").lower().startswith(_ENDS)),
               len(rows))
    after = [text(r[0]) for r in rows[end:] if r and r[0] is not None]
    notes, legend = parse_notes(after)
    body = [tuple(r) for r in rows[start:end]]
    width = max(len(labels), max((len(r) for r in body), default=0))
    labels += [""] * (width - len(labels))
    leaves += [""] * (width - len(leaves))
    return Table(where, heading, labels, body, list(range(start + 1, end + 1)), leaves, notes, legend)
