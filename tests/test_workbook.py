"""Publishers' workbooks: our streaming ODS reader against pandas' odfpy reader, ODS against xlsx, format by content."""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.errors import InputError
from assessment.sources import mhclg_homelessness
from assessment.sources.workbook import sheet_heads, sheet_names, sheet_rows, workbook_format


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
