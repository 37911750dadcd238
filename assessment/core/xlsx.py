"""Write a simple .xlsx workbook straight from rows: text, numbers with display formats, booleans, dates.

The data appendix is the only workbook a report writes, and a national batch
writes one per area (a force's holds some 50,000 cells). A general-purpose
library builds an object per cell and serialises it element by element, about
11 µs a cell; this writes each sheet's XML as text, about a tenth of that, and
supports only what the appendix uses: column widths, bold or larger text,
number formats, a frozen and filtered header row.

It never writes a formula. Every ``str`` is a text cell, and text that a
spreadsheet would run as a formula when edited (starting ``=``, ``+``, ``-``,
``@``, a tab or a carriage return, other than a plain signed number) carries
Excel's quote prefix, so it shows exactly as written and stays text. Characters
XML 1.0 cannot hold (control characters) are dropped. Numbers are written in
full precision (the shortest text that reads back as the same double; a whole
number without its ``.0``), so a display format may round what a formula
still sees whole.

>>> import tempfile, pathlib, openpyxl
>>> path = pathlib.Path(tempfile.mkdtemp()) / "book.xlsx"
>>> bold = CellStyle(bold=True)
>>> _ = write_workbook(path, [Sheet("Data", [[Styled("Rate", bold), Styled("Area", bold)],
...                                          [43.26245073796461, "=1+2"]],
...                                 column_styles=[CellStyle(number_format="#,##0.0")], header=True)])
>>> cells = openpyxl.load_workbook(path)["Data"]
>>> cells["A2"].value, cells["A2"].number_format, cells["B2"].value, cells["B2"].quotePrefix
(43.26245073796461, '#,##0.0', '=1+2', True)
>>> formula_like("=1+2"), formula_like("-12.5"), formula_like("Leeds")
(True, False, False)
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$")
#: What XML 1.0 cannot hold: C0 controls other than tab, newline and carriage return; lone surrogates;
#: U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
#: Excel's day 0 (its serial dates count from here; 1900-03-01 onwards, as every date we write).
_EPOCH = dt.datetime(1899, 12, 30)
#: Number formats Excel has built in (any other is declared in the workbook's styles, from id 164).
_BUILT_IN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4}
_DATETIME_FORMAT, _DATE_FORMAT = "yyyy-mm-dd h:mm:ss", "yyyy-mm-dd"


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (a plain signed number is not)."""
    return text.startswith(FORMULA_START) and not _NUMBER.match(text)


@dataclass(frozen=True)
class CellStyle:
    """How a cell looks: its font (bold, size in points) and the number format its value is shown in."""

    bold: bool = False
    size: float = 11
    number_format: str = "General"


@dataclass(frozen=True)
class Styled:
    """A value with a style of its own (a heading), in place of its column's."""

    value: object
    style: CellStyle


@dataclass
class Sheet:
    """A worksheet: its rows of values (``None``, empty text and NaN leave a cell blank) and how its columns look.

    ``column_styles[j]`` styles the values of column ``j`` (numbers get its number format);
    ``column_widths[j]`` is its width in characters; ``header``: the first row stays in view
    when the rest scrolls, and carries a filter over every row written.
    """

    name: str
    rows: Iterable[Sequence]
    column_widths: Sequence[float | None] = ()
    column_styles: Sequence[CellStyle | None] = ()
    header: bool = False


def column_letter(index: int) -> str:
    """The letters of the 1-based column ``index``: 1 is A, 27 is AA.

    >>> [column_letter(i) for i in (1, 26, 27, 31, 703)]
    ['A', 'Z', 'AA', 'AE', 'AAA']
    """
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def excel_serial(moment: dt.datetime | dt.date) -> float:
    """A date or time as Excel's serial number: days since its day 0, time of day as the fraction.

    >>> excel_serial(dt.datetime(2026, 11, 1, 12)), excel_serial(dt.date(1900, 3, 1))
    (46327.5, 61.0)
    """
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    elif moment.tzinfo is not None:  # Excel has no time zones: the time as it was in UTC
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    elapsed = moment - _EPOCH
    return elapsed.days + (elapsed.seconds + elapsed.microseconds / 1e6) / 86400


