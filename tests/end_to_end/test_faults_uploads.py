"""Hostile and broken uploads through `jsna validate` and `jsna build --upload`.

Limits refuse a zip bomb or a 20-million-row sheet in seconds; counts are read
by one parser in validation and loading, so every row `validate` accepts is
loaded by `build`; implausible counts, hidden sheets and directories get a
clear line. The hypothesis tests drive both commands with random bytes,
random numbers and random zip structures.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from assessment.bundles.bundle import open_bundle
from assessment.uploads import read_upload
from assessment.uploads.numbers import CountError, parse_count

from tests.support.upload_commands import (FUZZ, HEADER, _build, _check_both_commands, _csv, _fresh, _validate,
                                           build_small_snapshot)
from tests.support.paths import REPOSITORY


AREAS = ["E07999001", "E07999002", "E07999003", "E07999004", "E06999001", "E06999002"]


@pytest.fixture(scope="module")
def small_snapshot(tmp_path_factory):
    """A snapshot with only the demo geography (no national data): builds in well under a second."""
    return build_small_snapshot(tmp_path_factory.mktemp("tiny"))


# ------------------------------------------------------------------ limits
def _workbook_with_sheet_xml(path: Path, rows_xml) -> Path:
    """A real workbook (from openpyxl) whose sheet part is replaced by streamed XML rows."""
    template = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.active.append(HEADER)
    book.save(template)
    source = zipfile.ZipFile(template)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
                continue
            with target.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                            b'spreadsheetml/2006/main"><sheetData><row><c t="inlineStr"><is><t>area_code</t></is>'
                            b"</c></row>")
                for block in rows_xml:
                    sheet.write(block)
                sheet.write(b"</sheetData></worksheet>")
    return path


ROW_XML = b'<row><c t="inlineStr"><is><t>E07999001</t></is></c><c><v>1</v></c></row>'


def test_a_small_workbook_inflating_to_20_million_rows_is_refused_in_seconds(tmp_path, small_snapshot, capsys):
    bomb = _workbook_with_sheet_xml(tmp_path / "bomb.xlsx", (ROW_XML * 100_000 for _ in range(200)))
    assert bomb.stat().st_size < 5 * 1024 * 1024  # a few MB on disk
    code, err = _validate(bomb, small_snapshot, capsys)
    assert code == 1
    assert "bomb.xlsx:-: the workbook unpacks to 1,373 MB (xl/worksheets/sheet1.xml alone 1,373 MB), more " \
           "than the 200 MB an upload can be" in err
    built, err = _build(bomb, small_snapshot, capsys, tmp_path / "bundle")
    assert built == 1 and "the workbook unpacks to 1,373 MB" in err and not (tmp_path / "bundle").exists()


def test_rows_are_counted_as_they_stream(tmp_path, small_snapshot, capsys, monkeypatch):
    from assessment.uploads import reader

    monkeypatch.setitem(reader.LIMITS, "rows", 2_000)  # the real cap is 100,000: same code, a smaller file
    many = _workbook_with_sheet_xml(tmp_path / "many.xlsx", (ROW_XML * 1_000 for _ in range(3)))
    code, err = _validate(many, small_snapshot, capsys)
    assert code == 1 and "sheet 'Data' has more than 2,000 data rows" in err
    csv_rows = _csv(tmp_path / "many.csv", [["E07999001", f"{2000 + n}", "5", "1", "2"] for n in range(2_100)])
    code, err = _validate(csv_rows, small_snapshot, capsys)
    assert code == 1 and "sheet 'CSV' has more than 2,000 data rows" in err
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(HEADER + [f"x{i}" for i in range(200)]) + "\n")
    code, err = _validate(wide, small_snapshot, capsys)
    assert code == 1 and "line 1 has 205 fields, more than the 100 columns" in err


def test_data_far_to_the_right_is_refused_not_ignored(tmp_path, small_snapshot, capsys):
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.active.append(HEADER)
    book.active.append(["E07999001", "2024/25", 100, 40, 50])
    book.active["ZZ2"] = 7
    book.save(tmp_path / "far.xlsx")
    code, err = _validate(tmp_path / "far.xlsx", small_snapshot, capsys)
    assert code == 1 and "has data in column ZZ (row 2), beyond the 100 columns" in err


def test_a_hidden_sheet_is_never_read(tmp_path, small_snapshot, capsys):
    book = openpyxl.Workbook()
    visible = book.active
    visible.title = "Sheet1"
    visible.append(HEADER)
    visible.append(["E07999001", "2024/25", 100, 40, 50])
    hidden = book.create_sheet("data")
    hidden.append(HEADER)
    hidden.append(["E07999002", "2024/25", 999, 1, 2])
    hidden.sheet_state = "hidden"
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    assert read_upload(path).name == "Sheet1"
    assert _check_both_commands(path, small_snapshot, capsys, tmp_path)
    frame = open_bundle(sorted(tmp_path.glob("bundle-*"))[-1]).frame
    assert "E07999002" not in set(frame["area_code"])
    only_hidden = openpyxl.Workbook()
    only_hidden.active.title = "Instructions"
    data = only_hidden.create_sheet("Data")
    data.append(HEADER)
    data.sheet_state = "hidden"
    only_hidden.save(tmp_path / "only-hidden.xlsx")
    code, err = _validate(tmp_path / "only-hidden.xlsx", small_snapshot, capsys)
    assert code == 1 and "the sheet 'Data' is hidden; unhide it (hidden sheets are never read)" in err


def test_a_directory_is_named_as_one(tmp_path, small_snapshot, capsys):
    folder = tmp_path / "audit.xlsx"
    folder.mkdir()
    code, err = _validate(folder, small_snapshot, capsys)
    assert code == 1 and "audit.xlsx:-: is a directory, not an upload file" in err
    built, err = _build(folder, small_snapshot, capsys, tmp_path / "bundle")
    assert built == 1 and "is a directory" in err


@pytest.mark.parametrize(("cell", "reason"), [
    ("1_000", "not a number: '1_000' (write digits 0-9 only, with commas between thousands if you like: 1,250)"),
    ("\u0668\u0660", "not a number: '\u0668\u0660' (use the digits 0-9)"),
    ("1e3", "not a number: '1e3'"),
    ("12.0", "fractional count 12.0: counts are whole numbers"),
    ("1e308", "not a number: '1e308'"),
    ("1" + "0" * 308, "count 100000000000... (309 digits) is more than the plausible maximum 1,000,000"),
])
def test_numbers_python_would_read_are_refused_by_validate_and_build_alike(cell, reason, tmp_path, small_snapshot,
                                                                         capsys):
    path = _csv(tmp_path / "n.csv", [["E07999001", "2024/25", cell, "5", "6"]])
    code, err = _validate(path, small_snapshot, capsys)
    assert code == 1 and f"n.csv:CSV!C2: column 'released_with_need' (C): {reason}" in err
    built, err = _build(path, small_snapshot, capsys, tmp_path / "bundle")
    assert built == 1 and reason in err


def test_an_excel_1e308_cell_is_implausible_not_a_309_digit_count(tmp_path, small_snapshot, capsys):
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.active.append(HEADER)
    book.active.append(["E07999001", "2024/25", 1e308, 40, 50])
    book.save(tmp_path / "huge.xlsx")
    code, err = _validate(tmp_path / "huge.xlsx", small_snapshot, capsys)
    assert code == 1 and "count 100000000000... (309 digits) is more than the plausible maximum 1,000,000" in err


def test_thousands_separators_as_documented_load(tmp_path, small_snapshot, capsys):
    path = _csv(tmp_path / "ok.csv", [["E07999001", "2024/25", "1,250", "400", "1,000"],
                                      ["E06999001", "2024/25", "80", "30", ""]])
    assert _check_both_commands(path, small_snapshot, capsys, tmp_path)


NUMBER_TEXT = st.one_of(
    st.integers(0, 1_200_000).map(str),
    st.integers(0, 1_200_000).map(lambda n: f"{n:,}"),
    st.integers(-20, 20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet=list("0123456789,._-+e ") + ["\u0668", "\u0660", "\uff11", "\u066b", "\u00a0"],
            min_size=1, max_size=9),
    st.sampled_from(["1e308", "1" + "0" * 308, "", "0", "  7  ", "1,000,000", "1,00", "inf", "NaN"]),
)

NUMBER_CELL = st.one_of(NUMBER_TEXT, st.integers(-5, 2_000_000), st.floats(allow_nan=True, allow_infinity=True))


@st.composite
def plausible_counts(draw):
    """Counts that keep the kind's checks (3-week <= 4-week <= released), written in the ways allowed."""
    released = draw(st.integers(0, 1_000_000))
    four = draw(st.integers(0, released))
    three = draw(st.integers(0, four))
    style = draw(st.sampled_from(["{:d}", "{:,d}", " {:d} ", "{:03d}"]))
    cells = [style.format(n) for n in (released, three, four)]
    if draw(st.booleans()):
        cells[2] = ""  # the 4-week column is optional
    return tuple(cells)


