"""`jsna demo` end to end: real loading code on generated files, every format opens and says it is a demo."""

from __future__ import annotations

import csv
import functools
import re
from html.parser import HTMLParser

import docx
import openpyxl
import pytest
import yaml
from pypdf import PdfReader

from assessment.core.paths import DATA_SOURCES_DIR


SECTIONS = ["Summary and key messages", "Population and geography", "Wider determinants and inequalities",
            "Children and young people", "Violence and domestic abuse", "Substance misuse and treatment",
            "Mental health, self-harm and suicide", "Homelessness and accommodation", "Reoffending",
            "Local data", "Data gaps and methods", "Sources and licences"]


class _Html(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.headings, self.th, self.text = [], [], 0, []
        self._in_heading = None

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
        if tag in ("h1", "h2", "h3"):
            self._in_heading = tag
            self.headings.append([tag, ""])
        if tag == "th":
            self.th += 1

    def handle_endtag(self, tag):
        if tag == self._in_heading:
            self._in_heading = None

    def handle_data(self, data):
        self.text.append(data)
        if self._in_heading:
            self.headings[-1][1] += data


DISTRICT = "E07999004"  # Dunmere: a district of the demo county, with a suppressed local count
FORCE = "E23999001"
AREAS = ["E07999004", "E10999001", FORCE]


@pytest.fixture(scope="module")
def demo(demo_reports):
    """`jsna demo` (county and force), then `jsna render` for one of its districts (tests/conftest.py)."""
    return demo_reports


def _texts(folder) -> dict[str, str]:
    """Each output's text: HTML parsed, DOCX paragraphs and tables, PDF extracted, XLSX cells."""
    files = _files(folder)
    parser = _Html()
    parser.feed(files[".html"].read_text())
    document = docx.Document(files[".docx"])
    docx_text = [p.text for p in document.paragraphs]
    docx_text += [" | ".join(c.text for c in row.cells) for t in document.tables for row in t.rows]
    book = openpyxl.load_workbook(files[".xlsx"])
    cells = [" | ".join("" if c.value is None else str(c.value) for c in row)
             for ws in book.worksheets for row in ws.iter_rows()]
    return {"html": "".join(parser.text), "docx": "\n".join(docx_text),
            "pdf": "\n".join(page.extract_text() for page in PdfReader(files[".pdf"]).pages),
            "xlsx": "\n".join(cells)}


def _files(folder):
    return {p.suffix: p for p in folder.iterdir()}


@pytest.mark.slow
def test_demo_writes_every_format_for_county_and_force(demo):
    assert set(demo) == set(AREAS)
    for folder in demo.values():
        files = _files(folder)
        assert {".html", ".docx", ".pdf", ".xlsx"} <= set(files)


@pytest.mark.slow
@pytest.mark.parametrize("code", AREAS)
def test_html_is_accessible_and_complete(demo, code):
    parser = _Html()
    parser.feed(_files(demo[code])[".html"].read_text())
    headings = [" ".join(text.split()) for tag, text in parser.headings]
    levels = [int(tag[1]) for tag, _ in parser.headings]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), f"heading levels skip: {levels}"
    for section in SECTIONS:
        assert section in headings
    assert parser.images and all(img.get("alt") and len(img["alt"]) > 40 for img in parser.images)
    assert parser.th > 10
    text = "".join(parser.text)
    assert "Demonstration data" in text
    labels = re.findall(r"(Better \(99\.8%\)|Worse \(99\.8%\)|Better|Worse|Similar|Not compared|Higher|Lower)", text)
    assert len(labels) > 10  # every benchmark is also written as text


@pytest.mark.slow
@pytest.mark.parametrize("code", AREAS)
def test_pdf_has_text_and_demo_notice_on_every_page(demo, code):
    reader = PdfReader(_files(demo[code])[".pdf"])
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 5
    assert all("Demonstration data" in page for page in pages)
    assert "Substance misuse and treatment" in " ".join(pages)


