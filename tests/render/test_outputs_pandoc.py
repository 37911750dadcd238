"""How pandoc is run: its runtime options."""

from __future__ import annotations

from assessment.core.child_processes import run_tied
from assessment.render import outputs


def test_pandoc_runs_with_its_own_memory_options_unless_the_user_set_them(monkeypatch, tmp_path):
    """GHCRTS takes a fifth to a third off a pandoc run (outputs.PANDOC_RUNTIME); the bundled pandoc accepts
    it, and a GHCRTS of the user's own is theirs to keep."""
    given = []

    def run(args, **options):
        given.append(options["env"].get("GHCRTS"))
        return run_tied(args, **options)

    monkeypatch.setattr(outputs, "run_tied", run)
    source = tmp_path / "report.md"
    source.write_text("# Drugs\n\nA paragraph.\n", encoding="utf-8")
    monkeypatch.delenv("GHCRTS", raising=False)
    assert outputs.parse_source(source).is_file()
    monkeypatch.setenv("GHCRTS", "-A16m")
    assert outputs.parse_source(source).is_file()
    assert given == ["-O64m -H16m", "-A16m"]
