"""Publication quality, measured in the clients readers use.

The demo's county, district and force reports (rendered once per session, see
conftest.py) are checked as a reader meets them: the PDF's word boxes
(poppler), the HTML in headless Chromium with axe-core, and the Word file
opened and converted by LibreOffice. Tests that need a program skip with the
install command when it is absent (see the README's test set-up).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest
import yaml

from assessment.core.paths import DATA_SOURCES_DIR, TEMPLATES_DIR
from tests.support import output_checks as checks

COUNTY, FORCE, DISTRICT = "E10999001", "E23999001", "E07999004"
AREAS = [DISTRICT, COUNTY, FORCE]
MM = 72 / 25.4
#: The PDF's page and text block (the template's format: typst: options): A4, 20 mm sides, 25 mm top, 22 mm bottom.
A4 = (595.28, 841.89)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 20 * MM, 25 * MM, 22 * MM


def needs(kind: str) -> None:
    checks.needs(kind)


def section_titles(code: str) -> list[str]:
    """Every section of an area's report: the template's own headings, and its edition's parts and sections, in order.

    A district has no community safety partnerships inside it, so no profiles section.
    """
    template = [line[3:].strip() for line in (TEMPLATES_DIR / "report.qmd").read_text().splitlines()
                if line.startswith("## ")]
    raw = yaml.safe_load((DATA_SOURCES_DIR / "report_sections.yaml").read_text())
    titles = {s["key"]: s["title"] for s in raw["sections"]}
    edition = raw["editions"]["police-and-crime" if code == FORCE else "jsna-chapter"]
    middle = [title for part in edition["parts"]
              for title in [part.get("title")] + [titles[k] for k in part["sections"]
                                                  if not (code == DISTRICT and k == "community_safety")] if title]
    return template[:2] + middle + template[2:]


def file_of(folder: Path, suffix: str) -> Path:
    return next(p for p in folder.iterdir() if p.suffix == suffix)


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


# ---------------------------------------------------------------------------- PDF
@pytest.fixture(scope="module")
def pdfs(demo_reports):
    needs("pdf")
    return {code: (file_of(folder, ".pdf"), checks.pdf_pages(file_of(folder, ".pdf")))
            for code, folder in demo_reports.items()}


def _images_per_page(pdf: Path) -> dict[int, int]:
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    counts: dict[int, int] = {}
    for line in listing.splitlines()[2:]:
        page = int(line.split()[0])
        counts[page] = counts.get(page, 0) + 1
    return counts


@pytest.mark.slow
@pytest.mark.parametrize("code", AREAS)
def test_pdf_words_are_never_printed_on_top_of_each_other(pdfs, code):
    pairs = checks.overlapping_words(pdfs[code][1])
    assert pairs == [], [f"p{a.page}: {a.text!r} / {b.text!r}" for a, b in pairs[:10]]


@pytest.mark.slow
@pytest.mark.parametrize("code", AREAS)
def test_pdf_text_stays_inside_the_margins(pdfs, code):
    """Body text inside the 170 mm text block; only the running header above it, page numbers below."""
    pages = pdfs[code][1]
    assert all(abs(p.width - A4[0]) < 1 and abs(p.height - A4[1]) < 1 for p in pages)
    words = [w for p in pages for w in p.words]
    sideways = [w.text for w in words if w.x0 < MARGIN_X - 1.5 * MM or w.x1 > A4[0] - MARGIN_X + 1.5 * MM]
    assert sideways == []
    above = {w.text for w in words if w.y1 < MARGIN_TOP - 1.5 * MM}
    below = {w.text for w in words if w.y0 > A4[1] - MARGIN_BOTTOM + 1.5 * MM}
    assert above <= set("Demonstration data: not a real area".split())
    assert below and all(text.isdigit() for text in below)
    assert all(w.y0 > 8 * MM and w.y1 < A4[1] - 8 * MM for w in words)


@pytest.mark.slow
@pytest.mark.parametrize("code", AREAS)
def test_pdf_has_a_bookmark_per_section_a_title_and_a_language(pdfs, code):
    from pypdf import PdfReader

    pdf = pdfs[code][0]
    outline = checks.outline_titles(pdf)
    positions = [outline.index(title) for title in section_titles(code)]
    assert positions == sorted(positions)
    reader = PdfReader(str(pdf))
    edition = "Police and crime needs assessment: " if code == FORCE else "Health and justice needs assessment: "
    assert reader.metadata.title.startswith(edition)
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


@pytest.mark.slow
@pytest.mark.parametrize("code", AREAS)
def test_pdf_figures_carry_alt_text_and_fill_the_text_block(pdfs, code):
    from pypdf import PdfReader

    pdf = pdfs[code][0]
    alts = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if node.get("/S") == "/Figure":
            alts.append(str(node.get("/Alt", "")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object") or isinstance(kid, dict):
                walk(kid)

    walk(PdfReader(str(pdf)).trailer["/Root"]["/StructTreeRoot"])
    images = sum(_images_per_page(pdf).values())
    assert images >= 5 and len(alts) == images
    assert all(len(alt) > 40 for alt in alts)
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
    # Drawn at the text block's width (170 mm at 120 dpi = 803 px) and printed at 100% of it: 120 ppi.
    assert {line.split()[3] for line in listing.splitlines()[2:]} == {"803"}
    assert {line.split()[12] for line in listing.splitlines()[2:]} == {"120"}


@pytest.mark.slow
def test_pdf_long_table_breaks_across_pages_with_its_header_repeated(pdfs):
    pages = pdfs[FORCE][1]
    with_rows = [p for p in pages if any(w.text == "audit)" for w in p.words)]
    assert len(with_rows) >= 2  # the force's local-audit table runs over several pages
    for page in with_rows:
        header = [w for w in page.words if w.text == "Denominator"]
        first_row = min(w.y0 for w in page.words if w.text == "audit)")
        assert header and header[0].y1 <= first_row, f"page {page.number} has rows without the header row"


@pytest.mark.slow
@pytest.mark.parametrize("code", AREAS)
def test_pdf_has_no_page_holding_only_a_heading(pdfs, code):
    pdf, pages = pdfs[code]
    images = _images_per_page(pdf)
    for page in pages:
        body = [w for w in page.words if MARGIN_TOP - 2 * MM < w.y0 < A4[1] - MARGIN_BOTTOM]
        assert len(body) > 30 or images.get(page.number), f"page {page.number}: {' '.join(w.text for w in body)}"


def test_a_figure_whose_caption_holds_brackets_keeps_its_image_in_the_pdf(tmp_path):
    """The caption ``\\]`` that md() writes used to stop the image being copied where typst reads."""
    needs("pdf")
    from assessment.charts import compare_areas
    from assessment.render.outputs import localise_images, to_pdf, write_source

    frame = pd.DataFrame({"area_code": ["A", "B"], "area_name": ["Alpha", "Beta"], "value": [1.0, 2.0],
                          "lower_ci_95": [0.5, 1.5], "upper_ci_95": [1.5, 2.5], "comparison": ["Similar"] * 2})
    chart = compare_areas(frame, highlight="A", reference_value=1.5, reference_label="England",
                          indicator="Rate", period="2023")
    image = chart.save(tmp_path / "elsewhere" / "chart.png")
    body = f'Text.\n\n![Rate \\[per 1,000\\] in 2023]({image}){{fig-alt="{chart.alt_text}"}}\n'
    build = tmp_path / "build"
    body = localise_images(body, build, tmp_path)  # typst reads images under its root, the build folder
    assert "media/" in body
    source = write_source(body, {"title": "T", "lang": "en-GB"}, build / "doc.md")
    pdf = to_pdf(source, build / "doc.pdf", {"title": "T"})
    assert sum(_images_per_page(pdf).values()) == 1
    assert "Rate [per 1,000] in 2023" in flat(checks.pdf_text(pdf))


# ---------------------------------------------------------------------------- HTML
class _Structure(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.tables, self.mains, self.navs, self.nav_headings = [], [], 0, 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            scroll = next((a for t, a in reversed(self.stack) if t == "div"), {})
            self.tables.append({"scroll": scroll, "caption": False})
        if tag == "caption" and self.tables:
            self.tables[-1]["caption"] = True
        if tag == "main":
            self.mains += 1
        if tag == "nav":
            self.navs += 1
        if tag == "h2" and any(t == "nav" for t, _ in self.stack):
            self.nav_headings.append(attrs.get("id"))
        if tag not in ("img", "meta", "br", "col", "link", "input", "hr"):
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


@pytest.fixture(scope="module")
def index_page(demo_reports, tmp_path_factory):
    """The batch index page for the three demo reports (orchestration/batch.py: write_index).

    Written over a copy of the reports: the shared demo folder is read by every worker, and an index and
    batch summary written into it would be taken for areas.
    """
    from assessment.orchestration.batch import AreaResult, write_index
    from assessment.bundles.bundle import open_bundle

    shared = next(iter(demo_reports.values())).parent
    bundle = open_bundle(shared.parent / "bundle")
    root = tmp_path_factory.mktemp("index") / "reports"
    shutil.copytree(shared, root, ignore=shutil.ignore_patterns(".*"))
    results = [AreaResult(code, bundle.geography.resolve(code).name, "rendered",
                          [str(p) for p in sorted((root / folder.name).iterdir())]) for code, folder in demo_reports.items()]
    return write_index(results, root, bundle)


@pytest.mark.slow
def test_html_has_a_main_landmark_a_contents_nav_and_captioned_scrolling_tables(demo_reports, index_page):
    for code, folder in demo_reports.items():
        page = _Structure()
        page.feed(file_of(folder, ".html").read_text())
        assert page.mains == 1 and page.navs == 1 and page.nav_headings == ["toc-title"], code
        assert len(page.tables) > 5
        for table in page.tables:
            assert table["caption"], code
            assert "table-scroll" in table["scroll"].get("class", "") and table["scroll"].get("tabindex") == "0"
            assert table["scroll"].get("aria-label")
    index = _Structure()
    index.feed(index_page.read_text())
    assert index.mains == 1 and index.tables == [{"scroll": index.tables[0]["scroll"], "caption": True}]


@pytest.fixture(scope="module")
def browser(demo_reports, index_page, tmp_path_factory):
    needs("browser")
    pages = [file_of(folder, ".html") for folder in demo_reports.values()] + [index_page]
    printed = tmp_path_factory.mktemp("printed")
    shots = tmp_path_factory.mktemp("screens")
    return checks.check_pages(pages, width=375, screenshot_dir=shots, print_dir=printed), printed


@pytest.mark.slow
def test_html_reports_and_index_pass_axe_and_fit_a_375px_screen(browser):
    results, _ = browser
    assert len(results) == 4
    for path, found in results.items():
        assert found.violations == [], f"{path.name}: {found.summary}"
        assert found.scroll_width <= 375, f"{path.name} scrolls sideways: {found.scroll_width}px wide"


@pytest.mark.slow
def test_html_reports_print_cleanly(browser):
    needs("pdf")
    _, printed = browser
    for pdf in sorted(printed.glob("health-and-justice-*.pdf")):
        pages = checks.pdf_pages(pdf)
        assert len(pages) > 5
        assert checks.overlapping_words(pages) == [], pdf.name
        assert checks.words_outside(pages, 10 * MM) == [], pdf.name


# ---------------------------------------------------------------------------- Word
def _document_xml(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("code", AREAS)
def test_docx_is_a4_with_ordered_headings_a_filled_contents_and_header_rows(demo_reports, code):
    path = file_of(demo_reports[code], ".docx")
    document = docx.Document(str(path))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert "Demonstration data" in section.header.paragraphs[0].text
    levels = [int(p.style.name.split()[-1]) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:]))
    headings = [p.text for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    xml = _document_xml(path)
    contents = xml[xml.index('w:docPartGallery w:val="Table of Contents"'):xml.index("</w:sdt>")]
    entries = [flat(re.sub(r"<[^>]+>", "", e)) for e in re.findall(r"<w:hyperlink [^>]*>(.*?)</w:hyperlink>", contents)]
    assert entries == [flat(h) for h in headings] and 'TOC \\o "1-2"' in contents
    for anchor in re.findall(r'w:anchor="([^"]+)"', contents):
        assert f'w:name="{anchor}"' in xml  # each entry links to its heading's bookmark
    assert xml.count("<w:tbl>") == len(document.tables) and xml.count('<w:tblHeader w:val="on" />') >= len(document.tables)
    assert all(t.rows[0].cells[0].paragraphs[0].style.name == "Table Heading" for t in document.tables)
    described = [s._inline.docPr.get("descr") for s in document.inline_shapes]
    assert described and all(d and len(d) > 40 for d in described)


def test_docx_column_widths_come_from_the_cells_not_the_dashes(tmp_path):
    """The same table written with 3 or 40 dashes per column gets the same widths, each fitting its longest word."""
    from assessment.render.outputs import to_docx, write_source

    rows = "| Alderholt Vale | 2023/24 | Engaged within 3 weeks of release from prison | 106,485 |\n"
    widths = []
    for dashes in (3, 40):
        body = ("| District | Period | Indicator | Population |\n|" + "|".join(["-" * dashes] * 4) + "|\n" + rows)
        source = write_source(body, {"title": "T"}, tmp_path / f"t{dashes}.md")
        xml = _document_xml(to_docx(source, tmp_path / f"t{dashes}.docx", {"title": "T"}))
        widths.append([int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', xml)])
    assert widths[0] == widths[1]
    share = [w / sum(widths[0]) for w in widths[0]]
    assert share[2] == max(share)  # the long text gets the room
    assert share[1] * 170 > 7 * 5.6 / MM  # "2023/24": 7 characters of 9pt Arial, in mm of the 170 mm block


@pytest.fixture(scope="module")
def word_processor(demo_reports, tmp_path_factory):
    """Each demo DOCX converted to PDF by LibreOffice headless, all in one run of it."""
    needs("word")
    folder = tmp_path_factory.mktemp("libreoffice")
    converted = checks.docx_files_to_pdf([file_of(demo_reports[code], ".docx") for code in AREAS], folder)
    return dict(zip(AREAS, converted))


def _tokens(text: str) -> list[str]:
    return [t.strip("()[],.;:") for t in text.replace("\u00a0", " ").split()]


@pytest.mark.slow
@pytest.mark.parametrize("code", AREAS)
def test_docx_opens_in_libreoffice_with_every_heading_image_and_whole_table_word(demo_reports, word_processor, code):
    document = docx.Document(str(file_of(demo_reports[code], ".docx")))
    converted = word_processor[code]
    text = checks.pdf_text(converted)
    lines = [flat(line) for line in text.splitlines()]
    for heading in (p.text for p in document.paragraphs if p.style.name.startswith("Heading")):
        assert flat(heading) in flat(text), heading
    assert sum(_images_per_page(converted).values()) == len(document.inline_shapes)
    # Every period label, column header word and area name in a table is printed whole: as many times in
    # the converted PDF's lines as the Word file holds it (a label broken over two lines is not counted).
    source = [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    words: set[str] = set()
    periods: set[str] = set()
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        words |= {t for cell in header for t in _tokens(cell) if t}
        for row in table.rows[1:]:
            for name, cell in zip(header, row.cells):
                if name == "Period":
                    periods.add(flat(cell.text))
                if name in ("Area", "District", "Upper-tier authority", "Police force area"):
                    words |= {t for t in _tokens(cell.text) if t}
    assert periods and words
    pdf_words = _tokens(text)
    for word in words:
        wanted = sum(_tokens(s).count(word) for s in source)
        assert pdf_words.count(word) >= wanted, f"{word!r} is broken across lines"
    for period in periods:
        wanted = sum(flat(s).count(period) for s in source)
        assert sum(line.count(period) for line in lines) >= wanted, f"{period!r} is broken across lines"


# ------------------------------------------------------------------ pictures for a person
@pytest.mark.slow
def test_page_images_are_written_for_a_person_to_look_at(demo_reports, word_processor, tmp_path):
    """PNG pages of the county, district and force PDFs and of the county's Word file as LibreOffice prints it.

    Each picture shows what the renderer printed: every page has print on it, and the PDF's pages are
    in colour (a chart's marks; its text and tables are grey) exactly where the PDF holds a chart. Word's
    printout colours its headings too, so there a page with a chart is in colour, not only those.
    Set JSNA_PAGE_IMAGES to a folder to keep them (``python -m tests.support.output_checks --pages`` does the same).
    """
    # Not beside the shared demo reports: every worker reads that folder, and a new one there is taken for an area.
    folder = Path(os.environ.get("JSNA_PAGE_IMAGES") or tmp_path / "page-images")
    documents = [(file_of(demo_reports[code], ".pdf"), folder / "pdf") for code in AREAS]
    documents.append((word_processor[COUNTY], folder / "word"))
    for pdf, place in documents:
        written = checks.page_images(pdf, place)
        assert len(written) == len(checks.pdf_pages(pdf)), pdf.name
        shown = {number: checks.colour_and_ink(png) for number, png in enumerate(written, start=1)}
        assert all(ink > 0.03 for _, ink in shown.values()), pdf.name
        in_colour = {number for number, (colour, _) in shown.items() if colour > 0.001}
        charts = set(_images_per_page(pdf))
        assert len(charts) >= 5 and (charts <= in_colour if place.name == "word" else charts == in_colour), pdf.name
    print(f"page images in {folder}")


# ---------------------------------------------------------------------------- appendix
def test_appendix_keeps_full_precision_behind_rounded_formats_and_text_as_text(tmp_path):
    from assessment.report.appendix import write_appendix

    frame = pd.DataFrame([{"indicator_name": "Rate", "area_name": "=1+2", "period": "2023/24",
                           "value": 43.26245073796461, "lower_ci_95": 40.1, "count": 1234.0, "unit": "-12.5"}])
    path = write_appendix(frame, tmp_path / "a.xlsx", title="=HYPERLINK(\"x\")", notes=["@note"])
    book = openpyxl.load_workbook(path)
    header = [c.value for c in book["Data"][1]]
    row = {name: cell for name, cell in zip(header, book["Data"][2])}
    assert row["Value"].value == 43.26245073796461 and row["Value"].number_format == "#,##0.0"
    assert row["Count"].value == 1234 and row["Count"].number_format == "#,##0"
    assert row["Area"].value == "=1+2" and row["Area"].data_type == "s" and row["Area"].quotePrefix
    assert row["Unit"].value == "-12.5" and row["Unit"].data_type == "s"
    title = book["About"]["A1"]
    assert title.value == '=HYPERLINK("x")' and title.data_type == "s" and title.quotePrefix
    assert book["About"]["A3"].value == "@note"


@pytest.mark.slow
def test_appendix_lists_every_figure_of_the_force_map(demo_reports):
    from assessment.bundles.bundle import open_bundle

    book = openpyxl.load_workbook(file_of(demo_reports[FORCE], ".xlsx"))
    sheet = book["Data"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in r))) for r in sheet.iter_rows(min_row=2)]
    mapped = [r for r in rows if r["Report section"] == "Figure: map"]
    geography = open_bundle(next(iter(demo_reports.values())).parent.parent / "bundle").geography
    assert {r["Area code"] for r in mapped} == set(geography.constituent_lads(FORCE))
    assert all(isinstance(r["Value"], float) for r in mapped)


@pytest.mark.slow
def test_the_force_appendix_opens_in_libreoffice_calc_with_every_cell_as_written(demo_reports, tmp_path):
    """Every cell of the demo force's Data sheet as a spreadsheet program reads it: text as text (none
    taken for a formula), numbers to the 15 digits Calc prints, flags, dates and blanks."""
    checks.needs("spreadsheet")
    path = file_of(demo_reports[FORCE], ".xlsx")
    written = [list(row) for row in openpyxl.load_workbook(path)["Data"].iter_rows(values_only=True)]
    shown = checks.workbook_sheets(path, tmp_path)["Data"]
    assert len(shown) == len(written) > 100

    def as_calc(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, datetime):
            return f"{value:%Y-%m-%d %H:%M:%S}"
        return value

    for number, (row, calc) in enumerate(zip(written, shown), start=1):
        for value, text in zip(row, calc + [""] * (len(row) - len(calc))):
            expected = as_calc(value)
            if isinstance(expected, (int, float)):
                assert float(text) == pytest.approx(expected, rel=1e-14), (number, value, text)
            else:
                assert text == expected, (number, value, text)


# ---------------------------------------------------------------------------- words for readers
DEVELOPER_WORDS = re.compile(r"FingertipsNext|seed|metadata|TODO|FIXME|we use|is wrong|\bbug\b|parser|yaml", re.I)


def test_reader_facing_texts_hold_no_developer_notes():
    catalogue = yaml.safe_load((DATA_SOURCES_DIR / "indicators.yaml").read_text())["indicators"]
    texts = [(i["key"], i.get(field, "")) for i in catalogue for field in ("title", "definition", "unit")]
    sections = yaml.safe_load((DATA_SOURCES_DIR / "report_sections.yaml").read_text())["sections"]
    texts += [(s["key"], s.get(field, "")) for s in sections for field in ("title", "intro")]
    for path in sorted((DATA_SOURCES_DIR / "uploads").glob("*.yaml")):
        spec = yaml.safe_load(path.read_text())
        texts += [(path.stem, spec.get(field, "")) for field in ("title", "description", "partner")]
        texts += [(path.stem, i.get("name", "")) for i in spec.get("indicators", [])]
    assert len(texts) > 80
    notes = [(key, text) for key, text in texts if DEVELOPER_WORDS.search(str(text))]
    assert notes == []
