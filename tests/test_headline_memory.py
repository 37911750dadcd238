"""What a warm kernel holds: the headline rows keep one string object per distinct text, not one per cell."""

from __future__ import annotations

import pandas as pd

from assessment.bundles.headline_rows import headline_rows


def _frame(areas: int = 50) -> pd.DataFrame:
    """Tidy rows as a bundle's parquet reads back (Arrow-backed text), two indicators, every area."""
    rows = [{"indicator_id": indicator, "sex": "Persons", "age": "All ages", "category_type": "",
             "period_end": pd.Timestamp("2024-03-31"), "denominator": 1000.0 + n, "area_code": f"E0600{n:04d}",
             "source": "Office for Health Improvement and Disparities, Fingertips", "value_note": None}
            for indicator in ("i1", "i2") for n in range(areas)]
    text = ["indicator_id", "sex", "age", "category_type", "area_code", "source", "value_note"]
    return pd.DataFrame(rows).astype(dict.fromkeys(text, "str"))


def test_headline_text_is_shared_between_rows_with_the_same_value():
    frame = _frame()
    rows = headline_rows(frame, {})
    assert len(rows) == len(frame)
    for column in ("source", "indicator_id", "sex", "area_code"):
        assert rows[column].dtype == object                          # plain strings: quick to select from
        assert rows[column].tolist() == frame[column].astype(object).tolist()
        assert len({id(value) for value in rows[column]}) == frame[column].nunique()
    assert rows["value_note"].isna().all()                           # missing stays missing
