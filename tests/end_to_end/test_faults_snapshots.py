"""Snapshots are never lost or read from outside: `jsna import` and `jsna fetch` under faults (issue 26).

- a second import on the same day keeps the first snapshot (F3), also when two run at once;
- a full disk during an import names the file and keeps the earlier snapshot (F17);
- a manifest naming a file outside its snapshot is refused;
- malformed Fingertips JSON is one line naming the URL (F10);
- a broken Fingertips answer stops `jsna fetch --only fingertips` before it replaces anything (F4);
- a redirect to plain http is refused, and the manifest records the URL a file came from (F14).
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import resource
import shutil
import subprocess
from datetime import date

import pandas as pd
import pytest

from assessment.cli import main
from assessment.core.errors import InputError, SourceError
from assessment.snapshots import snapshot as snapshot_module
from assessment.sources.catalogue import load_catalogue
from assessment.sources.fingertips.client import FingertipsClient
from assessment.inputs.http import get_text, session
from assessment.snapshots.snapshot import build_frame, fetch_snapshot, open_snapshot

from tests.conftest import tool
from tests.conftest import FETCH_DAY
from tests.support.replay_server import Raw, ReplayServer, serve_demo_sources, unframed
from tests.support.time_limits import HANG_BOUND, TEST_BUDGET, within

TODAY = date.today().isoformat()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    """The demo's files in the publishers' formats, as an analyst downloads them (one folder)."""
    from tests.support.demo_files import copy_demo_sources

    sources = copy_demo_sources(tmp_path_factory, tmp_path_factory.mktemp("made"))
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


def test_a_folder_of_the_days_name_that_is_not_a_snapshot_is_kept(downloads, tmp_path, capsys):
    out = tmp_path / "snapshots"
    (out / TODAY).mkdir(parents=True)
    (out / TODAY / "thesis.docx").write_bytes(b"years of work")
    assert main(["import", str(downloads), "--out", str(out)]) == 0
    assert (out / TODAY / "thesis.docx").read_bytes() == b"years of work"
    assert capsys.readouterr().out.strip().splitlines()[-1] == str(out / f"{TODAY}-2")


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
    assert f"fingertips/{export}: could not write it (File too large)" in lines[0]
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
DAY = FETCH_DAY  # the good fetch's day (conftest)
FINGERTIPS = "/api/all_data/csv/by_indicator_id"


@pytest.fixture
def fingertips_fault(demo_sources, good_snapshots, tmp_path, monkeypatch):
    """(server, snapshots folder holding the day's good snapshot, run) where run(*args, only=) is `jsna fetch
    --only fingertips ARGS` (or another source) through the command line against the loopback server."""
    out = tmp_path / "snapshots"
    shutil.copytree(good_snapshots[0], out)
    with ReplayServer() as server:
        sources = serve_demo_sources(server, demo_sources, load_catalogue())
        http = session(budget=TEST_BUDGET, cache_name=str(tmp_path / "cache"))  # no cached copy to fall back on
        monkeypatch.setattr(snapshot_module, "fetch_snapshot", functools.partial(
            fetch_snapshot, **sources, client=FingertipsClient(server.url + "/api/", http=http), http=http,
            today=DAY))
        yield server, out, lambda *args, only="fingertips": within(HANG_BOUND, lambda: main(
            ["fetch", "--out", str(out), "--only", only, *args]))


def _one_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error: unexpected" not in err and "a bug" not in err, err
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


# F4: a broken Fingertips answer never replaces the day's good snapshot
def _changed(change):
    """A fault that serves the real export for the query, changed by ``change(body) -> body or Raw``."""
    def fault(route):
        def served(q):
            status, ctype, body = route(q)
            changed = change(body)
            return changed if isinstance(changed, Raw) else (status, ctype, changed)
        return served
    return fault


def _half_lines(body: bytes) -> bytes:
    lines = body.splitlines(keepends=True)
    return b"".join(lines[: len(lines) // 2])


def _cut_mid_line(body: bytes) -> bytes:
    cut = _half_lines(body)
    return cut + body[len(cut): len(cut) + 12]


def _truncated_gzip(body: bytes) -> Raw:
    packed = gzip.compress(body)
    cut = packed[: len(packed) * 3 // 4]

    def write(handler):
        handler.send_response(200)
        for name, value in (("Content-Type", "text/csv"), ("Content-Encoding", "gzip"),
                            ("Content-Length", str(len(cut)))):
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(cut)
    return Raw(write)


def _rename_area_code(body: bytes) -> bytes:
    header, rest = body.split(b"\n", 1)
    return header.replace(b"Area Code", b"Area Identifier") + b"\n" + rest


def _text_in_value(body: bytes) -> bytes:
    table = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False)
    table.loc[len(table) // 2, "Value"] = "about 12"
    return table.to_csv(index=False).encode()


BROKEN = {
    "cut mid-line": (_changed(_cut_mid_line), "truncated CSV (line"),
    "cut at a line end": (_changed(_half_lines), "incomplete download: indicator"),
    "truncated gzip stream": (_changed(_truncated_gzip), "the compressed body stops before the end of its stream"),
    "no length, ends early": (_changed(lambda body: unframed(_half_lines(body))), "incomplete download: indicator"),
    "HTML fragment": (lambda route: lambda q: (200, "text/csv", b"<div class=\"error\">Service unavailable</div>\n"),
                      "got an HTML page where CSV was expected"),
    "Area Code renamed": (_changed(_rename_area_code),
                          "missing column(s) Area Code (unexpected column(s): Area Identifier)"),
    "header only": (_changed(lambda body: body.split(b"\n", 1)[0] + b"\n"), "a header and no data rows"),
    "text in Value": (_changed(_text_in_value), "column 'Value': not a number ('about 12')"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_fingertips_answer_never_replaces_the_days_snapshot(case, fingertips_fault, good_snapshots, capsys):
    server, out, run = fingertips_fault
    fault, problem = BROKEN[case]
    server.routes[FINGERTIPS] = fault(server.routes[FINGERTIPS])
    before = _files(out / DAY.isoformat())
    assert run() == 1
    line = _one_error(capsys)
    assert f"{server.url}{FINGERTIPS}?" in line and problem in line, line
    assert f"the previous snapshot {out / DAY.isoformat()} is untouched" in line
    assert _files(out / DAY.isoformat()) == before
    assert _snapshots(out) == [DAY.isoformat()]
    frame, _ = build_frame(out / DAY.isoformat(), publishers=good_snapshots[1])
    assert len(frame) > 100


def test_with_since_text_in_value_stops_the_fetch_not_the_build(fingertips_fault, capsys):
    server, out, run = fingertips_fault
    server.routes[FINGERTIPS] = _changed(_text_in_value)(server.routes[FINGERTIPS])
    before = _files(out / DAY.isoformat())
    assert run("--since", str(out / DAY.isoformat())) == 1
    assert "column 'Value': not a number ('about 12')" in _one_error(capsys)
    assert _files(out / DAY.isoformat()) == before


def test_a_good_fingertips_only_fetch_keeps_the_days_other_sources(fingertips_fault, good_snapshots, capsys):
    server, out, run = fingertips_fault
    kinds_before = sorted(e["kind"] for e in open_snapshot(out / DAY.isoformat()).manifest["files"])
    assert run() == 0, capsys.readouterr().err
    after = open_snapshot(out / DAY.isoformat()).manifest["files"]
    assert sorted(e["kind"] for e in after) == kinds_before  # publishers and geography carried over, not dropped
    assert all(e["retrieved_at"] for e in after)
    frame, _ = build_frame(out / DAY.isoformat(), publishers=good_snapshots[1])
    assert {"90976", "ons-population"} <= set(frame["indicator_id"])


# F14: redirects keep to https, and the manifest says where a file came from
def _redirect(to):
    return lambda q: (302, "text/plain", b"", {"Location": to})


def test_a_redirect_to_plain_http_is_refused_before_it_is_followed(server, tmp_path):
    server.routes["/old.csv"] = _redirect("http://data.example.org/new.csv")
    http = session(budget=TEST_BUDGET, cache_name=str(tmp_path / "cache"))
    with pytest.raises(SourceError) as error:
        within(HANG_BOUND, lambda: get_text(server.url + "/old.csv", http=http))
    assert str(error.value) == (f"{server.url}/old.csv: redirected to http://data.example.org/new.csv, refused: "
                                "only https URLs are allowed for remote sources")


def test_a_fetch_redirected_to_plain_http_fails_and_keeps_the_snapshot(fingertips_fault, capsys):
    server, out, run = fingertips_fault
    server.routes["/pub/mye.csv"] = _redirect("http://data.example.org/mye.csv")
    before = _files(out / DAY.isoformat())
    assert run(only="publishers") == 1
    line = _one_error(capsys)
    assert f"{server.url}/pub/mye.csv: redirected to http://data.example.org/mye.csv, refused" in line
    assert _files(out / DAY.isoformat()) == before


def test_the_manifest_records_the_url_a_file_finally_came_from(fingertips_fault, demo_sources, capsys):
    server, out, run = fingertips_fault
    server.routes["/pub/mye.csv"] = _redirect("/files/2023/mye-final.csv")
    server.routes["/files/2023/mye-final.csv"] = lambda q: (200, "text/csv", demo_sources["population"].read_bytes())
    assert run(only="publishers") == 0, capsys.readouterr().err
    entry = open_snapshot(out / DAY.isoformat()).files("publisher")[0]
    assert entry["url"] == f"{server.url}/files/2023/mye-final.csv"
    assert entry["requested_url"] == f"{server.url}/pub/mye.csv"
