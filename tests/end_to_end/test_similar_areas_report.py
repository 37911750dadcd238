"""Similar areas in the rendered reports: councils' ONS neighbours, forces' computed or uploaded peers."""

from __future__ import annotations

import openpyxl
import pytest


@pytest.fixture(scope="module")
def rendered(real_reports):
    """Blackpool's and Lancashire police force area's HTML reports and appendix rows, from `jsna render`.

    The session's one render of the real areas (conftest.py: real_reports) holds both.
    """
    return {code: real_reports[code] for code in ("E06000009", "E23000003")}


def text_of(html: str) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("\u2019", "'").split())


@pytest.mark.shared
def test_blackpool_is_compared_with_its_similar_councils_in_the_report_and_appendix(rendered):
    from tests.support.html_sections import section

    page, appendix = rendered["E06000009"]
    block = text_of(section(page, "Compared with similar areas"))
    # All 15 of table 7a's neighbours: Merthyr Tydfil and Swansea count now that the geography holds Wales.
    assert ("The 15 most similar councils to Blackpool in ONS's statistical nearest neighbours (global model, "
            "table 7a), nearest first: Kingston upon Hull, City of, Nottingham, Stoke-on-Trent, Liverpool") in block
    # Drug poisoning deaths 2018-20: Blackpool 29.2 per 100,000, the highest of the 16 (itself and its 15); the others' median 13.7.
    assert "2018 - 20 29.2 per 100,000 13.7 per 100,000 7.1 to 22.2 1st of 16" in block
    # Table A3's support needs are shares of one figure, shown by council in the housing section: no row each here.
    assert "Share of households owed a homelessness duty with" not in block and "Care leaver" not in block
    assert "Care leaver 2025/26 Q3 3.5% (15)" in text_of(page)  # the housing section's table A3 (15 of 426)
    assert "<img" in section(page, "Compared with similar areas")
    assert "has the highest deaths related to drug poisoning per 100,000 residents (3-year pooled) of its 15 most " \
           "similar councils" in text_of(page)
    shown = {r["Area code"] for r in appendix if r["Report section"] == "Compared with similar areas"}
    # The first 15 of table 7a's 20 in the report's geography: Barnsley (E08000016), the 20th, is not one.
    assert {"E06000009", "E06000010", "E06000018", "E08000023"} <= shown
    assert "S12000042" not in shown and "E08000016" not in shown
    methods = text_of(section(page, "Data gaps and methods"))
    assert "Clustering similar local authorities in the UK" in methods and "Healthy life expectancy (years)" in methods


@pytest.mark.shared
def test_lancashire_force_is_compared_with_its_computed_similar_forces(rendered):
    from tests.support.html_sections import section

    page, appendix = rendered["E23000003"]
    block = text_of(section(page, "Compared with similar areas"))
    assert ("nearest first: Derbyshire, South Yorkshire, Leicestershire, Staffordshire, Northumbria, "
            "Nottinghamshire, West Mercia.") in block
    assert "of 8" in block
    methods = text_of(section(page, "Data gaps and methods"))
    assert "winsorised with table 8's neighbours-model thresholds" in methods
    assert ("London, City of (E23000034) has no similar forces and is in no force's list, as none of its "
            "councils has a value") in methods
    forces = {r["Area code"] for r in appendix if r["Report section"] == "Compared with similar areas"}
    assert {"E23000003", "E23000018", "E23000016"} <= forces


@pytest.mark.slow
@pytest.mark.parametrize("code", ["E10999001", "E23999001"])
def test_the_demo_shows_similar_areas_in_every_format(demo_reports, code):
    import docx
    from pypdf import PdfReader

    from tests.support.html_sections import section

    folder = demo_reports[code]
    files = {p.suffix: p for p in folder.iterdir()}
    block = section(files[".html"].read_text(encoding="utf-8"), "Compared with similar areas")
    assert "most similar" in text_of(block) and "<img" in block and "1 = highest" in text_of(block)
    document = docx.Document(files[".docx"])
    assert "Compared with similar areas" in [p.text for p in document.paragraphs]
    assert any("Median of similar areas" in row.cells[3].text for t in document.tables for row in t.rows[:1]
               if len(row.cells) > 3)
    pdf = " ".join(" ".join(page.extract_text() for page in PdfReader(files[".pdf"]).pages).split())
    assert "Compared with similar areas" in pdf and "Median of similar areas" in pdf
    book = openpyxl.load_workbook(files[".xlsx"], read_only=True)
    sections = {row[0] for row in book["Data"].iter_rows(min_row=2, values_only=True)}
    assert "Compared with similar areas" in sections


@pytest.mark.shared
def test_an_hmicfrs_upload_replaces_a_forces_computed_similar_forces(real_bundle, tmp_path, capsys):
    from assessment.cli import main
    from assessment.registry.all_registries import registries
    from assessment.report.area_report import AreaReport
    from assessment.bundles.bundle import open_bundle

    snapshot = next(p for p in (real_bundle.parent / "snapshots").iterdir() if not p.name.startswith("."))
    groups = tmp_path / "msg.csv"
    groups.write_text("area_code,period,rank,similar_force_code\nE23000003,2024,1,E23000005\n"
                      "E23000003,2024,2,E23000004\nE23000003,2024,3,E23000006\n", encoding="utf-8")
    out = tmp_path / "bundle"
    assert main(["build", "--snapshot", str(snapshot), "--out", str(out),
                 "--upload", f"hmicfrs_most_similar={groups}"]) == 0
    table = open_bundle(out).table("similar_areas")
    lancashire = table[(table["kind"] == "force") & (table["area_code"] == "E23000003")].sort_values("rank")
    assert list(lancashire["neighbour_code"]) == ["E23000005", "E23000004", "E23000006"]
    assert set(lancashire["method"]) == {"uploaded"}
    derbyshire = table[(table["kind"] == "force") & (table["area_code"] == "E23000018")]
    assert len(derbyshire) == 7 and set(derbyshire["method"]) == {"computed"}  # forces not listed keep theirs
    report = AreaReport.open(out, "pfa:Lancashire", figure_dir=tmp_path / "figures")
    block = text_of(report.topic_section(registries().section("similar_areas")).replace("\\", ""))
    assert "HMICFRS's most similar group, from the local upload (msg.csv), most similar first: Greater " \
           "Manchester, Merseyside, Cheshire." in block
    assert "msg.csv), its group is used instead" in text_of(report.methods_section().replace("\\", ""))

    groups.write_text("area_code,period,rank,similar_force_code\nE23000003,2024,1,E23000003\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--snapshot", str(snapshot), "--out", str(tmp_path / "other"),
                 "--upload", f"hmicfrs_most_similar={groups}"]) != 0
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "msg.csv sheet 'CSV' row 2 column similar_force_code: E23000003 is the force " \
           "itself" in error and "Traceback" not in error
    assert not (tmp_path / "other" / "bundle.json").exists()


@pytest.mark.shared
def test_a_region_has_no_similar_areas_section(real_bundle, tmp_path):
    from assessment.registry.all_registries import registries
    from assessment.report.area_report import AreaReport

    section = registries().section("similar_areas")
    assert AreaReport.open(real_bundle, "E12000002", figure_dir=tmp_path / "a").topic_section(section) == ""
    assert "Compared with similar areas" in AreaReport.open(real_bundle, "Preston",
                                                            figure_dir=tmp_path / "b").topic_section(section)
