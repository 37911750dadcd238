"""One table of output formats: the CLI, both engines, the runner and the batch index read it, so a new format is one row."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from assessment import cli
from assessment.core.errors import InputError
from assessment.render import FORMATS, OutputFormat, parse_formats, quarto_command, render_builtin
from assessment.render.formats import format_of_file
from assessment.render.outputs import Writer
from assessment.render.pandoc_runs import WriterRun
from assessment.orchestration import batch
from tests.support.paths import FIXTURES

MINI = FIXTURES / "render" / "mini.qmd"


def _markdown_run(source: Path, out: Path, metadata: dict, reference_doc, alt_text_set: bool) -> WriterRun:
    return WriterRun("gfm", out, "Markdown")


@pytest.fixture
def markdown_format(monkeypatch):
    """A format nobody wrote code for: one row in the table, its writer pandoc's run and nothing after it."""
    fmt = OutputFormat("md", ".md", "gfm", "Markdown", Writer(_markdown_run, lambda source, out, metadata: out))
    monkeypatch.setitem(FORMATS, "md", fmt)
    return fmt


def test_unknown_formats_are_named_with_the_choices():
    with pytest.raises(InputError, match=r"unknown output format\(s\) odt, rtf; choose from html, docx, pdf"):
        parse_formats("html, odt,RTF")
    with pytest.raises(typer.BadParameter, match=r"unknown output format\(s\) \(none\)"):
        cli._formats(" , ")
    assert parse_formats("PDF,html,pdf") == ("pdf", "html")


def test_a_new_format_is_one_row_of_the_table(markdown_format, tmp_path):
    assert cli._formats("html,md") == ("html", "md")
    written = render_builtin(MINI, {"area": "Leeds"}, tmp_path / "out", formats=("md",), stem="mini")
    assert written["md"].name == "mini.md" and "## Report for Leeds" in written["md"].read_text()
    assert quarto_command(tmp_path / "mini.qmd", {}, ("html", "md"))[3:5] == ["--to", "html,gfm"]
    assert format_of_file(written["md"]).label == "Markdown"
    (tmp_path / "out" / "mini.xlsx").write_bytes(b"")
    (tmp_path / "out" / batch.FINGERPRINT_FILE).write_text("print")
    assert batch._up_to_date(tmp_path / "out", "print", ("md",))
    assert not batch._up_to_date(tmp_path / "out", "print", ("md", "pdf"))
    assert batch._link_label(str(written["md"])) == "Markdown" and batch._link_label("a-data.xlsx") == "XLSX"


def _word_layout(path: Path) -> dict:
    """What a reference document gives every Word file: page, margins, header, the added styles."""
    import docx

    from assessment.render.reference_docx import PARAGRAPH_STYLES

    document = docx.Document(str(path))
    section = document.sections[0]
    styles = {name: (document.styles[name].font.size, document.styles[name].font.bold)
              for name, *_ in PARAGRAPH_STYLES}
    return {"page": (section.page_width, section.page_height, section.left_margin, section.top_margin),
            "header": section.header.paragraphs[0].text, "styles": styles}


def test_the_templates_reference_document_is_what_reference_docx_writes(tmp_path):
    """A plain `quarto render` uses templates/format/reference.docx: A4 and the table styles, kept in step with
    the code that writes each area's (rewrite it with `python -m assessment.render.reference_docx`)."""
    from assessment.render.reference_docx import TEMPLATE_HEADER, TEMPLATE_REFERENCE, make_reference_docx
    from assessment.render.qmd import read_qmd
    from assessment.orchestration.area_renders import TEMPLATE

    declared = read_qmd(TEMPLATE).metadata["format"]["docx"]["reference-doc"]
    assert (TEMPLATE.parent / declared).resolve() == TEMPLATE_REFERENCE.resolve()
    fresh = make_reference_docx(tmp_path / "reference.docx", TEMPLATE_HEADER)
    assert _word_layout(TEMPLATE_REFERENCE) == _word_layout(fresh)
    assert round(_word_layout(fresh)["page"][0].mm) == 210 and round(_word_layout(fresh)["page"][1].mm) == 297


def test_each_reference_document_carries_its_own_header_as_written(tmp_path):
    """The styled document is built once and each area's header swapped in: every call gets its own
    header, with XML's special characters kept as text, and the same page and styles."""
    from assessment.render.reference_docx import make_reference_docx

    headers = ["Health and justice needs assessment: Ynys Môn & <Gwynedd>. Data snapshot 2026-12-05",
               "Demonstration data: not a real area"]
    written = [_word_layout(make_reference_docx(tmp_path / f"reference-{n}.docx", header))
               for n, header in enumerate(headers)]
    assert [layout["header"] for layout in written] == headers
    assert written[0]["page"] == written[1]["page"] and written[0]["styles"] == written[1]["styles"]
