"""The built-in engine: parameters reach the cells, options are honoured, outputs open, failures keep old output."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import time

import docx
import pytest
from pypdf import PdfReader

from assessment.core.errors import RenderError
from assessment.render import KernelSession, parse_qmd, quarto_command, render_builtin, render_document
from assessment.render.execute import execute_document

from tests.conftest import tool
from tests.support.paths import FIXTURES, REPOSITORY

FIXTURE = FIXTURES / "render" / "mini.qmd"


def _embedded_images(html: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', html)]


@pytest.fixture(scope="module")
def two_areas(tmp_path_factory):
    out = tmp_path_factory.mktemp("renders")
    first = render_builtin(FIXTURE, {"area": "Leeds North", "bars": [5, 1, 1]}, out / "leeds", stem="mini")
    second = render_builtin(FIXTURE, {"area": "Wakefield", "bars": [1, 1, 5]}, out / "wakefield", stem="mini")
    return first, second


@pytest.mark.slow
def test_parameters_reach_the_cells_in_every_format(two_areas):
    first, _ = two_areas
    html = first["html"].read_text()
    assert "Report for Leeds North" in html
    assert "Report for Leeds" in PdfReader(first["pdf"]).pages[0].extract_text() + "".join(
        p.extract_text() for p in PdfReader(first["pdf"]).pages)
    assert any("Report for Leeds" in p.text for p in docx.Document(first["docx"]).paragraphs)


@pytest.mark.slow
def test_cell_options_are_honoured(two_areas):
    html = two_areas[0]["html"].read_text()
    assert "print(secret)" not in html and "not shown" not in html  # include: false, echo: false
    assert "<th" in html and "Column" in html                          # asis markdown table
    assert 'alt="A bar chart of three values"' in html                 # fig-alt
    assert "Bars for the area" in html                                 # fig-cap
    assert 'id="TOC"' in html or "toc" in html.lower()                 # toc: true
    document = docx.Document(two_areas[0]["docx"])
    assert len(document.inline_shapes) == 1
    described = document.inline_shapes[0]._inline.docPr.get("descr")
    assert described == "A bar chart of three values"


@pytest.mark.slow
def test_two_areas_rendered_one_after_another_keep_their_own_figures(two_areas):
    first, second = two_areas
    assert first["html"].parent != second["html"].parent
    leeds, wakefield = _embedded_images(first["html"].read_text()), _embedded_images(second["html"].read_text())
    assert len(leeds) == len(wakefield) == 1
    assert leeds[0] != wakefield[0]
    assert "Wakefield" in second["html"].read_text() and "Wakefield" not in first["html"].read_text()


@pytest.mark.slow
def test_failed_render_keeps_earlier_output(tmp_path):
    out = tmp_path / "area"
    good = render_builtin(FIXTURE, {"area": "Good", "bars": [1, 2, 3]}, out, formats=("html",), stem="mini")
    before = good["html"].read_bytes()
    broken = tmp_path / "broken.qmd"
    broken.write_text(FIXTURE.read_text().replace('print(f"## Report for {area}\\n")', "raise ValueError('bad area')"))
    with pytest.raises(RenderError, match=r"broken\.qmd: the cell at line 18 \(raise ValueError\('bad area'\)\) "
                                          r"failed: ValueError: bad area"):
        render_builtin(broken, {"area": "Bad"}, out, formats=("html",), stem="mini")
    assert good["html"].read_bytes() == before
    assert [p.name for p in out.iterdir()] == ["mini.html"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # staging cleaned up


def test_parameters_cell_is_required_when_parameters_are_given(tmp_path):
    doc = parse_qmd("---\ntitle: x\n---\n\n```{python}\n#| label: a\nprint(1)\n```\n")
    with KernelSession(cwd=tmp_path) as kernel, pytest.raises(RenderError, match="tags: \\[parameters\\]"):
        execute_document(doc, {"area": "x"}, kernel, tmp_path / "figs")


def test_kernel_session_is_reusable_and_reset(tmp_path):
    doc = parse_qmd(FIXTURE.read_text(), FIXTURE)
    with KernelSession(cwd=tmp_path) as kernel:
        one = execute_document(doc, {"area": "One"}, kernel, tmp_path / "one")
        kernel.reset()
        assert kernel.run("print('area' in dir())").outputs[0]["text"].strip() == "False"
        two = execute_document(doc, {"area": "Two"}, kernel, tmp_path / "two")
    assert "Report for One" in one and "Report for Two" in two and "One" not in two


def test_a_reset_frees_the_documents_reference_cycles(tmp_path):
    """A chart is a reference cycle: a warm kernel, which collects garbage rarely, frees a document's at the reset."""
    with KernelSession(cwd=tmp_path) as kernel:
        kernel.run("import gc, weakref\ngc.disable()\n"
                   "class Node: pass\n"
                   "chart = Node(); chart.me = chart\n"
                   "_alive = weakref.ref(chart)")
        kernel.reset(collect_garbage=True)
        assert kernel.run("print(_alive() is None)").outputs[0]["text"].strip() == "True"


