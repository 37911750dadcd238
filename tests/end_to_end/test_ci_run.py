"""``.ci/run``: CI fails when the publication checks' programs cannot be installed, rather than skipping them.

The script runs with a PATH of stand-ins: ``id`` says root, ``apt-get`` fails (no network) or
installs nothing, and ``python3`` records how it was called instead of building a virtualenv.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path
from tests.support.paths import REPOSITORY

CI_RUN = REPOSITORY / ".ci" / "run"
POPPLER = ("pdftotext", "pdftoppm", "pdfimages")


def _command(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _run(tmp_path: Path, present: tuple[str, ...], apt_status: int) -> tuple[subprocess.CompletedProcess, Path]:
    """``.ci/run`` with only ``present`` of the programs on PATH; the file ``python3`` writes its arguments to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "env", "cat"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    _command(bin_dir, "id", "echo 0")
    _command(bin_dir, "apt-get", f"exit {apt_status}")
    called = tmp_path / "python3-called"
    _command(bin_dir, "python3", f'echo "$@ JSNA_REQUIRE_PUBLICATION_TOOLS=$JSNA_REQUIRE_PUBLICATION_TOOLS" > {called}; exit 3')
    for tool in present:
        _command(bin_dir, tool, "exit 0")
    if "soffice" in present:  # with Calc: its library beside the command
        (bin_dir / "libsclo.so").write_bytes(b"")
    completed = subprocess.run([str(bin_dir / "bash"), str(CI_RUN)], capture_output=True, text=True,
                               env={"PATH": str(bin_dir)}, timeout=60)
    return completed, called


def test_ci_fails_when_the_programs_cannot_be_installed(tmp_path):
    completed, called = _run(tmp_path, present=(*POPPLER, "chromium"), apt_status=100)
    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines()[-1] == (
        "could not install poppler-utils, chromium, libreoffice-writer-nogui, libreoffice-calc-nogui: "
        "the publication checks need them")
    assert not called.exists()  # no test run that would skip their checks


def test_ci_fails_when_the_install_succeeds_without_the_programs(tmp_path):
    completed, called = _run(tmp_path, present=POPPLER, apt_status=0)
    assert completed.returncode == 1 and not called.exists()


def test_ci_runs_the_tests_requiring_the_programs_when_they_are_there(tmp_path):
    completed, called = _run(tmp_path, present=(*POPPLER, "chromium", "soffice"), apt_status=100)
    assert completed.returncode == 3  # what the stand-in python3 returned: the script got as far as the tests
    assert called.read_text().split() == ["-m", "venv", ".venv", "JSNA_REQUIRE_PUBLICATION_TOOLS=1"]
