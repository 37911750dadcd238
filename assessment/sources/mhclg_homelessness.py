"""MHCLG statutory homelessness detailed local authority tables and the rough sleeping snapshot.

The detailed tables (H-CLIC) are multi-row-header workbooks that change layout
between releases, so columns are found by their header words, not positions:
households owed a prevention duty, a relief duty, either, and the number of
households in the area (thousands), from which rates per 1,000 households are
recomputed with their intervals. The quarter is read from the table title.

>>> quarter_label("England, October to December 2025"), quarter_label("England, January to March 2025")
('2025/26 Q3', '2024/25 Q4')
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from ..errors import InputError
from ..frame import area_type_for_code, new_frame, validate_frame
from ..stats import add_intervals
from ._tables import check_not_html, find_column, header_band, read_csv_text, to_number
from .periods import parse_period

SOURCE = "MHCLG statutory homelessness (H-CLIC)"
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
INDICATORS = {
    "mhclg-owed-duty": ("Households owed a prevention or relief duty", r"total owed a prevention or relief duty"),
    "mhclg-prevention-duty": ("Households owed a prevention duty", r"threatened with homelessness.*prevention duty owed"),
    "mhclg-relief-duty": ("Households owed a relief duty", r"homeless\s*-\s*relief duty owed"),
}


def quarter_label(title: str) -> str:
    """Financial-year quarter label from a table title ("... October to December 2025")."""
    match = re.search(r"(" + "|".join(MONTHS) + r")\s+to\s+(" + "|".join(MONTHS) + r")\s+(\d{4})", title, re.I)
    if not match:
        raise InputError(f"cannot read the quarter from the title {title!r}")
    end_month, year = MONTHS.index(match[2].lower()) + 1, int(match[3])
    quarter = {6: 1, 9: 2, 12: 3, 3: 4}.get(end_month)
    if quarter is None:
        raise InputError(f"title {title!r} is not a calendar quarter")
    start_year = year if quarter < 4 else year - 1
    return f"{start_year}/{(start_year + 1) % 100:02d} Q{quarter}"


def _open(path: Path):
    check_not_html(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for non-workbooks
        raise InputError(f"{path}: not a readable Excel workbook ({type(exc).__name__})") from None


def read(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "", sheet: str = "A1") -> pd.DataFrame:
    """Households owed homelessness duties, as counts and rates per 1,000 households, by area."""
    path = Path(path)
    book = _open(path)
    if sheet not in book.sheetnames:
        raise InputError(f"{path}: no sheet '{sheet}' (sheets: {', '.join(book.sheetnames[:12])}...)")
    rows = list(book[sheet].iter_rows(values_only=True))
    where = f"{path}:{sheet}"
    title = str(rows[0][0] or "") if rows and rows[0] else ""
    period = quarter_label(title)
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
            "count": counts, "denominator": households * 1000, "value_type": "crude rate",
            "multiplier": 1000.0, "unit": "per 1,000 households", "polarity": "low_is_good",
            "comparator_method": "ci_overlap_95_998", "ci_method": "byars",
            "value_note": np.where(suppressed, "Suppressed by the publisher: " + markers, ""),
            "suppressed": suppressed, "source_url": source_url or path.name,
            "retrieved_at": retrieved_at or datetime.now(timezone.utc), "vintage": vintage or title,
        }))
    frame = new_frame(pd.concat(frames, ignore_index=True))
    return validate_frame(add_intervals(frame), where=where)


def read_rough_sleeping(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "",
                        sheet: str | None = None) -> pd.DataFrame:
    """The autumn rough sleeping snapshot by local authority and year (Table 1)."""
    path = Path(path)
    book = _open(path)
    sheet = sheet or next((s for s in book.sheetnames if s.lower().startswith("table 1")), None)
    if sheet is None:
        raise InputError(f"{path}: no 'Table 1' sheet (sheets: {', '.join(book.sheetnames)})")
    rows = list(book[sheet].iter_rows(values_only=True))
    where = f"{path}:{sheet}"
    header_at = next((i for i, r in enumerate(rows) if r and any(
        isinstance(c, str) and "ons code" in c.lower() for c in r)), None)
    if header_at is None:
        raise InputError(f"{where}: no header row with 'ONS code'")
    header = [str(c).strip() if c is not None else "" for c in rows[header_at]]
    code_col = find_column(header, r"^local authority ons code$|^ons code$", where)
    name_col = find_column(header, r"^local authority$", where)
    # England and region totals carry "---" as the district and their code in the region columns.
    region_code_col = find_column(header, r"^region ons code$", where)
    region_name_col = find_column(header, r"^region$", where)
    years = [(i, int(float(h))) for i, h in enumerate(header) if re.fullmatch(r"\d{4}(\.0)?", h)]
    if not years:
        raise InputError(f"{where}: no year columns in the header row {header_at + 1}")
    records = []
    for offset, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        code, name = str(row[code_col] or "").strip(), str(row[name_col] or "").strip()
        if code.strip("-") == "":
            code, name = str(row[region_code_col] or "").strip(), str(row[region_name_col] or "").strip()
        if area_type_for_code(code) is None:
            continue
        for column, year in years:
            records.append((offset, code, name, year, row[column]))
    data = pd.DataFrame(records, columns=["row", "code", "name", "year", "raw"]).set_index("row")
    counts, markers = to_number(data["raw"], where=where, column="year")
    periods = data["year"].astype(str)
    frame = pd.DataFrame({
        "indicator_id": "mhclg-rough-sleeping", "indicator_name": "People sleeping rough (autumn snapshot)",
        "source": "MHCLG rough sleeping snapshot", "area_code": data["code"], "area_name": data["name"],
        "area_type": data["code"].map(area_type_for_code),
        "period": periods, "period_start": periods.map(lambda y: parse_period(y)[0]),
        "period_end": periods.map(lambda y: parse_period(y)[1]), "value": counts, "count": counts,
        "value_type": "count", "multiplier": 1.0, "unit": "people", "polarity": "low_is_good",
        "comparator_method": "none", "ci_method": "none",
        "value_note": np.where(markers.ne(""), "Not available: " + markers, ""),
        "source_url": source_url or path.name, "retrieved_at": retrieved_at or datetime.now(timezone.utc),
        "vintage": vintage,
    })
    return validate_frame(new_frame(frame.reset_index(drop=True)), where=where)


def read_rough_sleeping_by_sex(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """The long (tidy) table of rough sleeping by sex and year (``female-2017``, ``total-2022``...)."""
    path = Path(path)
    raw = read_csv_text(path)
    for needed in ("Local authority ONS code", "Local authority", "Period", "Numerical"):
        if needed not in raw.columns:
            raise InputError(f"{path}: missing column '{needed}' (found {', '.join(raw.columns)})")
    parts = raw["Period"].str.extract(r"^(?P<sex>[a-z-]+)-(?P<year>\d{4})$")
    if parts["year"].isna().any():
        row = int(parts["year"].isna().idxmax()) + 2
        raise InputError(f"{path} row {row} column 'Period': expected e.g. 'female-2022', got {raw.loc[row - 2, 'Period']!r}")
    sex = parts["sex"].map({"female": "Female", "male": "Male", "total": "Persons"}).fillna("Not known")
    codes = raw["Local authority ONS code"].str.strip()
    keep = codes.map(area_type_for_code).notna()
    counts, markers = to_number(raw["Numerical"], where=str(path), column="Numerical",
                                rows=raw.index + 2)
    frame = pd.DataFrame({
        "indicator_id": "mhclg-rough-sleeping", "indicator_name": "People sleeping rough (autumn snapshot)",
        "source": "MHCLG rough sleeping snapshot", "area_code": codes, "area_name": raw["Local authority"].str.strip(),
        "area_type": codes.map(area_type_for_code), "period": parts["year"],
        "period_start": parts["year"].map(lambda y: parse_period(y)[0]),
        "period_end": parts["year"].map(lambda y: parse_period(y)[1]),
        "sex": sex, "value": counts, "count": counts, "value_type": "count", "multiplier": 1.0,
        "unit": "people", "polarity": "low_is_good", "comparator_method": "none", "ci_method": "none",
        "value_note": np.where(markers.ne(""), "Not available: " + markers, ""),
        "source_url": source_url or path.name, "retrieved_at": retrieved_at or datetime.now(timezone.utc),
        "vintage": vintage,
    })[keep]
    frame = frame.drop_duplicates(["area_code", "period", "sex"])
    return validate_frame(new_frame(frame.reset_index(drop=True)), where=str(path))
