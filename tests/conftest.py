"""Shared fixtures: the real public data beside the repo, skipped cleanly when absent."""

from __future__ import annotations

import json
import os
import sys
import sysconfig
import tempfile
from datetime import date
from pathlib import Path

import pytest

from assessment.core.paths import shared_data_dir

from tests.support.built_once import built_once


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that need it skip when it is not there."""
    path = shared_data_dir()
    if path is None:
        pytest.skip("../shared/data is not present beside the repository")
    return path


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Keep every test's HTTP and boundary caches out of the user's home."""
    monkeypatch.setenv("JSNA_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


# ------------------------------------------------------------------ tools
def tool(name: str) -> str:
    """A command installed with this interpreter (its virtualenv's ``bin``), so tests never rely on PATH.

    ``.venv/bin/python -m pytest`` does not put ``.venv/bin`` on PATH.
    """
    path = Path(sysconfig.get_path("scripts")) / name
    if not path.is_file():
        pytest.fail(f"{name} is not installed beside {sys.executable}; pip install -e '.[test]'")
    return str(path)


STANDIN = Path(__file__).parent / "support" / "quarto_standin" / "standin_quarto.py"


def write_standin_launcher(folder: Path) -> Path:
    """``folder/quarto``: runs the stand-in Quarto (tests/support/quarto_standin) with this interpreter."""
    folder.mkdir(parents=True, exist_ok=True)
    launcher = folder / "quarto"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{STANDIN}" "$@"\n')
    launcher.chmod(0o755)
    return folder


@pytest.fixture(scope="session")
def standin_bin(tmp_path_factory) -> Path:
    """A folder holding only the stand-in ``quarto``."""
    return write_standin_launcher(tmp_path_factory.mktemp("standin-quarto"))


@pytest.fixture
def standin_quarto(standin_bin, monkeypatch) -> Path:
    """The stand-in ``quarto`` first on PATH, and no virtualenv ``bin`` on it (as when running ``.venv/bin/jsna``)."""
    venv_bin = str(Path(sysconfig.get_path("scripts")))
    rest = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != venv_bin]
    monkeypatch.setenv("PATH", os.pathsep.join([str(standin_bin), *rest]))
    monkeypatch.delenv("QUARTO_PYTHON", raising=False)
    return standin_bin / "quarto"


def pytest_configure(config):
    """``JSNA_TEST_QUARTO=standin`` runs the whole suite with the stand-in quarto first on PATH."""
    if os.environ.get("JSNA_TEST_QUARTO") == "standin":
        folder = write_standin_launcher(Path(tempfile.mkdtemp(prefix="jsna-standin-quarto-")))
        os.environ["PATH"] = os.pathsep.join([str(folder), os.environ.get("PATH", "")])


