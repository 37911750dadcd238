"""The homelessness section with housing on release (``kind: housing`` in report_sections.yaml).

The topic section (:mod:`.topic`: benchmark table, sentences, chart, local
data), then a "Housing on release" part for the indicators of the Duty to
Refer entry of ``data_sources/publishers.yaml`` (MHCLG tables A7 and A3; the
``housing_on_release`` part of the section's ``indicators:``):
each quarter's figure for the area, a trend chart, and for an area made of
councils (a county, a police force area) each council's latest quarter with
the area's total, which is the councils' counts added up (none when a
council's figure is missing); then the support needs of households owed a
duty (:mod:`.support_needs`). A report without
those figures (the fictional demo) gets the topic section alone.

A count of 1 to 4 households reaches this section already suppressed, with
the rate made from it (the rate and the households in the area give the count
back) and the total of every area that includes that council
(every source's, in ``Bundle._shown_frame``;
:func:`assessment.stats.disclosure.hide_small_counts`).

>>> households_cell(pd.Series({"suppressed": False, "value": 13.84, "value_type": "crude rate", "multiplier": 100000,
...                            "lower_ci_95": 6.3, "upper_ci_95": 26.3, "value_note": "", "count": 9.0}))
'13.8 per 100,000 (9)'
>>> households_cell(pd.Series({"suppressed": True, "value": None, "value_type": "crude rate", "multiplier": 100000,
...                            "lower_ci_95": None, "upper_ci_95": None, "value_note": "", "count": None}))
'suppressed'
"""

from __future__ import annotations

import pandas as pd

from ...core.levels import ENGLAND_CODE
from ...registry.all_registries import Section
from ...core.safe_text import md
from ..section_blocks import display_value
from ..context import ReportContext
from ..document import Document, Heading, Paragraph, Table, rows_of
from ..markdown_tables import pipe_table
from . import support_needs, topic
from .support_needs import households_cell
from .council_rows import council_rows

TITLE = "Housing on release"
INTRO = (
    "The Duty to Refer (Homelessness Reduction Act 2017, in force since October 2018) requires prisons, "
    "youth custody and the Probation Service, among other public bodies, to refer people they think may be "
    "homeless or threatened with homelessness to a council of the person's choice, with their consent; the "
    "police are not among those bodies. MHCLG publishes each quarter how many households each council "
    "assessed after such a referral, and how many households owed a homelessness duty have an offending "
    "history support need. These show where prison leavers and people on probation seek housing help; "
    "they do not show where people slept on the night of release, or people who were never referred."
)


def render(report: ReportContext, section: Section) -> Document:
    """The topic section, then housing on release and support needs when the bundle has their figures."""
    parts = (topic.render(report, section, shown_apart=section.indicator_ids(support_needs.PART)),
             housing_on_release(report, section), support_needs.render(report, section))
    return Document().add(*parts)


def housing_on_release(report: ReportContext, section: Section) -> Document:
    """Quarter-by-quarter figures, a trend chart and the councils' latest quarter."""
    data = report.data
    ids = [i for i in section.indicator_ids("housing_on_release") if not data.tables.indicator(i).empty]
    tables = {i: data.tables.indicator(i) for i in ids}
    mine = {i: data.tables.area_rows(i, data.area.code) for i in ids}
    mine = {i: rows for i, rows in mine.items() if not rows.empty}
    if not mine:
        return Document()
    used_in = f"{section.title}: {TITLE.lower()}"
    out = Document([Heading(TITLE, level=3), Paragraph(f"{md(INTRO)}\n"), quarterly_table(report, mine, used_in)])
    # Chart the steadiest series: the indicator with the most households in the area's latest quarter.
    charted = [rows for rows in mine.values() if rows["value"].notna().sum() >= 2]
    if charted:
        out.add(topic.trend_chart(report, max(charted, key=lambda rows: rows["count"].fillna(0).iloc[-1]).iloc[-1]))
    out.add(councils_table(report, {i: tables[i] for i in mine}, mine, used_in))
    return out


def quarterly_table(report: ReportContext, mine: dict[str, pd.DataFrame], used_in: str) -> Table:
    """One row per indicator, one column per quarter: the area's figure, with England's latest beside it."""
    data = report.data
    periods = sorted({p for rows in mine.values() for p in rows["period"]},
                     key=lambda p: min(rows.loc[rows["period"] == p, "period_end"].min()
                                       for rows in mine.values() if (rows["period"] == p).any()))
    body: list[list[str]] = []
    shown: list[pd.Series] = []
    for indicator, rows in mine.items():
        by_period = {r["period"]: r for _, r in rows.iterrows()}
        shown.extend(by_period.values())
        england = data.tables.area_rows(indicator, ENGLAND_CODE)
        latest_england = display_value(england.iloc[-1]) if not england.empty else "no data"
        body.append([rows["indicator_name"].iloc[-1],
                     *[households_cell(by_period[p]) if p in by_period else "no data" for p in periods],
                     latest_england])
    caption = (f"{data.area.name} by quarter of the financial year, households in brackets; England is its "
               "latest quarter. Source: MHCLG statutory homelessness, detailed local authority tables A7, A3 and A1.")
    return Table(pipe_table(["Indicator", *periods, "England (latest)"], body, align="l" + "r" * (len(periods) + 1),
                            caption=caption), title=used_in, rows=rows_of(shown))


def councils_table(report: ReportContext, tables: dict[str, pd.DataFrame], mine: dict[str, pd.DataFrame],
                   used_in: str) -> Table | None:
    """Each council's quarter of the area's latest (``mine``: the area's rows, oldest first), and the area's
    total (the councils' counts added up).

    ``tables`` holds every area's rows of each indicator, small counts hidden.
    """
    data = report.data
    indicators = list(tables)
    latest = {i: mine[i].iloc[-1]["period"] for i in indicators}
    shown: list[pd.Series] = []
    body = council_rows(report, tables, latest, households_cell, shown)
    if not body:
        return None
    headers = ["Council", *[f"{tables[i]['indicator_name'].iloc[0]} ({latest[i]})" for i in indicators]]
    caption = (f"Councils in {data.area.name}, latest quarter, households in brackets. The total adds up the "
               "councils' counts: a council whose figure the publisher left out leaves the area without a total, and a "
               "council's figure of 1 to 4 households is suppressed with the total.")
    return Table(pipe_table(headers, body, align="l" + "r" * len(indicators), caption=caption), title=used_in,
                 rows=rows_of(shown))
