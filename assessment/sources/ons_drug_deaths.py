"""ONS deaths related to drug poisoning: by local authority (wide by year), by region and substance, national.

Data are keyed to the districts of their release (pre-2023 districts for the
2020 registrations); the geography crosswalk maps them onto the chosen vintage.
ONS publishes local figures as 3-year registration periods, so
:func:`three_year_totals` pools single years into ``2018-20``-style periods.

Two layouts are read: the CSV extract by local authority and single
registration year (``code, name, 2020, 2019, ...``; the layout of the copy in
../shared/data) and ONS's own workbook (:mod:`.ons_drug_deaths_workbook`,
whose layout no real copy has confirmed: it is marked unverified in
``data_sources/publishers.yaml``). :func:`recognise` tells them apart by content.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "la.csv"
>>> _ = path.write_text("code,name,2020,2019\\nE92000001,ENGLAND,4312,4115\\nE08000035,Leeds ,60,:\\n", encoding="cp1252")
>>> frame = read(path)
>>> frame[["area_code", "area_name", "period", "count"]].values.tolist()[:2]
[['E08000035', 'Leeds', '2020', 60.0], ['E08000035', 'Leeds', '2019', nan]]
>>> bool(frame.loc[frame["area_code"].eq("E08000035") & frame["period"].eq("2019"), "suppressed"].iloc[0])
False
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import pandas as pd

from ..core.errors import InputError
from ..tidy.frame import new_frame
from ..stats import add_intervals
from ..inputs.sheet_cells import check_not_html, csv_header, to_number
from ._drug_deaths import death_frame, death_records
from .ons_drug_deaths_workbook import read as read_workbook
from .ons_drug_deaths_workbook import recognise as recognise_workbook
from ..inputs.periods import parse_period
from ..inputs.recognition import Recognised
from ..inputs.workbook import workbook_format

INDICATOR = "ons-drug-poisoning-deaths"
#: Substance group (its number in ONS's table) -> indicator id.
SUBSTANCE_IDS = {"01": "ons-drug-poisoning-deaths", "02": "ons-opiate-poisoning-deaths"}


def _read_csv(path: Path) -> pd.DataFrame:
    check_not_html(path)
    for encoding in ("utf-8-sig", "cp1252"):  # ONS extracts come in both
        try:
            return pd.read_csv(path, dtype=str, encoding=encoding)
        except UnicodeDecodeError:
            continue
        except pd.errors.ParserError as exc:
            raise InputError(f"{path}: not a readable CSV ({' '.join(str(exc).split())})") from None
    raise InputError(f"{path}: unknown text encoding")


#: A registration-year column: ``2020``, or marked provisional or revised as ONS marks them
#: (``2020 (p)``, ``2020 [p]``, ``2020p``, ``2020 (provisional)``, ``2020 (r)``).
_YEAR_COLUMN = re.compile(r"(\d{4})\s*(?:[(\[]\s*(p|provisional|r|revised)\s*[)\]]|(p))?", re.IGNORECASE)
_YEAR_LIKE = re.compile(r"\d{4}(?!\d)")
SUBSTANCE_COLUMNS = ["Year of death registration", "Usual residence code", "Usual residence name", "Substance",
                     "Deaths"]


def year_columns(columns, path: Path) -> dict[str, str]:
    """Column label -> registration year, for every column headed by a year (``2020``, ``2020 (p)``).

    A column that starts with a year but carries a mark not known here, or a
    year given twice, is an error naming the file and column: such a year is
    never dropped without a word.

    >>> year_columns(["code", "name", "2020 (p)", "2019"], Path("la.csv"))
    {'2020 (p)': '2020', '2019': '2019'}
    """
    years: dict[str, str] = {}
    for column in columns:
        label = " ".join(str(column).split())
        if not _YEAR_LIKE.match(label):
            continue
        match = _YEAR_COLUMN.fullmatch(label)
        if not match:
            raise InputError(f"{path} column '{label}': a year column with a mark that is not read "
                             "(expected a year such as 2020, or 2020 (p) for a provisional year)")
        if match[1] in years.values():
            raise InputError(f"{path} column '{label}': the year {match[1]} is given in two columns")
        years[column] = match[1]
    return years


def provisional(column: str) -> bool:
    """Whether a year column is marked provisional (``2020 (p)``)."""
    match = _YEAR_COLUMN.fullmatch(" ".join(str(column).split()))
    return match is not None and ((match[2] or match[3] or "").lower() in ("p", "provisional"))


def recognise(path: Path) -> Recognised | None:
    """The local authority table: the CSV extract (``code, name`` and year columns) or ONS's workbook."""
    header = csv_header(path)
    if header is None:
        return recognise_workbook(path)
    columns = header[0]
    if columns[:2] != ["code", "name"] or not any(_YEAR_LIKE.match(c) for c in columns):
        return None
    years = sorted(year_columns(columns, Path(path)).values())
    raw = _read_csv(Path(path))
    if not raw["code"].astype(str).str.strip().str.match(r"^[EWK]\d{8}$").any():
        return None
    return Recognised("publisher", "ons_drug_deaths_la", release=f"{years[-1]} registrations", period=years[-1],
                      rows=len(raw))


