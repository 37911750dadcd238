"""Arrow's CSV reading stands in for pandas' only where it reads the cells as pandas does."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from assessment.core.errors import SourceError
from assessment.inputs.arrow_csv import read_text_cells
from assessment.sources.fingertips.client import FINGERTIPS_HEADER_EXAMPLE, parse_csv

def _pandas(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")

@pytest.mark.parametrize("text", [
    'a,"b c",d\n1,,x\n"2, two","",\n\n3,NA,"say ""hi"""\r\n',  # quotes, empty and quoted-empty cells, a blank line
    "a,b\nLe\u00f3n,\u00e9\n",  # not ASCII
    "a,b\n1,2",  # no line break at the end
    "a,b\n",  # a header alone
    'a,b\n"one\ntwo",2\n',  # a line break inside a quoted cell
])
def test_cells_are_those_pandas_reads(text):
    data = text.encode("utf-8")
    pd.testing.assert_frame_equal(read_text_cells(data), _pandas(data))

@pytest.mark.parametrize("text", [
    "a,a\n1,2\n",  # a repeated name: pandas renames it a.1
    "a,b,\n1,2,3\n",  # an empty name: pandas calls it Unnamed: 2
    "a,b\n1,2\n3\n",  # a short row: pandas fills it
    "a,b\n1,2,3\n",  # a long row
    '"a\nb",c\n1,2\n',  # a line break inside a quoted name
    "\na,b\n1,2\n",  # the header after a blank line
])
def test_what_arrow_would_read_otherwise_is_left_to_pandas(text):
    assert read_text_cells(text.encode("utf-8")) is None

def test_a_fingertips_export_parses_the_same_whichever_reader_reads_it(monkeypatch):
    from assessment.sources.fingertips import client
    from assessment.sources.fingertips.api import IndicatorMeta

    meta = {"93356": IndicatorMeta("93356", value_type="crude rate", multiplier=100000, polarity="low_is_good")}
    lines = FINGERTIPS_HEADER_EXAMPLE.splitlines()
    text = "\n".join([lines[0], lines[1], lines[1].replace("E92000001,England", "E08000035,Leeds").replace(
        "94.7", "101.2"), lines[1].replace("2015", "2016").replace("94.7,", ",")]) + "\n"
    by_arrow = parse_csv(text, url="file://x.csv", metadata=meta)
    monkeypatch.setattr(client, "read_text_cells", lambda data: None)
    by_pandas = parse_csv(text, url="file://x.csv", metadata=meta)
    pd.testing.assert_frame_equal(by_arrow.drop(columns="retrieved_at"), by_pandas.drop(columns="retrieved_at"))
    assert by_arrow["value"].tolist()[:2] == [94.7, 101.2]

def test_a_ragged_export_still_gets_pandas_one_line_error():
    from assessment.sources.fingertips.api import IndicatorMeta

    text = FINGERTIPS_HEADER_EXAMPLE + "93356,Campylobacter,E92000001,England,Country,Persons,All ages,,,2016,1,2,3,,,4,5,,x,y\n"
    with pytest.raises(SourceError, match=r"^file://x\.csv: malformed CSV \(Error tokenizing data"):
        parse_csv(text, url="file://x.csv", metadata={"93356": IndicatorMeta("93356")})
