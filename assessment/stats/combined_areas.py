"""Areas that Fingertips publishes combined with a neighbour (``boundaries/combined_areas.csv``).

Small authorities' figures are published together with a neighbour's: Isles of
Scilly with Cornwall, City of London with Hackney. The neighbour's ("host's")
row carries the combined figure; the small authority's ("member's") row has no
value, and both carry a note such as "Value for Cornwall & Isles of Scilly
combined". :func:`carry_combined` copies the combined figure onto the member's
row with that note, so its report has the figure Fingertips publishes for it;
roll-ups (:mod:`assessment.stats.aggregate`) then count it once.

>>> pairs = load_combined_areas()
>>> pairs.set_index("member_code").loc["E06000053", "host_code"]
'E06000052'
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from ..core.errors import InputError
from ..tidy.frame import KEY_COLUMNS, area_type_for_code, coerce_frame
from ..core.paths import BOUNDARIES_DIR

COMBINED_PATH = BOUNDARIES_DIR / "combined_areas.csv"
REGISTRY_COLUMNS = ["member_code", "member_name", "host_code", "host_name", "fingertips_note", "source"]
#: How a published note says a figure belongs to two areas ("Value for Cornwall & Isles of Scilly combined").
COMBINED_WORD = re.compile(r"\bcombined\b", re.IGNORECASE)
OTHER_KEYS = [c for c in KEY_COLUMNS if c != "area_code"]


@lru_cache(maxsize=1)
def load_combined_areas() -> pd.DataFrame:
    """The registry of combined areas; a malformed file is an InputError naming it."""
    try:
        table = pd.read_csv(COMBINED_PATH, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise InputError(f"{COMBINED_PATH}: unreadable combined-areas registry ({' '.join(str(exc).split())})") from None
    missing = [c for c in REGISTRY_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(f"{COMBINED_PATH}: missing column(s) {', '.join(missing)}")
    return table[REGISTRY_COLUMNS]


def is_combined(notes: pd.Series, member_name: str) -> pd.Series:
    """Whether each value note says the figure is combined with ``member_name``'s.

    Both words must be there, so a note such as "two years combined" is not taken
    for a combined area.

    >>> is_combined(pd.Series(["Value for Cornwall & Isles of Scilly combined", "2019 and 2020 combined", ""]),
    ...             "Isles of Scilly").tolist()
    [True, False, False]
    """
    text = notes.fillna("").str.lower()
    return text.str.contains(COMBINED_WORD) & text.str.contains(member_name.lower(), regex=False)


def carry_combined(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy each host's combined figure onto its member's row (adding the row if absent).

    Only where the host's or the member's note says the figure is combined and the
    member has no value of its own; a member published separately is left alone.
    Running it twice changes nothing.

    >>> from assessment.tidy.frame import new_frame
    >>> rows = [dict(indicator_id="i", indicator_name="I", source="s", area_code=code, area_name=name,
    ...              area_type="lad", period="2023", value=value, count=count, denominator=1000.0,
    ...              value_note="Value for Hackney and City of London combined")
    ...         for code, name, value, count in [("E09000012", "Hackney", 5.0, 5.0),
    ...                                          ("E09000001", "City of London", None, None)]]
    >>> carry_combined(new_frame(rows))[["area_code", "value", "value_note"]].values.tolist()[1]
    ['E09000001', 5.0, 'Value for Hackney and City of London combined']
    """
    pairs = load_combined_areas()
    # The few rows of the pairs' areas, found in one pass: a national frame has a million rows.
    local = frame[frame["area_code"].isin(set(pairs["host_code"]) | set(pairs["member_code"]))]
    codes = set(local["area_code"])
    carried, replaced = [], []
    for pair in pairs.itertuples(index=False):
        member_code, member_name = str(pair.member_code), str(pair.member_name)  # read as text (dtype=str)
        if pair.host_code not in codes:
            continue
        hosts = local[local["area_code"] == pair.host_code]
        members = local[local["area_code"] == member_code]
        joined = hosts.reset_index().merge(
            members.reset_index()[OTHER_KEYS + ["index", "value", "value_note", "suppressed", "area_type"]],
            on=OTHER_KEYS, how="left", suffixes=("", "_member"))
        combined = (is_combined(joined["value_note"], member_name)
                    | is_combined(joined["value_note_member"], member_name))
        member_empty = joined["index_member"].isna() | (joined["value_member"].isna()
                                                        & ~joined["suppressed_member"].fillna(False).astype(bool))
        take = joined[combined & member_empty & joined["value"].notna()]
        if take.empty:
            continue
        copies = frame.loc[take["index"]].copy()
        copies["area_code"], copies["area_name"] = member_code, member_name
        copies["area_type"] = take["area_type_member"].fillna(area_type_for_code(member_code)).to_numpy()
        notes = copies["value_note"].where(is_combined(copies["value_note"], member_name), pair.fingertips_note)
        copies["value_note"] = notes.to_numpy()
        carried.append(copies)
        replaced += [int(i) for i in take["index_member"].dropna()]
    if not carried:
        return frame
    kept = frame.drop(index=replaced)
    return coerce_frame(pd.concat([kept, *carried], ignore_index=True), private=True)


@lru_cache(maxsize=1)
def combined_codes() -> frozenset[str]:
    """Every host and member code in the registry."""
    table = load_combined_areas()
    return frozenset(table["host_code"]) | frozenset(table["member_code"])


@lru_cache(maxsize=1)
def _registry_pairs() -> tuple:
    """The registry's rows as named tuples, made once (a national roll-up asks thousands of times)."""
    return tuple(load_combined_areas().itertuples(index=False))


def combined_pairs(codes, notes) -> list:
    """Registry pairs whose host's or member's row (``codes`` with their value ``notes``) says combined.

    Plain Python on purpose: it runs once per parent area, indicator and period.
    """
    combined = combined_codes()
    if combined.isdisjoint(codes):  # most parents: nothing to check
        return []
    # Only the rows of registry areas can say so: England's group has 300 rows, and two of them matter.
    rows = [(code, note) for code, note in zip(codes, notes) if code in combined]
    found = []
    for pair in _registry_pairs():
        member = pair.member_name.lower()
        if any(code in (pair.host_code, pair.member_code) and COMBINED_WORD.search(note or "")
               and member in (note or "").lower() for code, note in rows):
            found.append(pair)
    return found
