"""`jsna build` refuses, in one line and before reading the data, a snapshot too large to analyse in 2 GB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessment.cli import main


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    """The demo's files, imported as a user would."""
    from tests.support.demo_files import copy_demo_sources

    sources = copy_demo_sources(tmp_path_factory, tmp_path_factory.mktemp("made"))
    folder = tmp_path_factory.mktemp("downloads")
    for role in ("lookup_lad_csp_pfa", "lookup_lad_utla", "lookup_lad_region", "boundaries_lad", "fingertips"):
        path = Path(sources[role])
        (folder / f"{role}{path.suffix}").write_bytes(path.read_bytes())
    out = tmp_path_factory.mktemp("snapshots")
    assert main(["import", str(folder), "--out", str(out)]) == 0
    return next(p for p in out.iterdir() if p.is_dir())


def _data_rows(snapshot: Path) -> int:
    files = json.loads((snapshot / "manifest.json").read_text())["files"]
    return sum(e["rows"] for e in files if e["kind"] not in ("lookup", "boundary"))


def test_a_snapshot_over_the_row_limit_is_refused_in_one_line(snapshot, tmp_path, monkeypatch, capsys):
    rows = _data_rows(snapshot)
    monkeypatch.setenv("JSNA_MAX_BUILD_ROWS", str(rows - 1))
    code = main(["build", "--snapshot", str(snapshot), "--out", str(tmp_path / "bundle")])
    err = capsys.readouterr().err
    assert code != 0
    assert f"snapshot {snapshot}: {rows:,} data rows, more than the {rows - 1:,} a build can analyse" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "bundle").exists()


def test_a_snapshot_within_the_limit_builds(snapshot, tmp_path, monkeypatch):
    monkeypatch.setenv("JSNA_MAX_BUILD_ROWS", str(_data_rows(snapshot)))
    assert main(["build", "--snapshot", str(snapshot), "--out", str(tmp_path / "bundle")]) == 0


def test_a_national_fingertips_pull_is_within_the_default_limit(monkeypatch):
    """benchmarks/build_national.py's 1,052,198-row export builds within 1.5 GB, so it is not refused."""
    from assessment.bundles.builder import check_build_size

    monkeypatch.delenv("JSNA_MAX_BUILD_ROWS", raising=False)
    check_build_size(1_052_198, "snapshot national")
