"""Snapshots are never lost or read from outside: `jsna import` and `jsna fetch` under faults (issue 26).

- a second import on the same day keeps the first snapshot (F3), also when two run at once;
- a full disk during an import names the file and keeps the earlier snapshot (F17);
- a manifest naming a file outside its snapshot is refused;
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
from datetime import date

import pytest

from assessment.cli import main
from assessment.errors import InputError
from assessment.sources.snapshot import build_frame, open_snapshot

from .conftest import tool

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
