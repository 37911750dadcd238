"""Build parent areas (police force areas, upper-tier authorities, regions, England) from districts.

Counts and denominators of the districts in a parent are added up and the
value and intervals recomputed with the indicator's own method. Rates are
never averaged. A parent gets no value when any of its districts is missing
or suppressed, unless ``partial=True``, in which case the value note names the
districts left out. Indicators whose figures cannot be added up (scores,
ranks, means, and directly standardised rates without age-specific data) get
a row with no value and a "Not aggregable" note, so the report can say so;
a directly standardised rate's parent still gets its districts' summed count
and population, and a score marked as a population-weighted mean is rebuilt
as one (:mod:`assessment.stats.rebuildable` decides which).

Every parent in the lookup gets a row for every indicator, period and breakdown
its children have, even when none of its own districts has data (Cumbria's
unitaries before they existed, say): the row's value note says why there is no
value. Areas Fingertips publishes combined with a neighbour
(:mod:`assessment.stats.combined_areas`) are counted once, with a note.

>>> import pandas as pd
>>> from assessment.tidy.frame import new_frame
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

from collections.abc import Mapping
from typing import Any, cast

import numpy as np
import pandas as pd

from ..tidy.frame import KEY_COLUMNS, coerce_frame, empty_frame
from ..tidy.row_numbers import each_distinct, row_numbers
from .combined_areas import carry_combined, combined_codes, combined_pairs
from .intervals import add_intervals
from .rebuildable import SUMMED_COUNT_NOTE, not_rebuildable_reason, rebuild_method, shows_summed_count
from .rollup_groups import RollupGroups, join_parents, rollup_groups

GROUP_COLUMNS = [c for c in KEY_COLUMNS if c != "area_code"]
FIGURES = ("value", "lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998", "count", "denominator")
SPLIT_NOTE = "Not aggregable: constituent areas are split between parent areas"
#: A column a caller may add to the frame: whole numbers numbering its rows' GROUP_COLUMNS
#: (:func:`with_series_numbers`), worked out once for several roll-ups of one frame.
SERIES_NUMBER = "_series_number"


#: The columns of the district rows the sums and notes read.
READ_COLUMNS = ["area_code", "area_name", "indicator_id", "value", "count", "denominator", "value_type", "ci_method",
                "value_note", "suppressed"]


def with_series_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with :data:`SERIES_NUMBER`: a national frame's roll-ups then group on one column of
    whole numbers and the parent, not on seven text columns each time (seven roll-ups of a million rows)."""
    numbers = row_numbers(frame, GROUP_COLUMNS)
    return frame.assign(**{SERIES_NUMBER: numbers})


def _aggregable(first: Mapping[str, Any], weighted: bool = False) -> str | None:
    """Why a row's indicator cannot be rebuilt from district counts (None if it can).

    Whether each district has its counts is checked per parent, below.
    """
    return not_rebuildable_reason(first["value_type"], first["ci_method"], has_denominator=True, weighted=weighted)


def _codes(codes: list[str], shown: int = 10, names: dict[str, str] | None = None) -> str:
    """Areas for a note, the first ``shown`` and how many more, named where the frame names them.

    >>> _codes(["E08000029", "E08000030"], names={"E08000029": "Solihull"})
    'Solihull (E08000029), E08000030'
    """
    names = names or {}
    more = len(codes) - shown
    named = [f"{names[c]} ({c})" if names.get(c) and names[c] != c else c for c in codes[:shown]]
    return ", ".join(named) + (f" and {more} more" if more > 0 else "")


def _is_count(value_type: str) -> bool:
    return value_type == "count"


def _first_names(rows: pd.DataFrame) -> dict[str, str]:
    """Area code -> the name on its first row (codes whose first row has no name are left out)."""
    first = ~rows["area_code"].duplicated().to_numpy()
    names = rows["area_name"].to_numpy(object)[first]
    return {code: name for code, name in zip(rows["area_code"].to_numpy(object)[first], names) if pd.notna(name)}


def _per_code(codes: np.ndarray, figures: Mapping[str, float]) -> np.ndarray:
    """Each code's figure (NaN for a code without one), looked up once per distinct code."""
    numbers, distinct = pd.factorize(codes)
    return np.array([figures.get(code, np.nan) for code in distinct] + [np.nan], dtype=float)[numbers]