@pytest.mark.slow
@pytest.mark.parametrize("code", AREAS)
def test_docx_opens_with_real_headings_tables_and_demo_header(demo, code):
    document = docx.Document(_files(demo[code])[".docx"])
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Substance misuse and treatment" in headings
    assert len(document.tables) > 5
    assert "Demonstration data" in document.sections[0].header.paragraphs[0].text
    described = [s._inline.docPr.get("descr") for s in document.inline_shapes]
    assert described and all(d and len(d) > 40 for d in described)


def _appendix_rows(folder) -> list[dict]:
    """The appendix's Data sheet: one dict per figure, keyed by the header row."""
    sheet = openpyxl.load_workbook(_files(folder)[".xlsx"])["Data"]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]


def _published(folder, name: str) -> list[dict]:
    """A file the demo wrote in the publisher's format (``sources/``, beside the reports), as text rows."""
    path = next((folder.parent.parent / "sources").rglob(name))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_force_report_is_built_from_district_counts(demo):
    html = _files(demo[FORCE])[".html"].read_text()
    assert "Northmere and Port Alder Police" in html
    assert "never by averaging rates" in html
    assert "Not aggregable" in html  # directly standardised rates without age-specific data
    # The force's districts and their upper-tier authorities, from the lookups the demo publishes.
    lookup = _published(demo[FORCE], "LAD24_CSP24_PFA24_EW_LU.csv")
    districts = {r["LAD24CD"] for r in lookup if r["PFA24CD"] == FORCE}
    upper = {r["UTLA24CD"] for r in _published(demo[FORCE], "LTLA24_UTLA24_EW_LU.csv") if r["LTLA24CD"] in districts}
    assert len(districts) == 5 and upper == {"E10999001", "E06999001"}
    # Every Fingertips count and denominator of the force is the sum of its districts' in the publisher's file
    # (or of its upper-tier authorities', for an indicator published for those only).
    export = [r for r in _published(demo[FORCE], "all_data_demo.csv") if r["Category Type"] == ""]
    rows = [r for r in _appendix_rows(demo[FORCE]) if r["Area code"] == FORCE and r["Count"] is not None
            and r["Source"] == "OHID Fingertips (aggregated from districts)" and r["Category"] is None]
    assert len({r["Indicator ID"] for r in rows}) >= 25
    for row in rows:
        same = [r for r in export if (r["Indicator ID"], r["Time period"], r["Sex"], r["Age"])
                == (row["Indicator ID"], row["Period"], row["Sex"], row["Age"])]
        parts = [r for r in same if r["Area Code"] in districts]
        parts = parts if len(parts) == len(districts) else [r for r in same if r["Area Code"] in upper]
        assert len(parts) in (len(districts), len(upper)), row
        assert row["Count"] == sum(float(r["Count"]) for r in parts), row
        assert row["Denominator"] == sum(float(r["Denominator"]) for r in parts), row
    # Read by hand: violence offences 2023/24 in the five districts, 4,276 + 8,510 + 11,964 + 5,482 + 5,599
    # offences over 828,224 residents, per 1,000.
    violence = next(r for r in rows if r["Indicator ID"] == "11202" and r["Period"] == "2023/24")
    assert violence["Count"] == 35831 and violence["Value"] == pytest.approx(35831 / 828224 * 1000)


#: Where each figure of the demo comes from: (the source named beside it, the file it was read from).
FINGERTIPS_SOURCE = ("OHID Fingertips", "demo:all_data_demo.csv")
PUBLISHER_SOURCES = {
    "ho_arrests": ("Home Office, Police powers and procedures: arrests",
                   "demo:arrest-police-powers-procedures-demo-tables.ods"),
    "ons_pfa_crime": ("ONS, Crime in England and Wales: Police Force Area data tables", "demo:pfatables-demo.xlsx"),
    "eff_conviction_ratio": ("Cabinet Office Race Disparity Unit, Ethnicity facts and figures",
                             "demo:prosecutions-and-convictions-demo.csv"),
    "eff_stop_search_by_area": ("Cabinet Office Race Disparity Unit, Ethnicity facts and figures",
                                "demo:ethnicity-stop-search-by-area-demo.csv"),
    "ons_population": ("ONS mid-year population estimates", "demo:mye_2023_demo.csv"),
}
UPLOAD_SOURCE = ("Local upload: Local continuity-of-care audit (prison release to community treatment)",
                 "continuity_of_care_audit.csv (sheet CSV)")
