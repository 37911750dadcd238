"""Test oracle: a line-by-line port of Fingertips' trend-marker calculator, kept deliberately literal.

Ported from ukhsa-collaboration/fingertips-open (MIT)
``PholioVisualisationWS/Analysis/TrendMarkers/TrendRequest.cs`` and ``TrendMarkerCalculator.cs``
(IsValid, GetValidDataList, IsSignificant, NoOutliersCheck, GetMostRecentData), with the value
types of the newer calculator ported into dhsc-govuk/FingertipsNext
(``trend-analysis/TrendAnalysisApp/Calculator/Legacy/TrendRequest.cs``: DSRs accepted) and its
sign rule for a zero slope. Data points are dicts with the C# field names; every year of the
series is a point (a missing year is a point whose value is -1, as in the Fingertips database,
so the unbroken-run rule sees the gap). It is not used by the package: tests compare
``assessment.stats.trend`` with it.
"""

from __future__ import annotations

import math

POINTS_TO_USE = 5
NUMBER_OF_ITERATIONS = 6
CHI_SQUARE_CONFIDENCE = 9.54953570608324
NULL_VALUE = -1.0
VALUE_TYPES = {"proportion", "crude rate", "directly standardised rate"}


def _is_data_valid(data: dict) -> bool:
    return (data["Value"] != NULL_VALUE and data["Count"] is not None and data["Count"] != NULL_VALUE
            and data["Denominator"] > 0)


def valid_data(data: list[dict]) -> list[dict]:
    """GetValidDataList: newest first, until the first invalid point."""
    out = []
    for point in sorted(data, key=lambda d: d["Year"], reverse=True):
        if _is_data_valid(point):
            out.append(point)
        else:
            break
    return out


def is_valid(data: list[dict], value_type: str, year_range: int) -> bool:
    if value_type not in VALUE_TYPES or year_range != 1 or data is None or len(data) < POINTS_TO_USE:
        return False
    valid = valid_data(data)
    if len(valid) < POINTS_TO_USE:
        return False
    return not any(point["Count"] == point["Denominator"] for point in valid)


def _most_recent(valid: list[dict]) -> list[dict]:
    usable = [d for d in valid if d["LowerCI95"] is not None and d["UpperCI95"] is not None
              and d["Value"] != NULL_VALUE]
    return sorted(sorted(usable, key=lambda d: d["Year"], reverse=True)[:POINTS_TO_USE], key=lambda d: d["Year"])


def trend_marker(data: list[dict], value_type: str, year_range: int = 1) -> str:
    """"Cannot be calculated", "Increasing", "Decreasing" or "No significant change"."""
    if not is_valid(data, value_type, year_range):
        return "Cannot be calculated"
    values = {}
    for counter, core in enumerate(_most_recent(valid_data(data)), start=1):
        limit = (core["UpperCI95"] - core["LowerCI95"]) / 3.92
        divisor = limit ** 2
        values[counter] = (1 / divisor, core["Value"] * counter / divisor, counter / divisor,
                           core["Value"] / divisor, counter ** 2 / divisor)
    slope_sum, slope, chi2 = 0, 0.0, 0.0
    for check in range(POINTS_TO_USE + 1):
        sums = [0.0] * 5
        for key, vals in values.items():
            if check == 0 or key != check:
                sums = [s + v for s, v in zip(sums, vals)]
        s1, s2, s3, s4, s5 = sums
        slope_value = (s1 * s2 - s3 * s4) / (s1 * s5 - s3 ** 2)
        slope_sum += -1 if slope_value < 0 else 1
        if check == 0:
            slope = slope_value
            beta = math.sqrt(s1 / (s1 * s5 - s3 ** 2))
            chi2 = (slope / beta) ** 2
    significant = abs(slope_sum) == NUMBER_OF_ITERATIONS and chi2 > CHI_SQUARE_CONFIDENCE
    if significant and slope > 0:
        return "Increasing"
    if significant and slope < 0:
        return "Decreasing"
    return "No significant change"
