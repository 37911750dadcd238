"""Generated sentences for every comparison case."""

from __future__ import annotations

import numpy as np
import pytest

from assessment.report.narrative import sentence


BASE = {"indicator_name": "Deaths from drug misuse", "area_name": "Leeds", "value": 8.1,
        "value_type": "directly standardised rate", "multiplier": 100000, "period": "2021 - 23",
        "comparator_value": 5.5, "comparator_name": "England", "suppressed": False, "value_note": "",
        "comparison_reason": "", "source": "OHID Fingertips"}


@pytest.mark.parametrize("changes,expected", [
    ({"comparison": "Worse"}, "Deaths from drug misuse in Leeds (8.1 per 100,000, 2021 - 23): this is 47% above "
                              "England (5.5 per 100,000), significantly higher, which is worse. Source: OHID Fingertips."),
    ({"comparison": "Better (99.8%)", "value": 3.0}, "is about half England's rate (5.5 per 100,000), significantly "
                                                      "lower, which is better (at the 99.8% level)."),
    # Significant but under 10% of England's value (small_difference in key_messages.yaml): no judgement.
    ({"comparison": "Worse (99.8%)", "value": 5.9}, "this is 7% above England (5.5 per 100,000), a statistically "
                                                     "significant difference but small in practice (under 10% of "
                                                     "England's value). Source"),
    ({"comparison": "Similar"}, "this is similar to England (5.5 per 100,000); the difference is not statistically"),
    ({"comparison": "Higher"}, "this is 47% above England (5.5 per 100,000), significantly higher. Source"),
    ({"comparison": "Worse", "value_type": "score"}, "this is significantly higher than England (5.5), which is worse."),
    ({"comparison": "Not compared", "comparison_reason": "the England value is missing"},
     ": not compared with England because the England value is missing."),
    ({"comparison": "Worst quintile"}, "this places it in the worst quintile of areas of the same type."),
    ({"suppressed": True, "value": np.nan, "value_note": "Suppressed: small number (1 to 4)"},
     "The figure for deaths from drug misuse in Leeds (2021 - 23) is suppressed to protect "
     "confidentiality (Suppressed: small number (1 to 4))."),
    ({"value": np.nan, "value_note": "Not aggregable: a life expectancy cannot be added up across areas"},
     "No figure for deaths from drug misuse is given for Leeds (2021 - 23): Not aggregable"),
    ({"value": np.nan, "count": 50.0, "denominator": 500000.0,
      "value_note": "Not aggregable: directly standardised rate without age-specific data"},
     "Deaths from drug misuse in Leeds (2021 - 23): 50 in total, a crude rate of 10.0 per 100,000. The crude rate "
     "is not age-standardised"),
])
def test_sentence_wording(changes, expected):
    assert expected in sentence({**BASE, **changes}, escape=False)


def test_sentence_escapes_names():
    text = sentence({**BASE, "area_name": "*Evil* <script>", "comparison": "Similar"})
    assert "<script>" not in text and "\\*Evil\\*" in text


def test_a_name_inside_a_sentence_is_lowered_before_it_is_escaped():
    """Escaped first, "Self\\-reported" kept its capital mid-sentence; an acronym keeps its capitals."""
    missing = {**BASE, "value": np.nan, "value_note": "no figure"}
    assert "No figure for self\\-reported wellbeing is given" in sentence(
        {**missing, "indicator_name": "Self-reported wellbeing"})
    assert "The figure for self\\-reported wellbeing in" in sentence(
        {**missing, "indicator_name": "Self-reported wellbeing", "suppressed": True})
    assert "No figure for IMD 2019: average score is given" in sentence(
        {**missing, "indicator_name": "IMD 2019: average score"}, escape=False)
