"""Benchmark comparisons (Fingertips' comparator methods), with polarity applied in one place.

Each method in ``data_sources/comparators.yaml`` maps to a function that returns,
for every row, a *direction* (``-1`` lower, ``0`` similar, ``+1`` higher, NaN when
it cannot compare) and a *level* (1 at 95%, 2 when the 99.8% interval also
excludes the comparator), or a bin number for quintiles and quartiles. Only
:func:`_label` turns directions into words, using the row's polarity.

>>> import pandas as pd
>>> from assessment.tidy.frame import new_frame
>>> rows = [dict(indicator_id="i", indicator_name="I", source="s", area_code=c, area_name=c,
...              area_type=t, period="2023", value=v, lower_ci_95=v - 1, upper_ci_95=v + 1,
...              value_type="proportion", multiplier=100, polarity="low_is_good",
...              comparator_method="ci_overlap_95", ci_method="published")
...         for c, t, v in [("E92000001", "england", 10.0), ("E08000035", "lad", 14.0)]]
>>> compare_to(new_frame(rows), "E92000001")["comparison"].tolist()
['Not compared', 'Worse']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

import numpy as np
import pandas as pd

from ..core.paths import data_sources_dir
from ..core.registry_fields import read_registry
from ..tidy.row_numbers import factorize_with_missing, row_numbers

MATCH_COLUMNS = ["indicator_id", "period", "sex", "age", "category_type", "category"]
NOT_COMPARED = "Not compared"
#: Bin words, lowest values first. Without a judgement they are Fingertips' export labels
#: (fingertips-open Export/SignificanceFormatter.cs: "Lowest quintile", "2nd lowest quintile"...).
QUINTILE_WORDS = {
    "no_judgement": ["Lowest", "2nd lowest", "Middle", "2nd highest", "Highest"],
    "judged": ["Worst", "Worse", "Middle", "Better", "Best"],
}
QUARTILE_WORDS = {
    "no_judgement": ["Lowest", "2nd lowest", "2nd highest", "Highest"],
    "judged": ["Worst", "Worse", "Better", "Best"],
}


def comparators_file(path: str | None = None) -> dict:
    """``data_sources/comparators.yaml``: comparison methods (``methods``) and the recent-trend rules."""
    return _read_registry(str(path or data_sources_dir() / "comparators.yaml"))


def comparator_registry(path: str | None = None) -> dict:
    """The comparison methods registry (``methods`` of ``data_sources/comparators.yaml``), by method key."""
    return comparators_file(path)["methods"]


@lru_cache(maxsize=4)
def _read_registry(path: str) -> dict:
    return read_registry(path, "comparison methods registry")


def _overlap(lower: np.ndarray, upper: np.ndarray, reference: np.ndarray) -> np.ndarray:
    direction = np.where(lower > reference, 1.0, np.where(upper < reference, -1.0, 0.0))
    missing = np.isnan(lower) | np.isnan(upper) | np.isnan(reference)
    return np.where(missing, np.nan, direction)


#: The columns the interval methods read.
INTERVAL_COLUMNS = ["lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998"]


def _ci_overlap_95(frame: pd.DataFrame, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    direction = _overlap(frame["lower_ci_95"].to_numpy(float), frame["upper_ci_95"].to_numpy(float), reference)
    return direction, np.ones(len(frame))


def _ci_overlap_95_998(frame: pd.DataFrame, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Method 17: without both 95% and 99.8% limits there is no comparison
    (SingleOverlappingCIsForTwoCILevelsComparer: ``Are99_8CIsValid == false`` -> None), never a 95%-only label."""
    direction, _ = _ci_overlap_95(frame, reference)
    outer = _overlap(frame["lower_ci_998"].to_numpy(float), frame["upper_ci_998"].to_numpy(float), reference)
    level = np.where(np.abs(outer) == 1, 2.0, 1.0)
    return np.where(np.isnan(outer), np.nan, direction), level


