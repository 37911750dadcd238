"""Stop and search by area and release on the real staged files: hand-checked figures."""

from __future__ import annotations

import pytest

from assessment.sources.justice import eff_stop_search

from tests.support.justice_sources_shared import STOP_AREA, STOP_NATIONAL, one


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
