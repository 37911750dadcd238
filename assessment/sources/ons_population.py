"""ONS mid-year population estimates into the tidy frame.

Two layouts:

- the summary table (``Code, Name, Geography, All ages`` or ``Population``),
  one year, for England and Wales or the UK: the year is read from a
  ``Mid-YYYY`` header where there is one; CSV extracts of the table state none,
  so the year comes from ``vintage`` ("mid-2023") or, failing that, the file
  name, and the import says so;
- estimates by single year of age (``name, code, year, Age 0 ... Aged 90+``),
  many years: each row's ages are added up to all ages, and the latest year's
  also to the broad age bands of :data:`AGE_BANDS` (the report's population
  profile: children, young adults, working ages, older people).

Rows outside the report geographies (countries other than England,
metropolitan counties: codes with no tidy-frame area type) are left out.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "mye.csv"
>>> _ = path.write_text("Code,Name,Geography,All ages\\nE92000001,ENGLAND,Country,57690323\\nE08000035,Leeds,Metropolitan District,822483\\n")
>>> read(path, vintage="mid-2023")[["area_code", "area_name", "value", "period"]].values.tolist()
[['E92000001', 'England', 57690323.0, '2023'], ['E08000035', 'Leeds', 822483.0, '2023']]
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..core.errors import InputError
from ..tidy.frame import new_frame
from ..inputs.sheet_cells import MISSING_MARKERS, csv_header, read_csv_text, to_number
from ..inputs.recognition import Recognised
from .records import build_frame

INDICATOR_ID = "ons-population"
SOURCE = "ONS mid-year population estimates"
VALUE_COLUMNS = ("All ages", "Population")
_MID_YEAR = re.compile(r"^mid-? ?(\d{4})$", re.IGNORECASE)
_AGE = re.compile(r"^Age(?:d)? \d+\+?$")
#: The population profile's age bands: (label as the tidy frame's ``age``, first year, last year or None).
AGE_BANDS = (("0-17 yrs", 0, 17), ("18-24 yrs", 18, 24), ("25-49 yrs", 25, 49), ("50-64 yrs", 50, 64),
             ("65+ yrs", 65, None))


def _summary_year(columns: list[str], vintage: str, path: Path) -> tuple[str | None, str]:
    """The estimate's year and where it was read from (a ``Mid-YYYY`` header, the vintage, the file name)."""
    for column in columns:
        if match := _MID_YEAR.match(column.strip()):
            return match[1], "header"
    if match := re.search(r"((?:19|20)\d{2})", vintage or ""):
        return match[1], "vintage"
    if match := re.search(r"((?:19|20)\d{2})", Path(path).stem):
        return match[1], "file name"
    return None, ""


def recognise(path: Path) -> Recognised | None:
    """The summary table (``Code, Name, Geography`` and all ages) or the single-year-of-age table."""
    header = csv_header(path)
    if header is None:
        return None
    columns = header[0]
    if columns[:3] == ["name", "code", "year"] and sum(bool(_AGE.match(c)) for c in columns) >= 80:
        raw = pd.read_csv(path, dtype=str, usecols=["year"], encoding="utf-8-sig")
        years = sorted(raw["year"].dropna().unique())
        return Recognised("publisher", "ons_population_by_age", release=f"mid-{years[0]} to mid-{years[-1]}",
                          period=years[-1], rows=len(raw))
    value = next((c for c in columns if c in VALUE_COLUMNS or _MID_YEAR.match(c)), None)
    if columns[:2] != ["Code", "Name"] or value is None:
        return None
    year, found_in = _summary_year(columns, "", path)
    if year is None:
        raise InputError(f"{path}: ONS population estimates that state no year (no 'Mid-YYYY' column, no year in "
                         "the file name); rename the file to include the year, e.g. mye-2023.csv, and import it again")
    release = f"mid-{year}" + (" (year from the file name)" if found_in == "file name" else "")
    return Recognised("publisher", "ons_population", release=release, period=year,
                      rows=len(read_csv_text(Path(path))))


