"""Who lives here: the area's and its councils' age profile, from the ONS population estimates by age.

The bundle holds each area's population by broad age band (the single-year
estimates added up: :data:`assessment.sources.ons_population.AGE_BANDS`), for
districts and every area built from them. The profile gives the shares under
18, aged 18 to 24 and 65 and over for the area, the councils inside it and
England, and a chart of every band beside England. Shares are of the sum of
the bands, in the latest year that has them.

>>> import pandas as pd
>>> rows = pd.DataFrame({"area_code": "A", "period": "2020", "sex": "Persons",
...                      "age": ["0-17 yrs", "18-24 yrs", "65+ yrs"], "value": [20.0, 10.0, 70.0]})
>>> age_shares(rows).round(1).tolist()
[20.0, 10.0, 70.0]
"""

from __future__ import annotations

import pandas as pd

from ..charts import age_profile
from ..sources.ons_population import AGE_BANDS
from ..core.safe_text import md, thousands
from .context import ReportContext
from .document import Document, Paragraph, Table
from .councils_inside import inside_areas
from .markdown_tables import pipe_table

BAND_ORDER = [label for label, _, _ in AGE_BANDS]
SHOWN = {"0-17 yrs": "Under 18", "18-24 yrs": "Aged 18 to 24", "65+ yrs": "Aged 65 and over"}


def age_shares(rows: pd.DataFrame) -> pd.Series:
    """Each band's percentage of the bands' total (NaN when a band is missing a value)."""
    total = rows["value"].sum(min_count=len(rows))
    return rows["value"] / total * 100 if total and not pd.isna(total) else rows["value"] * float("nan")


def _profile_rows(report: ReportContext, codes: list[str]) -> tuple[pd.DataFrame, str | None]:
    """The band rows of ``codes`` in the latest period the area has, with their shares, and that period."""
    ages = report.data.tables.population_ages
    if ages.empty:
        return ages, None
    mine = ages[(ages["area_code"] == report.data.area.code) & ages["value"].notna()]
    if mine.empty:
        return mine, None
    period = max(mine["period"])
    rows = ages[ages["area_code"].isin(codes) & (ages["period"] == period) & ages["age"].isin(BAND_ORDER)]
    rows = rows[rows["sex"] == "Persons"] if (rows["sex"] == "Persons").any() else rows
    rows = rows.assign(_order=rows["age"].map(BAND_ORDER.index)).sort_values(["area_code", "_order"])
    shares = rows.groupby("area_code", group_keys=False)[["value"]].apply(lambda g: age_shares(g))
    return rows.assign(share=shares.squeeze(axis=1) if isinstance(shares, pd.DataFrame) else shares), period


def population_profile(report: ReportContext, used_in: str) -> Document:
    """A table of age shares for the area, its councils and England, a chart, and what the files do not give.

    The table's rows are listed in the appendix under ``used_in``, the chart's under "Figure: age profile".
    """
    data = report.data
    inside = inside_areas(data)
    names = {data.area.code: data.display_name(), **{a.code: data.display_name(a.code) for a in inside},
             data.national[0]: data.national_name}  # England; England and Wales for a Welsh force
    rows, period = _profile_rows(report, list(names))
    if period is None or rows.empty:
        return Document()
    body = []
    for code, name in names.items():
        own = rows[rows["area_code"] == code].set_index("age")
        if own.empty:
            continue
        total = own["value"].sum(min_count=len(own))
        body.append([name, "no data" if pd.isna(total) else thousands(total),
                     *[("no data" if pd.isna(own["share"].get(band)) else f"{own['share'][band]:.1f}%")
                       for band in SHOWN]])
    table = pipe_table(["Area", f"Residents (mid-{period})", *SHOWN.values()], body, align="lrrrr",
                       caption=f"Age profile of {data.display_name()}, mid-{period}")
    chart_rows = rows[rows["area_code"].isin([data.area.code, data.national[0]])]
    chart_rows = chart_rows.assign(series=chart_rows["area_code"].map(names))
    figure = age_profile(chart_rows, area_name=data.display_name(), period=str(period), reference=data.national_name)
    sexes = set(rows["sex"]) - {"Persons"}
    text = (f"**Who lives here.** ONS mid-{md(str(period))} population estimates by single year of age give "
            f"the age profile of {md(data.display_name())}"
            + (" and the councils inside it" if inside else "") + ". "
            + ("" if sexes else "The estimates in this snapshot are for persons only, so the profile is not "
               "split by sex; ethnic group comes from the Census, which this snapshot does not include."))
    shown = rows.drop(columns=["_order", "share"])
    return Document([Paragraph(text), Table(table, title=used_in, rows=shown),
                     report.figures.block(figure, "age-profile", title="Figure: age profile",
                                          rows=chart_rows.drop(columns=["_order", "share", "series"]))])
