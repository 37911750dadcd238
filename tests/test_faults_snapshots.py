"""Snapshots are never lost or read from outside: `jsna import` and `jsna fetch` under faults (issue 26).

- a second import on the same day keeps the first snapshot (F3), also when two run at once;
- a full disk during an import names the file and keeps the earlier snapshot (F17);
- a manifest naming a file outside its snapshot is refused;
- malformed Fingertips JSON is one line naming the URL (F10);
"""

from __future__ import annotations

import functools
import json
import resource
import shutil
import subprocess
from datetime import date

import pytest

from assessment.cli import main
from assessment.errors import InputError
from assessment.sources import snapshot as snapshot_module
from assessment.sources.catalogue import load_catalogue
from assessment.sources.fingertips import FingertipsClient
from assessment.sources.http import session
from assessment.sources.snapshot import build_frame, fetch_snapshot, open_snapshot

from .conftest import tool
from .replay_server import ReplayServer, serve_demo_sources
from .test_faults_network import HANG_BOUND, TEST_BUDGET, within

TODAY = date.today().isoformat()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    """The demo's files in the publishers' formats, as an analyst downloads them (one folder)."""
    from assessment.demo import write_demo_sources

    sources = write_demo_sources(tmp_path_factory.mktemp("made"))
    folder = tmp_path_factory.mktemp("Downloads")
    for role in ("lookup_lad_csp_pfa", "lookup_lad_utla", "lookup_lad_region", "boundaries_lad", "population",
                 "fingertips"):
        shutil.copy(sources[role], folder / sources[role].name)
    return folder


