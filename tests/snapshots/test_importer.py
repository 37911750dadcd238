"""`jsna import`: downloads recognised by content into a snapshot that `jsna build` reads like a fetched one."""

from __future__ import annotations

import io
import json
import shutil
import stat
from datetime import date

import pandas as pd
import pytest

from assessment.cli import main
from assessment.core.errors import InputError
from assessment.core.atomic_files import sha256_of
from assessment.bundles.bundle import open_bundle
from assessment.sources.fingertips import client as fingertips
from assessment.snapshots import importer
from assessment.sources.catalogue import load_catalogue

from tests.support.demo_files import copy_demo_sources


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    """The demo's files in the publishers' formats, renamed as a browser might save them."""
    sources = copy_demo_sources(tmp_path_factory, tmp_path_factory.mktemp("made"))
    folder = tmp_path_factory.mktemp("Downloads")
    names = {"lookup_lad_csp_pfa": "download (1).csv", "lookup_lad_utla": "download (2).csv",
             "lookup_lad_region": "lookup.csv", "boundaries_lad": "map.geojson", "population": "export 2023.csv",
             "fingertips": "indicators-export.csv", "upload": "notes.csv"}
    for role, name in names.items():
        shutil.copy(sources[role], folder / name)
    (folder / "README.txt").write_text("what I downloaded\n")
    return folder


def _run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_recognises_each_file_by_content_and_writes_a_manifest(downloads, tmp_path, capsys):
    code, out, err = _run(["import", str(downloads), "--out", str(tmp_path / "snapshots")], capsys)
    assert code == 0, err
    root = tmp_path / "snapshots" / date.today().isoformat()
    assert out.strip().splitlines()[-1] == str(root)
    manifest = json.loads((root / "manifest.json").read_text())
    by_key = {(e["kind"], e["key"]): e for e in manifest["files"]}
    assert set(by_key) == {("lookup", "lad_csp_pfa"), ("lookup", "lad_utla"), ("lookup", "lad_region"),
                           ("boundary", "lad"), ("publisher", "ons_population"), ("fingertips", "export")}
    population = by_key[("publisher", "ons_population")]
    assert population["period"] == "2023" and population["vintage"].startswith("mid-2023")
    assert population["url"] == (downloads / "export 2023.csv").resolve().as_uri()
    for entry in manifest["files"]:
        assert entry["sha256"] == sha256_of(root / entry["path"]) and entry["rows"] and entry["retrieved_at"]
    assert "skipped" in err and "README.txt: not a kind of file jsna knows (Fingertips data export;" in err
    for path in [root, *root.rglob("*")]:  # colleagues can read it (ordinary umask, not 0700)
        assert path.stat().st_mode & stat.S_IROTH


def test_a_named_file_of_an_unknown_kind_is_refused_and_nothing_written(downloads, tmp_path, capsys):
    code, out, err = _run(["import", str(downloads / "README.txt"), "--out", str(tmp_path / "snapshots")], capsys)
    assert code == 1 and out == ""
    assert "README.txt: not a kind of file jsna knows (Fingertips data export; ONS lookups;" in err
    assert "MHCLG homelessness detailed local authority tables" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "snapshots").exists()


def test_build_then_render_from_an_imported_snapshot(downloads, tmp_path, capsys):
    code, out, _ = _run(["import", str(downloads), "--out", str(tmp_path / "snapshots")], capsys)
    snapshot = out.strip().splitlines()[-1]
    code, _, err = _run(["build", "--snapshot", snapshot, "--out", str(tmp_path / "bundle")], capsys)
    assert code == 0, err
    bundle = open_bundle(tmp_path / "bundle")
    assert {"ons-population", "90976"} <= set(bundle.frame["indicator_id"])
    assert stat.S_IMODE((tmp_path / "bundle").stat().st_mode) & stat.S_IROTH
    releases = {s["release"] for s in bundle.meta["sources"]}
    assert any(r.startswith("mid-2023") for r in releases)


def test_build_without_a_manifest_points_at_import_and_fetch(tmp_path, capsys):
    code, _, err = _run(["build", "--snapshot", str(tmp_path), "--out", str(tmp_path / "bundle")], capsys)
    assert code == 1
    assert "not a snapshot (no manifest.json)" in err and "`jsna fetch`" in err and "`jsna import FILES...`" in err


def test_lookups_folder_is_read_whatever_the_file_names(downloads, tmp_path, capsys):
    geography = tmp_path / "my geography"
    geography.mkdir()
    for name, new in [("download (1).csv", "a.csv"), ("download (2).csv", "b.csv"), ("lookup.csv", "c.csv"),
                      ("map.geojson", "shapes.json")]:
        shutil.copy(downloads / name, geography / new)
    only_data = tmp_path / "only data"
    only_data.mkdir()
    shutil.copy(downloads / "export 2023.csv", only_data / "population 2023.csv")
    code, out, _ = _run(["import", str(only_data), "--out", str(tmp_path / "snapshots")], capsys)
    code, _, err = _run(["build", "--snapshot", out.strip().splitlines()[-1], "--out", str(tmp_path / "bundle"),
                         "--lookups", str(geography)], capsys)
    assert code == 0, err
    assert len(open_bundle(tmp_path / "bundle").geography.lads) == 33
    code, _, err = _run(["build", "--snapshot", out.strip().splitlines()[-1], "--out", str(tmp_path / "b2")], capsys)
    assert code == 1 and "district (lad) boundaries; `jsna import` them into the snapshot or pass --lookups DIR" in err
    assert all(role in err for role in ("lad_csp_pfa", "lad_utla", "lad_region"))


