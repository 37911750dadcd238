"""Build parent areas (police force areas, upper-tier authorities, regions, England) from districts.

Counts and denominators of the districts in a parent are added up and the
value and intervals recomputed with the indicator's own method. Rates are
never averaged. A parent gets no value when any of its districts is missing
or suppressed, unless ``partial=True``, in which case the value note names the
districts left out. Indicators whose figures cannot be added up (scores,
ranks, means, and directly standardised rates without age-specific data) get
a row with no value and a "Not aggregable" note, so the report can say so.

>>> import pandas as pd
>>> from assessment.frame import new_frame
>>> rows = [dict(indicator_id="i", indicator_name="I", source="s", area_code=c, area_name=c,
...              area_type="lad", period="2023", count=n, denominator=100, value_type="proportion",
...              multiplier=100, ci_method="wilson", polarity="high_is_good") for c, n in
...         [("E07999001", 10), ("E07999002", 30)]]
>>> lookup = pd.DataFrame({"child_code": ["E07999001", "E07999002"], "parent_code": "E23999001",
...                        "parent_name": "Demo Police"})
>>> out = aggregate(new_frame(rows), lookup, "pfa")
>>> out[["area_code", "count", "denominator", "value"]].values.tolist()
[['E23999001', 40.0, 200.0, 20.0]]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..frame import KEY_COLUMNS, coerce_frame, empty_frame
from .intervals import add_intervals
from .rebuild import STANDARD_METHOD, not_rebuildable_reason

GROUP_COLUMNS = [c for c in KEY_COLUMNS if c != "area_code"]
#: A child's note saying its figure is published together with a neighbour's: such groups take the loop.
COMBINED_NOTE = re.compile(r"combined", re.IGNORECASE)


def _aggregable(first: pd.Series) -> str | None:
    """Why a row's indicator cannot be rebuilt from district counts (None if it can).

    Whether each district has its counts is checked per parent, below.
    """
    return not_rebuildable_reason(first["value_type"], first["ci_method"], has_denominator=True)


def _usable(rows: pd.DataFrame) -> pd.Series:
    """Child rows whose figures can be added: not suppressed, a count, and a denominator unless a plain count."""
    return (~rows["suppressed"] & rows["count"].notna()
            & (rows["denominator"].notna() | rows["value_type"].eq("count")))


def _simple_groups(joined: pd.DataFrame, expected: dict, split_parents: set) -> pd.Series:
    """Rows of the groups whose result needs no per-group decision (most of a national frame).

    A group is simple when its parent is not split, no child row's note
    says it is published combined with a neighbour, and it either cannot be
    rebuilt at all (its value type says so) or has every expected child usable. Those are built in one vectorised step
    by :func:`_add_up_simple`, with the same result the per-group loop gives;
    the rest (incomplete, split, noted) go through the loop.
    """
    if joined.empty:
        return pd.Series(False, index=joined.index)
    keys = [joined[c] for c in GROUP_COLUMNS + ["parent_code"]]
    reasons = {combo: not_rebuildable_reason(combo[0], combo[1], has_denominator=True)
               for combo in set(zip(joined["value_type"], joined["ci_method"]))}
    blocked = pd.Series([reasons[c] is not None for c in zip(joined["value_type"], joined["ci_method"])],
                        index=joined.index)
    usable = _usable(joined).groupby(keys, sort=False, dropna=False).transform("sum")
    sizes = joined["parent_code"].map({parent: len(children) for parent, children in expected.items()})
    quiet = ~joined["value_note"].str.contains(COMBINED_NOTE).groupby(keys, sort=False, dropna=False).transform("any")
    return ~joined["parent_code"].isin(split_parents) & quiet & (blocked | usable.eq(sizes))


def _add_up_simple(rows: pd.DataFrame, names: dict, parent_type: str) -> pd.DataFrame:
    """One parent row per simple group (see :func:`_simple_groups`), figures summed, not yet recomputed."""
    if rows.empty:
        return pd.DataFrame()
    keys = GROUP_COLUMNS + ["parent_code"]
    first = rows.drop_duplicates(keys).set_index(keys)
    sums = rows[_usable(rows)].groupby(keys, sort=False, dropna=False)[["count", "denominator"]].sum(min_count=1)
    out = first.drop(columns=["child_code", "parent_name", "area_code"]).reset_index()
    reason = pd.Series([not_rebuildable_reason(v, c, has_denominator=True) for v, c in
                        zip(out["value_type"], out["ci_method"])], index=out.index)
    for column in ("value", "lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998"):
        out[column] = np.nan
    summed = sums.reindex(pd.MultiIndex.from_frame(out[keys]))
    out["count"] = np.where(reason.isna(), summed["count"].to_numpy(), np.nan)
    out["denominator"] = np.where(reason.isna(), summed["denominator"].to_numpy(), np.nan)
    out["area_code"] = out["parent_code"]
    out["area_name"] = out["parent_code"].map(names)
    out["area_type"] = parent_type
    out["source"] = out["source"] + " (aggregated from districts)"
    out["suppressed"] = False
    published = reason.isna() & out["ci_method"].eq("published")
    out.loc[published, "ci_method"] = out.loc[published, "value_type"].map(STANDARD_METHOD)
    out["value_note"] = reason.fillna("")
    return out.drop(columns=["parent_code"])


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
    districts = frame[frame["area_code"].isin(set(lookup["child_code"]))]
    if districts.empty or lookup.empty:
        return empty_frame()
    split = lookup.groupby("child_code")["parent_code"].transform("nunique") > 1
    split_parents = set(lookup.loc[split, "parent_code"])
    members = lookup.drop_duplicates(["child_code", "parent_code"])
    expected = members.groupby("parent_code")["child_code"].apply(frozenset).to_dict()
    names = members.drop_duplicates("parent_code").set_index("parent_code")["parent_name"].to_dict()
    joined = districts.merge(members, left_on="area_code", right_on="child_code", how="inner")
    simple = _simple_groups(joined, expected, split_parents)
    quick = _add_up_simple(joined[simple], names, parent_type)
    joined = joined[~simple]

    records = []
    for keys, group in joined.groupby(GROUP_COLUMNS + ["parent_code"], sort=False, dropna=False):
        parent = keys[-1]
        first = group.iloc[0].copy()
        row = first.drop(labels=["child_code", "parent_code", "parent_name"])
        row["area_code"], row["area_name"], row["area_type"] = parent, names[parent], parent_type
        row["source"] = f"{first['source']} (aggregated from districts)"
        for column in ("value", "lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998",
                       "count", "denominator"):
            row[column] = np.nan
        row["suppressed"] = False
        present = set(group["area_code"])
        usable = group[~group["suppressed"] & group["count"].notna()
                       & (group["denominator"].notna() | group["value_type"].eq("count"))]
        left_out = sorted(expected[parent] - set(usable["area_code"]))
        reason = _aggregable(first)
        notes = []
        if parent in split_parents:
            reason = "Not aggregable: constituent areas are split between parent areas"
        if reason:
            notes.append(reason)
        elif left_out and not partial:
            missing = sorted(expected[parent] - present)
            hidden = sorted(set(left_out) - set(missing))
            why = []
            if missing:
                why.append(f"no data for {', '.join(missing)}")
            if hidden:
                why.append(f"suppressed or without counts: {', '.join(hidden)}")
            notes.append("No value: constituent districts incomplete (" + "; ".join(why) + ")")
        else:
            row["count"] = usable["count"].sum()
            row["denominator"] = usable["denominator"].sum() if usable["denominator"].notna().any() else np.nan
            if first["ci_method"] == "published":
                row["ci_method"] = STANDARD_METHOD[first["value_type"]]
            if left_out:
                notes.append(f"Partial: excludes districts {', '.join(left_out)}")
        row["value_note"] = "; ".join(notes)
        records.append(row)
    if not records and quick.empty:
        return empty_frame()
    built = add_intervals(coerce_frame(pd.concat([quick, pd.DataFrame(records)], ignore_index=True)))
    counts = built["value_type"].eq("count") & built["value"].isna() & built["count"].notna()
    built.loc[counts, "value"] = built.loc[counts, "count"]
    return built
