"""Publishers' files edited as real editions differ, and broken boundaries: nothing is dropped or misread silently.

Each case copies a real file from ../shared/data into the test's folder, edits it
there the way a later edition (or a damaged download) differs, and runs it through
`jsna import` and `jsna build` as a user would (those cases are skipped when
../shared/data is absent). Fingertips exports are the demo's (the real export's
indicators are not in the catalogue, so its figures never reach a build).
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from assessment.cli import main

LA_CSV = "drug_deaths/drug_poisoning_registrations_by_LA.csv"
GEOGRAPHY = ["lookups_population/lookup_ltla23_utla23.csv", "lookups_population/lookup_ltla24_csp24_pfa24.csv",
             "lookups_population/lookup_ltla24_region24.csv",
             "boundaries/Local_Authority_Districts_May_2024_Boundaries__UK_BSC_-5684348521832897108.geo.json"]


def _run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def geography(shared_data, tmp_path_factory):
    """The real ONS lookups and district boundaries that a build needs, in a folder of their own."""
    folder = tmp_path_factory.mktemp("geography")
    for name in GEOGRAPHY:
        shutil.copy(shared_data / name, folder)
    return folder


def _import_and_build(capsys, tmp_path, *sources):
    """`jsna import` of ``sources`` and `jsna build` of the snapshot: (exit code, stderr, bundle frame or None)."""
    code, out, err = _run(["import", *map(str, sources), "--out", str(tmp_path / "snapshots")], capsys)
    if code != 0:
        return code, err, None
    snapshot = out.strip().splitlines()[-1]
    code, _, build_err = _run(["build", "--snapshot", snapshot, "--out", str(tmp_path / "bundle")], capsys)
    frame = pd.read_parquet(tmp_path / "bundle" / "frame.parquet") if code == 0 else None
    return code, err + build_err, frame


def _edit_header(source, target, old, new):
    """A copy of the cp1252 CSV ``source`` with its header's ``old`` replaced by ``new``."""
    head, rest = source.read_bytes().split(b"\n", 1)
    assert old.encode() in head
    target.write_bytes(head.replace(old.encode(), new.encode(), 1) + b"\n" + rest)
    return target


# ------------------------------------------------------------------ F11: a provisional year column
@pytest.mark.shared
def test_a_provisional_year_column_is_read_as_that_year(shared_data, geography, tmp_path, capsys):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    _edit_header(shared_data / LA_CSV, downloads / "la.csv", ",2020,", ",2020 (p),")
    code, err, frame = _import_and_build(capsys, tmp_path, downloads, geography)
    assert code == 0, err
    assert "ons_drug_deaths_la (2020 registrations), latest period 2020" in err
    deaths = frame[frame["indicator_id"].eq("ons-drug-poisoning-deaths")]
    england = deaths[deaths["area_code"].eq("E92000001")].set_index("period")
    assert england.loc["2020", "count"] == 4312  # the real file's England figure for 2020
    assert "Provisional" in england.loc["2020", "value_note"] and "Provisional" not in england.loc["2019", "value_note"]


@pytest.mark.shared
def test_a_year_column_with_an_unknown_mark_is_refused_naming_the_column(shared_data, tmp_path, capsys):
    path = _edit_header(shared_data / LA_CSV, tmp_path / "la.csv", ",2020,", ",2020 (x),")
    code, out, err = _run(["import", str(path), "--out", str(tmp_path / "snapshots")], capsys)
    assert code == 1 and out == "" and not (tmp_path / "snapshots").exists()
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert str(path) in err and "'2020 (x)'" in err


# ------------------------------------------------------------------ F12: the police force area workbook
PFA_MARCH = "justice/policeforceareatablesyeendingmarch2019.xlsx"


