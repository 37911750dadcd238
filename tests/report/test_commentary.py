"""`jsna render --commentary DIR`: the user's own Markdown per section, in every format, never live HTML."""

from __future__ import annotations

import html
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assessment.cli import main
from assessment.render.formats import parse_formats
from assessment.orchestration.batch import render_batch
from assessment.orchestration.render_request import render_request

COUNTY, DISTRICT = "E10999001", "E07999004"  # Northmere and its district Dunmere
FORCES = ["E23999001", "E23999002"]
# No quotation marks where the text is checked: pandoc's smart quotes would curl them.
HOSTILE = ("Northmere own view. <script>alert(1)</script> <img src=x onerror=alert(2)> "
           "[a trap](javascript:alert(3)) and [the plan](https://example.org/plan)\n\n"
           "<div onmouseover=alert(5)>raw block</div>\n\n"
           "```{=html}\n<iframe src=\"https://example.org\"></iframe>\n```\n")
#: The district's own summary (it replaces the general one there), checked in every format.
DISTRICT_SUMMARY = "Dunmere **recommendation**: fund a custody liaison post.\n"
#: Markup pandoc's Markdown writer would pass on unescaped (attributes after code and links): shown as text.
HOSTILE_ATTRIBUTES = ("Also `<b onclick=\"alert(6)\">x</b>`{=html}, `#panic()`{=typst} and "
                      "[a link](https://example.org){onclick=\"alert(7)\"}.\n")


@pytest.fixture(scope="module")
def bundle(demo_bundle) -> Path:
    return demo_bundle  # the session's shared demo bundle (conftest.py)