def _snapshots(out):
    return sorted(p.name for p in out.iterdir() if not p.name.startswith("."))


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------ F3: a second import keeps the first
def test_a_second_import_on_the_same_day_keeps_the_first_snapshot(downloads, tmp_path, capsys):
    out = tmp_path / "snapshots"
    assert main(["import", str(downloads), "--out", str(out)]) == 0
    first = _files(out / TODAY)
    assert len(open_snapshot(out / TODAY).manifest["files"]) == 6
    capsys.readouterr()
    one = next(downloads.glob("mye_*.csv"))
    assert main(["import", str(one), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert _snapshots(out) == [TODAY, f"{TODAY}-2"]
    assert _files(out / TODAY) == first  # the 6-file import is still there, byte for byte
    assert captured.out.strip().splitlines()[-1] == str(out / f"{TODAY}-2")
    assert f"note: {out / TODAY} already holds a snapshot of {TODAY}, kept as it is; this import is " \
           f"{out / f'{TODAY}-2'}" in " ".join(captured.err.split())
    assert [e["key"] for e in open_snapshot(out / f"{TODAY}-2").manifest["files"]] == ["ons_population"]


def test_two_imports_at_once_both_keep_their_snapshot(downloads, tmp_path):
    out = tmp_path / "snapshots"
    one = next(downloads.glob("mye_*.csv"))
    runs = [subprocess.Popen([tool("jsna"), "import", str(source), "--out", str(out)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for source in (downloads, one)]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    written = sorted(stdout.strip().splitlines()[-1] for stdout, _ in results)
    assert written == sorted({str(out / TODAY), str(out / f"{TODAY}-2")})
    sizes = sorted(len(open_snapshot(folder).manifest["files"]) for folder in written)
    assert sizes == [1, 6]
    assert _snapshots(out) == [TODAY, f"{TODAY}-2"]


# ------------------------------------------------------------------ F17: a full disk during an import
def _limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))  # Python ignores SIGXFSZ: writes get EFBIG


def test_a_full_disk_during_import_names_the_file_and_keeps_the_earlier_snapshot(downloads, tmp_path):
    out = tmp_path / "snapshots"
    small = tmp_path / "small"
    small.mkdir()
    shutil.copy(next(downloads.glob("mye_*.csv")), small)
    assert main(["import", str(small), "--out", str(out)]) == 0
    before = _files(out / TODAY)
    run = subprocess.run([tool("jsna"), "import", str(downloads), "--out", str(out)], capture_output=True, text=True,
                         preexec_fn=_limit_file_size, timeout=300)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, run.stderr
    export = next(downloads.glob("all_data*.csv")).name
    assert f"fingertips/{export}: could not be written (File too large)" in lines[0]
    assert _snapshots(out) == [TODAY] and _files(out / TODAY) == before


# ------------------------------------------------------------------ a manifest path out of the snapshot
@pytest.mark.parametrize("escape", ["../../outside.csv", "/etc/hostname", "geography/../../outside.csv"])
def test_a_manifest_path_outside_the_snapshot_is_refused(downloads, tmp_path, escape, capsys):
    out = tmp_path / "snapshots"
    assert main(["import", str(downloads), "--out", str(out)]) == 0
    root = out / TODAY
    outside = tmp_path / "outside.csv"
    lookup = next(e for e in open_snapshot(root).manifest["files"] if e["kind"] == "lookup")
    shutil.copy(root / lookup["path"], outside)
    manifest = json.loads((root / "manifest.json").read_text())
    for entry in manifest["files"]:
        if entry["path"] == lookup["path"]:
            entry["path"] = escape
    (root / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InputError, match=f"file path '{escape}' leads outside the snapshot"):
        build_frame(root)
    capsys.readouterr()
    assert main(["build", "--snapshot", str(root), "--out", str(tmp_path / "bundle")]) == 1
    err = capsys.readouterr().err
    assert "leads outside the snapshot" in err and "Traceback" not in err
    assert not (tmp_path / "bundle").exists()


def test_a_symlink_out_of_the_snapshot_is_refused(downloads, tmp_path):
    out = tmp_path / "snapshots"
    assert main(["import", str(downloads), "--out", str(out)]) == 0
    root = out / TODAY
    lookup = next(e for e in open_snapshot(root).manifest["files"] if e["kind"] == "lookup")
    outside = tmp_path / "outside.csv"
    (root / lookup["path"]).rename(outside)
    (root / lookup["path"]).symlink_to(outside)
    with pytest.raises(InputError, match="leads outside the snapshot"):
        build_frame(root)


# ------------------------------------------------------------------ `jsna fetch --only fingertips` under faults
DAY = date(2026, 11, 22)
FINGERTIPS = "/api/all_data/csv/by_indicator_id"


@pytest.fixture(scope="module")
def demo_sources(tmp_path_factory):
    from assessment.demo import write_demo_sources

    return write_demo_sources(tmp_path_factory.mktemp("sources"))


@pytest.fixture(scope="module")
def good_snapshot(demo_sources, tmp_path_factory):
    """A good fetch of every source (lookups included) on DAY: (snapshots folder, publishers)."""
    out = tmp_path_factory.mktemp("good")
    with ReplayServer() as server:
        sources = serve_demo_sources(server, demo_sources, load_catalogue())
        http = session(budget=TEST_BUDGET, cache_name=str(tmp_path_factory.mktemp("cache") / "c"))
        fetch_snapshot(out, **sources, client=FingertipsClient(server.url + "/api/", http=http), http=http, today=DAY)
    return out, sources["publishers"]


@pytest.fixture
def fingertips_fault(demo_sources, good_snapshot, tmp_path, monkeypatch):
    """(server, snapshots folder holding the day's good snapshot, run) where run(*args) is `jsna fetch --only
    fingertips ARGS` through the command line against the loopback server."""
    out = tmp_path / "snapshots"
    shutil.copytree(good_snapshot[0], out)
    with ReplayServer() as server:
        sources = serve_demo_sources(server, demo_sources, load_catalogue())
        http = session(budget=TEST_BUDGET, cache_name=str(tmp_path / "cache"))  # no cached copy to fall back on
        monkeypatch.setattr(snapshot_module, "fetch_snapshot", functools.partial(
            fetch_snapshot, **sources, client=FingertipsClient(server.url + "/api/", http=http), http=http,
            today=DAY))
        yield server, out, lambda *args: within(HANG_BOUND, lambda: main(
            ["fetch", "--out", str(out), "--only", "fingertips", *args]))


def _one_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and "unexpected" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, err
    return lines[0]


def _json_route(body):
    return lambda q: (200, "application/json", json.dumps(body).encode())


# F10: malformed Fingertips JSON is one line naming the URL and what was wrong
JSON_CASES = {
    "IndicatorName renamed": ("/api/indicator_names/by_profile_id", [{"IndicatorId": 1, "Name": "x"}],
                              "record 1 has no IndicatorName field (its fields: IndicatorId, Name)"),
    "profile list as an object": ("/api/indicator_names/by_profile_id", {"IndicatorId": 1, "IndicatorName": "x"},
                                  "a JSON object where a list of records was expected"),
    "profile list with nulls": ("/api/indicator_names/by_profile_id", [None, 7, "x"],
                                "record 1 is null, not an object"),
    "available_data as an object": ("/api/available_data", {"AreaTypeId": 501},
                                    "a JSON object where a list of records was expected"),
    "available_data with nulls": ("/api/available_data", [None, 7, "x"], "record 1 is null, not an object"),
    "AreaTypeId as words": ("/api/available_data", [{"IndicatorId": 1, "AreaTypeId": "five-oh-one"}],
                            "record 1's AreaTypeId is 'five-oh-one', not a whole number"),
    "metadata as a list": ("/api/indicator_metadata/by_indicator_id", [None, 7, "x"],
                           "a JSON list where an object of indicator metadata was expected"),
    "Descriptive as text": ("/api/indicator_metadata/by_indicator_id", {"90976": {"Descriptive": "x"}},
                            "a string where an object of indicator 90976's descriptions was expected"),
}


@pytest.mark.parametrize("case", list(JSON_CASES))
def test_malformed_fingertips_json_is_one_line_naming_the_url(case, fingertips_fault, capsys):
    server, out, run = fingertips_fault
    path, body, problem = JSON_CASES[case]
    server.routes[path] = _json_route(body)
    before = _files(out / DAY.isoformat())
    assert run() == 1
    line = _one_error(capsys)
    assert f"{server.url}{path}?" in line and f": malformed answer: {problem}" in line, line
    assert _files(out / DAY.isoformat()) == before
