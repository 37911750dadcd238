"""Build parent areas (police force areas, upper-tier authorities, regions, England) from districts.

Counts and denominators of the districts in a parent are added up and the
value and intervals recomputed with the indicator's own method. Rates are
never averaged. A parent gets no value when any of its districts is missing
or suppressed, unless ``partial=True``, in which case the value note names the
districts left out. Indicators whose figures cannot be added up (scores,
ranks, means, and directly standardised rates without age-specific data) get
a row with no value and a "Not aggregable" note, so the report can say so.

Every parent in the lookup gets a row for every indicator, period and breakdown
its children have, even when none of its own districts has data (Cumbria's
unitaries before they existed, say): the row's value note says why there is no
value. Areas Fingertips publishes combined with a neighbour
(:mod:`assessment.stats.combined`) are counted once, with a note.

>>> import pandas as pd
>>> from assessment.frame import new_frame
>>> rows = [dict(indicator_id="i", indicator_name="I", source="s", area_code=c, area_name=c,
...              area_type="lad", period="2023", count=n, denominator=100, value_type="proportion",
...              multiplier=100, ci_method="wilson", polarity="high_is_good") for c, n in
...         [("E07999001", 10), ("E07999002", 30)]]
>>> lookup = pd.DataFrame({"child_code": ["E07999001", "E07999002", "E07999003"],
...                        "parent_code": ["E23999001", "E23999001", "E23999002"],
...                        "parent_name": ["Demo Police", "Demo Police", "Other Police"]})
>>> out = aggregate(new_frame(rows), lookup, "pfa")
>>> out[["area_code", "count", "denominator", "value", "value_note"]].values.tolist()
[['E23999001', 40.0, 200.0, 20.0, ''], ['E23999002', nan, nan, nan, 'No value: no data for E07999003']]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..frame import KEY_COLUMNS, coerce_frame, empty_frame
from .combined import carry_combined, combined_pairs_in, is_combined
from .intervals import add_intervals
from .rebuild import STANDARD_METHOD, not_rebuildable_reason

GROUP_COLUMNS = [c for c in KEY_COLUMNS if c != "area_code"]
FIGURES = ("value", "lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998", "count", "denominator")
SPLIT_NOTE = "Not aggregable: constituent areas are split between parent areas"


def _aggregable(first: pd.Series) -> str | None:
    """Why a row's indicator cannot be rebuilt from district counts (None if it can).

    Whether each district has its counts is checked per parent, below.
    """
    return not_rebuildable_reason(first["value_type"], first["ci_method"], has_denominator=True)


def _parent_row(first: pd.Series, parent: str, name: str, parent_type: str) -> pd.Series:
    """A parent's row for the indicator, period and breakdown of ``first``, without figures yet."""
    row = first.drop(labels=["child_code", "parent_code", "parent_name"], errors="ignore").copy()
    row["area_code"], row["area_name"], row["area_type"] = parent, name, parent_type
    row["source"] = f"{first['source']} (aggregated from districts)"
    for column in FIGURES:
        row[column] = np.nan
    row["suppressed"] = False
    row["value_note"] = ""
    return row


def _combined_usable(usable: pd.DataFrame, expected: frozenset) -> tuple[pd.DataFrame, set[str], list[str]]:
    """Count each combined figure once: (usable rows, members covered by their host, notes)."""
    covered, notes = set(), []
    present = set(usable["area_code"])
    combined_codes = set(usable.loc[is_combined(usable["value_note"]), "area_code"])
    for pair in combined_pairs_in(combined_codes):
        host_in, member_in = pair.host_code in expected, pair.member_code in expected
        together = f"{pair.host_name} and {pair.member_name}"
        if host_in and member_in and pair.host_code in present:
            usable = usable[usable["area_code"] != pair.member_code]
            covered.add(pair.member_code)
            notes.append(f"{together} are published as one combined figure, counted once")
        elif host_in and pair.host_code in present:
            notes.append(f"{pair.host_name}'s figure includes {pair.member_name} (published combined)")
        elif member_in and pair.member_code in present:
            notes.append(f"{pair.member_name}'s figure is the combined figure for {together} (published combined)")
    return usable, covered, notes


