"""Issue 27's points asserted for the two council reports, Blackpool and Lancashire county, on the real files.

The force reports have their own tests (test_key_messages, test_conviction_ratio, test_report_lacks...);
these cover the points that had no real-data test for a council. Every expected value was read by hand
from the raw file named beside it (../shared/data).
"""

from __future__ import annotations

import html
import re

import pytest

from tests.support.html_sections import section

BLACKPOOL, COUNTY = "E06000009", "E10000017"


def _text(page: str) -> str:
    """The page's words, without the spaces tags leave before punctuation ("2018 - 20 )"), with plain quotes."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split()).replace("\u2019", "'")
    return re.sub(r" ([).,:;])", r"\1", text)


def _key_messages(page: str) -> list[str]:
    part = section(page, "Summary and key messages")
    first = part[:part.index("</ul>")]  # the key messages are the summary's first list
    return [_text(item) for item in re.findall(r"<li\b[^>]*>(.*?)</li>", first, flags=re.S)]


# ------------------------------------------------------------------ point 1: key messages by what matters
@pytest.mark.shared
def test_council_key_messages_lead_with_the_largest_difference_and_say_how_big(real_reports):
    # drug_deaths/drug_poisoning_registrations_by_LA.csv, columns 2018-2020: Blackpool (line 20) 38 + 42 + 42 = 122
    # deaths, Lancashire county 95 + 129 + 112 = 336, England 3,983 + 4,115 + 4,312; over the three mid-year
    # estimates: 29.2 and 9.2 per 100,000 against England's 7.4 (3.9 times and 1.25 times).
    blackpool = _key_messages(real_reports[BLACKPOOL][0])
    assert blackpool[0].startswith("In Blackpool, deaths related to drug poisoning per 100,000 residents")
    assert "(29.2 per 100,000, 2018 - 20) is about four times England's rate (7.4 per 100,000)" in blackpool[0]
    county = _key_messages(real_reports[COUNTY][0])
    assert "(9.2 per 100,000, 2018 - 20) is 25% above England (7.4 per 100,000)" in county[0]
    for message in blackpool + county:  # nothing small in practice is called worse or better
        assert not re.search(r"small in practice.*(worse|better)", message), message


# ------------------------------------------------------------------ point 4: the conviction ratio
@pytest.mark.shared
def test_blackpool_shows_its_forces_conviction_ratio_as_the_publisher_defines_it(real_reports):
    # justice/prosecutions-and-convictions.csv line 2561: Lancashire, 2017, Other inc Chinese: 21 convictions of
    # 12 prosecutions (175); line 2603: White 2,309 of 2,675 (86.3).
    part = _text(section(real_reports[BLACKPOOL][0], "Conviction ratio by ethnic group"))
    assert "Year: 2017 (calendar year)" in part and "indictable offences" in part
    assert re.search(r"Other inc Chinese 21 12 175\.0 per 100 [\d.]+ per 100 too few to compare", part)
    assert re.search(r"White 2,309 2,675 86\.3 per 100", part)
    assert "2.0 times" not in part and "significantly" not in part and "of 38 forces" not in part


# ------------------------------------------------------------------ points 5 and 6 for the county
@pytest.mark.shared
def test_the_county_says_truly_what_is_published_and_names_what_each_empty_section_lacks(real_reports):
    page = real_reports[COUNTY][0]
    text = _text(page)
    assert "Recorded crime is published for police force areas, not councils" not in text
    assert "ONS publishes police recorded crime by community safety partnership" in text
    assert "section 136 of the Mental Health Act by police force area" in text
    children = _text(section(page, "Children and young people"))
    assert "First time entrants to the youth justice system. Fingertips indicator 10401" in children
    reoffending = _text(section(page, "Reoffending"))
    assert "Fingertips indicator 92812" in reoffending and "Fingertips indicator 92813" in reoffending


# ------------------------------------------------------------------ point 7: data age
@pytest.mark.shared
@pytest.mark.parametrize("code", [BLACKPOOL, COUNTY])
def test_the_council_summary_flags_figures_three_years_older_than_the_newest(real_reports, code):
    # Newest: MHCLG H-CLIC October to December 2025 (Statutory_Homelessness_..._202512.ods); older than 3 years
    # before it: IMD 2019 (IoD2019.csv), ONS drug deaths 2020 and 2018-20 (drug_poisoning_registrations_by_LA.csv).
    summary = _text(section(real_reports[code][0], "Summary and key messages"))
    assert "The newest figures in this report are for a period ending December 2025" in summary
    for old in ("2019: IMD 2019: Average score", "2020: Deaths related to drug poisoning (registrations)",
                "2018 - 20: Deaths related to drug poisoning per 100,000 residents"):
        assert old in summary, (code, old)
    # The report shows IMD 2025 as well: it says so, rather than send the reader to GOV.UK for it.
    assert "The newer edition is also in this report." in summary and "A newer edition is published" not in summary


# ------------------------------------------------------------------ point 9: each list once, plain words
@pytest.mark.shared
def test_the_county_lists_each_local_dataset_once_in_plain_words(real_reports):
    text = _text(real_reports[COUNTY][0])
    for dataset in ("Probation caseload health and social needs", "Local continuity-of-care audit"):
        assert text.count(dataset) == 1, dataset
    assert "method none" not in text and "not yet confirmed against GOV.UK" not in text


# ------------------------------------------------------------------ also found: labels
@pytest.mark.shared
def test_council_titles_name_the_kind_of_council_and_tables_name_councils_not_codes(real_reports):
    # boundaries lookup: E06 is a unitary authority, E10 a county council; the county's tables of its districts
    # name each district (IoD2019.csv gives Burnley E07000117 ... Wyre E07000128).
    assert "<title>Health and justice needs assessment: Blackpool (unitary authority)</title>" in \
        real_reports[BLACKPOOL][0]
    county = real_reports[COUNTY][0]
    assert "<title>Health and justice needs assessment: Lancashire County Council</title>" in county
    rows = re.findall(r"<tr\b[^>]*>(.*?)</tr>", section(county, "Homelessness and accommodation"), flags=re.S)
    named = [_text(c) for row in rows for c in re.findall(r"<td\b[^>]*>(.*?)</td>", row, flags=re.S)[1:2]]
    assert "Burnley" in named and "Wyre" in named
    assert not [cell for cell in named if re.fullmatch(r"E\d{8}", cell)]
