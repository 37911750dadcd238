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

import numpy as np
import pandas as pd

from ..frame import KEY_COLUMNS, coerce_frame, empty_frame
from .intervals import add_intervals
from .rebuild import STANDARD_METHOD, not_rebuildable_reason

GROUP_COLUMNS = [c for c in KEY_COLUMNS if c != "area_code"]


def _aggregable(first: pd.Series) -> str | None:
    """Why a row's indicator cannot be rebuilt from district counts (None if it can).

    Whether each district has its counts is checked per parent, below.
    """
    return not_rebuildable_reason(first["value_type"], first["ci_method"], has_denominator=True)


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
        row["published_comparison"] = row["published_trend"] = ""  # the publisher said nothing of this area
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
    if not records:
        return empty_frame()
    built = add_intervals(coerce_frame(pd.DataFrame(records)))
    counts = built["value_type"].eq("count") & built["value"].isna() & built["count"].notna()
    built.loc[counts, "value"] = built.loc[counts, "count"]
    return built
