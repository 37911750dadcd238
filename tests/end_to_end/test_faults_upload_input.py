"""Upload periods and unreadable input through the CLI: every refusal located, everything validated loads.

Issue 26, F7-F9 and part of F17: a period outside the years a report can hold,
a financial year whose halves do not follow, a range that ends before it starts,
an unclosed quote, CR line endings, UTF-32 text, a web page saved as a data file,
and the files and sheets that are passed over without being read.
"""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.cli import main
from assessment.demo.geography_files import write_geography_files
from assessment.bundles.bundle import open_bundle

from tests.support.upload_commands import (FUZZ, HEADER, _build, _check_both_commands, _cli, _csv, _fresh, _validate,
                                           build_small_snapshot)

WEB_PAGE = "is a web page (HTML), not a CSV/workbook: was it downloaded from an error page?"
UTF32 = "is UTF-32 text, an encoding jsna does not read: save it as CSV UTF-8"


@pytest.fixture(scope="module")
def small_snapshot(tmp_path_factory):
    """(snapshot, bundle) with the demo geography alone, as tests/end_to_end/test_faults_uploads.py uses."""
    return build_small_snapshot(tmp_path_factory.mktemp("tiny"))


def _refused_by_both(path, small_snapshot, capsys, tmp_path, expected: str) -> None:
    """`validate` and `build --upload` both refuse ``path`` with ``expected`` in one line, and build writes nothing."""
    code, err = _validate(path, small_snapshot, capsys)
    assert code == 1 and expected in err, err
    out = tmp_path / "bundle"
    built, err = _build(path, small_snapshot, capsys, out)
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert built == 1 and len(errors) == 1 and expected in errors[0], err
    assert not out.exists()


# ------------------------------------------------------------------ periods (F7, F8, F9)
@pytest.mark.parametrize(("period", "reason"), [
    ("0000", "period '0000': year 0 is outside the years 1900 to 2100 that this tool reads"),
    ("2300", "period '2300': year 2300 is outside the years 1900 to 2100 that this tool reads"),
    ("1600", "period '1600': year 1600 is outside the years 1900 to 2100 that this tool reads"),
    ("2300/01", "period '2300/01': year 2300 is outside the years 1900 to 2100"),
    ("1600-Q1", "period '1600-Q1': year 1600 is outside the years 1900 to 2100"),
    ("2023/99", "period '2023/99': not a financial year: the year after 2023 is written 2023/24"),
    ("2023 - 1999", "period '2023 - 1999': it ends (1999) before it starts (2023)"),
    ("2020/21 - 19/20", "period '2020/21 - 19/20': it ends (2019) before it starts (2020)"),
])
def test_an_impossible_period_is_refused_with_its_file_row_and_column(period, reason, tmp_path, small_snapshot,
                                                                       capsys):
    path = _csv(tmp_path / "p.csv", [["E07999001", "2023/24", "100", "40", "50"],
                                     ["E07999002", period, "100", "40", "50"]])
    _refused_by_both(path, small_snapshot, capsys, tmp_path, f"p.csv:CSV!B3: column 'period' (B): {reason}")


def test_a_year_typed_as_a_number_in_excel_is_checked_like_text(tmp_path, small_snapshot, capsys):
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.active.append(HEADER)
    book.active.append(["E07999001", 2300, 100, 40, 50])
    book.save(tmp_path / "years.xlsx")
    _refused_by_both(tmp_path / "years.xlsx", small_snapshot, capsys, tmp_path,
                     "years.xlsx:Data!B2: column 'period' (B): period '2300': year 2300 is outside the years")


def test_one_period_written_two_ways_is_a_duplicate(tmp_path, small_snapshot, capsys):
    path = _csv(tmp_path / "twice.csv", [["E07999001", "2024-Q2", "100", "40", "50"],
                                         ["E07999001", "2024 Q2", "90", "30", "40"]])
    _refused_by_both(path, small_snapshot, capsys, tmp_path,
                     "twice.csv:CSV!3: duplicate of row 2 (area_code=E07999001, period=2024 Q2)")


