"""Fingertips' number columns read by Arrow give exactly what pandas.to_numeric gives, or are left to it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assessment.inputs.arrow_numbers import arrow_numbers


def _text(values: list) -> pd.Series:
    return pd.Series(values, index=range(10, 10 + len(values)), dtype=pd.StringDtype("pyarrow"))


def test_numbers_read_by_arrow_equal_those_of_to_numeric():
    column = _text(["12", "0.1", "-1e3", "123.456789012345678", None, "nan", "3.0000000000000004", "1e-310"])
    parsed = arrow_numbers(column)
    assert parsed is not None
    expected = pd.to_numeric(column.astype(object), errors="coerce").astype(float)
    assert parsed.index.equals(column.index)
    assert np.array_equal(parsed.to_numpy(float), expected.to_numpy(float), equal_nan=True)


def test_text_arrow_cannot_read_whole_is_left_to_to_numeric():
    assert arrow_numbers(_text(["12", "about 12"])) is None
    assert arrow_numbers(pd.Series(["12"], dtype=object)) is None
