"""Data gaps and methods: how figures were made, which could not be given for the area, and national data gaps."""

from __future__ import annotations

from ...text import md
from ..context import ReportContext
from ..national_gaps import national_gaps_text

METHODS = [
    "Confidence intervals are 95% and 99.8%: Wilson score intervals for proportions, "
    "Byar's method for counts and crude rates (exact Poisson intervals below 10 events) and "
    "Dobson's method for directly standardised rates, as in the Fingertips technical guidance.",
    "An area is *better* or *worse* than England when England's value lies outside the "
    "area's confidence interval, using each indicator's own comparison method and polarity; "
    "otherwise it is *similar*. Every comparison is written as text, never shown by colour alone.",
    "Recent trends use the Fingertips test on the five most recent points (chi-squared at the "
    "99.8% level, with a check that no single point drives the result).",
    "Police force area figures are built by adding up district counts and denominators "
    "through the ONS district to community safety partnership to police force area lookup. "
    "Rates are never averaged. Directly standardised rates without age-specific data cannot "
    "be rebuilt this way and are shown as not aggregable.",
]
DEFAULT_SUPPRESSION = ("counts of 1 to 4 are hidden, with secondary suppression so they cannot be "
                       "recovered by subtraction")


def methods_section(report: ReportContext) -> str:
    """How figures were made, what could not be compared, and the data gaps."""
    data = report.data
    suppression = data.bundle.meta.get("suppression", DEFAULT_SUPPRESSION)
    text = [*METHODS, f"Small numbers are suppressed before any output: {md(suppression)}."]
    gaps = data.latest()
    gaps = gaps[gaps["value"].isna()]
    out = "\n\n".join(text) + "\n\n"
    if not gaps.empty:
        out += "Indicators without a usable value for this area:\n\n" + "\n".join(
            f"- {md(r['indicator_name'])} ({md(r['period'])}): "
            f"{md(r['value_note'] or 'no value published')}" for _, r in gaps.iterrows()) + "\n"
    return out + "\n" + national_gaps_text()  # the gaps and their text: data_sources/data_gaps.yaml
