"""The conviction ratio by force and ethnicity on the real staged file: hand-checked figures."""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.sources.justice import eff_conviction_ratio

from tests.support.justice_sources_shared import CONVICTIONS, one


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
