"""Police contact, custody and the courts (``kind: police_courts``): the force area's justice figures.

Arrests (with their sex and age profile), stop and search and the conviction
ratio, each ethnic group's rate against the White group's
(:mod:`assessment.stats.disproportionality`), and the headline recorded-crime
rates, each with the force's rank among the forces of England and Wales.
These are published for police force areas only: a force's report shows its
own figures, a council's the figures of the force area it lies in, labelled as
the force's, with how many councils share it. A figure the publisher withheld
is "not available" with the publisher's reason, never a number and never
ranked. The section ends with the measures no public table gives
(:mod:`.not_measured`) and the local dataset that carries each.
"""

from __future__ import annotations

import pandas as pd

from ...core.levels import ENGLAND_CODE
from ..narrative_disproportionality import beside_white, disproportionality_sentence
from ...registry.all_registries import Section, registries
from ...stats.disproportionality import disproportionality
from ...stats.force_ranks import ENGLAND_AND_WALES
from ...core.safe_text import format_value, md
from ..context import ReportContext
from ..document import Block, Document, Heading, Paragraph, Table, rows_of
from ..force_figures import (ForceFigures, coterminosity_note, force_area_name, force_of, forces_of, is_withheld,
                             rank_text, withheld_reason)
from ..missing import published_note
from ..markdown_tables import pipe_table
from .not_measured import not_measured

ETHNICITY = "Ethnicity"
WHITE = "White"
AGE_BANDS = ("10-17 yrs", "18-20 yrs", "21+ yrs")
SEXES = (("Female", "women and girls"), ("Male", "men and boys"))
TOO_FEW = "too few to compare"


def render(report: ReportContext, section: Section) -> Document:
    """The section: which force, arrests, stop and search, conviction ratio, recorded crime, what is missing."""
    data = report.data
    out: list[str | Block | Document] = [Heading(md(section.title), level=2), f"{md(section.intro)}\n"]
    force = force_of(data.geography, data.area)
    if force is None:
        names = forces_of(data.geography, data.area)
        listed = f" ({', '.join(names)})" if len(names) <= 6 else ""
        out.append(md(f"These figures are published for police force areas only, and {data.area.name} lies "
                      f"across {len(names)} of them{listed}: each force area's report gives its figures.") + "\n")
    else:
        figures = ForceFigures.of(data.bundle.force_rows(), *force)
        blocks = [arrests(report, figures, section), stop_and_search(report, figures, section),
                  conviction_ratio(report, figures, section), recorded_crime(report, figures, section)]
        out.append(whose_figures(report, figures, ranked=any(blocks)))
        if any(blocks):
            out.extend(block for block in blocks if block)
        else:
            out.append(f"The data snapshot has no police force area tables (Home Office arrests, Ethnicity facts "
                       f"and figures, ONS police force area tables) for {force_label(figures)}.\n")
    out.append(not_measured(report, section))
    return _parts(*out)


# ------------------------------------------------------------------ helpers
def force_label(figures: ForceFigures) -> str:
    """"the Lancashire police force area" (escaped)."""
    return f"the {md(force_area_name(figures.name))}"


def figure(row: pd.Series | None, *, with_ci: bool = False) -> str:
    """A row's figure: the number (with its interval), or "not available" / "suppressed" / "no data"."""
    if row is None:
        return "no data"
    if is_withheld(row):
        return "not available"
    if bool(row.get("suppressed")):
        return "suppressed"
    if pd.isna(row.get("value")):
        return "no data"
    text = format_value(row["value"], row["value_type"], row["multiplier"])
    if with_ci and not pd.isna(row.get("lower_ci_95")) and not pd.isna(row.get("upper_ci_95")):
        text += (f" ({format_value(row['lower_ci_95'], row['value_type'], None)} to "
                 f"{format_value(row['upper_ci_95'], row['value_type'], None)})")
    return text


