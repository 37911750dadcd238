"""Hostile text in a lookup is text in every output: titles, metadata, alt text and the appendix (issue 26, F5).

The demo is built with its county's name in the upper-tier lookup replaced by
markup that pandoc would otherwise run (raw HTML, a ``javascript:`` link, a
citation key) and a right-to-left override, then rendered through the CLI with
the built-in engine.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

import assessment.demo as demo
from assessment.cli import main
from assessment.orchestration.area_renders import _document_metadata

RLO = "\u202e"
HOSTILE = (f"Northmere <script>alert(1)</script><img src=x onerror=alert(2)> "
           f"[home](javascript:alert(3)) @smith2020 {RLO}erom")
#: What a reader must see where the name is printed (everything but the override, which is dropped).
SHOWN = HOSTILE.replace(f" {RLO}", " ")
COUNTY = "E10999001"


@pytest.fixture(scope="module")
def hostile_bundle(tmp_path_factory):
    """The demo bundle with the county's name in the imported lookup replaced by ``HOSTILE``."""
    original = demo.write_demo_sources

    def with_hostile_name(folder: Path) -> dict[str, Path]:
        sources = original(folder)
        for path in sources.values():
            if path.suffix == ".csv" and "UTLA" in path.name:
                text = path.read_text(encoding="utf-8-sig")
                assert ",Northmere," in text
                path.write_text(text.replace(",Northmere,", f",{HOSTILE},"), encoding="utf-8-sig")
        return sources

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "write_demo_sources", with_hostile_name)
        return demo.build_demo_bundle(tmp_path_factory.mktemp("hostile"))


def _render(bundle: Path, out: Path, formats: str) -> tuple[int, dict[str, Path]]:
    """Render the county's report through the CLI: the exit code and {suffix: file written}."""
    code = main(["render", "--area", COUNTY, "--bundle", str(bundle), "--out", str(out),
                 "--format", formats, "--engine", "builtin"])
    return code, {p.suffix: p for p in out.glob("*/*") if p.is_file()}


@pytest.fixture(scope="module")
def rendered(hostile_bundle, tmp_path_factory):
    """The county's report as HTML, Word and PDF (with its appendix), in one render: the exit code and the files."""
    return _render(hostile_bundle, tmp_path_factory.mktemp("reports"), "html,docx,pdf")


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside the title ``<h1>``."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.in_title = False
        self.title_tags: list[str] = []
        self.title_text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if self.in_title:
            self.title_tags.append(tag)
        if tag == "h1" and "title" in (attrs.get("class") or ""):
            self.in_title = True

    def handle_endtag(self, tag):
        if tag == "h1":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title_text += data


def test_a_name_with_an_at_sign_is_no_citation_and_the_pdf_renders(rendered):
    code, files = rendered
    assert code == 0  # today "@smith2020" in the title is a citation and typst fails
    assert files[".pdf"].read_bytes().startswith(b"%PDF")


def test_the_html_and_word_render_of_a_hostile_name_succeed(rendered):
    code, files = rendered
    assert code == 0 and {".html", ".docx", ".xlsx"} <= set(files)


def test_the_html_title_shows_the_name_as_text_and_runs_nothing(rendered):
    _, files = rendered
    page = files[".html"].read_text(encoding="utf-8")
    parser = _Elements()
    parser.feed(page)
    assert parser.title_tags == []  # no <script>, <img> or <a> inside the <h1>
    assert SHOWN in " ".join(parser.title_text.split())
    assert not [attrs for tag, attrs in parser.tags if "onerror" in attrs]
    assert not [attrs for tag, attrs in parser.tags if str(attrs.get("href", "")).lower().startswith("javascript")]
    assert "<script>alert(1)" not in page
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "alert(1)" in title and "<script" not in title


