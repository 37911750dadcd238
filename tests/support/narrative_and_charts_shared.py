"""Helpers shared by tests/charts/test_compare_areas.py and tests/charts/test_spine.py."""

from __future__ import annotations

import pandas as pd


def _spine_rows(polarity):
    values = {"A": 2.0, "B": 4.0, "C": 5.0, "D": 6.0, "E": 12.0}
    return pd.DataFrame([dict(indicator_name="X", period="2023", area_code=c, value=v, england_value=5.0,
                              polarity=polarity, england_comparison="Worse" if c == "E" else "Similar")
                         for c, v in values.items()])
