"""MHCLG's homelessness detailed tables, real and generated: layout found by words, problems named."""

from __future__ import annotations

import openpyxl
import pytest

from assessment.core.errors import InputError
from assessment.sources import mhclg_homelessness, ons_drug_deaths


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
