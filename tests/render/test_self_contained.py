"""The self-contained HTML page: charts and stylesheet inlined without pandoc's --embed-resources, the same for a reader."""

from __future__ import annotations

import base64
import re

import lxml.html
from PIL import Image

import assessment.render.outputs as outputs
from assessment.render.pandoc_runs import run_pandoc, run_writers
from assessment.orchestration.area_renders import TEMPLATE
from assessment.render.declaration import resolve_paths
from assessment.render.qmd import parse_qmd


def _template_metadata() -> dict:
    return resolve_paths(parse_qmd(TEMPLATE.read_text()).metadata, TEMPLATE.parent)


def _source_with_chart(folder, extra: str = ""):
    """A pandoc source with one chart in media/ (as localise_images leaves it) and ``extra`` markdown."""
    (folder / "media").mkdir()
    Image.new("RGB", (40, 20), (29, 112, 184)).save(folder / "media" / "000-bars.png")
    body = ('# Rates\n\nRates rose in Leeds & Bradford.\n\n'
            '![Bars for the area](media/000-bars.png){fig-alt="Bars of 3 values: Leeds > Bradford"}\n' + extra)
    return outputs.write_source(body, {"title": "Leeds"}, folder / "report.md")


def _reader_view(page: str) -> dict:
    """What a reader gets from a page: its text, images (bytes and every text read out) and style rules."""
    root = lxml.html.fromstring(page)
    css = " ".join(re.sub(r"/\*.*?\*/", "", style.text or "", flags=re.S) for style in root.iter("style"))
    return {"text": " ".join(" ".join(root.xpath("//body//text()")).split()),
            "images": [(img.get("src"), img.get("alt"), img.get("role"), img.get("aria-label"))
                       for img in root.iter("img")],
            "styles": " ".join(css.split()),
            "loads": root.xpath("//link/@href | //*[@src][not(starts-with(@src, 'data:'))]/@src")}


def _recorded_pandoc(monkeypatch) -> tuple[list, list]:
    """(every writer run, every pandoc command line) the HTML writer does from now on."""
    runs, calls = [], []
    monkeypatch.setattr(outputs, "run_writers", lambda source, given, **kw: (runs.extend(given),
                                                                             run_writers(source, given, **kw)))
    monkeypatch.setattr(outputs, "run_pandoc", lambda args, *rest, **kw: (calls.append(args), run_pandoc(args, *rest, **kw)))
    return runs, calls


def test_the_html_inlines_its_chart_and_stylesheet_without_pandocs_second_pass(monkeypatch, tmp_path):
    """Pandoc writes the page once (no --embed-resources: a second parse of the whole page); the page is
    what pandoc's own embedding gives a reader: the chart's bytes with its alt text, the stylesheet's rules."""
    source = _source_with_chart(tmp_path)
    meta = _template_metadata()
    runs, calls = _recorded_pandoc(monkeypatch)
    page = outputs.to_html(source, tmp_path / "report.html", meta).read_text(encoding="utf-8")
    assert len(runs) == 1 and calls == []

    # the same page by pandoc's command line, reading the markdown itself (so setting the alt text itself)
    by_pandoc = outputs._html_run(source, tmp_path / "by-pandoc.html", meta, None, alt_text_set=False)
    run_pandoc(by_pandoc.command_line(source, "--embed-resources"), tmp_path, "HTML")
    ours, theirs = _reader_view(page), _reader_view(by_pandoc.output.read_text(encoding="utf-8"))
    assert ours == theirs
    assert ours["loads"] == []                                           # nothing left to fetch
    src, alt, role, label = ours["images"][0]
    assert base64.b64decode(src.removeprefix("data:image/png;base64,")) == (tmp_path / "media/000-bars.png").read_bytes()
    assert (alt, role, label) == ("Bars of 3 values: Leeds > Bradford", "img", "Bars of 3 values: Leeds > Bradford")
    assert ".table-scroll" in ours["styles"]                             # the report's own stylesheet
    assert str(TEMPLATE.parent) not in page                              # no path of this machine in the page


def test_a_page_loading_another_local_file_is_embedded_by_pandoc(monkeypatch, tmp_path):
    """A script (say, in raw HTML of local commentary) is no chart or stylesheet: pandoc's own embedding takes it."""
    (tmp_path / "tool.js").write_text("window.jsnaTool = 1;\n")
    source = _source_with_chart(tmp_path, '\n<script src="tool.js"></script>\n')
    runs, calls = _recorded_pandoc(monkeypatch)
    page = outputs.to_html(source, tmp_path / "report.html", _template_metadata()).read_text(encoding="utf-8")
    assert len(runs) == 1 and [("--embed-resources" in args) for args in calls] == [True]
    assert _reader_view(page)["loads"] == [] and "window.jsnaTool" in page
