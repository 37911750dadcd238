"""Publishers' workbooks: our calamine reader against openpyxl and odfpy, ODS against xlsx, format by content."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from assessment.core.errors import InputError
from assessment.sources import mhclg_homelessness
from assessment.inputs.workbook import sheet_heads, sheet_names, sheet_rows, workbook_format


def _ods(path, sheets: dict[str, pd.DataFrame]):
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, header=False, index=False)
    return path


@pytest.fixture
def ods_book(tmp_path):
    first = pd.DataFrame([["Contents", None, None], [None, None, None], ["Statutory homelessness", None, 2]])
    table = pd.DataFrame([
        ["Table A1 - households\nEngland, April to June 2025", None, None, None],
        [None, "two  spaces", "x", None],
        ["E92000001", "ENGLAND", 84250, 24440.28],
        [None, None, None, None],
        ["E06000009", "Blackpool", 431, 65.014],
        ["E06000010", "Hull", "[c]", 120.5],
    ])
    return _ods(tmp_path / "book.ods", {"Contents": first, "A1": table, "Last": pd.DataFrame([[1, 2]])})


def test_ods_rows_equal_what_pandas_reads_with_odfpy(ods_book):
    ours = sheet_rows(ods_book, "A1")
    theirs = pd.read_excel(ods_book, sheet_name="A1", header=None, engine="odf")
    ours_frame = pd.DataFrame(ours)
    pd.testing.assert_frame_equal(ours_frame.astype(object).where(ours_frame.notna(), None),
                                  theirs.astype(object).where(theirs.notna(), None), check_dtype=False)
    assert ours[1][1] == "two  spaces"  # text:s runs of spaces kept
    assert ours[3] == (None,) * 4  # a blank row between data rows keeps its place (spreadsheet row numbers)


def test_sheet_names_heads_and_format_come_from_the_content(ods_book, tmp_path):
    assert sheet_names(ods_book) == ["Contents", "A1", "Last"]
    assert sheet_heads(ods_book)["A1"][0][0].endswith("April to June 2025")
    disguised = tmp_path / "book.xlsx"
    disguised.write_bytes(ods_book.read_bytes())
    assert workbook_format(disguised) == "ods"
    with pytest.raises(InputError, match=r"book\.ods: no sheet 'A9' \(sheets: Contents, A1, Last\)"):
        sheet_rows(ods_book, "A9")


def test_a_file_that_is_not_a_workbook_is_named(tmp_path):
    path = tmp_path / "table.ods"
    path.write_text("code,name\n")
    assert workbook_format(path) is None
    with pytest.raises(InputError, match=r"table\.ods: not a readable Excel \(\.xlsx\) or OpenDocument"):
        sheet_rows(path, "A1")


@pytest.mark.shared
def test_publishers_ods_and_its_xlsx_conversion_give_the_same_frame(shared_data):
    folder = shared_data / "homelessness"
    ods = mhclg_homelessness.read(folder / "Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods")
    xlsx = mhclg_homelessness.read(folder / "Statutory_Homelessness_Detailed_Local_Authority_Data_202512.xlsx")
    columns = ["indicator_id", "area_code", "period", "count", "denominator", "value", "suppressed"]
    pd.testing.assert_frame_equal(ods[columns].sort_values(columns[:2]).reset_index(drop=True),
                                  xlsx[columns].sort_values(columns[:2]).reset_index(drop=True))
    assert set(ods["vintage"]) == {"H-CLIC October to December 2025"}


def _openpyxl_rows(path, sheet):
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def _trimmed(rows):
    """Rows without trailing blanks (openpyxl's rows end at the sheet's recorded width, ours at the widest row)."""
    out = [tuple(row[: max((i + 1 for i, v in enumerate(row) if v is not None), default=0)]) for row in rows]
    while out and not out[-1]:
        out.pop()
    return out


@pytest.mark.shared
@pytest.mark.parametrize(("name", "sheets"), [
    ("homelessness/Detailed_LA_202503.xlsx", ["A1", "A3", "A7", "Contents"]),
    ("homelessness/Rough_sleeping.xlsx", ["Table 1 Total", "Table 5 Rates"]),
    ("justice/pfatablesdec19.xlsx", None),
    ("imd/File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx", ["IMD"]),
])
def test_real_xlsx_cells_equal_what_openpyxl_reads(shared_data, name, sheets):
    matches = list(shared_data.glob(name)) or list(shared_data.rglob(name.split("/")[-1]))
    if not matches:
        pytest.skip(f"{name} is not in ../shared/data")
    path = matches[0]
    for sheet in sheets or sheet_names(path):
        ours, theirs = _trimmed(sheet_rows(path, sheet)), _trimmed(_openpyxl_rows(path, sheet))
        assert ours == theirs, f"{path.name}:{sheet}"
        assert [type(v) for row in ours for v in row] == [type(v) for row in theirs for v in row], sheet


@pytest.mark.shared
def test_real_ods_cells_equal_what_pandas_reads_with_odfpy(shared_data):
    path = shared_data / "justice" / "arrest-police-powers-procedures-mar19-hosb2519-tables.ods"
    if not path.exists():
        pytest.skip(f"{path} is not in ../shared/data")
    theirs = pd.read_excel(path, sheet_name=None, header=None, engine="odf", dtype=object,
                           keep_default_na=False, na_values=[])
    assert list(theirs) == sheet_names(path)
    for sheet, frame in theirs.items():
        expected = [tuple(None if v == "" else v for v in row) for row in frame.itertuples(index=False)]
        ours = sheet_rows(path, sheet)
        assert ours == expected, sheet
        # pandas gives a date as a Timestamp, a datetime subclass
        kinds = [datetime if isinstance(v, datetime) else type(v) for row in expected for v in row]
        assert [type(v) for row in ours for v in row] == kinds, sheet
