"""Fixtures shared by test_aggregate.py and test_compare.py and test_intervals.py in this folder."""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.sources.fingertips.client import IndicatorMeta, parse_csv


@pytest.fixture(scope="module")
def campylobacter(shared_data):
    text = (shared_data / "fingertips/indicators-CountyUA.data.csv").read_text(encoding="utf-8")
    meta = {"93356": IndicatorMeta("93356", "crude rate", 100000.0, "per 100,000", "low_is_good", "ci_overlap_95")}
    return parse_csv(text, url="indicators-CountyUA.data.csv", metadata=meta), pd.read_csv(
        shared_data / "fingertips/indicators-CountyUA.data.csv")
