"""Support needs of households owed a homelessness duty (MHCLG table A3), a part of the housing section.

The sub-groups the policy documents ask about (care leavers, young people,
mental health, learning disability, drug and alcohol dependency, domestic
abuse, people who served in HM Forces, offending history), each as the share
of the households owed a prevention or relief duty in the latest quarter: the
area beside England, then, for an area made of councils (a county, a police
force area), each council's share.

The ids are the ``support_needs`` part of the section's ``indicators:`` in
report_sections.yaml. Their counts reach this part already through disclosure
control (every source's, in ``Bundle._shown_frame``): a count of 1 to 4
households is hidden with its share, and so is every figure it could be worked
out from (another council's, or the area's total).

>>> households_cell(pd.Series({"suppressed": False, "value": 3.52, "value_type": "proportion", "multiplier": 100,
...                            "lower_ci_95": 2.1, "upper_ci_95": 5.7, "value_note": "", "count": 15.0}))
'3.5% (15)'
"""

from __future__ import annotations

import pandas as pd

from ...core.levels import ENGLAND_CODE
from ...registry.all_registries import Section
from ...core.safe_text import md, thousands
from ..section_blocks import display_value
from ..context import ReportContext
from ..document import Document, Heading, Paragraph, Table, rows_of
from ..markdown_tables import pipe_table
from .council_rows import council_rows

PART = "support_needs"
TITLE = "Support needs of households owed a duty"
INTRO = (
    "Councils record the support needs of each household they owe a prevention or relief duty (MHCLG "
    "table A3). A household can have several needs, so the shares do not add up to 100%. A need is "
    "recorded as the council assessed it, not from health, care or criminal records."
)


def households_cell(row: pd.Series) -> str:
    """A figure with its households in brackets ("3.5% (15)", "13.8 per 100,000 (9)"); "suppressed" or the
    note's word when hidden (the housing section's tables too)."""
    text = display_value(row)
    if row["suppressed"] or pd.isna(row["value"]) or pd.isna(row.get("count")):
        return text
    return f"{text} ({thousands(row['count'])})"


def render(report: ReportContext, section: Section) -> Document:
    """The area's support needs beside England's, and each council's, for the latest quarter (empty without data)."""
    data = report.data
    ids = [i for i in section.indicator_ids(PART) if not data.tables.indicator(i).empty]
    tables = {i: data.tables.indicator(i) for i in ids}
    latest = {i: _latest(data.tables.area_rows(i, data.area.code)) for i in ids}
    mine = {i: row for i, row in latest.items() if row is not None}
    if not mine:
        return Document()
    used_in = f"{section.title}: {TITLE.lower()}"
    return Document().add(Heading(TITLE, level=3), Paragraph(f"{md(INTRO)}\n"), area_table(report, mine, tables, used_in),
                          councils_table(report, mine, tables, used_in))


def _latest(rows: pd.DataFrame) -> pd.Series | None:
    return rows.iloc[-1] if not rows.empty else None


def _title(report: ReportContext, indicator: str, row: pd.Series, *, short: bool = False) -> str:
    info = report.data.indicator_info(indicator)
    return (info.get("short_title") if short else None) or info.get("title") or row["indicator_name"]


def area_table(report: ReportContext, mine: dict[str, pd.Series], tables: dict[str, pd.DataFrame],
               used_in: str) -> Table:
    """One row per need: the area's share (households in brackets) and England's, in the same quarter."""
    data = report.data
    body = []
    for indicator, row in mine.items():
        england = tables[indicator]
        england = england[(england["area_code"] == ENGLAND_CODE) & (england["period"] == row["period"])]
        body.append([_title(report, indicator, row, short=True), row["period"], households_cell(row),
                     display_value(england.iloc[0]) if not england.empty else "no data"])
    caption = (f"Households owed a prevention or relief duty in {data.area.name} with each support need, as a "
               "share of all households owed a duty (households in brackets), and England's share in the same "
               "quarter. Source: MHCLG statutory homelessness, detailed local authority tables A3 and A1.")
    return Table(pipe_table(["Support need", "Quarter", data.area.name, "England"], body, align="llrr", caption=caption),
                 title=used_in, rows=rows_of(mine.values()))


def councils_table(report: ReportContext, mine: dict[str, pd.Series], tables: dict[str, pd.DataFrame],
                   used_in: str) -> Table | None:
    """Each council's share of households with each need, in the area's latest quarter (None for one council)."""
    data = report.data
    shown: list[pd.Series] = []
    body = council_rows(report, tables, {i: row["period"] for i, row in mine.items()}, display_value, shown)
    if not body:
        return None
    periods = sorted({row["period"] for row in mine.values()})
    headers = ["Council", *[_title(report, i, row, short=True) for i, row in mine.items()]]
    caption = (f"Councils in {data.area.name}: share of the households owed a duty with each support need, "
               f"{' and '.join(periods)}. A council's count of 1 to 4 households is suppressed with its share, and "
               "so is any figure from which it could be worked out (another council's, or the total).")
    return Table(pipe_table(headers, body, align="l" + "r" * len(mine), caption=caption), title=used_in,
                 rows=rows_of(shown))