class _Styles:
    """The styles a workbook's cells use, numbered as Excel's cell formats (``s=`` of each cell)."""

    def __init__(self) -> None:
        self.formats: dict[tuple[CellStyle, bool], int] = {}
        self.fonts: dict[tuple[bool, float], int] = {(False, 11): 0}
        self.number_formats: dict[str, int] = {}
        self.index(CellStyle())

    def index(self, style: CellStyle, quote_prefix: bool = False) -> int:
        """The number of the cell format ``style`` (with Excel's quote prefix or not) is written as."""
        key = (style, quote_prefix)
        if key not in self.formats:
            self.fonts.setdefault((style.bold, style.size), len(self.fonts))
            if style.number_format not in _BUILT_IN_FORMATS:
                self.number_formats.setdefault(style.number_format, 164 + len(self.number_formats))
            self.formats[key] = len(self.formats)
        return self.formats[key]

    def xml(self) -> str:
        number_formats = "".join(f'<numFmt numFmtId="{number}" formatCode="{_attribute(code)}"/>'
                                 for code, number in self.number_formats.items())
        fonts = "".join(f'<font>{"<b/>" if bold else ""}<sz val="{size:g}"/><name val="Calibri"/><family val="2"/></font>'
                        for bold, size in self.fonts)
        formats = []
        for style, quote_prefix in self.formats:
            code = style.number_format
            number = _BUILT_IN_FORMATS[code] if code in _BUILT_IN_FORMATS else self.number_formats[code]
            font = self.fonts[(style.bold, style.size)]
            applied = (' applyNumberFormat="1"' if number else "") + (' applyFont="1"' if font else "")
            prefix = ' quotePrefix="1"' if quote_prefix else ""
            formats.append(f'<xf numFmtId="{number}" fontId="{font}" fillId="0" borderId="0" xfId="0"{applied}{prefix}/>')
        if number_formats:
            number_formats = f'<numFmts count="{len(self.number_formats)}">{number_formats}</numFmts>'
        return (f'{_XML}<styleSheet xmlns="{_MAIN}">{number_formats}'
                f'<fonts count="{len(self.fonts)}">{fonts}</fonts>'
                '<fills count="2"><fill><patternFill patternType="none"/></fill>'
                '<fill><patternFill patternType="gray125"/></fill></fills>'
                '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                f'<cellXfs count="{len(formats)}">{"".join(formats)}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                '</styleSheet>')


def _attribute(text: str) -> str:
    return text.translate(_ESCAPES).replace('"', "&quot;")


def _text(text: str) -> str:
    text = _NOT_XML.sub("", text).translate(_ESCAPES)
    return f'<is><t xml:space="preserve">{text}</t></is>' if text != text.strip() else f"<is><t>{text}</t></is>"


