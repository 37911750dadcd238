"""How big a difference from England is, in words a councillor reads, and whether it is small in practice.

A figure is set against England's as a ratio (the area's value over England's).
The rule's numbers live in ``data_sources/key_messages.yaml`` (``small_difference``,
``ratio_value_types``), not here. Wording, by the ratio ``r``:

- ``r`` of 1.5 or more: a multiple, to the nearest half ("about twice England's rate");
- ``r`` from 0.55 to 1.5: a percentage ("3% above England", "12% below England"), except
  that 30-36% below reads "about a third lower than England"; a share printed as a
  percentage is given in percentage points, so that "3" is never read as 3 points;
- ``r`` under 0.55: a fraction of England's figure ("about half England's rate",
  "about a quarter of England's rate").

A significant difference is small in practice when the whole percentage it is away from
England is under ``small_difference`` (10%): 9% above England is small, 10% is not.

>>> size_words(2.1, 1.0, "crude rate")
"about twice England's rate"
>>> size_words(89.0, 88.0, "crude rate"), size_words(8.0, 12.0, "crude rate")
('1% above England', 'about a third lower than England')
>>> size_words(42.0, 45.5, "proportion", 100)
'3.5 percentage points below England'
>>> is_small(89.0, 88.0, "crude rate"), is_small(2.1, 1.0, "crude rate"), is_small(89.0, 88.0, "count")
(True, False, False)
"""

from __future__ import annotations

import math

from ..registry.all_registries import registries

#: Unit fractions a councillor reads, for a figure well under England's ("about a quarter of England's rate").
FRACTIONS = {2: "half", 3: "a third", 4: "a quarter", 5: "a fifth", 6: "a sixth", 7: "a seventh",
             8: "an eighth", 9: "a ninth", 10: "a tenth"}
MULTIPLES = {1.5: "one and a half times", 2: "twice", 2.5: "two and a half times", 3: "three times",
             4: "four times", 5: "five times", 6: "six times", 7: "seven times", 8: "eight times",
             9: "nine times", 10: "ten times"}
MULTIPLE_FROM = 1.5   # at or above: "about twice England's rate"
FRACTION_BELOW = 0.55  # under: "about half England's rate"
A_THIRD_LOWER = (30, 36)  # whole percentages below England read "about a third lower"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def ratio(value, england, value_type: str) -> float | None:
    """The area's value over England's, or None when that ratio means nothing (a count, a score, no figure)."""
    if value_type not in registries().difference.ratio_value_types or _missing(value) or _missing(england):
        return None
    if float(england) <= 0 or float(value) < 0:
        return None
    return float(value) / float(england)


def is_small(value, england, value_type: str) -> bool:
    """Whether the difference from England is small in practice (under ``small_difference`` of England's value)."""
    r = ratio(value, england, value_type)
    # Judged on the whole percentage a reader is shown, so "10% above England" is never called small under 10%.
    return r is not None and _percent(r) < registries().difference.small * 100


def size(value, england, value_type: str) -> float:
    """How far from England, either way, as the absolute log of the ratio (0 when no ratio applies).

    Twice England's rate and half of it are the same size: ``log 2``.
    """
    r = ratio(value, england, value_type)
    return abs(math.log(r)) if r else 0.0


def _round_half_up(number: float) -> int:
    return math.floor(round(number, 9) + 0.5)  # round(, 9): 1.005 - 1 is 0.00499999... in binary


def _percent(r: float) -> int:
    """How far the ratio is from 1, as a whole percentage."""
    return _round_half_up(abs(r - 1) * 100)


def _noun(value_type: str) -> str:
    return {"proportion": "figure", "indirectly standardised ratio": "ratio"}.get(value_type, "rate")


def size_words(value, england, value_type: str, multiplier=None, comparator: str = "England") -> str:
    """The difference from England in words ("about twice England's rate", "3% above England"; "" for none).

    ``comparator`` names what ``england`` is the figure of, when it is not England.
    """
    r = ratio(value, england, value_type)
    if r is None:
        return ""
    noun = f"{comparator}'s {_noun(value_type)}"
    if r >= MULTIPLE_FROM:
        times = _round_half_up(r * 2) / 2 if r < 10.25 else _round_half_up(r)
        return f"about {MULTIPLES.get(times, f'{times:g} times')} {noun}"
    if r < FRACTION_BELOW:
        parts = _round_half_up(1 / r) if r else 11
        if parts not in FRACTIONS:
            return f"less than a tenth of {noun}"
        return f"about half {noun}" if parts == 2 else f"about {FRACTIONS[parts]} of {noun}"
    if value_type == "proportion" and multiplier in (None, 100, 100.0):  # a share printed as a percentage
        points = round(abs(float(value) - float(england)), 1)
        if points == 0:
            return f"level with {comparator}"
        return (f"{points:g} percentage point{'s' if points != 1 else ''} "
                f"{'above' if value > england else 'below'} {comparator}")
    percent = _percent(r)
    if percent == 0:
        return f"level with {comparator}"  # under half a per cent either way
    if r < 1 and A_THIRD_LOWER[0] <= percent <= A_THIRD_LOWER[1]:
        return f"about a third lower than {comparator}"
    return f"{percent}% {'above' if r > 1 else 'below'} {comparator}"


def small_note(comparator: str = "England") -> str:
    """Why a significant difference is not judged: it is small in practice ("under 10% of England's value")."""
    return f"under {registries().difference.small * 100:g}% of {comparator}'s value"
