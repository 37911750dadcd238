"""The demo's source files for tests: written once per run (see :mod:`tests.support.built_once`), then copied.

Writing them (:func:`assessment.demo.write_demo_sources`) costs about a second of CPU;
the Fingertips and snapshot tests asked for them six times a run.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.support.built_once import built_once


def copy_demo_sources(tmp_path_factory, folder: Path) -> dict[str, Path]:
    """What ``write_demo_sources(folder)`` returns, as a copy of the run's one writing (a test may change its copy)."""
    written = built_once(tmp_path_factory, "demo-sources", _write)
    roles = json.loads((written / "roles.json").read_text(encoding="utf-8"))
    shutil.copytree(written / "files", folder, dirs_exist_ok=True)
    return {role: folder / relative for role, relative in roles.items()}


def _write(folder: Path) -> None:
    from assessment.demo import write_demo_sources

    files = folder / "files"
    paths = write_demo_sources(files)
    roles = {role: path.relative_to(files).as_posix() for role, path in paths.items()}
    (folder / "roles.json").write_text(json.dumps(roles), encoding="utf-8")
