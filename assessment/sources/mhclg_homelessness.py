"""MHCLG statutory homelessness: the detailed local authority tables (H-CLIC), as ODS or xlsx.

MHCLG publishes the tables as OpenDocument spreadsheets (the xlsx copies in
circulation are conversions; both are read, see :mod:`.workbook`). Sheet A1 is
a multi-row-header table whose layout changes between releases, so columns
are found by their header words, not positions: households owed a
prevention duty, a relief duty, either, and the number of households in the
area (thousands), the denominator MHCLG's own rates per 1,000 households use;
rates are recomputed from it with their intervals. The quarter is read from
the table title, the release from the Contents sheet.

The sheet reading (:func:`read_table`: area rows, header labels, the key to
the publisher's markers) and the records (:func:`indicator_rows`) are
shared with :mod:`.mhclg_duty_to_refer`, which reads sheets A7 and A3 of the
same workbook. The rough sleeping snapshot is read by :mod:`.mhclg_rough_sleeping`.

>>> quarter_label("England, October to December 2025"), quarter_label("England, January to March 2025")
('2025/26 Q3', '2024/25 Q4')
>>> release_label("Table A1 - households, England, January to March 2025")
'H-CLIC January to March 2025'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import InputError
from ..tidy.frame import area_type_for_code
from ..inputs.sheet_cells import MISSING_MARKERS, find_column, header_band, to_number
from ..inputs.recognition import Recognised
from .records import build_frame
from ..inputs.workbook import sheet_heads, sheet_names, sheet_rows, workbook_format

SOURCE = "MHCLG statutory homelessness"
DATA_SHEET = "A1"
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
#: Indicator id -> the words of its column's header in sheet A1.
INDICATORS = {
    "mhclg-owed-duty": r"total owed a prevention or relief duty",
    "mhclg-prevention-duty": r"threatened with homelessness.*prevention duty owed",
    "mhclg-relief-duty": r"homeless\s*-\s*relief duty owed",
}


_QUARTER = re.compile(r"(" + "|".join(MONTHS) + r")\s+to\s+(" + "|".join(MONTHS) + r")\s+(\d{4})", re.I)


def release_label(title: str) -> str:
    """The release as the table title states it ("H-CLIC October to December 2025")."""
    match = _QUARTER.search(title)
    if not match:
        raise InputError(f"cannot read the quarter from the title {title!r}")
    return f"H-CLIC {match[1].title()} to {match[2].title()} {match[3]}"


def quarter_label(title: str) -> str:
    """Financial-year quarter label from a table title ("... October to December 2025")."""
    match = _QUARTER.search(title)
    if not match:
        raise InputError(f"cannot read the quarter from the title {title!r}")
    end_month, year = MONTHS.index(match[2].lower()) + 1, int(match[3])
    quarter = {6: 1, 9: 2, 12: 3, 3: 4}.get(end_month)
    if quarter is None:
        raise InputError(f"title {title!r} is not a calendar quarter")
    start_year = year if quarter < 4 else year - 1
    return f"{start_year}/{(start_year + 1) % 100:02d} Q{quarter}"


def _published(contents: list[tuple]) -> str:
    """The publication date on the Contents sheet (a date cell or "Thursday, April 30, 2026"), as ISO."""
    for row in contents:
        for cell in row:
            if isinstance(cell, datetime):
                return cell.date().isoformat()
            if isinstance(cell, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*)?", cell.strip()):
                return cell.strip()[:10]
            if isinstance(cell, str) and re.search(r"\d{1,2},? \d{4}$", cell.strip()):
                parsed = pd.to_datetime(cell.strip(), errors="coerce", format="mixed")
                if pd.notna(parsed):
                    return parsed.date().isoformat()
    return ""


def recognise(path: Path) -> Recognised | None:
    """The detailed local authority tables: a Contents sheet naming them and sheet A1 with its quarter."""
    if workbook_format(Path(path)) is None or not {"Contents", DATA_SHEET} <= set(sheet_names(path)):
        return None
    heads = sheet_heads(path)
    contents = " ".join(str(c) for row in heads.get("Contents", []) for c in row if isinstance(c, str))
    title = str(heads.get(DATA_SHEET, [()])[0][0] or "") if heads.get(DATA_SHEET, [()])[0] else ""
    if "statutory homelessness" not in contents.lower() or not _QUARTER.search(title):
        return None
    return Recognised("publisher", "mhclg_homelessness", release=release_label(title), period=quarter_label(title),
                      published=_published(heads.get("Contents", [])))


def read(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "", sheet: str = DATA_SHEET) -> pd.DataFrame:
    """Households owed homelessness duties, as counts and rates per 1,000 households, by area."""
    path = Path(path)
    table = read_table(path, sheet)
    households = table.numbers(find_column(table.labels, r"households\s+in\s+area", table.where))[0]
    frames = []
    for key, pattern in INDICATORS.items():
        counts, markers = table.numbers(find_column(table.labels, pattern, table.where))
        notes = pd.Series(np.where(markers.ne("") & counts.isna(), "Suppressed by the publisher: " + markers, ""),
                          index=counts.index)
        frames.append(indicator_rows(table, key, counts, notes, households_denominator(households)))
    return finish(frames, path=path, where=table.where, source_url=source_url, retrieved_at=retrieved_at,
                  vintage=vintage or table.release)


@dataclass(frozen=True)
class Table:
    """One sheet of the detailed tables: its area rows (spreadsheet row numbers as index) and column labels."""

    where: str
    title: str
    labels: list[str]
    body: pd.DataFrame
    codes: pd.Series
    names: pd.Series
    legend: dict[str, str]

    @property
    def period(self) -> str:
        return quarter_label(self.title)

    @property
    def release(self) -> str:
        return release_label(self.title)

    def numbers(self, column: int) -> tuple[pd.Series, pd.Series]:
        """A column's numbers and publisher markers ("..", "-", "x") for the area rows."""
        return to_number(self.body[column], where=self.where, column=self.labels[column])