def withheld_notes(figures: ForceFigures, rows: list[pd.Series | None], publisher: str) -> str:
    """One line per distinct publisher's reason for the force's figures that are not available."""
    reasons = list(dict.fromkeys(withheld_reason(r) for r in rows if r is not None and is_withheld(r)))
    if not reasons:
        return ""
    return "\n".join(f"Not available for {force_label(figures)}, so not ranked: "
                     f"{md(reason or 'the publisher gives no reason')} ({md(publisher)})\n" for reason in reasons)


def _parts(*parts: str | Block | Document) -> Document:
    """Blocks in order, markdown text (each ending in a newline) as paragraphs; empty parts left out."""
    return Document().add(*(Paragraph(part) if isinstance(part, str) else part for part in parts if part))


def _shown(rows: list[pd.Series | None]) -> pd.DataFrame:
    """The rows a table shows, for the appendix (a figure the bundle lacks is None)."""
    return rows_of(row for row in rows if row is not None)


def _caveat(report: ReportContext, indicator_id: str) -> str:
    info = report.data.indicator_info(indicator_id)
    return f"{md(info['caveat'])}\n" if info.get("caveat") else ""


def whose_figures(report: ReportContext, figures: ForceFigures, *, ranked: bool = True) -> str:
    """Whose figures these are: the force's own, or (in a council's report) the force area it lies in."""
    data = report.data
    force = force_area_name(figures.name)
    note = coterminosity_note(data.geography, data.area, figures.code, figures.name)
    ranks = (" Each figure is ranked among the police forces of England and Wales with a figure for it "
             "(1st is the highest; whether high is good depends on the measure)." if ranked else "")
    if data.area.area_type == "pfa":
        return md(f"The figures are the {force}'s. {note}{ranks}") + "\n"
    whose = f"These are the {force}'s figures, not {data.area.name}'s alone."
    return (f"> **{md(whose)}** "
            + md(f"Arrests, stop and search and the conviction ratio are published for police force areas, "
                 f"not councils. {note}{ranks}") + "\n")


def _table(figures: ForceFigures, body: list[list[str]], caption: str, title: str, rows: pd.DataFrame) -> Table:
    return Table(pipe_table(["Measure", "Period", force_area_name(figures.name), "England and Wales",
                             "Rank among forces"], body, align="llrrl",
                            caption=f"{caption}, {force_area_name(figures.name)}"), title=title, rows=rows)


# ------------------------------------------------------------------ arrests
def arrests(report: ReportContext, figures: ForceFigures, section: Section) -> Document:
    """Arrests: number and rate per 1,000, and the share by sex and by age group."""
    rate_id, count_id, share_id = (section.indicator_id(part) for part in ("arrests_rate", "arrests", "arrests_share"))
    period = figures.latest_period(rate_id) or figures.latest_period(count_id)
    if period is None:  # no row for the force (England and Wales's alone give nothing to show)
        return Document()
    count, rate = figures.row(count_id, period), figures.row(rate_id, period)
    national_count = figures.row(count_id, period, national=True)
    national_rate = figures.row(rate_id, period, national=True)
    body = [["Persons arrested for notifiable offences", period, figure(count), figure(national_count),
             rank_text(count)],
            ["Arrests per 1,000 population (95% CI)", period, figure(rate, with_ci=True), figure(national_rate),
             rank_text(rate)]]
    shown = [count, rate, national_count, national_rate]
    profile = []
    for sex, people in SEXES:
        profile.append((f"Share of arrests that were of {people}", figures.row(share_id, period, sex=sex),
                        figures.row(share_id, period, sex=sex, national=True)))
    for band in AGE_BANDS:
        profile.append((f"Share of arrests of people aged {band.replace(' yrs', '')}",
                        figures.row(share_id, period, age=band),
                        figures.row(share_id, period, age=band, national=True)))
    if is_withheld(count) or is_withheld(rate):
        profile_note = md("The sex and age profile of the force's arrests is not available either.") + "\n"
    else:
        profile_note = ""
        for name, row, national in profile:
            if row is not None:
                body.append([name, period, figure(row, with_ci=True), figure(national), rank_text(row)])
                shown.extend([row, national])
    return _parts(Heading("Arrests", level=3), _table(figures, body, "Arrests", section.title, _shown(shown)),
                  withheld_notes(figures, [count, rate], "Home Office"),
                  profile_note, _caveat(report, rate_id))