def _pfa_copy(shared_data, target, edit):
    """A copy of the year ending March 2019 police force area workbook, edited by ``edit(book)``."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(shared_data / PFA_MARCH)
    edit(book)
    book.save(target)
    return target


def _rows_above_p1(book):
    sheet = book["Table P1 "]
    sheet.insert_rows(1, 3)
    sheet["A2"] = "Return to Notes"


@pytest.mark.shared
def test_rows_added_above_table_p1_still_give_every_recorded_crime_figure(shared_data, geography, tmp_path, capsys):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    _pfa_copy(shared_data, downloads / "pfa.xlsx", _rows_above_p1)
    code, err, frame = _import_and_build(capsys, tmp_path, downloads, geography)
    assert code == 0, err
    assert "ons_pfa_crime (year ending March 2019)" in err and "ons_pfa_asb (year ending March 2019)" in err
    total = frame[frame["indicator_id"].eq("ons-crime-total-rate") & frame["period"].eq("2018/19")]
    counts = total.set_index("area_code")["count"]
    assert counts["E23000003"] == 165368 and counts["E23000001"] == 858019  # Lancashire, the Met (P1 as published)


@pytest.mark.shared
def test_table_p1_on_a_renamed_sheet_is_found_by_its_title(shared_data, tmp_path, capsys):
    from assessment.sources.justice import ons_pfa_crime

    def rename(book):
        book["Table P1 "].title = "Recorded crime"

    path = _pfa_copy(shared_data, tmp_path / "pfa.xlsx", rename)
    code, _, err = _run(["import", str(path), "--out", str(tmp_path / "snapshots")], capsys)
    assert code == 0 and "ons_pfa_crime (year ending March 2019)" in err
    frame = ons_pfa_crime.read(path)
    total = frame[frame["indicator_id"].eq("ons-crime-total-rate")].set_index("area_code")["count"]
    assert total["K04000001"] == 5257081  # England and Wales, P1 as published


@pytest.mark.shared
def test_a_pfa_workbook_without_its_recorded_crime_table_is_refused_naming_the_sheet(shared_data, tmp_path, capsys):
    def retitle(book):
        book["Table P1 "]["A1"] = "Table P1: (withdrawn)"

    path = _pfa_copy(shared_data, tmp_path / "pfa.xlsx", retitle)
    code, out, err = _run(["import", str(path), "--out", str(tmp_path / "snapshots")], capsys)
    assert code == 1 and out == "" and not (tmp_path / "snapshots").exists()
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert str(path) in err and "sheet 'Table P1'" in err and "recorded crime" in err


# ------------------------------------------------------------------ F15: one figure given two values
@pytest.fixture(scope="module")
def demo_downloads(tmp_path_factory):
    """The demo's Fingertips export, ONS lookups and district boundaries, as downloaded files."""
    from tests.support.demo_files import copy_demo_sources

    sources = copy_demo_sources(tmp_path_factory, tmp_path_factory.mktemp("demo-sources"))
    return {role: sources[role] for role in ("fingertips", "lookup_lad_csp_pfa", "lookup_lad_utla",
                                             "lookup_lad_region", "boundaries_lad")}


def _nudged(line):
    """A row of the demo's Fingertips export with its Value moved halfway to its lower 95% limit (still inside it)."""
    cells = line.split(",")
    value, lower = float(cells[12]), float(cells[13])
    assert lower < value
    cells[12] = f"{(value + lower) / 2:.6f}"
    return ",".join(cells), cells[12]


def _with_repeat(source, target, *, changed=False):
    """A copy of a Fingertips export with its first data row repeated at the end (its Value changed if asked)."""
    lines = source.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",")[12:14] == ["Value", "Lower CI 95.0 limit"]
    repeat, value = _nudged(lines[1]) if changed else (lines[1], None)
    target.write_text("\n".join([*lines, repeat]) + "\n", encoding="utf-8")
    return target, len(lines) + 1, value  # the repeat's row number (the header is row 1)


def _folder_with(tmp_path, demo_downloads, *extra):
    folder = tmp_path / "downloads"
    folder.mkdir(exist_ok=True)
    for role, path in demo_downloads.items():
        if role != "fingertips":
            shutil.copy(path, folder)
    for path in extra:
        shutil.move(path, folder / path.name)
    return folder


