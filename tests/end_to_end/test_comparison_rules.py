"""One rule per comparison, on the real files of ../shared/data (issue 27: points 2 and 3, and items found beside them).

Every expected value was read by hand from the raw file named beside it, not from our own output.
"""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.bundles.bundle import open_bundle

# imd/IoD2019.csv, "Index of Multiple Deprivation" rows, average_score: Allerdale 22.938, Barrow-in-Furness 31.117,
# Carlisle 21.997, Copeland 25.012, Eden 16.328, South Lakeland 12.501.
# lookups_population/la_pop_estimates.csv, year 2020 (each district's latest), sum of the single-year columns:
# Allerdale 97,831, Barrow 66,726, Carlisle 108,524, Copeland 68,041, Eden 53,754, South Lakeland 104,905.
# Cumberland = (22.938*97831 + 21.997*108524 + 25.012*68041) / 274396 = 23.08
CUMBERLAND_IMD_2019 = 23.08
# Westmorland and Furness = (31.117*66726 + 16.328*53754 + 12.501*104905) / 225385 = 18.93
WESTMORLAND_IMD_2019 = 18.93
# The Cumbria force is the two unitaries; weighted by their own latest populations (mid-2023) it is 21.2,
# as the six districts weighted by their 2020 populations give (21.21).
CUMBRIA_FORCE_IMD_2019 = 21.2
# justice/policeforceareatablesyeendingmarch2019.xlsx, Table P6, "Percentage experienced/witnessed": 42 force rows
# (38 English, "City of London / Metropolitan Police" one row of 41.99, 4 Welsh); Lancashire 31.97 has 34 rows
# above it, so it is 35th of 42. Merseyside 45.21 is 1st; the combined row is 5th.
ASB_FORCES, ASB_LANCASHIRE_RANK, ASB_LONDON_RANK = 42, 35, 5


@pytest.fixture(scope="module")
def frame(real_bundle):
    return open_bundle(real_bundle).frame


def _row(frame, indicator_id, code, period=None):
    rows = frame[(frame["indicator_id"] == indicator_id) & (frame["area_code"] == code)
                 & (frame["sex"] == "Persons") & (frame["category_type"] == "")]
    if period:
        rows = rows[rows["period"] == period]
    assert len(rows) == 1, (indicator_id, code, period, len(rows))
    return rows.iloc[0]


def test_reorganised_councils_and_their_force_get_the_population_weighted_imd_score(frame):
    """Point 6: the same population-weighted rule for councils formed since 2019 and for forces."""
    cumberland = _row(frame, "imd2019-average-score", "E06000063")
    westmorland = _row(frame, "imd2019-average-score", "E06000064")
    force = _row(frame, "imd2019-average-score", "E23000002")
    assert cumberland["value"] == pytest.approx(CUMBERLAND_IMD_2019, abs=0.01)
    assert westmorland["value"] == pytest.approx(WESTMORLAND_IMD_2019, abs=0.01)
    assert force["value"] == pytest.approx(CUMBRIA_FORCE_IMD_2019, abs=0.05)
    assert "Population-weighted mean" in cumberland["value_note"]
    assert "Not aggregable" not in cumberland["value_note"] + force["value_note"]


def test_a_council_whose_former_districts_have_no_population_says_so(frame):
    """lookups_population/la_pop_estimates.csv has no rows for Corby, Kettering... (E07000150-E07000156): it is on
    2021 boundaries. North Northamptonshire's score cannot be weighted, and its note says why, not "not aggregable"."""
    north = _row(frame, "imd2019-average-score", "E06000061")
    assert pd.isna(north["value"])
    assert north["value_note"] == ("No value: no population estimate of former areas E07000150, E07000152, E07000153, "
                                   "E07000156 to weight their scores by")


def test_no_north_west_council_lacks_an_imd_2019_score(frame):
    """A third of every North West map was hatched: every district of the region now has a score."""
    north_west = frame[(frame["indicator_id"] == "imd2019-average-score") & (frame["area_type"] == "lad")
                       & (frame["region_code"] == "E12000002")]
    assert len(north_west) == 35  # 39 districts in 2019, Cumbria's six now two
    assert north_west["value"].notna().all(), north_west.loc[north_west["value"].isna(), "area_name"].tolist()


