"""Key messages are ordered by relative size and never call a small difference worse."""

from __future__ import annotations

import pandas as pd

from assessment.report.narrative import sentence
from assessment.report.sections.summary import matters, order


def _row(name, value, label, england=1.0, value_type="crude rate", rank=None, count=None):
    return pd.Series({"indicator_name": name, "value": value, "england_value": england, "england_comparison": label,
                      "value_type": value_type, "multiplier": 1000, "area_type": "pfa" if rank else "utla",
                      "force_rank": rank if rank else float("nan"), "force_count": count or float("nan")})


def test_relative_size_orders_worse_then_better_then_unjudged_and_small_differences_last():
    rows = [_row("all crime 1% above", 1.01, "Worse (99.8%)"), _row("robbery twice", 2.0, "Worse"),
            _row("burglary 30% above", 1.3, "Worse (99.8%)"), _row("drugs half", 0.5, "Better (99.8%)"),
            _row("arrests three times", 3.0, "Higher"), _row("similar", 1.2, "Similar"),
            _row("summed count", float("nan"), "Not compared")]
    ordered = [r["indicator_name"] for r in sorted(rows, key=order)]
    # Neither a small nor a not-significant difference is a finding: between them, size alone orders.
    assert ordered == ["robbery twice", "burglary 30% above", "drugs half", "arrests three times",
                       "similar", "all crime 1% above", "summed count"]
    assert not matters(rows[0]) and matters(rows[1]) and matters(rows[4]) and not matters(rows[5])


def test_rank_among_forces_orders_differences_of_about_the_same_size():
    middling = _row("middling rank", 1.52, "Worse", rank=20, count=41)
    extreme = _row("highest of 41", 1.50, "Worse", rank=1, count=41)
    bigger = _row("much bigger", 2.5, "Worse", rank=30, count=41)
    ordered = [r["indicator_name"] for r in sorted([middling, extreme, bigger], key=order)]
    assert ordered == ["much bigger", "highest of 41", "middling rank"]


def test_a_significant_but_small_difference_is_never_called_worse():
    row = {"indicator_name": "Public order offences", "area_name": "Lancashire police force area", "value": 7.515,
           "value_type": "crude rate", "multiplier": 1000, "period": "2019", "comparison": "Worse (99.8%)",
           "comparator_value": 7.194, "comparator_name": "England", "suppressed": False}
    text = sentence(row, escape=False)
    assert "4% above England (7.2 per 1,000)" in text and "small in practice" in text
    assert "worse" not in text.lower() and "concern" not in text.lower()
    assert "which is worse" in sentence({**row, "value": 14.4}, escape=False)  # about twice: judged
