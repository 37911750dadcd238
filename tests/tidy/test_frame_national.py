"""The national-scale coercion of the tidy frame gives what the plain path gave."""

from __future__ import annotations

import io

import pandas as pd

from assessment.tidy.frame import coerce_frame


def test_text_read_from_csv_becomes_shared_objects_with_the_same_values():
    text = "indicator_id,area_code,area_name,period,value\n" + "".join(
        f"i{n % 3},E0600000{n % 5},Area {n % 5},{2015 + n % 4},{n}\n" for n in range(40)) + "i1,E06000001,,2020,\n"
    read = pd.read_csv(io.StringIO(text), dtype={"indicator_id": "str", "area_code": "str", "area_name": "str",
                                                  "period": "str"})
    frame = coerce_frame(read)
    for column in ("indicator_id", "area_code", "area_name", "period"):
        assert frame[column].dtype == object
        assert frame[column].tolist() == [None if pd.isna(v) else str(v) for v in read[column]]
    names = frame["area_name"].tolist()
    assert names[0] is names[5] and names[-1] is None  # one object per distinct value; missing is None
