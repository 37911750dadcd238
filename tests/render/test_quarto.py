"""jsna's Quarto path, driven through the stand-in quarto (tests/support/quarto_standin), against the built-in engine.

The stand-in keeps the Quarto behaviours that broke this path (see
test_quarto_standin.py), so these tests fail on code that passes ``--output``
with several formats, prints absolute figure paths, leaves ``QUARTO_PYTHON``
unset, or renders the template in place.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest

from assessment.core.atomic_files import LOCK_FILE
from assessment.registry.all_registries import registries
from pypdf import PdfReader

from assessment.cli import main
from assessment.core.errors import RenderError
from assessment.render import engine as engine_module
from assessment.render import quarto as quarto_module
from assessment.render import choose_engine, render_document

from tests.conftest import repository_state
from tests.support.paths import FIXTURES, REPOSITORY

ROOT = REPOSITORY
MINI = FIXTURES / "render" / "mini.qmd"
COUNTY = "E10999001"


class _Contents(HTMLParser):
    """The table of contents' entries and the images (embedded or not) of an HTML report."""

    def __init__(self):
        super().__init__()
        self.toc, self.images, self._nav, self._link = [], [], False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("id") == "TOC":
            self._nav = True
        if self._nav and tag == "a":
            self._link = ""
        if tag == "img":
            self.images.append(attrs)

    def handle_endtag(self, tag):
        if tag == "nav":
            self._nav = False
        if tag == "a" and self._link is not None:
            self.toc.append(" ".join(self._link.split()))
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link += data


def measure(folder: Path) -> dict:
    """What a reader gets from each format: contents entries, figures, alt text, the demo notices."""
    files = {p.suffix: p for p in folder.iterdir()}
    html = _Contents()
    html.feed(files[".html"].read_text())
    word = docx.Document(files[".docx"])
    pdf = PdfReader(files[".pdf"])
    return {
        "toc": html.toc,
        "html figures": sum(img.get("src", "").startswith("data:image/png") for img in html.images),
        "html images": len(html.images),
        "html alt texts": sum(len(img.get("alt", "")) > 40 for img in html.images),
        "word figures": len(word.inline_shapes),
        "word alt texts": sum(len(s._inline.docPr.get("descr") or "") > 40 for s in word.inline_shapes),
        "word header": word.sections[0].header.paragraphs[0].text,
        "pdf figures": sum(len(page.images) for page in pdf.pages),
        "pdf demo notice on every page": all("Demonstration data" in page.extract_text() for page in pdf.pages),
        "files": sorted(p.suffix for p in folder.iterdir()),
    }


@pytest.fixture(scope="module")
def both_engines(tmp_path_factory, quarto_standin_report, demo_bundle, demo_reports):
    """The demo county rendered by `jsna render --engine quarto` (stand-in, conftest.py) and by the built-in engine.

    The built-in render is the session's `jsna demo` (``demo_reports``, read only), whose ``auto`` engine is the
    built-in one when no quarto is on PATH; with a quarto installed, the county is rendered here with
    ``--engine builtin``.
    """
    if shutil.which("quarto") is None:
        builtin = demo_reports[COUNTY].parent
        demo = json.loads((builtin.parent / "repository.json").read_text())
        return {"quarto": quarto_standin_report["out"], "builtin": builtin,
                "builtin areas": sorted(folder.name for folder in demo_reports.values()),
                "before": [quarto_standin_report["before"], demo["before"]],
                "after": [quarto_standin_report["after"], demo["after"]]}
    out = tmp_path_factory.mktemp("engines")
    before = repository_state()
    assert main(["render", "--area", COUNTY, "--bundle", str(demo_bundle), "--out", str(out / "builtin"),
                 "--engine", "builtin"]) == 0
    return {"quarto": quarto_standin_report["out"], "builtin": out / "builtin", "builtin areas": [f"{COUNTY}-northmere"],
            "before": [quarto_standin_report["before"], before],
            "after": [quarto_standin_report["after"], repository_state()]}


