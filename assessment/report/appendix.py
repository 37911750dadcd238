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
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


def write_appendix(frame: pd.DataFrame, path: Path, *, title: str, notes: list[str]) -> Path:
    """Write the appendix workbook atomically (a failed write keeps any earlier file)."""
    workbook = Workbook()
    about = workbook.active
    about.title = "About"
    about["A1"] = neutralise(title)
    about["A1"].font = Font(bold=True, size=14)
    for i, note in enumerate(notes, start=3):
        about.cell(row=i, column=1, value=neutralise(note))
    about.column_dimensions["A"].width = 120

    sheet = workbook.create_sheet("Data")
    columns = [c for c in APPENDIX_COLUMNS if c in frame.columns]
    for col, name in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=col, value=APPENDIX_COLUMNS[name])
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(col)].width = 14 if name not in (
            "indicator_name", "source_url", "value_note") else 40
    for row_no, record in enumerate(frame[columns].itertuples(index=False), start=2):
        for col, value in enumerate(record, start=1):
            cell = sheet.cell(row=row_no, column=col)
            if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
                continue
            if isinstance(value, pd.Timestamp):
                cell.value = value.to_pydatetime()
            elif isinstance(value, str):
                cell.value = neutralise(value)
                cell.data_type = "s"
            else:
                cell.value = value.item() if hasattr(value, "item") else value
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        workbook.save(temp)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return path
