"""Justice readers on the real staged files: hand-checked figures from ../shared/data/justice/PROVENANCE.md."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from assessment.sources.justice import eff_conviction_ratio, eff_stop_search, home_office_arrests, ons_pfa_crime
from assessment.sources.justice.force_names import ForceNames

ARRESTS = "justice/arrest-police-powers-procedures-mar19-hosb2519-tables.ods"
PFA_DEC19 = "justice/pfatablesdec19.xlsx"
PFA_MAR19 = "justice/policeforceareatablesyeendingmarch2019.xlsx"
CONVICTIONS = "justice/prosecutions-and-convictions.csv"
STOP_AREA = "justice/ethnicity-stop-search-by-area.csv"
STOP_NATIONAL = "justice/ethnicity-stop-search-by-ethnicity.csv"


@pytest.fixture(scope="module")
def forces(shared_data):
    return ForceNames.from_lookup_file(shared_data / "lookups_population/lookup_ltla24_csp24_pfa24.csv")


def one(frame: pd.DataFrame, **where) -> pd.Series:
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, f"{len(rows)} rows for {where}"
    return rows.iloc[0]


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


@pytest.mark.shared
def test_conviction_ratio_by_force_and_ethnicity(shared_data, forces):
    frame = eff_conviction_ratio.read(shared_data / CONVICTIONS, forces=forces)
    white = one(frame, area_code="E23000014", period="2017", category="White")
    assert (white["count"], white["denominator"]) == (7396, 8419)
    # the publisher's value, with no interval: a year's convictions and prosecutions are different cohorts
    assert white["value"] == 87.8 and pd.isna(white["lower_ci_95"]) and pd.isna(white["upper_ci_95"])
    asian = one(frame, area_code="E23000014", period="2017", category="Asian")
    assert (asian["count"], asian["denominator"], round(asian["value"])) == (1507, 1795, 84)
    national = one(frame, area_code="K04000001", period="2017", category="White", sex="Persons", age="All ages")
    assert (national["count"], national["denominator"], round(national["value"], 1)) == (140701, 165037, 85.3)
    # City of London has rows for 2009-2011 only: later years are there, as not available
    city = frame[(frame["area_code"] == "E23000034") & (frame["period"] == "2017")]
    assert len(city) == 5 and city["value"].isna().all()
    assert frame.loc[frame["area_type"] == "pfa", "area_code"].nunique() == 43


@pytest.mark.shared
def test_stop_and_search_by_area_and_release(shared_data, forces):
    frame = eff_stop_search.read_by_area(shared_data / STOP_AREA, forces=forces)
    merseyside = frame[frame["area_code"] == "E23000004"].set_index("category")["value"]
    assert (merseyside[""], merseyside["Black"]) == (36.4, 45.1)
    met = frame[frame["area_code"] == "E23000001"].set_index("category")["value"]
    assert (met[""], met["Black"]) == (19.9, 32.8)
    assert one(frame, area_code="E23000018", category="")["value"] == 1.9
    assert one(frame, area_code="K04000001", category="")["value"] == 8.7  # excluding BTP, as the forces
    assert frame.loc[frame["area_code"] == "E23000034", "value"].isna().all()
    assert set(frame["period"]) == {"2023/24"}
    assert "dated from its national total of 529,474 searches" in frame["vintage"].iloc[0]
    national = eff_stop_search.read_national(shared_data / STOP_NATIONAL)
    everyone = one(national, category="")
    assert (everyone["value"], everyone["count"]) == (8.9, 529474)
    assert one(national, category="Black")["count"] == 58988
    assert one(national, category="Bangladeshi")["category_type"] == "Ethnicity (detailed)"


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
