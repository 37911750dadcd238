"""ONS's police force area crime tables on the real staged files: hand-checked figures."""

from __future__ import annotations

import math

import pytest

from assessment.sources.justice import ons_pfa_crime

from tests.support.justice_sources_shared import PFA_DEC19, PFA_MAR19, one


@pytest.mark.shared
def test_recorded_crime_year_ending_december_2019(shared_data, forces):
    frame = ons_pfa_crime.read(shared_data / PFA_DEC19, forces=forces)
    total = frame[frame["indicator_id"] == "ons-crime-total-rate"].set_index("area_code")
    assert set(frame["period"]) == {"2019"}
    assert total.loc["E23000003", "count"] == 148288 and total.loc["E23000003", "area_name"] == "Lancashire"
    assert total.loc["K04000001", "count"] == 5013284 and total.loc["E92000001", "count"] == 4679321
    assert total.loc["E23000014", "count"] == 259638 and total.loc["E23000001", "count"] == 910093
    assert total.loc["K04000001", "value"] == pytest.approx(89.04, abs=0.005)  # the published P3 rate
    gmp = total.loc["E23000005"]
    assert math.isnan(gmp["value"]) and math.isnan(gmp["count"])
    assert gmp["value_note"].startswith("Not available: Following the implementation of a new IT system in July 2019")
    assert "Greater Manchester" in total.loc["K04000001", "value_note"]
    city = total.loc["E23000034"]  # rate suppressed ('+'), count kept
    assert math.isnan(city["value"]) and city["count"] == 8638 and "small population" in city["value_note"]
    knives = frame[frame["indicator_id"] == "ons-knife-offences-rate"].set_index("area_code")
    assert knives.loc["K04000001", "count"] == 45627 and knives.loc["E23000001", "count"] == 15462
    assert round(knives.loc["K04000001", "value"], 1) == 81.0  # Table P6's published rate
    assert math.isnan(knives.loc["E23000005", "value"]) and "unable to supply" in knives.loc["E23000005", "value_note"]


@pytest.mark.shared
def test_recorded_crime_and_asb_year_ending_march_2019(shared_data, forces):
    frame = ons_pfa_crime.read(shared_data / PFA_MAR19, forces=forces)
    total = frame[frame["indicator_id"] == "ons-crime-total-rate"].set_index("area_code")
    assert set(frame["period"]) == {"2018/19"}
    assert total.loc["K04000001", "count"] == 5257081 and total.loc["E92000001", "count"] == 4932611
    assert total.loc["E23000005", "count"] == 333749 and total.loc["E23000003", "count"] == 165368
    met = total.loc["E23000001"]
    assert met["count"] == 858019 and met["denominator"] == 8817300 and round(met["value"], 1) == 97.3
    asb = ons_pfa_crime.read_asb(shared_data / PFA_MAR19, forces=forces)
    share = asb[asb["indicator_id"] == "ons-csew-asb-share"].set_index("area_code")
    assert round(share.loc["E92000001", "value"], 1) == 37.9 and round(share.loc["E23000003", "value"], 1) == 32.0
    assert "significantly different from England and Wales" in share.loc["E23000003", "value_note"]
    assert share.loc["E23000001", "value"] == share.loc["E23000034", "value"]  # one figure for both, said so
    assert "together" in share.loc["E23000034", "value_note"]
    incidents = asb[asb["indicator_id"] == "ons-asb-incidents-rate"]
    assert incidents["period"].nunique() == 12 and incidents["period"].max() == "2018/19"
    lancs = one(incidents, area_code="E23000003", period="2018/19")
    assert lancs["count"] == 50217
    assert "(exc. BTP)" in one(incidents, area_code="K04000001", period="2018/19")["value_note"]
