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
    first_rows = {indicator: FirstRows(tables[indicator], period) for indicator, period in periods.items()}
    body = []
    for code in [*councils, data.area.code]:
        cells = []
        for indicator in periods:
            row = first_rows[indicator].of(code)
            if row is None:
                cells.append("no data")
                continue
            shown.append(row)
            cells.append(cell(row))
        label = names.get(code, code) if code != data.area.code else f"{data.area.name} (all councils)"
        body.append([label, *cells])
    return body


class FirstRows:
    """Each area's first row of ``period`` in ``frame``: the frame is searched once, not once a council.

    Not :class:`~assessment.bundles.headline_rows.RowsBy`: its groupby, built afresh for each table of a
    report, made forces' and counties' kernel work 6% slower than this (same outputs).

    >>> frame = pd.DataFrame({"area_code": ["A", "B", "A"], "period": ["Q1", "Q1", "Q1"], "value": [1, 2, 3]})
    >>> rows = FirstRows(frame, "Q1")
    >>> int(rows.of("A")["value"]), rows.of("C") is None
    (1, True)
    """

    def __init__(self, frame: pd.DataFrame, period: str):
        rows = frame[frame["period"] == period]
        self.rows = rows[~rows["area_code"].duplicated()]
        self.positions = {code: position for position, code in enumerate(self.rows["area_code"])}

    def of(self, code: str) -> pd.Series | None:
        position = self.positions.get(code)
        return None if position is None else self.rows.iloc[position]
