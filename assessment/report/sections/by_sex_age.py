"""A topic's figures by sex and age, where the source publishes them beside the headline figure.

A Fingertips export may carry an indicator for males and females, or for age
bands, as well as for persons of all ages; the report's tables show one
headline breakdown (:mod:`assessment.bundles.headline_rows`). This block lists the
others for the area, in the headline figure's period, each beside England's
same breakdown. Only what the source published: nothing is split here, and an
indicator published for persons only gets no row.

>>> label_of(pd.Series({"sex": "Male", "age": "All ages"}))
'Male, all ages'
>>> label_of(pd.Series({"sex": "Persons", "age": "10-24 yrs"}))
'Persons, 10-24 yrs'
"""

from __future__ import annotations

import pandas as pd

from ...core.safe_text import format_value, md
from ..section_blocks import comparison_cell, display_value
from ..context import ReportContext
from ..document import Document, Paragraph, Table, rows_of
from ..markdown_tables import pipe_table


def label_of(row: pd.Series) -> str:
    """The breakdown in words: sex, then age band."""
    age = "all ages" if row["age"] == "All ages" else row["age"]
    return f"{row['sex']}, {age}"


def split_rows(report: ReportContext, headline: pd.Series) -> pd.DataFrame:
    """The other published breakdowns of a headline row: same indicator, area and period."""
    rows = report.data.bundle.sex_age_rows_of(headline["indicator_id"], headline["area_code"])
    if rows.empty:
        return rows
    same = rows[rows["period"] == headline["period"]]
    return same.sort_values(["sex", "age"], key=lambda c: c.map(_order), kind="stable")


def _order(value: str) -> str:
    return {"Persons": "0", "Male": "1", "Female": "2", "All ages": "0"}.get(value, "9" + str(value))


def by_sex_age(report: ReportContext, headline_rows: pd.DataFrame, section_title: str) -> Document:
    """A table of each published sex and age breakdown beside England's (empty when the source has none)."""
    body, shown = [], []
    for _, headline in headline_rows.iterrows():
        for _, row in split_rows(report, headline).iterrows():
            shown.append(row)
            england = format_value(row.get("england_value"), row["value_type"], row["multiplier"])
            body.append([row["indicator_name"], label_of(row), row["period"], display_value(row, with_ci=True),
                         england, comparison_cell(row)])
    if not body:
        return Document()
    name = report.data.display_name()
    caption = (f"{section_title}: the figures the source publishes by sex and age for {name}, in the period of "
               "each headline figure, beside England's figure for the same group")
    return Document([Paragraph(f"By sex and age, as published for {md(name)}:"), Table(pipe_table(
        ["Indicator", "Group", "Period", f"{name} (95% CI)", "England", "Compared with England"], body,
        align="lllrrl", caption=caption), title=section_title, rows=rows_of(shown))])
