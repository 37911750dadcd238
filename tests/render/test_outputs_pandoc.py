"""How pandoc is run: its runtime options, and which Lua filters each run is given."""

from __future__ import annotations

import json

from assessment.core.child_processes import run_tied
from assessment.render import outputs, pandoc_runs


def test_pandoc_runs_with_its_own_memory_options_unless_the_user_set_them(monkeypatch, tmp_path):
    """GHCRTS takes a fifth to a third off a pandoc run (pandoc_runs.PANDOC_RUNTIME), the writers' one
    process too; the bundled pandoc accepts it, and a GHCRTS of the user's own is theirs to keep."""
    given = []

    def run(args, **options):
        given.append(options["env"].get("GHCRTS"))
        return run_tied(args, **options)

    monkeypatch.setattr(pandoc_runs, "run_tied", run)
    source = tmp_path / "report.md"
    source.write_text("# Drugs\n\nA paragraph.\n", encoding="utf-8")
    monkeypatch.delenv("GHCRTS", raising=False)
    assert outputs.parse_source(source, {}).is_file()
    assert outputs.to_html(source, tmp_path / "report.html", {}).is_file()
    monkeypatch.setenv("GHCRTS", "-A16m")
    assert outputs.parse_source(source, {}).is_file()
    assert given == ["-O64m -H16m", "-O64m -H16m", "-A16m"]


def _images(parsed) -> list[dict]:
    """Every image's attributes in pandoc's JSON document, as a dict."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Image":
                found.append(dict(node["c"][0][2]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(parsed.read_text(encoding="utf-8"))["blocks"])
    return found


def test_the_parsed_document_has_its_alt_text_set_once_for_every_writer(tmp_path):
    """figure-alt.lua runs when the markdown is parsed, not again in each writer that reads the parse;
    a writer reading the markdown itself still runs it."""
    source = tmp_path / "report.md"
    source.write_text('# Drugs\n\n![Deaths](chart.png){fig-alt="Bars of deaths"}\n', encoding="utf-8")
    parsed = outputs.parse_source(source, {})
    assert _images(parsed) == [{"alt": "Bars of deaths"}]
    assert str(outputs.FIGURE_ALT) not in outputs._filters({}, outputs._alt_text_set(parsed, {}))
    assert str(outputs.FIGURE_ALT) in outputs._filters({}, outputs._alt_text_set(source, {}))


def test_a_filter_declared_before_quartos_own_still_sees_fig_alt(tmp_path):
    """A template filter listed before the ``quarto`` marker runs before Quarto's own filters, so it
    must find ``fig-alt`` as Quarto leaves it: then the alt text is set in each writer, after it."""
    before = tmp_path / "before.lua"
    before.write_text("return {}\n", encoding="utf-8")
    metadata = {"filters": [str(before), "quarto"]}
    source = tmp_path / "report.md"
    source.write_text('![Deaths](chart.png){fig-alt="Bars of deaths"}\n', encoding="utf-8")
    parsed = outputs.parse_source(source, metadata)
    assert _images(parsed) == [{"fig-alt": "Bars of deaths"}]
    assert outputs._filters(metadata, outputs._alt_text_set(parsed, metadata))[1:] == (str(before),
                                                                                      str(outputs.FIGURE_ALT))
