"""`jsna fetch` against a faulty loopback server: one line, bounded time, the previous snapshot untouched.

A good snapshot is fetched once; each case copies it (so a snapshot of the
same day exists), breaks one route of the server and runs `jsna fetch` through
the command line's error boundary. The previous snapshot must still build.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil

import pytest

from assessment.cli import main
from assessment.core.errors import InputError, SourceError
from assessment.core.atomic_files import LOCK_FILE
from assessment.snapshots import snapshot as snapshot_module
from assessment.sources.catalogue import load_catalogue
from assessment.sources.fingertips.client import FingertipsClient
from assessment.inputs.http import session
from assessment.snapshots.snapshot import build_frame, fetch_snapshot, open_snapshot

from tests.conftest import FETCH_DAY
from tests.support.replay_server import ReplayServer, gzip_bomb, serve_demo_sources, short_body, trickle
from tests.support.time_limits import HANG_BOUND, TEST_BUDGET, within

DAY = FETCH_DAY  # the good fetch's day (conftest)


@pytest.fixture
def faulty(demo_sources, good_snapshots, tmp_path, monkeypatch):
    """(server, out folder holding yesterday's good fetch of the same day, run) where run() is `jsna fetch`."""
    out = tmp_path / "snapshots"
    shutil.copytree(good_snapshots[0], out)
    with ReplayServer() as server:
        sources = serve_demo_sources(server, demo_sources, load_catalogue())
        # A fresh cache: a cached copy would (rightly) stand in for a failed source.
        http = session(budget=TEST_BUDGET, cache_name=str(tmp_path / "cache"))
        real = fetch_snapshot
        monkeypatch.setattr(snapshot_module, "fetch_snapshot", functools.partial(
            real, **sources, client=FingertipsClient(server.url + "/api/", http=http), http=http, today=DAY))
        yield server, out, lambda: within(HANG_BOUND, lambda: main(["fetch", "--out", str(out)]))


def _digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _cut_at_a_line(fraction):
    def cut(route):
        def served(q):
            status, ctype, body = route(q)
            lines = body.splitlines(keepends=True)
            return status, ctype, b"".join(lines[: max(2, int(len(lines) * fraction))])
        return served
    return cut


def _without_indicator(route):
    def served(q):
        status, ctype, body = route(q)
        first = q["indicator_ids"].split(",")[0]
        kept = [line for line in body.splitlines(keepends=True) if not line.startswith(f"{first},".encode())]
        return status, ctype, b"".join(kept)
    return served


def _boundaries_missing_one(route):
    def served(q):
        status, ctype, body = route(q)
        shapes = json.loads(body)
        shapes["features"] = shapes["features"][1:]
        return status, ctype, json.dumps(shapes).encode()
    return served


FINGERTIPS = "/api/all_data/csv/by_indicator_id"
CASES = {
    "hang": ("/pub/mye.csv", lambda r: lambda q: "sleep:30", "no answer within 1.5 s"),
    "retry-after 100": ("/pub/mye.csv", lambda r: lambda q: (429, "text/plain", b"", {"Retry-After": "100"}),
                        "HTTP 429; the server asked to wait 100 s before retrying"),
    "server error": ("/pub/mye.csv", lambda r: lambda q: (500, "text/plain", b"oops"), "HTTP 500 after 3 attempts"),
    "trickle": ("/pub/mye.csv", lambda r: lambda q: trickle(b"x" * 5000, every=0.5), "bytes/s floor: cut off"),
    "short body": (FINGERTIPS, lambda r: lambda q: short_body(b"Indicator ID,", declared=5000),
                   "the connection closed before the whole body arrived"),
    "gzip bomb": ("/lad/query", lambda r: (lambda bomb: lambda q: bomb)(gzip_bomb(inflated_megabytes=100)),
                  "compression bomb"),
    "html page": (FINGERTIPS, lambda r: lambda q: (200, "text/html", b"<!DOCTYPE html><p>Maintenance</p>"),
                  "got an HTML page where CSV was expected"),
    "csv cut at a line": (FINGERTIPS, _cut_at_a_line(0.5), "incomplete download: indicator"),
    "indicator missing": (FINGERTIPS, _without_indicator, "asked for but absent"),
    "boundary missing": ("/lad/query", _boundaries_missing_one, "district(s) of the lookups have no boundary"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_failed_fetch_is_one_line_and_keeps_the_previous_snapshot(case, faulty, good_snapshots, capsys):
    server, out, run = faulty
    path, fault, message = CASES[case]
    server.routes[path] = fault(server.routes[path])
    before = _digest(out / DAY.isoformat())
    assert run() == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, err
    line = lines[0]
    assert message in line and server.url in line
    assert f"the previous snapshot {out / DAY.isoformat()} is untouched; partial files kept in " in line
    partial = line.rsplit("partial files kept in ", 1)[1]
    assert partial.startswith(str(out / f".{DAY.isoformat()}.partial-"))
    assert _digest(out / DAY.isoformat()) == before
    frame, meta = build_frame(out / DAY.isoformat(), publishers=good_snapshots[1])
    assert meta["snapshot_date"] == DAY.isoformat() and len(frame) > 100


def test_a_good_fetch_replaces_the_same_day_snapshot_and_clears_dead_runs_partials(faulty, capsys):
    server, out, run = faulty
    dead = out / f".{DAY.isoformat()}.partial-999999999-left-by-kill-9"
    dead.mkdir()
    (dead / "half.csv").write_text("a,b\n")
    old_manifest = (out / DAY.isoformat() / "manifest.json").read_text()
    assert run() == 0
    assert (out / DAY.isoformat() / "manifest.json").read_text() != old_manifest
    assert sorted(p.name for p in out.iterdir() if p.name != LOCK_FILE) == [DAY.isoformat()]


def _copy_with_a_cut_export(good_snapshots, tmp_path, lines_cut: int, *, recount: bool):
    """A copy of the good snapshot whose first Fingertips export lost its last lines, re-hashed in the manifest
    (as another tool might); ``recount`` updates the manifest's row count too. Returns (root, entry)."""
    root = tmp_path / DAY.isoformat()
    shutil.copytree(good_snapshots[0] / DAY.isoformat(), root)
    manifest = json.loads((root / "manifest.json").read_text())
    entry = next(e for e in manifest["files"] if e["kind"] == "fingertips")
    target = root / entry["path"]
    lines = target.read_bytes().splitlines(keepends=True)
    target.write_bytes(b"".join(lines[: len(lines) - lines_cut]))
    entry["sha256"] = hashlib.sha256(target.read_bytes()).hexdigest()
    recorded = entry["rows"]
    if recount:
        entry["rows"] -= lines_cut
    (root / "manifest.json").write_text(json.dumps(manifest))
    return root, recorded


def test_build_counts_rows_again_and_refuses_a_table_cut_at_a_line(good_snapshots, tmp_path, capsys):
    root, rows = _copy_with_a_cut_export(good_snapshots, tmp_path, 3, recount=False)
    with pytest.raises(InputError, match=rf"{rows - 3} rows where .*manifest.json records {rows}"):
        build_frame(root, publishers=good_snapshots[1])
    assert main(["build", "--snapshot", str(root), "--out", str(tmp_path / "bundle")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "the file is incomplete; fetch the snapshot again" in err
    assert not (tmp_path / "bundle").exists()


def test_build_refuses_an_export_missing_areas_even_with_a_matching_row_count(good_snapshots, tmp_path):
    # The last line is the last district of the last indicator's latest period.
    root, _ = _copy_with_a_cut_export(good_snapshots, tmp_path, 1, recount=True)
    with pytest.raises(SourceError, match=r"incomplete download: indicator \S+ has (\d+) of (\d+) "):
        build_frame(root, publishers=good_snapshots[1])


def test_manifest_rows_are_records_not_lines(good_snapshots):
    snapshot = open_snapshot(good_snapshots[0] / DAY.isoformat())
    for entry in snapshot.files("fingertips") + snapshot.files("lookup"):
        import pandas as pd

        assert entry["rows"] == len(pd.read_csv(snapshot.path(entry), dtype=str))