def _complete_groups(groups: RollupGroups, codes: np.ndarray, usable_mask: np.ndarray,
                     expected: dict, combined: frozenset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each (key, parent) group: whether all its parent's districts are in it and usable (full), and
    whether it is simple (no combined district, none repeated: what is left out is what is missing);
    and for each row, whether its district is one of the registry's combined areas.

    Counted for all groups at once; a group's districts are its parent's, each once
    (the frame has one row per key and area), so a full count means none is missing.
    Any repeated district makes every group take the careful path.
    """
    group_of = groups.of_row
    code_ids, uniques = pd.factorize(codes)
    # Each distinct code looked up once (np.isin on the rows' text sorted them); a missing code (-1) is not one.
    is_combined = np.append(np.isin(np.asarray(uniques, dtype=object), list(combined)), False)[code_ids]
    # pd.unique hashes; np.unique sorts the million pairs of a national roll-up (a second each).
    if len(pd.unique(group_of * max(len(uniques), 1) + code_ids)) != len(codes):
        return np.zeros(len(groups), dtype=bool), np.zeros(len(groups), dtype=bool), is_combined
    usable = np.bincount(group_of[usable_mask], minlength=len(groups))
    simple = np.bincount(group_of[is_combined], minlength=len(groups)) == 0
    sizes = {parent: len(children) for parent, children in expected.items()}
    wanted = np.array([sizes[parent] for parent in groups.parents], dtype=np.int64)
    return usable == wanted, simple, is_combined


def _exact_sums(group_of: np.ndarray, figures: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Each group's sum of ``figures`` (missing ones left out), and whether that sum is exact in any order.

    Whole numbers whose total stays below 2**52 add up exactly whichever way they are
    added, so these sums are the ones a group-by-group ``sum`` gives.
    """
    known = ~np.isnan(figures)
    plain = np.where(known, figures, 0.0)
    uneven = np.bincount(group_of, weights=(plain != np.floor(plain)), minlength=groups) > 0
    size = np.bincount(group_of, weights=np.abs(plain), minlength=groups)
    return np.bincount(group_of, weights=plain, minlength=groups), ~uneven & (size < 2.0 ** 52)


def _settled_groups(group_of: np.ndarray, complete: np.ndarray, simple: np.ndarray, counts: np.ndarray,
                    denominators: np.ndarray, template_rows: list[int], parents: list[str],
                    template_columns: dict[str, np.ndarray], no_value_reason,
                    weighted_ids: frozenset[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The groups settled without looking at each, and every group's changes (theirs filled).

    Most groups of a national roll-up either have every district, each usable, of an
    indicator whose figure is rebuilt from its summed count and denominator (added up
    for all groups at once, where the sums are exact, so each is the figure the
    group-by-group path gives), or are of an indicator that cannot be rebuilt
    (``no_value_reason(first, parent)``: the note is that reason). One that cannot be
    rebuilt but shows its summed count (a standardised rate) keeps the sums of a
    complete group, and only the reason when a district is left out of a simple one
    (see :func:`_complete_groups`). The other groups' value notes are left None.
    """
    groups = len(template_rows)
    firsts = pd.DataFrame({name: column[template_rows] for name, column in template_columns.items()})
    # Decided once per distinct (indicator, value type, interval method) and parent, not once per group.
    kinds = firsts.assign(parent=parents).groupby(
        [*template_columns, "parent"], sort=False, dropna=False).ngroup().to_numpy()
    kind_first = np.unique(kinds, return_index=True)[1]
    kind_rows = [{name: column[template_rows[n]] for name, column in template_columns.items()} for n in kind_first]
    reasons = [no_value_reason(row, parents[n]) for row, n in zip(kind_rows, kind_first)]
    kind_rebuilt = np.array([reason is None and row["indicator_id"] not in weighted_ids
                             for row, reason in zip(kind_rows, reasons)], dtype=bool)
    summed = [bool(reason) and reason != SPLIT_NOTE and shows_summed_count(row["value_type"])
              for row, reason in zip(kind_rows, reasons)]
    kind_refusal = np.array([reason if reason and not adds else None for reason, adds in zip(reasons, summed)]
                            or [None], dtype=object)
    kind_summed = np.array(summed or [False], dtype=bool)
    kind_reason = np.array(reasons or [None], dtype=object)
    kind_summed_note = np.array([f"{reason}; {SUMMED_COUNT_NOTE}" if adds else None
                                 for reason, adds in zip(reasons, summed)] or [None], dtype=object)
    methods = [rebuild_method(row["value_type"], row["ci_method"], has_denominator=True) for row in kind_rows]
    kind_method = np.array([m if m not in (None, "count") else None for m in methods] or [None], dtype=object)
    count_sums, exact_counts = _exact_sums(group_of, counts, groups)
    denominator_sums, exact_denominators = _exact_sums(group_of, denominators, groups)
    finite = np.bincount(group_of, weights=np.isfinite(denominators), minlength=groups)
    with_denominator, all_denominators = finite > 0, finite == np.bincount(group_of, minlength=groups)
    plain = complete & exact_counts & exact_denominators & kind_rebuilt[kinds]
    # A complete group's counts and populations all add up (its note says the rate is not rebuilt); a
    # population is only summed when every district has one (exact, or not summed at all).
    adds = kind_summed[kinds] & complete & exact_counts & (exact_denominators | ~all_denominators)
    refused = np.where(kind_summed[kinds] & simple & ~complete, kind_reason[kinds], kind_refusal[kinds])
    method = kind_method[kinds]
    ci_method = np.full(groups, None, dtype=object)
    ci_method[plain] = method[plain]
    return plain | adds | pd.notna(refused), {
        "count": np.where(plain | adds, count_sums, np.nan),
        "denominator": np.where((plain & with_denominator) | (adds & all_denominators), denominator_sums, np.nan),
        "value": np.full(groups, np.nan),
        "value_note": np.where(plain, "", np.where(adds, kind_summed_note[kinds], refused)).astype(object),
        "ci_method": ci_method,
    }


def _parent_rows(frame: pd.DataFrame, template_rows: np.ndarray, parents: list[str], names: dict[str, str],
                 parent_type: str, changes: pd.DataFrame) -> pd.DataFrame:
    """Parents' rows: each the indicator, period and breakdown of its template row ``template_rows[i]`` of ``frame``.

    Built column by column (a national roll-up has hundreds of thousands of rows);
    ``changes`` gives each row's count, denominator, value, value_note and
    ci_method (None keeps the template's).
    """
    rows = frame.iloc[template_rows].drop(columns=[SERIES_NUMBER], errors="ignore").reset_index(drop=True)
    # published_*: the publisher said nothing of this area, so nothing it said is carried over.
    rows["area_code"] = np.asarray(parents, dtype=object)
    rows["area_name"] = np.asarray([names[p] for p in parents], dtype=object)
    rows["area_type"] = parent_type
    rows["suppressed"] = False
    rows["published_comparison"], rows["published_trend"] = "", ""
    rows["source"] = rows["source"].astype(object) + " (aggregated from districts)"
    for name in FIGURES:
        rows[name] = changes[name].to_numpy(float) if name in changes else np.nan
    rows["value_note"] = changes["value_note"].to_numpy(object)
    method = changes["ci_method"].to_numpy(object)
    rows["ci_method"] = np.where(pd.isna(method), rows["ci_method"].to_numpy(object), method)
    return rows


def _combined_usable(codes: list[str], notes_of_rows: list[str],
                     expected: frozenset) -> tuple[set[str], set[str], list[str]]:
    """Count each combined figure once: (codes whose figures to add, members covered by their host, notes)."""
    covered, notes = set(), []
    present = set(codes)
    usable = set(codes)
    for pair in combined_pairs(codes, notes_of_rows):
        host_in, member_in = pair.host_code in expected, pair.member_code in expected
        together = f"{pair.host_name} and {pair.member_name}"
        if host_in and member_in and pair.host_code in present:
            usable.discard(pair.member_code)
            covered.add(pair.member_code)
            notes.append(f"{together} are published as one combined figure, counted once")
        elif host_in and pair.host_code in present:
            notes.append(f"{pair.host_name}'s figure includes {pair.member_name} (published combined)")
        elif member_in and pair.member_code in present:
            notes.append(f"{pair.member_name}'s figure is the combined figure for {together} (published combined)")
    return usable, covered, notes


def aggregate(frame: pd.DataFrame, lookup: pd.DataFrame, parent_type: str, *,
              partial: bool = False, weighted_ids: frozenset[str] = frozenset(),
              populations: dict[str, float] | None = None, carried: bool = False) -> pd.DataFrame:
    """Parent-area rows built from the child rows of ``frame`` through ``lookup``.

    ``lookup`` has child_code, parent_code, parent_name (see
    :meth:`assessment.geography.Geography.rollup_lookup`); children are usually
    districts, or upper-tier authorities for indicators published only for
    them. A child mapped to several parents of this type (a district split
    between community safety partnerships) cannot be apportioned: those
    parents are not aggregable.

    ``weighted_ids`` are indicators whose score is a population-weighted mean
    (the catalogue's ``aggregation``); ``populations`` gives each child's
    weight (its latest mid-year population). A child without a population
    leaves its parent without a value, as a missing count does. ``carried``: combined
    areas' figures are already carried (:func:`carry_combined`, once for several roll-ups).
    """
    populations = populations or {}
    frame = frame if carried else carry_combined(frame)
    in_lookup = frame["area_code"].isin(set(lookup["child_code"])).to_numpy()
    by = [SERIES_NUMBER] if SERIES_NUMBER in frame.columns else GROUP_COLUMNS
    # Only the columns the sums read, and each row's place in frame (a parent's row copies its template
    # row whole from there): each roll-up copied every column of a million district rows, twice.
    districts = frame.loc[in_lookup, list(dict.fromkeys([*by, *READ_COLUMNS]))].assign(_row=np.flatnonzero(in_lookup))
    # A note names the districts it is about (a reader knows Solihull, not E08000029); only the
    # lookup's children are named, so their rows, not the whole frame, give the names.
    child_names = _first_names(districts)
    if districts.empty or lookup.empty:
        return empty_frame()
    split = lookup.groupby("child_code")["parent_code"].transform("nunique") > 1
    split_parents = set(lookup.loc[split, "parent_code"])
    members = lookup.drop_duplicates(["child_code", "parent_code"])
    # Codes and names are text (pandas-stubs types a dict from a frame's index as Hashable-keyed).
    expected = cast(dict[str, frozenset], members.groupby("parent_code")["child_code"].apply(frozenset).to_dict())
    names = cast(dict[str, str], members.drop_duplicates("parent_code").set_index("parent_code")["parent_name"].to_dict())
    joined, parent_codes = join_parents(districts, members)
    # Plain arrays and dicts: a national roll-up has tens of thousands of (key, parent) groups. The
    # same groups, in the same order, whether the key's columns or their series number (one to one) are used.
    series = (joined[SERIES_NUMBER].to_numpy(np.int64) if by == [SERIES_NUMBER]
              else row_numbers(joined, by))
    groups = rollup_groups(series, parent_codes)
    template_columns = {name: joined[name].to_numpy(object) for name in ("indicator_id", "value_type", "ci_method")}

    def template(position: int) -> dict[str, Any]:
        return {name: column[position] for name, column in template_columns.items()}

    codes = joined["area_code"].to_numpy(object)
    row_notes = joined["value_note"].to_numpy(object)
    # Value types tested once each (a few types, a million rows), not compared row by row.
    usable_mask = (~joined["suppressed"].to_numpy(bool) & joined["count"].notna().to_numpy()
                   & (joined["denominator"].notna().to_numpy() | each_distinct(joined["value_type"], _is_count)))
    counts, denominators = joined["count"].to_numpy(float), joined["denominator"].to_numpy(float)
    values = joined["value"].to_numpy(float)
    weights = _per_code(codes, populations)
    weighted_rows = joined["indicator_id"].isin(weighted_ids).to_numpy()
    # A weighted mean needs each child's value and population, not its counts.
    usable_mask = np.where(weighted_rows, ~joined["suppressed"].to_numpy(bool) & np.isfinite(values)
                           & np.isfinite(weights), usable_mask)
    # A standardised rate's parent keeps the summed count: its districts need counts, not denominators.
    summed_rows = each_distinct(joined["value_type"], shows_summed_count)
    usable_mask = np.where(summed_rows, ~joined["suppressed"].to_numpy(bool) & joined["count"].notna().to_numpy(),
                           usable_mask)
    combined = combined_codes()

    def no_value_reason(first: dict, parent: str) -> str | None:
        return SPLIT_NOTE if parent in split_parents else _aggregable(first, first["indicator_id"] in weighted_ids)

    full, simple, is_combined = _complete_groups(groups, codes, usable_mask, expected, combined)
    complete = full & simple
    template_rows = groups.first_rows.tolist()
    parents = list(groups.parents)
    settled, sums = _settled_groups(groups.of_row, complete, simple, counts, denominators, template_rows, parents,
                                    template_columns, no_value_reason, weighted_ids)
    for number in np.flatnonzero(~settled):  # the groups that need a look at their districts
        positions, whole, parent = groups.rows(int(number)), complete[number], parents[number]
        first = template(template_rows[number])
        row: dict[str, Any] = {"count": np.nan, "denominator": np.nan, "value": np.nan, "ci_method": None}
        covered: set[str] = set()
        notes: list[str] = []
        if whole:  # every district usable, none combined: nothing left out (most groups of a national roll-up)
            usable, left_out = positions, []
        else:
            usable = positions[usable_mask[positions]]
            if not simple[number]:  # a combined figure counted once: only registry areas' rows can hold one
                shared = np.flatnonzero(is_combined[usable])
                kept, covered, notes = _combined_usable(list(codes[usable[shared]]), list(row_notes[usable[shared]]),
                                                        expected[parent])
                dropped = np.zeros(len(usable), dtype=bool)
                dropped[shared] = [code not in kept for code in codes[usable[shared]]]
                usable = usable[~dropped]
            # A full group (every district there, usable) leaves none out: a member dropped is covered.
            left_out = [] if full[number] else sorted(expected[parent] - set(codes[usable]) - covered)
        reason = no_value_reason(first, parent)
        summed = bool(reason) and reason != SPLIT_NOTE and shows_summed_count(first["value_type"])
        if reason and not (summed and not left_out):
            notes = [reason]
        elif summed:  # no rebuilt rate, but the count and population add up
            row["count"] = counts[usable].sum()
            # A crude rate needs every district's population: part of one would overstate it.
            row["denominator"] = denominators[usable].sum() if np.isfinite(denominators[usable]).all() else np.nan
            notes = [f"{reason}; {SUMMED_COUNT_NOTE}"]
        elif left_out and not partial:
            missing = sorted(expected[parent] - set(codes[positions]))
            hidden = sorted(set(left_out) - set(missing))
            why = []
            if missing:
                why.append(f"no data for {_codes(missing, names=child_names)}")
            if hidden:
                why.append(f"suppressed or without counts: {_codes(hidden, len(hidden), child_names)}")
            notes = ["No value: constituent districts incomplete (" + "; ".join(why) + ")"]
        elif first["indicator_id"] in weighted_ids:
            row["value"] = float(np.average(values[usable], weights=weights[usable]))
            row["ci_method"] = "none"
            notes.append("Population-weighted mean of its areas' scores")
            if left_out:
                notes.append(f"Partial: excludes districts {_codes(left_out, len(left_out), child_names)}")
        else:
            row["count"] = counts[usable].sum()
            row["denominator"] = np.nansum(denominators[usable]) if np.isfinite(denominators[usable]).any() else np.nan
            method = rebuild_method(first["value_type"], first["ci_method"], has_denominator=True)
            if method not in (None, "count"):
                row["ci_method"] = method  # a published figure is recomputed from its counts
            if left_out:
                notes.append(f"Partial: excludes districts {_codes(left_out, len(left_out), child_names)}")
        row["value_note"] = "; ".join(notes)
        for name, value in row.items():
            sums[name][number] = value
    # A parent none of whose districts has data still gets its row, saying so.
    absent_notes = []
    series_of = groups.series.tolist()
    seen = set(zip(series_of, groups.parents))
    for number in np.flatnonzero(~pd.Series(series_of).duplicated().to_numpy()):  # each series' first group
        first_row = template_rows[number]
        first = template(first_row)
        for parent in expected:
            if (series_of[number], parent) not in seen:
                template_rows.append(first_row)
                parents.append(parent)
                absent = _codes(sorted(expected[parent]), names=child_names)
                absent_notes.append(no_value_reason(first, parent) or f"No value: no data for {absent}")
    changes = pd.DataFrame({name: np.concatenate([column, np.full(len(absent_notes), np.nan)])
                            for name, column in sums.items() if name not in ("value_note", "ci_method")})
    changes["value_note"] = np.concatenate([sums["value_note"], np.array(absent_notes, dtype=object)])
    changes["ci_method"] = np.concatenate([sums["ci_method"], np.full(len(absent_notes), None, dtype=object)])
    rows = _parent_rows(frame, joined["_row"].to_numpy()[template_rows], parents, names, parent_type, changes)
    built = add_intervals(coerce_frame(rows, private=True))
    plain_counts = built["value_type"].eq("count") & built["value"].isna() & built["count"].notna()
    built.loc[plain_counts, "value"] = built.loc[plain_counts, "count"]
    unexplained = built["value"].isna() & built["value_note"].eq("")
    built.loc[unexplained, "value_note"] = "No value: the districts' counts give no value (a zero denominator)"
    return built
