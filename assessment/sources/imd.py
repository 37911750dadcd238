"""English Indices of Deprivation (IMD 2019 and 2025): local authority summaries.

Reads MHCLG's summary workbooks (File 11, upper-tier authorities, and File
10, districts: sheet ``IMD``, the layout of the official IoD2019 File 11 in
../shared/data) and the tidy LAD summaries Trafford Data Lab republishes for
IoD2019 and IoD2025 (one row per area and domain). Each area gets its average
score (higher is more deprived), the rank of that score, and the proportion
of its neighbourhoods in England's most deprived 10%. A rank is among the
areas of its file (317 districts in 2019, 296 in 2025, 151 upper-tier
authorities in File 11): the row's value note says which.

>>> iod_year(["IMD 2019 - Extent ", "Upper Tier Local Authority District code (2019)"])
'2019'
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..core.errors import InputError
from ..inputs.sheet_cells import csv_header, find_column, read_csv_text, to_number
from ..inputs.recognition import Recognised
from .records import build_frame, catalogue_entry
from ..inputs.workbook import sheet_heads, sheet_names, sheet_rows, workbook_format

SOURCE = "MHCLG English Indices of Deprivation"
IMD_DOMAIN = "Index of Multiple Deprivation"
#: The summary measures read (their column in the tidy CSV); each is indicator ``imd<year>-<measure>``.
MEASURES = ("average_score", "rank_average_score", "proportion_bottom_decile")
RANK = "rank_average_score"


CODE_COLUMNS, NAME_COLUMNS, YEAR_COLUMNS = ("area_code", "lad19cd", "lad24cd"), ("area_name", "lad19nm", "lad24nm"), \
    ("deprivation_data_year", "year")
_TIER = re.compile(r"(upper tier )?local authority district code \((\d{4})\)", re.IGNORECASE)


def iod_year(texts) -> str | None:
    """The IoD edition named in header or title texts ("IMD 2019 - Extent", "IoD2025")."""
    for text in texts:
        if m := re.search(r"\b(?:IMD|IoD|Indices of Deprivation)\s?(20\d\d)\b", str(text), re.IGNORECASE):
            return m[1]
    return None


def recognise(path: Path) -> Recognised | None:
    """A tidy LAD summary CSV (``index_domain`` rows) or MHCLG's File 10/11 summary workbook."""
    header = csv_header(path)
    if header is None:
        return recognise_workbook(path)
    columns = set(header[0])
    if not ({"index_domain", *MEASURES} <= columns and columns & set(CODE_COLUMNS) and columns & set(YEAR_COLUMNS)):
        return None
    raw = read_csv_text(Path(path))
    year_col = next(c for c in YEAR_COLUMNS if c in raw.columns)
    years = sorted(raw[year_col].dropna().str.strip().unique())
    if len(years) != 1:
        return None
    return Recognised("publisher", f"imd_{years[0]}_lad", release=f"IoD{years[0]} local authority district summaries",
                      period=years[0], rows=int((raw["index_domain"].str.strip() == IMD_DOMAIN).sum()))


def recognise_workbook(path: Path) -> Recognised | None:
    """MHCLG's summary workbook: sheet IMD headed '(Upper Tier) Local Authority District code (YYYY)'."""
    if workbook_format(Path(path)) is None or "IMD" not in sheet_names(path):
        return None
    heads = sheet_heads(path)
    header = [str(c) for c in (heads.get("IMD") or [()])[0] if c is not None]
    tier = next((m for m in map(_TIER.search, header) if m), None)
    if tier is None:
        return None
    year = iod_year(header) or tier[2]
    upper = bool(tier[1])
    return Recognised("publisher", f"imd_{year}_upper_tier" if upper else f"imd_{year}_lad",
                      release=f"IoD{year} File {11 if upper else 10}", period=year)


def _frame(codes, names, year: str, values: dict, *, source_url, retrieved_at, vintage, path,
           ranked_among: str = "") -> pd.DataFrame:
    parts = []
    for key in MEASURES:
        indicator_id = f"imd{year}-{key.replace('_', '-')}"
        # The files give the share of neighbourhoods as a fraction: the catalogue's multiplier makes it a %.
        share = key == "proportion_bottom_decile"
        scale = float(catalogue_entry(indicator_id, where=str(path)).multiplier) if share else 1.0
        note = f"Rank among {ranked_among} (1 = most deprived)" if key == RANK and ranked_among else ""
        parts.append(pd.DataFrame({"indicator_id": indicator_id, "area_code": codes, "area_name": names,
                                   "period": year, "value": values[key] * scale, "value_note": note}))
    return build_frame(pd.concat(parts, ignore_index=True), source=SOURCE, path=path, source_url=source_url,
                       retrieved_at=retrieved_at, vintage=vintage or f"IoD{year}", other_areas="drop")


def read(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """A tidy IoD LAD summary CSV (IoD2019 ``lad19cd`` layout or IoD2025 ``area_code`` layout), or a workbook."""
    path = Path(path)
    if workbook_format(path):
        return read_upper_tier_workbook(path, source_url=source_url, retrieved_at=retrieved_at, vintage=vintage)
    raw = read_csv_text(path)
    code_col = next((c for c in CODE_COLUMNS if c in raw.columns), None)
    name_col = next((c for c in NAME_COLUMNS if c in raw.columns), None)
    year_col = next((c for c in YEAR_COLUMNS if c in raw.columns), None)
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
    codes = imd[code_col].str.strip()
    return _frame(codes, imd[name_col].str.strip(), years[0], values, source_url=source_url,
                  retrieved_at=retrieved_at, vintage=vintage or f"IoD{years[0]} local authority district summaries",
                  path=path, ranked_among=f"the {codes.nunique()} local authority districts of IoD{years[0]}")


def read_upper_tier_workbook(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """MHCLG's IoD summary workbook, sheet IMD: File 11 (upper-tier authorities) or File 10 (districts)."""
    path = Path(path)
    rows = sheet_rows(path, "IMD")
    where = f"{path}:IMD"
    if not rows:
        raise InputError(f"{where}: empty sheet")
    header = [" ".join(str(c or "").split()) for c in rows[0]]
    tier = next((m for m in map(_TIER.search, header) if m), None)
    if tier is None:
        raise InputError(f"{where}: unknown layout: expected a first column headed 'Upper Tier Local Authority "
                         f"District code (YYYY)' or 'Local Authority District code (YYYY)' (found {', '.join(h for h in header[:4] if h)})")
    year = iod_year(header) or tier[2]
    columns = {
        "code": find_column(header, r"code", where),
        "name": find_column(header, r"name", where),
        "average_score": find_column(header, r"IMD - Average score", where),
        "rank_average_score": find_column(header, r"IMD - Rank of average score", where),
        "proportion_bottom_decile": find_column(header, r"IMD - Proportion of LSOAs in most deprived 10%", where),
    }
    body = pd.DataFrame(rows[1:])
    body.index = pd.RangeIndex(2, len(body) + 2)
    body = body[body[columns["code"]].notna()]
    values = {key: to_number(body[columns[key]], where=where, column=header[columns[key]])[0]
              for key in MEASURES}
    label = "upper-tier local authorities" if tier[1] else "local authority districts"
    codes = body[columns["code"]].astype(str).str.strip()
    return _frame(codes, body[columns["name"]].astype(str).str.strip(), year, values, source_url=source_url,
                  retrieved_at=retrieved_at, vintage=vintage or f"IoD{year} File {11 if tier[1] else 10}", path=path,
                  ranked_among=f"the {codes.nunique()} {label} of IoD{year}")
