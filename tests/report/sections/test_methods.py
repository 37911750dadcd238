"""The methods section's data gaps say what the figures beside them measure."""

from __future__ import annotations

from assessment.report.sections.methods import data_gaps_list


def test_the_first_night_gap_says_what_the_duty_to_refer_counts_measure():
    text = data_gaps_list()
    assert "no published statistic measures" not in text.lower()
    assert "Duty to Refer" in text and "where people slept on their first night" in text
