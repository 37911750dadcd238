"""What the pages of Blackpool's and Lancashire county's reports say, read against the raw files (issue 27).

Each test covers a class of problem found reading the rendered PDFs page by page: a summary led by
sub-group shares, a sources table whose columns crowded each other, a sentence that read as a
contradiction, a rank beside a column heading that says the opposite, notes about other places.
"""

from __future__ import annotations

import html
import re

import pytest

from tests.support.html_sections import section

BLACKPOOL, COUNTY = "E06000009", "E10000017"
SUPPORT_NEED_IDS = ("mhclg-need-", "mhclg-offending-history-share")


def _text(page: str) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.shared
def test_the_summary_leaves_the_support_needs_to_the_housing_section(real_reports):
    page, appendix = real_reports[BLACKPOOL]
    summary = _text(section(page, "Summary and key messages"))
    assert "Share of households owed a homelessness duty with" not in summary
    assert "4 times England" in summary or "four times England" in summary  # drug deaths still lead
    spine = {r["Indicator ID"] for r in appendix if r["Report section"] == "Figure: spine chart"}
    assert spine and not [i for i in spine if i.startswith(SUPPORT_NEED_IDS)], sorted(spine)
    assert "mhclg-offending-history" in spine  # the offending history rate per 100,000 keeps its bar
    # homelessness/Statutory_Homelessness_Detailed_Local_Authority_Data_202512.xlsx, sheet A3 row 38 (Blackpool):
    # alcohol dependency needs 52 (column AB) of the 426 households owed a duty (sheet A1, row 40): 12.2%;
    # served in HM Forces 1 (column AH): a small count, suppressed.
    housing = _text(section(page, "Support needs of households owed a duty"))
    assert "Alcohol dependency 2025/26 Q3 12.2% (52)" in housing
    assert "HM Forces 2025/26 Q3 suppressed" in housing


@pytest.mark.shared
def test_sources_are_one_line_each_with_the_day_they_were_retrieved(real_reports):
    for code in (BLACKPOOL, COUNTY):
        part = section(real_reports[code][0], "Sources and licences")
        assert "<table" not in part, code  # four columns crowded each other on the printed page
        text = _text(part)
        lines = re.findall(r"Open Government Licence v3\.0; retrieved \d{4}-\d{2}-\d{2}\.", text)
        assert len(lines) >= 10, (code, len(lines))
        assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:", text), code  # no time of day
    blackpool = _text(section(real_reports[BLACKPOOL][0], "Sources and licences"))
    # The name, then on its own line the file (a long file name beside the name stretched a justified line).
    assert re.search(r"ONS deaths related to drug poisoning, 2020 registrations ?\. drug_poisoning_registrations_by_LA\.csv\. "
                     r"https://www\.ons\.gov\.uk/", blackpool)


@pytest.mark.shared
def test_the_force_is_named_as_a_force_with_the_councils_outside_the_area(real_reports):
    county = _text(section(real_reports[COUNTY][0], "Population and geography"))
    assert ("The Lancashire police force area also covers Blackburn with Darwen and Blackpool, outside "
            "Lancashire County Council, so force-wide figures describe a larger population.") in county
    assert "Lancashire also polices areas outside Lancashire" not in county
    blackpool = _text(section(real_reports[BLACKPOOL][0], "Population and geography"))
    assert "also covers Blackburn with Darwen and Lancashire, outside Blackpool" in blackpool


@pytest.mark.shared
def test_the_population_sentence_names_its_year_beside_an_older_age_profile(real_reports):
    # lookups_population/england+wales_2023.csv, column "All ages", line 20: Blackpool 142,708 (mid-2023); the
    # age profile beside it is mid-2020 (la_pop_estimates.csv: 138,381), so the sentence must say which.
    text = _text(section(real_reports[BLACKPOOL][0], "Population and geography"))
    assert "an estimated 142,708 residents (mid-2023)" in text
    assert "Residents (mid-2020)" in text


@pytest.mark.shared
def test_a_rank_ranked_inside_the_county_says_its_order(real_reports):
    # imd/IoD2019.csv: Burnley's rank of average score is 8 (most deprived of the 12 districts): "1st", which
    # beside the column's "1 = highest" would contradict the value unless the cell says its order.
    rows = re.findall(r"<tr\b[^>]*>(.*?)</tr>", section(real_reports[COUNTY][0], "Wider determinants and inequalities"),
                      flags=re.S)
    cells = [[_text(c) for c in re.findall(r"<td\b[^>]*>(.*?)</td>", row, flags=re.S)] for row in rows]
    burnley = [c for c in cells if len(c) > 5 and c[0].startswith("IMD 2019: rank of average") and c[1] == "Burnley"]
    assert burnley and burnley[0][2] == "8" and burnley[0][5] == "1st of 12 (1 = ranked first)"
    scores = [c for c in cells if len(c) > 5 and c[0] == "IMD 2019: Average score" and c[1] == "Burnley"]
    assert scores and scores[0][5] == "1st of 12"  # a value keeps the plain rank (37.8, the highest)


@pytest.mark.shared
def test_districts_with_the_same_value_share_a_joint_place(real_reports):
    # homelessness/Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods, table A7, 2025/26 Q3: no
    # household referred by prison in nine of Lancashire's districts (0 each). Each was "1st of 9", which says
    # nine times that a district stands first; the nine share the place.
    rows = re.findall(r"<tr\b[^>]*>(.*?)</tr>", section(real_reports[COUNTY][0], "Homelessness and accommodation"),
                      flags=re.S)
    cells = [[_text(c) for c in re.findall(r"<td\b[^>]*>(.*?)</td>", row, flags=re.S)] for row in rows]
    prison = [c for c in cells if len(c) > 5 and c[0] == "Households referred by prison under the Duty to Refer"
              and c[2].startswith("0.0 per 100,000")]
    assert len(prison) == 9 and {c[5] for c in prison} == {"joint 1st of 9"}


@pytest.mark.shared
def test_the_county_report_carries_no_notes_about_its_similar_areas(real_reports):
    # Somerset (E06000066) and Sheffield (E08000019) are among Lancashire's 15 similar councils: how their
    # figures were rebuilt or recoded is about them, not Lancashire.
    page, _ = real_reports[COUNTY]
    methods = _text(section(page, "Data gaps and methods"))
    assert "Somerset" in _text(section(page, "Compared with similar areas"))
    for elsewhere in ("Somerset (E06000066)", "Sheffield (E08000019)", "Mendip"):
        assert elsewhere not in methods, elsewhere


@pytest.mark.shared
def test_an_indicator_name_inside_a_sentence_is_not_capitalised(real_reports):
    summary = _text(section(real_reports[COUNTY][0], "Summary and key messages"))
    assert "the districts differ on deaths related to drug poisoning per 100,000 residents" in summary
    assert "differ on Deaths" not in summary
