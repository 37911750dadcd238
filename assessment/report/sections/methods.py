"""Data gaps and methods: how figures were made, how each of this area's figures was built, and the data gaps.

The data gaps come from ``data_sources/data_gaps.yaml`` (measures no public
source gives by local authority or force), the geography notes from the
bundle (how former areas were matched to the current geography).
"""

from __future__ import annotations

import pandas as pd

from ...registry.all_registries import registries
from ...sources.catalogue import load_data_gaps
from ...core.safe_text import capital, md
from ..section_blocks import crude_rate
from ..context import ReportContext
from ..data_age import older_than_years
from ..document import Document, Paragraph
from ..missing import published_note
from ..relevant import area_notes
from . import similar_areas
from .police_courts import conviction_ratio_rule

#: The one rule for crude rates, as Fingertips applies it (a crude-rate indicator is compared by its
#: comparator method, e.g. indicator 93356 by 95% intervals; a crude rate never stands against a
#: standardised one).
CRUDE_RATE_RULE = (
    "A crude rate is compared with England's crude rate of the same measure, as Fingertips compares "
    "crude-rate indicators: England's value against the area's Byar's (or exact Poisson) intervals. "
    "A crude rate is never compared with an age-standardised rate: where a force's or county's "
    "standardised rate cannot be rebuilt, its summed count and crude rate are shown without a comparison.")
METHODS = [
    "Confidence intervals are 95% and 99.8%: Wilson score intervals for proportions, "
    "Byar's method for counts and crude rates (exact Poisson intervals below 10 events) and "
    "Dobson's method for directly standardised rates, as in the Fingertips technical guidance.",
    "An area is *better* or *worse* than England when England's value lies outside the "
    "area's confidence interval, using each indicator's own comparison method and polarity; "
    "otherwise it is *similar*. Every comparison is written as text, never shown by colour alone.",
    CRUDE_RATE_RULE,
    "Where an indicator is compared by quintiles (deprivation scores), the quintile is the area's fifth "
    "among all areas of its tier in England: counties and unitary authorities together in a county's or "
    "unitary's report, all districts and unitaries in a district's, all forces in a force's. Every chart, "
    "table and sentence of a report uses that one set.",
    "Where Fingertips publishes its comparison with England without the confidence intervals it was made "
    "from, its published result is kept.",
    "Recent trends use the Fingertips test on the five most recent points (chi-squared at the "
    "99.8% level, with a check that no single point drives the result). Where there is none, the tables "
    "say why: as in Fingertips, counts, scores and ranks have no trend, nor do pooled or part-year periods, "
    "and a trend needs five consecutive years with a value, a count and a denominator.",
    "Police force area and county figures that are not published are built from their districts "
    "through the ONS district to community safety partnership to police force area lookup: counts and "
    "denominators are added up and the rate recomputed, never averaged. An average deprivation score is "
    "the mean of the districts' scores weighted by their mid-year populations, which is how the score "
    "itself is made from neighbourhoods; a council formed since the indices were published gets the same "
    "mean of its former districts' scores. A directly standardised rate cannot be rebuilt without "
    "age-specific data, so the area is given the summed count and a crude rate, beside each council's "
    "published rate. Life expectancy, slope indices and ranks cannot be added up and are given for each "
    "council only.",
    "A police force area is ranked among the forces with a figure for the same indicator and period "
    "(1 is the highest value, whatever the polarity), and within its region.",
]
DEFAULT_SUPPRESSION = ("counts of 1 to 4 are hidden, with secondary suppression so they cannot be "
                       "recovered by subtraction")
AGGREGATED = "(aggregated from districts)"
GEOGRAPHY_NOTES_SHOWN = 12  # a national bundle can carry hundreds; the appendix keeps every figure


def handling(row: pd.Series) -> str:
    """How one of the area's figures was made, in a few words.

    >>> import pandas as pd
    >>> handling(pd.Series({"source": "OHID Fingertips (aggregated from districts)", "value": 8.0,
    ...                     "value_note": "", "value_type": "proportion"}))
    'rebuilt from district counts'
    """
    note = str(row.get("value_note") or "")
    if "Population-weighted mean" in note:
        return "population-weighted mean of its areas' scores"
    if crude_rate(row) is not None:
        return "summed count and crude rate (not age-standardised)"
    if pd.isna(row.get("value")):
        why = note.removeprefix("Not aggregable: ").split(";")[0]
        return f"no figure ({why[:1].lower() + why[1:] or 'none published'})"  # a name inside keeps its capital
    if str(row.get("source", "")).endswith(AGGREGATED):
        return "rebuilt from district counts"
    return "as published"


