"""Plain-English sentences for ethnic disproportionality (rows of :func:`assessment.stats.disproportionality`).

A ratio with an interval is described by its significance; a ratio without
one (a publisher's rate only) is given without a judgement; the England and
Wales ratio is set beside the force's when the row has it. Names are escaped
for markdown.

>>> row = {"category": "Black", "ratio": 3.21, "ratio_lower": 2.9, "ratio_upper": 3.55,
...        "significance": "higher", "national_ratio": 4.12}
>>> disproportionality_sentence(row, activity="stopped and searched", area_name="Merseyside", escape=False)
"In Merseyside, Black people were stopped and searched at 3.2 times the rate of White people (95% CI 2.9 to 3.5), a significantly higher rate; the England and Wales ratio is 4.1, and Merseyside's is below it."
>>> row = {"category": "Black", "ratio": 1.35, "significance": "not tested", "national_ratio": 4.09}
>>> disproportionality_sentence(row, activity="stopped and searched", area_name="Merseyside", escape=False)
'In Merseyside, Black people were stopped and searched at 1.4 times the rate of White people (no interval: the publisher gives rates only); the England and Wales ratio is 4.1.'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..core.safe_text import capital, md

PEOPLE = {"Asian": "Asian people", "Black": "Black people", "White": "White people",
          "Mixed": "people of Mixed ethnicity", "Other": "people of Other ethnic groups"}
_SIGNIFICANCE = {"higher": "a significantly higher rate", "lower": "a significantly lower rate",
                 "similar": "not significantly different"}


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def people(group: str) -> str:
    """How a sentence names an ethnic group's people ("Black people", "people in the X group").

    >>> people("Black"), people("Other inc Chinese")
    ('Black people', 'people in the Other inc Chinese group')
    """
    return PEOPLE.get(group, f"people in the {group} group")


def disproportionality_sentence(row: Mapping[str, Any] | pd.Series, *, activity: str, area_name: str,
                                group: str = "category", reference: str = "White",
                                national_name: str = "England and Wales", escape: bool = True) -> str:
    """One sentence: the group's ratio to the reference group, its interval and the national ratio.

    ``activity`` is what happened to people, in the past tense ("stopped and
    searched", "convicted"). Returns "" for a row with no ratio.
    """
    esc = md if escape else str
    ratio = _number(row.get("ratio"))
    if ratio is None:
        return ""
    lower, upper = _number(row.get("ratio_lower")), _number(row.get("ratio_upper"))
    who, whom = esc(people(str(row[group]))), esc(people(reference))
    text = f"In {esc(area_name)}, {who} were {esc(activity)} at {ratio:.1f} times the rate of {whom}"
    if lower is not None and upper is not None:
        text += f" (95% CI {lower:.1f} to {upper:.1f}), {_SIGNIFICANCE.get(str(row.get('significance')), 'not tested')}"
    else:
        text += " (no interval: the publisher gives rates only)"
    national = _number(row.get("national_ratio"))
    if national is not None:
        text += f"; the {esc(national_name)} ratio is {national:.1f}"
        if lower is not None and upper is not None and (lower > national or upper < national):
            text += f", and {esc(area_name)}'s is {'above' if lower > national else 'below'} it"
    return capital(text) + "."


def beside_white(row: pd.Series, white: pd.Series) -> str:
    """One descriptive sentence: the group's ratio beside White defendants', with no judgement."""
    return md(f"{capital(defendants(str(row['category'])))} had {row['value']:.1f} convictions per 100 "
              f"prosecutions, against {white['value']:.1f} for White defendants.")


def defendants(group: str) -> str:
    """How a sentence names a group's defendants.

    >>> defendants("Black"), defendants("Mixed"), defendants("Other inc Chinese")
    ('Black defendants', 'defendants of Mixed ethnicity', 'defendants in the Other inc Chinese group')
    """
    if group in ("Asian", "Black", "White"):
        return f"{group} defendants"
    return "defendants of Mixed ethnicity" if group == "Mixed" else f"defendants in the {group} group"