def test_the_word_title_is_text_with_no_javascript_link(rendered):
    _, files = rendered
    with zipfile.ZipFile(files[".docx"]) as docx:
        rels = docx.read("word/_rels/document.xml.rels").decode("utf-8")
        body = docx.read("word/document.xml").decode("utf-8")
    assert "javascript:" not in rels
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_no_right_to_left_override_reaches_any_output(rendered):
    _, files = rendered
    page = files[".html"].read_text(encoding="utf-8")
    parser = _Elements()
    parser.feed(page)
    alts = [attrs["alt"] for tag, attrs in parser.tags if tag == "img" and attrs.get("alt")]
    assert any("Northmere" in alt for alt in alts)  # the name does reach the alt text
    assert not [alt for alt in alts if RLO in alt]
    assert RLO not in page
    with zipfile.ZipFile(files[".docx"]) as docx:
        assert not [n for n in docx.namelist() if RLO in docx.read(n).decode("utf-8", "ignore")]
    workbook = load_workbook(files[".xlsx"], read_only=True)
    cells = [str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert any("<script>alert(1)" in c for c in cells)  # the name is in the appendix, as text
    assert not [c for c in cells if RLO in c]


@pytest.mark.parametrize("is_demo", [True, False])
def test_every_metadata_value_is_escaped_like_the_body(hostile_bundle, is_demo):
    """The title, subtitle and running header pandoc reads as markdown hold no unescaped markup."""
    from assessment.bundles.bundle import open_bundle

    bundle = open_bundle(hostile_bundle)
    area = bundle.geography.resolve(COUNTY)
    if not is_demo:
        bundle.meta.pop("demo", None)
    meta = _document_metadata(bundle, area)
    for key in ("title", "subtitle"):
        assert not re.search(r"(?<!\\)[<\[@]", meta[key]), meta[key]
        assert RLO not in meta[key]
    assert "\\<script\\>" in meta["title"]
    header = meta["running-header"]  # the PDF's running header: one line of escaped text (typst-layout.lua)
    assert "\n" not in header and RLO not in header and not re.search(r"(?<!\\)[<\[@]", header), header
    assert "header-includes" not in meta  # Quarto would put a string there into the output verbatim


def test_the_quarto_path_stages_the_same_escaped_metadata(hostile_bundle, tmp_path):
    """Quarto reads the staged document's front matter through pandoc: read it the same way, it is text."""
    from assessment.render.pandoc_runs import pandoc_path
    from assessment.render.quarto import stage_document
    from assessment.bundles.bundle import open_bundle
    from assessment.orchestration.area_renders import TEMPLATE

    bundle = open_bundle(hostile_bundle)
    metadata = _document_metadata(bundle, bundle.geography.resolve(COUNTY))
    document = stage_document(TEMPLATE, tmp_path, "report", metadata, ("html", "docx"), None)
    front = document.read_text(encoding="utf-8").split("\n---\n", 1)[0] + "\n---\n"
    page = subprocess.run([pandoc_path(), "--from", "markdown", "--to", "html5", "--standalone"], input=front,
                          capture_output=True, text=True, check=True).stdout
    parser = _Elements()
    parser.feed(page)
    assert parser.title_tags == [] and SHOWN in " ".join(parser.title_text.split())
    assert not [attrs for tag, attrs in parser.tags if "javascript" in str(attrs.get("href", "")).lower()]
    assert "<script>alert" not in page and RLO not in page


def test_the_geography_drops_bidirectional_controls_from_names(hostile_bundle):
    """Charts draw area names into images: the names they get from the geography carry no override."""
    from assessment.bundles.bundle import open_bundle

    areas = open_bundle(hostile_bundle).geography.areas
    name = areas.set_index("code").loc[COUNTY, "name"]
    assert name == SHOWN
    assert RLO not in name and not areas["name"].str.contains(RLO).any()


def test_markdown_and_the_appendix_drop_bidirectional_controls_from_any_text(tmp_path):
    """Uploaded labels and publishers' names reach the body and the appendix too, not only area names."""
    import pandas as pd

    from assessment.report.appendix import write_appendix
    from assessment.core.safe_text import md

    controls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    assert md(f"Leeds{controls}txt.exe") == "Leedstxt\\.exe"
    path = write_appendix(pd.DataFrame({"area_name": [f"Leeds{RLO}"], "category": [f"=1+2{controls}"]}),
                          tmp_path / "a.xlsx", title=f"Title{RLO}", notes=[f"note{RLO}"])
    cells = [c for sheet in load_workbook(path, read_only=True) for row in sheet.iter_rows(values_only=True)
             for c in row if c]
    assert {"Leeds", "=1+2", "Title", "note"} <= set(cells)
    assert not [c for c in cells if any(ch in str(c) for ch in controls)]