def aggregate(frame: pd.DataFrame, lookup: pd.DataFrame, parent_type: str, *,
              partial: bool = False) -> pd.DataFrame:
    """Parent-area rows built from the child rows of ``frame`` through ``lookup``.

    ``lookup`` has child_code, parent_code, parent_name (see
    :meth:`assessment.geography.Geography.rollup_lookup`); children are usually
    districts, or upper-tier authorities for indicators published only for
    them. A child mapped to several parents of this type (a district split
    between community safety partnerships) cannot be apportioned: those
    parents are not aggregable.
    """
    frame = carry_combined(frame)
    districts = frame[frame["area_code"].isin(set(lookup["child_code"]))]
    if districts.empty or lookup.empty:
        return empty_frame()
    split = lookup.groupby("child_code")["parent_code"].transform("nunique") > 1
    split_parents = set(lookup.loc[split, "parent_code"])
    members = lookup.drop_duplicates(["child_code", "parent_code"])
    expected = members.groupby("parent_code")["child_code"].apply(frozenset).to_dict()
    names = members.drop_duplicates("parent_code").set_index("parent_code")["parent_name"].to_dict()
    joined = districts.merge(members, left_on="area_code", right_on="child_code", how="inner")

    records, seen = [], set()
    for keys, group in joined.groupby(GROUP_COLUMNS + ["parent_code"], sort=False, dropna=False):
        parent = keys[-1]
        seen.add(keys)
        first = group.iloc[0]
        row = _parent_row(first, parent, names[parent], parent_type)
        present = set(group["area_code"])
        usable = group[~group["suppressed"] & group["count"].notna()
                       & (group["denominator"].notna() | group["value_type"].eq("count"))]
        usable, covered, notes = _combined_usable(usable, expected[parent])
        left_out = sorted(expected[parent] - set(usable["area_code"]) - covered)
        reason = SPLIT_NOTE if parent in split_parents else _aggregable(first)
        if reason:
            notes = [reason]
        elif left_out and not partial:
            missing = sorted(expected[parent] - present)
            hidden = sorted(set(left_out) - set(missing))
            why = []
            if missing:
                why.append(f"no data for {', '.join(missing)}")
            if hidden:
                why.append(f"suppressed or without counts: {', '.join(hidden)}")
            notes = ["No value: constituent districts incomplete (" + "; ".join(why) + ")"]
        else:
            row["count"] = usable["count"].sum()
            row["denominator"] = usable["denominator"].sum() if usable["denominator"].notna().any() else np.nan
            if first["ci_method"] == "published":
                row["ci_method"] = STANDARD_METHOD[first["value_type"]]
            if left_out:
                notes.append(f"Partial: excludes districts {', '.join(left_out)}")
        row["value_note"] = "; ".join(notes)
        records.append(row)
    # A parent none of whose districts has data still gets its row, saying so.
    for keys, first in joined.drop_duplicates(GROUP_COLUMNS).set_index(GROUP_COLUMNS, drop=False).iterrows():
        keys = keys if isinstance(keys, tuple) else (keys,)
        for parent in expected:
            if (*keys, parent) in seen:
                continue
            row = _parent_row(first, parent, names[parent], parent_type)
            row["value_note"] = (SPLIT_NOTE if parent in split_parents else _aggregable(first)) or \
                f"No value: no data for {', '.join(sorted(expected[parent]))}"
            records.append(row)
    built = add_intervals(coerce_frame(pd.DataFrame(records)))
    counts = built["value_type"].eq("count") & built["value"].isna() & built["count"].notna()
    built.loc[counts, "value"] = built.loc[counts, "count"]
    unexplained = built["value"].isna() & built["value_note"].eq("")
    built.loc[unexplained, "value_note"] = "No value: the districts' counts give no value (a zero denominator)"
    return built
