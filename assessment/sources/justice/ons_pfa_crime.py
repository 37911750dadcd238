"""ONS "Crime in England and Wales: Police Force Area data tables" (xlsx), any quarterly edition.

``read`` takes recorded crime by offence group (Table P1 numbers, Table P3
rates with the mid-year population used for them) and knife or sharp
instrument offences (Table P4), and gives rates per 1,000 (per 100,000 for
knife crime) with Byar's intervals from the published counts and populations.
Where the publisher withholds a force (``..``, ``NA``: Greater Manchester in the
year ending December 2019) or a rate (``+``: City of London's small resident
population), the row has no figure and the publisher's footnote as its
reason. ``read_asb`` takes the anti-social behaviour tables of the year ending
March edition: the Crime Survey share of adults who experienced or witnessed
ASB (Table P6) and police-recorded ASB incidents per 1,000 (Table P7, names
only, 2007/08 onwards).

Rows are keyed by the ONS codes in column A (39 English and 4 Welsh forces,
England and Wales, England); each force row's name must be that code's force.
Tables are found by their titles (:data:`TITLES`), on the sheet of their usual
name (names carry trailing spaces in some editions: ``'Table P4  '``) or else on
whichever sheet has them, wherever the title sits in the sheet's first rows;
columns are found by their header words. A workbook recognised as these
tables that lacks one of them is refused naming the file and the sheet.

>>> year_ending("year ending December 2019"), year_ending("year ending March 2019")
('2019', '2018/19')
>>> year_ending("year ending June 2019")
'year ending June 2019'
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ...core.errors import InputError
from ...inputs import workbook
from ...inputs.recognition import Recognised
from .areas import coded_rows, named_data_row, named_rows, total_note
from .force_names import ForceNames
from ..records import build_frame, not_available, vintage_of
from ...inputs.statistical_tables import Table, Workbook, missing_table, open_workbook, read_table, sheet_names, sheet_title, text, title_footnotes

KEY, ASB_KEY = "ons_pfa_crime", "ons_pfa_asb"
SOURCE = "ONS, Crime in England and Wales: Police Force Area data tables"
#: Frame id -> words of its offence group's column header (the first column from the left that
#: matches: "Theft offences" comes before "Other theft offences").
OFFENCES = {
    "ons-crime-total-rate": r"total recorded crime",
    "ons-crime-violence-rate": r"violence against the person",
    "ons-crime-sexual-rate": r"sexual offences",
    "ons-crime-robbery-rate": r"\brobbery\b",
    "ons-crime-theft-rate": r"(?<!other )theft offences",
    "ons-crime-criminal-damage-rate": r"criminal damage and arson",
    "ons-crime-drugs-rate": r"drug offences",
    "ons-crime-weapons-rate": r"possession of weapons",
    "ons-crime-public-order-rate": r"public order",
}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
_YEAR_ENDING = re.compile(r"year ending (" + "|".join(MONTHS) + r")\s+(\d{4})", re.IGNORECASE)
#: Each table's usual sheet, what it holds, and the words of its title (any edition's numbering).
TITLES = {
    "P1": ("Table P1", "recorded crime by offence group, numbers",
           r"police recorded crime by offence group.*police force area.*number of offences"),
    "P3": ("Table P3", "recorded crime by offence group, rates",
           r"police recorded crime by offence group.*police force area.*rate of offences"),
    "P4": ("Table P4", "knife or sharp instrument offences",
           r"^(?!.*percentage change)(?!.*\brates\b).*knife and sharp instrument offences.*police force area"),
    "P6": ("Table P6", "Crime Survey experiences of anti-social behaviour",
           r"experiences of anti-social behaviour.*police force area"),
    "P7": ("Table P7", "anti-social behaviour incidents",
           r"^(?!.*category of incident).*anti-social behaviour incidents.*police force area"),
}
CRIME_TABLES, ASB_TABLES = ("P1", "P3", "P4"), ("P6", "P7")
#: Any of these tables' titles marks a workbook as ONS's police force area tables.
_PFA_WORKBOOK = re.compile(r"(police recorded crime|anti-social behaviour|knife and sharp instrument).*police force area"
                           r"|\bPFA tables\b", re.IGNORECASE)
_FINANCIAL = re.compile(r"Apr\w*\s*'?(\d{2})\s*to\s*Mar\w*\s*'?(\d{2})", re.IGNORECASE)


def year_ending(title: str) -> str:
    """The period label of a "year ending <month> <year>" title: 2018/19 for March, 2019 for December."""
    match = _YEAR_ENDING.search(text(title))
    if not match:
        raise InputError(f"no 'year ending <month> <year>' in the title {title!r}")
    month, year = match[1].lower(), int(match[2])
    if month == "march":
        return f"{year - 1}/{year % 100:02d}"
    if month == "december":
        return str(year)
    return f"year ending {match[1].capitalize()} {year}"


def release_name(title: str) -> str:
    """ "year ending December 2019" as the title gives it (month capitalised)."""
    match = _YEAR_ENDING.search(text(title))
    if not match:
        raise InputError(f"no 'year ending <month> <year>' in the title {title!r}")
    return f"year ending {match[1].capitalize()} {match[2]}"


def period_dates(label: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Start and end of a "year ending <month>" period (None for 2018/19 and 2019, which parse_period reads).

    >>> period_dates("year ending June 2019")
    (Timestamp('2018-07-01 00:00:00'), Timestamp('2019-06-30 00:00:00'))
    """
    match = _YEAR_ENDING.search(label)
    if not match or match[1].lower() in ("march", "december"):
        return None, None  # parse_period reads 2018/19 and 2019
    end = pd.Timestamp(int(match[2]), MONTHS.index(match[1].lower()) + 1, 1) + pd.offsets.MonthEnd(0)
    return end - pd.DateOffset(years=1) + pd.Timedelta(days=1), end


