"""The Excel data appendix: every figure in the report with its CIs, comparison and source.

Text that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is neutralised with a leading apostrophe and
stored as text, so an area name or uploaded label can never execute in Excel.

>>> neutralise("=1+2")
"'=1+2"
>>> neutralise("-12.5"), neutralise("Leeds")
('-12.5', 'Leeds')
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

from ..files import publish_file

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


def neutralise(text: str) -> str:
    """Prefix formula-like text with an apostrophe; plain numbers written as text stay as they are."""
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def _cell_value(value):
    """A frame value as Excel should hold it: blanks for missing, text neutralised, numpy as Python."""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, str):
        return neutralise(value)
    return value.item() if hasattr(value, "item") else value


def write_appendix(frame: pd.DataFrame, path: Path, *, title: str, notes: list[str]) -> Path:
    """Write the appendix workbook atomically (a failed write keeps any earlier file).

    Streams rows (openpyxl's write-only mode): a national batch writes one
    appendix per area, and building every cell as an object first costs
    several times as much.
    """
    workbook = Workbook(write_only=True)
    about = workbook.create_sheet("About")
    about.column_dimensions["A"].width = 120
    heading = WriteOnlyCell(about, value=neutralise(title))
    heading.font = Font(bold=True, size=14)
    about.append([heading])
    about.append([])
    for note in notes:
        about.append([neutralise(note)])

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
        cell = WriteOnlyCell(sheet, value=APPENDIX_COLUMNS[name])
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for record in frame[columns].itertuples(index=False):
        sheet.append([_cell_value(value) for value in record])

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