def _percentile_bounds(valid: np.ndarray, bins: int) -> np.ndarray:
    """Bin bounds as Fingertips computes them (ValueCategoriesCalculator.cs): minimum, interpolated
    percentiles rounded to 10 decimal places (away from zero), maximum.

    >>> _percentile_bounds(np.arange(1.0, 51.0), 5).tolist()
    [1.0, 10.8, 20.6, 30.4, 40.2, 50.0]
    """
    inner = np.percentile(valid, np.linspace(0, 100, bins + 1)[1:-1], method="linear")
    inner = np.sign(inner) * np.floor(np.abs(inner) * 1e10 + 0.5) / 1e10
    return np.concatenate([[valid.min()], inner, [valid.max()]])


def _percentile_bins(frame: pd.DataFrame, bins: int) -> np.ndarray:
    """Bin (1 = lowest value) of each row among rows of the same type, indicator and period.

    Fingertips needs at least as many values as bins (QuintilesComparer / QuartilesComparer
    ``SetDataForCategories``: 5 for quintiles, 4 for quartiles).
    """
    out = np.full(len(frame), np.nan)
    groups = frame.groupby(MATCH_COLUMNS + ["area_type"], sort=False, dropna=False).indices
    values = frame["value"].to_numpy(float)
    for index in groups.values():
        group_values = values[index]
        valid = group_values[~np.isnan(group_values)]
        if len(valid) < bins:
            continue
        bounds = _percentile_bounds(valid, bins)
        # first bin whose upper bound is >= the value (Fingertips QuintilesComparer)
        placed = np.searchsorted(bounds[1:], group_values, side="left") + 1.0
        out[index] = np.where(np.isnan(group_values), np.nan, np.minimum(placed, bins))
    return out


METHODS: dict[str, Callable] = {
    "ci_overlap_95": _ci_overlap_95,
    "ci_overlap_95_998": _ci_overlap_95_998,
}
BINNED = {"quintiles": 5, "quartiles": 4}
NO_COMPARISON = "none"


def implemented_methods() -> set[str]:
    """The method keys this module computes; ``comparators.yaml`` must register exactly these.

    >>> sorted(implemented_methods()) == sorted(comparator_registry())
    True
    """
    return {*METHODS, *BINNED, NO_COMPARISON}


def _label(direction: float, level: float, polarity: str) -> str:
    """The one place polarity turns a direction into words."""
    if direction == 0:
        return "Similar"
    higher = direction > 0
    if polarity == "no_judgement":
        return "Higher" if higher else "Lower"
    good = higher == (polarity == "high_is_good")
    word = "Better" if good else "Worse"
    return f"{word} (99.8%)" if level == 2 else word


def _bin_label(bin_no: float, bins: int, polarity: str) -> str:
    words = (QUINTILE_WORDS if bins == 5 else QUARTILE_WORDS)
    kind = "quintile" if bins == 5 else "quartile"
    if polarity in ("high_is_good", "low_is_good"):
        position = int(bin_no) - 1 if polarity == "high_is_good" else bins - int(bin_no)
        return f"{words['judged'][position]} {kind}"
    return f"{words['no_judgement'][int(bin_no) - 1]} {kind}"


#: Why our method could not compare a row although the publisher did: it published no intervals with the value.
NO_INTERVAL_REASONS = ("the value has no confidence interval", "the value has no 99.8% confidence interval")
ENGLAND_CODE = "E92000001"


def _keep_published(out: pd.DataFrame, comparison: np.ndarray, reason: np.ndarray) -> None:
    """Keep the publisher's comparison with England where ours needs intervals the export does not carry.

    A Fingertips export may give the comparison label ("Worse", "Highest quintile")
    without the confidence limits it was made from; the label is Fingertips' own
    result of the same method, so it is kept rather than reported as "Not compared".
    Only the comparison with England is published, so only that one is kept.
    """
    if "published_comparison" not in out.columns:
        return
    # Each distinct label made text once: astype(str) made a new Python string of every row's.
    codes, labels = factorize_with_missing(out["published_comparison"].fillna(""))
    published = np.array([str(label) for label in labels] + [""], dtype=object)[codes]
    against_england = (out["comparator_code"] == ENGLAND_CODE).to_numpy(bool)
    keep = (comparison == NOT_COMPARED) & against_england & (published != "")
    keep[keep] = np.isin(reason[keep], NO_INTERVAL_REASONS)  # the reasons of these rows only (np.isin sorts them)
    comparison[keep] = published[keep]