@settings(FUZZ, max_examples=15)
@given(data=st.binary(min_size=1, max_size=600), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_fuzz_random_bytes_through_the_cli(tmp_path, small_snapshot, capsys, data, suffix):
    path = _fresh(tmp_path, suffix)
    path.write_bytes(data)
    _check_both_commands(path, small_snapshot, capsys, tmp_path)


@FUZZ
@given(counts=st.one_of(
    st.lists(plausible_counts(), min_size=1, max_size=len(AREAS)),
    st.lists(st.one_of(plausible_counts(), st.tuples(NUMBER_CELL, NUMBER_CELL, NUMBER_CELL)),
             min_size=1, max_size=len(AREAS))),
       as_xlsx=st.booleans())
def test_fuzz_random_numbers_every_accepted_row_is_loaded(tmp_path, small_snapshot, capsys, counts, as_xlsx):
    rows = [[area, "2024/25", *cells] for area, cells in zip(AREAS, counts)]
    path = _fresh(tmp_path, ".xlsx" if as_xlsx else ".csv")
    if as_xlsx:
        book = openpyxl.Workbook()
        book.active.title = "Data"
        book.active.append(HEADER)
        for row in rows:
            book.active.append(row)
        book.save(path)
    else:
        _csv(path, [[str(c) for c in row] for row in rows])
    valid = _check_both_commands(path, small_snapshot, capsys, tmp_path)
    event(f"valid upload: {valid}")
    if valid:  # then every count cell was one the shared parser reads, within the plausible maximum
        for row in read_upload(path).rows:
            for cell in row[2:]:
                if cell:
                    assert 0 <= parse_count(cell) <= 1_000_000


@pytest.fixture(scope="module")
def good_workbook_parts():
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.active.append(HEADER)
    book.active.append(["E07999001", "2024/25", 120, 40, 52])
    book.save(buffer)
    package = zipfile.ZipFile(buffer)
    return {item.filename: package.read(item) for item in package.infolist()}


@settings(FUZZ, max_examples=15)
@given(plan=st.lists(st.tuples(
    st.one_of(st.sampled_from(["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                               "xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/sharedStrings.xml", "docProps/app.xml"]),
              st.text(alphabet="abcxl/._[]", min_size=1, max_size=12)),
    st.sampled_from(["good", "junk", "empty", "xml-junk"]),
    st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])), min_size=0, max_size=10),
    junk=st.binary(max_size=300))
def test_fuzz_random_zip_structures_through_the_cli(tmp_path, small_snapshot, capsys, good_workbook_parts, plan, junk):
    path = _fresh(tmp_path, ".xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content, method in plan:
            body = {"good": good_workbook_parts.get(name, junk), "junk": junk, "empty": b"",
                    "xml-junk": b"<?xml version='1.0'?><worksheet>" + junk}[content]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # zipfile warns about duplicate member names: they are the point
                package.writestr(zipfile.ZipInfo(name), body, compress_type=method)
    path.write_bytes(buffer.getvalue() or b"PK\x05\x06" + b"\0" * 18)
    _check_both_commands(path, small_snapshot, capsys, tmp_path)


def test_the_shared_parser_is_the_only_reader_of_counts():
    # validate.py and load.py must not parse numbers any other way (float(), pd.to_numeric).
    root = REPOSITORY / "assessment" / "uploads"
    for module in ("validate.py", "load.py"):
        text = (root / module).read_text()
        assert "parse_count" in text and "float(text" not in text and "to_numeric" not in text
    with pytest.raises(CountError):
        parse_count("1 000")
