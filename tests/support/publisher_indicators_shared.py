"""Helpers shared by tests/sources/test_derived.py and tests/sources/test_overlaps.py."""

from __future__ import annotations


def _row(indicator, code, period, count, **extra):
    return dict(indicator_id=indicator, indicator_name=indicator, source="ONS", area_code=code, area_name=code,
                area_type="lad", period=period, value=count, count=count, value_type="count", vintage="v",
                **extra)
