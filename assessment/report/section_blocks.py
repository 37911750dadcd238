"""Building blocks several sections share: a row's figure as text, its sentence, a benchmark table.

>>> import pandas as pd
>>> row = pd.Series({"suppressed": False, "value": 8.123, "value_type": "crude rate", "multiplier": 100000,
...                  "lower_ci_95": 6.2, "upper_ci_95": 9.9, "value_note": ""})
>>> display_value(row, with_ci=True)
'8.1 per 100,000 (6.2 to 9.9)'
>>> display_value(pd.Series({**row, "value": float("nan"), "value_note": "Not aggregable: a DSR"}))
'not aggregable'
>>> display_value(pd.Series({**row, "suppressed": True}))
'suppressed'
>>> dsr = {**row, "value": float("nan"), "value_type": "directly standardised rate", "count": 120.0,
...        "denominator": 800000.0, "value_note": "Not aggregable: directly standardised rate"}
>>> display_value(pd.Series(dsr))
'120 (crude rate 15.0 per 100,000, not age-standardised)'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .difference import is_small, size_words
from .narrative import sentence
from ..stats.rebuildable import shows_summed_count
from ..stats.trend import trend_in_words
from ..core.safe_text import format_value
from .context import ReportContext
from .document import Table, records
from .councils_inside import contrast_sentence, inside_areas, inside_kind, population_shares, published_inside, rank_inside_text, share_text, where_label
from .ranks import has_rank, includes_welsh_forces, rank_text
from .markdown_tables import pipe_table


def crude_rate(row: Mapping[str, Any] | pd.Series) -> float | None:
    """The crude rate of a summed count (a force's drug deaths, say) whose standardised rate cannot be rebuilt."""
    if not pd.isna(row.get("value")) or not shows_summed_count(row.get("value_type", "")):
        return None
    count, denominator = row.get("count"), row.get("denominator")
    if pd.isna(count) or pd.isna(denominator) or not denominator:
        return None
    return float(count) / float(denominator) * float(row["multiplier"])


def summed_count_text(row: Mapping[str, Any] | pd.Series) -> str:
    """"120 (crude rate 15.0 per 100,000, not age-standardised)" for a summed count, else ""."""
    crude = crude_rate(row)
    if crude is None:
        if pd.isna(row.get("value")) and shows_summed_count(row.get("value_type", "")) and not pd.isna(row.get("count")):
            return f"{format_value(row['count'], 'count')} (summed count; no population for a crude rate)"
        return ""
    return (f"{format_value(row['count'], 'count')} (crude rate "
            f"{format_value(crude, 'crude rate', row['multiplier'])}, not age-standardised)")


def display_value(row: Mapping[str, Any] | pd.Series, *, with_ci: bool = False) -> str:
    """A row's figure as tables and charts print it ("8.1 per 100,000 (6.2 to 9.9)", "suppressed")."""
    if row["suppressed"]:
        return "suppressed"
    if pd.isna(row["value"]):
        if summed := summed_count_text(row):
            return summed
        return "not aggregable" if str(row["value_note"]).startswith("Not aggregable") else "no data"
    text = format_value(row["value"], row["value_type"], row["multiplier"])
    if with_ci and not pd.isna(row["lower_ci_95"]):
        text += (f" ({format_value(row['lower_ci_95'], row['value_type'], None)} to "
                 f"{format_value(row['upper_ci_95'], row['value_type'], None)})")
    return text


def row_sentence(row: pd.Series, area_name: str | None = None, national: str = "England") -> str:
    """The plain-English sentence of a row, compared with ``national`` (England, or England and Wales for a
    Welsh force; ``area_name``: the name to call the area)."""
    data = {str(column): value for column, value in row.items()}
    if area_name:
        data["area_name"] = area_name
    data["comparison"] = row.get("england_comparison")
    data["comparator_value"] = row.get("england_value")
    data["comparison_reason"] = row.get("england_reason")
    data["comparator_name"] = national
    return sentence(data)


def comparison_cell(row: Mapping[str, Any] | pd.Series, national: str = "England") -> str:
    """A table's "Compared with England": the published label, except that a significant difference small
    in practice (``small_difference`` in key_messages.yaml) is not called better or worse.

    >>> comparison_cell(pd.Series({"england_comparison": "Worse (99.8%)", "value": 89.0, "england_value": 88.0,
    ...                            "value_type": "crude rate", "multiplier": 1000}))
    'Higher: small in practice (1% above England)'
    """
    label = row.get("england_comparison") or "Not compared"
    if label.startswith(("Better", "Worse")) and is_small(row["value"], row.get("england_value"), row["value_type"]):
        higher = row["value"] > row["england_value"]
        words = size_words(row["value"], row["england_value"], row["value_type"], row.get("multiplier"), national)
        if words.startswith("level with"):  # significant, yet under half a per cent
            words = f"under 1% {'above' if higher else 'below'} {national}"
        return f"{'Higher' if higher else 'Lower'}: small in practice ({words})"
    return label


def chart_comparison(row: Mapping[str, Any] | pd.Series, national: str = "England") -> str:
    """A chart's result label, agreeing with the table's :func:`comparison_cell` but short enough for a bar.

    >>> chart_comparison(pd.Series({"england_comparison": "Worse (99.8%)", "value": 89.0, "england_value": 88.0,
    ...                             "value_type": "crude rate", "multiplier": 1000}))
    'Higher: small in practice'
    """
    return comparison_cell(row, national).split(" (")[0] if _is_small_difference(row) else \
        (row.get("england_comparison") or "Not compared")


def with_chart_comparisons(frame: pd.DataFrame, national: str = "England") -> pd.DataFrame:
    """A chart's rows (the result in ``comparison``) with each result worded by :func:`chart_comparison`."""
    # One rename of the frame, not one per row: a Series rename copies the row.
    named = frame.rename(columns={"comparison": "england_comparison"})
    labels = [chart_comparison(row, national) for row in records(named)]
    return frame.assign(comparison=labels)


def _is_small_difference(row: Mapping[str, Any] | pd.Series) -> bool:
    label = row.get("england_comparison") or ""
    return label.startswith(("Better", "Worse")) and is_small(row["value"], row.get("england_value"), row["value_type"])


def force_rank(report: ReportContext, row: pd.Series) -> str:
    """The force's rank among forces for a row, in words ("" for other areas or without a figure)."""
    if not has_rank(row):  # most rows: the search of the indicator's forces below is not needed
        return ""
    return rank_text(row, welsh=includes_welsh_forces(report.data.tables.same_breakdown(row), row))


def benchmark_table(report: ReportContext, rows: pd.DataFrame, section_title: str) -> Table:
    """A table of indicators: value with 95% CI, England, region (a force: its rank), comparison and trend."""
    area = report.data.area
    is_force = area.area_type == "pfa"
    body = []
    for _, row in rows.iterrows():
        unit = (row["value_type"], row["multiplier"])
        value = display_value(row, with_ci=True)
        if row["area_code"] != area.code:  # a district shown its upper-tier authority's figure
            value += f" ({row['area_name']}: not published for districts)"
        if is_force:  # a force has no region comparison: its rank among forces applies
            region = force_rank(report, row) or "Not ranked"
        else:
            region = ("" if not row.get("region_code") or pd.isna(row.get("region_value"))
                      else format_value(row["region_value"], *unit))
        body.append([
            row["indicator_name"], row["period"], value,
            format_value(row.get("england_value"), *unit), region,
            comparison_cell(row, report.data.national_name),
            trend_in_words(row.get("trend") or "", row.get("trend_reason") or ""),
        ])
    region_header = "Rank among forces (1 = highest)" if is_force else "Region"
    national = report.data.national_name
    return Table(pipe_table(
        ["Indicator", "Period", f"{report.data.display_name()} (95% CI)", national, region_header,
         f"Compared with {national}", "Recent trend"],
        body, align="llrr" + ("l" if is_force else "r") + "ll"), title=section_title, rows=rows.reset_index(drop=True))


#: What a councils-inside row carries for its own table only (the appendix lists the rows without them).
_RANK_COLUMNS = ("inside_rank", "inside_count", "inside_tied")


def inside_table(report: ReportContext, rows: pd.DataFrame, section_title: str) -> tuple[Table | None, list[str]]:
    """Each council (or district) inside the area, indicator by indicator, and the sentences on their contrasts.

    Returns the table (None when no inside area has a figure) and one
    sentence per indicator whose inside areas differ significantly.
    """
    data = report.data
    inside = inside_areas(data)
    if not inside:
        return None, []
    body, sentences, shares, shown = [], [], {}, []
    for _, row in rows.iterrows():
        if row["area_code"] != data.area.code:
            continue
        found = published_inside(data, row, inside)  # districts; the upper tier where only it is published
        if found.empty or (found["value"].isna() & ~found["suppressed"].astype(bool)).all():
            continue
        councils = records(found)  # plain dicts: a Series per row cost more than its cells' text
        shown.append(found.drop(columns=list(_RANK_COLUMNS)))
        for council in councils:
            unit = (council["value_type"], council["multiplier"])
            code = council["area_code"]
            if code not in shares:
                shares.update(population_shares(data, [data.geography.resolve(code)]))
            body.append([row["indicator_name"], council["area_name"], display_value(council, with_ci=True),
                         format_value(council.get("england_value"), *unit),
                         comparison_cell(council, data.national_name), rank_inside_text(council),
                         share_text(shares.get(code))])
        if text := contrast_sentence(found, where_label(data), kind=inside_kind(data)):
            sentences.append(text)
    if not body:
        return None, sentences
    kind = inside_kind(data)[:-1]  # "council" or "district"
    # A caption of its own: the topic's table already has the section's, and captions name the tables
    # for screen readers, so two alike would be two landmarks of one name.
    table = pipe_table(["Indicator", kind.capitalize(), "Value (95% CI)", data.national_name,
                        f"Compared with {data.national_name}",
                        f"Rank in {data.display_name()} (1 = highest)",
                        f"Share of {data.display_name()} population"], body, align="llrrlrr",
                       caption=f"{section_title}: each {kind} inside {data.display_name()}")
    return Table(table, title=section_title, rows=pd.concat(shown, ignore_index=True)), sentences
