"""The Welsh police force areas get the police and crime edition (issue 28 item 4).

Dyfed-Powys, Gwent, North Wales and South Wales are in the England and Wales justice tables, so their
police and crime needs assessment renders, compared with England and Wales and ranked among the 43
forces, with their Welsh councils. Their health, deprivation and homelessness figures come from Welsh
publishers the snapshot does not hold: the report names them (Public Health Wales, the Welsh Index of
Multiple Deprivation) and shows no English figure in their place. A Welsh council still gets no JSNA
chapter: one line naming its force.

Unit tests on a small geography first, then the real files in ../shared/data (skipped without them),
rendered as a user renders them, in HTML, DOCX, PDF and the Excel appendix.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

from assessment.cli import main
from assessment.core.errors import AreaNotFoundError
from assessment.geography import Geography
from assessment.geography.listing import area_list

from tests.support.force_checks import page_text
from tests.support.html_sections import section

DYFED_POWYS = "W15000004"
DYFED_COUNCILS = ["Carmarthenshire", "Ceredigion", "Pembrokeshire", "Powys"]
WELSH_FORCES = {"W15000001": "North Wales", "W15000002": "Gwent", "W15000003": "South Wales",
                "W15000004": "Dyfed-Powys"}
PHOF_WALES = "https://phw.nhs.wales/services-and-teams/observatory/data-and-analysis/public-health-outcomes-framework-2022"
WIMD = "https://www.gov.wales/welsh-index-multiple-deprivation"


# ------------------------------------------------------------------ a small England-and-Wales geography
def _tables() -> dict[str, pd.DataFrame]:
    """ONS-style lookups: one English district, two Welsh unitaries; the region lookup is England's only."""
    region = pd.DataFrame({"lad_code": ["E07999001"], "lad_name": ["Alder"],
                           "region_code": ["E12999001"], "region_name": ["Wessex"]})
    utla = pd.DataFrame({"lad_code": ["E07999001", "W06999001", "W06999002"],
                         "lad_name": ["Alder", "Cwm", "Dyffryn"],
                         "utla_code": ["E10999001", "W06999001", "W06999002"],
                         "utla_name": ["Northmere", "Cwm", "Dyffryn"]})
    pfa = pd.DataFrame({"lad_code": ["E07999001", "W06999001", "W06999002"],
                        "lad_name": ["Alder", "Cwm", "Dyffryn"],
                        "csp_code": ["E22999001", "W14999001", "W14999002"],
                        "csp_name": ["Alder", "Cwm", "Dyffryn"],
                        "pfa_code": ["E23999001", "W15999001", "W15999001"],
                        "pfa_name": ["Northmere Police", "Gorllewin", "Gorllewin"]})
    return {"lad_region": region, "lad_utla": utla, "lad_csp_pfa": pfa}


def test_a_welsh_force_resolves_with_its_councils_and_no_english_parent():
    geography = Geography.from_lookups(_tables(), vintage="2024")
    force = geography.report_area("Gorllewin")
    assert (force.code, force.area_type) == ("W15999001", "pfa")
    assert geography.constituent_lads("W15999001") == ["W06999001", "W06999002"]
    assert geography.parents("W15999001") == {"pfa": "W15999001"}  # not England, no region
    assert geography.parents("E07999001")["england"] == "E92000001"
    # England's roll-up is England's districts only; the force's is its Welsh councils
    assert geography.rollup_lookup("england")["child_code"].tolist() == ["E07999001"]
    assert sorted(geography.rollup_lookup("pfa")["child_code"]) == ["E07999001", "W06999001", "W06999002"]
    assert geography.peers("W15999001") == ["E23999001", "W15999001"]


def test_a_welsh_council_is_refused_a_report_in_one_line_naming_its_force():
    geography = Geography.from_lookups(_tables(), vintage="2024")
    assert geography.resolve("Cwm").code == "W06999001"  # known (its force's table names it), but no chapter
    with pytest.raises(AreaNotFoundError) as err:
        geography.report_area("Cwm")
    message = str(err.value)
    assert message.startswith("'Cwm' is Cwm (W06999001), a unitary authority in Wales: the health and justice "
                              "JSNA chapter covers councils in England only")
    assert "Gorllewin (--area W15999001)" in message and "\n" not in message


