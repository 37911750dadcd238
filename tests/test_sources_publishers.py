"""Every real publisher file in ../shared/data parses; small generated files in the same formats too."""

from __future__ import annotations

import openpyxl
import pytest

from assessment.core.errors import InputError
from assessment.sources import imd, mhclg_homelessness, mhclg_rough_sleeping, ons_drug_deaths, ons_population


@pytest.mark.shared
def test_ons_drug_deaths_by_la(shared_data):
    frame = ons_drug_deaths.read(shared_data / "drug_deaths/drug_poisoning_registrations_by_LA.csv")
    england = frame[(frame["area_code"] == "E92000001") & (frame["period"] == "2020")]
    assert england["count"].item() == 4312
    assert frame["period"].nunique() == 28
    assert frame[frame["period"] == "2020"]["area_code"].str[:3].value_counts()["E07"] == 181
    pooled = ons_drug_deaths.three_year_totals(frame[frame["area_code"] == "E92000001"])
    assert pooled.set_index("period").loc["2018 - 20", "count"] == 3983 + 4115 + 4312


@pytest.mark.shared
def test_ons_drug_deaths_by_substance_and_national(shared_data):
    frame = ons_drug_deaths.read_by_substance(shared_data / "drug_deaths/drug_poisoning_registrations.csv")
    assert set(frame["indicator_id"]) == {"ons-drug-poisoning-deaths", "ons-opiate-poisoning-deaths"}
    national = ons_drug_deaths.read_national(shared_data / "drug_deaths/2021registrations.csv")
    assert national.set_index("year").loc[2021, "drug_misuse"] == 3060


@pytest.mark.shared
@pytest.mark.parametrize(("name", "period", "owed", "assessed_households"), [
    ("Statutory_Homelessness_Detailed_Local_Authority_Data_202512.xlsx", "2025/26 Q3", 76270, 24440280),
    ("Detailed_LA_202503.xlsx", "2024/25 Q4", 83450, 24367038),
])
def test_mhclg_detailed_tables_any_quarter(shared_data, name, period, owed, assessed_households):
    frame = mhclg_homelessness.read(shared_data / "homelessness" / name)
    england = frame[(frame["area_code"] == "E92000001") & (frame["indicator_id"] == "mhclg-owed-duty")].iloc[0]
    assert england["period"] == period and england["count"] == owed
    assert round(england["denominator"]) == assessed_households
    assert england["value"] == pytest.approx(owed / assessed_households * 1000)
    districts = frame[(frame["indicator_id"] == "mhclg-owed-duty") & (frame["area_type"] == "lad")]
    assert len(districts) == 296


@pytest.mark.shared
def test_rough_sleeping_snapshot_and_by_sex(shared_data):
    total = mhclg_rough_sleeping.read(shared_data / "homelessness/Rough_sleeping.xlsx")
    england = total[(total["area_code"] == "E92000001") & (total["indicator_id"] == "mhclg-rough-sleeping")]
    england = england.set_index("period")["count"]
    assert (england["2010"], england["2017"], england["2022"]) == (1768, 4751, 3069)
    by_sex = mhclg_rough_sleeping.read_by_sex(
        shared_data / "homelessness/gender-of-people-sleeping-rough-by-local-authority-district-and-region.csv")
    assert set(by_sex["sex"]) == {"Female", "Male", "Persons", "Not known"}


@pytest.mark.shared
def test_imd_2019_and_2025(shared_data):
    lad19 = imd.read(shared_data / "imd/IoD2019.csv")
    assert lad19["area_code"].nunique() == 317
    lad25 = imd.read(shared_data / "imd/indices_of_deprivation_2025_lad.csv")
    assert lad25["area_code"].nunique() == 296
    upper = imd.read_upper_tier_workbook(
        shared_data / "imd/File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx")
    assert upper["area_code"].nunique() == 151
    middlesbrough = upper[(upper["area_code"] == "E06000002") & (upper["indicator_id"] == "imd2019-average-score")]
    assert middlesbrough["value"].item() == pytest.approx(40.46)


@pytest.mark.shared
@pytest.mark.parametrize(("name", "vintage", "england"), [("england+wales_2023.csv", "mid-2023", 57690323),
                                                          ("uk_2022.csv", "mid-2022", None)])
def test_population_tables(shared_data, name, vintage, england):
    frame = ons_population.read(shared_data / "lookups_population" / name, vintage=vintage)
    if england:
        assert frame.set_index("area_code").loc["E92000001", "value"] == england
    assert (frame["area_type"] == "lad").sum() >= 296


