"""A slow fixture built once per run, however many xdist workers ask (used by tests/conftest.py)."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path


# ------------------------------------------------------------------ built once per run
def built_once(tmp_path_factory, name: str, build) -> Path:
    """``build(folder)`` into a folder ``name`` made once per test run, shared by every xdist worker.

    The renders and bundles below are the slow part of the suite. Under ``pytest -n`` each worker
    is its own process with its own session fixtures, so the first worker to ask builds the folder
    while holding a file lock and the others wait for it and read it. Nothing may write into it
    afterwards: a test that changes a bundle copies it first.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above every worker's own
    folder, done = root / name, root / f"{name}.built"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            folder.mkdir()
            build(folder)
            done.touch()
    return folder
