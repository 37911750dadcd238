"""A force report a PCC office can use: the councils inside the force, its rank among forces, no blanks.

On the demo force ("Northmere and Port Alder Police": Northmere county and Port Alder unitary) and on
the real Lancashire force (Lancashire County Council, Blackpool and Blackburn with Darwen), rendered
as a user renders them. Expected real values were read by hand from the raw files named beside them.
"""

from __future__ import annotations

import re

import pytest

from tests.support.force_checks import (check_councils_in_every_section, check_no_command_text,
                                        check_rank_for_every_force_value, check_summary, council_rows,
                                        councils_by_section, force_row, sections, summed_count, table_rows)

DEMO_FORCE, DEMO_FORCE_NAME = "E23999001", "Northmere and Port Alder Police"
DEMO_COUNCILS = {"E10999001": "Northmere", "E06999001": "Port Alder"}
DEMO_DISTRICTS = {"E07999001": "Alderholt Vale", "E07999002": "Brackenfold", "E07999003": "Coldharbour",
                  "E07999004": "Dunmere"}
#: The district and unitary councils a force's tables name (the upper tier only where districts have no figure).
DEMO_FORCE_COUNCILS = {**DEMO_DISTRICTS, "E06999001": "Port Alder"}


@pytest.fixture(scope="module")
def demo(demo_reports):
    bundle = next(iter(demo_reports.values())).parent.parent / "bundle"
    return demo_reports, bundle


def _page(folder) -> str:
    return next(folder.glob("*.html")).read_text(encoding="utf-8")


@pytest.mark.slow
def test_demo_force_names_each_council_in_every_topic_that_has_its_figures(demo):
    reports, bundle = demo
    expected = councils_by_section(bundle, DEMO_FORCE, DEMO_FORCE_COUNCILS)
    assert check_councils_in_every_section(_page(reports[DEMO_FORCE]), expected) >= 6


@pytest.mark.slow
def test_demo_county_names_each_district_in_every_topic_that_has_its_figures(demo):
    reports, bundle = demo
    expected = councils_by_section(bundle, "E10999001", DEMO_DISTRICTS)
    assert check_councils_in_every_section(_page(reports["E10999001"]), expected) >= 5


@pytest.mark.slow
def test_demo_continuity_of_care_shows_each_council_with_its_own_comparison(demo):
    reports, _ = demo
    rows = council_rows(reports[DEMO_FORCE], "Continuity of care after release from prison")
    # The demo's published upper-tier rows (bundle: Northmere 167/468, Port Alder 103/194).
    assert rows["Northmere"]["Value (95% CI)"].startswith("35.7%")
    assert rows["Northmere"]["Compared with England"] == "Worse"
    assert rows["Port Alder"]["Value (95% CI)"].startswith("53.1%")
    assert rows["Port Alder"]["Compared with England"] == "Better (99.8%)"
    assert rows["Northmere"]["Share of Northmere and Port Alder Police population"] == "71%"
    section = sections(_page(reports[DEMO_FORCE]))["Substance misuse and treatment"]
    assert ("the councils differ on continuity of care after release from prison: Port Alder (53.1%) is better "
            "than England (40.1%) while Northmere (35.7%) is worse") in section


@pytest.mark.slow
def test_demo_force_gives_drug_deaths_and_suicide_as_summed_counts(demo):
    reports, bundle = demo
    from assessment.bundles.bundle import open_bundle

    headline = open_bundle(bundle).headline()
    for indicator_id, name in (("92432", "Deaths from drug misuse"), ("41001", "Suicide rate")):
        rows = headline.indicator(indicator_id)
        latest = rows[rows["period"] == rows["period"].max()]
        districts = latest[latest["area_code"].isin(["E06999001", *DEMO_DISTRICTS])]
        assert len(districts) == 5 and districts["count"].notna().all()
        shown = summed_count(force_row(reports[DEMO_FORCE], name, DEMO_FORCE_NAME), DEMO_FORCE_NAME)
        assert shown == districts["count"].sum(), name
        assert set(council_rows(reports[DEMO_FORCE], name)) == set(DEMO_FORCE_COUNCILS.values())  # their own rates