# ---------------------------------------------------------------- generated files
def _homelessness_workbook(path, *, title="England, April to June 2024", owed_header="Total owed a prevention or relief duty"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "A1"
    sheet.append([f"Table A1 - households\n{title}"])
    sheet.append([None, None, None, None, "Total initial assessments", None, owed_header,
                  "Threatened with homelessness within 56 days - Prevention duty owed", None,
                  "Homeless - Relief duty owed", None, "Number of households in area (000s)"])
    sheet.append(["E92000001", "ENGLAND", None, None, 100, None, 80, 30, None, 50, None, 24000])
    sheet.append(["E08000035", "Leeds", None, None, 10, None, 8, "[c]", None, 5, None, 350.5])
    book.save(path)
    return path


def test_homelessness_layout_found_by_words(tmp_path):
    frame = mhclg_homelessness.read(_homelessness_workbook(tmp_path / "h.xlsx"))
    leeds = frame[frame["area_code"] == "E08000035"].set_index("indicator_id")
    assert leeds.loc["mhclg-owed-duty", "count"] == 8
    assert leeds.loc["mhclg-owed-duty", "denominator"] == 350500
    assert bool(leeds.loc["mhclg-prevention-duty", "suppressed"])
    assert frame["period"].iloc[0] == "2024/25 Q1"


def test_homelessness_renamed_column_is_named(tmp_path):
    path = _homelessness_workbook(tmp_path / "h.xlsx", owed_header="Total households owed something")
    with pytest.raises(InputError, match=r"h\.xlsx:A1: no column matching 'total owed a prevention or relief duty'"):
        mhclg_homelessness.read(path)


def test_html_saved_as_a_data_file_is_named(tmp_path):
    page = tmp_path / "download.xlsx"
    page.write_text("<!DOCTYPE html><html><body>Sign in</body></html>")
    with pytest.raises(InputError, match="web page, not a data file"):
        mhclg_homelessness.read(page)
    as_csv = page.rename(page.with_suffix(".csv"))
    with pytest.raises(InputError, match="web page, not a data file"):
        ons_drug_deaths.read(as_csv)


def test_non_numeric_count_names_row_and_column(tmp_path):
    path = tmp_path / "la.csv"
    path.write_text("code,name,2020\nE92000001,ENGLAND,4312\nE08000035,Leeds,sixty\n")
    with pytest.raises(InputError, match=r"la\.csv row 3 column '2020': not a number \('sixty'\)"):
        ons_drug_deaths.read(path)


def _ons_workbook(path, header):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Table 1"
    sheet.append(["Table 1: Number of deaths related to drug poisoning by local authority, England and Wales"])
    sheet.append([None, None, None, None, "2021-2023", None, None, "2020-2022"])
    sheet.append(["Area code", "Area name", None, None, *header])
    sheet.append(["E92000001", "ENGLAND", None, None, 14500, 8.1, 7.9, 13900])
    sheet.append(["E06000009", None, "Blackpool", None, 133, 32.2, 27.0, 121])
    book.save(path)
    return path


def test_ons_drug_workbook_layout_is_read_into_3_year_periods(tmp_path):
    path = _ons_workbook(tmp_path / "2023localauthorities.xlsx",
                         ["Number of deaths", "Age-standardised rate", "Lower 95% confidence limit", "Number of deaths"])
    found = ons_drug_deaths.recognise(path)
    assert (found.key, found.period) == ("ons_drug_deaths_la", "2021 - 23")
    frame = ons_drug_deaths.read(path)
    blackpool = frame[frame["area_code"] == "E06000009"].set_index("period")
    assert blackpool["count"].to_dict() == {"2021 - 23": 133, "2020 - 22": 121}
    assert set(frame["indicator_id"]) == {"ons-drug-poisoning-deaths-3y"} and blackpool["area_name"].iloc[0] == "Blackpool"


def test_an_unknown_ons_drug_workbook_layout_is_refused_naming_sheet_and_columns(tmp_path):
    path = _ons_workbook(tmp_path / "renamed.xlsx", ["Value", "Rate", "Lower", "Value"])
    with pytest.raises(InputError, match=r"renamed\.xlsx:Table 1: unknown layout: expected an area code column .*"
                                         r"a 'Number of deaths' column; found columns 'Area code'; 'Area name';"):
        ons_drug_deaths.read(path)


def test_pooled_drug_deaths_carry_the_interval_of_the_pooled_count(tmp_path):
    path = tmp_path / "la.csv"
    path.write_text("code,name,2020,2019,2018\nE06000009,Blackpool,42,38,30\n", encoding="utf-8")
    single = ons_drug_deaths.read(path)
    pooled = ons_drug_deaths.three_year_totals(single).iloc[0]
    alone = single.set_index("period").loc["2020"]
    assert (pooled["period"], pooled["count"]) == ("2018 - 20", 110)
    assert pooled["lower_ci_95"] < 110 < pooled["upper_ci_95"]  # around 110 deaths, not 2020's 42
    assert pooled["lower_ci_95"] > alone["upper_ci_95"]
