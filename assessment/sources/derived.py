"""Rates made from a published count and the ONS population, for files that publish counts only.

A catalogue entry with ``derived_from`` names its numerator (a count
indicator), its denominator (``ons-population``) and ``pool_years``. The
rate of a period of N registration years is the sum of the N years' counts
over the sum of the N mid-year population estimates of the same years (the
person-years at risk), which is how Fingertips and ONS pool crude rates. A
period is given a rate only when every one of its years has both a count and
an estimate: an estimate for another year is never substituted, so a rate
never mixes a 2020 count with a 2023 population. A numerator already pooled
by its publisher (``pooled_numerator``, e.g. ONS's 3-year workbook columns) is
used for the periods it covers.

Rates are made wherever an area has both (districts and unitaries, on the
report's geography after the crosswalk); counties, regions, England and
police force areas then get theirs by adding up district counts and
populations, like any crude rate.

>>> pooled_label(2020, 3), pooled_label(2020, 1)
('2018 - 20', '2020')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tidy.frame import concat_frames, new_frame
from ..inputs.periods import period_bounds

_SINGLE_YEAR = r"^\d{4}$"


def pooled_label(end: int, years: int) -> str:
    """The period label of ``years`` registration years ending in ``end``."""
    return str(end) if years == 1 else f"{end - years + 1} - {end % 100:02d}"


def _main(frame: pd.DataFrame, indicator: str) -> pd.DataFrame:
    rows = frame[frame["indicator_id"] == indicator]  # the breakdowns checked on its rows only, not a million
    rows = rows[(rows["category_type"] == "") & (rows["sex"] == "Persons") & (rows["age"] == "All ages")]
    return rows[~rows["suppressed"]]


def _by_year(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Area x year table of ``column`` over single-year periods, every year in the range present as a column."""
    single = rows[rows["period"].str.match(_SINGLE_YEAR)]
    if single.empty:
        return pd.DataFrame()
    table = single.pivot_table(index="area_code", columns=single["period"].astype(int), values=column,
                               aggfunc="first")
    return table.reindex(columns=range(int(table.columns.min()), int(table.columns.max()) + 1))


def derive_rates(frame: pd.DataFrame, catalogue) -> tuple[pd.DataFrame, list[str]]:
    """Rows of every derived rate in the catalogue, and a note per rate saying how it was made."""
    made, notes = [], []
    for entry in catalogue.entries:
        spec = entry.derived_from
        if not spec:
            continue
        years = int(spec.get("pool_years", 1))
        numerator, denominator = _main(frame, spec["numerator"]), _main(frame, spec["denominator"])
        pooled = _main(frame, spec["pooled_numerator"]) if spec.get("pooled_numerator") else numerator.iloc[0:0]
        counts, populations = _by_year(numerator, "count"), _by_year(denominator, "value")
        if (counts.empty and pooled.empty) or populations.empty:
            if not numerator.empty or not pooled.empty:
                notes.append(f"{entry.title}: not made, because the data have no ONS mid-year population "
                             f"estimates for the years of {spec['numerator']} (import them with `jsna import`).")
            continue
        person_years = populations.T.rolling(years, min_periods=years).sum().T.stack()
        summed = (counts.T.rolling(years, min_periods=years).sum().T.stack() if not counts.empty
                  else pd.Series(dtype=float))
        ends = pooled["period_end"].dt.year.astype("int64")
        spans = ends - pooled["period_start"].dt.year.astype("int64") + 1
        published = pooled[spans == years].set_axis(pd.MultiIndex.from_arrays(
            [pooled.loc[spans == years, "area_code"], ends[spans == years]]))["count"]
        total = published.combine_first(summed) if len(published) else summed  # the publisher's pooled figure first
        long = pd.DataFrame({"count": total, "denominator": person_years.reindex(total.index)}).dropna()
        long = long.reset_index().set_axis(["area_code", "end", "count", "denominator"], axis=1)
        long["period"] = [pooled_label(int(end), years) for end in long["end"]]
        numerator = pd.concat([numerator, pooled], ignore_index=True)
        if long.empty:
            notes.append(f"{entry.title}: not made, because no {years}-year period has both counts and ONS "
                         "population estimates for every year.")
            continue
        first_year = int(long["end"].min()) - years + 1
        used = denominator[denominator["period"].str.match(_SINGLE_YEAR)]
        used = used[used["period"].astype(int).between(first_year, int(long["end"].max()))]
        made.append(_rows(long, numerator, used, entry, years))
        shown = sorted(long["period"].unique(), key=lambda p: int(p[:4]))
        notes.append(f"{entry.title}: the counts of {years} consecutive years over the sum of the ONS mid-year "
                     f"population estimates for the same {years} years (person-years), per "
                     f"{int(entry.multiplier):,}, for {shown[0]} to {shown[-1]}; no period uses another "
                     "year's estimate. Counties, regions, England and police force areas add up district "
                     "counts and populations.")
    return (concat_frames(made) if made else concat_frames([])), notes


def _rows(long: pd.DataFrame, numerator: pd.DataFrame, denominator: pd.DataFrame, entry, years: int) -> pd.DataFrame:
    about = numerator.drop_duplicates("area_code").set_index("area_code")
    population_release = ", ".join(sorted(set(denominator["vintage"]) - {""}))
    start, end = period_bounds(long["period"])
    frame = pd.DataFrame({
        "indicator_id": entry.frame_id, "indicator_name": entry.title,
        "source": about["source"].reindex(long["area_code"]).to_numpy() + "; ONS mid-year population estimates",
        "area_code": long["area_code"], "area_name": about["area_name"].reindex(long["area_code"]).to_numpy(),
        "area_type": about["area_type"].reindex(long["area_code"]).to_numpy(),
        "period": long["period"], "period_start": start, "period_end": end,
        "value": np.nan, "count": long["count"], "denominator": long["denominator"],
        "value_type": entry.value_type, "multiplier": float(entry.multiplier), "unit": entry.unit,
        "polarity": entry.polarity, "comparator_method": entry.comparator, "ci_method": entry.ci_method,
        "value_note": "",  # how the rate is made is the same for every row: the catalogue definition says it
        "source_url": about["source_url"].reindex(long["area_code"]).to_numpy(),
        "retrieved_at": about["retrieved_at"].reindex(long["area_code"]).to_numpy(),
        "vintage": about["vintage"].reindex(long["area_code"]).to_numpy() + (
            f"; population {population_release}" if population_release else ""),
    })
    return new_frame(frame)
