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
>>> parse_period("sometime")
(NaT, NaT)
"""

from __future__ import annotations

import re

import pandas as pd

_NAT = (pd.NaT, pd.NaT)


def _century(short: str, base: int) -> int:
    year = int(short)
    if year >= 100:
        return year
    century = base - base % 100
    return century + year if century + year >= base else century + 100 + year


def _financial(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(year, 4, 1), pd.Timestamp(year + 1, 3, 31)


def period_bounds(labels: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Start and end dates for a column of labels (each distinct label parsed once)."""
    parsed = {label: parse_period(label) for label in labels.dropna().unique()}
    starts = labels.map({k: v[0] for k, v in parsed.items()})
    ends = labels.map({k: v[1] for k, v in parsed.items()})
    return pd.to_datetime(starts), pd.to_datetime(ends)


def parse_period(label: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start and end of a period label: calendar and financial years, ranges of them, quarters."""
    text = " ".join(str(label).replace("–", "-").split())
    if m := re.fullmatch(r"(\d{4})", text):
        y = int(m[1])
        return pd.Timestamp(y, 1, 1), pd.Timestamp(y, 12, 31)
    if m := re.fullmatch(r"(\d{4}) ?- ?(\d{2,4})", text):
        start = int(m[1])
        return pd.Timestamp(start, 1, 1), pd.Timestamp(_century(m[2], start), 12, 31)
    if m := re.fullmatch(r"(\d{4})/(\d{2})", text):
        return _financial(int(m[1]))
    if m := re.fullmatch(r"(\d{4})/(\d{2}) ?- ?(\d{2,4})/(\d{2})", text):
        start = int(m[1])
        end_start = _century(m[3], start)
        return _financial(start)[0], _financial(end_start)[1]
    if m := re.fullmatch(r"(\d{4})/(\d{2}) ?Q([1-4])", text):
        # Financial-year quarters: Q1 is April to June.
        start = pd.Timestamp(int(m[1]), 4, 1) + pd.DateOffset(months=3 * (int(m[3]) - 1))
        return start, start + pd.DateOffset(months=3) - pd.Timedelta(days=1)
    if m := re.fullmatch(r"(\d{4}) ?-? ?Q([1-4])", text):
        start = pd.Timestamp(int(m[1]), 3 * (int(m[2]) - 1) + 1, 1)
        return start, start + pd.DateOffset(months=3) - pd.Timedelta(days=1)
    return _NAT