@pytest.mark.slow
def test_demo_force_ranks_every_indicator_with_a_force_value(demo):
    reports, _ = demo
    assert check_rank_for_every_force_value(reports[DEMO_FORCE], DEMO_FORCE_NAME) >= 15
    alts = re.findall(r'alt="([^"]*)"', _page(reports[DEMO_FORCE]))
    compare = [a for a in alts if a.startswith("Bar chart of") and "for 6 areas" in a]
    assert compare and all("Rank among forces (1 = highest value):" in a and "English forces" in a for a in compare)
    assert "Region" not in {h for row in table_rows(reports[DEMO_FORCE]) for h in row}


@pytest.mark.slow
@pytest.mark.parametrize("code", ["E07999004", "E10999001", DEMO_FORCE])
def test_demo_documents_carry_no_command_text(demo, code):
    reports, _ = demo
    check_no_command_text(reports[code])


@pytest.mark.slow
def test_demo_summary_covers_the_core_measures_and_never_says_insufficient_data(demo):
    reports, _ = demo
    summary = check_summary(_page(reports[DEMO_FORCE]), mentions=[
        "Continuity of care after release from prison", "Deaths from drug misuse", "Suicide rate",
        "Households owed a homelessness duty", "Proven reoffending", "First time entrants", "Violence offences"])
    assert re.search(r"For deaths from drug misuse in Northmere and Port Alder Police \( ?2021 - 23 ?\), the counts add "
                     r"up to \d+, a crude rate of", summary)
    assert "Inside the force area, the councils differ on" in summary
    check_summary(_page(reports["E10999001"]), mentions=["Continuity of care after release from prison"])


@pytest.mark.slow
def test_demo_population_profile_and_national_claims(demo):
    reports, _ = demo
    page = sections(_page(reports[DEMO_FORCE]))
    geography = page["Population and geography"]
    assert "Who lives here." in geography and "Aged 65 and over" in geography
    assert all(name in geography for name in DEMO_COUNCILS.values())
    assert "Age profile: " in _page(reports[DEMO_FORCE]) or "age band" in _page(reports[DEMO_FORCE])
    housing = page["Homelessness and accommodation"]
    assert "(Ministry of Justice and HMPPS, cited by the Prison Reform Trust and the Local Government Association, " \
           "2023)" in housing
    violence = page["Violence and domestic abuse"]
    assert "Read with care: Violence offences." in violence and "recording practice" in violence


# ------------------------------------------------------------------ the real Lancashire force
LANCASHIRE = "E23000003"
LANCASHIRE_NAME = "Lancashire police force area"
# The force's 14 district and unitary councils (lookups_population/lookup_ltla24_csp24_pfa24.csv, PFA E23000003).
LANCASHIRE_COUNCILS = {"E06000008": "Blackburn with Darwen", "E06000009": "Blackpool", "E07000117": "Burnley",
                       "E07000118": "Chorley", "E07000119": "Fylde", "E07000120": "Hyndburn", "E07000121": "Lancaster",
                       "E07000122": "Pendle", "E07000123": "Preston", "E07000124": "Ribble Valley",
                       "E07000125": "Rossendale", "E07000126": "South Ribble", "E07000127": "West Lancashire",
                       "E07000128": "Wyre"}


@pytest.fixture(scope="module")
def real(real_force_report, real_bundle):
    # every format (the no-command-text check reads the DOCX and PDF too), rendered once (conftest.py)
    return real_force_report, real_bundle


@pytest.mark.shared
def test_real_force_names_each_council_in_every_topic_that_has_its_figures(real):
    report, bundle = real
    expected = councils_by_section(bundle, LANCASHIRE, LANCASHIRE_COUNCILS)
    assert check_councils_in_every_section(_page(report), expected) >= 3