def test_a_figure_published_for_two_forces_together_is_ranked_once(frame):
    """Point 5: the survey's City of London / Metropolitan Police row is one entry of the ranking."""
    lancashire = _row(frame, "ons-csew-asb-share", "E23000003", "2018/19")
    assert (lancashire["force_rank"], lancashire["force_count"]) == (ASB_LANCASHIRE_RANK, ASB_FORCES)
    for code in ("E23000001", "E23000034"):
        london = _row(frame, "ons-csew-asb-share", code, "2018/19")
        assert (london["force_rank"], london["force_count"]) == (ASB_LONDON_RANK, ASB_FORCES)
    # Forces below the combined row move up by one: Cumbria (23.31) is last of 42, not 43rd.
    assert _row(frame, "ons-csew-asb-share", "E23000002", "2018/19")["force_rank"] == ASB_FORCES


# fingertips/indicators-CountyUA.data.csv (indicator 93356), column "Compared to England value or percentiles",
# Persons, All ages: Blackpool 2015 Similar, 2016 Worse, 2017 Worse (file lines 41, 376, 710); Lancashire (E10000017)
# 2015 Better, 2016 Worse, 2017 Worse (lines 170, 505, 839).
PUBLISHED_LABELS = {("E06000009", "2015"): "Similar", ("E06000009", "2016"): "Worse", ("E06000009", "2017"): "Worse",
                    ("E10000017", "2015"): "Better", ("E10000017", "2016"): "Worse", ("E10000017", "2017"): "Worse"}
CI_COLUMNS = ["Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit"]


def test_an_export_with_comparison_labels_but_no_intervals_keeps_the_published_labels(shared_data):
    """Point 3: Fingertips' own comparison with England is kept where the export carries no limits to redo it."""
    from assessment.sources.fingertips.client import IndicatorMeta, parse_csv
    from assessment.stats import compare_to

    raw = pd.read_csv(shared_data / "fingertips/indicators-CountyUA.data.csv", dtype=str, keep_default_na=False)
    raw[CI_COLUMNS] = ""
    meta = {"93356": IndicatorMeta("93356", "crude rate", 100000.0, "per 100,000", "low_is_good", "ci_overlap_95",
                                   ci_method="byars")}
    frame = parse_csv(raw.to_csv(index=False), url="file:no-intervals.csv", metadata=meta)
    assert frame["lower_ci_95"].isna().all()
    compared = compare_to(frame, "E92000001")
    persons = compared[(compared["age"] == "All ages") & (compared["category_type"] == "")]
    got = {(r.area_code, r.period): r.comparison for r in persons.itertuples()
           if (r.area_code, r.period) in PUBLISHED_LABELS}
    assert got == PUBLISHED_LABELS
    # Every row Fingertips compared keeps its label; England itself is still not compared with itself.
    labelled = compared["published_comparison"].ne("")
    kept = compared.loc[labelled, "comparison"] == compared.loc[labelled, "published_comparison"]
    assert labelled.sum() > 700 and kept.all()
    assert compared.loc[compared["area_code"] == "E92000001", "comparison"].eq("Not compared").all()


# imd/File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx, sheet IMD, column E (average score)
# of the 151 upper-tier authorities: quintile bounds (20th, 40th, 60th, 80th percentiles) 15.64, 19.77, 25.558,
# 29.792. Lancashire (row 138) 23.443 is in the middle fifth (its rank of average score, column F, is 70 of 151);
# Wigan (row 67) 25.713 in the fourth, Blackpool (row 10) 45.039 in the fifth, the most deprived.
UPPER_TIER_IMD = {"E10000017": "Middle quintile", "E08000010": "Worse quintile", "E06000009": "Worst quintile"}
#: Bin labels from the lowest value to the highest, for an indicator where low is good and one without a judgement.
BIN_ORDER = {word: n for n, word in enumerate(["Best quintile", "Better quintile", "Middle quintile", "Worse quintile",
                                               "Worst quintile"])}
BIN_ORDER |= {word: n for n, word in enumerate(["Lowest quintile", "2nd lowest quintile", "Middle quintile",
                                                "2nd highest quintile", "Highest quintile"])}


def _figure_rows(rows: list[dict], indicator_id: str, figure: str = "Figure: compare areas") -> list[dict]:
    return [r for r in rows if r["Indicator ID"] == indicator_id and r["Report section"] == figure]