def _coded_data_row(row: tuple) -> bool:
    """A row of an ONS table that starts with an area code and has figures."""
    code = text(row[0]) if row else ""
    return bool(re.fullmatch(r"[EWK]\d{8}", code)) and any(v is not None for v in row[2:])


class _Coded:
    """An ONS table keyed by area code, with its force and total rows by code."""

    def __init__(self, book: Workbook, table: str, forces: ForceNames):
        sheet, what, title = TITLES[table]
        self.table: Table = read_table(book, sheet, what, is_data_row=_coded_data_row, title=title)
        self.rows = {row.code: row for row in coded_rows(self.table, forces)}
        self.period = year_ending(self.table.title)

    def figure(self, code: str, column: int) -> tuple[float | None, str]:
        row = self.rows[code]
        number, marker = self.table.value(row.position, column)
        return (number, "") if number is not None else (None, self.table.reason(marker, row.footnotes))

    def withheld(self, column: int) -> list[str]:
        return [r.name for code, r in self.rows.items() if not r.is_total and self.figure(code, column)[0] is None
                and self.table.value(r.position, column)[1]]

    def note(self, code: str, column: int) -> str:
        return total_note(self.table, self.rows[code], self.withheld(column), title_footnotes(self.table.title))


def _rates(counts: _Coded, rates: _Coded, indicator: str, count_column: int, rate_column: int,
           population_column: int) -> list[dict]:
    """Rate rows: count from one table, population and the publisher's rate (or its marker) from P3."""
    records = []
    for code, row in counts.rows.items():
        record = {"indicator_id": indicator, "area_code": code, "area_name": row.name, "period": counts.period,
                  "value_note": counts.note(code, count_column)}
        count, why = counts.figure(code, count_column)
        if code not in rates.rows:
            raise InputError(f"{rates.table.where}: no row for {code} ({row.name}), which {counts.table.where} has")
        population, why_population = rates.figure(code, population_column)
        published, why_rate = rates.figure(code, rate_column)
        if count is None:
            records.append(not_available(record, why))
        elif published is None or population is None:
            # The publisher withholds the rate (City of London's small population): keep only the count.
            records.append({**not_available(record, why_rate or why_population), "count": count})
        else:
            records.append({**record, "count": count, "denominator": population})
    return records


