"""ONS drug deaths, real files and generated ones: by area, by substance, 3-year periods, problems named."""

from __future__ import annotations

import openpyxl
import pytest

from assessment.core.errors import InputError
from assessment.sources import ons_drug_deaths


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