def read(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """Population estimates as tidy rows (value_type count); ``vintage`` names the year (e.g. mid-2023)."""
    path = Path(path)
    raw = read_csv_text(path)
    if list(raw.columns[:3]) == ["name", "code", "year"]:
        return read_by_age(path, source_url=source_url, retrieved_at=retrieved_at, vintage=vintage)
    value_column = next((c for c in raw.columns if c in VALUE_COLUMNS or _MID_YEAR.match(c)), None)
    for needed in ("Code", "Name"):
        if needed not in raw.columns:
            raise InputError(f"{path}: missing column '{needed}' (found {', '.join(raw.columns)})")
    if value_column is None:
        raise InputError(f"{path}: missing column 'All ages' or 'Population' (found {', '.join(raw.columns)})")
    year, _ = _summary_year(list(raw.columns), vintage, path)
    if year is None:
        raise InputError(f"{path}: cannot tell the estimate's year (no 'Mid-YYYY' column, no year in the file "
                         "name); rename the file to include the year, e.g. mye-2023.csv")
    values, _ = to_number(raw[value_column], where=str(path), column=value_column, rows=raw.index + 2)
    return _frame(raw["Code"].str.strip(), raw["Name"], pd.Series(year, index=raw.index), values,
                  source_url=source_url or path.name, retrieved_at=retrieved_at, vintage=vintage or f"mid-{year}",
                  path=path)


def read_by_age(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """The single-year-of-age table (``name, code, year, Age 0 ... Aged 90+``), added up to all ages by year."""
    path = Path(path)
    raw = read_csv_text(path)
    ages = [c for c in raw.columns if _AGE.match(c)]
    if not ages or not {"name", "code", "year"} <= set(raw.columns):
        raise InputError(f"{path}: expected columns name, code, year and Age 0 ... Aged 90+ "
                         f"(found {', '.join(raw.columns[:6])} ...)")
    block = raw[ages]
    numbers = block.apply(lambda c: pd.to_numeric(c.str.replace(",", "", regex=False), errors="coerce"))
    bad = numbers.isna() & block.notna() & ~block.apply(lambda c: c.str.strip().str.lower().isin(MISSING_MARKERS))
    if bad.to_numpy().any():  # let the one number parser name the first bad cell
        column = bad.any().idxmax()
        to_number(raw[column], where=str(path), column=column, rows=raw.index + 2)
    # A row with any age not given ("-") has no all-ages total: it is left without a value, not under-counted.
    total = numbers.sum(axis=1, min_count=len(ages)).where(numbers.notna().all(axis=1))
    years = raw["year"].str.strip()
    frame = _frame(raw["code"].str.strip(), raw["name"], years, total, source_url=source_url or path.name,
                   retrieved_at=retrieved_at, vintage=vintage or f"mid-{years.min()} to mid-{years.max()}", path=path)
    frame.loc[frame["value"].isna(), "value_note"] = "Not available: some single years of age not given"
    latest = (years == years.max()).to_numpy()
    bands = [frame]
    first_year = {c: _age_of(c) for c in ages}
    for label, low, high in AGE_BANDS:
        columns = [c for c in ages if first_year[c] >= low and (high is None or first_year[c] <= high)]
        band = numbers[columns].sum(axis=1, min_count=len(columns)).where(numbers[columns].notna().all(axis=1))
        rows = _frame(raw["code"].str.strip()[latest], raw["name"][latest], years[latest], band[latest],
                      source_url=source_url or path.name, retrieved_at=retrieved_at,
                      vintage=vintage or f"mid-{years.min()} to mid-{years.max()}", path=path)
        rows["age"] = label
        rows.loc[rows["value"].isna(), "value_note"] = "Not available: some single years of age not given"
        bands.append(rows)
    return new_frame(pd.concat(bands, ignore_index=True))


def _age_of(column: str) -> int:
    """The first age a single-year column names (``Age 5`` -> 5, ``Aged 90+`` -> 90)."""
    found = re.search(r"\d+", column)
    if found is None:  # read_by_age keeps only the columns _AGE matches, which all hold a number
        raise ValueError(f"not a single-year-of-age column: {column!r}")
    return int(found[0])


def _frame(codes: pd.Series, names: pd.Series, years: pd.Series, values: pd.Series, *, source_url: str,
           retrieved_at, vintage: str, path: Path) -> pd.DataFrame:
    """England's areas, the Welsh councils and England and Wales (the estimates also cover Scotland and
    Northern Ireland): the Welsh forces' rates need their councils' populations."""
    names = names.str.strip()
    names = names.where(names != names.str.upper(), names.str.title())
    records = pd.DataFrame({"indicator_id": INDICATOR_ID, "area_code": codes, "area_name": names, "period": years,
                            "value": values, "count": values})
    kept = codes.str.startswith("E") | codes.str[:3].isin(["W06", "K04"])
    return build_frame(records[kept], source=SOURCE, path=path, source_url=source_url,
                       retrieved_at=retrieved_at, vintage=vintage, other_areas="drop")