def _check_rate(counts: _Coded, rates: _Coded, count_column: int, rate_column: int, population_column: int) -> None:
    """The recomputed England and Wales rate must be the published one: the columns and rows line up."""
    count, _ = counts.figure("K04000001", count_column)
    population, _ = rates.figure("K04000001", population_column)
    published, _ = rates.figure("K04000001", rate_column)
    if count is not None and population is not None and published is not None \
            and abs(count / population * 1000 - published) > 0.05:
        raise InputError(f"{rates.table.where}: England and Wales rate {published:.2f} per 1,000 is not "
                         f"{count:,.0f} offences over a population of {population:,.0f} "
                         f"(column '{rates.table.labels[rate_column]}'): the tables do not line up")


def read(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "",
         forces: ForceNames | None = None) -> pd.DataFrame:
    """Recorded crime and knife crime rates by police force area (England and Wales)."""
    path = Path(path)
    forces = forces or ForceNames.default()
    book = open_workbook(path)
    counts, rates, knives = (_Coded(book, table, forces) for table in CRIME_TABLES)
    population = rates.table.column(r"population figures|^population", "the population denominator")
    records = []
    for indicator, words in OFFENCES.items():
        count_column = counts.table.column(words, indicator)
        rate_column = rates.table.column(words, indicator)
        if indicator == "ons-crime-total-rate":
            _check_rate(counts, rates, count_column, rate_column, population)
        records += _rates(counts, rates, indicator, count_column, rate_column, population)
    knife_column = knives.table.column(r"total of selected.*number of", "offences involving a knife")
    total_rate = rates.table.column(OFFENCES["ons-crime-total-rate"], "total recorded crime rate")
    records += _rates(knives, rates, "ons-knife-offences-rate", knife_column, total_rate, population)
    release = release_name(counts.table.title)
    return _frame(records, path, source_url, retrieved_at, vintage_of(vintage, SOURCE, release))


def _frame(records: list[dict], path: Path, source_url: str, retrieved_at, vintage: str) -> pd.DataFrame:
    for record in records:
        record["period_start"], record["period_end"] = period_dates(record["period"])
    return build_frame(records, source=SOURCE, path=path, source_url=source_url, retrieved_at=retrieved_at,
                       vintage=vintage, where=str(path))


def _csew(book: Workbook, forces: ForceNames) -> list[dict]:
    survey = _Coded(book, "P6", forces)
    share = survey.table.column(r"any anti-social behaviour.*percentage", "the share who experienced any ASB")
    different = survey.table.column(r"any anti-social behaviour.*different from england and wales",
                                    "the significance flag against England and Wales")
    base = survey.table.column(r"unweighted", "the unweighted base")
    records = []
    for code, row in survey.rows.items():
        record = {"indicator_id": "ons-csew-asb-share", "area_code": code, "area_name": row.name,
                  "period": survey.period}
        value, why = survey.figure(code, share)
        notes = [survey.note(code, share)]
        if text(survey.table.body[row.position][different]).startswith("*") and not row.is_total:
            notes.append("ONS: statistically significantly different from England and Wales (5% level).")
        sample, _ = survey.figure(code, base)
        if sample is not None:
            notes.append(f"Unweighted base: {sample:,.0f} adults.")
        note = " ".join(n for n in notes if n)
        records.append(not_available(record, why) if value is None else {**record, "value": value, "value_note": note})
    return records


