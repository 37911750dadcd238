"""Real public data to a correct report, as a user does it: `jsna import`, `jsna build`, `jsna render`.

Every expected value below was read by hand from the raw file named beside it
(../shared/data), not from our own output.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.support.report_text import _section, _text


# drug_deaths/drug_poisoning_registrations_by_LA.csv, column "2020" (file lines 20, 43, 68, 67, 349; the Lancashire
# force is its 14 districts: lines 19 + 20 + the 12 Lancashire districts = 179)
DRUG_DEATHS_2020 = {"E06000009": 42, "E10000017": 112, "E23000003": 179, "E06000065": 51, "E23000009": 73,
                    "E06000066": 44}

# homelessness/Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods, sheet A1: column G "Total owed a
# prevention or relief duty" and column P "Number of households in area (000s)"; Blackpool row 40, Preston row 209
OWED_DUTY = {"E06000009": (426, 65.014), "E07000123": (221, 64.608)}

# imd/IoD2019.csv line 10 (Blackpool: average_score 45.039, rank_average_score 1); imd/File_11_..._upper-tier__.xlsx
# sheet IMD rows 138 and 143 (columns E and F); imd/indices_of_deprivation_2025_lad.csv line 82 (Blackpool 43.467, 1)
IMD_2019 = {"E06000009": (45.039, 1), "E10000017": (23.443, 70), "E06000065": (14.762, 125)}

IMD_2025_BLACKPOOL = (43.467, 1)

# lookups_population/england+wales_2023.csv, column "All ages": lines 20, 38, 62, 45
POPULATION_2023 = {"E06000009": "142,708", "E10000017": "1,270,162", "E06000065": "627,629", "E07000123": "156,411"}

AREAS = {"E10000017": "E10000017", "pfa:Lancashire": "E23000003", "Blackpool": "E06000009",
         "E06000065": "E06000065", "pfa:North Yorkshire": "E23000009", "E06000066": "E06000066",
         "Preston": "E07000123"}


@pytest.fixture(scope="module")
def rendered(real_bundle, real_reports):
    missing = set(AREAS.values()) - set(real_reports)
    assert not missing, f"add {missing} to conftest.REAL_AREAS"
    return real_bundle.parent, real_reports


def _figure(appendix, indicator, code, period=None):
    rows = [r for r in appendix if r["Indicator ID"] == indicator and r["Area code"] == code
            and (period is None or r["Period"] == period)]
    assert rows, (indicator, code, period)
    return rows[0]


@pytest.mark.shared
def test_drug_poisoning_deaths_in_reports_equal_the_ons_file(rendered):
    _, reports = rendered
    for code, deaths in DRUG_DEATHS_2020.items():
        page, appendix = reports[code]
        row = _figure(appendix, "ons-drug-poisoning-deaths", code, "2020")
        assert row["Count"] == deaths and row["Value"] == deaths, code
        assert re.search(rf"Deaths related to drug poisoning \(registrations\) 2020 {deaths} \(", _text(page)), code
        assert row["Publisher release"] == "2020 registrations"


@pytest.mark.shared
def test_households_owed_a_duty_and_their_rate_equal_the_mhclg_file(rendered):
    _, reports = rendered
    for code, (owed, thousands) in OWED_DUTY.items():
        page, appendix = reports[code]
        row = _figure(appendix, "mhclg-owed-duty", code, "2025/26 Q3")
        assert (row["Count"], row["Denominator"]) == (owed, round(thousands * 1000))
        assert row["Value"] == pytest.approx(owed / thousands)  # per 1,000 households
        assert f"{owed / thousands:.1f} per 1,000" in _text(page)
        assert row["Publisher release"] == "H-CLIC October to December 2025"
    assert "6.6 per 1,000" in _text(reports["E06000009"][0]) and "3.4 per 1,000" in _text(reports["E07000123"][0])


@pytest.mark.shared
def test_deprivation_scores_and_ranks_equal_the_iod_files(rendered):
    _, reports = rendered
    for code, (score, rank) in IMD_2019.items():
        _, appendix = reports[code]
        assert _figure(appendix, "imd2019-average-score", code)["Value"] == pytest.approx(score)
        assert _figure(appendix, "imd2019-rank-average-score", code)["Value"] == rank
    _, appendix = reports["E06000009"]
    assert (_figure(appendix, "imd2025-average-score", "E06000009")["Value"],
            _figure(appendix, "imd2025-rank-average-score", "E06000009")["Value"]) == pytest.approx(IMD_2025_BLACKPOOL)
    # A county's IMD 2025 score is not published: it is the mean of its 12 districts' scores
    # (imd/indices_of_deprivation_2025_lad.csv, "Index of Multiple Deprivation" rows, average_score) weighted
    # by their mid-2023 populations (lookups_population/england+wales_2023.csv, "All ages").
    scores = {"E07000117": 38.681, "E07000118": 16.381, "E07000119": 15.712, "E07000120": 35.43,
              "E07000121": 22.408, "E07000122": 35.285, "E07000123": 28.762, "E07000124": 9.997,
              "E07000125": 25.988, "E07000126": 14.136, "E07000127": 18.265, "E07000128": 20.864}
    people = {"E07000117": 96435, "E07000118": 119352, "E07000119": 83846, "E07000120": 84261, "E07000121": 145559,
              "E07000122": 97039, "E07000123": 156411, "E07000124": 64469, "E07000125": 71541, "E07000126": 113552,
              "E07000127": 120703, "E07000128": 116994}
    county = _figure(reports["E10000017"][1], "imd2025-average-score", "E10000017")
    assert county["Value"] == pytest.approx(sum(scores[c] * people[c] for c in scores) / sum(people.values()))
    assert round(county["Value"], 2) == 23.56


@pytest.mark.shared
def test_mid_2023_population_is_in_the_geography_section(rendered):
    _, reports = rendered
    for code, people in POPULATION_2023.items():
        assert f"an estimated {people} residents" in _text(reports[code][0]), code


@pytest.mark.shared
@pytest.mark.parametrize("code", sorted(set(AREAS.values())))
def test_topic_sections_carry_figures_charts_and_sentences(rendered, code):
    _, reports = rendered
    page, _ = reports[code]
    for title in ("Substance misuse and treatment", "Homelessness and accommodation",
                  "Wider determinants and inequalities"):
        part = _section(page, title)
        assert "<table" in part and "No published indicators" not in part, (code, title)
        assert re.search(r"<li>[^<]*(Deaths|Households|People|IMD)[^<]* (in|for) ", part), (code, title)
        assert "<img" in part, (code, title)
    if code.startswith("E23"):  # a force's average score is a population-weighted mean; its rank cannot be added up
        assert re.search(r"IMD 2019: Average score in [^(]+\(\d+\.\d, 2019\)", _text(page))
        assert "not aggregable" in _text(page)


@pytest.mark.shared
def test_sources_name_the_releases_loaded_and_the_bundle_states_its_geography_decisions(rendered):
    folder, reports = rendered
    sources = _text(_section(reports["E06000009"][0], "Sources and licences"))
    for release in ("H-CLIC October to December 2025", "H-CLIC January to March 2025", "IoD2019 File 11",
                    "Rough sleeping snapshot autumn 2022", "2020 registrations"):
        assert release in sources
    meta = json.loads((folder / "bundle" / "bundle.json").read_text())
    notes = meta["geography_notes"]
    assert any("North Yorkshire (E06000065): figures published for North Yorkshire (E10000023)" in n
               and "are not added to them" in n for n in notes)
    assert any(n.startswith("Cumbria (E10000006) was split between Cumberland (E06000063) and Westmorland and "
                            "Furness (E06000064)") for n in notes)
    assert any("figures published under E08000038" in n for n in notes)
    assert any("drug_poisoning_registrations_by_LA.csv ranks first" in n for n in meta["source_notes"])
    assert meta["skipped_indicators"] == ["93356 (Campylobacter incidence rate/100,000) (indicators-CountyUA.data.csv)"]