# ------------------------------------------------------------------ workers and the order files start in
def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto`` (pyproject.toml): two workers more than the cores this process may use.

    Much of the suite waits rather than computes: on a kernel starting, a loopback server's timeout,
    LibreOffice, Chromium, or a shared render another worker is building. Extra workers fill those
    waits. The whole suite on a 2-core machine (6 December 2026): 7 min 53 s with two workers,
    6 min 28 s to 6 min 39 s with three, 6 min 20 s with four.
    """
    return len(os.sched_getaffinity(0)) + 2


#: Test files that render end to end themselves (batches, several formats, Quarto, Chromium, LibreOffice),
#: longest first. Under ``--dist loadfile`` a worker runs a whole file, and xdist's own order (most tests
#: first) started these few-test files last, so one worker ran a long batch alone while the other was idle.
#: Started first, the long files overlap and the many short files fill both workers up to the end. The second
#: starts the real reports (real_renders, the longest build) while the first runs the batches, so that the
#: files reading them later find them built instead of waiting. After them, the other files of 20 s or more
#: (summed over their tests, one run of 6 December 2026), longest first: started by test count, the packaging
#: test (a wheel installed in a fresh virtualenv) began 20 s before the end and ran on alone.
START_FIRST = ("test_batch.py", "test_council_small_counts.py", "test_publication_quality.py", "test_commentary.py",
               "test_quarto.py", "test_welsh_forces.py", "test_faults_render.py", "test_faults_outputs.py",
               "test_quarto_standin.py", "test_render_request.py", "test_faults_injection.py",
               "test_disclosure_across_geographies.py",
               "test_faults_snapshots.py", "test_demo_report.py", "test_faults_fetch.py", "test_similar_areas_report.py",
               "test_faults_uploads.py", "test_all_registries.py", "test_http_faults.py", "test_frame.py",
               "test_faults_upload_input.py", "test_packaging.py", "test_justice_report.py")


def pytest_collection_modifyitems(session, config, items):
    """The files of :data:`START_FIRST` first, in its order; every other file after them, most tests first.

    pyproject.toml's ``--no-loadscope-reorder`` makes xdist hand files out in this order.
    """
    counts: dict[Path, int] = {}
    for item in items:
        counts[item.path] = counts.get(item.path, 0) + 1

    def rank(item) -> tuple[int, int]:
        name = item.path.name
        return (START_FIRST.index(name), 0) if name in START_FIRST else (len(START_FIRST), -counts[item.path])

    items.sort(key=rank)  # stable: a file's own tests keep their order


DEMO_DISTRICT = "Dunmere"  # a district of the demo county, rendered beside the county and force reports


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory) -> dict[str, Path]:
    """`jsna demo` (county and force) and `jsna render` of one of its districts, once per test session.

    Rendering is the slow part of the suite (three areas, three formats each), so every test that
    looks at the rendered documents shares these: ``{area code: folder with .html/.docx/.pdf/.xlsx}``.
    """
    from assessment.cli import main

    def render(out: Path) -> None:
        before = repository_state()
        assert main(["demo", "--out", str(out)]) == 0
        assert main(["render", "--area", DEMO_DISTRICT, "--bundle", str(out / "bundle"),
                     "--out", str(out / "reports")]) == 0
        # what the renders left in the repository, for tests/render/test_quarto.py
        (out / "repository.json").write_text(json.dumps({"before": before, "after": repository_state()}))

    out = built_once(tmp_path_factory, "demo", render)
    folders = sorted(p for p in (out / "reports").iterdir() if not p.name.startswith("."))  # not the run lock
    return {folder.name.split("-")[0]: folder for folder in folders}


# ------------------------------------------------------------------ real public data, as a user runs it
#: Every area the real-data tests read, as a user names it (-> its code): one `jsna render` for all.
REAL_AREAS = {"E10000017": "E10000017", "pfa:Lancashire": "E23000003", "Blackpool": "E06000009",
              "E06000065": "E06000065", "pfa:North Yorkshire": "E23000009", "E06000066": "E06000066",
              "Preston": "E07000123", "pfa:West Midlands": "E23000014", "pfa:Greater Manchester": "E23000005"}


@pytest.fixture(scope="session")
def demo_bundle(tmp_path_factory) -> Path:
    """The demo's bundle (``build_demo_bundle``), built once per session for every test that renders from it.

    Tests read it and render from it; a test that changes a bundle copies it first.
    """
    from assessment.demo import build_demo_bundle

    return built_once(tmp_path_factory, "demo-bundle", build_demo_bundle) / "bundle"


@pytest.fixture(scope="session")
def real_bundle(shared_data, tmp_path_factory) -> Path:
    """``jsna import`` of every file in ../shared/data and ``jsna build`` of that snapshot, once per session.

    Importing and building the real files is the slow part of the real-data tests, so they share it.
    """
    from assessment.cli import main

    def build(folder: Path) -> None:
        assert main(["import", str(shared_data), "--out", str(folder / "snapshots")]) == 0
        snapshot = next(p for p in (folder / "snapshots").iterdir() if not p.name.startswith("."))  # not the lock
        assert main(["build", "--snapshot", str(snapshot), "--out", str(folder / "bundle")]) == 0

    return built_once(tmp_path_factory, "real-data", build) / "bundle"


#: Real areas a test reads in more formats than HTML, rendered once in those formats with the others (each area's
#: notebook runs once for all its formats): Lancashire's force report in every format (``real_force_report``),
#: and the county's and Blackpool's PDFs (test_council_small_counts). Every other area of REAL_AREAS: HTML.
REAL_AREA_FORMATS = {"pfa:Lancashire": None, "E10000017": "html,pdf", "Blackpool": "html,pdf"}


@pytest.fixture(scope="session")
def real_renders(real_bundle, tmp_path_factory) -> Path:
    """Every area of :data:`REAL_AREAS` rendered once (one ``jsna render`` per set of formats): their output folder."""
    from assessment.cli import main

    def render(out: Path) -> None:
        by_formats: dict[str | None, list[str]] = {}
        for query in REAL_AREAS:
            by_formats.setdefault(REAL_AREA_FORMATS.get(query, "html"), []).append(query)
        for formats, queries in by_formats.items():
            argv = ["render", "--bundle", str(real_bundle), "--out", str(out)]
            argv += ["--format", formats] if formats else []  # None: every format
            for query in queries:
                argv += ["--area", query]
            assert main(argv) == 0

    return built_once(tmp_path_factory, "real-reports", render)


def real_area_folder(real_renders: Path, code: str) -> Path:
    """The folder of area ``code``'s report in :func:`real_renders`."""
    return next(real_renders.glob(f"{code}-*"))