def test_the_area_list_has_the_welsh_force_and_not_its_councils():
    listed = area_list(Geography.from_lookups(_tables(), vintage="2024"))
    editions = dict(zip(listed["code"], listed["edition"]))
    assert editions["W15999001"] == "police-and-crime" and editions["E07999001"] == "jsna-chapter"
    assert not any(code.startswith(("W06", "W14")) for code in editions)


# ------------------------------------------------------------------ the real files
@pytest.fixture(scope="module")
def dyfed_powys(real_bundle, tmp_path_factory) -> dict[str, Path]:
    """Dyfed-Powys rendered once in every format: {suffix: file}."""
    out = tmp_path_factory.mktemp("welsh-reports")  # not beside the shared bundle: nothing writes there
    assert main(["render", "--area", "Dyfed-Powys", "--bundle", str(real_bundle), "--out", str(out)]) == 0
    folder = next(out.glob(f"{DYFED_POWYS}-*"))
    files = {p.name.split(DYFED_POWYS)[-1].split("-", 2)[-1] if p.name.endswith("-data.xlsx") else p.suffix: p
             for p in folder.iterdir() if not p.name.startswith(".")}
    return {("xlsx" if k.endswith("xlsx") else k.lstrip(".")): v for k, v in files.items()}


@pytest.fixture(scope="module")
def dyfed_page(dyfed_powys) -> str:
    return dyfed_powys["html"].read_text(encoding="utf-8")


@pytest.mark.shared
def test_jsna_areas_lists_the_four_welsh_forces_with_the_police_and_crime_edition(real_bundle, capsys):
    assert main(["areas", "--bundle", str(real_bundle), "--type", "pfa", "--csv"]) == 0
    rows = [line.split(",") for line in capsys.readouterr().out.splitlines()[1:]]
    forces = {row[0]: (row[1], row[-1]) for row in rows}
    assert len(forces) == 43
    assert {code: forces[code] for code in WELSH_FORCES} == {
        code: (name, "police-and-crime") for code, name in WELSH_FORCES.items()}


@pytest.mark.shared
@pytest.mark.parametrize(("query", "force"), [("Cardiff", "South Wales (--area W15000003)"),
                                              ("W06000023", "Dyfed-Powys (--area W15000004)")])
