"""The tidy rows of ONS drug poisoning deaths, shared by the CSV and workbook readers."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd

from ..frame import area_type_for_code
from .periods import parse_period

SOURCE = "ONS deaths related to drug poisoning"


def death_rows(codes, names, years, counts, markers, *, indicator, source_url, retrieved_at, vintage, path):
    """Count rows (value = count) for areas, periods and counts given as aligned Series.

    >>> import pandas as pd, pathlib
    >>> rows = death_rows(pd.Series(["E92000001"]), pd.Series(["ENGLAND"]), pd.Series(["2020"]), pd.Series([4312.0]),
    ...                   pd.Series([""]), indicator=("i", "I"), source_url="", retrieved_at=None, vintage="",
    ...                   path=pathlib.Path("la.csv"))
    >>> rows[["area_name", "area_type", "count"]].values.tolist()
    [['England', 'england', 4312.0]]
    """
    name = names.str.strip()
    name = name.where(name != name.str.upper(), name.str.title())
    area_type = codes.map(area_type_for_code)
    periods = years.astype(str)
    frame = pd.DataFrame({
        "indicator_id": indicator[0], "indicator_name": indicator[1], "source": SOURCE,
        "area_code": codes, "area_name": name, "area_type": area_type, "period": periods,
        "period_start": periods.map(lambda y: parse_period(y)[0]),
        "period_end": periods.map(lambda y: parse_period(y)[1]),
        "value": counts, "count": counts, "value_type": "count", "multiplier": 1.0, "unit": "deaths",
        "polarity": "low_is_good", "comparator_method": "none", "ci_method": "byars",
        "value_note": np.where(markers.ne(""), "Not available: " + markers, ""),
        "source_url": source_url or path.name, "retrieved_at": retrieved_at or datetime.now(UTC),
        "vintage": vintage,
    })
    return frame[area_type.notna()]


