"""The "Police contact, custody and the courts" section, from real justice files to rendered HTML.

As a user does it: `jsna import ../shared/data`, `jsna build`, `jsna render` of a force, a council in it
and two other forces. Every expected value was read by hand from the raw file named beside it
(../shared/data/justice, see its PROVENANCE.md), not from our own output.
"""

from __future__ import annotations

import csv
import re

import pytest

from assessment.cli import main

from tests.support.html_sections import heading_block, section

from tests.support.justice_tables import _table_rows, _text


SECTION = "Police contact, custody and the courts"

AREAS = {"pfa:Lancashire": "E23000003", "Blackpool": "E06000009", "pfa:West Midlands": "E23000014",
         "pfa:Greater Manchester": "E23000005"}


@pytest.fixture(scope="module")
def rendered(real_reports):
    missing = set(AREAS.values()) - set(real_reports)
    assert not missing, f"add {missing} to conftest.REAL_AREAS"
    return real_reports


def _section(page: str, title: str = SECTION) -> str:
    return section(page, title)


def _part(section_html: str, title: str) -> str:
    """The text of one subsection (the next heading level down) of the section."""
    found = heading_block(section_html, title)
    if found is None:
        raise AssertionError(f"no subsection {title!r}")
    return _text(found)


def _row(section_html: str, first_cell: str) -> list[str]:
    found = [r for r in _table_rows(section_html) if r and r[0] == first_cell]
    assert found, (first_cell, [r[0] for r in _table_rows(section_html) if r])
    return found[0]


def _appendix_row(appendix, indicator, code, period, category=None):
    rows = [r for r in appendix if r["Indicator ID"] == indicator and r["Area code"] == code
            and r["Period"] == period and (category is None or r.get("Category") == category)]
    assert rows, (indicator, code, period, category)
    return rows[0]


@pytest.mark.shared
def test_lancashire_force_report_has_every_part_with_ranks(rendered):
    page, appendix = rendered["E23000003"]
    section = _section(page)
    text = _text(section)
    assert "The figures are the Lancashire police force area's." in text
    # Arrests: Lancashire is `..` in every PFA table of the Home Office file (A_05 row 15, footnote 2),
    # so not available with the footnote and not ranked; England and Wales 671,126 (A_07 "ENGLAND AND WALES").
    arrests = _row(section, "Persons arrested for notifiable offences")
    assert arrests[1:] == ["2018/19", "not available", "671,126", "not ranked"]
    assert _row(section, "Arrests per 1,000 population (95% CI)")[2:5:2] == ["not available", "not ranked"]
    assert "unable to provide complete arrests data" in _part(section, "Arrests")
    assert "The sex and age profile of the force's arrests is not available either." in _part(section, "Arrests")
    # Stop and search: ethnicity-stop-search-by-area.csv line 25 "Lancashire","7.7","10.3","17.1","7.0","5.9","3.5";
    # line 3 "All - excluding BTP","8.7",... ; Black 17.1 / White 5.9 = 2.90, England and Wales 23.7 / 5.8 = 4.09.
    overall = _row(section, "Stop and searches per 1,000 people")
    assert overall[1:4] == ["2023/24", "7.7 per 1,000", "8.7 per 1,000"]
    assert re.fullmatch(r"(\d+(st|nd|rd|th) )?(highest|lowest) of \d+ forces", overall[4])
    black = _row(section, "Black")
    assert black[1:5] == ["17.1 per 1,000", "23.7 per 1,000", "2.90", "4.09"]
    assert re.fullmatch(r"(\d+(st|nd|rd|th) )?(highest|lowest) of \d+ forces", black[5])
    assert ("Black people were stopped and searched at 2.9 times the rate of White people (no interval: "
            "the publisher gives rates only); the England and Wales ratio is 4.1.") in text
    # Conviction ratio: prosecutions-and-convictions.csv line 2603, Lancashire 2017 White: 86.3, denominator
    # 2675, numerator 2309.
    # A description, not a rate: no interval and no rank among forces (tests/end_to_end/test_conviction_ratio.py).
    white = [r for r in _table_rows(section) if r and r[0] == "White" and r[1:3] == ["2,309", "2,675"]][0]
    assert white[3:] == ["86.3 per 100", "85.3 per 100", "reference"]
    # Recorded crime: pfatablesdec19.xlsx Table P1 row 17 (E23000003 148,288) and Table P3 row 17 (population
    # 1,498,300, rate 98.97); England and Wales P1 row 7 5,013,284 and P3 row 7 rate 89.04; P4 row 7 45,627
    # knife offences, P6 row 16 Lancashire 76.6 per 100,000.
    crime = _row(section, "Police recorded crime (excluding fraud) per 1,000 population (95% CI)")
    assert crime[1:4] == ["2019", "99.0 per 1,000 (98.5 to 99.5)", "89.0 per 1,000"]
    assert re.fullmatch(r"(\d+(st|nd|rd|th) )?(highest|lowest) of \d+ forces", crime[4])
    knife = _row(section, "Knife and sharp instrument offences per 100,000 population (95% CI)")
    assert knife[2].startswith("76.6 per 100,000") and "highest of" in knife[4]
    assert "changes in recording practice move the figures" in _part(section, "Recorded crime")
    assert _appendix_row(appendix, "ons-crime-total-rate", "E23000003", "2019")["Count"] == 148288
    assert _appendix_row(appendix, "ons-crime-total-rate", "K04000001", "2019")["Count"] == 5013284
    assert _appendix_row(appendix, "ons-knife-offences-rate", "K04000001", "2019")["Count"] == 45627
    assert _appendix_row(appendix, "ho-arrests", "K04000001", "2018/19")["Value"] == 671126
    # The measures no public table gives, each with the local dataset that carries it, in readers' words.
    missing = _part(section, "What this report does not measure")
    for name, dataset in [("Health needs of people detained in police custody", "Police custody health needs"),
                          ("Liaison and Diversion assessments and onward referrals", "Liaison and diversion referrals"),
                          ("Section 136 Mental Health Act detentions by council", "Section 136 detentions by council")]:
        assert name in missing and f"\u201c{dataset}\u201d" in missing
    assert "jsna" not in text and "upload-template" not in text


