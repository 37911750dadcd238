"""Parse publishers' period labels into start and end dates.

>>> parse_period("2019 - 21")
(Timestamp('2019-01-01 00:00:00'), Timestamp('2021-12-31 00:00:00'))
>>> parse_period("2020/21")
(Timestamp('2020-04-01 00:00:00'), Timestamp('2021-03-31 00:00:00'))
>>> parse_period("2021/22 Q3")
(Timestamp('2021-10-01 00:00:00'), Timestamp('2021-12-31 00:00:00'))
>>> parse_period("2018/19 - 20/21")
(Timestamp('2018-04-01 00:00:00'), Timestamp('2021-03-31 00:00:00'))
>>> parse_period("2023-Q2")
(Timestamp('2023-04-01 00:00:00'), Timestamp('2023-06-30 00:00:00'))

ONS writes ranges with "to" ("2017 to 2021", "2018/19 to 2020/21"); they read as the ranges above:

>>> parse_period("2017 to 2021")
(Timestamp('2017-01-01 00:00:00'), Timestamp('2021-12-31 00:00:00'))
>>> parse_period("2018/19 to 2020/21")
(Timestamp('2018-04-01 00:00:00'), Timestamp('2021-03-31 00:00:00'))
>>> parse_period("sometime")
(NaT, NaT)

A label that has a period's shape but is not one is no period either, and
:func:`period_dates` says why:

>>> parse_period("2023/99")
(NaT, NaT)
>>> for label in ["0000", "2300", "2023/99", "2023 - 1999", "sometime"]:
...     try:
...         period_dates(label)
...     except PeriodError as exc:
...         print(label, "->", exc)
0000 -> year 0 is outside the years 1900 to 2100 that this tool reads
2300 -> year 2300 is outside the years 1900 to 2100 that this tool reads
2023/99 -> not a financial year: the year after 2023 is written 2023/24
2023 - 1999 -> it ends (1999) before it starts (2023)
sometime -> not understood
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from pandas.api.typing import NaTType

_NAT = (pd.NaT, pd.NaT)
#: Between the first and last year of a range: a hyphen or dash ("2019 - 21"), or "to" as ONS writes it.
_TO = r"(?: ?- ?| to )"
#: Years a period may fall in: wide for any public health series, narrow enough that every date is
#: one pandas can hold (its nanosecond timestamps end in 1677 and 2262) and a typo is caught.
FIRST_YEAR, LAST_YEAR = 1900, 2100
NOT_UNDERSTOOD = "not understood"


class PeriodError(ValueError):
    """Why a label is not a period (one line, for the problem list)."""


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"year {year} is outside the years {FIRST_YEAR} to {LAST_YEAR} that this tool reads")
    return year


def _century(short: str, base: int) -> int:
    """The year a two-digit end year means after ``base``: ``1999 - 01`` ends in 2001, ``2020 - 19`` in 2019."""
    year = int(short)
    if year >= 100:
        return year
    same = base - base % 100 + year
    # The next century only across its turn; a 99-year range is a typo, reported as ending before it starts.
    return same + 100 if same < base and same + 100 - base <= 50 else same


def _financial_year(first: str, second: str) -> int:
    """The first calendar year of a financial (or academic) year written ``2023/24``; the two must follow."""
    year = _year(int(first))
    if int(second) != (year + 1) % 100:
        raise PeriodError(f"not a financial year: the year after {year} is written {year}/{(year + 1) % 100:02d}")
    return year


def _ordered(start: int, end: int) -> int:
    _year(end)
    if end < start:
        raise PeriodError(f"it ends ({end}) before it starts ({start})")
    return end


def _financial(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(year, 4, 1), pd.Timestamp(year + 1, 3, 31)


def period_bounds(labels: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Start and end dates for a column of labels (each distinct label parsed, and made a date, once).

    A national export has a million labels of a dozen periods: mapping them to dates made a
    million Timestamp objects, each converted back.
    """
    codes, distinct = pd.factorize(labels)  # a missing label is -1: the last (missing) date below
    parsed = [parse_period(label) for label in distinct]

    def dates(side: int) -> pd.Series:
        made = pd.to_datetime(pd.Series([bounds[side] for bounds in parsed] + [np.nan], dtype=object))
        return pd.Series(made.to_numpy()[codes], index=labels.index, name=labels.name)

    return dates(0), dates(1)


def parse_period(label: str) -> tuple[pd.Timestamp | NaTType, pd.Timestamp | NaTType]:
    """Start and end of a period label: calendar and financial years, ranges of them, quarters (NaT when not one)."""
    try:
        return period_dates(label)
    except PeriodError:
        return _NAT


def period_dates(label: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start and end of a period label, or :class:`PeriodError` saying why it is not a period
    (:data:`NOT_UNDERSTOOD` when it has no period's shape)."""
    text = " ".join(str(label).replace("–", "-").split())
    if m := re.fullmatch(r"(\d{4})", text):
        y = _year(int(m[1]))
        return pd.Timestamp(y, 1, 1), pd.Timestamp(y, 12, 31)
    if m := re.fullmatch(rf"(\d{{4}}){_TO}(\d{{2,4}})", text):
        start = _year(int(m[1]))
        return pd.Timestamp(start, 1, 1), pd.Timestamp(_ordered(start, _century(m[2], start)), 12, 31)
    if m := re.fullmatch(r"(\d{4})/(\d{2})", text):
        return _financial(_financial_year(m[1], m[2]))
    if m := re.fullmatch(rf"(\d{{4}})/(\d{{2}}){_TO}(\d{{2,4}})/(\d{{2}})", text):
        start = _financial_year(m[1], m[2])
        end_start = _ordered(start, _century(m[3], start))
        _financial_year(str(end_start), m[4])
        return _financial(start)[0], _financial(end_start)[1]
    if m := re.fullmatch(r"(\d{4})/(\d{2}) ?Q([1-4])", text):
        # Financial-year quarters: Q1 is April to June.
        first_day = pd.Timestamp(_financial_year(m[1], m[2]), 4, 1) + pd.DateOffset(months=3 * (int(m[3]) - 1))
        return first_day, first_day + pd.DateOffset(months=3) - pd.Timedelta(days=1)
    if m := re.fullmatch(r"(\d{4}) ?-? ?Q([1-4])", text):
        first_day = pd.Timestamp(_year(int(m[1])), 3 * (int(m[2]) - 1) + 1, 1)
        return first_day, first_day + pd.DateOffset(months=3) - pd.Timedelta(days=1)
    raise PeriodError(NOT_UNDERSTOOD)