@dataclass(frozen=True)
class ComparisonKeys:
    """Whole-number keys of a frame's rows: what finding a comparator's value matches on.

    ``match`` numbers the rows' MATCH_COLUMNS, ``areas`` their area codes (``area_codes``
    in that order); ``keys`` are the distinct (match, area) pairs sorted, ``first`` the
    first row of each. The same for every comparator, so a frame compared several times
    (with England, its region, England and Wales) works them out once.
    """

    match: np.ndarray
    areas: np.ndarray
    area_codes: pd.Index
    keys: np.ndarray
    first: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> ComparisonKeys:
        """The keys of ``frame``'s rows."""
        match = row_numbers(frame, MATCH_COLUMNS)
        areas, area_codes = pd.factorize(frame["area_code"])
        keys, first = np.unique(match * (len(area_codes) + 1) + areas, return_index=True)
        return cls(match, areas, pd.Index(area_codes), keys, first)


def _comparator_numbers(keys: ComparisonKeys, comparator_codes: pd.Series) -> np.ndarray:
    """Each row's comparator as the number of its code among the frame's area codes (-1: none of them, or none).

    Each distinct code looked up once: a national frame has a million rows and a few comparators.
    """
    numbers, codes = pd.factorize(comparator_codes.to_numpy(object))
    return np.append(keys.area_codes.get_indexer(pd.Index(np.asarray(codes, dtype=object))), -1)[numbers]


def _comparator_values(frame: pd.DataFrame, comparators: np.ndarray, keys: ComparisonKeys) -> np.ndarray:
    """Each row's comparator's value: that of the first row of the comparator area with the row's MATCH_COLUMNS.

    ``comparators``: :func:`_comparator_numbers`. Matched on whole-number keys, not by
    merging on seven text columns (a national frame has over a million rows, compared three times).
    """
    wanted = keys.match * (len(keys.area_codes) + 1) + comparators
    if not len(keys.keys):
        return np.full(len(wanted), np.nan)
    found = np.minimum(np.searchsorted(keys.keys, wanted), len(keys.keys) - 1)
    matched = (comparators >= 0) & (keys.keys[found] == wanted)
    values = frame["value"].to_numpy(float)
    return np.where(matched, values[keys.first[found]], np.nan)


