"""The tidy frame is the one contract between stages: a broken frame is rejected."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment.errors import SchemaError
from assessment.frame import COLUMNS, concat_frames, empty_frame, new_frame, validate_frame


def _row(**overrides):
    row = {
        "indicator_id": "90244",
        "indicator_name": "Successful completion of drug treatment: opiate users",
        "source": "OHID Fingertips",
        "area_code": "E08000035",
        "area_name": "Leeds",
        "area_type": "lad",
        "period": "2022",
        "period_start": "2022-01-01",
        "period_end": "2022-12-31",
        "value": 5.0,
        "lower_ci_95": 4.0,
        "upper_ci_95": 6.2,
        "lower_ci_998": 3.5,
        "upper_ci_998": 6.9,
        "count": 50,
        "denominator": 1000,
        "value_type": "proportion",
        "multiplier": 100,
        "unit": "%",
        "polarity": "high_is_good",
        "comparator_method": "ci_overlap_95_998",
        "ci_method": "wilson",
        "retrieved_at": "2026-11-22T10:00:00Z",
    }
    row.update(overrides)
    return row


def test_valid_frame_passes_and_fills_defaults():
    frame = validate_frame(new_frame([_row(), _row(area_code="E08000036", area_name="Wakefield")]))
    assert list(frame.columns) == COLUMNS
    assert frame["sex"].tolist() == ["Persons", "Persons"]
    assert frame["category_type"].eq("").all()
    assert frame["period_start"].dtype == "datetime64[ns]"


def test_empty_frame_is_valid_and_concat_keeps_types():
    assert validate_frame(empty_frame()).empty
    both = concat_frames([empty_frame(), new_frame([_row()])])
    assert validate_frame(both).shape[0] == 1


@pytest.mark.parametrize(
    ("override", "column"),
    [
        ({"area_code": "LEEDS"}, "area_code"),
        ({"area_type": "county"}, "area_type"),
        ({"count": -1}, "count"),
        ({"value_type": "percentage"}, "value_type"),
        ({"polarity": "RAG - Low is good"}, "polarity"),
        ({"multiplier": 0}, "multiplier"),
    ],
)
def test_broken_column_is_named_with_its_row(override, column):
    frame = new_frame([_row(), _row(area_code="E08000036", **{k: v for k, v in override.items() if k != "area_code"})
                       if "area_code" not in override else _row(**override)])
    with pytest.raises(SchemaError) as err:
        validate_frame(frame)
    message = str(err.value)
    assert f"'{column}'" in message
    assert "rows 1" in message
    assert "\n" not in message


def test_value_outside_its_interval_is_rejected():
    frame = new_frame([_row(value=9.0)])
    with pytest.raises(SchemaError, match=r"rows 0 fail lower_ci_95 <= value <= upper_ci_95"):
        validate_frame(frame)


def test_duplicate_keys_are_rejected():
    frame = new_frame([_row(), _row()])
    with pytest.raises(SchemaError, match="rows 0, 1"):
        validate_frame(frame)


def test_suppressed_row_must_not_carry_numbers():
    frame = new_frame([_row(suppressed=True)])
    with pytest.raises(SchemaError, match="suppressed rows"):
        validate_frame(frame)
    hidden = _row(suppressed=True, value=np.nan, count=np.nan, lower_ci_95=np.nan, upper_ci_95=np.nan,
                  lower_ci_998=np.nan, upper_ci_998=np.nan, value_note="Suppressed: small number")
    assert validate_frame(new_frame([hidden]))["suppressed"].all()


def test_missing_column_is_named():
    frame = new_frame([_row()]).drop(columns=["value"])
    with pytest.raises(SchemaError, match="missing column\\(s\\) value"):
        validate_frame(frame)


def test_unknown_extra_column_is_rejected():
    frame = new_frame([_row()])
    frame["Valu"] = 1.0
    with pytest.raises(SchemaError, match="Valu"):
        validate_frame(frame)


def test_strings_stay_strings():
    frame = validate_frame(new_frame([_row(period=2022, indicator_id=90244)]))
    assert frame.loc[0, "period"] == "2022"
    assert frame.loc[0, "indicator_id"] == "90244"
    assert isinstance(frame, pd.DataFrame)


def test_proportion_with_count_above_denominator_is_rejected_by_indicator_area_and_period():
    frame = new_frame([_row(), _row(period="2023", count=120, denominator=100, value=120.0, lower_ci_95=np.nan,
                                    upper_ci_95=np.nan, lower_ci_998=np.nan, upper_ci_998=np.nan)])
    with pytest.raises(SchemaError) as caught:
        validate_frame(frame, where="audit.xlsx")
    message = str(caught.value)
    assert message == ("audit.xlsx: row 1 (indicator 90244, area E08000035, period 2023): "
                       "a proportion's count 120 is above its denominator 100")
    assert "\n" not in message


def test_proportion_above_100_percent_is_rejected_but_a_rate_above_its_denominator_is_not():
    over = new_frame([_row(count=np.nan, denominator=np.nan, value=100.5, upper_ci_95=101.0, upper_ci_998=102.0)])
    with pytest.raises(SchemaError, match=r"period 2022\): a proportion's value 100.5 is above 100 \(100%\)"):
        validate_frame(over)
    # Reoffences per reoffender: more events than people is ordinary for a rate.
    rate = _row(value_type="crude rate", multiplier=1, count=360, denominator=100, value=3.6, lower_ci_95=3.2,
                upper_ci_95=4.0, lower_ci_998=3.0, upper_ci_998=4.2, ci_method="byars")
    assert len(validate_frame(new_frame([rate]))) == 1