def test_fingertips_export_variants_are_read_and_unknown_indicators_skipped(downloads):
    text = (downloads / "indicators-export.csv").read_text(encoding="utf-8")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    extra = frame.iloc[:3].copy()
    extra["Indicator ID"], extra["Indicator Name"] = "93356", "Campylobacter incidence"
    # fingertipsR writes the columns without spaces; an export to regions names its parent "(statistical)".
    renamed = {c: c.replace(" ", "") for c in fingertips.REQUIRED_COLUMNS}
    renamed["Compared to Region value or percentiles"] = "Compared to Regions (statistical) value or percentiles"
    variant = pd.concat([frame, extra], ignore_index=True).rename(columns=renamed).to_csv(index=False)
    metadata = load_catalogue().fingertips_meta()
    skipped: list[str] = []
    parsed = fingertips.parse_csv(variant, url="variant.csv", metadata=metadata, skipped=skipped)
    assert skipped == ["93356 (Campylobacter incidence)"]
    plain = fingertips.parse_csv(text, url="variant.csv", metadata=metadata)
    pd.testing.assert_frame_equal(parsed.drop(columns="retrieved_at"), plain.drop(columns="retrieved_at"))
    with pytest.warns(UserWarning, match=r"variant\.csv: skipped indicator\(s\) not in the catalogue: 93356"):
        fingertips.parse_csv(variant, url="variant.csv", metadata=metadata)


def test_a_population_table_that_states_no_year_is_refused(downloads, tmp_path, capsys):
    shutil.copy(downloads / "export 2023.csv", tmp_path / "export.csv")
    code, out, err = _run(["import", str(tmp_path / "export.csv"), "--out", str(tmp_path / "snapshots")], capsys)
    assert code == 1 and "export.csv: ONS population estimates that state no year" in err
    assert "rename the file to include the year" in err


def test_a_recogniser_for_a_key_the_registry_lacks_is_an_error(tmp_path):
    path = tmp_path / "IoD2031.csv"
    path.write_text("area_code,area_name,deprivation_data_year,index_domain,average_score,rank_average_score,"
                    "proportion_bottom_decile\nE06000009,Blackpool,2031,Index of Multiple Deprivation,45,1,0.4\n")
    with pytest.raises(InputError, match=r"IoD2031\.csv: recognised as 'imd_2031_lad' \(IoD2031 local authority "
                                         r"district summaries\), which publishers\.yaml does not list"):
        importer.recognise(path)


@pytest.mark.shared
def test_every_real_file_is_recognised_as_what_it_is(shared_data):
    expected = {
        "drug_deaths/drug_poisoning_registrations_by_LA.csv": ("publisher", "ons_drug_deaths_la", "2020"),
        "drug_deaths/drug_poisoning_registrations.csv": ("publisher", "ons_drug_deaths_substance", "2020"),
        "homelessness/Detailed_LA_202503.xlsx": ("publisher", "mhclg_homelessness", "2024/25 Q4"),
        "homelessness/Statutory_Homelessness_Detailed_Local_Authority_Data_202506.ods":
            ("publisher", "mhclg_homelessness", "2025/26 Q1"),
        "homelessness/Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods":
            ("publisher", "mhclg_homelessness", "2025/26 Q3"),
        "homelessness/Rough_sleeping.xlsx": ("publisher", "mhclg_rough_sleeping", "2022"),
        "imd/IoD2019.csv": ("publisher", "imd_2019_lad", "2019"),
        "imd/File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx":
            ("publisher", "imd_2019_upper_tier", "2019"),
        "imd/indices_of_deprivation_2025_lad.csv": ("publisher", "imd_2025_lad", "2025"),
        "lookups_population/england+wales_2023.csv": ("publisher", "ons_population", "2023"),
        "lookups_population/la_pop_estimates.csv": ("publisher", "ons_population_by_age", "2020"),
        "lookups_population/lookup_ltla24_csp24_pfa24.csv": ("lookup", "lad_csp_pfa", "2024"),
        "lookups_population/lookup_ltla23_utla23.csv": ("lookup", "lad_utla", "2023"),
        "lookups_population/lookup_ltla24_region24.csv": ("lookup", "lad_region", "2024"),
        "boundaries/Local_Authority_Districts_May_2024_Boundaries__UK_BSC_-5684348521832897108.geo.json":
            ("boundary", "lad", "2024"),
        "fingertips/indicators-CountyUA.data.csv": ("fingertips", "export", "2017"),
    }
    for name, (kind, key, period) in expected.items():
        found = importer.recognise(shared_data / name)
        assert (found.kind, found.key, found.period) == (kind, key, period), name
    releases = {importer.recognise(shared_data / "homelessness" / n).release for n in
                ("Detailed_LA_202503.xlsx", "Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods")}
    assert releases == {"H-CLIC January to March 2025", "H-CLIC October to December 2025"}
    for other in ("fingertips/alcohol_related_admissions.csv", "boundaries/topo.json",
                  "lookups_population/ltla14-lookup.csv", "drug_deaths/PROVENANCE.md"):
        assert importer.recognise(shared_data / other) is None, other
