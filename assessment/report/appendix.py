"""The Excel data appendix: every figure in the report with its CIs, comparison and source.

Numbers are stored in full precision in number cells whose display format
rounds them as the report does (one decimal place; counts as whole numbers),
so a reader sees 43.3 and a formula uses 43.26245073796461.

Text is stored as text, never as a formula (:mod:`assessment.core.xlsx`): text
that a spreadsheet would run as one (starting ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) carries Excel's quote prefix, so it shows exactly as
written (no visible apostrophe) and stays text when edited, and an area name or
uploaded label can never execute. Bidirectional control characters (a
right-to-left override) are dropped from every text cell.

>>> import tempfile, pathlib, openpyxl
>>> frame = pd.DataFrame({"area_name": ["=1+2"], "value": [43.26245073796461]})
>>> path = write_appendix(frame, pathlib.Path(tempfile.mkdtemp()) / "a.xlsx", title="Leeds", notes=[])
>>> [(c.value, c.number_format, c.quotePrefix) for c in openpyxl.load_workbook(path)["Data"][2]]
[('=1+2', 'General', True), (43.26245073796461, '#,##0.0', False)]
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.atomic_files import publish_file
from ..core.safe_text import BIDI_CONTROLS
from ..core.xlsx import CellStyle, Sheet, Styled, write_workbook

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


TITLE, HEADING = CellStyle(bold=True, size=14), CellStyle(bold=True)
#: Column widths in characters (the rest are 14).
WIDE_COLUMNS = {"indicator_name": 40, "source_url": 40, "value_note": 40}


def _text(value: str) -> str:
    return value.translate(BIDI_CONTROLS)


def _column_values(column: pd.Series) -> list:
    """A frame column's values as the workbook takes them: blank when missing, Python numbers, text
    without bidirectional controls, times as ``datetime``."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return [None if pd.isna(v) else v.to_pydatetime() for v in column]
    if pd.api.types.is_bool_dtype(column.dtype) or pd.api.types.is_numeric_dtype(column.dtype):
        values = column.astype(object).where(column.notna(), None).tolist()
        return [v.item() if isinstance(v, np.generic) else v for v in values]
    values = []
    for v in column.tolist():
        if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            values.append(None)
        elif isinstance(v, str):
            values.append(_text(v))
        elif isinstance(v, pd.Timestamp):
            values.append(v.to_pydatetime())
        else:
            values.append(v.item() if isinstance(v, np.generic) else v)
    return values


def write_appendix(frame: pd.DataFrame, path: Path, *, title: str, notes: list[str],
                   national: str = "England") -> Path:
    """Write the appendix workbook atomically (a failed write keeps any earlier file).

    ``national`` names what the ``england_*`` columns compare with (England and Wales for a Welsh force).
    """
    about = Sheet("About", [[Styled(_text(title), TITLE)], [], *[[_text(note)] for note in notes]],
                  column_widths=[120])
    columns = [c for c in APPENDIX_COLUMNS if c in frame.columns]
    labels = [APPENDIX_COLUMNS[name].replace("England", national) if name.startswith("england_")
              else APPENDIX_COLUMNS[name] for name in columns]
    body = zip(*(_column_values(frame[name]) for name in columns)) if columns else iter(())
    data = Sheet("Data", [[Styled(label, HEADING) for label in labels], *body],
                 column_widths=[WIDE_COLUMNS.get(name, 14) for name in columns],
                 column_styles=[CellStyle(number_format=NUMBER_FORMATS[name]) if name in NUMBER_FORMATS else None
                                for name in columns],
                 header=bool(columns))

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        write_workbook(temp, [about, data])
        publish_file(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return path