@pytest.mark.shared
def test_real_force_title_and_ranks(real):
    report, _ = real
    page = _page(report)
    assert "<title>Police and crime needs assessment: Lancashire police force area</title>" in page
    assert check_rank_for_every_force_value(report, LANCASHIRE_NAME) >= 10
    # drug_deaths/drug_poisoning_registrations_by_LA.csv, column "2020": Blackburn with Darwen 25, Blackpool 42,
    # the 12 Lancashire districts 112 (file lines 19, 20 and 44-55; Burnley 15, Preston 17, Ribble Valley 0,
    # Rossendale 2, West Lancashire 6): 179 for the force. Rossendale's 2 is a small count, hidden with the next
    # smallest council's 6 so that 179 minus the councils shown does not give it back.
    rows = council_rows(report, "Deaths related to drug poisoning (registrations)")
    assert [rows[n]["Value (95% CI)"].split(" ")[0] for n in ("Blackburn with Darwen", "Blackpool", "Burnley",
                                                               "Preston", "Ribble Valley", "Rossendale",
                                                               "West Lancashire")] == \
        ["25", "42", "15", "17", "0", "suppressed", "suppressed"]
    force = force_row(report, "Deaths related to drug poisoning (registrations)", LANCASHIRE_NAME)
    assert force[f"{LANCASHIRE_NAME} (95% CI)"].startswith("179 ")
    # ONS drug-poisoning deaths cover Wales: the force is ranked among the 43 forces (issue 28 item 4)
    assert re.search(r"\d+(st|nd|rd|th) highest of 43 forces in England and Wales",
                     force["Rank among forces (1 = highest)"])


# imd/IoD2019.csv, column average_score of the "Index of Multiple Deprivation" rows of the force's 14 districts, and
# lookups_population/england+wales_2023.csv, column "All ages" (lines 19, 20 and the Lancashire district lines).
IMD_2019_SCORES = {"E06000008": 36.013, "E06000009": 45.039, "E07000117": 37.793, "E07000118": 16.863,
                   "E07000119": 15.875, "E07000120": 34.333, "E07000121": 24.165, "E07000122": 30.723,
                   "E07000123": 29.531, "E07000124": 10.594, "E07000125": 24.062, "E07000126": 15.330,
                   "E07000127": 18.645, "E07000128": 20.858}
POPULATIONS_2023 = {"E06000008": 157503, "E06000009": 142708, "E07000117": 96435, "E07000118": 119352,
                    "E07000119": 83846, "E07000120": 84261, "E07000121": 145559, "E07000122": 97039,
                    "E07000123": 156411, "E07000124": 64469, "E07000125": 71541, "E07000126": 113552,
                    "E07000127": 120703, "E07000128": 116994}


@pytest.mark.shared
def test_real_force_deprivation_score_is_the_population_weighted_mean_of_its_districts(real):
    report, _ = real
    weighted = sum(IMD_2019_SCORES[c] * POPULATIONS_2023[c] for c in IMD_2019_SCORES) / sum(POPULATIONS_2023.values())
    assert round(weighted, 1) == 26.7
    row = force_row(report, "IMD 2019: Average score", LANCASHIRE_NAME)
    assert row[f"{LANCASHIRE_NAME} (95% CI)"] == f"{weighted:.1f}"
    # 38: Cumbria's score is now the weighted mean of its councils' (issue 27); Northamptonshire's former districts
    # have no population estimate in the data (la_pop_estimates.csv already has North and West Northamptonshire).
    assert re.search(r"highest of 38 English forces", row["Rank among forces (1 = highest)"])
    councils = council_rows(report, "IMD 2019: Average score")  # IoD2019.csv, each district's own score
    assert {n: r["Value (95% CI)"] for n, r in councils.items()} == {
        LANCASHIRE_COUNCILS[code]: f"{score:.1f}" for code, score in IMD_2019_SCORES.items()}


@pytest.mark.shared
def test_real_force_documents_carry_no_command_text_and_a_summary_without_gaps(real):
    report, _ = real
    check_no_command_text(report)
    summary = check_summary(_page(report), mentions=["Deaths related to drug poisoning",
                                                     "Households owed a prevention or relief duty",
                                                     "Violence against the person offences"])
    assert "Inside the force area, the councils differ on" in summary
    # No continuity-of-care (C20) file is in ../shared/data (fingertips/PROVENANCE.md), so the force
    # report gives no message on it; it names it among the core measures it lacks (issue 27), and the
    # demo test checks that it reports it when the data are there.
    messages, lacks = summary.split("What this report lacks.")
    assert "continuity of care after release from prison" not in messages.lower()
    assert "continuity of care after release from prison. fingertips indicator 90976" in lacks.lower()