@pytest.mark.parametrize("period", ["1900", "2100", "2100/01", "1999/00", "2019 - 21", "2018/19 - 20/21", "2100-Q4"])
def test_periods_at_the_edges_of_the_range_validate_and_load(period, tmp_path, small_snapshot, capsys):
    path = _csv(tmp_path / "edge.csv", [["E07999001", period, "100", "40", "50"]])
    assert _check_both_commands(path, small_snapshot, capsys, tmp_path)


PERIOD_SHAPED = st.from_regex(r"\d{4}( ?- ?\d{2,4}|/\d{2}( ?- ?\d{2,4}/\d{2}| ?Q[1-4])?| ?-? ?Q[1-4])?",
                              fullmatch=True)


@FUZZ
@given(period=st.one_of(PERIOD_SHAPED, st.sampled_from(["0000", "9999", "1677", "2262", "2023/99", "2023 - 1999"])))
def test_fuzz_every_period_validate_accepts_is_loaded_by_build(tmp_path, small_snapshot, capsys, period):
    path = _csv(_fresh(tmp_path, ".csv"), [["E07999001", period, "100", "40", "50"]])
    _check_both_commands(path, small_snapshot, capsys, tmp_path)  # no crash; a valid row is in the bundle


# ------------------------------------------------------------------ unreadable CSV text (F17)
def test_an_unclosed_quote_is_located(tmp_path, small_snapshot, capsys):
    path = tmp_path / "quote.csv"
    path.write_text(",".join(HEADER) + '\nE07999001,2023/24,100,40,50\nE07999002,"2023/24,100,40,50\n'
                    "E07999003,2023/24,100,40,50\n")
    _refused_by_both(path, small_snapshot, capsys, tmp_path,
                     'quote.csv:CSV!B3: a quote (") opened here is never closed, so the rest of the file would be '
                     "one cell")


def test_an_unclosed_quote_after_a_cell_with_a_line_break_names_its_row_and_line(tmp_path, small_snapshot,
                                                                                 capsys):
    path = tmp_path / "quote.csv"
    path.write_text(",".join(HEADER) + '\nE07999001,"2023/24\n",100,40,50\nE07999002,2023/24,100,40,"50\n')
    _refused_by_both(path, small_snapshot, capsys, tmp_path,
                     'quote.csv:CSV!E3: a quote (") opened here (line 4 of the file) is never closed')


def test_another_malformed_csv_names_its_row(tmp_path, small_snapshot, capsys):
    path = tmp_path / "stray.csv"
    path.write_text(",".join(HEADER) + '\nE07999001,"2023"/24,100,40,50\n')
    _refused_by_both(path, small_snapshot, capsys, tmp_path, "stray.csv:CSV!2: malformed CSV: ")


def test_a_csv_with_cr_line_endings_is_read(tmp_path, small_snapshot, capsys):
    path = tmp_path / "mac.csv"
    path.write_bytes(("\r".join([",".join(HEADER), "E07999001,2023/24,100,40,50", "E06999001,2023/24,80,30,"])
                      + "\r").encode())
    assert _check_both_commands(path, small_snapshot, capsys, tmp_path)
    frame = open_bundle(sorted(tmp_path.glob("bundle-*"))[-1]).frame
    assert {"E07999001", "E06999001"} <= set(frame["area_code"])


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_text_is_named_as_an_encoding_not_read(encoding, tmp_path, small_snapshot, capsys):
    path = tmp_path / "wide.csv"
    path.write_bytes((",".join(HEADER) + "\nE07999001,2023/24,100,40,50\n").encode(encoding))
    code, err = _cli(["validate", path, "--bundle", small_snapshot[1]], capsys)  # kind detected: no --kind
    assert code == 1 and f"wide.csv:-: {UTF32}" in err and "match no upload kind" not in err, err
    _refused_by_both(path, small_snapshot, capsys, tmp_path, UTF32)