def _incidents(book: Workbook, forces: ForceNames) -> list[dict]:
    sheet, what, title = TITLES["P7"]
    table = read_table(book, sheet, what, is_data_row=named_data_row(forces), title=title)
    rows = named_rows(table, forces)
    records = []
    for column, leaf in enumerate(table.leaves):
        years = _FINANCIAL.search(table.labels[column])
        if not years or not re.search(r"number of incidents", leaf, re.IGNORECASE):
            continue
        rate_column = column + 1
        if not re.search(r"per 1,?000", table.leaves[rate_column] if rate_column < len(table.leaves) else "", re.I):
            raise InputError(f"{table.where}: no 'per 1,000 population' column beside '{table.labels[column]}'")
        period = f"20{years[1]}/{years[2]}"
        withheld = [r.name for r in rows if not r.is_total and table.value(r.position, column)[0] is None]
        for row in rows:
            record = {"indicator_id": "ons-asb-incidents-rate", "area_code": row.code, "area_name": row.name,
                      "period": period, "value_note": total_note(table, row, withheld, title_footnotes(table.title))}
            count, marker = table.value(row.position, column)
            rate, rate_marker = table.value(row.position, rate_column)
            if count is None:
                records.append(not_available(record, table.reason(marker, row.footnotes)))
            elif rate is None or rate <= 0:
                records.append({**not_available(record, table.reason(rate_marker, row.footnotes)), "count": count})
            else:
                records.append({**record, "count": count, "denominator": count / rate * 1000})
    if not records:
        raise InputError(f"{table.where}: no 'Number of Incidents' columns under 'Apr .. to Mar ..' headings")
    return records


def read_asb(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "",
             forces: ForceNames | None = None) -> pd.DataFrame:
    """Anti-social behaviour: Crime Survey share (P6) and police-recorded incidents per 1,000 (P7)."""
    path = Path(path)
    forces = forces or ForceNames.default()
    book = open_workbook(path)
    records = _csew(book, forces) + _incidents(book, forces)
    sheet, what, words = TITLES["P6"]
    title = (sheet_title(book.rows(book.find_table(sheet, what, words))) or (0, ""))[1]  # found by its title
    return _frame(records, path, source_url, retrieved_at, vintage_of(vintage, SOURCE, release_name(title)))


def _titles(path: Path) -> dict[str, str] | None:
    """Sheet name -> its table title, for an ONS police force area tables workbook (else None)."""
    if not sheet_names(path):
        return None
    try:
        heads = workbook.sheet_heads(path)  # first rows only, read once for all recognisers
    except InputError:
        return None
    titles = {name: (sheet_title(rows) or (0, ""))[1] for name, rows in heads.items()}
    return titles if any(_PFA_WORKBOOK.search(t) for t in titles.values()) else None


def _tables(path: Path, titles: dict[str, str], wanted: tuple[str, ...]) -> str | None:
    """The title of the first of ``wanted`` tables; None if the workbook has none of them.

    Having some but not all is an error naming the file and the sheet of the one missing.
    """
    found = {table: next((t for t in titles.values() if re.search(TITLES[table][2], t, re.IGNORECASE)), None)
             for table in wanted}
    if not any(found.values()):
        return None
    for table, title in found.items():
        if title is None:
            raise InputError(missing_table(path, titles, TITLES[table][0], TITLES[table][1]))
        if not _YEAR_ENDING.search(title):
            raise InputError(f"{path}: no 'year ending <month> <year>' in the title of {TITLES[table][1]} "
                             f"({title[:90]!r})")
    return found[wanted[0]]


def recognise(path: Path) -> Recognised | None:
    """An ONS police force area tables workbook (recorded crime and knife crime); None for anything else.

    Every edition has the recorded crime tables: a workbook of these tables
    without them is refused naming the sheet, never filed under another entry alone.
    """
    titles = _titles(path)
    title = _tables(path, titles, CRIME_TABLES) if titles else None
    if title is None:
        if titles:
            raise InputError(missing_table(path, titles, *TITLES["P1"][:2]))
        return None
    return Recognised(kind="publisher", key=KEY, release=release_name(title), period=year_ending(title))


def recognise_asb(path: Path) -> Recognised | None:
    """The same workbook when it carries the anti-social behaviour tables (the year ending March edition)."""
    titles = _titles(path)
    title = _tables(path, titles, ASB_TABLES) if titles else None
    if title is None:
        return None
    return Recognised(kind="publisher", key=ASB_KEY, release=release_name(title), period=year_ending(title))
