"""The indices of deprivation 2019 and 2025, on the real files."""

from __future__ import annotations

import pytest

from assessment.sources import imd


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
