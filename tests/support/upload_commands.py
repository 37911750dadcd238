"""Uploads written and run through `jsna validate` and `jsna build --upload` by the fault tests."""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, settings

from assessment.cli import main
from assessment.demo.geography_files import write_geography_files
from assessment.bundles.bundle import open_bundle
from assessment.snapshots.snapshot import SnapshotWriter
from assessment.uploads import load_kind, read_upload
from assessment.uploads.numbers import parse_count

from tests.support.time_limits import within


KIND = "continuity_of_care_audit"

HEADER = ["area_code", "period", "released_with_need", "engaged_3_weeks", "engaged_4_weeks"]

PER_FILE = 30.0  # the bound for one file through one command

_counter = itertools.count()


def write_small_snapshot(out: Path) -> Path:
    """A snapshot in ``out`` holding only the demo geography (its lookups and district boundaries)."""
    paths = write_geography_files(out / "geo")
    writer = SnapshotWriter(out / "snapshots" / "2026-01-01", "2026-01-01")
    for role in ("lad_csp_pfa", "lad_utla", "lad_region"):
        data = paths[f"lookup_{role}"].read_bytes()
        writer.add(f"geography/{role}.csv", data, kind="lookup", key=role, url=f"file:{role}",
                   rows=len(pd.read_csv(io.BytesIO(data))))
    writer.add("geography/lad.geojson", paths["boundaries_lad"].read_bytes(), kind="boundary", key="lad",
               url="file:lad")
    return writer.close()


def build_small_snapshot(out: Path) -> tuple[Path, Path]:
    """(snapshot, bundle) in ``out``: the demo geography alone, built with `jsna build`."""
    root = write_small_snapshot(out)
    assert main(["build", "--snapshot", str(root), "--out", str(out / "bundle")]) == 0
    return root, out / "bundle"


def _cli(args, capsys) -> tuple[int, str]:
    code = within(PER_FILE, lambda: main([str(a) for a in args]))
    err = capsys.readouterr().err
    assert "Traceback" not in err and "unexpected " not in err, err
    return code, err


def _validate(path, small_snapshot, capsys):
    return _cli(["validate", path, "--kind", KIND, "--bundle", small_snapshot[1]], capsys)


def _build(path, small_snapshot, capsys, out):
    return _cli(["build", "--snapshot", small_snapshot[0], "--out", out, "--upload", f"{KIND}={path}"], capsys)


def _fresh(folder: Path, suffix: str) -> Path:
    return folder / f"upload-{next(_counter)}{suffix}"


def _expected_rows(path: Path) -> list[dict]:
    """What a valid upload must put in the bundle: one row per indicator whose two cells are filled."""
    sheet = read_upload(path)
    header = [h.strip().lower() for h in sheet.header]
    expected = []
    for row in sheet.rows:
        cells = dict(zip(header, row))
        if not any(row):
            continue
        for indicator in load_kind(KIND).indicators:
            top, bottom = cells.get(indicator["numerator"], ""), cells.get(indicator["denominator"], "")
            if top and bottom:
                expected.append({"indicator_id": indicator["id"], "area_code": cells["area_code"].upper(),
                                 "period": cells["period"], "count": parse_count(top)})
    return expected


def _check_both_commands(path: Path, small_snapshot, capsys, tmp_path) -> bool:
    """Validate then build one file through the CLI; True when it was valid (and then fully loaded)."""
    code, err = _validate(path, small_snapshot, capsys)
    assert code in (0, 1)
    out = tmp_path / f"bundle-{next(_counter)}"
    built, build_err = _build(path, small_snapshot, capsys, out)
    if code == 1:
        assert built == 1 and not out.exists()
        errors = [line for line in build_err.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1, build_err
        return False
    assert built == 0, build_err
    frame = open_bundle(out).frame
    for row in _expected_rows(path):
        found = frame[(frame["indicator_id"] == row["indicator_id"]) & (frame["area_code"] == row["area_code"])
                      & (frame["period"] == row["period"])]
        assert len(found) >= 1, f"valid row not loaded: {row}"
        loaded = found.iloc[0]
        assert bool(loaded["suppressed"]) or loaded["count"] == row["count"]
    return True


# ------------------------------------------------------------------ numbers
def _csv(path: Path, rows) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# ------------------------------------------------------------------ fuzzing through the CLI
FUZZ = settings(max_examples=20, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
