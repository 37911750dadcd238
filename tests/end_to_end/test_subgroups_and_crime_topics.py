"""Issue 27's open points on the real files: support needs by council, one England value per measure, crime in its topic.

Rendered once by the `real_reports` fixture (tests/conftest.py) from ../shared/data; every test skips
cleanly without it. Values hand-checked against the raw files:

- homelessness/Statutory_Homelessness_Detailed_Local_Authority_Data_202512.xlsx (October to December
  2025), sheet A3, row E06000009 Blackpool: offending history 71, care leaver 18-20 / 21-24 / 25+ /
  retired option 10 / 3 / 2 / 0, young person 16-17 7 and 18-25 33, history of mental health problems
  135, served in HM Forces 1; row E07000117 Burnley: care leaver 2 / 0 / 2 / 0. Sheet A1, Blackpool:
  426 households owed a prevention or relief duty.
- justice/pfatablesdec19.xlsx, Table P3 rows 7 and 8: England and Wales 89.04, England 88.02 offences
  per 1,000; Table P6 rows 6 and 7 (2019 column): England and Wales 81.04, England 82.81 knife and
  sharp instrument offences per 100,000.
"""

from __future__ import annotations

import re

import pytest

from assessment.core.safe_text import md

from tests.support.html_sections import section as section_html
from tests.support.report_text import _text

from tests.support.support_needs import NEEDS, _support_needs, _tables


BLACKPOOL, LANCASHIRE_COUNTY, LANCASHIRE_FORCE, WEST_MIDLANDS = "E06000009", "E10000017", "E23000003", "E23000014"


# ------------------------------------------------------------------ point 10: sub-groups
@pytest.mark.shared
def test_blackpool_support_needs_equal_table_a3_and_small_counts_are_hidden(real_reports):
    page, appendix = real_reports[BLACKPOOL]
    area = _tables(_support_needs(page))[0]
    assert area[0] == ["Support need", "Quarter", "Blackpool", "England"]
    rows = {r[0]: r[1:] for r in area[1:]}
    assert list(rows) == NEEDS
    assert rows["Offending history"] == ["2025/26 Q3", "16.7% (71)", "10.2%"]  # 71 / 426
    assert rows["Care leaver"][1] == "3.5% (15)"  # 10 + 3 + 2 + 0 = 15 of 426
    assert rows["Young person"][1] == "9.4% (40)"  # 7 + 33
    assert rows["Mental health"][1] == "31.7% (135)"
    assert rows["HM Forces"][1] == "suppressed"  # 1 household: hidden with its share
    forces = [r for r in appendix if r["Indicator ID"] == "mhclg-need-hm-forces-share"
              and r["Area code"] == BLACKPOOL and r["Period"] == "2025/26 Q3"]
    assert forces and all(r["Count"] is None and r["Value"] is None for r in forces)
    # A hidden figure keeps no judgement made from it ("suppressed" beside "Similar" contradicts itself).
    assert all(r["Compared with England"] == "Not compared" for r in forces)
    # Shown once, in their own part: not repeated in the topic's benchmark table.
    topic = section_html(page, "Homelessness and accommodation")
    assert "care leaver" not in _text(topic[:topic.index("Housing on release")]).lower()


@pytest.mark.shared
@pytest.mark.parametrize("code", [LANCASHIRE_COUNTY, LANCASHIRE_FORCE])
def test_councils_support_needs_never_leave_one_hidden_figure_to_work_out(real_reports, code):
    page, _ = real_reports[code]
    councils = _tables(_support_needs(page))[1]
    assert councils[0] == ["Council", *NEEDS]
    body = {r[0]: r[1:] for r in councils[1:]}
    total = next(name for name in body if name.endswith("(all councils)"))
    # Burnley's care leavers: 2 + 0 + 2 + 0 = 4 households, so hidden with its share.
    assert body["Burnley"][NEEDS.index("Care leaver")] == "suppressed"
    for column, need in enumerate(NEEDS):
        cells = [cells[column] for cells in body.values()]
        # The total is the councils' counts added up: one hidden cell among them could be worked out.
        assert sum(c == "suppressed" for c in cells) != 1, (code, need, cells)
        assert all(re.fullmatch(r"\d+\.\d%|suppressed|no data", c) for c in cells), (need, cells)
    assert body[total][NEEDS.index("Mental health")].endswith("%")


