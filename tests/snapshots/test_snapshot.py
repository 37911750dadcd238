"""`jsna fetch` then `jsna build`: a dated snapshot from (replayed) sources, rebuilt offline."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from assessment.core.errors import InputError
from assessment.bundles.builder import build_bundle_from_snapshot
from assessment.bundles.bundle import open_bundle
from assessment.sources.catalogue import load_catalogue
from assessment.sources.fingertips.client import FingertipsClient
from assessment.inputs.http import session
from assessment.snapshots.snapshot import build_frame, fetch_snapshot, open_snapshot, read_frame, write_frame

from tests.support.demo_files import copy_demo_sources
from tests.support.replay_server import ReplayServer, serve_demo_sources


@pytest.fixture(scope="module")
def demo_sources(tmp_path_factory):
    return copy_demo_sources(tmp_path_factory, tmp_path_factory.mktemp("sources"))


@pytest.fixture(scope="module")
def snapshot(demo_sources, tmp_path_factory):
    with ReplayServer() as server:
        sources = serve_demo_sources(server, demo_sources, load_catalogue())
        http = session(retries=1, backoff=0.01, cache_name=str(tmp_path_factory.mktemp("cache") / "c"))
        root = fetch_snapshot(tmp_path_factory.mktemp("snapshots"), **sources,
                              client=FingertipsClient(server.url + "/api/", http=http), http=http,
                              today=date(2026, 11, 22))
        requests = list(server.requests)
    return root, sources["publishers"], requests


def test_snapshot_is_dated_with_a_complete_manifest(snapshot):
    root, _, requests = snapshot
    assert root.name == "2026-11-22"
    manifest = open_snapshot(root).manifest
    kinds = [f["kind"] for f in manifest["files"]]
    assert kinds.count("fingertips") == 2 and kinds.count("lookup") == 3 and "boundary" in kinds
    for entry in manifest["files"]:
        assert entry["url"].startswith("http://127.0.0.1") and len(entry["sha256"]) == 64 and entry["retrieved_at"]
    assert sum(1 for p, _ in requests if p.endswith("by_indicator_id") and "all_data" in p) == 2


def test_frame_builds_from_the_snapshot_alone(snapshot):
    root, publishers, _ = snapshot
    frame, meta = build_frame(root, publishers=publishers)
    assert meta["snapshot_date"] == "2026-11-22"
    assert set(frame["indicator_id"]) >= {"90976", "ons-population"}
    # a district indicator comes with OHID's own county values; unitaries fetched twice are kept once
    drugs = frame[frame["indicator_id"] == "92432"]
    assert drugs["area_code"].str.startswith("E10").any() and drugs["area_code"].str.startswith("E07").any()
    assert frame["source_url"].str.startswith("http://127.0.0.1").all()


def test_changed_file_is_refused(snapshot, tmp_path):
    import shutil

    root, publishers, _ = snapshot
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    target = next(p for p in (copy / "publishers").rglob("*") if p.is_file())
    target.write_bytes(target.read_bytes() + b"\n")
    with pytest.raises(InputError, match="SHA-256 mismatch"):
        build_frame(copy, publishers=publishers)


def test_missing_manifest_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="not a snapshot"):
        build_frame(tmp_path)


def test_bundle_from_snapshot_states_date_and_sources(snapshot, tmp_path, monkeypatch):
    root, publishers, _ = snapshot
    monkeypatch.setattr("assessment.snapshots.snapshot.load_publishers", lambda path=None: publishers)
    bundle_dir = build_bundle_from_snapshot(root, tmp_path / "bundle")
    bundle = open_bundle(bundle_dir)
    assert bundle.snapshot_date == "2026-11-22" and not bundle.is_demo
    assert "OHID Fingertips" in {s["name"] for s in bundle.meta["sources"]}
    assert "mid-2023" in {s["release"] for s in bundle.meta["sources"]}
    assert (bundle.frame["area_type"] == "pfa").any()


def test_frame_round_trips_with_types(snapshot, tmp_path):
    root, publishers, _ = snapshot
    frame, _ = build_frame(root, publishers=publishers)
    again = read_frame(write_frame(frame, tmp_path / "frame.parquet"))
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), again.reset_index(drop=True))


def test_the_legacy_directory_is_asked_once_and_never_retried(server, tmp_path):
    """FingertipsNext's fetch asks the legacy API for the PHOF profile: an optional question, asked once.

    With the fetch's retries (3, backing off) a legacy API that no longer answers cost every fetch 2 + 4 + 8 s.
    """
    from assessment.snapshots.snapshot import _legacy_directory

    http = session(retries=3, backoff=0.01, cache_name=str(tmp_path / "cache"))
    urls = {"legacy": server.url + "/api/"}
    server.routes["/api/area_types"] = lambda q: (503, "text/plain", b"down")
    assert _legacy_directory(urls, http) is None
    assert server.count("/api/area_types") == 1
    server.routes["/api/area_types"] = lambda q: (200, "application/json", b'[{"Id": 501}]')
    directory = _legacy_directory(urls, http)
    assert directory is not None and directory.http is http  # the directory's questions go through the fetch's session


def test_a_source_latest_period_is_the_one_a_sort_by_end_then_period_puts_last():
    from assessment.snapshots.snapshot import _latest_period

    def frame(ends, periods):
        return pd.DataFrame({"period_end": pd.to_datetime(ends), "period": pd.Series(periods, dtype=object)})

    assert _latest_period(frame(["2021-03-31", "2022-03-31", "2022-03-31"], ["2020/21", "2021/22", "2021"])) == "2021/22"
    # A row without an end sorts after every dated one, and a missing period after the others of its end.
    assert _latest_period(frame(["2022-03-31", None, None], ["2021/22", "2019", "2018"])) == "2019"
    assert _latest_period(frame(["2022-03-31", "2022-03-31"], ["2021/22", None])) == "None"
    rng = np.random.default_rng(3)
    for _ in range(300):
        n = int(rng.integers(1, 7))
        rows = frame(rng.choice(["2020-03-31", "2021-03-31", None], n),
                     rng.choice(np.array(["2019", "2020/21", "2021", None], dtype=object), n))
        assert _latest_period(rows) == str(rows.sort_values(["period_end", "period"])["period"].iloc[-1])
