"""Markdown building blocks several sections share: a row's figure as text, its sentence, a benchmark table.

>>> import pandas as pd
>>> row = pd.Series({"suppressed": False, "value": 8.123, "value_type": "crude rate", "multiplier": 100000,
...                  "lower_ci_95": 6.2, "upper_ci_95": 9.9, "value_note": ""})
>>> display_value(row, with_ci=True)
'8.1 per 100,000 (6.2 to 9.9)'
>>> display_value(pd.Series({**row, "value": float("nan"), "value_note": "Not aggregable: a DSR"}))
'not aggregable'
>>> display_value(pd.Series({**row, "suppressed": True}))
'suppressed'
"""

from __future__ import annotations

import pandas as pd

from ..narrative import sentence
from ..text import format_value
from .context import ReportContext
from .tables import pipe_table


def display_value(row: pd.Series, *, with_ci: bool = False) -> str:
    """A row's figure as tables and charts print it ("8.1 per 100,000 (6.2 to 9.9)", "suppressed")."""
    if row["suppressed"]:
        return "suppressed"
    if pd.isna(row["value"]):
        return "not aggregable" if str(row["value_note"]).startswith("Not aggregable") else "no data"
    text = format_value(row["value"], row["value_type"], row["multiplier"])
    if with_ci and not pd.isna(row["lower_ci_95"]):
        text += (f" ({format_value(row['lower_ci_95'], row['value_type'], None)} to "
                 f"{format_value(row['upper_ci_95'], row['value_type'], None)})")
    return text


def row_sentence(row: pd.Series) -> str:
    """The plain-English sentence of a row, compared with England."""
    data = row.to_dict()
    data["comparison"] = row.get("england_comparison")
    data["comparator_value"] = row.get("england_value")
    data["comparison_reason"] = row.get("england_reason")
    data["comparator_name"] = "England"
    return sentence(data)


def benchmark_table(report: ReportContext, rows: pd.DataFrame, section_title: str) -> str:
    """A table of indicators: value with 95% CI, England, region, comparison and trend as text."""
    area = report.data.area
    body = []
    for _, row in rows.iterrows():
        report.appendix.record(row, section_title)
        unit = (row["value_type"], row["multiplier"])
        value = display_value(row, with_ci=True)
        if row["area_code"] != area.code:  # a district shown its upper-tier authority's figure
            value += f" ({row['area_name']}: not published for districts)"
        region = ("" if not row.get("region_code") or pd.isna(row.get("region_value"))
                  else format_value(row["region_value"], *unit))
        body.append([
            row["indicator_name"], row["period"], value,
            format_value(row.get("england_value"), *unit), region,
            row.get("england_comparison") or "Not compared",
            row.get("trend") or "Cannot be calculated",
        ])
    return pipe_table(
        ["Indicator", "Period", f"{area.name} (95% CI)", "England", "Region",
         "Compared with England", "Recent trend"],
        body, align="llrrrll")
