"""Issue 27's points on the two real police force areas it was read on: Lancashire (E23000003) and West
Midlands (E23000014), where no other test asserts them for that force (points 5, 6, 7, 9 and 10).

Rendered once by the `real_reports` fixture from ../shared/data; skipped cleanly when it is absent.
Hand-checked against the raw files named beside each value. ../shared/data/fingertips holds no catalogue
indicator (indicators-CountyUA.data.csv, column "Indicator ID": 93356 on every row), so no Fingertips
indicator (suicide 41001, reoffending 92812/92813, first-time entrants 10401) has a figure for a force.
"""

from __future__ import annotations

import re

import pytest

from tests.support.report_text import _section, _text
from tests.support.support_needs import NEEDS, _support_needs, _tables

LANCASHIRE, WEST_MIDLANDS = "E23000003", "E23000014"
FORCES = {LANCASHIRE: "Lancashire police force area", WEST_MIDLANDS: "West Midlands police force area"}


# ------------------------------------------------------------------ point 6: what an empty section lacks
@pytest.mark.shared
@pytest.mark.parametrize("code", list(FORCES))
def test_a_force_names_what_each_empty_section_lacks_and_how_to_get_it(real_reports, code):
    page = real_reports[code][0]
    for title, wanted in [("Reoffending", ("Proven reoffending (proportion of offenders who reoffend). Fingertips "
                                           "indicator 92812", "Fingertips indicator 92813")),
                          ("Mental health, self-harm and suicide", ("Suicide rate. Fingertips indicator 41001",)),
                          ("Children and young people", ("First time entrants to the youth justice system. "
                                                         "Fingertips indicator 10401",))]:
        part = _text(_section(page, title))
        assert "No published indicators for this topic" in part, title
        assert f"Not in the data snapshot for {FORCES[code]}" in part, title
        for text in wanted:
            assert f"{text}: fetched from the Fingertips API" in part, (title, text)


# ------------------------------------------------------------------ point 5: what is published
@pytest.mark.shared
def test_west_midlands_says_truly_where_section_136_detentions_are_published(real_reports):
    force = _text(_section(real_reports[WEST_MIDLANDS][0], "Police contact, custody and the courts"))
    s136 = force[force.index("Section 136 Mental Health Act detentions by council."):]
    assert s136.startswith("Section 136 Mental Health Act detentions by council. It is published by police force "
                           "area in Home Office, Police powers and procedures")
    assert "https://www.gov.uk/government/collections/police-powers-and-procedures-england-and-wales" in s136


# ------------------------------------------------------------------ point 7: old data
@pytest.mark.shared
def test_west_midlands_summary_flags_figures_much_older_than_the_newest(real_reports):
    summary = _text(_section(real_reports[WEST_MIDLANDS][0], "Summary and key messages"))
    old = summary[summary.index("Old figures."):summary.index("What this report lacks.")]
    # Newest: H-CLIC October to December 2025 (homelessness/Statutory_Homelessness_Detailed_Local_Authority_
    # Data_202512.xlsx); recorded crime is the year ending December 2019 (justice/pfatablesdec19.xlsx), arrests
    # the year ending March 2019 (arrest-police-powers-procedures-mar19-hosb2519-tables.ods).
    assert "for a period ending December 2025. These are more than 3 years older" in old
    assert re.search(r"2019: [^.]*Police recorded crime \(excluding fraud\) per 1,000 population", old)
    assert "2018/19: Persons arrested for notifiable offences" in old
    assert "2025/26" not in old


