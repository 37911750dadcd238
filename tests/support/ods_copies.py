"""Copies of a real ODS workbook with a force renamed or a sheet dropped."""

from __future__ import annotations

from odf import table as odf_table
from odf import text as odf_text
from odf.opendocument import load as load_ods


# ---------------------------------------------------------------- broken copies
def _ods_copy(source, target, *, rename: tuple[str, str, str] | None = None, drop: str | None = None):
    """A copy of an ODS file with one cell's text replaced (sheet, old, new) or one sheet removed."""
    document = load_ods(str(source))
    for sheet in list(document.spreadsheet.getElementsByType(odf_table.Table)):
        name = sheet.getAttribute("name")
        if name == drop:
            sheet.parentNode.removeChild(sheet)
        if rename and name == rename[0]:
            for paragraph in sheet.getElementsByType(odf_text.P):
                if str(paragraph) == rename[1]:
                    paragraph.childNodes[0].data = rename[2]  # the footnote digit is a separate span
    document.save(str(target))
    return target
