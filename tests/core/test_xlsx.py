"""Issue 33: the appendix's workbook writer: what a spreadsheet reads back is what was written."""

from __future__ import annotations

import datetime as dt
import math
import zipfile

import openpyxl
import pandas as pd
import pytest

from assessment.core.xlsx import CellStyle, Sheet, Styled, write_workbook
from tests.support.output_checks import needs, workbook_sheets

ONE_DP, WHOLE = CellStyle(number_format="#,##0.0"), CellStyle(number_format="#,##0")
#: A double that needs all 17 significant digits: 16 (as openpyxl writes) read back as another number.
SEVENTEEN_DIGITS = 13.087418497947356


def _book(tmp_path, rows, **sheet):
    path = write_workbook(tmp_path / "book.xlsx", [Sheet("About", [["Notes"]], column_widths=[120]),
                                                   Sheet("Data", rows, **sheet)])
    return path, openpyxl.load_workbook(path)


def test_values_types_and_styles_read_back_as_written(tmp_path):
    rows = [[Styled("Value", CellStyle(bold=True)), Styled("Count", CellStyle(bold=True)), "Area", "Shown",
             "Retrieved", "Snapshot"],
            [43.26245073796461, 1234.0, "Leeds", True, dt.datetime(2026, 11, 1, 9, 30), dt.date(2026, 11, 1)],
            [SEVENTEEN_DIGITS, 7, "Brighton & Hove <b>", False, None, None]]
    path, book = _book(tmp_path, rows, column_styles=[ONE_DP, WHOLE], column_widths=[14, 14, 40], header=True)
    data = book["Data"]
    assert [c.value for c in data[2]] == [43.26245073796461, 1234, "Leeds", True, dt.datetime(2026, 11, 1, 9, 30),
                                          dt.datetime(2026, 11, 1)]
    assert data["A3"].value == SEVENTEEN_DIGITS and data["C3"].value == "Brighton & Hove <b>"
    assert (data["A2"].number_format, data["B2"].number_format, data["C2"].number_format) == ("#,##0.0", "#,##0", "General")
    assert data["E2"].number_format == "yyyy-mm-dd h:mm:ss" and data["F2"].number_format == "yyyy-mm-dd"
    assert data["A1"].font.b and not data["C1"].font.b and data["A2"].font.sz == 11
    assert data.freeze_panes == "A2" and data.auto_filter.ref == "A1:F3"
    assert {k: d.width for k, d in data.column_dimensions.items() if d.customWidth} == {"A": 14, "B": 14, "C": 40}
    assert book["About"].column_dimensions["A"].width == 120 and book["About"].freeze_panes is None
    assert book.sheetnames == ["About", "Data"]
    # Every part is well-formed XML a strict reader accepts (openpyxl above parses each with lxml).
    assert "xl/worksheets/sheet2.xml" in zipfile.ZipFile(path).namelist()


def test_text_is_never_a_formula_and_formula_like_text_keeps_a_quote_prefix(tmp_path):
    texts = ["=1+2", "+44 20", "-12.5", "@SUM(A1)", "\tx", "Leeds", "12"]
    _, book = _book(tmp_path, [texts, [Styled('=HYPERLINK("x")', CellStyle(bold=True, size=14))]])
    cells = book["Data"][1]
    assert [c.value for c in cells] == texts and {c.data_type for c in cells} == {"s"}
    assert [c.quotePrefix for c in cells] == [True, True, False, True, True, False, False]
    title = book["Data"]["A2"]
    assert title.value == '=HYPERLINK("x")' and title.quotePrefix and title.font.b and title.font.sz == 14
    assert not [c for row in book["Data"].iter_rows() for c in row if c.data_type == "f"]


def test_blanks_spaces_and_characters_xml_cannot_hold(tmp_path):
    _, book = _book(tmp_path, [[None, "", math.nan, math.inf, "  padded  ", "bell\x07 and\x00 nul", "a\nb"]])
    assert [c.value for c in book["Data"][1]] == [None, None, None, None, "  padded  ", "bell and nul", "a\nb"]


def test_a_value_it_cannot_write_is_named_with_its_cell(tmp_path):
    with pytest.raises(TypeError, match=r"Data!B1: cannot write a complex"):
        write_workbook(tmp_path / "bad.xlsx", [Sheet("Data", [["ok", 1j]])])
    with pytest.raises(ValueError, match="sheet name"):
        write_workbook(tmp_path / "bad.xlsx", [Sheet("Data/2024", [["ok"]])])


def test_another_reader_takes_the_same_values(tmp_path):
    """python-calamine (Rust), as pandas reads a workbook by default elsewhere in the package."""
    rows = [["Value", "Area"], [SEVENTEEN_DIGITS, "=1+2"], [2.5, "Leeds"]]
    path, _ = _book(tmp_path, rows, column_styles=[ONE_DP], header=True)
    frame = pd.read_excel(path, sheet_name="Data", engine="calamine")
    assert frame.to_dict("list") == {"Value": [SEVENTEEN_DIGITS, 2.5], "Area": ["=1+2", "Leeds"]}


def test_libreoffice_calc_opens_the_workbook_and_shows_its_values(tmp_path):
    """The program a reader without Excel opens the appendix in: every sheet, as written and as shown."""
    needs("spreadsheet")
    rows = [["Value", "Area", "Retrieved"], [SEVENTEEN_DIGITS, "=1+2", dt.datetime(2026, 11, 1)],
            [1234.0, "Brighton & Hove", None]]
    path, _ = _book(tmp_path, rows, column_styles=[ONE_DP], header=True)
    shown = workbook_sheets(path, tmp_path / "shown", as_shown=True)
    assert shown == {"About": [["Notes"]], "Data": [["Value", "Area", "Retrieved"], ["13.1", "=1+2", "2026-11-01 0:00:00"],
                                                   ["1,234.0", "Brighton & Hove", ""]]}
    assert workbook_sheets(path, tmp_path / "stored")["Data"][1][0] == "13.0874184979474"  # Calc shows 15 digits