def _area_folder(out: Path) -> Path:
    """The county's folder in a render's output folder ``out``."""
    (folder,) = [p for p in out.iterdir() if p.is_dir() and p.name.startswith(f"{COUNTY}-")]
    return folder


@pytest.mark.slow
def test_quarto_path_writes_every_format_with_every_figure_and_the_full_contents(both_engines):
    quarto = measure(_area_folder(both_engines["quarto"]))
    builtin = measure(_area_folder(both_engines["builtin"]))
    assert quarto["files"] == [".docx", ".html", ".pdf", ".xlsx"]
    # every topic section, in order, between the template's own five headings
    titles = {section.key: section.title for section in registries().sections}
    topics = [titles[key] for key in registries().editions["jsna-chapter"].section_keys()]  # a county's edition
    assert len(builtin["toc"]) == len(topics) + 5 and quarto["toc"] == builtin["toc"]
    assert [t for t in builtin["toc"] if t in topics] == topics
    # the spine chart, the map and a chart per topic section with figures for the county
    figures = builtin["html figures"]
    assert figures >= 10
    for key in ("html figures", "html images", "html alt texts", "word figures", "word alt texts", "pdf figures"):
        assert quarto[key] == builtin[key] == figures, key
    assert quarto["word header"] == builtin["word header"] == "Demonstration data: not a real area"
    assert quarto["pdf demo notice on every page"] and builtin["pdf demo notice on every page"]


@pytest.mark.slow
def test_quarto_path_leaves_nothing_behind_and_never_touches_the_repository(both_engines):
    # no staging left (the run's lock file stays: see assessment.core.atomic_files.FolderLock)
    assert [p.name for p in both_engines["quarto"].iterdir() if p.name != LOCK_FILE] == [f"{COUNTY}-northmere"]
    assert sorted(p.name for p in both_engines["builtin"].iterdir() if p.name != LOCK_FILE) == \
        both_engines["builtin areas"]
    assert f"{COUNTY}-northmere" in both_engines["builtin areas"]
    assert both_engines["after"] == both_engines["before"]
    assert not any(state["scratch"] for state in both_engines["after"])


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def publication_checks(folder: Path) -> dict:
    """The project's publication checks (tests/support/output_checks.py) on one area's PDF, Word and HTML files."""
    from tests.support import output_checks

    files = {p.suffix: p for p in folder.iterdir()}
    pages = output_checks.pdf_pages(files[".pdf"])
    pdf_text = output_checks.pdf_text(files[".pdf"])
    html = files[".html"].read_text()
    word = docx.Document(files[".docx"])
    body = word.element.body.xml
    cells = [p for table in word.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    columns = []
    for table in word.tables:
        widths = [int(col.get(f"{W}w")) for col in table._tbl.tblGrid.iter(f"{W}gridCol")]
        columns.append(min(widths) / sum(widths))
    return {
        "raw typst": [text for text in (pdf_text, html) if "{=typst}" in text or "#set page" in text or "#show" in text],
        "pages without the running header": [p.number for p in pages if "Demonstration data" not in
                                             " ".join(w.text for w in p.words if w.y1 < 60)],
        "overlapping words": len(output_checks.overlapping_words(pages)),
        "pdf captions": len(re.findall(r"^Table \d+: ", pdf_text, flags=re.M)),
        "html captions": html.count("<caption"),
        "html tables outside a scroll box": html.count("<table") - html.count('class="table-scroll"'),
        "word captions": body.count('w:val="TableCaption"'),
        "word page mm": (round(word.sections[0].page_width.mm), round(word.sections[0].page_height.mm)),
        "word cells not in the table styles": sum(p.style.name not in ("Table Text", "Table Heading")
                                                  for p in cells if p.text.strip()),
        "word narrowest column": min(columns),
        "word contents entries": body.count('w:val="TOC1"') + body.count('w:val="TOC2"'),
    }


@pytest.mark.slow
def test_quarto_output_passes_the_publication_checks_the_builtin_output_passes(both_engines):
    """Issue 29: what Quarto writes is as good as what the built-in engine writes for the same area."""
    from tests.support import output_checks

    for kind in ("pdf", "word"):
        if output_checks.missing_tool(kind):
            pytest.skip(output_checks.missing_tool(kind))
    quarto = publication_checks(_area_folder(both_engines["quarto"]))
    builtin = publication_checks(_area_folder(both_engines["builtin"]))
    for found in (quarto, builtin):
        assert found["raw typst"] == [] and found["pages without the running header"] == []
        assert found["overlapping words"] == 0
        assert found["word page mm"] == (210, 297) and found["word cells not in the table styles"] == 0
        assert found["html tables outside a scroll box"] == 0
    assert builtin["pdf captions"] == builtin["html captions"] == builtin["word captions"] >= 17
    for key in ("pdf captions", "html captions", "word captions", "word narrowest column", "word contents entries"):
        assert quarto[key] >= builtin[key], key
    if not output_checks.missing_tool("browser"):
        pages = output_checks.check_pages([_area_folder(both_engines[e]) / f"{_stem(both_engines[e])}.html"
                                           for e in ("quarto", "builtin")])
        assert [found.scroll_width for found in pages.values()] == [375, 375]


def _stem(out: Path) -> str:
    return next(p.stem for p in _area_folder(out).iterdir() if p.suffix == ".html")


@pytest.mark.slow
def test_parallel_quarto_renders_of_one_template_share_nothing(standin_quarto, tmp_path):
    """Two renders at once: each its own staged copy, project and notebook; the template folder stays clean."""
    template_folder_before = sorted(p.name for p in MINI.parent.iterdir())
    results, errors = {}, []

    def render(area: str) -> None:
        try:
            results[area] = render_document(MINI, {"area": area, "bars": [3, 1, 2]}, tmp_path / area,
                                            formats=("html",), engine="quarto", stem="mini")
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=render, args=(area,)) for area in ("Leeds", "Wakefield")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for area, other in (("Leeds", "Wakefield"), ("Wakefield", "Leeds")):
        html = results[area]["html"].read_text()
        assert f"Report for {area}" in html and other not in html
        assert len(re.findall(r'src="data:image/png', html)) == 1
    assert sorted(p.name for p in MINI.parent.iterdir()) == template_folder_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Leeds", "Wakefield"]


