"""MHCLG statutory homelessness: the detailed local authority tables (H-CLIC), as ODS or xlsx.

MHCLG publishes the tables as OpenDocument spreadsheets (the xlsx copies in
circulation are conversions; both are read, see :mod:`.workbook`). Sheet A1 is
a multi-row-header table whose layout changes between releases, so columns
are found by their header words, not positions: households owed a
prevention duty, a relief duty, either, and the number of households in the
area (thousands), the denominator MHCLG's own rates per 1,000 households use;
rates are recomputed from it with their intervals. The quarter is read from
the table title, the release from the Contents sheet.

The rough sleeping snapshot is read by :mod:`.mhclg_rough_sleeping`.

>>> quarter_label("England, October to December 2025"), quarter_label("England, January to March 2025")
('2025/26 Q3', '2024/25 Q4')
>>> release_label("Table A1 - households, England, January to March 2025")
'H-CLIC January to March 2025'
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..frame import area_type_for_code, new_frame, validate_frame
from ..stats import add_intervals
from ._tables import find_column, header_band, to_number
from .periods import parse_period
from .recognition import Recognised
from .workbook import sheet_heads, sheet_names, sheet_rows, workbook_format

SOURCE = "MHCLG statutory homelessness"
DATA_SHEET = "A1"
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
INDICATORS = {
    "mhclg-owed-duty": ("Households owed a prevention or relief duty", r"total owed a prevention or relief duty"),
    "mhclg-prevention-duty": ("Households owed a prevention duty", r"threatened with homelessness.*prevention duty owed"),
    "mhclg-relief-duty": ("Households owed a relief duty", r"homeless\s*-\s*relief duty owed"),
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
    rows = sheet_rows(path, sheet)
    where = f"{path}:{sheet}"
    title = str(rows[0][0] or "") if rows and rows[0] else ""
    period = quarter_label(title)
    vintage = vintage or release_label(title)
    start, labels = header_band(rows, where)
    households_col = find_column(labels, r"households\s+in\s+area", where)
    columns = {key: find_column(labels, pattern, where) for key, (_, pattern) in INDICATORS.items()}
    body = pd.DataFrame(rows[start:]).iloc[:, : len(labels)]
    body.index = range(start + 1, start + 1 + len(body))  # spreadsheet row numbers
    codes = body[0].astype(str).str.strip()
    # Regions (London) appear twice: in the summary band and in the region list.
    keep = codes.map(area_type_for_code).notna() & ~codes.duplicated()
    body, codes = body[keep], codes[keep]
    names = body[1].astype(str).str.strip()
    households, _ = to_number(body[households_col], where=where, column=labels[households_col])
    start_date, end_date = parse_period(period)
    frames = []
    for key, (title_text, _) in INDICATORS.items():
        counts, markers = to_number(body[columns[key]], where=where, column=labels[columns[key]])
        suppressed = markers.ne("") & counts.isna()
        frames.append(pd.DataFrame({
            "indicator_id": key, "indicator_name": title_text, "source": SOURCE,
            "area_code": codes, "area_name": names, "area_type": codes.map(area_type_for_code),
            "period": period, "period_start": start_date, "period_end": end_date,
            # Households are published in thousands to three decimals: a whole number of households.
            "count": counts, "denominator": (households * 1000).round(), "value_type": "crude rate",
            "multiplier": 1000.0, "unit": "per 1,000 households", "polarity": "low_is_good",
            "comparator_method": "ci_overlap_95_998", "ci_method": "byars",
            "value_note": np.where(suppressed, "Suppressed by the publisher: " + markers, ""),
            "suppressed": suppressed, "source_url": source_url or path.name,
            "retrieved_at": retrieved_at or datetime.now(timezone.utc), "vintage": vintage,
        }))
    frame = new_frame(pd.concat(frames, ignore_index=True))
    frame.loc[frame["area_code"] == "E92000001", "area_type"] = "england"
    return validate_frame(add_intervals(frame), where=where)
