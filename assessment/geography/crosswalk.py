"""Map data keyed to older districts onto the chosen geography vintage.

The 2019, 2020, 2021 and 2023 reorganisations merged districts into new
authorities (``boundaries/code_changes.csv``). Rows keyed to a former district
are added into their successor: counts and denominators are summed, and the
value is left for :func:`assessment.stats.add_intervals` to recompute from them
(or marked not rebuilt when the value cannot come from counts). A code with no
successor in the vintage, or a successor with only some of its predecessors
present, is an error naming the codes.

>>> changes = load_code_changes("2024")
>>> changes["E07000026"], changes["E07000190"]
('E06000063', 'E06000066')
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

import pandas as pd

from ..errors import InputError
from ..frame import KEY_COLUMNS, area_type_for_code, coerce_frame
from ..paths import BOUNDARIES_DIR
from ..stats.rebuild import rebuild_method

CHANGES_PATH = BOUNDARIES_DIR / "code_changes.csv"


@lru_cache(maxsize=8)
def _changes_table(vintage: str) -> pd.DataFrame:
    table = pd.read_csv(CHANGES_PATH, dtype=str)
    return table[(table["year"].astype(int) <= int(vintage)) & table["new_code"].notna()]


def load_code_changes(vintage: str) -> dict[str, str]:
    """Former code -> its code in ``vintage``, following chains (district -> merged -> merged again)."""
    table = _changes_table(vintage)
    step = dict(zip(table["old_code"], table["new_code"]))
    resolved = {}
    for old in step:
        new, seen = step[old], {old}
        while new in step and new not in seen:
            seen.add(new)
            new = step[new]
        resolved[old] = new
    return resolved


def _leaves(code: str, direct: dict[str, set[str]]) -> set[str]:
    """The earliest districts an area was made from (itself if it was never a merger)."""
    parts = direct.get(code)
    if not parts:
        return {code}
    return set().union(*(_leaves(p, direct) for p in parts))


def _is_complete(new_code: str, present: set[str], vintage: str) -> tuple[bool, set[str]]:
    """Whether the former areas present make up all of ``new_code``; and which are missing.

    A recode (same area, new code, e.g. a county that became a unitary) is
    complete on its own; merged districts must cover every earliest district,
    whichever reorganisation the data were published after.
    """
    table = _changes_table(vintage)
    if present & set(table.loc[(table["kind"] == "recode") & (table["new_code"] == new_code), "old_code"]):
        return True, set()
    merges = table[table["kind"] == "merge"]
    direct: dict[str, set[str]] = {}
    for old, new in zip(merges["old_code"], merges["new_code"]):
        direct.setdefault(new, set()).add(old)
    needed = _leaves(new_code, direct)
    covered = set().union(*(_leaves(code, direct) for code in present)) if present else set()
    return needed <= covered, needed - covered


def crosswalk_frame(frame: pd.DataFrame, geography, *, partial: bool = False,
                    where: str = "data", england_and_wales: Collection[str] = ()) -> pd.DataFrame:
    """Re-key district and upper-tier rows of ``frame`` to ``geography``'s vintage.

    Rows outside England (W, S, N, K codes) are left out: the geography covers
    England. Regions and England pass through unchanged, and so do the Welsh
    police force area (W15) and England and Wales (K04) rows of the indicators
    in ``england_and_wales`` (published for England and Wales, e.g. justice tables).
    """
    known = set(geography.areas["code"])
    changes = load_code_changes(geography.vintage)
    outside = frame["indicator_id"].isin(set(england_and_wales)) & frame["area_code"].str[:3].isin(["W15", "K04"])
    english = frame[frame["area_code"].str.startswith("E") | outside]
    local = english["area_code"].map(area_type_for_code).isin(["lad", "utla"])
    stays = english[~local | english["area_code"].isin(known)]
    moving = english[local & ~english["area_code"].isin(known)].copy()
    if moving.empty:
        return coerce_frame(stays)
    moving["new_code"] = moving["area_code"].map(changes)
    unknown = sorted(set(moving.loc[moving["new_code"].isna() | ~moving["new_code"].isin(known), "area_code"]))
    if unknown:
        raise InputError(f"{where}: cannot map area code(s) {', '.join(unknown)} onto the "
                         f"{geography.vintage} geography (not in its lookups or in boundaries/code_changes.csv)")
    group_keys = [c for c in KEY_COLUMNS if c != "area_code"] + ["new_code"]
    names = geography.areas.set_index("code")["name"]
    rebuilt = []
    for keys, group in moving.groupby(group_keys, sort=False, dropna=False):
        new_code = keys[-1]
        have = set(group["area_code"])
        complete, missing = _is_complete(new_code, have, geography.vintage)
        if not complete and not partial:
            raise InputError(f"{where}: {new_code} ({names.get(new_code, '')}) needs former districts "
                             f"{', '.join(sorted(missing))} for {keys[0]} {keys[1]}; "
                             "pass partial=True to build it from the districts present")
        first = group.iloc[0].copy()
        first["area_code"], first["area_name"] = new_code, names.get(new_code, new_code)
        first["area_type"] = area_type_for_code(new_code)
        first["count"] = group["count"].sum(min_count=len(group))
        first["denominator"] = group["denominator"].sum(min_count=len(group))
        first["suppressed"] = bool(group["suppressed"].any())
        if first["suppressed"]:
            first[["value", "count", "denominator"]] = float("nan")
        for column in ("lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998"):
            first[column] = float("nan")
        if len(group) > 1 or area_type_for_code(group["area_code"].iloc[0]) != first["area_type"]:
            note = f"Rebuilt from former areas {', '.join(sorted(have))}"
            method = rebuild_method(first["value_type"], first["ci_method"],
                                    has_denominator=pd.notna(first["denominator"]))
            first["value"] = first["count"] if method == "count" else float("nan")
            if method not in (None, "count"):
                first["ci_method"] = method  # value recomputed from count/denominator by add_intervals
            elif method is None:
                note = (f"Not rebuilt: {first['value_type']} cannot be combined across former areas "
                        f"{', '.join(sorted(have))}")
            first["value_note"] = "; ".join(n for n in (first["value_note"], note) if n)
            first["published_comparison"] = first["published_trend"] = ""  # published for the former areas only
        rebuilt.append(first.drop(labels=["new_code"]))
    mapped = pd.DataFrame(rebuilt)
    present = pd.MultiIndex.from_frame(stays[KEY_COLUMNS])
    mapped = mapped[~pd.MultiIndex.from_frame(mapped[KEY_COLUMNS]).isin(present)]
    return coerce_frame(pd.concat([stays, mapped], ignore_index=True))
