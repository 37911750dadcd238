"""The Excel data appendix: every figure in the report with its CIs, comparison and source.

Numbers are stored in full precision in number cells whose display format
rounds them as the report does (one decimal place; counts as whole numbers),
so a reader sees 43.3 and a formula uses 43.26245073796461.

Text is stored as text, never as a formula: text that a spreadsheet would
run as one (starting ``=``, ``+``, ``-``, ``@``, a tab or a carriage return)
is typed as a string cell and carries Excel's quote prefix, so it shows
exactly as written (no visible apostrophe) and stays text when edited, and an
area name or uploaded label can never execute. Bidirectional control
characters (a right-to-left override) are dropped from every text cell.

>>> from openpyxl import Workbook
>>> cell = text_cell(Workbook(write_only=True).create_sheet(), "=1+2")
>>> cell.value, cell.data_type, cell.quotePrefix
('=1+2', 's', True)
>>> [formula_like(t) for t in ("=1+2", "-12.5", "Leeds")]
[True, False, False]
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..core.atomic_files import publish_file
from ..core.safe_text import BIDI_CONTROLS

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$")

APPENDIX_COLUMNS = {
    "report_section": "Report section",
    "indicator_id": "Indicator ID",
    "indicator_name": "Indicator",
    "area_code": "Area code",
    "area_name": "Area",
    "period": "Period",
    "sex": "Sex",
    "age": "Age",
    "category_type": "Category type",
    "category": "Category",
    "value": "Value",
    "lower_ci_95": "Lower 95% CI",
    "upper_ci_95": "Upper 95% CI",
    "lower_ci_998": "Lower 99.8% CI",
    "upper_ci_998": "Upper 99.8% CI",
    "count": "Count",
    "denominator": "Denominator",
    "unit": "Unit",
    "value_note": "Value note",
    "suppressed": "Suppressed",
    "england_value": "England value",
    "england_comparison": "Compared with England",
    "region_value": "Region value",
    "region_comparison": "Compared with region",
    "trend": "Recent trend",
    "trend_reason": "Why no recent trend",
    "source": "Source",
    "source_url": "Source address",
    "vintage": "Publisher release",
    "retrieved_at": "Retrieved",
    "snapshot_date": "Snapshot date",
}


#: Display formats of numeric columns (the cell keeps the full value).
NUMBER_FORMATS = {**dict.fromkeys(["value", "lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998",
                                   "england_value", "region_value"], "#,##0.0"),
                  "count": "#,##0", "denominator": "#,##0"}


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (a plain signed number is not)."""
    return text.startswith(_FORMULA_START) and not _NUMBER.match(text)


def text_cell(sheet, text: str) -> WriteOnlyCell:
    """A cell holding ``text`` as text: typed as a string, with the quote prefix when it looks like a formula."""
    text = text.translate(BIDI_CONTROLS)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    if formula_like(text):
        cell.quotePrefix = True
    return cell


def _cell_value(sheet, value, number_format: str | None):
    """A frame value as Excel should hold it: blank when missing, text as text, numbers with their format."""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, str):
        value = value.translate(BIDI_CONTROLS)
        return text_cell(sheet, value) if value.startswith(_FORMULA_START) else value
    value = value.item() if hasattr(value, "item") else value
    if number_format and isinstance(value, (int, float)) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell
    return value


def write_appendix(frame: pd.DataFrame, path: Path, *, title: str, notes: list[str],
                   national: str = "England") -> Path:
    """Write the appendix workbook atomically (a failed write keeps any earlier file).

    ``national`` names what the ``england_*`` columns compare with (England and Wales for a Welsh force).

    Streams rows (openpyxl's write-only mode): a national batch writes one
    appendix per area, and building every cell as an object first costs
    several times as much.
    """
    workbook = Workbook(write_only=True)
    about = workbook.create_sheet("About")
    about.column_dimensions["A"].width = 120
    heading = text_cell(about, title)
    heading.font = Font(bold=True, size=14)
    about.append([heading])
    about.append([])
    for note in notes:
        about.append([text_cell(about, note)])

    sheet = workbook.create_sheet("Data")
    columns = [c for c in APPENDIX_COLUMNS if c in frame.columns]
    for col, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = 14 if name not in (
            "indicator_name", "source_url", "value_note") else 40
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
    header = []
    for name in columns:
        label = APPENDIX_COLUMNS[name]
        cell = WriteOnlyCell(sheet, value=label.replace("England", national) if name.startswith("england_") else label)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    formats = [NUMBER_FORMATS.get(name) for name in columns]
    for record in frame[columns].itertuples(index=False):
        sheet.append([_cell_value(sheet, value, fmt) for value, fmt in zip(record, formats)])

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        workbook.save(temp)
        publish_file(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return path