def _write(folder: Path, files: dict[str, str | bytes]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return folder


def _page(out: Path, code: str) -> str:
    return next(out.glob(f"{code}-*/*.html")).read_text(encoding="utf-8")


def _section(page: str, heading: str) -> str:
    """The HTML of the section under the ``<h2>`` whose text starts with ``heading``, up to the next ``<h2``."""
    match = re.search(r"<h2[^>]*>\s*" + re.escape(heading) + r".*?(?=<h2|\Z)", page, flags=re.S)
    assert match, f"no section {heading!r}"
    return match.group(0)


def _commentary_texts(markup: str) -> list[str]:
    """The text of each Local commentary block in ``markup``, spaces collapsed."""
    blocks = re.findall(r'<div class="local-commentary">(.*?)</div>', markup, flags=re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", b)).split()) for b in blocks]


class _LiveParts(HTMLParser):
    """Script tags, event-handler attributes, javascript: links and iframes in a page."""

    def __init__(self):
        super().__init__()
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe"):
            self.live.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.live.append(f"{tag} {name}={value}")


@pytest.fixture(scope="module")
def rendered(bundle, tmp_path_factory) -> Path:
    """The county and its district rendered (HTML, Word and PDF: one render) with general commentary, the
    county's own and the district's own summary."""
    folder = _write(tmp_path_factory.mktemp("commentary"), {
        "summary.md": "Partners agreed *three* priorities:\n\n- housing on release\n- continuity of care\n",
        f"{DISTRICT}/summary.md": DISTRICT_SUMMARY,
        "mental_health.md": "General mental health commentary for every area.\n",
        f"{COUNTY}/mental_health.md": HOSTILE,
        f"{COUNTY}/children_young_people.md": HOSTILE_ATTRIBUTES,
        "population.md": "Population commentary for every area.\n",
    })
    out = tmp_path_factory.mktemp("reports")
    assert main(["render", "--area", COUNTY, "--area", DISTRICT, "--bundle", str(bundle), "--out", str(out),
                 "--format", "html,docx,pdf", "--commentary", str(folder)]) == 0
    return out


@pytest.mark.slow
def test_an_areas_own_file_wins_over_the_general_one_in_its_section(rendered):
    county, district = _page(rendered, COUNTY), _page(rendered, DISTRICT)
    (summary,) = _commentary_texts(_section(county, "Summary and key messages"))
    assert summary.startswith("Local commentary") and "three priorities: housing on release" in summary
    (summary,) = _commentary_texts(_section(district, "Summary and key messages"))  # its own file, not the general
    assert "Dunmere recommendation" in summary and "three" not in summary
    for page in (county, district):
        assert _commentary_texts(_section(page, "Population and geography")) == [
            "Local commentary (written locally, not generated from the data) Population commentary for every area."]
        assert _commentary_texts(_section(page, "Reoffending")) == []  # no file: no block
    (own,) = _commentary_texts(_section(county, "Mental health"))
    assert "Northmere own view." in own and "General mental health" not in county
    (general,) = _commentary_texts(_section(district, "Mental health"))
    assert "General mental health commentary for every area." in general and "Northmere own" not in district


@pytest.mark.slow
def test_raw_html_in_commentary_is_shown_as_text_never_live(rendered):
    page = _page(rendered, COUNTY)
    parser = _LiveParts()
    parser.feed(page)
    assert parser.live == []
    # The markup is there to read, as text; the https link stays a link, the javascript: one only its words.
    (own,) = _commentary_texts(_section(page, "Mental health"))
    assert "<script>alert(1)</script>" in own and "<div onmouseover=alert(5)>raw block</div>" in own
    assert "a trap" in own and "javascript" not in own
    assert '<a href="https://example.org/plan">the plan</a>' in _section(page, "Mental health")
    (attributes,) = _commentary_texts(_section(page, "Children and young people"))
    assert '`<b onclick="alert(6)">x</b>`{=html}' in attributes and "`#panic()`{=typst}" in attributes


@pytest.mark.slow
def test_word_and_pdf_carry_the_commentary_block(rendered):
    import docx

    word = docx.Document(str(next(rendered.glob(f"{DISTRICT}-*/*.docx"))))
    texts = [p.text for p in word.paragraphs]
    at = texts.index("Local commentary (written locally, not generated from the data)")
    assert texts[at + 1] == "Dunmere recommendation: fund a custody liaison post."
    pdf = subprocess.run(["pdftotext", str(next(rendered.glob(f"{DISTRICT}-*/*.pdf"))), "-"], capture_output=True, text=True,
                         check=True).stdout
    flat = " ".join(pdf.split())
    assert "Local commentary (written locally, not generated from the data) Dunmere recommendation: fund a " \
           "custody liaison post." in flat


@pytest.mark.slow
def test_the_quarto_template_takes_commentary_as_a_parameter(bundle, tmp_path, standin_quarto):
    folder = _write(tmp_path / "commentary", {"reoffending.md": "Reoffending commentary through Quarto.\n"})
    out = tmp_path / "reports"
    assert main(["render", "--area", DISTRICT, "--bundle", str(bundle), "--out", str(out), "--format", "html",
                 "--engine", "quarto", "--commentary", str(folder)]) == 0
    page = _page(out, DISTRICT)
    assert "Reoffending commentary through Quarto." in " ".join(_commentary_texts(_section(page, "Reoffending")))


@pytest.mark.parametrize(("files", "bad", "says"), [
    ({"summary.md": "fine", "mental_heath.md": "a typo"}, "mental_heath.md", "unknown section key 'mental_heath'"),
    ({f"{COUNTY}/sumary.md": "a typo"}, f"{COUNTY}/sumary.md", "unknown section key 'sumary'"),
    ({"summary.md": "Caf\xe9 in Latin-1".encode("latin-1")}, "summary.md", "not UTF-8 text"),
    ({"E06099999/summary.md": "no such area"}, "E06099999", "is not the code of an area in the bundle"),
    ({"summary.txt": "wrong suffix"}, "summary.txt", "not a commentary file"),
])
@pytest.mark.parametrize("which", ["--area", "--all"])
def test_a_bad_commentary_file_is_one_line_naming_it_and_nothing_is_rendered(bundle, tmp_path, capsys, files, bad,
                                                                             says, which):
    folder = _write(tmp_path / "commentary", files)
    out = tmp_path / "reports"
    areas = ["--area", COUNTY] if which == "--area" else ["--all", "--geography", "pfa"]
    code = main(["render", *areas, "--bundle", str(bundle), "--out", str(out), "--format", "html",
                 "--commentary", str(folder)])
    err = capsys.readouterr().err
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(folder / bad) in lines[0] and says in lines[0]
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.slow
def test_a_batch_renders_again_an_area_whose_commentary_changed(bundle, tmp_path):
    folder = _write(tmp_path / "commentary", {"summary.md": "First general summary.\n",
                                              f"{FORCES[0]}/summary.md": "First own summary.\n"})
    out = tmp_path / "reports"

    def batch() -> dict[str, str]:
        request = render_request(bundle, FORCES, out, parse_formats("html"), engine="builtin", commentary=folder)
        results = render_batch(request, "pfa", jobs=1)
        return {r.code: r.status for r in results}

    assert batch() == {FORCES[0]: "rendered", FORCES[1]: "rendered"}
    assert batch() == {FORCES[0]: "skipped", FORCES[1]: "skipped"}
    _write(folder, {f"{FORCES[0]}/summary.md": "Second own summary.\n"})
    assert batch() == {FORCES[0]: "rendered", FORCES[1]: "skipped"}
    assert "Second own summary." in _page(out, FORCES[0]) and "First own summary." not in _page(out, FORCES[0])
    _write(folder, {"summary.md": "Second general summary.\n"})  # the general file: only areas showing it
    assert batch() == {FORCES[0]: "skipped", FORCES[1]: "rendered"}
    assert "Second general summary." in _page(out, FORCES[1])
