"""The disproportionality sentence: names escaped, a judgement only with an interval."""

from __future__ import annotations

from assessment.report.narrative_disproportionality import disproportionality_sentence


def test_sentence_escapes_names_and_judges_only_with_an_interval():
    row = {"category": "Black", "ratio": 3.21, "ratio_lower": 2.95, "ratio_upper": 3.49, "significance": "higher",
           "national_ratio": 2.5}
    text = disproportionality_sentence(row, activity="stopped and searched", area_name="St. Helens [x](y)")
    assert text.startswith("In St\\. Helens \\[x\\]\\(y\\), Black people were stopped and searched at 3.2 times")
    assert "(95% CI 3.0 to 3.5), a significantly higher rate" in text
    assert text.endswith("the England and Wales ratio is 2.5, and St\\. Helens \\[x\\]\\(y\\)'s is above it.")
    similar = disproportionality_sentence({**row, "ratio_lower": 0.9, "significance": "similar"},
                                          activity="convicted", area_name="Gwent", escape=False)
    assert "not significantly different; the England and Wales ratio is 2.5." in similar
    assert disproportionality_sentence({"category": "Black", "ratio": float("nan")}, activity="x",
                                       area_name="y") == ""