def test_a_fingertips_row_repeated_with_another_value_is_refused_naming_both_rows(demo_downloads, tmp_path, capsys):
    export, row, value = _with_repeat(demo_downloads["fingertips"], tmp_path / "export.csv", changed=True)
    code, err, _ = _import_and_build(capsys, tmp_path, _folder_with(tmp_path, demo_downloads, export))
    assert code == 1 and "Traceback" not in err
    line = err.strip().splitlines()[-1]
    assert "export.csv" in line and f"rows 2 and {row}" in line and "given twice" in line
    assert f"{float(value):g}" in line


def test_a_fingertips_row_repeated_unchanged_collapses_quietly(demo_downloads, tmp_path, capsys):
    export, _, _ = _with_repeat(demo_downloads["fingertips"], tmp_path / "export.csv")
    code, err, frame = _import_and_build(capsys, tmp_path, _folder_with(tmp_path, demo_downloads, export))
    assert code == 0, err
    assert not frame.duplicated(["indicator_id", "area_code", "period", "sex", "age", "category_type",
                                 "category"]).any()


def test_two_fingertips_exports_that_disagree_are_refused_naming_both(demo_downloads, tmp_path, capsys):
    shutil.copy(demo_downloads["fingertips"], tmp_path / "export.csv")
    lines = demo_downloads["fingertips"].read_text(encoding="utf-8").splitlines()
    (tmp_path / "export (1).csv").write_text("\n".join([lines[0], _nudged(lines[1])[0], *lines[2:]]) + "\n",
                                             encoding="utf-8")
    folder = _folder_with(tmp_path, demo_downloads, tmp_path / "export.csv", tmp_path / "export (1).csv")
    code, err, _ = _import_and_build(capsys, tmp_path, folder)
    assert code == 1 and "Traceback" not in err
    line = err.strip().splitlines()[-1]
    assert "export.csv" in line and "export (1).csv" in line and "different values" in line


@pytest.mark.shared
def test_two_editions_of_a_publisher_file_that_disagree_are_refused_whatever_their_names(shared_data, geography,
                                                                                       tmp_path, capsys):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    shutil.copy(shared_data / LA_CSV, downloads / "la.csv")
    text = (shared_data / LA_CSV).read_bytes()
    assert b"\nE06000047,County Durham,72," in text
    (downloads / "la (1).csv").write_bytes(text.replace(b"\nE06000047,County Durham,72,", b"\nE06000047,County Durham,73,"))
    code, err, frame = _import_and_build(capsys, tmp_path, downloads, geography)
    assert code == 1 and frame is None and "Traceback" not in err
    line = err.strip().splitlines()[-1]
    assert "la.csv" in line and "la (1).csv" in line and "E06000047" in line and "72" in line and "73" in line


@pytest.mark.shared
def test_a_figure_two_publishers_disagree_on_is_settled_by_precedence_with_a_printed_note(shared_data, geography,
                                                                                         tmp_path, capsys):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    text = (shared_data / LA_CSV).read_bytes()
    assert b"\nE92000001,ENGLAND,4312," in text
    (downloads / "la.csv").write_bytes(text.replace(b"\nE92000001,ENGLAND,4312,", b"\nE92000001,ENGLAND,4313,"))
    shutil.copy(shared_data / "drug_deaths/drug_poisoning_registrations.csv", downloads)
    code, err, frame = _import_and_build(capsys, tmp_path, downloads, geography)
    assert code == 0, err
    notes = [line for line in err.splitlines() if line.startswith("note: ") and "differ" in line]
    assert len(notes) == 1 and "la.csv" in notes[0] and "drug_poisoning_registrations.csv" in notes[0]
    deaths = frame[frame["indicator_id"].eq("ons-drug-poisoning-deaths") & frame["area_code"].eq("E92000001")]
    assert deaths.set_index("period").loc["2020", "count"] == 4313  # the LA table ranks first (publishers.yaml)


def test_the_later_publication_wins_whatever_the_order_of_the_files():
    from assessment.tidy.frame import new_frame
    from assessment.sources.overlaps import Part, resolve_overlaps

    row = dict(indicator_id="i", indicator_name="I", source="S", area_code="E92000001", area_name="England",
               area_type="england", period="2020", value=1.0, value_type="count")
    old = Part(new_frame([row]), "table.xlsx", "mhclg", "2025-01-01", order=0)
    new = Part(new_frame([{**row, "value": 2.0}]), "table (1).xlsx", "mhclg", "2025-06-01", order=1)
    for parts in ([old, new], [new, old]):
        conflicts: list[str] = []
        frame, _, _ = resolve_overlaps(parts, [], conflicts=conflicts)
        assert frame["value"].tolist() == [2.0]
        assert len(conflicts) == 1 and "table (1).xlsx ranks first (a later publication)" in conflicts[0]


