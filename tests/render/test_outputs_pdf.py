"""The PDF's typst compile: the process that asks for many PDFs (a batch) stays its size; errors stay one line."""

from __future__ import annotations

import psutil
import pytest
from pypdf import PdfReader

from assessment.core.errors import RenderError
from assessment.render.outputs import compile_typst, to_pdf, write_source


def _report(folder, number: int):
    """A document of its own text (what the compiler keeps differs from one report to the next)."""
    body = f"# Report {number}\n\n" + "\n\n".join(f"Paragraph {number}-{n}: " + "words of the report " * 40
                                                   for n in range(60))
    return write_source(body, {"title": f"Area {number}"}, folder / f"report-{number}.md")


def test_many_pdfs_leave_the_process_that_asks_for_them_its_size(tmp_path):
    """The typst compiler keeps what it worked out for every document it compiled (about 16 MB for each
    of these) while its process lives: a batch writing hundreds of PDFs must not hold them."""
    process = psutil.Process()
    sizes = []
    for number in range(4):
        pdf = to_pdf(_report(tmp_path, number), tmp_path / f"report-{number}.pdf", {})
        assert f"Paragraph {number}-0" in PdfReader(pdf).pages[0].extract_text()
        sizes.append(process.memory_info().rss)
    assert sizes[-1] - sizes[0] < 20 * 2**20


def test_a_typst_error_is_one_line_naming_the_pdf(tmp_path):
    typ = tmp_path / "broken.typ"
    typ.write_text("#let x = (\n")
    with pytest.raises(RenderError, match=r"^broken\.pdf: typst could not typeset the PDF: \S[^\n]*$"):
        compile_typst(typ, tmp_path / "broken.pdf", root=tmp_path)
    assert not (tmp_path / "broken.pdf").exists()
