"""MHCLG's rough sleeping snapshot, on the real file."""

from __future__ import annotations

import pytest

from assessment.sources import mhclg_rough_sleeping


@pytest.mark.shared
def test_rough_sleeping_snapshot_and_by_sex(shared_data):
    total = mhclg_rough_sleeping.read(shared_data / "homelessness/Rough_sleeping.xlsx")
    england = total[(total["area_code"] == "E92000001") & (total["indicator_id"] == "mhclg-rough-sleeping")]
    england = england.set_index("period")["count"]
    assert (england["2010"], england["2017"], england["2022"]) == (1768, 4751, 3069)
    by_sex = mhclg_rough_sleeping.read_by_sex(
        shared_data / "homelessness/gender-of-people-sleeping-rough-by-local-authority-district-and-region.csv")
    assert set(by_sex["sex"]) == {"Female", "Male", "Persons", "Not known"}