@pytest.fixture
def fresh_notices(monkeypatch):
    monkeypatch.setattr(engine_module, "_said", set())


def test_auto_takes_quarto_when_it_can_write_every_format(standin_quarto, fresh_notices, capsys):
    assert choose_engine("auto", ("html", "docx", "pdf"), {"area": "x"}) == "quarto"
    assert choose_engine("auto", ("html",), {}, kernel=object()) == "builtin"  # a batch's warm kernel
    assert capsys.readouterr().err == ""


def test_auto_says_in_one_line_why_an_old_quarto_is_not_used(standin_quarto, fresh_notices, monkeypatch, capsys):
    monkeypatch.setenv("JSNA_STANDIN_QUARTO_VERSION", "1.3.450")
    assert choose_engine("auto", ("html",), {}) == "quarto"
    assert choose_engine("auto", ("html", "pdf"), {}) == "builtin"
    assert choose_engine("auto", ("pdf",), {}) == "builtin"  # said once per process
    assert capsys.readouterr().err.splitlines() == [
        "Using the built-in engine, not Quarto: Quarto 1.3.450 is too old to write PDF (Quarto's typst format "
        "needs 1.4 or later)."]
    with pytest.raises(RenderError, match=r"engine 'quarto' requested but Quarto 1\.3\.450 is too old to write PDF"):
        choose_engine("quarto", ("pdf",), {})