@pytest.mark.shared
def test_west_midlands_arrests_and_conviction_ratio_equal_the_files(rendered):
    page, _ = rendered["E23000014"]
    section = _section(page)
    # arrest-police-powers-procedures-mar19-hosb2519-tables.ods, sheet A_05: West Midlands 36,627, rate 12.56.
    arrests = _row(section, "Persons arrested for notifiable offences")
    assert arrests[2:4] == ["36,627", "671,126"] and "highest of" in arrests[4]
    rate = _row(section, "Arrests per 1,000 population (95% CI)")
    assert rate[2].startswith("12.6 per 1,000") and "highest of" in rate[4]
    assert _row(section, "Share of arrests that were of women and girls")[2].startswith("14.1%")  # 5,168 / 36,627
    # prosecutions-and-convictions.csv line 2623: West Midlands 2017 White 87.8, 8419 prosecuted, 7396 convicted.
    white = [r for r in _table_rows(section) if r and r[0] == "White" and r[1:3] == ["7,396", "8,419"]][0]
    assert white[3] == "87.8 per 100"


@pytest.mark.shared
def test_withheld_greater_manchester_crime_is_not_a_number_and_not_ranked(rendered):
    page, appendix = rendered["E23000005"]
    section = _section(page)
    # pfatablesdec19.xlsx Table P1 row 16 and Table P3 row 16: Greater Manchester `..` (footnote 8: new IT system).
    crime = _row(section, "Police recorded crime (excluding fraud) per 1,000 population (95% CI)")
    assert crime[1:] == ["2019", "not available", "89.0 per 1,000", "not ranked"]
    assert "new IT system in July 2019" in _part(section, "Recorded crime")
    shown = _appendix_row(appendix, "ons-crime-total-rate", "E23000005", "2019")
    assert shown["Value"] is None and shown["Count"] is None
    # In the Lancashire report (Greater Manchester is one of its region's forces), no Greater Manchester
    # figure for December 2019 carries a number either.
    _, lancashire = rendered["E23000003"]
    # (Other 2019 figures for it, such as its population-weighted IMD 2019 score, are not withheld.)
    gmp = [r for r in lancashire if r["Area code"] == "E23000005" and r["Period"] == "2019"
           and r["Indicator ID"].startswith("ons-")]
    assert all(r["Value"] is None for r in gmp)


