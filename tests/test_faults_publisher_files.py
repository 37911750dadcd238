"""Publishers' files edited as real editions differ, and broken boundaries: nothing is dropped or misread silently.

Each case copies a real file from ../shared/data into the test's folder, edits it
there the way a later edition (or a damaged download) differs, and runs it through
`jsna import` and `jsna build` as a user would. Skipped when ../shared/data is absent.
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


def test_a_pfa_workbook_without_its_recorded_crime_table_is_refused_naming_the_sheet(shared_data, tmp_path, capsys):
    def retitle(book):
        book["Table P1 "]["A1"] = "Table P1: (withdrawn)"

    path = _pfa_copy(shared_data, tmp_path / "pfa.xlsx", retitle)
    code, out, err = _run(["import", str(path), "--out", str(tmp_path / "snapshots")], capsys)
    assert code == 1 and out == "" and not (tmp_path / "snapshots").exists()
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert str(path) in err and "sheet 'Table P1'" in err and "recorded crime" in err
