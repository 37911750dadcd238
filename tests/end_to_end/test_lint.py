"""ruff and mypy, configured in pyproject.toml, find nothing: the same checks a developer runs by hand.

    .venv/bin/ruff check .        # pyflakes, pycodestyle, import order, bugbear, pyupgrade
    .venv/bin/mypy                # the package's types, every module
"""

from __future__ import annotations

import subprocess

from tests.conftest import tool
from tests.support.paths import REPOSITORY

ROOT = REPOSITORY


def _run(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([tool(name), *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_ruff_finds_nothing():
    result = _run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_mypy_finds_nothing():
    result = _run("mypy")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert result.stdout.startswith("Success: no issues found")
