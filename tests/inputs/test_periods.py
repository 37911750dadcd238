"""Period labels as publishers write them, read into start and end dates (assessment/inputs/periods.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.inputs.periods import PeriodError, period_bounds, period_dates


@pytest.mark.parametrize(("label", "start", "end"), [
    ("2017 to 2021", "2017-01-01", "2021-12-31"),   # ONS's rolling periods, as its tables head them
    ("2019 to 21", "2019-01-01", "2021-12-31"),
    ("2018/19 to 2020/21", "2018-04-01", "2021-03-31"),
    ("2019 - 21", "2019-01-01", "2021-12-31"),     # the labels read before, unchanged
    ("2018/19 - 20/21", "2018-04-01", "2021-03-31"),
])
def test_a_range_written_with_to_reads_as_the_same_range_with_a_hyphen(label, start, end):
    assert period_dates(label) == (pd.Timestamp(start), pd.Timestamp(end))


@pytest.mark.parametrize(("label", "why"), [
    ("2021 to 2017", r"it ends \(2017\) before it starts \(2021\)"),
    ("2018/19 to 2020/22", "not a financial year: the year after 2020 is written 2020/21"),
    ("2017 to", "not understood"),
    ("2017 until 2021", "not understood"),
])
def test_a_to_range_that_is_no_period_says_why(label, why):
    with pytest.raises(PeriodError, match=why):
        period_dates(label)


def test_a_column_of_ons_labels_gets_its_dates():
    starts, ends = period_bounds(pd.Series(["2017 to 2021", "2022", "2017 to 2021"]))
    assert starts.dt.year.tolist() == [2017, 2022, 2017]
    assert ends.dt.year.tolist() == [2021, 2022, 2021]


def test_period_bounds_keep_the_rows_order_and_index_and_leave_missing_and_unknown_labels_undated():
    labels = pd.Series(["2019/20", None, "nonsense", "2019/20", "2021"], index=[4, 0, 3, 1, 2], name="period")
    starts, ends = period_bounds(labels)
    assert starts.index.tolist() == [4, 0, 3, 1, 2] and ends.name == "period"
    assert starts[4] == starts[1] == pd.Timestamp(2019, 4, 1) and ends[4] == pd.Timestamp(2020, 3, 31)
    assert ends[2] == pd.Timestamp(2021, 12, 31)
    assert pd.isna(starts[0]) and pd.isna(ends[3])
