"""Which figures can be rebuilt from the counts and denominators of the areas they are made of.

One rule, used by every stage that combines areas: the police force area and
regional roll-ups (:mod:`assessment.stats.aggregate`) and the re-keying of
former districts onto the current geography (:mod:`assessment.geography.crosswalk`).
A figure is rebuilt by adding up counts and denominators and recomputing the
value and intervals with the standard method for its value type; anything
else (a directly standardised rate without age-specific data, a ratio, a
score, a rank, a life expectancy) cannot be, and the reason is written into
the row's value note.

>>> rebuild_method("proportion", "wilson", has_denominator=True)
'wilson'
>>> rebuild_method("crude rate", "published", has_denominator=True)
'byars'
>>> rebuild_method("count", "none", has_denominator=False)
'count'
>>> print(not_rebuildable_reason("directly standardised rate", "dobson", has_denominator=True))
Not aggregable: directly standardised rate without age-specific data
>>> rebuild_method("score", "none", has_denominator=False, weighted=True)
'population_weighted_mean'
>>> shows_summed_count("directly standardised rate")
True

Two figures that cannot be re-standardised are still not left blank. An
average score the catalogue marks ``aggregation: population_weighted_mean``
(the IMD average score is itself a population-weighted mean of its
neighbourhoods' scores) is rebuilt as the mean of its areas' scores weighted
by their populations. A directly standardised rate keeps no value, but its
parent gets the summed count and population, so a report can give the count
and a crude rate (labelled as crude, never compared with England's
standardised rate) beside each area's published rate.
"""

from __future__ import annotations

import pandas as pd

#: Interval methods whose figures are a plain count over a denominator.
COUNT_BASED_METHODS = ("wilson", "byars", "exact_poisson")
#: The standard interval method for a value type rebuilt from published counts.
STANDARD_METHOD = {"proportion": "wilson", "crude rate": "byars"}
#: The catalogue's ``aggregation`` value for a score that is a population-weighted mean.
WEIGHTED_MEAN = "population_weighted_mean"
#: Value types whose parents keep the summed count and denominator when the value cannot be rebuilt.
SUMMED_COUNT_TYPES = ("directly standardised rate",)
SUMMED_COUNT_NOTE = "the summed count and a crude rate are given instead"


def rebuild_method(value_type: str, ci_method: str, *, has_denominator: bool, weighted: bool = False) -> str | None:
    """The interval method a rebuilt figure gets (``"count"`` for a plain count), or None if it cannot be rebuilt.

    ``weighted``: the catalogue marks the indicator ``aggregation: population_weighted_mean``.
    """
    if weighted and value_type == "score":
        return WEIGHTED_MEAN
    if value_type == "count":
        return "count"
    if not has_denominator:
        return None
    if ci_method in COUNT_BASED_METHODS and value_type in STANDARD_METHOD:
        return ci_method
    if ci_method == "published" and value_type in STANDARD_METHOD:
        return STANDARD_METHOD[value_type]  # counts and denominators are published: recompute
    return None


def shows_summed_count(value_type: str) -> bool:
    """Whether a parent keeps the summed count and denominator of a figure it cannot rebuild."""
    return value_type in SUMMED_COUNT_TYPES


def not_rebuildable_reason(value_type: str, ci_method: str, *, has_denominator: bool,
                           weighted: bool = False) -> str | None:
    """Why a figure cannot be rebuilt from its parts (None when it can), as a value note."""
    if rebuild_method(value_type, ci_method, has_denominator=has_denominator, weighted=weighted) is not None:
        return None
    if value_type == "directly standardised rate":
        return "Not aggregable: directly standardised rate without age-specific data"
    if value_type in STANDARD_METHOD:
        return f"Not aggregable: a {value_type} without counts and denominators cannot be rebuilt"
    article = "an" if value_type[:1] in "aeiou" else "a"
    return f"Not aggregable: {article} {value_type} cannot be added up across areas"


def weighted_means(rebuilt: pd.DataFrame, merged: pd.DataFrame, group: list[str], weighted_ids: frozenset[str],
                   populations: dict[str, float]) -> pd.DataFrame:
    """Give each rebuilt weighted-mean score the mean of its former districts' scores, weighted by population.

    ``rebuilt`` has one row per successor (``area_code``) and key ``group``; ``merged`` the
    former districts' rows, each with its successor in ``new_code``. The rule of the force
    and county roll-ups (:func:`assessment.stats.aggregate`): every former district needs
    its score and a population; otherwise the row has no value and its note names the
    former areas without a population (or keeps "Not aggregable"). Cumberland's IMD 2019
    score is the mean of Allerdale's, Carlisle's and Copeland's, weighted by their mid-year
    populations.
    """
    if rebuilt.empty or not weighted_ids:
        return rebuilt
    rows = merged[merged["indicator_id"].isin(weighted_ids) & merged["value_type"].eq("score")]
    if rows.empty:
        return rebuilt
    weights = rows["area_code"].map(populations).astype(float)
    usable = rows["value"].notna() & weights.notna() & ~rows["suppressed"].astype(bool)
    keys = group + ["new_code"]
    parts = rows.assign(_weighted=rows["value"] * weights, _weight=weights, _usable=usable)
    sums = parts.groupby(keys, sort=False, dropna=False).agg(
        weighted=("_weighted", "sum"), weight=("_weight", "sum"), complete=("_usable", "all"),
        former=("area_code", lambda codes: ", ".join(sorted(set(codes)))))
    unweighted = parts[parts["_weight"].isna()].groupby(keys, sort=False, dropna=False)["area_code"].agg(
        lambda codes: ", ".join(sorted(set(codes))))
    sums = sums[sums["complete"] & (sums["weight"] > 0)]
    out = rebuilt.copy()
    at = pd.MultiIndex.from_frame(out[group].assign(new_code=out["area_code"]))
    lacking = at.isin(unweighted.index)
    if lacking.any():  # say what is missing: the populations to weight by, not a rule against scores
        out.loc[lacking, "value_note"] = ("No value: no population estimate of former areas "
                                          + unweighted.reindex(at[lacking]).to_numpy(object)
                                          + " to weight their scores by")
    found = at.isin(sums.index)
    if not found.any():
        return out
    chosen = sums.reindex(at[found])
    out.loc[found, "value"] = (chosen["weighted"] / chosen["weight"]).to_numpy(float)
    out.loc[found, "ci_method"] = "none"
    out.loc[found, "value_note"] = ("Population-weighted mean of the scores of former areas "
                                    + chosen["former"].to_numpy(object))
    return out
