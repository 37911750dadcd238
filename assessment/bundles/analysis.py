"""Analyse a tidy frame once for every area: roll-ups, comparisons and trends.

This is the statistics stage of the one-way flow (sources -> tidy frame ->
statistics -> charts/narrative -> templates). It runs once per build, not once
per report, so a national batch pays for it once.

Columns added to the tidy frame:

- ``england_comparison``, ``england_value``, ``england_reason``: the row's
  comparison with England using the indicator's own comparator method;
- ``region_code``, ``region_comparison``, ``region_value``, ``region_reason``:
  the same against the area's region (districts and upper-tier authorities);
- ``trend``: the recent-trend label of the row's series, on its latest period
  (empty on earlier periods);
- ``trend_reason``: why that trend cannot be calculated (the value type, pooled
  years, too few consecutive valid years...), empty when it could be;
- ``england_wales_comparison``, ``england_wales_value``, ``england_wales_reason``:
  the comparison with England and Wales (K04000001), for indicators published
  for England and Wales (justice tables); a Welsh force is compared with
  England and Wales only;
- the force ranks of :mod:`assessment.stats.force_ranks` (among all forces in
  the table, English and Welsh, and within the force's region or Wales);
- ``upper_tier_comparison``, ``upper_tier_reason``: a unitary's quintile among
  all upper-tier authorities (:mod:`assessment.stats.comparison_sets`); a
  county's ``england_comparison`` is computed in that set too.

>>> ANALYSIS_COLUMNS[:3]
['england_comparison', 'england_value', 'england_reason']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rich.progress import Progress

from ..tidy.frame import KEY_COLUMNS, concat_frames, validate_frame
from ..core.levels import DISTRICT_LEVEL, ENGLAND_CODE, rollup_levels
from ..stats import aggregate, compare_to
from ..inputs.arrow_csv import release_unused_arrow_memory
from ..stats.aggregate import with_series_numbers
from ..tidy.row_numbers import each_distinct
from ..stats.combined_areas import carry_combined
from ..stats.compare import ComparisonKeys
from ..stats.comparison_sets import UPPER_TIER_COLUMNS, add_upper_tier_comparisons
from ..stats.force_ranks import ENGLAND_AND_WALES, RANK_COLUMNS, force_groups, rank_forces
from ..stats.trend import trend_columns
from ..sources.catalogue import load_catalogue
from ..sources.ons_population import INDICATOR_ID as POPULATION_ID

ANALYSIS_COLUMNS = [
    "england_comparison", "england_value", "england_reason",
    "region_code", "region_comparison", "region_value", "region_reason",
    "trend", "trend_reason",
    "england_wales_comparison", "england_wales_value", "england_wales_reason",
    *RANK_COLUMNS, *UPPER_TIER_COLUMNS,
]
SERIES_COLUMNS = ["indicator_id", "area_code", "sex", "age", "category_type", "category"]


def latest_populations(frame: pd.DataFrame) -> dict[str, float]:
    """Each area's latest mid-year population estimate in ``frame`` (the weights of weighted means)."""
    # All ages only: the single-year-of-age table also gives age bands for the same year.
    rows = frame[frame["indicator_id"] == POPULATION_ID]  # the rest tested on its rows only, not a million
    rows = rows[rows["value"].notna() & rows["age"].eq("All ages")]
    rows = rows.sort_values(["period_end", "period"]).groupby("area_code").tail(1)
    return dict(zip(rows["area_code"], rows["value"].astype(float)))