AGGREGATED = " (aggregated from districts)"
#: The age profile's bands come from the estimates by single year of age, a file of their own.
AGE_BANDS_FILE = "demo:mye_by_age_2022_demo.csv"


@functools.cache
def _catalogue_sources() -> dict[str, str]:
    """Each catalogue indicator's id -> its source (the first entry with that id), read from indicators.yaml once:
    the appendix has thousands of rows, and parsing the catalogue again for each was most of this file's time."""
    entries = yaml.safe_load((DATA_SOURCES_DIR / "indicators.yaml").read_text(encoding="utf-8"))["indicators"]
    sources: dict[str, str] = {}
    for e in entries:
        sources.setdefault(str(e.get("fingertips_id") or e.get("indicator_id")), e["source"])
    return sources


def _expected_source(indicator_id: str) -> tuple[str, str]:
    """The source and file of an indicator: its catalogue entry's source, or the demo's upload."""
    if indicator_id.startswith("local-coc-"):
        return UPLOAD_SOURCE
    source = _catalogue_sources()[indicator_id]
    return FINGERTIPS_SOURCE if source == "fingertips" else PUBLISHER_SOURCES[source]


@pytest.mark.slow
def test_appendix_lists_the_figures_with_sources(demo):
    book = openpyxl.load_workbook(_files(demo["E10999001"])[".xlsx"])
    sheet = book["Data"]
    header = [c.value for c in sheet[1]]
    for column in ("Indicator", "Area", "Value", "Lower 95% CI", "Upper 95% CI", "Compared with England",
                   "Source", "Snapshot date"):
        assert column in header
    assert sheet.max_row > 50
    about = " ".join(str(c.value) for c in book["About"]["A"] if c.value)
    assert "Demonstration data" in about
    # Each figure names the publisher and the file it came from; a figure the report summed from its
    # districts says so, and only for an area above a district.
    for code in ("E10999001", FORCE):
        rows = _appendix_rows(demo[code])
        sources = {r["Source"] for r in rows}
        assert {FINGERTIPS_SOURCE[0], UPLOAD_SOURCE[0], *(s for s, _ in PUBLISHER_SOURCES.values())} <= sources
        for row in rows:
            source, address = _expected_source(row["Indicator ID"])
            if row["Indicator ID"] == "ons-population" and row["Age"] != "All ages":
                address = AGE_BANDS_FILE
            # England's age bands (the age profile's) are summed from the demo's districts too.
            summed = row["Area code"][:3] in ("E10", "E23", "E92") and row["Source"] == source + AGGREGATED
            assert row["Source"] == source or summed, (code, row["Indicator ID"], row["Area code"], row["Source"])
            assert row["Source address"] == address, (code, row["Indicator ID"], row["Source address"])
            assert row["Snapshot date"] == "2026-11-01"


@pytest.mark.slow
@pytest.mark.parametrize("code", AREAS)
def test_a_suppressed_local_value_reaches_no_output(demo, code):
    """Dunmere's 3 of 29 (10.3%) engaged within 3 weeks, and the cell hidden to protect it, are nowhere."""
    from assessment.demo.uploads import SMALL_CELL
    from assessment.stats import wilson_limits
    from assessment.core.safe_text import format_value

    _, period, count, released = SMALL_CELL
    lower, upper = (float(x[0]) for x in wilson_limits([count], [released], 0.95))
    secrets = [f"{format_value(100 * count / released, 'proportion', 100)} "
               f"({format_value(100 * lower, 'proportion', None)} to {format_value(100 * upper, 'proportion', None)})",
               f"{100 * count / released:.4f}"]
    texts = _texts(demo[code])
    for name, text in texts.items():
        flat = " ".join(text.split())
        for secret in secrets:
            assert secret not in flat, f"{name} shows the suppressed value {secret}"
        assert "suppressed" in flat.lower(), name
    # The Dunmere rows of the local table say suppressed instead of a value, in HTML, DOCX and XLSX alike.
    local = "engaged within 3 weeks of release (local audit)"
    docx_rows = [r for r in texts["docx"].splitlines() if local in r and "Dunmere" in r and period in r]
    assert docx_rows and all("suppressed" in r and f"| {count} |" not in r for r in docx_rows)
    book = openpyxl.load_workbook(_files(demo[code])[".xlsx"])
    sheet = book["Data"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    hidden = [r for r in rows if r["Area code"] == DISTRICT and r["Period"] == period
              and r["Indicator ID"] == "local-coc-3wk"]
    assert hidden and all(r["Value"] is None and r["Count"] is None and r["Lower 95% CI"] is None
                          and str(r["Suppressed"]).lower() in ("true", "yes") for r in hidden)
    shown = [r for r in rows if r["Indicator ID"] == "local-coc-3wk" and r["Count"] is not None]
    assert shown and all(not 1 <= float(r["Count"]) <= 4 for r in shown)


def _appendix_rows(folder) -> list[dict]:
    sheet = openpyxl.load_workbook(_files(folder)[".xlsx"])["Data"]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]