@pytest.fixture(scope="session")
def real_reports(real_renders) -> dict[str, tuple[str, list[dict]]]:
    """``{code: (HTML page, appendix rows)}`` for each of :data:`REAL_AREAS`."""
    import openpyxl

    reports = {}
    for code in REAL_AREAS.values():
        area_folder = real_area_folder(real_renders, code)
        page = next(area_folder.glob("*.html")).read_text(encoding="utf-8")
        book = openpyxl.load_workbook(next(area_folder.glob("*-data.xlsx")), read_only=True)
        rows = list(book["Data"].iter_rows(values_only=True))
        book.close()
        reports[code] = (page, [dict(zip(rows[0], r)) for r in rows[1:]])
    return reports


@pytest.fixture(scope="session")
def real_force_report(real_renders) -> Path:
    """Every format of the real Lancashire police force area report, rendered once: its folder."""
    return real_area_folder(real_renders, "E23000003")


REPOSITORY = Path(__file__).resolve().parent.parent


def repository_state() -> dict:
    """What a render must leave as it was in the repository: .gitignore, templates/, no .quarto scratch."""
    return {"gitignore": (REPOSITORY / ".gitignore").read_text(),
            "templates": sorted(p.name for p in (REPOSITORY / "templates").iterdir()),
            "scratch": [p.name for p in (REPOSITORY / ".quarto", REPOSITORY / "templates" / ".quarto") if p.exists()]}


@pytest.fixture(scope="session")
def quarto_standin_report(standin_bin, demo_bundle, tmp_path_factory) -> dict:
    """The demo county rendered once by ``jsna render --engine quarto`` through the stand-in quarto, every format.

    ``{"out": the render's output folder, "before"/"after": repository_state() around the render}``.
    PATH holds the stand-in and no virtualenv ``bin``, as when a user runs ``.venv/bin/jsna``.
    """
    from assessment.cli import main

    def render(folder: Path) -> None:
        before = repository_state()
        with pytest.MonkeyPatch.context() as patch:
            venv_bin = str(Path(sys.executable).parent)
            rest = [p for p in os.environ["PATH"].split(os.pathsep) if p and p != venv_bin]
            patch.setenv("PATH", os.pathsep.join([str(standin_bin), *rest]))
            patch.delenv("QUARTO_PYTHON", raising=False)
            assert main(["render", "--area", "E10999001", "--bundle", str(demo_bundle), "--out", str(folder / "out"),
                         "--engine", "quarto"]) == 0
        (folder / "repository.json").write_text(json.dumps({"before": before, "after": repository_state()}))

    folder = built_once(tmp_path_factory, "quarto-standin", render)
    return {"out": folder / "out", **json.loads((folder / "repository.json").read_text())}


@pytest.fixture
def server():
    """A loopback HTTP server answering each test's canned routes (tests/support/replay_server.py)."""
    from tests.support.replay_server import ReplayServer

    with ReplayServer() as replay:
        yield replay


# ------------------------------------------------------------------ a good fetch, for the fetch fault tests
#: The day the fault tests' good fetch is dated (test_faults_fetch, test_faults_snapshots).
FETCH_DAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo_sources(tmp_path_factory):
    """The demo's sources in the publishers' formats, to be served on 127.0.0.1 (a copy of the run's one writing)."""
    from tests.support.demo_files import copy_demo_sources

    return copy_demo_sources(tmp_path_factory, tmp_path_factory.mktemp("sources"))


@pytest.fixture(scope="module")
def good_snapshots(demo_sources, tmp_path_factory):
    """A good fetch of every source (lookups included) on FETCH_DAY: (snapshots folder, publishers)."""
    from assessment.sources.catalogue import load_catalogue
    from assessment.sources.fingertips.client import FingertipsClient
    from assessment.inputs.http import session
    from assessment.snapshots.snapshot import fetch_snapshot

    from tests.support.replay_server import ReplayServer, serve_demo_sources
    from tests.support.time_limits import TEST_BUDGET

    out = tmp_path_factory.mktemp("good")
    with ReplayServer() as server:
        sources = serve_demo_sources(server, demo_sources, load_catalogue())
        http = session(budget=TEST_BUDGET, cache_name=str(tmp_path_factory.mktemp("cache") / "c"))
        fetch_snapshot(out, **sources, client=FingertipsClient(server.url + "/api/", http=http), http=http,
                       today=FETCH_DAY)
    return out, sources["publishers"]
