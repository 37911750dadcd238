"""The demo is built the way real data is: its files become a snapshot, and `jsna build`'s function builds it."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd

import assessment.bundles.builder as build
from assessment.demo import build_demo_bundle
from assessment.demo.uploads import DEMO_UPLOAD_KIND
from tests.support.paths import REPOSITORY

PACKAGE = REPOSITORY / "assessment"


def test_the_demo_bundle_is_built_from_a_snapshot_by_the_real_build_function(tmp_path, monkeypatch):
    built_from = []
    real_build_frame = build.build_frame

    def recording(snapshot_dir, **kwargs):
        built_from.append(Path(snapshot_dir))
        return real_build_frame(snapshot_dir, **kwargs)

    monkeypatch.setattr(build, "build_frame", recording)
    bundle = build_demo_bundle(tmp_path / "demo")
    assert len(built_from) == 1 and built_from[0].parent == tmp_path / "demo" / "snapshots"
    manifest = json.loads((built_from[0] / "manifest.json").read_text(encoding="utf-8"))
    kinds = {entry["kind"] for entry in manifest["files"]}
    assert kinds == {"fingertips", "publisher", "lookup", "boundary"}
    # Every row of the bundle came from a file of that snapshot or from the demo's upload.
    frame = pd.read_parquet(bundle / "frame.parquet", columns=["source_url", "indicator_id"])
    snapshot_files = {f"demo:{Path(entry['path']).name}" for entry in manifest["files"]}
    from_upload = frame["indicator_id"].str.startswith("local-")
    assert set(frame.loc[~from_upload, "source_url"]) <= snapshot_files
    assert frame.loc[from_upload, "source_url"].str.startswith(f"{DEMO_UPLOAD_KIND}.csv").all()
    assert json.loads((bundle / "bundle.json").read_text(encoding="utf-8"))["demo"] is True


def _validating_functions() -> set[tuple[str, str]]:
    """(module file, function) of every call of validate_frame in the package."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "validate_frame":
                        found.add((path.relative_to(PACKAGE).as_posix(), function.name))
    return found


def test_frames_are_validated_where_they_are_born_and_before_the_bundle_is_written():
    assert _validating_functions() == {
        ("snapshots/snapshot.py", "build_frame"),  # the frame of a snapshot (real data and the demo)
        ("snapshots/snapshot.py", "read_frame"),  # a saved frame read back
        ("uploads/load.py", "_frame_from_report"),  # a local upload
        ("bundles/analysis.py", "analyse"),  # the bundle's frame, after roll-ups, before it is written
    }