# ---------------------------------------------------------- ethnic ratios
def ethnic_ratios(figures: ForceFigures, indicator_id: str, period: str | None = None) -> pd.DataFrame:
    """Each ethnic group's figure and its ratio to the White group's, the force's beside England and Wales's."""
    rows = figures.categories(indicator_id, ETHNICITY, period)
    if rows.empty:
        return rows
    ratios = disproportionality(rows, reference=WHITE, national=ENGLAND_AND_WALES)
    ratios = ratios.drop(columns=["value", "reference_value"])
    force = rows[rows["area_code"] == figures.code]
    return force.merge(ratios, on=["area_code", "period", "category"], how="left").reset_index(drop=True)


def _ratio_text(row: pd.Series) -> str:
    if row["category"] == WHITE or pd.isna(row.get("ratio")):
        return "" if row["category"] != WHITE else "1.0 (reference)"
    text = f"{row['ratio']:.2f}"
    if not pd.isna(row.get("ratio_lower")):
        text += f" ({row['ratio_lower']:.2f} to {row['ratio_upper']:.2f})"
    return text


def _national_ratio(row: pd.Series) -> str:
    value = row.get("national_ratio")
    return "" if value is None or pd.isna(value) else f"{value:.2f}"


def ratio_sentences(ratios: pd.DataFrame, figures: ForceFigures, activity: str) -> list[str]:
    """A sentence for each group whose ratio is significantly above 1 (or above 1 when no interval can be given)."""
    out = []
    for _, row in ratios.iterrows():
        above = row.get("significance") == "higher" or (row.get("significance") == "not tested"
                                                         and not pd.isna(row.get("ratio")) and row["ratio"] > 1)
        if row["category"] != WHITE and above:
            out.append(disproportionality_sentence(row, activity=activity,
                                                   area_name=f"the {force_area_name(figures.name)}"))
    return out


# ---------------------------------------------------------- stop and search
def stop_and_search(report: ReportContext, figures: ForceFigures, section: Section) -> Document:
    """Stop and search per 1,000, by ethnic group with the ratio to White people and England and Wales's."""
    indicator_id = section.indicator_id("stop_search")
    period = figures.latest_period(indicator_id)
    if period is None:
        return Document()
    overall, national = figures.row(indicator_id, period), figures.row(indicator_id, period, national=True)
    body = [["Stop and searches per 1,000 people", period, figure(overall), figure(national), rank_text(overall)]]
    out: list[str | Block] = [Heading("Stop and search", level=3),
                              _table(figures, body, "Stop and search", section.title, _shown([overall, national])),
                              withheld_notes(figures, [overall], "Ethnicity facts and figures")]
    ratios = ethnic_ratios(figures, indicator_id, period)
    shown: list[pd.Series | None] = []
    if not ratios.empty:
        groups = []
        for _, row in ratios.iterrows():
            groups.append([row["category"], figure(row),
                           format_value(row.get("england_wales_value"), row["value_type"], row["multiplier"]),
                           _ratio_text(row), _national_ratio(row), rank_text(row)])
            shown.append(row)
        out.append(Table(pipe_table(["Ethnic group", f"{figures.name} per 1,000", "England and Wales per 1,000",
                                     "Ratio to White", "England and Wales ratio to White", "Rank among forces"],
                                    groups, align="lrrrrl", caption=f"Stop and search by ethnic group, {period}"),
                         title=section.title, rows=_shown(shown)))
        sentences = ratio_sentences(ratios, figures, "stopped and searched")
        out.append(" ".join(sentences) + "\n" if sentences else
                   "No ethnic group was stopped and searched at a higher rate than White people.\n")
        out.append("The published rates have no counts behind them, so the ratios have no confidence "
                   "intervals and cannot be tested for significance.\n")
    vintage = str((overall if overall is not None else ratios.iloc[0]).get("vintage") or "")
    if vintage:
        out.append(f"Release: {md(vintage)}.\n")
    return _parts(*out)


