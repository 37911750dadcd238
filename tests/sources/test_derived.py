"""Derived rates: pooled over the same years' populations, or none with a note saying why."""

from __future__ import annotations

from assessment.tidy.frame import new_frame
from assessment.sources.catalogue import load_catalogue
from assessment.sources.derived import derive_rates

from tests.support.publisher_indicators_shared import _row


def test_rates_pool_three_years_over_the_same_years_populations():
    deaths = [_row("ons-drug-poisoning-deaths", "E06000009", str(y), n) for y, n in
              [(2018, 38.0), (2019, 42.0), (2020, 42.0), (2021, 50.0)]]
    people = [_row("ons-population", "E06000009", str(y), p) for y, p in
              [(2018, 139305.0), (2019, 139446.0), (2020, 138381.0), (2023, 142708.0)]]
    rates, notes = derive_rates(new_frame(deaths + people), load_catalogue())
    assert rates["period"].tolist() == ["2018 - 20"]  # 2019-21 would need the mid-2021 estimate: none is substituted
    row = rates.iloc[0]
    assert (row["count"], row["denominator"]) == (122, 139305 + 139446 + 138381)
    assert row["indicator_id"] == "ons-drug-poisoning-rate" and row["multiplier"] == 100000
    assert "no period uses another year's estimate" in notes[0]


def test_no_population_means_no_rate_and_a_note_saying_so():
    rates, notes = derive_rates(new_frame([_row("ons-drug-poisoning-deaths", "E06000009", "2020", 42.0)]),
                                load_catalogue())
    assert rates.empty and "not made, because the data have no ONS mid-year population estimates" in notes[0]
