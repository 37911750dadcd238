"""Plain-English sentences generated from the numbers.

Each sentence states the indicator, the area, the figure with its unit, the
period, how it compares, and (when the row names one) its source, using wording that is correct for every case:
significantly better or worse, similar, higher or lower with no judgement,
not compared (with the reason), suppressed, and no data.

>>> row = {"indicator_name": "Deaths from drug misuse", "area_name": "Leeds",
...        "value": 8.1, "value_type": "directly standardised rate", "multiplier": 100000,
...        "period": "2021 - 23", "comparison": "Worse", "comparator_value": 5.5,
...        "comparator_name": "England", "suppressed": False, "value_note": "",
...        "comparison_reason": ""}
>>> sentence(row, escape=False)
'Deaths from drug misuse in Leeds (8.1 per 100,000, 2021 - 23): this is 47% above England (5.5 per 100,000), significantly higher, which is worse.'

A significant difference small in practice (``small_difference`` in
``data_sources/key_messages.yaml``) is given its size but no judgement:

>>> sentence({**row, "value": 5.7}, escape=False)
"Deaths from drug misuse in Leeds (5.7 per 100,000, 2021 - 23): this is 4% above England (5.5 per 100,000), a statistically significant difference but small in practice (under 10% of England's value)."

A directly standardised rate that could not be rebuilt for a force or county
is given as its summed count and crude rate, never as "insufficient data":

>>> sentence({**row, "value": float("nan"), "count": 72, "denominator": 828224, "area_name": "the force"},
...          escape=False)
"Deaths from drug misuse in the force (2021 - 23): 72 in total, a crude rate of 8.7 per 100,000. The crude rate is not age-standardised, so it is not compared with England's standardised rate."
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .difference import is_small, size_words, small_note
from ..core.safe_text import format_value, in_sentence, md

_SIGNIFICANT = {
    "Better": "better",
    "Worse": "worse",
    "Better (99.8%)": "better (at the 99.8% level)",
    "Worse (99.8%)": "worse (at the 99.8% level)",
}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def sentence(row: Mapping[str, Any], *, escape: bool = True) -> str:
    """One sentence describing ``row`` (a tidy-frame row with comparison columns), then its source.

    ``comparator_name`` names what the area was compared with (default "England").
    With ``escape`` (the default) names are escaped for markdown.
    """
    text = _statement(row, md if escape else str)
    source = row.get("source")
    return f"{text} Source: {(md if escape else str)(source)}." if source else text


def _statement(row: Mapping[str, Any], esc) -> str:
    name = esc(row["indicator_name"])  # starts a sentence
    within = esc(in_sentence(row["indicator_name"]))  # inside one: lowered before escaping ("Self\-reported")
    area = esc(row["area_name"])
    period = esc(row.get("period", ""))
    comparator = esc(row.get("comparator_name") or "England")
    unit_args = (row.get("value_type", ""), row.get("multiplier"))
    if bool(row.get("suppressed")):
        note = row.get("value_note") or "small numbers"
        return (f"The figure for {within} in {area} ({period}) is suppressed "
                f"to protect confidentiality ({esc(note)}).")
    value = row.get("value")
    if value is None or _missing(value):
        if summed := _summed_count(row, name, area, period):
            return summed
        why = row.get("value_note") or "no figure is published for this area and period"
        return f"No figure for {within} is given for {area} ({period}): {esc(why)}."
    figure = format_value(value, *unit_args)  # our own digits and units: nothing to escape
    lead = f"{name} in {area} ({figure}, {period})"
    label = row.get("comparison") or "Not compared"
    cv = row.get("comparator_value")
    cv_text = "" if _missing(cv) else f" ({format_value(cv, *unit_args)})"
    words = size_words(value, cv, unit_args[0], unit_args[1], comparator=comparator)
    if label in _SIGNIFICANT or label in ("Higher", "Lower"):
        if is_small(value, cv, unit_args[0]):  # significant, but not a difference that matters
            return (f"{lead}: this is {words}{cv_text}, a statistically significant difference but small in "
                    f"practice ({small_note(comparator)}).")
        how_big = f"{words}{cv_text}, significantly" if words else "significantly"
        than = "" if words else f" than {comparator}{cv_text}"
    if label in _SIGNIFICANT:
        direction = "higher" if (not _missing(cv) and value > cv) else "lower"
        return f"{lead}: this is {how_big} {direction}{than}, which is {_SIGNIFICANT[label]}."
    if label in ("Higher", "Lower"):
        return f"{lead}: this is {how_big} {label.lower()}{than}."
    if label == "Similar":
        return (f"{lead}: this is similar to {comparator}{cv_text}; "
                "the difference is not statistically significant.")
    if "quintile" in label.lower() or "quartile" in label.lower():
        return f"{lead}: this places it in the {esc(label.lower())} of areas of the same type."
    reason = row.get("comparison_reason") or "no comparison method applies to this indicator"
    return f"{lead}: not compared with {comparator} because {esc(reason)}."


def _summed_count(row: Mapping[str, Any], name: str, area: str, period: str) -> str:
    """A summed count with its crude rate, for a standardised rate that could not be rebuilt ("" otherwise)."""
    count, denominator = row.get("count"), row.get("denominator")
    if row.get("value_type") != "directly standardised rate" or count is None or _missing(count) \
            or _missing(denominator) or not denominator:
        return ""
    crude = float(count) / float(denominator) * float(row.get("multiplier") or 1)
    return (f"{name} in {area} ({period}): {format_value(float(count), 'count')} in total, a crude rate of "
            f"{format_value(crude, 'crude rate', row.get('multiplier'))}. The crude rate is not age-standardised, "
            "so it is not compared with England's standardised rate.")
