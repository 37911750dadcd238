"""The Home Office arrests tables on the real staged file: hand-checked figures
(../shared/data/justice/PROVENANCE.md); each justice file is recognised by its own recogniser only."""

from __future__ import annotations

import math

import pytest

from assessment.sources.justice import eff_conviction_ratio, eff_stop_search, home_office_arrests, ons_pfa_crime

from tests.support.justice_sources_shared import CONVICTIONS, PFA_DEC19, PFA_MAR19, STOP_AREA, STOP_NATIONAL, one


ARRESTS = "justice/arrest-police-powers-procedures-mar19-hosb2519-tables.ods"


@pytest.fixture(scope="module")
def arrests(shared_data, forces):
    return home_office_arrests.read(shared_data / ARRESTS, forces=forces)


@pytest.mark.shared
def test_arrests_totals_and_west_midlands(arrests):
    counts = arrests[(arrests["indicator_id"] == "ho-arrests") & (arrests["category_type"] == "")
                     & (arrests["sex"] == "Persons") & (arrests["age"] == "All ages")
                     & (arrests["period"] == "2018/19")]
    by_code = counts.set_index("area_code")["count"]
    assert by_code["K04000001"] == 671126 and by_code["E92000001"] == 626061
    assert by_code["E23000001"] == 112779 and by_code["E23000014"] == 36627
    rate = one(arrests, indicator_id="ho-arrests-rate", area_code="E23000014")
    assert round(rate["value"], 2) == 12.56 and rate["count"] == 36627
    assert rate["lower_ci_95"] < rate["value"] < rate["upper_ci_95"]
    assert one(arrests, indicator_id="ho-arrests-rate", area_code="K04000001")["area_type"] == "england_wales"
    # 39 English and 4 Welsh forces, each named in the file without a code
    forces_loaded = set(counts.loc[counts["area_type"] == "pfa", "area_code"])
    assert len(forces_loaded) == 43 and sum(code.startswith("W15") for code in forces_loaded) == 4


@pytest.mark.shared
def test_arrests_withheld_forces_are_not_available_with_the_footnote(arrests):
    lancashire = arrests[arrests["area_code"] == "E23000003"]
    assert lancashire["value"].isna().all() and lancashire["count"].isna().all()
    assert lancashire["value_note"].str.startswith(
        "Not available: All tables exclude Lancashire, who were unable to provide complete arrests data").all()
    city = one(arrests, indicator_id="ho-arrests-rate", area_code="E23000034")
    assert math.isnan(city["value"]) and city["count"] == 1519
    assert "small resident population" in city["value_note"]
    # the national comparator says it leaves Lancashire out
    assert "exclude Lancashire" in one(arrests, indicator_id="ho-arrests-rate", area_code="K04000001")["value_note"]


@pytest.mark.shared
def test_arrests_sex_age_offence_and_ethnicity_profiles(arrests):
    west_midlands = arrests[(arrests["area_code"] == "E23000014") & (arrests["period"] == "2018/19")]
    share = west_midlands[west_midlands["indicator_id"] == "ho-arrests-share"]
    female = one(share, sex="Female", age="All ages", category_type="")
    assert female["count"] == 5168 and female["denominator"] == 36627
    assert female["value"] == pytest.approx(5168 / 36627 * 100)
    youth = one(share, sex="Persons", age="10-17 yrs")
    assert youth["count"] == 3220
    violence = one(arrests, indicator_id="ho-arrests", area_code="K04000001", category="Violence against the person")
    assert violence["count"] == 261914
    public_order = one(arrests, indicator_id="ho-arrests", area_code="K04000001", category="Public order offences")
    assert public_order["count"] == 50534  # "Public order offences2": footnote digit stripped
    white = one(arrests, indicator_id="ho-arrests", area_code="K04000001", period="2018/19", category="White")
    assert white["count"] == 452320


@pytest.mark.shared
def test_each_file_is_recognised_by_its_own_recogniser_only(shared_data):
    recognisers = {
        "ho_arrests": home_office_arrests.recognise, "ons_pfa_crime": ons_pfa_crime.recognise,
        "ons_pfa_asb": ons_pfa_crime.recognise_asb, "eff_conviction_ratio": eff_conviction_ratio.recognise,
        "eff_stop_search_by_area": eff_stop_search.recognise_by_area,
        "eff_stop_search_national": eff_stop_search.recognise_national,
    }
    expected = {ARRESTS: {"ho_arrests": ("year ending March 2019", "2018/19")},
                PFA_DEC19: {"ons_pfa_crime": ("year ending December 2019", "2019")},
                PFA_MAR19: {"ons_pfa_crime": ("year ending March 2019", "2018/19"),
                            "ons_pfa_asb": ("year ending March 2019", "2018/19")},
                CONVICTIONS: {"eff_conviction_ratio": ("2009 to 2017", "2017")},
                STOP_AREA: {"eff_stop_search_by_area": ("year ending March 2024", "2023/24")},
                STOP_NATIONAL: {"eff_stop_search_national": ("year ending March 2024", "2023/24")},
                "lookups_population/lookup_ltla24_csp24_pfa24.csv": {}}
    for name, answers in expected.items():
        found = {key: recognise(shared_data / name) for key, recognise in recognisers.items()}
        got = {key: (r.release, r.period) for key, r in found.items() if r is not None}
        assert got == answers, name
        assert all(r.key == key for key, r in found.items() if r is not None)
