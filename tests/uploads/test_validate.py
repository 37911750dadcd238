"""Validating an upload: every problem located, dialects and encodings, the commands, and fuzzing."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from assessment.cli import main
from assessment.core.errors import InputError
from assessment.tidy.frame import validate_frame
from assessment.uploads import load_kind, load_upload, validate_upload

from tests.support.uploads_shared import GOOD_ROWS, HEADER, KIND, sha, write_csv


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def write_xlsx(path: Path, rows, header=HEADER, sheet="Data") -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


# --------------------------------------------------------------- validation
def test_every_problem_is_reported_with_sheet_row_column_and_reason(tmp_path, geography):
    rows = [
        ["E07999001", "2024/25", "120", "40", "52"],
        ["E07999001", "2024/25", "120", "40", "52"],          # duplicate of row 2
        ["E07999999", "2024/25", "10", "5", "6"],             # unknown area
        ["E07999002", "2024-25x", "10", "5", "6"],            # bad period
        ["E07999003", "2024/25", "-4", "2", "3"],             # negative
        ["E07999004", "2024/25", "10.5", "2", "3"],           # fractional
        ["E06999001", "2024/25", "ten", "2", "3"],            # not a number
        ["E06999002", "2024/25", "10", "12", "13"],           # numerator above denominator
        ["E12999001", "2024/25", "10", "2", "3"],             # a region is not accepted
    ]
    path = write_xlsx(tmp_path / "audit.xlsx", rows, header=[*HEADER, "notes"])
    book = openpyxl.load_workbook(path)
    book["Data"]["C11"] = "=SUM(C2:C3)"
    book["Data"].merge_cells("F2:F3")
    book.save(path)
    before = sha(path)
    lines = validate_upload(path, KIND, geography).lines()
    text = "\n".join(lines)
    expected = [
        "audit.xlsx:Data!F1: column 'notes' (F): extra column",
        "audit.xlsx:Data!3: duplicate of row 2",
        "audit.xlsx:Data!A4: column 'area_code' (A): unknown area code 'E07999999'; closest:",
        "audit.xlsx:Data!B5: column 'period' (B): period '2024-25x' not understood",
        "audit.xlsx:Data!C6: column 'released_with_need' (C): negative count -4",
        "audit.xlsx:Data!C7: column 'released_with_need' (C): fractional count 10.5",
        "audit.xlsx:Data!C8: column 'released_with_need' (C): not a number: 'ten'",
        "audit.xlsx:Data!D9: column 'engaged_3_weeks' (D): engaged_3_weeks (12) is more than released_with_need (10)",
        "audit.xlsx:Data!A10: column 'area_code' (A): area E12999001 is a region",
        "audit.xlsx:Data!C11: column 'released_with_need' (C): formula '=SUM(C2:C3)'",
        "merged cells F2:F3",
    ]
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert sha(path) == before


def test_missing_column_and_wrong_kind(tmp_path, geography):
    missing = write_csv(tmp_path / "m.csv", [r[:3] + r[4:] for r in GOOD_ROWS],
                        header=[h for h in HEADER if h != "engaged_3_weeks"])
    assert any("column 'engaged_3_weeks'" in line and "missing column" in line
               for line in validate_upload(missing, KIND, geography).lines())
    probation_columns = [c.name for c in load_kind("probation_caseload").columns]
    wrong = write_csv(tmp_path / "w.csv", [], header=probation_columns)
    assert "wrong kind: these columns are a 'probation_caseload' upload" in \
        "\n".join(validate_upload(wrong, KIND, geography).lines())


@pytest.mark.parametrize("delimiter,encoding", [(",", "utf-8"), (";", "utf-8-sig"), ("\t", "cp1252"),
                                                (",", "utf-16")])
def test_csv_dialects_and_encodings_read_alike(tmp_path, geography, delimiter, encoding):
    path = write_csv(tmp_path / "a.csv", GOOD_ROWS, delimiter=delimiter, encoding=encoding)
    report = validate_upload(path, KIND, geography)
    assert report.ok, report.lines()
    assert len(report.sheet.rows) == len(GOOD_ROWS)


def test_invalid_upload_never_loads(tmp_path, geography):
    path = write_csv(tmp_path / "bad.csv", [*GOOD_ROWS, ["E07999001", "2023/24", "5", "9", "9"]])
    with pytest.raises(InputError, match=r"bad.csv: 2 problem\(s\), nothing loaded; first: bad.csv:CSV!D7"):
        load_upload(path, KIND, geography)


def test_build_refuses_an_invalid_upload_and_takes_a_valid_one(tmp_path, geo_files):
    from assessment.uploads import load_uploads_for_build

    good = write_csv(tmp_path / "good.csv", GOOD_ROWS)
    frames, meta = load_uploads_for_build([f"{KIND}={good}"], geo_files)
    assert meta[0]["kind"] == KIND and meta[0]["sha256"] == sha(good) and meta[0]["rows"] == len(frames[0])
    bad = write_csv(tmp_path / "bad.csv", [["E07999001", "2024/25", "x", "1", "1"]])
    with pytest.raises(InputError, match="bad.csv"):
        load_uploads_for_build([good, bad], geo_files)


# ---------------------------------------------------------------------- CLI
def test_cli_validate_exit_codes(tmp_path, geo_files, capsys, demo_bundle):
    good = write_csv(tmp_path / "good.csv", GOOD_ROWS)
    bad = write_csv(tmp_path / "bad.csv", [["E07999001", "2024/25", "-1", "1", "1"]])
    bundle = demo_bundle
    assert main(["validate", str(good), "--bundle", str(bundle)]) == 0
    assert main(["validate", str(bad), "--kind", KIND, "--bundle", str(bundle)]) == 1
    err = capsys.readouterr().err
    assert "valid 'continuity_of_care_audit' upload with 5 row(s)" in err
    assert "bad.csv:CSV!C2: column 'released_with_need' (C): negative count -1" in err
    assert main(["upload-template", KIND, "--out", str(tmp_path / "t")]) == 0
    assert (tmp_path / "t" / f"{KIND}.xlsx").is_file() and (tmp_path / "t" / f"{KIND}.csv").is_file()
    assert main(["upload-template", "nonsense", "--out", str(tmp_path / "t")]) != 0


# ------------------------------------------------------------------ fuzzing
def _check_never_crashes(path: Path, geography, kind=KIND):
    before = sha(path)
    report = validate_upload(path, kind, geography)
    for line in report.lines():
        assert "\n" not in line and line.startswith(path.name)
    if report.ok:
        validate_frame(load_upload(path, kind, geography))
    else:
        with pytest.raises(InputError):
            load_upload(path, kind, geography)
    assert sha(path) == before


@FUZZ
@given(data=st.binary(min_size=1, max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_fuzz_random_bytes(tmp_path, geography, data, suffix):
    _check_never_crashes(_fresh(tmp_path, suffix, data), geography)


def _fresh(tmp_path: Path, suffix: str, data: bytes) -> Path:
    path = tmp_path / f"upload{suffix}"
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def good_workbook_bytes(tmp_path_factory):
    path = write_xlsx(tmp_path_factory.mktemp("wb") / "good.xlsx", [[r[0], r[1], *map(int, r[2:])] for r in GOOD_ROWS])
    return path.read_bytes()


@FUZZ
@given(cut=st.integers(min_value=1, max_value=10_000), flips=st.lists(
    st.tuples(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=255)), max_size=8))
def test_fuzz_truncated_and_corrupted_workbooks(tmp_path, geography, good_workbook_bytes, cut, flips):
    data = bytearray(good_workbook_bytes[: max(1, len(good_workbook_bytes) - cut % len(good_workbook_bytes))])
    for position, value in flips:
        data[position % len(data)] = value
    _check_never_crashes(_fresh(tmp_path, ".xlsx", bytes(data)), geography)


@FUZZ
@given(member=st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml",
                               "[Content_Types].xml", "xl/styles.xml"]),
       junk=st.binary(max_size=200))
def test_fuzz_workbook_with_a_damaged_part(tmp_path, geography, good_workbook_bytes, member, junk):
    source = zipfile.ZipFile(io.BytesIO(good_workbook_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, junk if item.filename == member else source.read(item))
    _check_never_crashes(_fresh(tmp_path, ".xlsx", out.getvalue()), geography)


CELLS = st.one_of(
    st.none(), st.integers(min_value=-10, max_value=300), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.sampled_from(["E07999001", "E06999001", "E10999001", "E23999001", "2024/25", "2023",
                                            "2024-Q2", "=1+1", "@SUM(A1)", "-", "1,000", " 12 "]),
)


@FUZZ
@given(rows=st.lists(st.lists(CELLS, min_size=0, max_size=7), min_size=0, max_size=8),
       header=st.one_of(st.just(HEADER), st.permutations(HEADER), st.lists(st.text(max_size=8), max_size=6)))
def test_fuzz_valid_looking_workbooks_with_random_cells(tmp_path, geography, rows, header):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data"
    try:
        for row in [header, *rows]:
            ws.append(row)
    except (ValueError, TypeError, IllegalCharacterError):  # openpyxl cannot write these: not an upload
        return
    path = tmp_path / "random.xlsx"
    book.save(path)
    _check_never_crashes(path, geography)


@FUZZ
@given(rows=st.lists(st.lists(CELLS.map(lambda v: "" if v is None else str(v)), max_size=7), max_size=8),
       delimiter=st.sampled_from([",", ";", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]),
       quote=st.booleans())
def test_fuzz_csv_with_odd_encodings_and_delimiters(tmp_path, geography, rows, delimiter, encoding, quote):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL if quote else csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    writer.writerows(rows)
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buffer.getvalue().encode("utf-8")
    _check_never_crashes(_fresh(tmp_path, ".csv", data), geography)