# ------------------------------------------------------------------ point 8: suppression
@pytest.mark.shared
def test_west_midlands_support_needs_hide_small_counts_and_leave_none_to_work_out(real_reports):
    """homelessness/Statutory_Homelessness_Detailed_Local_Authority_Data_202512.xlsx, sheet A3, column AC
    "Offending history": Birmingham (row 35) 12, Coventry (row 79) 143, Dudley (row 91) 8, Sandwell (row 226) 4,
    Solihull (row 232) 11, Walsall (row 284) 2, Wolverhampton (row 309) 23: 203 in all. Households owed a duty
    (columns E + F + H): Coventry 106 + 0 + 508 = 614 (143 is 23.3%); the seven councils 3,428 (203 is 5.9%)."""
    page = real_reports[WEST_MIDLANDS][0]
    councils = _tables(_support_needs(page))[1]
    assert councils[0] == ["Council", *NEEDS]
    body = {r[0]: r[1:] for r in councils[1:]}
    offending = {name: cells[NEEDS.index("Offending history")] for name, cells in body.items()}
    assert offending == {"Birmingham": "1.1%", "Coventry": "23.3%", "Dudley": "1.8%", "Sandwell": "suppressed",
                         "Solihull": "3.7%", "Walsall": "suppressed", "Wolverhampton": "4.9%",
                         "West Midlands (all councils)": "5.9%"}
    for column, need in enumerate(NEEDS):  # one hidden cell beside a total could be worked out
        assert sum(cells[column] == "suppressed" for cells in body.values()) != 1, need


# ------------------------------------------------------------------ point 9: only this area's notes, each list once
@pytest.mark.shared
@pytest.mark.parametrize("code", list(FORCES))
def test_a_force_has_only_its_own_notes_and_each_list_once(real_reports, code):
    page, _ = real_reports[code]
    text = _text(page)
    methods = _text(_section(page, "Data gaps and methods"))
    for elsewhere in ("North Northamptonshire", "Cumberland", "Somerset", "Barnsley", "Buckinghamshire"):
        assert elsewhere not in methods, elsewhere
    assert "method none" not in text and "not yet confirmed against GOV.UK" not in text
    for dataset in ("Probation caseload health and social needs", "Local continuity-of-care audit"):
        assert text.count(dataset) == 1, dataset
    assert text.count("What this report lacks.") == 1
    sources = _text(_section(page, "Sources and licences"))
    assert "93356" not in sources
    assert sources.count("Statutory_Homelessness_Detailed_Local_Authority_Data_202512") == 1


# ------------------------------------------------------------------ point 10: sub-groups
@pytest.mark.shared
def test_lancashire_force_shows_support_needs_by_council(real_reports):
    """Sheet A3 as above: Blackpool (E06000009) and the 12 Lancashire districts and Blackburn with Darwen each
    get a row of the nine needs, with the force's total."""
    councils = _tables(_support_needs(real_reports[LANCASHIRE][0]))[1]
    assert councils[0] == ["Council", *NEEDS]
    names = [r[0] for r in councils[1:]]
    assert len(names) == 15 and "Blackpool" in names and names[-1] == "Lancashire (all councils)"


# ------------------------------------------------------------------ a false sentence: what suppression covers
@pytest.mark.shared
@pytest.mark.parametrize("code", list(FORCES))
def test_the_methods_say_truly_which_small_counts_are_suppressed(real_reports, code):
    """drug_deaths/drug_poisoning_registrations_by_LA.csv, column "2020": Rossendale 2, Ribble Valley 0. ONS
    publishes the 2; the report hides it (and the next smallest council) like any count of 1 to 4, and the
    methods say the rule covers publishers' tables as well as uploads."""
    methods = _text(_section(real_reports[code][0], "Data gaps and methods"))
    assert ("Small numbers are suppressed before any output, in tables from publishers as in local uploads: counts of 1 "
            "to 4 are hidden") in methods
    assert "small counts included" not in methods
    if code == LANCASHIRE:
        substance = _text(_section(real_reports[code][0], "Substance misuse and treatment"))
        assert "Rossendale 2 (0 to 7)" not in substance and "Rossendale suppressed" in substance


# ------------------------------------------------------------------ also found: aggregation, a combined row
@pytest.mark.shared
def test_west_midlands_deprivation_is_the_population_weighted_mean_of_its_boroughs(real_reports):
    """imd/IoD2019.csv lines 273-279, column average_score: Birmingham 38.067, Coventry 25.613, Dudley 24.103,
    Sandwell 34.884, Solihull 17.370, Walsall 31.555, Wolverhampton 32.102; lookups_population/england+wales_2023.csv
    lines 136-142, column "All ages": 1,166,049, 360,702, 326,680, 347,551, 218,793, 288,736, 272,425."""
    scores = [38.067, 25.613, 24.103, 34.884, 17.370, 31.555, 32.102]
    people = [1166049, 360702, 326680, 347551, 218793, 288736, 272425]
    weighted = sum(s * p for s, p in zip(scores, people)) / sum(people)
    assert f"{weighted:.1f}" == "32.0"
    wider = _text(_section(real_reports[WEST_MIDLANDS][0], "Wider determinants and inequalities"))
    assert f"IMD 2019: Average score 2019 {weighted:.1f} no data " in wider


