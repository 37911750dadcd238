"""Housing on release: MHCLG's Duty to Refer referrals (sheet A7) and offending-history support need (sheet A3).

Every expected figure below was read by hand from the publisher's ODS files in
../shared/data/homelessness (cell addresses beside each), not from our output.
"""

from __future__ import annotations

import pytest

from assessment.core.errors import InputError
from assessment.snapshots import importer
from assessment.sources import mhclg_duty_to_refer

from tests.support.housing_on_release_shared import (BLACKPOOL_PROBATION, COUNCILS, RELIEF_CUSTODY, _expected,
                                                     _small_copy)


Q3 = "Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods"  # October to December 2025 = 2025/26 Q3


@pytest.mark.shared
def test_the_reader_gives_the_hand_read_q3_counts_and_denominators(shared_data):
    frame = mhclg_duty_to_refer.read(shared_data / "homelessness" / Q3)
    rows = frame.set_index(["indicator_id", "area_code"])
    for code, values in COUNCILS.items():
        for indicator, (count, denominator) in _expected(values).items():
            row = rows.loc[(indicator, code)]
            assert (row["count"], row["denominator"], row["period"]) == (count, denominator, "2025/26 Q3"), \
                (code, indicator)
    probation = rows.loc[("mhclg-dtr-probation", "E06000009")]
    assert probation["value"] == pytest.approx(9 / 65014 * 100000) and probation["lower_ci_95"] < probation["value"]
    assert rows.loc[("mhclg-offending-history-share", "E06000009"), "ci_method"] == "wilson"
    # England (A7 row 9: H=190, I=10, J=3,490, K=10; A3 row 6 AC=7,760) is England, not a council.
    england = rows.loc[("mhclg-dtr-probation", "E92000001")]
    assert (england["count"], england["area_type"]) == (3500, "england")
    assert rows.loc[("mhclg-offending-history", "E92000001"), "count"] == 7760
    assert "Rest of England" not in set(frame["area_name"])  # A7 row 12, coded '-': a total, not an area
    assert set(frame.loc[frame["area_name"] == "ENGLAND", "area_type"]) == {"england"}
    assert set(frame.loc[frame["area_code"].str.startswith("E12"), "area_type"]) == {"region"}


@pytest.mark.shared
def test_publisher_markers_are_not_available_with_their_reason_never_zero(shared_data):
    rows = mhclg_duty_to_refer.read(shared_data / "homelessness" / Q3).set_index(["indicator_id", "area_code"])
    bury = rows.loc[("mhclg-dtr-prison", "E08000002")]  # A7 row 62 (Bury): '..' in every referral column
    assert bury["suppressed"] and bury["count"] != bury["count"] and "'..'" in bury["value_note"]
    # A3 row 100 (East Staffordshire) column AC is '-'; the sheet's key (row 326) says what '-' means.
    staffs = rows.loc[("mhclg-offending-history", "E07000193")]
    assert staffs["suppressed"] and staffs["value_note"] == (
        "Not available (the publisher's '-'): Support need breakdowns have been suppressed for local authorities "
        "with fewer than 5 households with support needs.")


@pytest.mark.shared
def test_each_quarter_file_gives_its_quarter_and_the_xlsx_the_same_as_the_ods(shared_data):
    folder = shared_data / "homelessness"
    files = ["Detailed_LA_202503.xlsx", "Statutory_Homelessness_Detailed_Local_Authority_Data_202506.ods",
             "Statutory_Homelessness_Detailed_Local_Authority_Data_202509.ods", Q3]
    found = {}
    for name in files:
        frame = mhclg_duty_to_refer.read(folder / name)
        row = frame[(frame["indicator_id"] == "mhclg-dtr-probation") & (frame["area_code"] == "E06000009")].iloc[0]
        found[row["period"]] = row["count"]
    assert found == BLACKPOOL_PROBATION
    ods = mhclg_duty_to_refer.read(folder / Q3)
    xlsx = mhclg_duty_to_refer.read(folder / "Statutory_Homelessness_Detailed_Local_Authority_Data_202512.xlsx")
    key = ["indicator_id", "area_code"]
    assert ods.set_index(key)["count"].equals(xlsx.set_index(key)["count"])
    kinds = {(a.key, a.period) for a in importer.recognise_all(folder / Q3)}
    assert kinds == {("mhclg_homelessness", "2025/26 Q3"), ("mhclg_homelessness_referrals", "2025/26 Q3")}


@pytest.mark.shared
def test_households_owed_relief_after_custody_are_the_hand_read_a2r_counts(shared_data):
    for name in (Q3, "Statutory_Homelessness_Detailed_Local_Authority_Data_202512.xlsx"):
        rows = mhclg_duty_to_refer.read(shared_data / "homelessness" / name).set_index(["indicator_id", "area_code"])
        for code, (count, households) in RELIEF_CUSTODY.items():
            row = rows.loc[("mhclg-relief-custody", code)]
            assert (row["count"], row["denominator"], row["period"]) == (count, households, "2025/26 Q3"), (name, code)
            assert row["value"] == pytest.approx(count / households * 100000)
            assert row["unit"] == "per 100,000 households" and row["lower_ci_95"] < row["value"] < row["upper_ci_95"]


@pytest.mark.shared
def test_a_missing_sheet_or_column_is_one_line_naming_file_sheet_and_what(shared_data, tmp_path):
    whole = _small_copy(shared_data, tmp_path / "whole.xlsx")
    assert mhclg_duty_to_refer.read(whole).set_index(["indicator_id", "area_code"]).loc[
        ("mhclg-dtr-probation", "E06000009"), "count"] == 9
    no_a7 = _small_copy(shared_data, tmp_path / "no_a7.xlsx", drop="A7")
    with pytest.raises(InputError) as error:
        mhclg_duty_to_refer.read(no_a7)
    assert str(error.value).startswith(f"{no_a7}: no sheet A7") and "\n" not in str(error.value)
    renamed = _small_copy(shared_data, tmp_path / "renamed.xlsx", rename=("A3", "Offending", "Offending history"))
    with pytest.raises(InputError) as error:
        mhclg_duty_to_refer.read(renamed)
    assert str(error.value).startswith(f"{renamed}:A3: no column matching 'offending history'")
    assert "\n" not in str(error.value)