def test_auto_names_the_missing_python_packages(standin_quarto, fresh_notices, monkeypatch, capsys):
    real = quarto_module.importlib.util.find_spec
    monkeypatch.setattr(quarto_module.importlib.util, "find_spec",
                        lambda name, *a: None if name == "papermill" else real(name, *a))
    assert choose_engine("auto", ("html",), {}) == "quarto"  # papermill is only for -P parameters
    assert choose_engine("auto", ("html",), {"area": "x"}) == "builtin"
    line = capsys.readouterr().err.strip()
    assert line == (f"Using the built-in engine, not Quarto: Quarto's Jupyter engine needs papermill in "
                    f'{sys.executable} (pip install "jsna-justice[quarto]").')


def test_without_quarto_auto_says_so_and_quarto_is_an_error(fresh_notices, monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert choose_engine("auto", ("html",), {}) == "builtin"
    assert "not Quarto: the quarto command is not on PATH." in capsys.readouterr().err
    with pytest.raises(RenderError, match="engine 'quarto' requested but the quarto command is not on PATH"):
        choose_engine("quarto", ("html",), {})


def test_a_failing_cell_under_quarto_is_one_line_and_keeps_earlier_output(standin_quarto, tmp_path):
    good = render_document(MINI, {"area": "Good"}, tmp_path / "out", formats=("html",), engine="quarto", stem="mini")
    before = good["html"].read_bytes()
    broken = tmp_path / "broken.qmd"
    broken.write_text(MINI.read_text().replace('print(f"## Report for {area}\\n")', "raise ValueError('bad area')"))
    with pytest.raises(RenderError, match=r"quarto render broken\.qmd failed: .*ValueError: bad area"):
        render_document(broken, {"area": "Bad"}, tmp_path / "out", formats=("html",), engine="quarto", stem="mini")
    assert good["html"].read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.qmd", "out"]


@pytest.mark.slow
def test_plain_quarto_render_at_the_repository_root(standin_quarto, demo_bundle, tmp_path, monkeypatch):
    """`quarto render -P area:…` at the root: only the report template, into reports/quarto, defaults resolved."""
    for name in ("_quarto.yml", ".gitignore"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "tests" / "support" / "fixtures" / "render").mkdir(parents=True)
    shutil.copy(MINI, tmp_path / "tests" / "support" / "fixtures" / "render" / "mini.qmd")
    # the README's `jsna demo --out demo-output` leaves the bundle here (a copy of the session's demo bundle)
    shutil.copytree(demo_bundle.parent, tmp_path / "demo-output")
    monkeypatch.setenv("QUARTO_PYTHON", sys.executable)
    import subprocess

    result = subprocess.run(["quarto", "render", "-P", "area:E23999001"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "reports" / "quarto"
    assert sorted(p.name for p in (out / "templates").iterdir()) == ["report.docx", "report.html", "report.pdf"]
    figures = len(list((out / "figures").glob("*.png")))
    assert sorted(p.name for p in out.iterdir()) == ["figures", "report-data.xlsx", "templates"]  # no nested copy
    assert (out / "report-data.xlsx").is_file() and figures >= 9
    html = (out / "templates" / "report.html").read_text()
    assert "Northmere and Port Alder Police" in html and len(re.findall(r'src="data:image/png', html)) == figures
    assert sorted(p.name for p in (tmp_path / "templates").iterdir()) == ["format", "report.qmd"]
    assert sorted(p.name for p in (tmp_path / "templates" / "format").iterdir()) == \
        sorted(p.name for p in (ROOT / "templates" / "format").iterdir())
    assert sorted(p.name for p in (tmp_path / "tests" / "support" / "fixtures" / "render").iterdir()) == ["mini.qmd"]
    assert (tmp_path / ".gitignore").read_text() == (ROOT / ".gitignore").read_text()
    # the county next: its figures replace the force's (HTML alone: the formats were checked above)
    (out / "figures" / "from-an-earlier-render.png").write_bytes(b"stale")
    result = subprocess.run(["quarto", "render", "--to", "html", "-P", "area:E10999001"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    county = (out / "templates" / "report.html").read_text()
    assert sorted(p.name for p in out.iterdir()) == ["figures", "report-data.xlsx", "templates"]
    assert len(re.findall(r'src="data:image/png', county)) == len(list((out / "figures").iterdir()))