@pytest.mark.slow
@pytest.mark.parametrize("code", AREAS)
def test_numbers_in_the_narrative_equal_the_appendix(demo, code):
    parser = _Html()
    parser.feed(_files(demo[code])[".html"].read_text())
    text = " ".join("".join(parser.text).split())  # inline tags (a period span) add no spaces
    messages = [r for r in _appendix_rows(demo[code]) if r["Report section"] == "Summary and key messages"]
    assert len(messages) >= 5
    checked = 0
    for row in messages:
        if row["Value"] is None:  # a summed count: no standardised rate for the force, never "insufficient data"
            found = re.search(re.escape(f"For {row['Indicator']} in {row['Area']} ({row['Period']}), the counts add "
                                        "up to ") + r"([\d,]+)", text, flags=re.I)
            assert found and float(found.group(1).replace(",", "")) == row["Count"], row["Indicator"]
            continue
        # a message opens "the figure for <indicator> in <area> (" or "In <area>, <indicator> ("; the
        # indicator's name is lower-cased inside the sentence; England's figure follows "England (" or
        # "England's rate (" ("about twice England's rate (1.0 per 1,000)")
        indicator, area = re.escape(row["Indicator"]), re.escape(row["Area"])
        lead = rf"(?:{indicator} in {area}|in {area}, {indicator}) \("
        found = re.search(lead + r"([\d,.]+)(?:%| per [\d,]+)?, " + re.escape(str(row["Period"])) + r"\)(.*?England(?:[’']s \w+)? \(([\d,.]+))?",
                          text, flags=re.I)
        assert found, f"no sentence for {row['Indicator']}"
        assert float(found.group(1).replace(",", "")) == pytest.approx(round(float(row["Value"]), 1), abs=1e-9)
        if found.group(3) and row["England value"] is not None:
            assert float(found.group(3).replace(",", "")) == pytest.approx(round(float(row["England value"]), 1))
        checked += 1
    assert checked >= 3


@pytest.mark.slow
@pytest.mark.parametrize("code", AREAS)
def test_every_benchmark_in_the_tables_has_a_text_label(demo, code):
    document = docx.Document(_files(demo[code])[".docx"])
    labels = ("Better", "Worse", "Similar", "Higher", "Lower", "Not compared", "quintile", "quartile")
    benchmark_tables = [t for t in document.tables if "Compared with England" in [c.text for c in t.rows[0].cells]]
    assert len(benchmark_tables) >= 7
    for table in benchmark_tables:
        column = [c.text for c in table.rows[0].cells].index("Compared with England")
        for row in table.rows[1:]:
            assert any(label in row.cells[column].text for label in labels), row.cells[column].text
    styles = {t.style.name for t in document.tables if t.style is not None}
    assert styles and styles != {"Normal Table"}


@pytest.mark.slow
def test_the_same_template_fits_district_county_and_force(demo):
    texts = {code: _texts(demo[code])["html"] for code in AREAS}
    assert "Dunmere (local authority district, E07999004)" in " ".join(texts["E07999004"].split())
    force = " ".join(texts["E23999001"].split())
    assert "covers 5 districts in 2 upper-tier authorities" in force
    assert "Spine chart" in force and "Spine chart" in texts["E10999001"]
    for code in AREAS:
        assert "Source: OHID Fingertips" in texts[code]
