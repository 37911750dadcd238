"""Rough sleeping rates equal MHCLG's table 5."""

from __future__ import annotations

import pytest

from assessment.sources import mhclg_rough_sleeping


@pytest.mark.shared
def test_rough_sleeping_rates_equal_mhclg_table_5(shared_data):
    from assessment.inputs.workbook import sheet_rows

    frame = mhclg_rough_sleeping.read(shared_data / "homelessness/Rough_sleeping.xlsx")
    rates = frame[frame["indicator_id"] == "mhclg-rough-sleeping-rate"].set_index(["area_code", "period"])
    table5 = sheet_rows(shared_data / "homelessness/Rough_sleeping.xlsx", "Table 5 Rates")
    header = [str(c) for c in table5[2]]
    checked = 0
    for row in table5[3:]:
        code = row[0] if row[0] != "---" else row[3]
        for year in ("2020", "2021", "2022"):
            published = row[header.index(year)] if row[0] else None
            if isinstance(published, float) and (code, year) in rates.index:
                assert rates.loc[(code, year), "value"] == pytest.approx(published, rel=1e-9), (code, year)
                checked += 1
    assert checked == 869  # every district, region and England with a published 2020-2022 rate
    blackpool = rates.loc[("E06000009", "2022")]
    assert (blackpool["count"], blackpool["denominator"]) == (7, 140954)  # mid-2021 estimate, as Table 5