# ---------------------------------------------------------- conviction ratio
def conviction_ratio(report: ReportContext, figures: ForceFigures, section: Section) -> Document:
    """The conviction ratio by ethnic group in the latest year, as its publisher defines it: a description.

    Convictions in a year are not a subset of that year's prosecutions, so the ratio gets no interval,
    significance test or rank (see :func:`conviction_ratio_rule`). Each group is set beside White
    defendants in words only when both groups had at least the catalogue's ``min_denominator``
    prosecutions; a smaller group is "too few to compare".
    """
    indicator_id = section.indicator_id("conviction_ratio")
    period = figures.latest_period(indicator_id)
    if period is None:
        return Document()
    rows = figures.categories(indicator_id, ETHNICITY, period)
    rows = rows[rows["area_code"] == figures.code]
    if rows.empty:
        return Document()
    info = report.data.indicator_info(indicator_id)
    fewest = int(info.get("min_denominator") or 0)
    white = next((row for _, row in rows.iterrows() if row["category"] == WHITE), None)
    reference = white if white is not None and _comparable(white, fewest) else None
    body, sentences = [], []
    for _, row in rows.iterrows():
        convictions, prosecutions = _counts(row)
        body.append([row["category"], convictions, prosecutions, figure(row),
                     format_value(row.get("england_wales_value"), row["value_type"], row["multiplier"]),
                     _comparison(row, fewest, reference)])
        if row["category"] != WHITE and reference is not None and _comparable(row, fewest):
            sentences.append(beside_white(row, reference))
    header = ["Ethnic group", "Convictions", "Prosecutions", "Convictions per 100 prosecutions",
              "England and Wales", "Compared with White defendants"]
    small = [str(r["category"]) for _, r in rows.iterrows() if _comparison(r, fewest, reference) == TOO_FEW]
    summary = md(f"In the {force_area_name(figures.name)} in {period}:") + " " + (
        " ".join(sentences) if sentences else "no ethnic group is set beside White defendants.")
    if small:
        summary += " " + md(f"Too few to compare (fewer than {fewest:,} prosecutions): {', '.join(small)}.")
    return _parts(Heading("Conviction ratio by ethnic group", level=3),
                  md(f"Year: {period} (calendar year). Offences: {info.get('scope') or 'as published'}.") + "\n",
                  Table(pipe_table(header, body, align="lrrrrl",
                                   caption=f"Conviction ratio by ethnic group, {period}"), title=section.title, rows=rows),
                  f"{summary}\n", conviction_ratio_rule(fewest) + "\n",
                  withheld_notes(figures, [r for _, r in rows.iterrows()], "Ministry of Justice"),
                  _definition(report, indicator_id))


def conviction_ratio_rule(fewest: int) -> str:
    """Why the conviction ratio is described and never tested or ranked, and the size rule (for the methods too)."""
    return ("The conviction ratio is not a rate: a year's convictions include cases prosecuted in earlier years, "
            "so it can exceed 100, and it is given without a confidence interval, a significance test or a rank "
            f"among forces. A group with fewer than {fewest:,} prosecutions in the year is too few to compare, and "
            "is not set beside White defendants.")


def _counts(row: pd.Series) -> tuple[str, str]:
    if pd.isna(row.get("count")) or bool(row.get("suppressed")):
        return "", ""
    return format_value(row["count"], "count", None), format_value(row["denominator"], "count", None)


def _comparable(row: pd.Series, fewest: int) -> bool:
    """Whether a group had enough prosecutions (and a published figure) to be set beside another."""
    prosecutions = row.get("denominator")
    return (not bool(row.get("suppressed")) and not is_withheld(row) and not pd.isna(row.get("value"))
            and not pd.isna(prosecutions) and prosecutions >= fewest)


