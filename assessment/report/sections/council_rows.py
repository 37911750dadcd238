"""The rows of a table of an area's councils: one per council, then the area's own (the housing tables).

Each cell is the council's figure of one indicator in a given period (its row is kept for the table's
block, so the appendix lists it); a council the publisher left out reads "no data".
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..context import ReportContext


def council_rows(report: ReportContext, tables: dict[str, pd.DataFrame], periods: dict[str, str],
                 cell: Callable[[pd.Series], str], shown: list[pd.Series]) -> list[list[str]]:
    """One row per council of the area and one for the area ("" councils: [] when it has fewer than two).

    ``tables`` holds every area's rows of each indicator (small counts already hidden); ``periods``
    gives the period shown for each indicator, in column order. Each row shown is added to ``shown``.
    """
    data = report.data
    councils = [c for c in data.geography.constituent_lads(data.area.code) if c != data.area.code]
    if len(councils) < 2:
        return []
    names = data.geography.areas.set_index("code")["name"]
    body = []
    for code in [*councils, data.area.code]:
        cells = []
        for indicator, period in periods.items():
            frame = tables[indicator]
            match = frame[(frame["area_code"] == code) & (frame["period"] == period)]
            if match.empty:
                cells.append("no data")
                continue
            shown.append(match.iloc[0])
            cells.append(cell(match.iloc[0]))
        label = names.get(code, code) if code != data.area.code else f"{data.area.name} (all councils)"
        body.append([label, *cells])
    return body