def compare_to(frame: pd.DataFrame, comparator_codes: str | Mapping | pd.Series,
               keys: ComparisonKeys | None = None) -> pd.DataFrame:
    """Compare each row with its comparator area's value for the same indicator and period.

    ``comparator_codes`` is one code for every row (e.g. England, "E92000001") or
    a per-row Series / a mapping area_code -> comparator code (e.g. regions).
    Adds ``comparator_code``, ``comparator_value``, ``comparison`` and
    ``comparison_reason`` (always filled when the result is "Not compared").
    A row our method cannot compare for want of intervals keeps the comparison
    with England its publisher gave (``published_comparison``). ``keys``: the
    frame's :class:`ComparisonKeys`, when it is compared more than once.
    """
    out = frame.copy(deep=False)  # only new columns are set on it: the frame's own data is shared, not copied
    if isinstance(comparator_codes, str):
        codes = pd.Series(comparator_codes, index=out.index)
    elif isinstance(comparator_codes, pd.Series):
        codes = comparator_codes.reindex(out.index)
    else:
        codes = out["area_code"].map(comparator_codes)
    out["comparator_code"] = codes.astype(object).where(codes.notna(), None)
    keys = keys or ComparisonKeys.of(frame)
    comparators = _comparator_numbers(keys, out["comparator_code"])
    out["comparator_value"] = _comparator_values(frame, comparators, keys)

    reference = out["comparator_value"].to_numpy(float)
    comparison = np.full(len(out), NOT_COMPARED, dtype=object)
    reason = np.full(len(out), "", dtype=object)
    methods = out["comparator_method"].to_numpy(object)
    polarity = out["polarity"].to_numpy(object)
    method_numbers, distinct_methods = pd.factorize(methods)  # a missing method compares nothing (-1)
    for number, method in enumerate(distinct_methods):  # each method's rows are its own: any order will do
        index = np.flatnonzero(method_numbers == number)
        if method in BINNED:
            bins = _percentile_bins(out.loc[methods == method, [*MATCH_COLUMNS, "area_type", "value"]],
                                    BINNED[method])
            placed = ~np.isnan(bins)
            reason[index[~placed]] = f"fewer than {BINNED[method]} areas of this type have a value"
            # One label per (bin, polarity), not one per row.
            binned = pd.DataFrame({"bin": bins[placed], "polarity": polarity[index[placed]]})
            for key, positions in binned.groupby(["bin", "polarity"], dropna=False).indices.items():
                bin_no, bin_polarity = cast(tuple, key)
                comparison[index[placed][positions]] = _bin_label(bin_no, BINNED[method], bin_polarity)
            continue
        if method not in METHODS:
            reason[index] = ("it is given for information, not as a comparison" if method == NO_COMPARISON
                             else f"unknown comparison method '{method}'")
            continue
        direction, level = METHODS[method](out[INTERVAL_COLUMNS].iloc[index], reference[index])
        compared = np.flatnonzero(~np.isnan(np.asarray(direction, dtype=float)))
        # One label per (direction, level, polarity): a national frame has a million rows and a dozen labels.
        outcomes = pd.DataFrame({"direction": np.asarray(direction)[compared], "level": np.asarray(level)[compared],
                                 "polarity": polarity[index[compared]]})
        for key, positions in outcomes.groupby(["direction", "level", "polarity"], dropna=False).indices.items():
            d, lv, p = cast(tuple, key)  # grouped by three columns, so each key is a tuple of three
            comparison[index[compared[positions]]] = _label(d, lv, p)
    # Reasons in order of precedence, so the reader is told the first thing that stopped it.
    suppressed = out["suppressed"].to_numpy(bool)
    no_value = out["value"].isna().to_numpy()
    no_reference = np.isnan(reference)
    no_ci = out["lower_ci_95"].isna().to_numpy() | out["upper_ci_95"].isna().to_numpy()
    no_998 = out["lower_ci_998"].isna().to_numpy() | out["upper_ci_998"].isna().to_numpy()
    not_applicable = polarity == "not_applicable"
    is_self = (comparators == keys.areas) & (keys.areas >= 0)  # the same code (a missing one is no area's)
    checks = [
        (suppressed, "the value is suppressed (small numbers)"),
        (no_value, "no value is published for this area and period"),
        (is_self, "this is the comparator area itself"),
        (not_applicable & ~np.isin(methods, list(BINNED)), "the indicator has no polarity for comparison"),
        (no_reference & ~np.isin(methods, list(BINNED)), "no comparator value for the same period"),
        (no_ci & np.isin(methods, list(METHODS)), "the value has no confidence interval"),
        (no_998 & (methods == "ci_overlap_95_998"), "the value has no 99.8% confidence interval"),
    ]
    for mask, text in checks:
        mask = mask & (reason == "")
        comparison[mask] = NOT_COMPARED
        reason[mask] = text
    reason[(comparison == NOT_COMPARED) & (reason == "")] = "the comparison could not be made"
    _keep_published(out, comparison, reason)
    reason[comparison != NOT_COMPARED] = ""
    out["comparison"] = comparison
    out["comparison_reason"] = reason
    return out