@pytest.mark.shared
def test_blackpool_shows_the_lancashire_force_figures_labelled_as_the_forces(rendered, shared_data):
    page, _ = rendered["E06000009"]
    section = _section(page)
    text = _text(section)
    # lookups_population/lookup_ltla24_csp24_pfa24.csv: the districts whose pfa24_name is Lancashire.
    with open(shared_data / "lookups_population" / "lookup_ltla24_csp24_pfa24.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    councils = {r["ltla24_code"] for r in rows if r["pfa24_name"] == "Lancashire"}
    assert len(councils) == 14
    assert "These are the Lancashire police force area's figures, not Blackpool's alone." in text
    assert f"Blackpool is one of {len(councils)} councils in the Lancashire police force area." in text
    assert [c for c in _table_rows(section)[0]][2] == "Lancashire police force area"
    assert _row(section, "Stop and searches per 1,000 people")[2] == "7.7 per 1,000"
    assert _row(section, "Persons arrested for notifiable offences")[2] == "not available"
    assert "rates for each offence group are in the report for the Lancashire police force area" in text


def _staged_copy(shared_data, folder, replace: dict):
    """The real data folder as symlinks, with the files named in ``replace`` swapped for broken copies."""
    for path in shared_data.rglob("*"):
        if path.is_file() and path.name not in replace:
            target = folder / path.relative_to(shared_data)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path.resolve())
    return folder


@pytest.mark.shared
@pytest.mark.parametrize("change, expected", [
    (("A_05", "Lancashire2", "Lancs Constabulary"), ["arrests.ods: sheet 'A_05' row 15", "'Lancs Constabulary'"]),
    ("A_07", ["arrests.ods: no sheet 'A_07'", "offence group"]),
])
def test_a_broken_arrests_workbook_stops_the_build_with_one_line(shared_data, tmp_path, capsys, change, expected):
    from tests.support.ods_copies import _ods_copy

    name = "arrest-police-powers-procedures-mar19-hosb2519-tables.ods"
    folder = _staged_copy(shared_data, tmp_path / "data", {name: None})
    options = {"rename": change} if isinstance(change, tuple) else {"drop": change}
    _ods_copy(shared_data / "justice" / name, folder / "justice" / "arrests.ods", **options)
    assert main(["import", str(folder), "--out", str(tmp_path / "snapshots")]) == 0
    capsys.readouterr()
    snapshot = next(p for p in (tmp_path / "snapshots").iterdir() if not p.name.startswith("."))  # not the lock
    assert main(["build", "--snapshot", str(snapshot), "--out", str(tmp_path / "bundle")]) != 0
    error = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(error) == 1 and all(part in error[0] for part in expected), error
    assert not (tmp_path / "bundle").exists()


