"""A CSV text's data records: the header, quoted line breaks and trailing blank lines are not records."""

from __future__ import annotations

import pytest

from assessment.inputs.csv_records import csv_records


@pytest.mark.parametrize(("text", "records"), [
    ("", 0), ("\r\n\n", 0), ("a,b", 0), ("a,b\n", 0),
    ("a,b\n1,2\r\n\r\n\n", 1),  # blank lines at the end are not records
    ('a,b\n1,"two\nlines"\n3,4\n', 2),  # a line break inside quotes is not a new record
    ('a,b\n"say ""hi""\nthere",2\n3,4', 2),  # doubled quotes inside a quoted field
    ("\n\na,b\n1,2", 3),  # blank lines at the start are counted as the file has them
])
def test_records_are_lines_outside_quotes_after_the_header(text, records):
    assert csv_records(text) == records
