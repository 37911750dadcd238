"""The command line's one error boundary: every failure becomes one plain line and an exit code.

- our errors (:class:`~assessment.core.errors.JsnaError`): their message, their exit code;
- usage errors (a missing option, an unknown command or value): typer's message and
  the command's ``--help`` to try, exit code 2;
- an operating-system error (a full disk, a permission, a folder that is a file):
  the path and the reason;
- anything else is a bug: its type and message, and how to see the traceback.

Messages are written as plain text (never read as markup, so ``[x]`` stays and
``[/x]`` cannot break the printer) on one line. ``--debug`` anywhere on the
command line, or ``JSNA_DEBUG=1``, prints the traceback first.

>>> import typer
>>> demo = typer.Typer()
>>> @demo.command()
... def boom(name: str):
...     raise ValueError(f"no such thing as [/{name}]")
>>> import contextlib, io
>>> err = io.StringIO()
>>> with contextlib.redirect_stderr(err):
...     code = run_guarded(demo, ["x"], prog_name="demo")
>>> code, err.getvalue().splitlines()[0]
(1, 'error: unexpected ValueError: no such thing as [/x] (a bug: run again with --debug for the traceback and report it)')
"""

from __future__ import annotations

import os
import sys
import traceback
import warnings
from typing import Any

import typer

from .errors import JsnaError

DEBUG_FLAG = "--debug"
INTERRUPTED = 130


def one_line(text: object) -> str:
    """``text`` with every run of whitespace (newlines included) made one space.

    >>> one_line("a\\n  b\\tc ")
    'a b c'
    """
    return " ".join(str(text).split())


def _take_debug_flag(args: list[str]) -> tuple[list[str], bool]:
    """Remove ``--debug`` (before any ``--``) wherever it is; True when it was there or JSNA_DEBUG is set."""
    end = args.index("--") if "--" in args else len(args)
    found = DEBUG_FLAG in args[:end]
    kept = [a for a in args[:end] if a != DEBUG_FLAG] + args[end:]
    return kept, found or os.environ.get("JSNA_DEBUG", "").strip().lower() in ("1", "true", "yes")


def _is_usage_error(exc: BaseException) -> bool:
    # typer vendors click (no ``click`` package to import): recognise its exceptions by what they carry.
    usage_types = getattr(typer, "TyperException", ())  # older typer re-exported click's instead
    return isinstance(exc, usage_types) or (hasattr(exc, "format_message") and hasattr(exc, "exit_code"))


def _click_message(exc: Any) -> str:
    """The message of one of click's exceptions, typed ``Any``: typer vendors click, whose classes are not importable."""
    return exc.format_message()


def _usage_message(exc: BaseException) -> str:
    ctx = getattr(exc, "ctx", None)
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None and type(exc).__name__ != "FileError" else ""
    return f"{_click_message(exc).rstrip('.')}{hint}"


def _os_message(exc: OSError) -> str:
    where = exc.filename if exc.filename is not None else ""
    if exc.filename2 is not None:
        where = f"{where} -> {exc.filename2}"
    reason = exc.strerror or type(exc).__name__
    return f"{where}: {reason}" if where else reason


def describe(exc: BaseException) -> tuple[str, int]:
    """The one-line message and exit code for a failure.

    >>> describe(FileNotFoundError(2, "No such file or directory", "snapshots/manifest.json"))
    ('snapshots/manifest.json: No such file or directory', 1)
    >>> describe(MemoryError())[0]
    'out of memory (the input may be far larger than expected)'
    """
    if isinstance(exc, JsnaError):
        return one_line(exc), exc.exit_code
    if _is_usage_error(exc):
        return one_line(_usage_message(exc)), int(getattr(exc, "exit_code", 2) or 2)
    if isinstance(exc, MemoryError):
        return "out of memory (the input may be far larger than expected)", 1
    if isinstance(exc, OSError):
        return one_line(_os_message(exc)), 1
    text = one_line(exc)
    return (f"unexpected {type(exc).__name__}{': ' + text if text else ''} "
            "(a bug: run again with --debug for the traceback and report it)"), 1


def _say(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr closed or a broken pipe: nothing more can be said
        pass


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    _say(f"warning: {one_line(message)}")


def run_guarded(app: typer.Typer, args: list[str], *, prog_name: str) -> int:
    """Run a typer app and return its exit code; every failure is one ``error:`` line on stderr."""
    args, debug = _take_debug_flag(list(args))
    previous = warnings.showwarning
    if not debug:
        warnings.showwarning = _one_line_warning
    try:
        # Without standalone mode typer returns (not raises) a typer.Exit's code and raises usage errors.
        code = app(args=args, prog_name=prog_name, standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _say("error: interrupted")
        return INTERRUPTED
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException as exc:  # noqa: BLE001 - this is the boundary: nothing gets past it
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `jsna`: the help is the answer
            sys.stdout.write(_click_message(exc) + "\n")
            return 0
        if debug:
            traceback.print_exception(exc)
        message, code = describe(exc)
        _say(f"error: {message}")
        return code
    finally:
        warnings.showwarning = previous
    if code == INTERRUPTED:  # typer turns Ctrl-C into a quiet exit code
        _say("error: interrupted")
    return code if isinstance(code, int) else 0
