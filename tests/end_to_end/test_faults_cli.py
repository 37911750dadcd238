"""The command line's error boundary: every failure is one plain line on stderr and a non-zero exit."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assessment import cli
from assessment.cli import main
from assessment.core.errors import SourceError


def _run(*args, env=None):
    """The real console script in a fresh process (what a user or CI sees)."""
    import os

    return subprocess.run([sys.executable, "-m", "assessment.cli", *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(("args", "message"), [
    (["build"], "error: Missing option '--snapshot' / '-s' (see 'jsna build --help')"),
    (["nosuchcmd"], "error: No such command 'nosuchcmd' (see 'jsna --help')"),
    (["render", "--area", "E10999001", "--format", "xyz"],
     "error: Invalid value for --format: unknown output format(s) xyz; choose from html, docx, pdf (see 'jsna render --help')"),
    (["render"], "error: Invalid value for --area: give --area AREA or --all (see 'jsna render --help')"),
    (["render", "--all", "--area", "E10999001"], "error: Invalid value for --all: give --area or --all, not both: "
                                                 "--all renders every area of --geography (see 'jsna render --help')"),
    (["validate"], "error: Missing argument 'file' (see 'jsna validate --help')"),
    (["render", "--area", "x", "--jobs", "many"], "error: Invalid value for '--jobs' / '-j': Input should be a valid integer"),
])
def test_usage_errors_are_one_line_with_exit_code_2(args, message, capsys):
    assert main(args) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith(message)


def test_usage_error_in_a_real_process_has_no_traceback():
    done = _run("build")
    assert done.returncode == 2
    assert _one_error_line(done.stderr) == "error: Missing option '--snapshot' / '-s' (see 'jsna build --help')"


@pytest.mark.parametrize("command", [["build", "--snapshot", "snap"], ["render", "--area", "x"], ["fetch"],
                                     ["demo"], ["upload-template", "continuity_of_care_audit"]])
def test_out_pointing_at_an_existing_file_is_refused_before_any_work(command, tmp_path, capsys):
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me")
    assert main([*command, "--out", str(existing)]) == 2
    assert f"{existing} is a file, not a folder" in _one_error_line(capsys.readouterr().err)
    assert existing.read_text() == "keep me"
    assert main([*command, "--out", str(existing / "below")]) == 2
    assert "is a file, not a folder" in _one_error_line(capsys.readouterr().err)


def test_markup_characters_are_printed_as_they_are(tmp_path, capsys):
    odd = tmp_path / "[/x] and [bold]"
    assert main(["render", "--area", "[/x]", "--bundle", str(odd)]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert f"{odd}: not a report bundle" in line


def test_our_errors_keep_their_message_and_exit_code(monkeypatch, capsys):
    def failing(out, **kwargs):
        raise SourceError("http://127.0.0.1/x: HTTP 503\nsecond line [red]")

    monkeypatch.setattr("assessment.snapshots.snapshot.fetch_snapshot", failing)
    assert main(["fetch", "--out", "snaps"]) == 1
    assert _one_error_line(capsys.readouterr().err) == "error: http://127.0.0.1/x: HTTP 503 second line [red]"


def test_an_unexpected_exception_is_one_line_and_debug_shows_the_traceback(monkeypatch, capsys):
    def broken(out, **kwargs):
        raise KeyError("[/oops]")

    monkeypatch.setattr("assessment.snapshots.snapshot.fetch_snapshot", broken)
    assert main(["fetch"]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert line == ("error: unexpected KeyError: '[/oops]' (a bug: run again with --debug for the traceback "
                    "and report it)")
    assert main(["fetch", "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "in broken" in err and err.rstrip().endswith("report it)")
    monkeypatch.setenv("JSNA_DEBUG", "1")
    assert main(["fetch"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_os_errors_name_the_path(monkeypatch, capsys):
    def full_disk(out, **kwargs):
        raise OSError(28, "No space left on device", "snapshots/2026-01-01/fingertips/a.csv")

    monkeypatch.setattr("assessment.snapshots.snapshot.fetch_snapshot", full_disk)
    assert main(["fetch"]) == 1
    assert _one_error_line(capsys.readouterr().err) == \
        "error: snapshots/2026-01-01/fingertips/a.csv: No space left on device"


def test_interrupt_exits_130(monkeypatch, capsys):
    def interrupted(out, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("assessment.snapshots.snapshot.fetch_snapshot", interrupted)
    assert main(["fetch"]) == 130
    assert _one_error_line(capsys.readouterr().err) == "error: interrupted"


def test_warnings_are_one_line_too(monkeypatch, capsys):
    import warnings

    def warns(out, **kwargs):
        warnings.warn("http://x: HTTP 503;\n using the cached copy", UserWarning, stacklevel=1)
        return out

    monkeypatch.setattr("assessment.snapshots.snapshot.fetch_snapshot", warns)
    assert main(["fetch", "--out", "s"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "warning: http://x: HTTP 503; using the cached copy"


def test_a_new_command_gets_the_boundary_for_free(monkeypatch, capsys):
    @cli.app.command("explode-for-test")
    def explode() -> None:
        raise RuntimeError("new command failed")

    try:
        assert main(["explode-for-test"]) == 1
        assert "unexpected RuntimeError: new command failed" in _one_error_line(capsys.readouterr().err)
    finally:
        cli.app.registered_commands.pop()


def test_bare_command_shows_help():
    done = _run()
    assert done.returncode == 0 and "Usage" in done.stdout and "--debug" in done.stdout
