"""How a tidy frame that fails its schema is described: one line, naming columns, rows and figures.

Used by :func:`assessment.tidy.frame.validate_frame` on pandera's failure cases
(0-based row positions; a frame-wide check names the indicator, area, period
and file of its first failing rows).

>>> _row_list(list(range(12)))
'0, 1, 2, 3, 4, 5, 6, 7 and 4 more'
"""

from __future__ import annotations

import pandas as pd


def describe_failures(failures: pd.DataFrame, frame: pd.DataFrame, key_columns: list[str]) -> str:
    """pandera's failure cases as one line: each failing column and check with its rows and an example."""
    parts = []
    failures = failures.copy()
    # A frame-wide check is reported once per column by pandera; its message already
    # names the columns it compares, so report it once.
    frame_wide = failures["schema_context"].eq("DataFrameSchema")
    unexpected = failures["check"].eq("column_in_schema")
    if unexpected.any():
        names = ", ".join(map(str, failures.loc[unexpected, "failure_case"]))
        parts.append(f"unexpected column(s) {names}")
        failures = failures[~unexpected]
        frame_wide = frame_wide[~unexpected]
    failures.loc[frame_wide, "column"] = "<rows>"
    for (column, check), group in failures.groupby(["column", "check"], dropna=False, sort=False):
        rows = sorted({int(i) for i in group["index"].dropna()})
        column = column if isinstance(column, str) else "<frame>"
        if column == "<rows>":
            parts.append(f"rows {_row_list(rows)} fail {check}{_example_rows(frame, rows, key_columns)}")
            continue
        where = f"rows {_row_list(rows)}" if rows else "whole column"
        example = ""
        if rows and column in frame.columns:
            example = f" (e.g. {frame.loc[rows[0], column]!r}{_from(frame, rows[0])})"
        parts.append(f"column '{column}' fails {check} at {where}{example}")
    return "; ".join(parts)


def _example_rows(frame: pd.DataFrame, rows: list[int], key_columns: list[str]) -> str:
    """Which figure the first failing rows are (indicator, area, period) and the file they came from."""
    if not rows or not set(key_columns) <= set(frame.columns):
        return ""
    shown = frame.loc[[r for r in rows[:2] if r in frame.index]]
    described = [f"indicator {r['indicator_id']}, area {r['area_code']}, period {r['period']}"
                 + (f", from {r['source_url']}" if r.get("source_url") else "") for _, r in shown.iterrows()]
    return f" (e.g. {'; '.join(described)})" if described else ""


def _from(frame: pd.DataFrame, row: int) -> str:
    """Where a row came from (its source_url), so a frame of many files names the file to look at."""
    source = frame.loc[row, "source_url"] if "source_url" in frame.columns else ""
    return f", from {source}" if isinstance(source, str) and source else ""


def _row_list(rows: list[int], limit: int = 8) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")
