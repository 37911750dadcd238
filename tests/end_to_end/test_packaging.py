"""The package installs from a wheel: templates and registries ship inside it, and the demo runs from anywhere.

Both run offline: the wheel is built with the installed setuptools (``--no-build-isolation``,
no package index), and the fresh virtualenv takes the wheel alone (``--no-index --no-deps``),
finding its dependencies in this environment's site-packages through a ``.pth`` file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from tests.support.paths import REPOSITORY

ROOT = REPOSITORY
SHIPPED = ("data_sources", "boundaries", "templates")
# (.mypy_cache: test_lint's mypy may be writing it on another worker while the checkout is copied)
NOT_ANYWHERE = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                                      ".hypothesis", ".quarto", ".mypy_cache", ".ruff_cache")
#: A user's outputs at the checkout's top only: the package itself has a `snapshots` room.
NOT_AT_TOP = {"demo-output", "reports", "snapshots"}


def not_source(folder: str, names: list[str]) -> set[str]:
    """What the copy of the checkout leaves out (an ignore function for shutil.copytree)."""
    return set(NOT_ANYWHERE(folder, names)) | ({n for n in names if n in NOT_AT_TOP} if Path(folder) == ROOT else set())


#: pip with no index, no configured index or wheel folder, and a closed port for an index: a step that
#: needs a package from anywhere but this environment fails at once.
OFFLINE = {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
           "PIP_EXTRA_INDEX_URL": "", "PIP_FIND_LINKS": "", "PIP_RETRIES": "0", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def _run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    kwargs["env"] = {**kwargs.get("env", os.environ), **OFFLINE}
    completed = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    assert completed.returncode == 0, f"{' '.join(map(str, cmd))}:\n{completed.stdout[-2000:]}\n{completed.stderr[-3000:]}"
    return completed


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the checkout (so the build leaves nothing in the repository), offline."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=not_source)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "--wheel-dir", work / "dist", source])
    (built,) = (work / "dist").glob("jsna_justice-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_carries_every_registry_and_template_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in SHIPPED:
        files = [p for p in (ROOT / folder).rglob("*") if p.is_file()]
        assert files
        missing = [p for p in files if f"assessment/{folder}/{p.relative_to(ROOT / folder).as_posix()}" not in names]
        assert not missing, f"not in the wheel: {missing}"
    assert {"assessment/templates/format/report.css", "assessment/demo/profile.yaml"} <= names
    assert not [n for n in names if n.startswith(("tests/", "data_sources/", "templates/"))]


@pytest.mark.slow
def test_installed_wheel_renders_the_demo_from_an_unrelated_folder(wheel, tmp_path):
    """A fresh virtualenv holding the wheel, no checkout anywhere near (dependencies: this environment's)."""
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv])
    python = venv / "bin" / "python"
    _run([python, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", wheel])
    # The wheel's own copy comes first on sys.path; this environment's packages follow, for the dependencies
    # (its editable install of the checkout is not seen: .pth files in a .pth-listed folder are not read).
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip())
    here = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site / "test-environment.pth").write_text("\n".join(here) + "\n")
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    env = {"HOME": os.environ.get("HOME", str(tmp_path)), "PATH": "/usr/bin:/bin",
           "JSNA_CACHE_DIR": str(tmp_path / "cache")}
    where = _run([python, "-c", "import assessment.core.paths as p; print(p.TEMPLATES_DIR)"], cwd=elsewhere, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv)
    result = _run([venv / "bin" / "jsna", "demo", "--out", "demo", "--format", "html"], cwd=elsewhere, env=env)
    reports = sorted((elsewhere / "demo" / "reports").glob("*/*.html"))
    assert [p.parent.name for p in reports] == ["E10999001-northmere", "E23999001-northmere-and-port-alder-police"]
    assert "Demonstration data" in reports[0].read_text()
    assert "Using the built-in engine, not Quarto: the quarto command is not on PATH." in result.stderr