class _SheetWriter:
    """One worksheet's XML, a row at a time (text cells remembered: a column repeats its texts)."""

    def __init__(self, sheet: Sheet, styles: _Styles) -> None:
        self.sheet, self.styles = sheet, styles
        self.texts: dict[tuple[str, str], str] = {}
        self.width = max(len(sheet.column_styles), len(sheet.column_widths))
        self.rows = 0

    def _column(self, j: int):
        """Column ``j``'s letters, and the ``s=`` attributes of its numbers, text, formula-like text, dates."""
        style = self.sheet.column_styles[j] if j < len(self.sheet.column_styles) else None
        return (column_letter(j + 1), *self._column_of(style or CellStyle()))

    def _s(self, style: CellStyle, quote_prefix: bool = False) -> str:
        index = self.styles.index(style, quote_prefix)
        return f' s="{index}"' if index else ""

    def body(self) -> str:
        columns: list[tuple] = []
        parts = []
        for number, row in enumerate(self.sheet.rows, start=1):
            while len(columns) < len(row):
                columns.append(self._column(len(columns)))
            cells = []
            for value, (letter, number_s, text_s, quoted_s, datetime_s, date_s) in zip(row, columns):
                if value is None:
                    continue
                if type(value) is Styled:
                    own = self._column_of(value.style)
                    value, (number_s, text_s, quoted_s, datetime_s, date_s) = value.value, own
                    if value is None:
                        continue
                kind = type(value)
                if kind is str:
                    if not value:
                        continue
                    fragment = self.texts.get((value, text_s))
                    if fragment is None:
                        fragment = self.texts[(value, text_s)] = self._text_cell(value, text_s, quoted_s)
                    cells.append(f'<c r="{letter}{number}"{fragment}')
                elif kind is bool:
                    cells.append(f'<c r="{letter}{number}" t="b"{text_s}><v>{int(value)}</v></c>')
                elif kind is float:
                    if not math.isfinite(value):
                        continue
                    text = repr(value)
                    cells.append(f'<c r="{letter}{number}"{number_s}><v>{text[:-2] if text.endswith(".0") else text}</v></c>')
                elif kind is int:
                    cells.append(f'<c r="{letter}{number}"{number_s}><v>{value}</v></c>')
                elif isinstance(value, dt.date):
                    s = datetime_s if isinstance(value, dt.datetime) else date_s
                    cells.append(f'<c r="{letter}{number}"{s}><v>{excel_serial(value)!r}</v></c>')
                else:
                    raise TypeError(f"{self.sheet.name}!{letter}{number}: cannot write a {kind.__name__} to a workbook")
            parts.append(f'<row r="{number}">{"".join(cells)}</row>')
            self.rows = number
        self.width = max(self.width, len(columns))
        return "".join(parts)

    def _column_of(self, style: CellStyle) -> tuple[str, ...]:
        """The ``s=`` attributes of numbers, text, formula-like text, date-times and dates styled ``style``."""
        plain = CellStyle(style.bold, style.size)
        return (self._s(style), self._s(plain), self._s(plain, quote_prefix=True),
                self._s(CellStyle(style.bold, style.size, _DATETIME_FORMAT)),
                self._s(CellStyle(style.bold, style.size, _DATE_FORMAT)))

    @staticmethod
    def _text_cell(value: str, text_s: str, quoted_s: str) -> str:
        """A text cell after its reference: quote-prefixed when a spreadsheet would take it for a formula."""
        return f' t="inlineStr"{quoted_s if formula_like(value) else text_s}>{_text(value)}</c>'

    def xml(self) -> str:
        sheet = self.sheet
        body = self.body()
        view = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>') if sheet.header else ""
        auto_filter = f'<autoFilter ref="{self.filter_range()}"/>' if self.filtered else ""
        columns = "".join(f'<col min="{j}" max="{j}" width="{width:g}" customWidth="1"/>'
                          for j, width in enumerate(sheet.column_widths, start=1) if width)
        return (f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
                f'<dimension ref="A1:{column_letter(max(self.width, 1))}{max(self.rows, 1)}"/>'
                f'<sheetViews><sheetView workbookViewId="0">{view}</sheetView></sheetViews>'
                '<sheetFormatPr defaultRowHeight="15"/>'
                f'{f"<cols>{columns}</cols>" if columns else ""}'
                f'<sheetData>{body}</sheetData>'
                f'{auto_filter}'
                '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
                '</worksheet>')

    @property
    def filtered(self) -> bool:
        return self.sheet.header and self.width > 0

    def filter_range(self, absolute: bool = False) -> str:
        last = column_letter(self.width)
        return f"$A$1:${last}${max(self.rows, 1)}" if absolute else f"A1:{last}{max(self.rows, 1)}"


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def write_workbook(path: str | Path, sheets: Sequence[Sheet], *, creator: str = "jsna-justice") -> Path:
    """Write ``sheets`` as the workbook ``path`` (written in place: callers publish it atomically)."""
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    names = [sheet.name for sheet in sheets]
    bad = [n for n in names if not n or len(n) > 31 or any(c in n for c in "[]:*?/\\")] or \
        [n for n in names if names.count(n) > 1]
    if bad:
        raise ValueError(f"not a sheet name Excel accepts (1-31 characters, none of []:*?/\\, unique): {bad[0]!r}")
    styles = _Styles()
    writers = [_SheetWriter(sheet, styles) for sheet in sheets]
    worksheets = [writer.xml() for writer in writers]
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"'{_attribute(writer.sheet.name)}'!{writer.filter_range(absolute=True)}</definedName>"
        for i, writer in enumerate(writers) if writer.filtered)
    workbook = (f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheets>'
                + "".join(f'<sheet name="{_attribute(name)}" sheetId="{i}" r:id="rId{i}"/>'
                          for i, name in enumerate(names, start=1))
                + f'</sheets>{f"<definedNames>{filters}</definedNames>" if filters else ""}</workbook>')
    workbook_relations = (f'{_XML}<Relationships xmlns="{_PACKAGE}">'
                          + "".join(f'<Relationship Id="rId{i}" Type="{_RELATIONSHIPS}/worksheet" '
                                    f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
                          + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_RELATIONSHIPS}/styles" '
                            'Target="styles.xml"/></Relationships>')
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    core = (f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:creator>{_attribute(creator)}</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>')
    types = (f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
             f'<Override PartName="/xl/styles.xml" ContentType="{_TYPES}.styles+xml"/>'
             '<Override PartName="/docProps/core.xml" '
             'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
             + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_TYPES}.worksheet+xml"/>'
                       for i in range(1, len(sheets) + 1))
             + "</Types>")
    package_relations = (f'{_XML}<Relationships xmlns="{_PACKAGE}">'
                         f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
                         '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                         'metadata/core-properties" Target="docProps/core.xml"/></Relationships>')
    parts = {"[Content_Types].xml": types, "_rels/.rels": package_relations, "docProps/core.xml": core,
             "xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": workbook_relations,
             "xl/styles.xml": styles.xml(),
             **{f"xl/worksheets/sheet{i}.xml": xml for i, xml in enumerate(worksheets, start=1)}}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, text in parts.items():
            package.writestr(name, text.encode("utf-8"))
    return Path(path)
