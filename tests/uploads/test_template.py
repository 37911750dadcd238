"""Upload templates: instructions, validation and a CSV; a filled-in template loads."""

from __future__ import annotations

import openpyxl

from assessment.uploads import validate_upload, write_upload_template

from tests.support.uploads_shared import GOOD_ROWS, HEADER, KIND


# ----------------------------------------------------------------- template
def test_template_workbook_has_instructions_validation_and_a_csv(tmp_path):
    xlsx, csv_path = write_upload_template(KIND, tmp_path)
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames[:2] == ["Instructions", "Data"]
    data = book["Data"]
    assert [c.value for c in data[1]] == HEADER
    rules = data.data_validations.dataValidation
    assert {r.type for r in rules} >= {"whole", "textLength"} or {r.type for r in rules} >= {"whole", "custom"}
    whole = [r for r in rules if r.type == "whole"]
    assert whole and all(r.operator == "between" and r.formula1 == "0" and r.formula2 == "1000000" for r in whole)
    assert csv_path.read_text(encoding="utf-8").splitlines()[0] == ",".join(HEADER)
    assert "3 weeks" in " ".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row if c.value)


def test_a_filled_in_template_validates_and_loads(tmp_path, geography):
    xlsx, _ = write_upload_template(KIND, tmp_path)
    book = openpyxl.load_workbook(xlsx)
    for row in GOOD_ROWS:
        book["Data"].append([row[0], row[1], *map(int, row[2:])])
    book.save(xlsx)
    report = validate_upload(xlsx, None, geography)
    assert report.ok, report.lines()
    assert report.kind.kind == KIND
