"""The records of ONS drug poisoning deaths, shared by the CSV and workbook readers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .records import build_frame

SOURCE = "ONS deaths related to drug poisoning"


def death_records(codes, names, years, counts, markers, *, indicator_id: str) -> pd.DataFrame:
    """Count records (value = count) for areas, periods and counts given as aligned Series.

    >>> import pandas as pd
    >>> rows = death_records(pd.Series(["E92000001"]), pd.Series(["ENGLAND"]), pd.Series([2020]),
    ...                      pd.Series([4312.0]), pd.Series([""]), indicator_id="ons-drug-poisoning-deaths")
    >>> rows[["area_name", "period", "count"]].values.tolist()
    [['England', '2020', 4312.0]]
    """
    name = names.str.strip()
    name = name.where(name != name.str.upper(), name.str.title())
    return pd.DataFrame({
        "indicator_id": indicator_id, "area_code": codes, "area_name": name, "period": years.astype(str),
        "value": counts, "count": counts,
        "value_note": np.where(markers.ne(""), "Not available: " + markers, ""),
    })


def death_frame(records: pd.DataFrame, *, path: Path, source_url: str, retrieved_at, vintage: str,
                where: str = "") -> pd.DataFrame:
    """The tidy frame of death records; rows of areas no report geography has are left out."""
    return build_frame(records, source=SOURCE, path=path, source_url=source_url, retrieved_at=retrieved_at,
                       vintage=vintage, where=where, other_areas="drop")