def recognise_by_substance(path: Path) -> Recognised | None:
    """The regional table by registration year and substance group."""
    header = csv_header(path)
    if header is None or not set(SUBSTANCE_COLUMNS) <= set(header[0]):
        return None
    raw = _read_csv(Path(path))
    years = sorted(raw["Year of death registration"].dropna().str.strip().unique())
    if not years:
        return None
    return Recognised("publisher", "ons_drug_deaths_substance", release=f"{years[-1]} registrations",
                      period=years[-1], rows=len(raw))


def read(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """The local authority table (``code, name, 2020, 2019, ...``), one row per area and year.

    ONS's workbook (a spreadsheet rather than the CSV extract) is read by
    :func:`assessment.sources.ons_drug_deaths_workbook.read`.
    """
    path = Path(path)
    if workbook_format(path):
        return read_workbook(path, source_url=source_url, retrieved_at=retrieved_at, vintage=vintage)
    raw = _read_csv(path)
    for needed in ("code", "name"):
        if needed not in raw.columns:
            raise InputError(f"{path}: missing column '{needed}' (found {', '.join(raw.columns[:8])})")
    year_of = year_columns(raw.columns, path)
    years = list(year_of)
    if not years:
        raise InputError(f"{path}: no year columns (expected headers like 2020, 2019)")
    # Check each year column as published, so an error names the column the user sees.
    checked = {year: to_number(raw[year], where=str(path), column=year, rows=raw.index + 2) for year in years}
    counts = pd.concat([checked[y][0] for y in years], ignore_index=True)
    markers = pd.concat([checked[y][1] for y in years], ignore_index=True)
    long = raw.melt(id_vars=["code", "name"], value_vars=years, var_name="year", value_name="deaths")
    records = death_records(long["code"].str.strip(), long["name"], long["year"].map(year_of), counts, markers,
                            indicator_id=INDICATOR)
    marked = long["year"].map(provisional)
    records.loc[marked & records["value_note"].eq(""), "value_note"] = "Provisional figure (marked so by ONS)."
    records = records.sort_values(["area_code", "period"], ascending=[True, False], kind="stable")
    return death_frame(records, path=path, source_url=source_url, retrieved_at=retrieved_at, vintage=vintage)


def read_by_substance(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """The long regional table by year and substance (all drug poisonings; any opiate).

    ONS's own reference-table workbook is refused, naming what is read: no
    real copy of it could be checked (``layouts`` in publishers.yaml).
    """
    path = Path(path)
    if workbook_format(path):
        raise InputError(f"{path}: ONS's drug poisoning reference-table workbook is not read (its layout is "
                         f"unverified); expected the CSV with columns {', '.join(SUBSTANCE_COLUMNS)}")
    raw = _read_csv(path)
    missing = [c for c in SUBSTANCE_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    counts, markers = to_number(raw["Deaths"], where=str(path), column="Deaths", rows=raw.index + 2)
    parts = []
    for prefix, indicator_id in SUBSTANCE_IDS.items():
        rows = raw["Substance"].str.startswith(prefix)
        parts.append(death_records(raw.loc[rows, "Usual residence code"].str.strip(),
                                   raw.loc[rows, "Usual residence name"],
                                   raw.loc[rows, "Year of death registration"].str.strip(), counts[rows],
                                   markers[rows], indicator_id=indicator_id))
    unknown = raw.loc[~raw["Substance"].str[:2].isin(SUBSTANCE_IDS), "Substance"].unique()
    if len(unknown):
        raise InputError(f"{path}: unknown substance group(s) {', '.join(map(repr, unknown))}")
    return death_frame(pd.concat(parts, ignore_index=True), path=path, source_url=source_url,
                       retrieved_at=retrieved_at, vintage=vintage)


def read_national(path: Path) -> pd.DataFrame:
    """England and Wales totals by registration year (national context; not an area of the report).

    Returns columns year, drug_poisoning, drug_misuse, any_opiate, heroin_morphine as numbers.
    """
    path = Path(path)
    raw = _read_csv(path)
    if "year" not in raw.columns:
        raise InputError(f"{path}: missing column 'year' (found {', '.join(raw.columns)})")
    out = pd.DataFrame({"year": pd.to_numeric(raw["year"], errors="coerce")})
    for column in raw.columns.drop("year"):
        out[column], _ = to_number(raw[column], where=str(path), column=column, rows=raw.index + 2)
    if out["year"].isna().any():
        row = cast(int, out["year"].isna().idxmax()) + 2  # raw's labels are 0, 1, ... (read_csv)
        raise InputError(f"{path} row {row} column 'year': not a year")
    return out


def three_year_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Pool single registration years into rolling 3-year periods (``2018 - 20``), as ONS publishes them.

    A period with a missing year is left out rather than under-counted; each pooled count gets its
    own interval (not the last year's).
    """
    keys = ["indicator_id", "area_code", "sex", "age", "category_type", "category"]
    rows = []
    for _, series in frame.sort_values("period").groupby(keys, sort=False):
        series = series.set_index(series["period"].astype(int))
        for end in series.index:
            window = [end - 2, end - 1, end]
            if not all(y in series.index for y in window) or series.loc[window, "count"].isna().any():
                continue
            row = series.loc[end].copy()
            row["count"] = row["value"] = float(series.loc[window, "count"].sum())
            row["period"] = f"{end - 2} - {end % 100:02d}"
            row["period_start"], row["period_end"] = parse_period(row["period"])
            rows.append(row)
    return add_intervals(new_frame(pd.DataFrame(rows).reset_index(drop=True)))
