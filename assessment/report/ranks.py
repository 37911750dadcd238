"""A police force area's rank among forces, in words, from the rank columns of :mod:`assessment.stats.force_ranks`.

Rank 1 is the highest value; whether that is good is the indicator's
polarity, so the words say "highest" rather than "best", and the last
rank "lowest" ("lowest of 42", never "42nd highest of 42"). The comparison
group is named: the English forces, or the forces of England and Wales when
the indicator's table includes the Welsh forces, then the force's region.

>>> import pandas as pd
>>> row = pd.Series({"area_type": "pfa", "force_rank": 3.0, "force_count": 39, "group_rank": 1.0,
...                  "group_count": 5, "group_name": "North West", "value": 8.1})
>>> rank_text(row, welsh=False)
'3rd highest of 39 English forces; highest of 5 in North West'
>>> rank_text(row, welsh=True)
'3rd highest of 39 forces in England and Wales; highest of 5 in North West'
>>> rank_text(pd.Series({**row, "force_rank": 39.0, "group_rank": 5.0}), welsh=False)
'lowest of 39 English forces; lowest of 5 in North West'
>>> ordinal(11), ordinal(22), ordinal(103)
('11th', '22nd', '103rd')
"""

from __future__ import annotations

import pandas as pd


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st...

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 22, 101)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '22nd', '101st']
    """
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def place_text(rank: int, count: int, tied: int = 1) -> str:
    """"3rd of 14", or "joint 1st of 9" when ``tied`` areas (this one included) share the value.

    Areas with the same value share the best place among them, so nine councils with none each read
    "joint 1st of 9", never "1st of 9" nine times.

    >>> place_text(3, 14), place_text(1, 9, tied=9), place_text(2, 9, tied=8)
    ('3rd of 14', 'joint 1st of 9', 'joint 2nd of 9')
    """
    return f"{'joint ' if tied > 1 else ''}{ordinal(int(rank))} of {int(count)}"


def highest(rank: float, count: float) -> str:
    """"highest" for rank 1, "lowest" for the last, else "2nd highest"...

    >>> highest(1, 38), highest(2, 38), highest(42, 42)
    ('highest', '2nd highest', 'lowest')
    """
    if int(rank) == 1:
        return "highest"
    return "lowest" if int(rank) == int(count) else f"{ordinal(int(rank))} highest"


def has_rank(row: pd.Series) -> bool:
    """Whether a row is a force's ranked figure."""
    return row.get("area_type") == "pfa" and not pd.isna(row.get("force_rank")) and not pd.isna(row.get("value"))


def rank_text(row: pd.Series, *, welsh: bool) -> str:
    """The force's rank among forces and within its region ("" when it has no ranked figure)."""
    if not has_rank(row):
        return ""
    group = "forces in England and Wales" if welsh else "English forces"
    text = f"{highest(row['force_rank'], row['force_count'])} of {int(row['force_count'])} {group}"
    if not pd.isna(row.get("group_rank")) and row.get("group_name") and int(row.get("group_count") or 0) > 1:
        text += (f"; {highest(row['group_rank'], row['group_count'])} of {int(row['group_count'])} "
                 f"in {row['group_name']}")
    return text


def includes_welsh_forces(frame: pd.DataFrame, row: pd.Series) -> bool:
    """Whether the forces ranked with ``row`` (same indicator, period, breakdown) include Welsh ones."""
    same = frame[(frame["period"] == row["period"]) & (frame["sex"] == row["sex"]) & (frame["age"] == row["age"])]
    return bool((same["area_code"].str.startswith("W15") & same["value"].notna()).any())