def add_rollups(frame: pd.DataFrame, geography, *, partial: bool = False,
                parent_types: tuple[str, ...] | None = None, carried: bool = False) -> pd.DataFrame:
    """Add parent-area rows built from district counts where the source did not publish them.

    Published rows always win: a roll-up only fills a key the frame lacks. Police
    force areas are never published by Fingertips, so they always come from here.
    The parents are the levels with ``rollup: true`` in ``boundaries/levels.yaml``.
    ``carried``: combined areas' figures are already on ``frame`` (:func:`carry_combined`).
    """
    # Carried once here for the seven roll-ups, each of which looked through a million rows for them.
    frame = frame if carried else carry_combined(frame)
    parent_types = parent_types or tuple(level.key for level in rollup_levels())
    # Indicators published for districts roll up from districts; those published
    # only for upper-tier authorities (counties and unitaries, none for the shire
    # districts below a county) roll up from upper-tier authorities.
    upper_type = DISTRICT_LEVEL.upper_tier_level or DISTRICT_LEVEL.key
    upper, districts = set(geography.codes_of_type(upper_type)), set(geography.codes_of_type(DISTRICT_LEVEL.key))
    county_level = (set(frame.loc[frame["area_code"].isin(upper - districts), "indicator_id"])
                    - set(frame.loc[frame["area_code"].isin(districts - upper), "indicator_id"]))
    numbered = with_series_numbers(frame)
    county_rows = numbered["indicator_id"].isin(county_level).to_numpy()
    of_levels = {DISTRICT_LEVEL.key: ~county_rows, upper_type: county_rows}
    built = []
    weighted, populations = load_catalogue().weighted_mean_ids(), latest_populations(frame)
    for child_type, of_level in of_levels.items():
        rows = numbered[of_level]  # a copy of most of the frame: made when its roll-ups need it, let go of after
        for parent_type in parent_types:
            if child_type == parent_type:
                continue
            built.append(aggregate(rows, geography.rollup_lookup(parent_type, child_type), parent_type,
                                   partial=partial, weighted_ids=weighted, populations=populations,
                                   carried=True))
        del rows
    del numbered
    rolled = concat_frames(built)
    if rolled.empty:
        return frame
    # Only rows of the parents' codes can hold a key a roll-up made: the keys of a whole national
    # frame (a million rows) were indexed to find the few thousand published parents' rows.
    published = frame.loc[frame["area_code"].isin(set(rolled["area_code"])), KEY_COLUMNS]
    new = rolled[~pd.MultiIndex.from_frame(rolled[KEY_COLUMNS]).isin(pd.MultiIndex.from_frame(published))]
    # A Welsh force is rolled up only for indicators with Welsh rows: an England-only source
    # (Fingertips, MHCLG, the English indices) would give it an empty "no data" row per period.
    with_wales = set(frame.loc[each_distinct(frame["area_code"], lambda code: code.startswith("W")), "indicator_id"])
    new = new[new["area_code"].str.startswith("E") | new["indicator_id"].isin(with_wales)]
    return concat_frames([frame, new])


def _comparison(frame: pd.DataFrame, comparator, prefix: str, keys: ComparisonKeys | None = None) -> pd.DataFrame:
    compared = compare_to(frame, comparator, keys)
    columns = compared[["comparison", "comparator_value", "comparison_reason"]].rename(columns={
        "comparison": f"{prefix}_comparison",
        "comparator_value": f"{prefix}_value",
        "comparison_reason": f"{prefix}_reason",
    })
    del compared
    release_unused_arrow_memory()  # the comparison's own text columns, which Arrow's pool would keep
    return columns


def analyse(frame: pd.DataFrame, geography, *, partial: bool = False) -> pd.DataFrame:
    """Carry combined areas' figures, roll up, validate, compare with England and region, add recent trends.

    Isles of Scilly and City of London get the combined figure Fingertips publishes
    on Cornwall's and Hackney's rows (with its note); roll-ups count it once.
    """
    with Progress(transient=True) as progress:
        task = progress.add_task("Analysing indicators", total=4)
        frame = carry_combined(frame)
        frame = add_rollups(frame, geography, partial=partial, carried=True)
        frame = validate_frame(frame, where="tidy frame after roll-ups")
        progress.advance(task)

        keys = ComparisonKeys.of(frame)  # the same rows are compared three times
        england = _comparison(frame, ENGLAND_CODE, "england", keys)
        progress.advance(task)

        region_of = geography.lads.set_index("lad_code")["region_code"].to_dict()
        region_of.update(geography.lads.drop_duplicates("utla_code")
                         .set_index("utla_code")["region_code"].to_dict())
        region_codes = frame["area_code"].map(region_of)
        region = _comparison(frame, region_codes.where(region_codes.notna(), None), "region", keys)
        no_region = region_codes.isna()
        region.loc[no_region, "region_comparison"] = "Not compared"
        region.loc[no_region, "region_reason"] = "not part of a single region"
        progress.advance(task)

        welsh = each_distinct(frame["area_code"], lambda code: code.startswith("W"))  # each code tested once
        england.loc[welsh, "england_comparison"] = "Not compared"
        england.loc[welsh, "england_reason"] = np.where(frame.loc[welsh, "area_code"].str.startswith("W15"),
                                                        "a Welsh force: compared with England and Wales",
                                                        "a Welsh council: compared with England and Wales")
        analysed = pd.concat([frame, england, region], axis=1)
        analysed.insert(len(analysed.columns) - 3, "region_code", region_codes.fillna(""))
        trends = trend_columns(frame)  # a trend belongs to a series' latest period; "" on earlier ones
        for column in ("trend", "trend_reason"):
            analysed[column] = trends[column].to_numpy(object)
        analysed = pd.concat([analysed, _comparison(frame, ENGLAND_AND_WALES, "england_wales", keys)], axis=1)
        del keys
        analysed = rank_forces(analysed, force_groups(geography))
        # Quintiles of counties and unitaries among the whole upper tier (the set their reports show).
        analysed = add_upper_tier_comparisons(analysed, geography, DISTRICT_LEVEL.upper_tier_level or "",
                                              DISTRICT_LEVEL.key)
        progress.advance(task)
    return analysed
