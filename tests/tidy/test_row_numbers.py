"""Row numbers by columns are pandas' group numbers (groupby(sort=False, dropna=False).ngroup()), found faster."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import assessment.tidy.row_numbers as numbering
from assessment.tidy.row_numbers import row_numbers


def _frame(rng, rows: int) -> pd.DataFrame:
    text = np.array(["E06000001", "E06000002", "Persons", "", None, np.nan], dtype=object)
    return pd.DataFrame({"text": rng.choice(text, rows), "more": rng.choice(text[:4], rows),
                         "number": rng.integers(0, 3, rows).astype(float),
                         "str": pd.Series(rng.choice(["a", "b"], rows)).astype("str")})


@pytest.mark.parametrize("ceiling", [2**62, 5])  # 5: what is combined is renumbered before every column
def test_the_numbers_are_groupbys_in_the_order_of_first_rows(monkeypatch, ceiling):
    monkeypatch.setattr(numbering, "_MAX_KEY", ceiling)
    rng = np.random.default_rng(11)
    for rows in (1, 7, 300):
        frame = _frame(rng, rows)
        columns = ["text", "more", "number", "str"]
        expected = frame.groupby(columns, sort=False, dropna=False).ngroup().to_numpy()
        assert row_numbers(frame, columns).tolist() == expected.tolist()


def test_missing_values_are_one_value_and_an_empty_frame_has_no_numbers():
    frame = pd.DataFrame({"code": ["x", None, np.nan, "x", ""]})
    assert row_numbers(frame, ["code"]).tolist() == [0, 1, 1, 0, 2]
    assert row_numbers(frame.iloc[0:0], ["code"]).tolist() == []


@pytest.mark.parametrize("values", [np.array(["b", "a", "b"], dtype=object),
                                    np.array(["b", None, "a", np.nan, "b"], dtype=object),
                                    pd.Series(["x", None, "x"], dtype="str"), np.array([], dtype=object)])
def test_factorize_with_missing_is_factorize_keeping_missing_values(values):
    from assessment.tidy.row_numbers import factorize_with_missing

    codes, distinct = factorize_with_missing(values)
    expected_codes, expected = pd.factorize(values, use_na_sentinel=False)
    assert codes.tolist() == expected_codes.tolist()
    assert [str(v) for v in distinct] == [str(v) for v in expected]


def test_each_distinct_tests_each_value_once_and_a_missing_one_is_false():
    from assessment.tidy.row_numbers import each_distinct

    asked = []

    def welsh(code):
        asked.append(code)
        return code.startswith("W")

    column = pd.Series(["W15000001", "E23000001", None, "W15000001", "E23000001"], index=[9, 8, 7, 6, 5])
    assert each_distinct(column, welsh).tolist() == [True, False, False, True, False]
    assert asked == ["W15000001", "E23000001"]
