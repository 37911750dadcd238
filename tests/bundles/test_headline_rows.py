"""Headline rows: which breakdown of an indicator is its headline figure."""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.tidy.frame import new_frame
from assessment.bundles.headline_rows import HeadlineTables, choose_breakdowns, headline_rows


def _rows(ages_and_denominators, *, sex="Persons", period="2023/24", area="E10999001"):
    end = pd.Timestamp(f"{period[:4]}-03-31") + pd.DateOffset(years=1)
    return [dict(indicator_id="i", indicator_name="Indicator", source="s", area_code=area, area_name=area,
                 area_type="utla", period=period, period_start=end - pd.DateOffset(years=1), period_end=end, sex=sex, age=age, count=denominator / 10, denominator=denominator,
                 value=10.0 * (n + 1), value_type="proportion", multiplier=100, ci_method="wilson",
                 polarity="high_is_good") for n, (age, denominator) in enumerate(ages_and_denominators)]


# ------------------------------------------------------------------ headline rows
@pytest.mark.parametrize("bands", [[("0-9 yrs", 800.0), ("All ages", 9000.0), ("10-17 yrs", 600.0)],
                                   [("All ages", 9000.0), ("10-17 yrs", 600.0), ("0-9 yrs", 800.0)]])
def test_a_sub_band_is_never_the_headline_whatever_the_row_order(bands):
    frame = new_frame(_rows(bands))
    latest = HeadlineTables.build(frame, {}).latest("E10999001")
    assert latest["age"].tolist() == ["All ages"]
    assert latest["value"].item() == 10.0 * (1 + [age for age, _ in bands].index("All ages"))


def test_without_all_ages_the_widest_band_by_denominator_is_the_headline():
    frame = new_frame(_rows([("0-9 yrs", 800.0), ("10-17 yrs", 600.0), ("18+ yrs", 7000.0)]))
    assert headline_rows(frame, {})["age"].unique().tolist() == ["18+ yrs"]


def test_the_catalogue_names_the_headline_breakdown():
    frame = new_frame(_rows([("All ages", 9000.0), ("18+ yrs", 7000.0)], sex="Male")
                      + _rows([("All ages", 9500.0), ("18+ yrs", 7600.0)], sex="Female"))
    info = {"i": {"headline_sex": "Male", "headline_age": "18+ yrs"}}
    assert choose_breakdowns(frame, info) == {"i": ("Male", "18+ yrs")}
    # Without a catalogue choice and without Persons: the larger population, never the first row.
    assert choose_breakdowns(frame, {}) == {"i": ("Female", "All ages")}
    # A catalogue choice the data do not have falls back to the rule.
    assert choose_breakdowns(frame, {"i": {"headline_age": "65+ yrs"}}) == {"i": ("Female", "All ages")}


def test_the_headline_breakdown_is_chosen_from_the_latest_period():
    frame = new_frame(_rows([("All ages", 9000.0)], period="2022/23")
                      + _rows([("0-9 yrs", 800.0), ("18+ yrs", 7000.0)], period="2023/24"))
    rows = headline_rows(frame, {})
    assert rows[["period", "age"]].values.tolist() == [["2023/24", "18+ yrs"]]