# ------------------------------------------------------------------ F16: damaged boundary files
def _unclosed(shared_data, target):
    """The real district boundaries with Hartlepool's (E06000001) outer ring missing its closing point."""
    data = json.loads((shared_data / GEOGRAPHY[-1]).read_bytes())
    feature = data["features"][0]
    assert feature["properties"]["LAD24CD"] == "E06000001" and feature["geometry"]["type"] == "MultiPolygon"
    feature["geometry"]["coordinates"][0][0].pop()
    target.write_text(json.dumps(data))
    return target


@pytest.mark.shared
def test_import_refuses_a_boundary_with_an_unclosed_ring_naming_file_and_district(shared_data, tmp_path, capsys):
    path = _unclosed(shared_data, tmp_path / "districts.geojson")
    code, out, err = _run(["import", str(path), "--out", str(tmp_path / "snapshots")], capsys)
    assert code == 1 and out == "" and not (tmp_path / "snapshots").exists()
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert str(path) in err and "E06000001 (Hartlepool)" in err and "not closed" in err


@pytest.mark.shared
def test_build_refuses_lookups_with_an_unclosed_ring_naming_file_and_district(shared_data, geography, tmp_path,
                                                                            capsys):
    folder = tmp_path / "lookups"
    shutil.copytree(geography, folder)
    damaged = _unclosed(shared_data, folder / GEOGRAPHY[-1].split("/")[-1])
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    shutil.copy(shared_data / LA_CSV, downloads)
    code, out, err = _run(["import", str(downloads), "--out", str(tmp_path / "snapshots")], capsys)
    assert code == 0, err
    code, _, err = _run(["build", "--snapshot", out.strip().splitlines()[-1], "--out", str(tmp_path / "bundle"),
                         "--lookups", str(folder)], capsys)
    assert code == 1 and not (tmp_path / "bundle").exists() and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and str(damaged) in err and "E06000001" in err


@pytest.mark.shared
def test_drawing_a_damaged_boundary_names_the_file_and_district_not_a_geos_error(shared_data, tmp_path):
    from assessment.core.errors import InputError
    from assessment.geography import load_boundaries

    path = _unclosed(shared_data, tmp_path / "districts.geojson")
    with pytest.raises(InputError) as error:
        load_boundaries("lad", path=path)
    assert str(path) in str(error.value) and "E06000001" in str(error.value)


@pytest.mark.shared
def test_a_truncated_geojson_is_called_truncated_naming_the_file(shared_data, tmp_path, capsys):
    path = tmp_path / "regions.geojson"
    path.write_bytes((shared_data / "boundaries/Regions_December_2023_Boundaries_EN_BUC_1958740832896680092.geo.json")
                     .read_bytes()[:100_000])
    code, out, err = _run(["import", str(path), "--out", str(tmp_path / "snapshots")], capsys)
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert str(path) in err and "GeoJSON" in err and "truncated" in err and "not a kind of file" not in err


# ------------------------------------------------------------------ an area code no lookup knows
@pytest.mark.shared
def test_an_unmappable_area_code_names_the_file_it_came_from(shared_data, geography, tmp_path, capsys):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    text = (shared_data / LA_CSV).read_bytes()
    assert b"\nE06000047,County Durham," in text
    (downloads / "la.csv").write_bytes(text.replace(b"\nE06000047,County Durham,", b"\nE07000999,Nowhere,"))
    code, err, _ = _import_and_build(capsys, tmp_path, downloads, geography)
    assert code == 1 and "Traceback" not in err
    line = err.strip().splitlines()[-1]
    assert "cannot map area code(s) E07000999" in line and "publishers/la.csv" in line and str(tmp_path) in line
