"""The writers' one pandoc process writes each document as pandoc's command line does, and names what failed."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from assessment.core.errors import RenderError
from assessment.orchestration.area_renders import TEMPLATE
from assessment.render import outputs
from assessment.render.declaration import resolve_paths
from assessment.render.pandoc_runs import WriterRun, run_pandoc, run_writers
from assessment.render.qmd import parse_qmd

#: A source with what the command line treats specially: carriage returns and tabs (a code block), a level-1
#: heading that --shift-heading-level-by=-1 makes the title, a figure with alt text, a table with a period
#: label, local commentary, an SVG picture (Word gets a PNG copy where rsvg-convert is installed) and a picture
#: that is missing (Word gets its description).
SOURCE = ("---\r\ntitle: Leeds\r\nrunning-header: Leeds & Bradford\r\n---\r\n\r\n# Health and justice\r\n\r\n"
          "## Rates\r\n\r\nRates for 2021 - 23 rose.\r\n\r\n\tcode\twith tabs\r\n\r\n"
          '![Bars for the area](media/bars.png){fig-alt="Bars of 3 values: Leeds > Bradford"}\r\n\r\n'
          "| Area | Period | Rate |\r\n|---|---|---:|\r\n| Leeds | 2021 - 23 | 2.5 |\r\n| Bradford | 2021 - 23 | 3.1 |\r\n\r\n"
          "::: local-commentary\r\n> Our own note, \tindented.\r\n:::\r\n\r\n![A line](media/line.svg)\r\n\r\n"
          "A picture that is not there: ![Gone](media/gone.png)\r\n\r\n"
          "### Sources\r\n\r\nOne more paragraph.\r\n")
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" '
       'fill="#1d70b8"/></svg>')


def _source(folder: Path) -> Path:
    from PIL import Image

    (folder / "media").mkdir()
    Image.new("RGB", (40, 20), (29, 112, 184)).save(folder / "media" / "bars.png")
    (folder / "media" / "line.svg").write_text(SVG, encoding="utf-8")
    source = folder / "report.md"
    source.write_bytes(SOURCE.encode("utf-8"))
    return source


#: A template's filter that reads what pandoc tells a filter: its format, its own path, the options.
TELLING_FILTER = """
function Pandoc(doc)
  local told = FORMAT .. " " .. pandoc.path.filename(PANDOC_SCRIPT_FILE) .. " toc "
    .. tostring(PANDOC_WRITER_OPTIONS.table_of_contents) .. " " .. PANDOC_WRITER_OPTIONS.toc_depth
    .. " standalone " .. tostring(PANDOC_READER_OPTIONS.standalone)
  doc.blocks:insert(pandoc.Para(pandoc.Str(told)))
  return doc
end
"""


def _runs(source: Path, metadata: dict, alt_text_set: bool) -> list[WriterRun]:
    """The report template's three writer runs, plus one with the options the template does not use."""
    runs = [outputs._html_run(source, source.with_name("out.html"), metadata, None, alt_text_set),
            outputs._docx_run(source, source.with_name("out.docx"), metadata, None, alt_text_set),
            outputs._typst_run(source, source.with_name("out.typ"), metadata, None, alt_text_set)]
    telling = source.with_name("telling.lua")
    telling.write_text(TELLING_FILTER, encoding="utf-8")
    runs = [replace(run, filters=(*run.filters, str(telling))) for run in runs]
    return runs + [replace(runs[0], output=source.with_name("numbered.html"), toc_depth=3, number_sections=True,
                           shift_heading_level_by=1, css=())]


def _contents(path: Path) -> dict[str, bytes]:
    """A file's bytes, or a Word file's parts but its time stamps."""
    if path.suffix != ".docx":
        return {"": path.read_bytes()}
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


@pytest.mark.parametrize("parsed", [False, True], ids=["markdown", "parsed"])
def test_one_process_writes_every_document_as_the_command_line_does(tmp_path, parsed):
    """Every output of the one process, reading the markdown (figure-alt.lua run once, after reading) or
    pandoc's parse of it, is byte for byte what the command line writes reading the same file."""
    metadata = resolve_paths(parse_qmd(TEMPLATE.read_text()).metadata, TEMPLATE.parent)
    source = _source(tmp_path)
    if parsed:
        source = outputs.parse_source(source, metadata)
    runs = _runs(source, metadata, alt_text_set=True)
    run_writers(source, runs, after_read=() if parsed else (str(outputs.FIGURE_ALT),))
    by_process = {run.output.name: _contents(run.output) for run in runs}

    for run in _runs(source, metadata, alt_text_set=parsed):  # the command line reading the markdown sets the alt text itself
        run_pandoc(run.command_line(source), source.parent, run.what, run.output)
        assert _contents(run.output) == by_process[run.output.name], run.output.name
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert 'alt="Bars of 3 values: Leeds &gt; Bradford"' in html and "with tabs" in html
    assert '<span class="period">2021 - 23</span>' in html and "html5 telling.lua toc true 2 standalone true" in html
    assert "#box[2021 - 23]" in source.with_suffix(".typ").read_text(encoding="utf-8")


def test_the_output_being_written_is_named_when_pandoc_fails(tmp_path):
    """A failure names its document; the documents before it are written."""
    source = tmp_path / "report.md"
    source.write_text("# Rates\n\nA paragraph.\n", encoding="utf-8")
    broken = tmp_path / "broken.lua"
    broken.write_text('function Para(p) error("no paragraphs here") end\n', encoding="utf-8")
    first = WriterRun("html5", tmp_path / "first.html", "HTML")
    second = WriterRun("docx", tmp_path / "second.docx", "Word document", filters=(str(broken),))
    with pytest.raises(RenderError, match=r"^second\.docx: pandoc could not write the Word document: .*no paragraphs here"):
        run_writers(source, [first, second, WriterRun("typst", tmp_path / "third.typ", "typst source")])
    assert first.output.is_file() and not second.output.exists() and not (tmp_path / "third.typ").exists()
    with pytest.raises(RenderError, match=r"^gone\.html: pandoc could not write the HTML: "):
        run_writers(source, [WriterRun("html5", tmp_path / "no-such-folder" / "gone.html", "HTML")])
