"""MHCLG (formerly DLUHC) annual rough sleeping snapshot: people sleeping rough on a single autumn night.

Two indicators from the snapshot tables: the number of people (Table 1) and
the rate per 100,000 residents as MHCLG publishes it (Table 5). Table 5 also
gives the mid-year population estimates MHCLG divided by; each snapshot
uses the estimate for its own year, or the latest one published before it
(the autumn 2022 snapshot uses mid-2021), so the rate is rebuilt from the
Table 1 count over that population and matches Table 5. With count and
denominator, district figures add up to police force areas.

Areas are the districts of the release (pre-2023 districts for autumn 2022);
the crosswalk maps them to the report's geography.

>>> denominator_year(2022, [2019, 2020, 2021]), denominator_year(2020, [2019, 2020, 2021])
(2021, 2020)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from ..core.errors import InputError
from ..tidy.frame import area_type_for_code
from ..inputs.sheet_cells import find_column, read_csv_text, to_number
from ..inputs.recognition import Recognised
from .records import build_frame
from ..inputs.workbook import sheet_heads, sheet_names, sheet_rows, workbook_format

SOURCE = "MHCLG rough sleeping snapshot"
COUNT, RATE = "mhclg-rough-sleeping", "mhclg-rough-sleeping-rate"


def denominator_year(year: int, population_years: list[int]) -> int | None:
    """The population estimate a snapshot year is divided by: its own year, else the latest before it."""
    earlier = [y for y in population_years if y <= year]
    return max(earlier) if earlier else None


def _sheet(names, prefix: str) -> str | None:
    return next((s for s in names if s.lower().replace(" ", "").startswith(prefix)), None)


def recognise(path: Path) -> Recognised | None:
    """The snapshot tables: a 'Table 1' sheet of people sleeping rough by local authority."""
    if workbook_format(Path(path)) is None or _sheet(sheet_names(path), "table1") is None:
        return None
    heads = sheet_heads(path)
    table1 = _sheet(heads, "table1")
    title = " ".join(str(c) for row in heads.get(table1, []) for c in row if isinstance(c, str)) if table1 else ""
    if "sleeping rough" not in title.lower():
        return None
    contents = " ".join(str(c) for row in heads.get("Contents", []) for c in row if isinstance(c, str))
    season = re.search(r"(autumn|spring|summer|winter)\s+(\d{4})", contents, re.I) or \
        re.search(r"(autumn)\s+\d{4}\s*-\s*(\d{4})", title, re.I)
    if not season:
        return None
    return Recognised("publisher", "mhclg_rough_sleeping", release=f"Rough sleeping snapshot {season[1].lower()} "
                      f"{season[2]}", period=season[2])


def _table(rows: list[tuple], where: str) -> tuple[int, list[str], int, int, int, int]:
    """Header row and the columns of code, name and the region columns England and regions use."""
    header_at = next((i for i, r in enumerate(rows) if r and any(
        isinstance(c, str) and "ons code" in c.lower() for c in r)), None)
    if header_at is None:
        raise InputError(f"{where}: no header row with 'ONS code'")
    header = [" ".join(str(c).split()) if c is not None else "" for c in rows[header_at]]
    return (header_at, header, find_column(header, r"^local authority ons code$|^ons code$", where),
            find_column(header, r"^local authority$", where), find_column(header, r"^region ons code$", where),
            find_column(header, r"^region$", where))


def _long(rows: list[tuple], where: str, value_columns) -> pd.DataFrame:
    """One record per area and header column picked by ``value_columns(header)`` -> {index: key}."""
    header_at, header, code_col, name_col, region_code_col, region_name_col = _table(rows, where)
    columns = value_columns(header)
    if not columns:
        raise InputError(f"{where}: no year columns in the header row {header_at + 1}")
    records = []
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cells = list(row) + [None] * (len(header) - len(row))
        code, name = str(cells[code_col] or "").strip(), str(cells[name_col] or "").strip()
        # England and region totals carry "---" as the district and their code in the region columns.
        if code.strip("-") == "":
            code, name = str(cells[region_code_col] or "").strip(), str(cells[region_name_col] or "").strip()
        if area_type_for_code(code) is None and code != "E92000001":
            continue
        for column, key in columns.items():
            records.append((number, code, name, key, cells[column]))
    return pd.DataFrame(records, columns=["row", "code", "name", "key", "raw"]).set_index("row")


def _years(header: list[str]) -> dict[int, int]:
    return {i: int(float(h)) for i, h in enumerate(header) if re.fullmatch(r"\d{4}(\.0)?", h)}


def read(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """People sleeping rough by area and year (Table 1), and per 100,000 residents (Table 5's populations)."""
    path = Path(path)
    heads = sheet_heads(path)
    table1, table5 = _sheet(heads, "table1"), _sheet(heads, "table5")
    if table1 is None:
        raise InputError(f"{path}: no 'Table 1' sheet (sheets: {', '.join(heads)})")
    where = f"{path}:{table1}"
    counts = _long(sheet_rows(path, table1), where, _years)
    numbers, markers = to_number(counts["raw"], where=where, column="year")
    counts = counts.assign(count=numbers, marker=markers)
    parts = [_records(counts, COUNT)]
    if table5 is not None:
        parts.append(_rates(path, table5, counts))
    return build_frame(pd.concat(parts, ignore_index=True), source=SOURCE, path=path, source_url=source_url,
                       retrieved_at=retrieved_at, vintage=vintage, where=where)


def _rates(path: Path, sheet: str, counts: pd.DataFrame) -> pd.DataFrame:
    """The rate's records: each year's count over the population estimate MHCLG used for that year."""
    where = f"{path}:{sheet}"

    def populations(header: list[str]) -> dict[int, int]:
        return {i: int(m[1]) for i, h in enumerate(header) if (m := re.fullmatch(r"Mid- ?(\d{4}) population", h))}

    pop = _long(sheet_rows(path, sheet), where, populations)
    if pop.empty:
        raise InputError(f"{where}: no 'Mid-YYYY population' columns (expected beside the rates)")
    pop["population"] = to_number(pop["raw"], where=where, column="population")[0]
    lookup = pop.set_index(["code", "key"])["population"]
    used = {year: denominator_year(year, sorted(pop["key"].unique())) for year in counts["key"].unique()}
    rates = counts.assign(denominator=[lookup.get((c, used[y]), np.nan) for c, y in zip(counts["code"], counts["key"])])
    rates = rates[rates["denominator"].notna()]
    # Which estimate each year used is the same for every area: the catalogue definition says it.
    return _records(rates, RATE)


def _records(data: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """Records of one indicator: a count's value is the count; a rate's comes from count and denominator."""
    rate = "denominator" in data
    return pd.DataFrame({
        "indicator_id": indicator_id, "area_code": data["code"], "area_name": data["name"],
        "period": data["key"].astype(str), "value": np.nan if rate else data["count"], "count": data["count"],
        "denominator": data["denominator"] if rate else np.nan,
        "value_note": np.where(data["marker"].ne(""), "Not available: " + data["marker"], ""),
    }).reset_index(drop=True)


def read_by_sex(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """The long (tidy) table of rough sleeping by sex and year (``female-2017``, ``total-2022``...).

    A third party's reshape of Table 2a, not a layout MHCLG publishes: it is
    not recognised by ``jsna import``.
    """
    path = Path(path)
    raw = read_csv_text(path)
    for needed in ("Local authority ONS code", "Local authority", "Period", "Numerical"):
        if needed not in raw.columns:
            raise InputError(f"{path}: missing column '{needed}' (found {', '.join(raw.columns)})")
    parts = raw["Period"].str.extract(r"^(?P<sex>[a-z-]+)-(?P<year>\d{4})$")
    if parts["year"].isna().any():
        row = cast(int, parts["year"].isna().idxmax()) + 2  # raw's labels are 0, 1, ... (read_csv)
        raise InputError(f"{path} row {row} column 'Period': expected e.g. 'female-2022', got {raw.loc[row - 2, 'Period']!r}")
    sex = parts["sex"].map({"female": "Female", "male": "Male", "total": "Persons"}).fillna("Not known")
    codes = raw["Local authority ONS code"].str.strip()
    keep = codes.map(area_type_for_code).notna()
    counts, markers = to_number(raw["Numerical"], where=str(path), column="Numerical", rows=raw.index + 2)
    data = pd.DataFrame({"code": codes, "name": raw["Local authority"].str.strip(), "key": parts["year"],
                         "count": counts, "marker": markers})
    records = _records(data, COUNT).assign(sex=sex.to_numpy())[keep.to_numpy()]
    records = records.drop_duplicates(["area_code", "period", "sex"])
    return build_frame(records, source=SOURCE, path=path, source_url=source_url, retrieved_at=retrieved_at,
                       vintage=vintage)