def test_a_kernel_that_dies_mid_cell_is_an_error_not_a_hang(tmp_path):
    with KernelSession(cwd=tmp_path, timeout=600) as kernel:
        started = time.monotonic()
        with pytest.raises(RenderError, match="kernel stopped while running a cell"):
            kernel.run("import os\nos._exit(1)")
        assert time.monotonic() - started < 60 and not kernel.alive


def test_unknown_engine_and_missing_quarto_are_clear_errors(tmp_path, monkeypatch):
    with pytest.raises(RenderError, match="unknown engine 'latex'"):
        render_document(FIXTURE, {}, tmp_path, engine="latex")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RenderError, match="quarto command is not on PATH"):
        render_document(FIXTURE, {}, tmp_path, engine="quarto")


def test_quarto_command_passes_parameters_as_yaml_and_no_output_name(tmp_path):
    """One call, every format by its Quarto name, and no --output (Quarto would add no extension)."""
    cmd = quarto_command(tmp_path / "x.qmd", {"area": "Brighton & Hove: East", "bars": [1, 2]}, ("html", "docx", "pdf"))
    assert cmd == ["quarto", "render", "x.qmd", "--to", "html,docx,typst",
                   "-P", 'area:"Brighton & Hove: East"', "-P", "bars:[1, 2]"]


def test_a_labelled_cell_that_prints_headings_is_refused_with_the_reason(tmp_path):
    """Quarto would wrap it in a div and drop its headings from the contents list; say so instead."""
    labelled = tmp_path / "labelled.qmd"
    labelled.write_text(FIXTURE.read_text().replace("#| output: asis\n", "#| label: heading\n#| output: asis\n"))
    with pytest.raises(RenderError, match=r"labelled\.qmd: cell 'heading' prints headings \(## Report for X\) but "
                                          r"has a label; Quarto wraps a labelled cell's output in a div"):
        render_builtin(labelled, {"area": "X"}, tmp_path / "out", formats=("html",))
    assert not (tmp_path / "out").exists()


def test_front_matter_errors_name_the_template(tmp_path):
    bad = tmp_path / "bad.qmd"
    bad.write_text("---\ntitle: [unclosed\n---\n")
    with pytest.raises(RenderError, match=r"bad\.qmd: front matter is not valid YAML"):
        render_builtin(bad, {}, tmp_path / "out")