def test_a_welsh_council_gets_a_one_line_error_naming_its_force(real_bundle, tmp_path, capsys, query, force):
    code = main(["render", "--area", query, "--bundle", str(real_bundle), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code != 0 and "Traceback" not in err and len(err.splitlines()) == 1
    assert "covers councils in England only" in err and force in err
    out = tmp_path / "out"  # no report folder (a render leaves only its lock file)
    assert not out.exists() or not [p for p in out.iterdir() if not p.name.startswith(".")]


@pytest.mark.shared
def test_dyfed_powys_renders_in_every_format(dyfed_powys):
    assert {"html", "docx", "pdf", "xlsx"} <= set(dyfed_powys)
    title = "Police and crime needs assessment: Dyfed-Powys police force area"
    assert title in dyfed_powys["html"].read_text(encoding="utf-8")
    assert title in "\n".join(p.text for p in docx.Document(dyfed_powys["docx"]).paragraphs)
    pdf = subprocess.run(["pdftotext", "-layout", str(dyfed_powys["pdf"]), "-"], capture_output=True, text=True,
                         check=True).stdout
    words = " ".join(pdf.split())
    assert "Dyfed-Powys" in words and "Public Health Outcomes Framework for Wales" in words
    assert "compared with England and Wales" in words


@pytest.mark.shared
def test_dyfed_powys_england_and_wales_figures_match_the_raw_files(dyfed_page):
    text = page_text(section(dyfed_page, "Police contact, custody and the courts"))
    # arrest-police-powers-procedures-mar19-hosb2519-tables.ods, sheet A_05 row 66 (Dyfed-Powys):
    # persons arrested 2018/19 = 5,070 (also sheet A_07 row 65, all ages)
    assert re.search(r"Persons arrested for notifiable offences 2018/19 5,070 671,126", text)
    # ethnicity-stop-search-by-area.csv line 16: Dyfed-Powys "All" 15.8 per 1,000 (2023/24)
    assert "Stop and searches per 1,000 people 2023/24 15.8 per 1,000" in text
    # pfatablesdec19.xlsx, sheet Table P3 row 58 (W15000004): total recorded crime excluding fraud
    # 61.10 per 1,000 (31,656 offences, Table P1 row 58); England and Wales 89.04 (row 7)
    assert re.search(r"Police recorded crime \(excluding fraud\) per 1,000 population \(95% CI\) 2019 "
                     r"61\.1 per 1,000 \([\d.]+ to [\d.]+\) 89\.0 per 1,000", text)


@pytest.mark.shared
def test_dyfed_powys_drug_poisoning_deaths_come_from_its_welsh_councils(dyfed_powys):
    book = openpyxl.load_workbook(dyfed_powys["xlsx"], read_only=True)
    rows = list(book["Data"].iter_rows(values_only=True))
    book.close()
    header = rows[0]
    records = [dict(zip(header, r)) for r in rows[1:]]
    # drug_poisoning_registrations_by_LA.csv lines 361-364 (W06000023, W06000008, W06000009, W06000010),
    # registrations 2018, 2019 and 2020: Powys 5+13+12, Ceredigion 8+6+5, Pembrokeshire 9+8+6,
    # Carmarthenshire 18+14+16 = 120 deaths
    rate = next(r for r in records if r["Indicator ID"] == "ons-drug-poisoning-rate"
                and r["Area code"] == DYFED_POWYS and r["Period"] == "2018 - 20")
    assert rate["Count"] == 120 and round(rate["Value"], 1) == 7.7
    # the national columns of a Welsh force's appendix are England and Wales's
    assert "England and Wales value" in header and "Compared with England and Wales" in header
    assert "England value" not in header
    arrests = next(r for r in records if r["Indicator ID"] == "ho-arrests-rate" and r["Area code"] == DYFED_POWYS)
    assert round(arrests["England and Wales value"], 1) == 11.6  # not England's 11.5


@pytest.mark.shared
def test_dyfed_powys_is_compared_with_england_and_wales_never_england(dyfed_page):
    text = page_text(dyfed_page)
    assert "compares Dyfed-Powys with England and Wales and ranks it among police forces" in text
    assert "Compared with England and Wales" in text
    assert not re.search(r"Compared with England(?! and Wales)", text)
    methods = page_text(section(dyfed_page, "Data gaps and methods"))
    assert "where the rules below say England, read England and Wales" in methods
    results = text.replace(methods, "")  # the general rules are written for England
    assert len(results) > 20000
    partnerships = page_text(section(dyfed_page, "Community safety partnerships"))
    assert "key measures (one per topic, from its district and unitary councils) against the whole area and " \
        "England and Wales." in partnerships
    assert not re.search(r"(than|from|to|against) England(?! and Wales)", results)
    assert "Spine chart: Dyfed-Powys" in text and "against England and Wales (red line)" in text
    assert re.search(r"\d+(st|nd|rd|th) highest of 4[123] forces in England and Wales; [^.;]* of 4 in Wales", text)


@pytest.mark.shared
def test_dyfed_powys_names_its_welsh_councils_and_draws_their_map(dyfed_page):
    geography = page_text(section(dyfed_page, "Population and geography"))
    for council in DYFED_COUNCILS:
        assert council in geography
    assert "W06000023" in geography and "no data" not in geography.split("Who lives here")[0]
    assert re.search(r'<img[^>]+alt="Map of [^"]*districts of Dyfed-Powys', dyfed_page)
    partners = page_text(section(dyfed_page, "Partners and commissioning"))
    assert all(council in partners for council in DYFED_COUNCILS)


@pytest.mark.shared
def test_dyfed_powys_names_the_welsh_sources_of_its_health_and_deprivation_figures(dyfed_page):
    text = page_text(dyfed_page)
    assert "Dyfed-Powys is in Wales. Health is devolved in Wales but justice is not" in text
    assert "Public Health Outcomes Framework for Wales" in text and PHOF_WALES in text
    assert "Public Health Wales Observatory" in text
    wider = page_text(section(dyfed_page, "Wider determinants and inequalities"))
    assert "Welsh Index of Multiple Deprivation (WIMD 2019)" in wider and WIMD in wider
    # no English deprivation figure, and no line telling the reader to fetch England-only sources
    assert "english-indices-of-deprivation" not in dyfed_page
    assert "fetched from the Fingertips API" not in text
    assert "IMD 2019: Average score: their source covers England only" not in wider
    assert re.search(r"IMD 2019: Average score;[^.]*their source covers England only", wider)