def test_the_demo_force_and_county_reports_have_the_section(demo_reports):
    # The demo writes its police force area tables in the publishers' layouts (assessment/demo/justice.py)
    # and reads them through the real recognisers and readers. Expected values read by hand in the files
    # `jsna demo` wrote under sources/justice/ (seeded, so the same every run):
    # - arrest-police-powers-procedures-demo-tables.ods, sheet A_05 row 7 (Northmere and Port Alder Police):
    #   Persons 2024/25 (column I) 10,839, Females 2024/25 (column F) 1,414 -> 13.0%, rate (column K)
    #   13.087; the rates of Oakshire (13.120) and Fellshire (13.039) either side; Riverdale's rate is '*'.
    # - ethnicity-stop-search-by-area-demo.csv, "Northmere & Port Alder Police": All 4.5, Black 12.3,
    #   White 3.5 (ratio 3.51); "All - excluding BTP" All 5.0.
    # - prosecutions-and-convictions-demo.csv, 2024, White: 6,080 convictions of 7,441 prosecutions (81.7).
    # - pfatables-demo.xlsx, Table P3 row 10 (E23999001): population 828,200, total rate 88.50.
    force = _section(next(demo_reports["E23999001"].glob("*.html")).read_text(encoding="utf-8"))
    text = _text(force)
    assert "The data snapshot has no police force area tables" not in text
    assert "Northmere and Port Alder Police force area" in text and "Police police" not in text
    arrests = _part(force, "Arrests")
    # the last of the six forces is "lowest of 6", never "6th highest of 6"
    assert "Persons arrested for notifiable offences 2024/25 10,839 88,664 lowest of 6 forces" in arrests
    # one peer force's rate is withheld: it is not ranked, so five forces are
    assert "Arrests per 1,000 population (95% CI) 2024/25 13.1 per 1,000" in arrests
    assert "2nd highest of 5 forces" in arrests
    assert "Share of arrests that were of women and girls 2024/25 13.0%" in arrests
    assert "Share of arrests of people aged 10-17" in arrests and "Share of arrests of people aged 21+" in arrests
    searches = _part(force, "Stop and search")
    assert "Stop and searches per 1,000 people 2024/25 4.5 per 1,000 5.0 per 1,000" in searches
    assert "Black 12.3 per 1,000 12.5 per 1,000 3.51" in searches
    assert "Black people were stopped and searched at 3.5 times the rate of White people" in searches
    assert "year ending March 2025 (demonstration)" in searches
    convictions = _part(force, "Conviction ratio by ethnic group")
    assert "White 6,080 7,441 81.7 per 100" in convictions
    crime = _part(force, "Recorded crime")
    assert "88.5 per 1,000" in crime and re.search(r"(highest|lowest) of 6 forces", crime)
    assert "Section 136 Mental Health Act detentions by council" in _part(force, "What this report does not measure")
    county = _section(next(demo_reports["E10999001"].glob("*.html")).read_text(encoding="utf-8"))
    county_text = _text(county)
    assert "These are the Northmere and Port Alder Police force area's figures, not Northmere's alone" in county_text
    assert "Northmere County Council covers 4 of the 5 councils in the Northmere and Port Alder Police" in county_text
    assert "13.1 per 1,000" in _part(county, "Arrests")
    assert "81.7 per 100" in _part(county, "Conviction ratio by ethnic group")


def test_a_force_missing_from_a_measures_tables_gets_no_part_for_it(demo_bundle, tmp_path):
    """England and Wales's rows of each measure but none of the force's (a force a table leaves out): each
    part is left out, never a table whose period reads "None" nor a crash reading a release not there."""
    from assessment.bundles.bundle import open_bundle
    from assessment.report.area_data import AreaData
    from assessment.report.context import AppendixRecorder, FigureWriter, ReportContext
    from assessment.report.force_figures import ForceFigures
    from assessment.report.sections import police_courts

    bundle = open_bundle(demo_bundle)
    data = AreaData(bundle, bundle.geography.resolve("E23999001"))
    report = ReportContext(data, FigureWriter(tmp_path), AppendixRecorder(bundle.snapshot_date))
    section = next(s for s in data.sections() if s.kind == "police_courts")
    rows = bundle.force_rows()
    whole = ForceFigures.of(rows, "E23999001", "Northmere and Port Alder Police")
    left_out = ForceFigures.of(rows[rows["area_code"] != "E23999001"], "E23999001", "Northmere and Port Alder Police")
    parts = (police_courts.arrests, police_courts.stop_and_search, police_courts.conviction_ratio,
             police_courts.recorded_crime)
    assert all(part(report, whole, section) for part in parts)
    assert set(left_out.rows["area_code"]) == {"K04000001"}
    assert not any(part(report, left_out, section) for part in parts)


def test_the_demo_justice_files_are_told_by_their_content(tmp_path):
    # `jsna import` would file each demo table under the publisher entry whose reader the demo uses.
    from assessment.demo import write_demo_sources
    from assessment.snapshots.importer import recognise

    sources = write_demo_sources(tmp_path)
    keys = {role: recognise(path).key for role, path in sources.items() if role.startswith("justice_")}
    assert keys == {"justice_arrests": "ho_arrests", "justice_pfa_crime": "ons_pfa_crime",
                    "justice_conviction_ratio": "eff_conviction_ratio",
                    "justice_stop_search_by_area": "eff_stop_search_by_area",
                    "justice_stop_search_national": "eff_stop_search_national"}
