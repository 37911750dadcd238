"""The national-scale paths of `jsna build` give the frame the plain paths gave, on small cases."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assessment.tidy.frame import new_frame, validate_frame
from assessment.stats import add_intervals, recent_trend
from assessment.stats.trend import SERIES_COLUMNS, trend_columns


def _series_frame() -> pd.DataFrame:
    """Proportions for three areas and two sexes over seven years: a year missing in one, a point suppressed."""
    rng = np.random.default_rng(7)
    rows = []
    for code in ("E06000001", "E06000002", "E06000003"):
        for sex in ("Persons", "Female"):
            for year in range(2015, 2022):
                if code == "E06000002" and year == 2018:
                    continue
                rows.append(dict(indicator_id="i", indicator_name="I", source="s", area_code=code, area_name=code,
                                 area_type="lad", period=str(year), sex=sex, count=float(rng.integers(100, 400)),
                                 denominator=1000.0, value_type="proportion", multiplier=100,
                                 polarity="high_is_good", ci_method="wilson", comparator_method="ci_overlap_95_998",
                                 suppressed=code == "E06000003" and year == 2021 and sex == "Female"))
    frame = add_intervals(new_frame(rows))
    hidden = frame["suppressed"]
    frame.loc[hidden, ["value", "count", "lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998"]] = np.nan
    return validate_frame(frame.sample(frac=1, random_state=3))  # rows in no particular order


def test_trend_columns_place_each_series_trend_as_the_join_on_its_latest_period_did():
    frame = _series_frame()
    trends = recent_trend(frame)
    joined = frame.merge(trends, on=SERIES_COLUMNS + ["period"], how="left")[["trend", "trend_reason"]].fillna("")
    placed = trend_columns(frame)
    assert placed.index.equals(frame.index)
    pd.testing.assert_frame_equal(placed.reset_index(drop=True), joined.reset_index(drop=True), check_dtype=False)
    assert (placed["trend"] != "").sum() == len(trends) == 6


def _dated_series(code: str, starts: list[str], ends: list[str]) -> list[dict]:
    """Five one-year proportions of one area with the given period dates (rising steeply)."""
    return [dict(indicator_id="i", indicator_name="I", source="s", area_code=code, area_name=code, area_type="lad",
                 period=str(2017 + n), period_start=start, period_end=end, count=100.0 + 60 * n, denominator=1000.0,
                 value_type="proportion", multiplier=100, polarity="high_is_good", ci_method="wilson",
                 comparator_method="ci_overlap_95_998") for n, (start, end) in enumerate(zip(starts, ends))]


def test_trend_rules_read_period_lengths_and_gaps_from_the_dates_as_whole_days():
    """Trends computed for a whole frame at once keep the per-series rules: 3 days' slack between years, not 4."""
    starts = [f"{2017 + n}-01-01" for n in range(5)]
    ends = [f"{2017 + n}-12-31" for n in range(5)]
    late_by_3, late_by_4 = list(starts), list(starts)
    late_by_3[2], late_by_4[2] = "2019-01-04", "2019-01-05"
    short = list(ends)
    short[4] = "2021-12-25"  # 359 days: not a single year
    rows = (_dated_series("E06000001", starts, ends) + _dated_series("E06000002", late_by_3, ends)
            + _dated_series("E06000003", late_by_4, ends) + _dated_series("E06000004", starts, short))
    frame = validate_frame(add_intervals(new_frame(rows)))
    trends = recent_trend(frame).set_index("area_code")
    assert trends.loc["E06000001", "trend"] == trends.loc["E06000002", "trend"] == "Increasing and getting better"
    assert "2019 does not follow 2018" in trends.loc["E06000003", "trend_reason"]
    assert "shorter than a year" in trends.loc["E06000004", "trend_reason"]
    placed = trend_columns(frame)
    assert sorted(placed["trend"][placed["trend"] != ""]) == sorted(trends["trend"])


def _rule_series(code: str, change: dict[int, dict], years: range = range(2015, 2022)) -> list[dict]:
    """Seven rising one-year proportions of one area; ``change`` overrides fields of the n-th year's row."""
    rows = []
    for n, year in enumerate(years):
        row = dict(indicator_id="i", indicator_name="I", source="s", area_code=code, area_name=code, area_type="lad",
                   period=str(year), count=100.0 + 40 * n, denominator=1000.0, value_type="proportion",
                   multiplier=100, polarity="low_is_good", ci_method="wilson",
                   comparator_method="ci_overlap_95_998")
        rows.append({**row, **change.get(n, {})})
    return rows


def test_trends_of_a_whole_frame_are_each_series_own_whichever_rule_breaks_it():
    """Series side by side, each broken by a different rule (or by none), get what each alone gets."""
    cases = {"E06000001": {}, "E06000002": {5: dict(count=None)}, "E06000003": {6: dict(count=1000.0)},
             "E06000004": {3: dict(count=1000.0)}, "E06000005": {2: dict(value_type="count")},
             "E06000006": {6: dict(value_type="count")}, "E06000007": {0: dict(count=None)},
             "E06000008": {4: dict(suppressed=True)}, "E06000009": {n: dict(count=500.0) for n in range(7)}}
    frames = {code: add_intervals(new_frame(_rule_series(code, change))) for code, change in cases.items()}
    hidden = frames["E06000008"]["suppressed"]
    frames["E06000008"].loc[hidden, ["value", "count", "lower_ci_95", "upper_ci_95", "lower_ci_998",
                                     "upper_ci_998"]] = np.nan
    short = add_intervals(new_frame(_rule_series("E06000010", {}, range(2019, 2022))))
    frame = validate_frame(pd.concat([*frames.values(), short], ignore_index=True).sample(frac=1, random_state=5))
    together = recent_trend(frame).set_index("area_code")[["period", "trend", "trend_reason"]]
    alone = pd.concat([recent_trend(frame[frame["area_code"] == code]) for code in sorted(set(frame["area_code"]))])
    pd.testing.assert_frame_equal(together, alone.set_index("area_code")[["period", "trend", "trend_reason"]])
    reasons = together["trend_reason"]
    assert together.loc["E06000001", "trend"] == "Increasing and getting worse"
    assert reasons["E06000002"].startswith("fewer than 5 consecutive years with a valid value, count and denominator "
                                           "(1): 2020 has no value")
    assert reasons["E06000003"] == "the count equals the denominator in 2021"
    assert reasons["E06000004"] == "the count equals the denominator in 2018"  # within the run, not the five
    assert reasons["E06000005"] == ""  # only the latest period's value type counts
    assert reasons["E06000006"].startswith("not calculated for a count")
    assert reasons["E06000007"] == "" and reasons["E06000008"].endswith("2019 has no value")
    assert together.loc["E06000009", "trend"] == "No significant change"
    assert reasons["E06000010"] == "fewer than 5 periods of data (3)"
    placed = trend_columns(frame)
    latest = frame.index[frame["period"] == "2021"]
    assert (placed.loc[latest, "trend_reason"].sort_index().tolist()
            == together.loc[frame.loc[latest, "area_code"].sort_index(), "trend_reason"].tolist())


def test_a_frame_without_rows_has_no_trends():
    frame = validate_frame(new_frame([]))
    assert trend_columns(frame).empty
    assert recent_trend(frame).empty