@pytest.mark.parametrize("name", ["export.csv", "audit.xlsx"])
def test_a_web_page_saved_as_an_upload_is_called_one(name, tmp_path, small_snapshot, capsys):
    path = tmp_path / name
    path.write_text("\n<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>502</body></html>\n")
    code, err = _cli(["validate", path, "--bundle", small_snapshot[1]], capsys)
    assert code == 1 and f"{name}:-: {WEB_PAGE}" in err and "missing column" not in err, err
    _refused_by_both(path, small_snapshot, capsys, tmp_path, WEB_PAGE)


# ------------------------------------------------------------------ what is passed over is said
def test_a_hidden_data_sheet_passed_over_gets_a_note(tmp_path, small_snapshot, capsys):
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.active.append(HEADER)
    book.active.append(["E07999001", "2024/25", 100, 40, 50])
    hidden = book.create_sheet("data")
    hidden.append(HEADER)
    hidden.append(["E07999002", "2024/25", 999, 1, 2])
    hidden.sheet_state = "hidden"
    book.save(tmp_path / "hidden.xlsx")
    note = ("hidden.xlsx: note: the hidden sheet 'data' was not read (hidden sheets never are); the data were read "
            "from sheet 'Sheet1': unhide 'data' if it holds your data")
    code, err = _validate(tmp_path / "hidden.xlsx", small_snapshot, capsys)
    assert code == 0 and note in err.splitlines(), err
    built, err = _build(tmp_path / "hidden.xlsx", small_snapshot, capsys, tmp_path / "bundle")
    assert built == 0 and note in err.splitlines(), err


@pytest.fixture
def downloads(tmp_path):
    """A lookup (recognised), a web page saved as a download, and the hidden files a system leaves."""
    folder = tmp_path / "Downloads"
    folder.mkdir()
    paths = write_geography_files(tmp_path / "geo")
    (folder / "lookup.csv").write_bytes(paths["lookup_lad_utla"].read_bytes())
    (folder / "fingertips.csv").write_text("<!doctype html><html><body>Service Unavailable</body></html>")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / ".~lock.lookup.csv#").write_text("someone,host,2026\n")
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text("[core]\n")
    (folder / "older").mkdir()
    (folder / "older" / ".lookup.csv").write_bytes(paths["lookup_lad_region"].read_bytes())
    return folder


def test_import_says_which_hidden_files_it_skipped_and_why(downloads, tmp_path, capsys):
    code = main(["import", str(downloads), "--out", str(tmp_path / "snapshots")])
    err = capsys.readouterr().err
    assert code == 0, err
    lines = err.splitlines()
    for name in (".DS_Store", ".~lock.lookup.csv#", "older/.lookup.csv"):
        assert f"skipped {downloads / name}: a hidden file (its name starts with a dot), not read" in lines, err
    assert f"skipped {downloads / '.git'}/: a hidden folder (its name starts with a dot), not read" in lines, err
    assert not any("config" in line for line in lines)  # one line for the folder, not one per file in it
    manifest = json.loads((tmp_path / "snapshots" / date.today().isoformat() / "manifest.json").read_text())
    assert [entry["key"] for entry in manifest["files"]] == ["lad_utla"]


def test_import_calls_a_web_page_a_web_page(downloads, tmp_path, capsys):
    code = main(["import", str(downloads), "--out", str(tmp_path / "snapshots")])
    err = capsys.readouterr().err
    assert code == 0 and f"skipped {downloads / 'fingertips.csv'}: {WEB_PAGE}" in err.splitlines(), err
    page = tmp_path / "export.xlsx"
    page.write_text("<HTML><BODY>Access denied</BODY></HTML>")
    code = main(["import", str(page), "--out", str(tmp_path / "other")])
    captured = capsys.readouterr()
    assert code == 1 and captured.err.strip() == f"error: {page}: {WEB_PAGE}" and not (tmp_path / "other").exists()


def test_import_names_utf32_text_as_an_encoding_not_read(tmp_path, capsys):
    paths = write_geography_files(tmp_path / "geo")
    wide = tmp_path / "lookup.csv"
    wide.write_bytes(paths["lookup_lad_utla"].read_text().encode("utf-32"))
    code = main(["import", str(wide), "--out", str(tmp_path / "snapshots")])
    assert code == 1 and capsys.readouterr().err.strip() == f"error: {wide}: {UTF32}"
