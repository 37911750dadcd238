"""Community safety partnerships (``kind: partnerships``): a short profile of each partnership inside a force or county.

A force is planned with its community safety partnerships, so each gets a
profile: one key measure per topic (the topic's headline indicator where its
districts have figures), each of the partnership's districts against the whole
area and England, with its rank inside the area. A partnership covering several
districts shows each of them (their figures are published by district). Areas
without districts inside (a district, a unitary) have no profiles.
"""

from __future__ import annotations

import pandas as pd

from ...registry.all_registries import Section, registries
from ...core.safe_text import md
from ..section_blocks import display_value
from ..context import ReportContext
from ..document import Document, Heading, Paragraph, Table, rows_of
from ..councils_inside import BETTER, WORSE, inside_areas, partnerships, published_inside, rank_inside_text
from ..markdown_tables import pipe_table

MAX_MEASURES = 8  # a short profile: the headline measure of up to this many topics


def render(report: ReportContext, section: Section) -> Document:
    """The section's heading, intro, and one profile per partnership (empty without districts inside)."""
    data = report.data
    inside = [a for a in inside_areas(data) if a.area_type == "lad"]
    groups = _groups(data, inside)
    if len(inside) < 2 or not groups:
        return Document()
    measures = key_measures(report, inside)
    if measures.empty:
        return Document()
    # {national}: what the area is compared with (England and Wales for a Welsh force).
    out = Document([Heading(md(section.title), level=2),
                    Paragraph(f"{md(section.intro.replace('{national}', data.national_name))}\n")])
    for name, codes in groups.items():
        out.add(profile(report, name, codes, measures, section.title))
    return out


def _groups(data, inside) -> dict[str, list[str]]:
    """Partnership name -> its districts' codes, in name order (a district without one: its own name)."""
    by_district = partnerships(data, inside)
    groups: dict[str, list[str]] = {}
    for area in inside:
        for name in by_district.get(area.code, [area.name]):
            groups.setdefault(name, []).append(area.code)
    return dict(sorted(groups.items()))


def key_measures(report: ReportContext, inside) -> pd.DataFrame:
    """One row per (measure, district): each topic's first headline indicator that its districts have."""
    data, codes = report.data, {a.code for a in inside}
    chosen = []
    topics = [s for s in registries().sections if s.kind not in ("partnerships", "partners")]
    for topic in topics:
        rows = data.section_rows(topic.key)
        rows = rows[rows["area_code"] == data.area.code]
        order = rows["indicator_id"].map(lambda i: not data.indicator_info(i).get("headline"))
        for _, row in rows.assign(_h=order).sort_values("_h", kind="stable").iterrows():
            found = published_inside(data, row, inside)
            found = found[found["area_code"].isin(codes)]
            if found["value"].notna().any():
                chosen.append(found.assign(area_value=display_value(row), period=row["period"]))
                break
        if len(chosen) == MAX_MEASURES:
            break
    return pd.concat(chosen, ignore_index=True) if chosen else pd.DataFrame()


def profile(report: ReportContext, name: str, codes: list[str], measures: pd.DataFrame,
            section_title: str) -> Document:
    """One partnership: a sentence counting its measures better and worse than England, and its table."""
    data = report.data
    rows = measures[measures["area_code"].isin(codes)]
    where = data.display_name()
    names = [data.display_name(code) for code in codes]
    better = int(rows["england_comparison"].isin(BETTER).sum())
    worse = int(rows["england_comparison"].isin(WORSE).sum())
    covers = f"It covers {', '.join(md(n) for n in names)}. " if len(codes) > 1 else ""
    nation = data.national_name
    # A quintile ("Worst quintile") places a figure among the areas of its type: it is neither better nor
    # worse than the nation, so it is counted apart rather than left out of a sentence beside it.
    bins = rows["england_comparison"].fillna("").str.extract(r"(quintile|quartile)$")[0].dropna()
    placed = (f"; {len(bins)} {'is' if len(bins) == 1 else 'are'} placed by {' or '.join(sorted(set(bins)))} "
              f"among areas of its type, not compared with {nation}" if len(bins) else "")
    text = (f"{covers}Of {len(rows)} key {'measure' if len(rows) == 1 else 'measures'}, {better} "
            f"{'is' if better == 1 else 'are'} better than {nation} and {worse} {'is' if worse == 1 else 'are'} "
            f"worse{placed}.")
    body, shown = [], []
    for _, row in rows.iterrows():
        shown.append(row.drop(["inside_rank", "inside_count", "inside_tied", "area_value"]))
        body.append([row["indicator_name"], row["period"], data.display_name(row["area_code"]),
                     display_value(row, with_ci=True), row["area_value"],
                     display_value(pd.Series({**row.to_dict(), "value": row.get("england_value"),
                                              "suppressed": False})),
                     row.get("england_comparison") or "Not compared", rank_inside_text(row)])
    table = pipe_table(["Measure", "Period", "Council", "Value (95% CI)", where, nation, f"Compared with {nation}",
                        f"Rank in {where} (1 = highest)"], body, align="llllrrll",
                       caption=f"Community safety partnership profile: {name}")
    return Document([Heading(md(name), level=3), Paragraph(text),
                     Table(table, title=section_title, rows=rows_of(shown))])
