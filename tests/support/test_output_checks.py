"""The layout checkers of tests/support/output_checks.py, shown to flag a deliberately bad PDF and to pass a good one.

The PDFs are typeset here with typst (a dependency of the package): the same
A4 page of body text, once as it should be, once with two words printed on top
of each other and words pushed past the page's edges.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import typst

from tests.support import output_checks as checks

MM = 72 / 25.4
PAGE = """#set page(paper: "a4", margin: 20mm)
#set text(size: 11pt)
Body text set in the text block, as a report's paragraphs are.

#place(top + left, dx: 10mm, dy: 40mm)[Overprinted]
#place(top + left, dx: {second}mm, dy: {second_down}mm)[Collision]
#place(top + left, dx: {left}mm, dy: 80mm)[Leftward]
#place(top + right, dx: {right}mm, dy: 120mm)[Rightward]
"""
#: Where the bad page puts its words: the second word 2 mm along from the first, the others past the edges.
BAD = {"second": 12, "second_down": 40.5, "left": -18, "right": 18}
#: The good page: the second word on a line of its own, the others inside the text block.
GOOD = {"second": 10, "second_down": 50, "left": 0, "right": 0}


@pytest.fixture(scope="module")
def typeset(tmp_path_factory):
    """``{"bad": pages, "good": pages}``: the word boxes of each typst-made PDF."""
    checks.needs("pdf")
    folder = tmp_path_factory.mktemp("typeset")
    out = {}
    for name, places in (("bad", BAD), ("good", GOOD)):
        source = folder / f"{name}.typ"
        source.write_text(PAGE.format(**places), encoding="utf-8")
        typst.compile(str(source), output=str(folder / f"{name}.pdf"))
        out[name] = checks.pdf_pages(Path(folder / f"{name}.pdf"))
    return out


def test_overlapping_words_flags_two_words_printed_on_top_of_each_other(typeset):
    pairs = checks.overlapping_words(typeset["bad"])
    assert [(a.text, b.text) for a, b in pairs] == [("Overprinted", "Collision")]
    assert checks.overlapping_words(typeset["good"]) == []


def test_words_outside_flags_words_past_the_margin_on_either_side(typeset):
    outside = checks.words_outside(typeset["bad"], 10 * MM)
    assert sorted(w.text for w in outside) == ["Leftward", "Rightward"]
    assert checks.words_outside(typeset["good"], 10 * MM) == []
    # The good page's words sit in its 20 mm text block: a 25 mm margin is one they break.
    assert checks.words_outside(typeset["good"], 25 * MM)


def test_the_good_page_holds_every_word_the_bad_one_does(typeset):
    """Both pages typeset the same words, so the checks above differ only in where the words were put."""
    words = [sorted(w.text for p in typeset[name] for w in p.words) for name in ("bad", "good")]
    assert words[0] == words[1] and "Collision" in words[0]


def _outcome(kind: str) -> BaseException | None:
    """What ``needs(kind)`` raised (pytest's skip and fail are exceptions), caught so that neither ends this test."""
    try:
        checks.needs(kind)
    except BaseException as raised:  # noqa: B036 - pytest's outcomes derive from BaseException
        return raised
    return None


def test_a_missing_program_skips_its_checks_and_fails_them_where_ci_requires_them(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no poppler here
    monkeypatch.delenv(checks.REQUIRE_TOOLS, raising=False)
    skipped = _outcome("pdf")
    assert isinstance(skipped, pytest.skip.Exception)
    assert str(skipped).startswith("poppler's pdftotext, pdftoppm not installed (apt-get install poppler-utils")
    monkeypatch.setenv(checks.REQUIRE_TOOLS, "1")
    failed = _outcome("pdf")
    assert isinstance(failed, pytest.fail.Exception), repr(failed)
    assert str(failed).endswith("; JSNA_REQUIRE_PUBLICATION_TOOLS=1 requires it")