# ------------------------------------------------------------------ two England values for one measure
@pytest.mark.shared
@pytest.mark.parametrize("code", [LANCASHIRE_FORCE, WEST_MIDLANDS])
def test_each_comparator_of_recorded_crime_is_named_with_its_value(real_reports, code):
    page, _ = real_reports[code]
    crime = _text(section_html(page, "Recorded crime"))
    assert ("Police recorded crime (excluding fraud) per 1,000 population, 2019: England and Wales 89.0 per 1,000, "
            "England 88.0 per 1,000") in crime
    assert ("Knife and sharp instrument offences per 100,000 population, 2019: England and Wales 81.0 per 100,000, "
            "England 82.8 per 100,000") in crime
    topic = _tables(section_html(page, "Recorded crime and anti-social behaviour"))[0]
    assert topic[0][3] == "England"
    total = next(r for r in topic if r[0].startswith("Police recorded crime (excluding fraud)"))
    assert total[3] == "88.0 per 1,000"


# ------------------------------------------------------------------ misplaced indicators
@pytest.mark.shared
@pytest.mark.parametrize("code", [LANCASHIRE_FORCE, WEST_MIDLANDS])
def test_crime_rates_sit_in_their_topics_not_under_wider_determinants(real_reports, code):
    page, _ = real_reports[code]
    violence = _text(section_html(page, "Violence and domestic abuse"))
    assert "No published indicators" not in violence
    for name in ("Violence against the person offences", "Sexual offences", "Robbery offences",
                 "Knife and sharp instrument offences"):
        assert name in violence, name
    crime = _text(section_html(page, "Recorded crime and anti-social behaviour"))
    for name in ("Police recorded crime (excluding fraud)", "Theft offences", "Anti-social behaviour incidents"):
        assert name in crime, name
    wider = _text(section_html(page, "Wider determinants and inequalities"))
    assert "offences per" not in wider and "Anti-social behaviour" not in wider


# ------------------------------------------------------------------ point 10: health indicators by sex and age
@pytest.mark.shared
def test_a_split_is_shown_only_where_the_export_publishes_one(real_reports):
    # ../shared/data/fingertips: the one Fingertips export (indicators-CountyUA.data.csv) is indicator 93356,
    # not in the catalogue, and the other extracts are persons only: no report invents a split.
    for code in (BLACKPOOL, LANCASHIRE_COUNTY, LANCASHIRE_FORCE):
        assert "By sex and age" not in _text(real_reports[code][0]), code


def test_the_demo_shows_suicide_by_sex_as_its_export_publishes_it(demo_bundle, tmp_path):
    from assessment.report import AreaReport

    report = AreaReport.open(demo_bundle, "E10999001", figure_dir=tmp_path / "figures")
    section = next(s for s in report.sections() if s.key == "mental_health")
    text = report.topic_section(section)
    split = text[text.index("By sex and age"):]
    frame = report.data.bundle.frame
    suicide = frame[(frame["indicator_id"] == "41001") & (frame["area_code"] == "E10999001")
                    & (frame["period"] == frame.loc[frame["indicator_id"] == "41001", "period"].max())]
    counts = suicide.set_index("sex")["count"]
    assert counts["Male"] + counts["Female"] == counts["Persons"]  # the demo's export adds up as a real one
    for sex in ("Male", "Female"):
        row = suicide.set_index("sex").loc[sex]
        assert md(f"{sex}, all ages") in split and md(f"{row['value']:.1f} per 100,000") in split
    # Indicators the export gives for persons only (self-harm, wellbeing...) get no row.
    table = split[:split.index("\n\n", split.index("|"))]
    rows = [line for line in table.splitlines() if line.startswith("|") and "---" not in line][1:]
    assert len(rows) == 2 and all(md("Suicide rate") in line for line in rows)


# ------------------------------------------------------------------ a rank ranked inside the area
@pytest.mark.shared
def test_a_rank_keeps_its_own_order_inside_the_county(real_reports):
    # ../shared/data/imd/IoD2019.csv, Index of Multiple Deprivation rows: Burnley (E07000117) rank of average
    # score 8, the most deprived of Lancashire's 12 districts; Ribble Valley (E07000124) 283, the least.
    page, _ = real_reports[LANCASHIRE_COUNTY]
    rows = [r for table in _tables(section_html(page, "Wider determinants and inequalities")) for r in table
            if r and r[0].startswith("IMD 2019: rank of average score")]
    by_district = {r[1]: r for r in rows if len(r) > 5}
    # The cell says its order: "1st" beside the lowest number would contradict the column's "1 = highest".
    assert by_district["Burnley"][2] == "8" and by_district["Burnley"][5] == "1st of 12 (1 = ranked first)"
    assert by_district["Ribble Valley"][2] == "283"
    assert by_district["Ribble Valley"][5] == "12th of 12 (1 = ranked first)"