def read_table(path: Path, sheet: str) -> Table:
    """A sheet's area rows: England, each region once, and the councils (not "Rest of England" or notes).

    A missing sheet is an error naming the file and the sheet. The sheet's
    key to its markers (a notes row such as ``..`` "Authority with missing
    data") is kept as ``legend``, so a figure left out says why.
    """
    path = Path(path)
    where = f"{path}:{sheet}"
    if sheet not in sheet_names(path):
        raise InputError(f"{path}: no sheet {sheet} (the detailed local authority tables name it; the layout may "
                         "have changed)")
    rows = sheet_rows(path, sheet)
    title = str(rows[0][0] or "") if rows and rows[0] else ""
    start, labels = header_band(rows, where)
    body = pd.DataFrame(rows[start:]).iloc[:, : len(labels)]
    body.index = pd.RangeIndex(start + 1, start + 1 + len(body))  # spreadsheet row numbers
    codes = body[0].astype(str).str.strip()
    # Regions (London) appear twice: in the summary band and in the region list.
    keep = codes.map(area_type_for_code).notna() & ~codes.duplicated()
    legend = {str(r[0]).strip().lower(): " ".join(str(r[1]).split()) for r in rows[start:]
              if len(r) > 1 and isinstance(r[0], str) and r[0].strip().lower() in MISSING_MARKERS
              and isinstance(r[1], str) and r[1].strip()}
    return Table(where, title, labels, body[keep], codes[keep], body[keep][1].astype(str).str.strip(), legend)


def households_denominator(households_thousands: pd.Series) -> pd.Series:
    """Households are published in thousands to three decimals: a whole number of households."""
    return (households_thousands * 1000).round()


def indicator_rows(table: Table, key: str, counts: pd.Series, notes: pd.Series,
                   denominator: pd.Series) -> pd.DataFrame:
    """One indicator's records; a row with a note and no count is the publisher's gap."""
    suppressed = notes.ne("") & counts.isna()
    return pd.DataFrame({
        "indicator_id": key, "area_code": table.codes, "area_name": table.names, "period": table.period,
        "count": counts, "denominator": denominator.reindex(counts.index),
        "value_note": notes.where(suppressed, ""), "suppressed": suppressed,
    })


def finish(frames: list[pd.DataFrame], *, path: Path, where: str, source_url: str, retrieved_at,
           vintage: str) -> pd.DataFrame:
    """The indicators' records as one validated frame (value and intervals from count and denominator)."""
    return build_frame(pd.concat(frames, ignore_index=True), source=SOURCE, path=path, source_url=source_url,
                       retrieved_at=retrieved_at, vintage=vintage, where=where)
