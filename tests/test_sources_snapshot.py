"""`jsna fetch` then `jsna build`: a dated snapshot from (replayed) sources, rebuilt offline."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from assessment.errors import InputError
from assessment.report.build import build_bundle_from_snapshot
from assessment.report.bundle import open_bundle
from assessment.sources.catalogue import load_catalogue
from assessment.sources.fingertips import FingertipsClient
from assessment.sources.http import session
from assessment.sources.snapshot import build_frame, fetch_snapshot, open_snapshot, read_frame, write_frame

from .replay_server import ReplayServer


@pytest.fixture(scope="module")
def demo_sources(tmp_path_factory):
    from assessment.demo import write_demo_sources

    return write_demo_sources(tmp_path_factory.mktemp("sources"))


def _arcgis(csv_path):
    table = pd.read_csv(csv_path, dtype=str, encoding="utf-8-sig")
    features = [{"attributes": row} for row in table.to_dict("records")]
    return lambda q: (200, "application/json", json.dumps({"features": features}).encode())


@pytest.fixture(scope="module")
def snapshot(demo_sources, tmp_path_factory):
    catalogue = load_catalogue()
    export = pd.read_csv(demo_sources["fingertips"], dtype=str)
    # As on Fingertips, district indicators are also published for counties (502); county ones only there.
    kinds = {e.frame_id: ([502] if e.area_type == "county" else [501, 502]) for e in catalogue.fingertips()}
    labels = {"501": "Districts", "502": "Counties"}
    with ReplayServer() as server:
        server.routes["/api/available_data"] = lambda q: (200, "application/json", json.dumps(
            [{"IndicatorId": int(q["indicator_id"]), "AreaTypeId": t} for t in kinds[q["indicator_id"]]]).encode())
        server.routes["/api/indicator_metadata/by_indicator_id"] = lambda q: (200, "application/json", json.dumps(
            {i: {"Descriptive": {"Name": catalogue.fingertips_meta()[i].name}} for i in q["indicator_ids"].split(",")}).encode())

        def data(q):
            rows = export[export["Indicator ID"].isin(q["indicator_ids"].split(","))]
            # Each area type's export repeats the unitaries, regions and England.
            rows = rows[rows["Area Type"].str.startswith(labels[q["child_area_type_id"]])
                        | rows["Area Code"].str.match(r"E06|E12|E92")]
            return 200, "text/csv", rows.to_csv(index=False).encode()

        server.routes["/api/all_data/csv/by_indicator_id"] = data
        server.routes["/pub/mye.csv"] = lambda q: (200, "text/csv", demo_sources["population"].read_bytes())
        for role in ("lad_csp_pfa", "lad_utla", "lad_region"):
            server.routes[f"/{role}/query"] = _arcgis(demo_sources[f"lookup_{role.replace('lad_csp_pfa', 'lad_csp_pfa')}"])
        server.routes["/lad/query"] = lambda q: (200, "application/geo+json", demo_sources["boundaries_lad"].read_bytes())
        http = session(retries=1, backoff=0.01, cache_name=str(tmp_path_factory.mktemp("cache") / "c"))
        publishers = {"ons_population": {"module": "assessment.sources.ons_population", "reader": "read",
                                         "url": f"{server.url}/pub/mye.csv", "filename": "mye_2023.csv",
                                         "vintage": "mid-2023", "licence": "Open Government Licence v3.0"}}
        root = fetch_snapshot(tmp_path_factory.mktemp("snapshots"), catalogue=catalogue, publishers=publishers,
                              client=FingertipsClient(server.url + "/api/", http=http), http=http,
                              geography_urls={r: f"{server.url}/{r}/query" for r in ("lad_csp_pfa", "lad_utla", "lad_region")},
                              boundary_url=f"{server.url}/lad/query", today=date(2026, 11, 22))
        requests = list(server.requests)
    return root, publishers, requests


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
    monkeypatch.setattr("assessment.sources.snapshot.load_publishers", lambda path=None: publishers)
    bundle_dir = build_bundle_from_snapshot(root, tmp_path / "bundle")
    bundle = open_bundle(bundle_dir)
    assert bundle.snapshot_date == "2026-11-22" and not bundle.is_demo
    assert {s["name"] for s in bundle.meta["sources"]} >= {"OHID Fingertips", "mid-2023"}
    assert (bundle.frame["area_type"] == "pfa").any()


def test_frame_round_trips_with_types(snapshot, tmp_path):
    root, publishers, _ = snapshot
    frame, _ = build_frame(root, publishers=publishers)
    again = read_frame(write_frame(frame, tmp_path / "frame.parquet"))
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), again.reset_index(drop=True))