def test_templates_and_project_file_pass_quartos_option_schema():
    """panache lints the templates and _quarto.yml against Quarto's schema (unknown keys included, see panache.toml)."""
    root = REPOSITORY
    result = subprocess.run([tool("panache"), "lint", "templates/", "_quarto.yml"], cwd=root, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_panache_catches_a_misspelt_option(tmp_path):
    root = REPOSITORY
    shutil.copy(root / "panache.toml", tmp_path / "panache.toml")
    (tmp_path / "t.qmd").write_text("---\ntitle: x\ntocc: true\n---\n\n```{python}\n#| label: a\n#| fig-capp: y\n1\n```\n")
    result = subprocess.run([tool("panache"), "lint", "t.qmd"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0 and "tocc" in result.stdout + result.stderr


def _meeting_writers(monkeypatch, barrier, fail: str | None = None):
    """Two formats whose writers each wait for the other at ``barrier`` (``fail``'s writer then fails)."""
    from assessment.render.formats import FORMATS, OutputFormat

    def writer(source, target, metadata, reference_doc=None):
        barrier.wait()
        if target.suffix == f".{fail}":
            raise RenderError(f"{target.name}: could not write")
        target.write_text(source.name)  # what it was given to read
        return target

    for name in ("one", "two"):
        monkeypatch.setitem(FORMATS, name, OutputFormat(name, f".{name}", "gfm", name, writer))


def test_a_single_render_writes_its_formats_at_the_same_time(monkeypatch, tmp_path):
    import threading

    from assessment.render.engine import write_formats

    barrier = threading.Barrier(2, timeout=30)  # broken (and the render fails) if one waited for the other
    _meeting_writers(monkeypatch, barrier)
    source = tmp_path / "report.md"
    source.write_text("# Report\n")
    written = write_formats(source, tmp_path, ("one", "two"), "report", {}, None, at_once=True)
    assert {name: path.read_text() for name, path in written.items()} == {"one": "report.json", "two": "report.json"}


def test_a_format_failing_beside_another_is_the_error_and_nothing_is_published(monkeypatch, tmp_path):
    import threading

    _meeting_writers(monkeypatch, threading.Barrier(2, timeout=30), fail="two")
    out = tmp_path / "out"
    with pytest.raises(RenderError, match=r"mini\.two: could not write"):
        render_builtin(FIXTURE, {"area": "Leeds", "bars": [1, 2, 3]}, out, formats=("one", "two"), stem="mini")
    assert not out.exists() or not list(out.iterdir())


def test_pandoc_reads_the_markdown_once_for_several_formats_and_writes_each_as_from_the_markdown(
        monkeypatch, tmp_path):
    """One after another (a batch's kernels), one pandoc process reads the markdown once and writes every
    format; at the same time (a render of its own), each format's writer reads pandoc's one parse of it.
    Either way each document is what writing it alone gives."""
    import assessment.render.outputs as outputs
    from assessment.render.engine import write_formats
    from assessment.render.formats import parse_formats
    from assessment.render.pandoc_runs import reader_of

    source = tmp_path / "report.md"
    source.write_text("---\ntitle: Leeds\n---\n\n# Rates\n\nRates for 2021 - 23 rose.\n\n| Area | Rate |\n"
                      "|---|---|\n| Leeds | 2 |\n")
    alone = outputs.to_html(source, tmp_path / "alone.html", {}).read_text()
    reads = []
    run_pandoc, run_writers = outputs.run_pandoc, outputs.run_writers
    monkeypatch.setattr(outputs, "run_pandoc", lambda args, *rest, **options: (
        reads.append(("parse", args[args.index("--from") + 1])), run_pandoc(args, *rest, **options)))
    monkeypatch.setattr(outputs, "run_writers", lambda read, runs, **options: (
        reads.append((len(runs), reader_of(read))), run_writers(read, runs, **options)))
    for at_once, expected in ((False, [(2, "markdown")]), (True, [("parse", "markdown"), (1, "json"), (1, "json")])):
        reads.clear()
        written = write_formats(source, tmp_path, parse_formats("html,docx"), f"report-{at_once}", {}, None,
                                at_once=at_once)
        assert reads == expected
        assert written["html"].read_text() == alone
        words = " ".join(p.text for p in docx.Document(written["docx"]).paragraphs).replace("\xa0", " ")
        assert "2021 - 23" in words


def test_a_period_label_in_a_table_is_measured_as_one_word_in_the_typst_source(tmp_path):
    """table-layout.lua measures the text periods.lua keeps whole (a typst box) as a nine-character word."""
    from assessment.orchestration.area_renders import TEMPLATE
    from assessment.render.declaration import resolve_paths
    from assessment.render.outputs import to_pdf, write_source

    meta = resolve_paths(parse_qmd(TEMPLATE.read_text()).metadata, TEMPLATE.parent)
    long_note = " ".join(["words that take the spare room"] * 12)
    columns = []
    for period in ("2021 - 23", "2021x-x23"):  # a boxed period label; a plain word as long
        body = f"# Rates\n\n| Area | Period | Note |\n|---|---|---|\n| Leeds | {period} | {long_note} |\n"
        source = write_source(body, {"title": "T"}, tmp_path / f"t{len(columns)}.md")
        to_pdf(source, source.with_suffix(".pdf"), meta)
        typ = source.with_suffix(".typ").read_text()
        assert period != "2021 - 23" or "#box[2021 - 23]" in typ
        columns.append(re.findall(r"columns: \(([\d.]+%(?:, [\d.]+%)*)\)", typ))  # the table's, not report.typ's
    assert len(columns[0]) == 1
    assert columns[0] == columns[1]
