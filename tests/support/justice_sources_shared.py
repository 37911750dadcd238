"""Helpers shared by tests/sources/justice/test_eff_conviction_ratio.py and
tests/sources/justice/test_eff_stop_search.py and tests/sources/justice/test_home_office_arrests.py and
tests/sources/justice/test_ons_pfa_crime.py."""

from __future__ import annotations

import pandas as pd


PFA_DEC19 = "justice/pfatablesdec19.xlsx"

PFA_MAR19 = "justice/policeforceareatablesyeendingmarch2019.xlsx"

CONVICTIONS = "justice/prosecutions-and-convictions.csv"

STOP_AREA = "justice/ethnicity-stop-search-by-area.csv"

STOP_NATIONAL = "justice/ethnicity-stop-search-by-ethnicity.csv"


def one(frame: pd.DataFrame, **where) -> pd.Series:
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, f"{len(rows)} rows for {where}"
    return rows.iloc[0]
