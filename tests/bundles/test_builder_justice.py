"""A bundle built from a snapshot of the six justice files keeps the Welsh forces, with ranks and comparisons."""

from __future__ import annotations

import math

import pytest

from assessment.bundles.builder import build_bundle_from_snapshot
from assessment.bundles.bundle import open_bundle
from assessment.snapshots.snapshot import SnapshotWriter, load_publishers
from assessment.stats.force_ranks import force_ranking

STAGED = {
    "ho_arrests": "arrest-police-powers-procedures-mar19-hosb2519-tables.ods",
    "ons_pfa_crime": "pfatablesdec19.xlsx",
    "ons_pfa_asb": "policeforceareatablesyeendingmarch2019.xlsx",
    "eff_conviction_ratio": "prosecutions-and-convictions.csv",
    "eff_stop_search_by_area": "ethnicity-stop-search-by-area.csv",
    "eff_stop_search_national": "ethnicity-stop-search-by-ethnicity.csv",
}


@pytest.fixture(scope="module")
def bundle(shared_data, tmp_path_factory):
    root = tmp_path_factory.mktemp("justice") / "snapshot"
    writer = SnapshotWriter(root, "2026-01-01")
    publishers = load_publishers()
    for key, name in STAGED.items():
        spec = publishers[key]
        writer.add(f"publishers/{spec['filename']}", (shared_data / "justice" / name).read_bytes(),
                   kind="publisher", key=key, url=spec.get("url") or spec["publisher_page"],
                   vintage=spec["vintage"])
    writer.close()
    out = build_bundle_from_snapshot(root, root.parent / "bundle", lookups_dir=shared_data)
    return open_bundle(out)


@pytest.mark.shared
def test_welsh_forces_and_england_and_wales_survive_the_build(bundle):
    frame = bundle.frame
    total = frame[(frame["indicator_id"] == "ons-crime-total-rate") & (frame["period"] == "2019")]
    codes = set(total["area_code"])
    assert {"W15000001", "W15000002", "W15000003", "W15000004", "K04000001", "E92000001"} <= codes
    assert total["area_code"].str.startswith("E23").sum() == 39
    dyfed = total.set_index("area_code").loc["W15000004"]
    assert dyfed["is_welsh"] and dyfed["group_name"] == "Wales" and dyfed["group_count"] == 4
    assert dyfed["england_comparison"] == "Not compared" and "Welsh force" in dyfed["england_reason"]
    assert dyfed["england_wales_comparison"] == "Better (99.8%)"  # 61.1 against 89.0 per 1,000
    # 43 forces less Greater Manchester (withheld) and the City of London (rate suppressed)
    assert dyfed["force_count"] == 41


@pytest.mark.shared
def test_force_ranks_and_comparisons_for_lancashire(bundle):
    frame = bundle.frame
    table = force_ranking(frame, "ons-crime-total-rate", period="2019")
    assert len(table) == 43 and table["area_label"].str.endswith("(Wales)").sum() == 4
    lancashire = table.set_index("area_code").loc["E23000003"]
    expected = int((table["value"] > lancashire["value"]).sum()) + 1
    assert lancashire["force_rank"] == expected and lancashire["group_name"] == "North West"
    assert lancashire["group_count"] == 4  # Greater Manchester has no figure in this edition
    assert lancashire["england_wales_value"] == pytest.approx(89.04, abs=0.005)
    assert lancashire["england_comparison"] == "Worse (99.8%)"  # 99.0 against England's 88.0
    gmp = table.set_index("area_code").loc["E23000005"]
    assert math.isnan(gmp["force_rank"]) and gmp["value_note"].startswith("Not available")
    assert set(table["area_code"].iloc[-2:]) == {"E23000005", "E23000034"}  # no figure: last
    arrests = force_ranking(frame, "ho-arrests-rate")
    assert arrests["period"].unique().tolist() == ["2018/19"]
    assert math.isnan(arrests.set_index("area_code").loc["E23000003", "force_rank"])  # Lancashire withheld


@pytest.mark.shared
def test_bundle_metadata_carries_coverage_and_caveats(bundle):
    info = bundle.meta["indicators"]["ons-crime-total-rate"]
    assert info["coverage"] == "england_and_wales" and "recording practice" in info["caveat"]
    # Issue 27: recorded crime is not a wider determinant; each offence group sits in its topic
    # (indicators.yaml), all recorded crime with anti-social behaviour, violence with domestic abuse.
    assert info["section"] == "crime_asb"
    assert bundle.meta["indicators"]["ons-crime-violence-rate"]["section"] == "violence_domestic_abuse"
    assert bundle.meta["indicators"]["eff-stop-search-rate"]["section"] == "police_courts"
    stop = bundle.frame[bundle.frame["indicator_id"] == "eff-stop-search-rate"]
    assert stop["vintage"].str.contains("dated from its national total of 529,474 searches").all()
