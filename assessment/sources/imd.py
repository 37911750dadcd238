"""English Indices of Deprivation (IMD 2019 and 2025): local authority summaries.

Reads the tidy LAD summaries (one row per area and domain, as republished for
IoD2019 and IoD2025) and MHCLG's IoD2019 File 11 workbook of upper-tier
summaries. Each area gets its average score (higher is more deprived), the rank
of that score, and the proportion of its neighbourhoods in England's most
deprived 10%.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pandas as pd

from ..errors import InputError
from ..frame import area_type_for_code, new_frame, validate_frame
from ._tables import check_not_html, find_column, read_csv_text, to_number
from .periods import parse_period

SOURCE = "MHCLG English Indices of Deprivation"
IMD_DOMAIN = "Index of Multiple Deprivation"
MEASURES = {
    "average_score": ("score", "Average score", "score", 1.0, "quintiles"),
    "rank_average_score": ("rank", "Rank of average score (1 = most deprived)", "rank", 1.0, "none"),
    "proportion_bottom_decile": ("proportion", "Neighbourhoods in the most deprived 10% nationally",
                                 "%", 100.0, "quintiles"),
}


def _frame(codes, names, year: str, values: dict, *, source_url, retrieved_at, vintage, path) -> pd.DataFrame:
    start, end = parse_period(year)
    parts = []
    for key, (value_type, label, unit, multiplier, comparator) in MEASURES.items():
        parts.append(pd.DataFrame({
            "indicator_id": f"imd{year}-{key.replace('_', '-')}",
            "indicator_name": f"IMD {year}: {label.lower() if key != 'average_score' else label}",
            "source": SOURCE, "area_code": codes, "area_name": names, "area_type": codes.map(area_type_for_code),
            "period": year, "period_start": start, "period_end": end,
            "value": values[key] * (multiplier if value_type == "proportion" else 1.0),
            "value_type": value_type, "multiplier": multiplier, "unit": unit,
            # A higher score or share is more deprived; rank 1 is the most deprived.
            "polarity": "low_is_good" if key != "rank_average_score" else "not_applicable",
            "comparator_method": comparator, "ci_method": "none",
            "source_url": source_url or path.name, "retrieved_at": retrieved_at or datetime.now(timezone.utc),
            "vintage": vintage or f"IoD{year}",
        }))
    frame = pd.concat(parts, ignore_index=True)
    return validate_frame(new_frame(frame[frame["area_type"].notna()].reset_index(drop=True)), where=str(path))


def read(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """A tidy IoD LAD summary CSV (IoD2019 ``lad19cd`` layout or IoD2025 ``area_code`` layout)."""
    path = Path(path)
    raw = read_csv_text(path)
    code_col = next((c for c in ("area_code", "lad19cd", "lad24cd") if c in raw.columns), None)
    name_col = next((c for c in ("area_name", "lad19nm", "lad24nm") if c in raw.columns), None)
    year_col = next((c for c in ("deprivation_data_year", "year") if c in raw.columns), None)
    needed = ["index_domain", *MEASURES]
    missing = [c for c in needed if c not in raw.columns] + [n for n, c in (("area code", code_col),
                                                                           ("area name", name_col),
                                                                           ("year", year_col)) if c is None]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    imd = raw[raw["index_domain"].str.strip() == IMD_DOMAIN]
    if imd.empty:
        raise InputError(f"{path}: no rows for '{IMD_DOMAIN}' in column index_domain")
    years = imd[year_col].str.strip().unique()
    if len(years) != 1:
        raise InputError(f"{path}: expected one IoD year, found {', '.join(years)}")
    values = {key: to_number(imd[key], where=str(path), column=key, rows=imd.index + 2)[0] for key in MEASURES}
    return _frame(imd[code_col].str.strip(), imd[name_col].str.strip(), years[0], values,
                  source_url=source_url, retrieved_at=retrieved_at, vintage=vintage, path=path)


def read_upper_tier_workbook(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """MHCLG IoD2019 File 11 (upper-tier summaries), sheet IMD."""
    path = Path(path)
    check_not_html(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for non-workbooks
        raise InputError(f"{path}: not a readable Excel workbook ({type(exc).__name__})") from None
    if "IMD" not in book.sheetnames:
        raise InputError(f"{path}: no sheet 'IMD' (sheets: {', '.join(book.sheetnames)})")
    rows = list(book["IMD"].iter_rows(values_only=True))
    where = f"{path}:IMD"
    header = [" ".join(str(c or "").split()) for c in rows[0]]
    columns = {
        "code": find_column(header, r"code", where),
        "name": find_column(header, r"name", where),
        "average_score": find_column(header, r"IMD - Average score", where),
        "rank_average_score": find_column(header, r"IMD - Rank of average score", where),
        "proportion_bottom_decile": find_column(header, r"IMD - Proportion of LSOAs in most deprived 10%", where),
    }
    body = pd.DataFrame(rows[1:])
    body.index = range(2, len(body) + 2)
    body = body[body[columns["code"]].notna()]
    values = {key: to_number(body[columns[key]], where=where, column=header[columns[key]])[0]
              for key in MEASURES}
    return _frame(body[columns["code"]].astype(str).str.strip(), body[columns["name"]].astype(str).str.strip(),
                  "2019", values, source_url=source_url, retrieved_at=retrieved_at,
                  vintage=vintage or "IoD2019 File 11", path=path)
