"""The set of areas a quintile or quartile is computed within: the set the reader sees the area among.

A quintile says where an area stands among other areas, so it means something
only within the set it was computed in. Reports compare an area with areas of
its own tier (``boundaries/levels.yaml``: a unitary compares in the upper tier):

- the **lower tier**: every district, unitary, metropolitan and London
  borough (rows of type ``lad``), as Fingertips' "Districts & UAs";
- the **upper tier**: every county *and* every unitary, metropolitan and London
  borough, as Fingertips' "Counties & UAs" (MHCLG's File 11 ranks the 151
  upper-tier authorities of 2019 in one list). A county's quintile among the
  counties alone (21 areas) would be drawn beside unitaries' quintiles among
  all districts, and a county of middling deprivation was "Worst quintile"
  next to a more deprived borough's "Worse quintile".

A unitary belongs to both sets, so it has two bins: ``england_comparison``
among the lower tier and ``upper_tier_comparison`` among the upper tier. A
report whose areas compare in the upper tier (a county's or a unitary's) reads
the second for every row (:meth:`assessment.bundles.bundle.Bundle.headline`);
a district's report and a force's read the first. Methods that compare with
England's value and its interval do not depend on the set, so only binned
methods get a second label.

>>> import pandas as pd
>>> from assessment.tidy.frame import new_frame
>>> rows = [dict(indicator_id="i", indicator_name="I", source="s", area_code=c, area_name=c, area_type=t,
...              period="2019", value=v, value_type="score", multiplier=1, polarity="low_is_good",
...              comparator_method="quintiles", ci_method="none")
...         for c, t, v in [("E10000001", "utla", 23.0), ("E10000002", "utla", 10.0), ("E10000003", "utla", 12.0),
...                         ("E10000004", "utla", 14.0), ("E10000005", "utla", 16.0),
...                         ("E06000001", "lad", 30.0), ("E06000002", "lad", 35.0), ("E06000003", "lad", 40.0),
...                         ("E07000001", "lad", 5.0), ("E07000002", "lad", 6.0)]]
>>> out = upper_tier_comparisons(new_frame(rows), {"E06000001", "E06000002", "E06000003"}, "utla")
>>> out.loc[[0, 5], "comparison"].tolist()  # the county (23.0) and the unitary (30.0) among all eight
['Middle quintile', 'Worse quintile']
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from .compare import BINNED, compare_to

#: How a bin label ends ("Worst quintile", "2nd highest quartile").
BIN_WORDS = r"quintile$|quartile$"
UPPER_TIER_COLUMNS = ["upper_tier_comparison", "upper_tier_reason"]


def upper_tier_comparisons(frame: pd.DataFrame, unitary_codes: Collection[str], upper_type: str,
                           comparator: str = "E92000001") -> pd.DataFrame:
    """Binned comparisons of the upper-tier rows (counties and unitaries together), indexed as ``frame``.

    ``unitary_codes`` are the district-level codes that are upper-tier authorities
    too; ``upper_type`` is the upper tier's area type (``utla``). Returns the
    rows compared (``comparison``, ``comparison_reason``) with ``frame``'s index;
    rows of other types or methods are not in it.
    """
    binned = frame["comparator_method"].isin(list(BINNED))
    upper = frame["area_type"].eq(upper_type) | frame["area_code"].isin(set(unitary_codes))
    rows = frame[binned & (upper | frame["area_code"].eq(comparator))]
    if rows.empty:
        return pd.DataFrame(columns=["comparison", "comparison_reason"])
    compared = compare_to(rows.assign(area_type=rows["area_type"].where(~upper[rows.index], upper_type)),
                          comparator)
    compared = compared[upper[rows.index].to_numpy()]
    return compared[["comparison", "comparison_reason"]]


def add_upper_tier_comparisons(analysed: pd.DataFrame, geography, upper_type: str, district_type: str,
                               comparator: str = "E92000001") -> pd.DataFrame:
    """``analysed`` with each upper-tier row's binned comparison computed among the whole upper tier.

    A county's ``england_comparison`` is replaced by it (the county has no other
    set); a unitary keeps its lower-tier ``england_comparison`` and gets the upper-tier
    one in :data:`UPPER_TIER_COLUMNS` (empty on every other row).
    """
    out = analysed.copy(deep=False)  # written column by column: copy-on-write copies only what changes
    out["upper_tier_comparison"], out["upper_tier_reason"] = "", ""
    if not upper_type:  # a geography without an upper tier has one set per type
        return out
    unitaries = set(geography.codes_of_type(upper_type)) & set(geography.codes_of_type(district_type))
    compared = upper_tier_comparisons(out, unitaries, upper_type, comparator)
    if compared.empty:
        return out
    counties = compared.index[out.loc[compared.index, "area_type"].eq(upper_type).to_numpy()]
    unitary_rows = compared.index.difference(counties)
    # A bin is a place among England's areas whatever the comparator: the region column repeats it.
    binned_region = out.loc[counties, "region_comparison"].astype(str).str.contains(BIN_WORDS)
    out.loc[binned_region[binned_region].index, "region_comparison"] = compared.loc[
        binned_region[binned_region].index, "comparison"]
    out.loc[counties, "england_comparison"] = compared.loc[counties, "comparison"]
    out.loc[counties, "england_reason"] = compared.loc[counties, "comparison_reason"]
    out.loc[unitary_rows, "upper_tier_comparison"] = compared.loc[unitary_rows, "comparison"]
    out.loc[unitary_rows, "upper_tier_reason"] = compared.loc[unitary_rows, "comparison_reason"]
    return out