@pytest.mark.shared
def test_west_midlands_survey_rank_counts_the_london_row_once(real_reports):
    """justice/policeforceareatablesyeendingmarch2019.xlsx, Table P6, "Percentage experienced/witnessed": 42 force
    rows (row 42 is "City of London / Metropolitan Police", one row); West Midlands (row 33) 42.03 is below only
    Merseyside 45.21 (row 17), Cleveland 44.28 (row 9) and Nottinghamshire 42.68 (row 28): 4th of 42."""
    crime = _text(_section(real_reports[WEST_MIDLANDS][0], "Recorded crime and anti-social behaviour"))
    assert ("Adults who experienced or witnessed anti-social behaviour 2018/19 42.0% 37.9% 4th highest of 42 forces "
            "in England and Wales") in crime


# ------------------------------------------------------------------ point 4: the conviction ratio
@pytest.mark.shared
def test_west_midlands_conviction_ratio_is_described_as_its_publisher_defines_it(real_reports):
    """justice/prosecutions-and-convictions.csv, West Midlands, 2017, all offences: line 2581 "Other inc Chinese"
    86.4 (162 prosecutions, 140 convictions), line 2456 Asian 84 (1,795 and 1,507), line 2623 White 87.8 (8,419 and
    7,396). Every group has 50 or more prosecutions, so each is set beside White defendants, with no test or rank."""
    courts = _text(_section(real_reports[WEST_MIDLANDS][0], "Police contact, custody and the courts"))
    ratio = courts[courts.index("Conviction ratio by ethnic group"):courts.index("Recorded crime")]
    assert ratio.startswith("Conviction ratio by ethnic group Year: 2017 (calendar year). Offences: indictable "
                            "offences (indictable-only and either-way), all offence groups together")
    assert "Other inc Chinese 140 162 86.4 per 100" in ratio and "Asian 1,507 1,795 84.0 per 100" in ratio
    assert ("Defendants in the Other inc Chinese group had 86.4 convictions per 100 prosecutions, against 87.8 for "
            "White defendants.") in ratio
    assert "too few to compare" not in ratio.split("The conviction ratio is not a rate")[0]
    for word in ("significantly", "times the rate", "highest of", "lowest of"):
        assert word not in ratio, word


# ------------------------------------------------------------------ point 3: one rule for crude rates
@pytest.mark.shared
def test_west_midlands_drug_death_crude_rate_is_compared_with_englands_crude_rate(real_reports):
    """drug_deaths/drug_poisoning_registrations_by_LA.csv lines 148-154 (the seven boroughs), columns 2018-2020:
    197 + 185 + 219 = 601 deaths; lookups_population/la_pop_estimates.csv, the same boroughs, ages summed: 2,916,458
    (2018), 2,928,592 (2019), 2,939,927 (2020). 601 / 8,784,977 person-years = 6.84 per 100,000, whose interval
    (6.3 to 7.4) holds England's crude rate of 7.4: similar, as Fingertips compares a crude rate."""
    deaths, person_years = 197 + 185 + 219, 2916458 + 2928592 + 2939927
    assert f"{deaths / person_years * 100000:.1f}" == "6.8"
    substance = _text(_section(real_reports[WEST_MIDLANDS][0], "Substance misuse and treatment"))
    assert ("Deaths related to drug poisoning per 100,000 residents (3-year pooled) 2018 - 20 6.8 per 100,000 "
            "(6.3 to 7.4) 7.4 per 100,000 ") in substance
    row = substance[substance.index("(3-year pooled) 2018 - 20 6.8 per 100,000"):][:300]
    assert " Similar " in row and "not compared" not in row.lower()