def handling_list(report: ReportContext) -> str:
    """Which of this area's indicators were handled how (only those not simply as published)."""
    latest = report.data.latest()
    if latest.empty:
        return ""
    groups: dict[str, list[str]] = {}
    for _, row in latest.iterrows():
        if not report.data.indicator_info(row["indicator_id"]):
            continue  # a local upload: its own table says how it was made and suppressed
        how = handling(row)
        if how != "as published":
            groups.setdefault(how, []).append(f"{row['indicator_name']} ({row['period']})")
    if not groups:
        return ""
    lines = [f"- **{md(capital(how))}:** " + "; ".join(md(n) for n in sorted(names))
             for how, names in sorted(groups.items(), key=lambda item: item[0].startswith("no figure"))]
    return f"How the figures for {md(report.data.area.name)} were made:\n\n" + "\n".join(lines) + "\n"


def data_gaps_list() -> str:
    """The national data gaps (``data_sources/data_gaps.yaml``) with what local data could fill each."""
    # Only measures no one publishes locally: an indicator still to be catalogued is a note for maintainers.
    # A gap that names its section is told there, beside the published figures: not again here.
    gaps = [g for g in load_data_gaps() if g.status == "not_published_locally" and not g.section]
    if not gaps:
        return ""
    return ("Known national data gaps: measures no public source gives by local authority or police force "
            "area, and what local partners could supply instead.\n\n"
            + "\n".join(f"- **{md(g.name)}.** {md(g.why)} {md(published_note(g))} Local data: {md(g.local_data)}"
                        for g in gaps) + "\n")


def geography_notes(report: ReportContext) -> str:
    """How the bundle matched former areas to the current geography: the notes on this report's areas."""
    notes = area_notes(report, [n for n in report.data.bundle.meta.get("geography_notes", []) if n])
    if not notes:
        return ""
    shown = notes[:GEOGRAPHY_NOTES_SHOWN]
    more = len(notes) - len(shown)
    text = "Geography: " + " ".join(md(str(n).rstrip(".") + ".") for n in shown)
    return text + (f" ({more} further notes of the same kind are not listed.)" if more > 0 else "") + "\n"


def key_message_rule() -> str:
    """How the key messages are chosen, ordered and worded (numbers from ``data_sources/key_messages.yaml``)."""
    rule = registries().difference
    measures = "; ".join(md(m.label) for m in registries().core_measures)
    return ("Key messages lead with the differences that matter, not with significance alone: at the size of "
            "a police force nearly every difference is statistically significant. Each figure is set against "
            "England's as a ratio. Significantly worse results come first, then better, then differences "
            "without a judgement, each ordered by how far the ratio is from 1 (twice and half England's rate "
            "count the same), in steps of about a tenth; within a step, a police force area's rank among forces "
            "decides. Each message says how big the difference is: a percentage above or below England (in "
            "percentage points for a share), \"about a third lower\", or from one and a half times England's "
            "figure \"about twice England's rate\" and so on. A significant difference of less than "
            f"{rule.small * 100:g}% of England's value is small in practice: it is reported with its size but "
            "never called better, worse or a concern. Only rates and shares are set against England as a ratio; "
            "counts, scores, ranks and life expectancy keep their published comparison. Each core measure the area "
            "has a figure for always has a key message: "
            f"{measures}.")


def age_rule() -> str:
    """The data-age rule of the summary's "Old figures" list, from ``data_sources/data_age.yaml``."""
    return (f"The summary lists every figure whose period ended more than {older_than_years():g} years before "
            "the newest period in the report, with where its publisher releases newer figures.")


def conviction_ratio_rules(report: ReportContext) -> list[str]:
    """The conviction ratio's rule (no interval, test or rank; its size threshold), when the bundle has it."""
    sizes = {size for info in report.data.bundle.indicators.values()
             if (info or {}).get("key") == "conviction_ratio" and (size := (info or {}).get("min_denominator"))}
    return [conviction_ratio_rule(int(size)) for size in sorted(sizes)]


def methods_section(report: ReportContext) -> Document:
    """How figures were made, how this area's figures were built, the geography notes and the data gaps."""
    data = report.data
    suppression = data.bundle.meta.get("suppression", DEFAULT_SUPPRESSION)
    text = [*METHODS, *conviction_ratio_rules(report), key_message_rule(),
            f"Small numbers are suppressed before any output, in tables from publishers as in local uploads: "
            f"{md(suppression)}.", age_rule()]
    if data.national_name != "England":  # a Welsh force: the rules are the same, the comparator is not
        text.insert(0, f"{md(data.display_name())} is compared with {md(data.national_name)}, whose value the "
                       "England and Wales tables publish beside each force: where the rules below say England, "
                       f"read {md(data.national_name)}.")
    parts = [*text, similar_areas.method_text(report), handling_list(report), geography_notes(report), data_gaps_list()]
    return Document().add(*(Paragraph(part) for part in parts))
