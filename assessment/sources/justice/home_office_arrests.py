"""Home Office "Police powers and procedures: arrests" data tables (ODS), by police force area.

Reads the force tables of the arrests workbook: A_05 (persons arrested by sex,
two years, and the arrest rate per 1,000 population), A_06 (by sex and age
group), A_07 (by offence group) and A_08 (by self-defined ethnicity). Forces
are named, not coded ("Lancashire2", "London, City of4"), so names are mapped
through the ONS force lookup; a force the Home Office could not supply (``..``)
or whose rate it withholds (``*``) gets a row with no figure and the
footnote as the reason. Region subtotals, the Wales total and spacer rows
are recognised and not loaded; England and Wales (K04000001) and England
(E92000001) are loaded as comparators.

Indicators: ``ho-arrests-rate`` (per 1,000, with the count and the population
recovered from the published rate, so Byar's intervals can be given),
``ho-arrests`` (counts by sex, age group, offence group and ethnicity) and
``ho-arrests-share`` (each group's share of arrests, Wilson intervals).

>>> age_band("Under 102"), age_band("Aged 21 and over"), age_band("Total")
('<10 yrs', '21+ yrs', None)
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ...core.errors import InputError
from ...inputs.recognition import Recognised
from .areas import AreaRow, named_data_row, named_rows, total_note
from .force_names import ForceNames, split_footnotes
from ..records import build_frame, not_available, vintage_of
from ...inputs.statistical_tables import Table, Workbook, open_workbook, read_table, sheet_names, text, title_footnotes

KEY = "ho_arrests"
SOURCE = "Home Office, Police powers and procedures: arrests"
SHEETS = {
    "A_05": "persons arrested by police force area and sex",
    "A_06": "persons arrested by police force area, sex and age group",
    "A_07": "persons arrested by police force area and offence group",
    "A_08": "persons arrested by police force area and self-defined ethnicity",
}
SEXES = {"Males": "Male", "Females": "Female", "Persons": "Persons"}
AGE_BANDS = [(r"under\s*10", "<10 yrs"), (r"10\s*-\s*17", "10-17 yrs"), (r"18\s*-\s*20", "18-20 yrs"),
             (r"21\s*(and|\+)\s*over|21\+", "21+ yrs"), (r"unknown|not known", "Age not known")]
ETHNICITY = "Ethnicity (self-defined)"
OFFENCE = "Offence group"
_YEAR = re.compile(r"\d{4}/\d{2}")


def age_band(label: str) -> str | None:
    """The tidy age label of an A_06 column header (None for the total)."""
    for pattern, band in AGE_BANDS:
        if re.search(pattern, label, re.IGNORECASE):
            return band
    return None


class _Sheet:
    """One force table with its rows and the helpers every measure uses."""

    def __init__(self, book: Workbook, sheet: str, forces: ForceNames):
        self.table: Table = read_table(book, sheet, SHEETS[sheet], is_data_row=named_data_row(forces))
        self.rows: list[AreaRow] = named_rows(self.table, forces)
        self.periods = _YEAR.findall(self.table.title)
        if not self.periods:
            raise InputError(f"{self.table.where}: no financial year (e.g. 2018/19) in the title {self.table.title!r}")
        withheld = self._withheld()
        self.notes = {r.code: total_note(self.table, r, withheld, title_footnotes(self.table.title)) for r in self.rows}

    def _withheld(self) -> list[str]:
        names = []
        for row in self.rows:
            cells = [self.table.value(row.position, c) for c in range(1, len(self.table.labels))]
            if not row.is_total and all(n is None for n, _ in cells) and any(m for _, m in cells):
                names.append(row.name)
        return names

    def figure(self, row: AreaRow, column: int) -> tuple[float | None, str]:
        """(number, "") or (None, the publisher's reason it is missing)."""
        number, marker = self.table.value(row.position, column)
        if number is None and self.table.is_nil(marker):
            return 0.0, ""
        if number is None:
            return None, self.table.reason(marker, row.footnotes)
        return number, ""

    def base(self, row: AreaRow, indicator: str, period: str, **breakdown) -> dict:
        return {"indicator_id": indicator, "area_code": row.code, "area_name": row.name, "period": period,
                "value_note": self.notes[row.code], **breakdown}


def _counted(record: dict, count: float | None, why: str) -> dict:
    return not_available(record, why) if count is None else {**record, "value": count, "count": count}


def _count_and_share(sheet: _Sheet, row: AreaRow, part: int, total: int, period: str, **breakdown) -> list[dict]:
    """The count of one group and its share of the total it belongs to."""
    count, why = sheet.figure(row, part)
    whole, why_total = sheet.figure(row, total)
    share = sheet.base(row, "ho-arrests-share", period, **breakdown)
    out = [_counted(sheet.base(row, "ho-arrests", period, **breakdown), count, why)]
    if count is None or whole is None:
        out.append(not_available(share, why or why_total))
    else:
        out.append({**share, "count": count, "denominator": whole})
    return out


def _by_sex(sheet: _Sheet) -> list[dict]:
    table, records = sheet.table, []
    rate_column = table.column(r"rate per 1,?000", "the arrest rate per 1,000 population")
    rate_period = (_YEAR.findall(table.labels[rate_column]) or sheet.periods[-1:])[-1]
    columns = {(sex, period): table.column(rf"\b{word}\b.*{re.escape(period)}", f"{word} {period}",
                                           exclude=r"rate|change")
               for word, sex in SEXES.items() for period in sheet.periods}
    for row in sheet.rows:
        for period in sheet.periods:
            total = columns[("Persons", period)]
            for sex in ("Male", "Female"):
                records += _count_and_share(sheet, row, columns[(sex, period)], total, period, sex=sex)
            records.append(_counted(sheet.base(row, "ho-arrests", period), *sheet.figure(row, total)))
        count, _ = sheet.figure(row, columns[("Persons", rate_period)])
        rate, why = sheet.figure(row, rate_column)
        record = sheet.base(row, "ho-arrests-rate", rate_period)
        if rate is None or count is None or rate <= 0:
            # A withheld rate keeps its published count, never a rate of our own making.
            records.append({**not_available(record, why or "Not available: no rate published"), "count": count})
        else:
            records.append({**record, "count": count, "denominator": count / rate * 1000})
    return records


def _by_age(sheet: _Sheet) -> list[dict]:
    table, records = sheet.table, []
    period = sheet.periods[-1]
    for word, sex in SEXES.items():
        block = table.columns(rf"\b{word}\b")
        total = next((c for c in block if re.search(r"\btotal\b", table.leaves[c], re.IGNORECASE)), None)
        bands = [(c, age_band(table.leaves[c])) for c in block if c != total]
        if total is None or not bands or any(band is None for _, band in bands):
            raise InputError(f"{table.where}: the {word} columns are not age groups and a total "
                             f"(found {', '.join(table.labels[c] for c in block) or 'none'})")
        for row in sheet.rows:
            for column, band in bands:
                records += _count_and_share(sheet, row, column, total, period, sex=sex, age=band)
    return records


def _by_category(sheet: _Sheet, category_type: str, blocks: list[tuple[str, list[int], int]]) -> list[dict]:
    """Counts and shares of each category column against its block's total column."""
    records = []
    for period, columns, total in blocks:
        for row in sheet.rows:
            for column in columns:
                category, _ = split_footnotes(sheet.table.leaves[column])
                records += _count_and_share(sheet, row, column, total, period,
                                            category_type=category_type, category=category)
    return records


def _by_offence(sheet: _Sheet) -> list[dict]:
    table = sheet.table
    total = table.column(r"\btotal number of arrests", "the total number of arrests")
    columns = [c for c in range(total + 1, len(table.leaves)) if table.leaves[c]]
    if not columns:
        raise InputError(f"{table.where}: no offence group columns after '{table.labels[total]}'")
    return _by_category(sheet, OFFENCE, [(sheet.periods[-1], columns, total)])


def _by_ethnicity(sheet: _Sheet) -> list[dict]:
    table, blocks = sheet.table, []
    for period in sheet.periods:
        block = table.columns(re.escape(period))
        total = next((c for c in block if re.search(r"\btotal\b", table.leaves[c], re.IGNORECASE)), None)
        if total is None:
            raise InputError(f"{table.where}: no 'Total' column for {period}")
        blocks.append((period, [c for c in block if c != total], total))
    return _by_category(sheet, ETHNICITY, blocks)


def release_of(book: Workbook) -> tuple[str, str]:
    """(release, latest financial year) from the index or first force table's title."""
    titles = [text(book.rows(name)[0][0]) for name in book.names if book.rows(name) and book.rows(name)[0]]
    years = sorted({y for title in titles for y in _YEAR.findall(title)})
    if not years:
        raise InputError(f"{book.path}: no financial year in the sheet titles")
    latest = years[-1]
    return f"year ending March {int(latest[:4]) + 1}", latest


def read(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "",
         forces: ForceNames | None = None) -> pd.DataFrame:
    """Arrests by police force area (England and Wales): rates, counts and shares, as a tidy frame."""
    path = Path(path)
    forces = forces or ForceNames.default()
    book = open_workbook(path)
    release, _ = release_of(book)
    records = []
    records += _by_sex(_Sheet(book, "A_05", forces))
    records += _by_age(_Sheet(book, "A_06", forces))
    records += _by_offence(_Sheet(book, "A_07", forces))
    records += _by_ethnicity(_Sheet(book, "A_08", forces))
    # A_05 carries each force's total; the other tables' total columns are denominators only.
    return build_frame(records, source=SOURCE, path=path, source_url=source_url, retrieved_at=retrieved_at,
                       vintage=vintage_of(vintage, SOURCE, release), where=str(path))


def recognise(path: Path) -> Recognised | None:
    """The arrests workbook, told by its title and its force sheets; None for any other file.

    One force sheet is enough: a workbook that lost another is still the arrests workbook, and
    `jsna build` then names the missing sheet instead of `jsna import` skipping the file.
    """
    names = {re.sub(r"[\s._]+", "_", n).strip("_").upper() for n in sheet_names(path)}
    if not set(SHEETS) & names:
        return None
    try:
        book = open_workbook(path)
        title = " ".join(text(book.rows(n)[0][0]) for n in book.names[:2] if book.rows(n) and book.rows(n)[0])
        if "arrest" not in title.lower():
            return None
        release, period = release_of(book)
    except InputError:
        return None
    return Recognised(kind="publisher", key=KEY, release=release, period=period)
