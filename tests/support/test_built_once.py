"""tests/conftest.py's ``built_once``: a slow fixture is built once per run, however many xdist workers ask."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from tests.support.paths import REPOSITORY

ROOT = REPOSITORY

#: One xdist worker asking for the folder: its basetemp is ``<run>/popen-<worker>``, as pytest-xdist makes it.
WORKER = """
import sys
from pathlib import Path
from tests.conftest import built_once

class Factory:
    def getbasetemp(self):
        path = Path(sys.argv[1]) / ("popen-" + sys.argv[2])
        path.mkdir(exist_ok=True)
        return path

def build(folder):
    with open(Path(sys.argv[1]) / "builds.log", "a") as log:
        log.write(sys.argv[2] + "\\n")
    (folder / "made-by").write_text(sys.argv[2])

print(built_once(Factory(), "shared", build))
"""


def _workers(run: Path, names: list[str], env: dict) -> list[str]:
    """Start every worker at once, then collect the folder each was given."""
    started = [subprocess.Popen([sys.executable, "-c", WORKER, str(run), name], cwd=ROOT, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for name in names]
    answers = []
    for process in started:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        answers.append(out.strip())
    return answers


def test_every_worker_gets_the_one_folder_built_by_the_first(tmp_path):
    import os

    names = ["gw0", "gw1", "gw2"]
    env = {**os.environ, "PYTEST_XDIST_WORKER": "gw0"}
    answers = _workers(tmp_path, names, env)
    assert answers == [str(tmp_path / "shared")] * 3  # the run's folder, not a worker's own
    (builder,) = (tmp_path / "builds.log").read_text().split()
    assert (tmp_path / "shared" / "made-by").read_text() == builder
    assert _workers(tmp_path, ["gw3"], env) == [str(tmp_path / "shared")]  # a later worker builds nothing
    assert (tmp_path / "builds.log").read_text().split() == [builder]


def test_without_xdist_the_folder_is_in_the_sessions_own_basetemp(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"}
    assert _workers(tmp_path, ["solo"], env) == [str(tmp_path / "popen-solo" / "shared")]