def test_a_chart_of_counties_and_unitaries_labels_every_bar_within_one_set(real_reports):
    """Point 2: in Blackpool's chart the county and the boroughs get quintiles among the same 153 upper-tier areas."""
    _, rows = real_reports["E06000009"]
    shown = {r["Area code"]: r["Compared with England"] for r in _figure_rows(rows, "imd2019-average-score")}
    assert {code: shown.get(code) for code in UPPER_TIER_IMD} == UPPER_TIER_IMD
    _, county_rows = real_reports["E10000017"]
    own = [r for r in county_rows if r["Indicator ID"] == "imd2019-average-score" and r["Area code"] == "E10000017"]
    assert own and {r["Compared with England"] for r in own} == {"Middle quintile"}


@pytest.mark.parametrize("code", ["E06000009", "E10000017", "E07000123", "E23000003", "E23000014"])
def test_quintile_labels_never_contradict_the_values_they_sit_beside(real_reports, code):
    """Within each chart a higher value never has a lower quintile: every bar's bin comes from one set."""
    _, rows = real_reports[code]
    checked = 0
    for figure in ("Figure: compare areas", "Figure: map"):
        for indicator_id in {r["Indicator ID"] for r in rows if r["Report section"] == figure}:
            shown = [(r["Value"], BIN_ORDER[r["Compared with England"]])
                     for r in _figure_rows(rows, indicator_id, figure)
                     if r["Value"] is not None and r["Compared with England"] in BIN_ORDER]
            shown.sort()
            assert [b for _, b in shown] == sorted(b for _, b in shown), (figure, indicator_id, shown)
            checked += len(shown) > 1
    assert checked, f"no chart of {code} shows quintiles"


def _text(page: str) -> str:
    """A rendered page's words, tags removed and typographic apostrophes made plain."""
    import html
    import re

    words = html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u2019", "'")
    return re.sub(r"\s+", " ", words)


# drug_deaths/drug_poisoning_registrations_by_LA.csv, columns 2018-2020 of the force's 14 districts (Blackburn with
# Darwen, Blackpool and the 12 Lancashire districts): 157 + 197 + 179 = 533 deaths; England 3,983 + 4,115 + 4,312
# = 12,410. lookups_population/la_pop_estimates.csv, the same districts' 2018-2020 single years summed: 4,522,728
# person-years, so 11.78 per 100,000; England 7.35. Byar's 99.8% lower limit for 533: 10.27 > 7.35.
LANCASHIRE_DRUG_RATE = (11.78, "Worse (99.8%)")


def test_one_rule_for_crude_rates_in_tables_and_the_methods_section(real_reports):
    """Point 3: a crude rate is compared with England's crude rate, as Fingertips does, and the methods say so."""
    page, rows = real_reports["E23000003"]
    text = _text(page)
    rate = [r for r in rows if r["Indicator ID"] == "ons-drug-poisoning-rate" and r["Area code"] == "E23000003"
            and r["Period"] == "2018 - 20"]
    assert rate and {round(r["Value"], 2) for r in rate} == {LANCASHIRE_DRUG_RATE[0]}
    assert {r["Compared with England"] for r in rate} == {LANCASHIRE_DRUG_RATE[1]}
    assert "A crude rate is compared with England's crude rate of the same measure" in text
    assert "never compared with an age-standardised rate" in text
    # The sentence that contradicted the table is gone from every report.
    for code in ("E23000003", "E06000009", "E10000017", "E23000014"):
        assert "so not compared with England" not in _text(real_reports[code][0]), code


def test_a_missing_trend_says_why_in_the_report(real_reports):
    """Point 4: no bare "Cannot be calculated"; the table gives the reason in words."""
    for code in ("E23000003", "E06000009", "E10000017", "E23000014"):
        assert "Cannot be calculated" not in _text(real_reports[code][0]), code
    force = _text(real_reports["E23000003"][0])
    # The registrations are a count; the rate pools three years of registrations (file columns 2018-2020).
    assert "Not calculated for a count" in force
    assert "Not calculated: the periods are 3-year pooled, not single years" in force
    assert "Not calculated for a score" in _text(real_reports["E06000009"][0])