def _comparison(row: pd.Series, fewest: int, white: pd.Series | None) -> str:
    """The group beside White defendants in words: the difference per 100, never tested (the ratio's cohorts differ)."""
    if row["category"] == WHITE:
        return "reference" if white is not None else TOO_FEW
    if not _comparable(row, fewest):
        return TOO_FEW if not is_withheld(row) else "not available"
    if white is None:
        return "not compared: too few White defendants"
    difference = round(float(row["value"]) - float(white["value"]), 1)
    return (f"{abs(difference):.1f} {'more' if difference > 0 else 'fewer'} per 100 (not tested)" if difference
            else "the same (not tested)")


def _definition(report: ReportContext, indicator_id: str) -> str:
    info = report.data.indicator_info(indicator_id)
    return f"{md(info['definition'])}\n" if info.get("definition") else ""


# ---------------------------------------------------------- recorded crime
def recorded_crime(report: ReportContext, figures: ForceFigures, section: Section) -> Document:
    """Recorded crime and knife crime rates with ranks, the recording-practice warning and where the rest are."""
    crime_ids = section.indicator_ids("recorded_crime")
    body, shown = [], []
    for indicator_id in crime_ids:
        period = figures.latest_period(indicator_id)
        if period is None:
            continue
        row, national = figures.row(indicator_id, period), figures.row(indicator_id, period, national=True)
        name = report.data.indicator_info(indicator_id).get("title") or indicator_id
        body.append([f"{name} (95% CI)", period, figure(row, with_ci=True), figure(national), rank_text(row)])
        shown.extend([row, national])
    if not body:
        return Document()
    table = _table(figures, body, "Recorded crime", section.title, _shown(shown))
    shown = shown[::2]  # the force's rows: only they can be withheld for the force
    data = report.data
    titles = {s.key: s.title for s in data.sections()}
    homes = [titles[h] for h in dict.fromkeys(data.section_of(i) for i in crime_ids)
             if h in titles and h != section.key]
    if data.area.area_type == "pfa" and homes:
        where = " ".join(part for part in (
            md(f"The rates for each offence group are in {' and '.join(f'the {h} section' for h in homes)}, "
               "compared with England alone as every topic section is."),
            two_comparators(report, crime_ids, figures)) if part)
    else:
        where = md(f"{recorded_crime_elsewhere()}The rates for each offence group are in the report for the "
                   f"{force_area_name(figures.name)}.")
    return _parts(Heading("Recorded crime", level=3), table,
                  withheld_notes(figures, shown, "Office for National Statistics"),
                  _caveat(report, crime_ids[0]), where + "\n")


def two_comparators(report: ReportContext, crime_ids: tuple[str, ...], figures: ForceFigures) -> str:
    """Each measure's England and Wales value here beside England's in its topic section, both named.

    The same edition gives both (ONS's England and Wales row and its England row): a reader who meets
    "89.0" here and "88.0" in the topic table must be told they are two areas, not two releases.
    """
    pairs = []
    for indicator_id in crime_ids:
        period = figures.latest_period(indicator_id)
        if period is None:
            continue
        national = figures.row(indicator_id, period, national=True)
        rows = report.data.tables.indicator(indicator_id)
        england = rows[(rows["area_code"] == ENGLAND_CODE) & (rows["period"] == period)]
        if national is None or england.empty or pd.isna(england.iloc[0]["value"]):
            continue
        name = report.data.indicator_info(indicator_id).get("title") or indicator_id
        pairs.append(f"{name}, {period}: England and Wales {figure(national)}, England {figure(england.iloc[0])}")
    if not pairs:
        return ""
    return md("Both comparators come from the same ONS release: " + "; ".join(pairs) + ".")


def recorded_crime_elsewhere() -> str:
    """Where recorded crime is published for councils (data_gaps.yaml), as a sentence ("" if not registered)."""
    gap = next((g for g in registries().data_gaps if g.key == "recorded_crime_by_council"), None)
    return f"{gap.why} {published_note(gap)} " if gap else ""
