"""Re-key data published for other geography vintages onto the report's, never counting an area twice.

``boundaries/code_changes.csv`` lists every change since 2013, one row per
former code and successor, with its kind:

- ``recode``: the same area under a new code (a county that became a unitary
  with the same boundary, North Yorkshire E10000023 -> E06000065; Barnsley
  E08000016 -> E08000038 in 2025);
- ``merge``: a district merged into a new authority (Craven -> North Yorkshire);
- ``split``: an authority divided between successors (Cumbria -> Cumberland and
  Westmorland and Furness), one row per successor;
- ``abolished``: an authority with no successor of the same area (the 2019
  Dorset county).

Rows keyed to an older code move to their successor in the report's vintage:

1. a figure published under the current code is used as published;
2. otherwise a figure for the *same area* under an older code (a recode) is
   used as published (a county's score is the new unitary's score) and the
   merged districts are not added to it: North Yorkshire is the county's 51
   drug poisoning deaths in 2020, not 51 plus the 51 of its districts;
3. otherwise the former districts' counts and denominators are added up and
   the value rebuilt by the one rule of :mod:`assessment.stats.rebuildable` (a
   rank or standardised rate is marked not aggregable; a score the catalogue
   marks ``aggregation: population_weighted_mean`` is the mean of the former
   districts' scores weighted by their latest populations, the rule the
   force and county roll-ups use); every former district must be present,
   unless ``partial=True``;
4. a split or abolished authority's figures are left out: they are never
   divided between successors.

Codes *newer* than the vintage (2025 Barnsley and Sheffield in a 2024 report)
go back to their vintage code when the change was a recode; a merger newer
than the vintage cannot be undone and its rows are left out. Each decision is
written as a plain-English note (``notes``), for the bundle's metadata.

>>> changes = load_code_changes("2024")
>>> changes["E07000026"], changes["E07000190"], changes["E10000023"]
('E06000063', 'E06000066', 'E06000065')
>>> newer_recodes("2024")["E08000038"]
'E08000016'
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

import numpy as np
import pandas as pd

from ..core.errors import InputError
from ..tidy.frame import KEY_COLUMNS, area_type_for_code, coerce_frame
from ..tidy.row_numbers import factorize_with_missing
from ..core.paths import BOUNDARIES_DIR
from ..stats.rebuildable import not_rebuildable_reason, rebuild_method, weighted_means

CHANGES_PATH = BOUNDARIES_DIR / "code_changes.csv"
_GROUP = [c for c in KEY_COLUMNS if c != "area_code"]
_INTERVALS = ["lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998"]


@lru_cache(maxsize=1)
def changes_table() -> pd.DataFrame:
    table = pd.read_csv(CHANGES_PATH, dtype=str, keep_default_na=False)
    table["year"] = table["year"].astype(int)
    return table


def _step(vintage: str) -> dict[str, tuple[str, str]]:
    """Former code -> (next code, kind) for changes up to ``vintage``."""
    table = changes_table()
    moves = table[(table["year"] <= int(vintage)) & table["kind"].isin(["recode", "merge"])]
    return {old: (new, kind) for old, new, kind in zip(moves["old_code"], moves["new_code"], moves["kind"])}


@lru_cache(maxsize=8)
def code_chains(vintage: str) -> tuple[dict[str, str], frozenset[str]]:
    """Former code -> its code in ``vintage``; and the former codes whose every step was a recode."""
    step = _step(vintage)
    resolved, same_area = {}, set()
    for old in step:
        code, seen, recodes_only = old, {old}, True
        while code in step and step[code][0] not in seen:
            recodes_only &= step[code][1] == "recode"
            code = step[code][0]
            seen.add(code)
        resolved[old] = code
        if recodes_only:
            same_area.add(old)
    return resolved, frozenset(same_area)


def load_code_changes(vintage: str) -> dict[str, str]:
    """Former code -> its code in ``vintage``, following chains (district -> merged -> merged again)."""
    return dict(code_chains(str(vintage))[0])


@lru_cache(maxsize=8)
def newer_recodes(vintage: str) -> dict[str, str]:
    """A code introduced after ``vintage`` for the same area -> the area's code in ``vintage``."""
    table = changes_table()
    later = table[(table["year"] > int(vintage)) & (table["kind"] == "recode")]
    back = dict(zip(later["new_code"], later["old_code"]))
    out = {}
    for new in back:
        code, seen = back[new], {new}
        while code in back and code not in seen:
            seen.add(code)
            code = back[code]
        out[new] = code
    return out


def successors(code: str, vintage: str) -> list[str]:
    """The successors of a split authority (empty for any other code)."""
    table = changes_table()
    rows = table[(table["old_code"] == code) & (table["kind"] == "split") & (table["year"] <= int(vintage))]
    return sorted(rows["new_code"])


def former_name(code: str) -> str:
    """The name a code had in code_changes.csv ('' if it is not there)."""
    table = changes_table()
    names = dict(zip(table["new_code"], table["new_name"])) | dict(zip(table["old_code"], table["old_name"]))
    return names.get(code, "")


def _merged_into(vintage: str) -> dict[str, set[str]]:
    """Vintage code -> the codes merged into it directly (for the earliest-district check)."""
    table = changes_table()
    merges = table[(table["year"] <= int(vintage)) & (table["kind"] == "merge")]
    direct: dict[str, set[str]] = {}
    for old, new in zip(merges["old_code"], merges["new_code"]):
        direct.setdefault(new, set()).add(old)
    return direct


def _leaves(code: str, direct: dict[str, set[str]]) -> set[str]:
    """The earliest districts an area was made from (itself if it was never a merger)."""
    parts = direct.get(code)
    if not parts:
        return {code}
    return set().union(*(_leaves(p, direct) for p in parts))


@lru_cache(maxsize=4096)
def _missing_parts(new_code: str, present: frozenset[str], vintage: str) -> frozenset[str]:
    """The earliest districts of ``new_code`` that the former codes present do not cover."""
    direct = _merged_into(vintage)
    covered = set().union(*(_leaves(code, direct) for code in present))
    return frozenset(_leaves(new_code, direct) - covered)


@dataclass
class _Notes:
    """Decisions taken, by kind and areas, with the sources each affected (rendered once each)."""

    by_decision: dict[tuple, set[str]] = field(default_factory=dict)

    def add(self, decision: tuple, sources) -> None:
        self.by_decision.setdefault(decision, set()).update(str(s) for s in sources)

    def sentences(self, names) -> list[str]:
        def label(code: str) -> str:
            return f"{names.get(code) or former_name(code) or code} ({code})"

        def listed(codes) -> str:
            items = [label(c) for c in sorted(codes)]
            return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

        out = []
        for decision, sources in sorted(self.by_decision.items(), key=lambda item: item[0]):
            kind, *codes = decision
            where = f" ({'; '.join(sorted(sources))})" if sources else ""
            if kind == "recode":
                text = (f"{label(codes[1])}: figures published for {label(codes[0])}, the same area under its "
                        f"former code, are used as published")
                if len(codes) > 2 and codes[2]:
                    text += f"; its former districts ({listed(codes[2])}) are not added to them"
            elif kind == "newer":
                text = (f"{label(codes[1])}: figures published under {codes[0]}, the code this area was given "
                        f"after the report's geography vintage, are used for {codes[1]} (same area, new code)")
            elif kind == "merge":
                text = (f"{label(codes[0])}: figures published before it was formed are rebuilt from its former "
                        f"districts {listed(codes[1])} by adding their counts and denominators (an average "
                        "deprivation score as their population-weighted mean, where their populations are "
                        "known); ranks and standardised rates cannot be added up and are shown as not aggregable")
            elif kind == "split":
                text = (f"{label(codes[0])} was split between {listed(codes[1])}; figures published for it are "
                        "left out, because they cannot be divided between its successors, whose figures come "
                        "only from their own former districts or from figures published for them")
            elif kind == "abolished":
                text = (f"{label(codes[0])} was abolished with no successor covering the same area; its "
                        "figures are left out")
            elif kind == "newer_merge":
                text = (f"{label(codes[0])} is an authority formed after the report's geography vintage; its "
                        "figures cannot be divided between the areas it was formed from and are left out")
            elif kind == "current":
                text = (f"{label(codes[0])}: where figures were published under both its current code and a "
                        "former one, the current code's figures are used")
            else:  # "outside"
                text = ("Figures for areas outside England (Wales, Scotland, Northern Ireland) are left out, "
                        "apart from Welsh forces and England and Wales in tables published for both")
            out.append(text + where + ".")
        return out


def _kinds(codes: pd.Series, known: set[str], vintage: str) -> pd.DataFrame:
    """For each moving code: its target in ``vintage`` and the kind of change that takes it there."""
    resolved, same_area = code_chains(vintage)
    back = newer_recodes(vintage)
    table = changes_table()
    splits = set(table.loc[table["kind"] == "split", "old_code"])
    abolished = set(table.loc[table["kind"] == "abolished", "old_code"])
    newer_merges = set(table.loc[(table["year"] > int(vintage)) & (table["kind"] == "merge"), "new_code"])
    rows = []
    for code in codes.unique():
        if code in back and back[code] in known:
            rows.append((code, back[code], "newer"))
        elif code in resolved and resolved[code] in known:
            rows.append((code, resolved[code], "recode" if code in same_area else "merge"))
        elif code in splits:
            rows.append((code, "", "split"))
        elif code in abolished:
            rows.append((code, "", "abolished"))
        elif code in newer_merges:
            rows.append((code, "", "newer_merge"))
        else:
            rows.append((code, "", "unknown"))
    return pd.DataFrame(rows, columns=["area_code", "new_code", "kind"]).set_index("area_code")


def _origin(rows: pd.DataFrame, files_of: Callable[[str], list[str]] | None) -> str:
    """Where rows came from, for a message: their files (if known) and source."""
    if files_of is None:
        return ""
    parts = []
    for source in sorted(rows["source"].unique()):
        files = files_of(source)
        parts.append(f"{' and '.join(files)} ({source})" if files else str(source))
    return "; ".join(parts)


def crosswalk_frame(frame: pd.DataFrame, geography, *, partial: bool = False, where: str = "data",
                    notes: list[str] | None = None, england_and_wales: Collection[str] = (),
                    files_of: Callable[[str], list[str]] | None = None,
                    weighted_ids: Collection[str] = (), populations: dict[str, float] | None = None
                    ) -> pd.DataFrame:
    """Re-key district and upper-tier rows of ``frame`` to ``geography``'s vintage (see the module docstring).

    Rows outside England (W, S, N, K codes) are left out: the geography covers
    England and the Welsh councils of the Welsh forces. Regions and England pass
    through unchanged, and so do the Welsh police force area (W15), Welsh council
    (W06, when the geography has it) and England and Wales (K04) rows of the indicators
    in ``england_and_wales`` (published for England and Wales, e.g. justice
    tables). ``notes``, when given, receives one plain-English sentence per
    decision taken. ``files_of(source)``, when given, names the files a source's
    rows were read from, so an area code that cannot be mapped is blamed on its file.
    ``weighted_ids`` are the scores rebuilt as population-weighted
    means, with each former district's weight in ``populations`` (area code ->
    latest mid-year population).
    """
    vintage = str(geography.vintage)
    known = set(geography.areas["code"])
    names = geography.areas.set_index("code")["name"].to_dict()
    decisions = _Notes()
    # Each test of a code is made once per distinct code (a national frame has a million rows, a few hundred codes).
    ids, distinct = factorize_with_missing(frame["area_code"])
    codes = pd.Series(np.asarray(distinct, dtype=object), dtype=object)

    def of_rows(per_code: pd.Series, rows: np.ndarray = ids) -> np.ndarray:
        return per_code.to_numpy()[rows]

    # Welsh councils (W06) too: the geography holds them, so their counts add up to their forces.
    kept_outside = frame["indicator_id"].isin(set(england_and_wales)) & of_rows(
        codes.str[:3].isin(["W15", "K04"]) | (codes.str.startswith("W06") & codes.isin(known)))
    english = kept_outside | of_rows(codes.str.startswith("E"))
    if (~english).any():
        decisions.add(("outside",), frame.loc[~english, "source"].unique())
    frame, ids = frame[english], ids[english.to_numpy()]
    local = of_rows(codes.map(area_type_for_code).isin(["lad", "utla"]), ids)
    known_code = of_rows(codes.isin(known), ids)
    stays = frame[~local | known_code]
    moving = frame[local & ~known_code]
    if moving.empty:
        _finish(decisions, names, notes)
        return coerce_frame(stays, private=True)  # a selection made here: typed without another copy
    kinds = _kinds(moving["area_code"], known, vintage)
    unknown = sorted(kinds.index[kinds["kind"] == "unknown"])
    if unknown:
        origin = _origin(moving[moving["area_code"].isin(unknown)], files_of) or where
        raise InputError(f"{origin}: cannot map area code(s) {', '.join(unknown)} onto the {vintage} geography "
                         "(not in its lookups or in boundaries/code_changes.csv)")
    moving = moving.join(kinds, on="area_code")
    for kind in ("split", "abolished", "newer_merge"):
        for code, rows in moving[moving["kind"] == kind].groupby("area_code"):
            decisions.add((kind, code, tuple(successors(str(code), vintage))) if kind == "split" else (kind, code),
                          rows["source"].unique())
    moving = moving[moving["kind"].isin(["newer", "recode", "merge"])]

    # Rule 2: the same area under a former code wins over the districts merged into it.
    group_keys = _GROUP + ["new_code"]
    same_area = moving["kind"].isin(["newer", "recode"])
    has_same = same_area.groupby([moving[c] for c in group_keys], sort=False, dropna=False).transform("any")
    recoded, merged, set_aside = moving[same_area], moving[~same_area & ~has_same], moving[~same_area & has_same]
    skipped = {new: tuple(sorted(set(codes))) for new, codes in set_aside.groupby("new_code")["area_code"]}
    for key, rows in recoded.groupby(["area_code", "new_code", "kind"]):
        old, new, kind = cast(tuple[str, str, str], key)  # grouped by three text columns
        decisions.add((kind, old, new, skipped.get(new, ())) if kind == "recode" else (kind, old, new),
                      rows["source"].unique())
    recoded = recoded.assign(area_code=recoded["new_code"], area_name=recoded["new_code"].map(names),
                             area_type=recoded["new_code"].map(area_type_for_code))
    rebuilt = _add_up(merged, names, vintage, partial=partial, where=where, decisions=decisions)
    rebuilt = weighted_means(rebuilt, merged, _GROUP, frozenset(weighted_ids), populations or {})

    mapped = pd.concat([recoded, rebuilt], ignore_index=True).drop(columns=["new_code", "kind"])
    published = pd.MultiIndex.from_frame(stays[KEY_COLUMNS])
    clash = pd.MultiIndex.from_frame(mapped[KEY_COLUMNS]).isin(published)
    for code in sorted(set(mapped.loc[clash, "area_code"])):
        decisions.add(("current", code), mapped.loc[clash & mapped["area_code"].eq(code), "source"].unique())
    _finish(decisions, names, notes)
    return coerce_frame(pd.concat([stays, mapped[~clash]], ignore_index=True))


def _finish(decisions: _Notes, names: dict, notes: list[str] | None) -> None:
    if notes is not None:
        notes.extend(n for n in decisions.sentences(names) if n not in notes)


def _add_up(merged: pd.DataFrame, names: dict, vintage: str, *, partial: bool, where: str,
            decisions: _Notes) -> pd.DataFrame:
    """One row per successor and key from its former districts (rule 3 of the module docstring)."""
    if merged.empty:
        return merged
    group_keys = _GROUP + ["new_code"]
    groups = merged.groupby(group_keys, sort=False, dropna=False)
    number = groups.ngroup()
    first = merged[~number.duplicated()].set_index(number[~number.duplicated()]).sort_index()
    size = groups["area_code"].size().set_axis(first.index)
    present = groups["area_code"].agg(frozenset).set_axis(first.index)
    missing = pd.Series([_missing_parts(n, p, vintage) for n, p in zip(first["new_code"], present)], index=first.index)
    incomplete = missing.map(bool)
    if incomplete.any() and not partial:
        at = cast(int, incomplete.idxmax())  # labels are the groups' numbers (ngroup)
        row = first.loc[at]
        raise InputError(f"{where}: {row['new_code']} ({names.get(row['new_code'], '')}) needs former districts "
                         f"{', '.join(sorted(missing[at]))} for {row['indicator_id']} {row['period']}; "
                         "pass partial=True to build it from the districts present")
    for key, rows in first.assign(_codes=present).groupby(["new_code", "_codes"]):
        new, codes = cast(tuple[str, frozenset], key)  # a code and the frozenset of its former districts
        decisions.add(("merge", new, tuple(sorted(codes))), rows["source"].unique())

    def total(column: str) -> pd.Series:
        sums = groups[column].sum(min_count=1).set_axis(first.index)
        complete = groups[column].count().set_axis(first.index) == size
        return sums.where(complete)

    out = first.copy()
    out["area_code"] = out["new_code"]
    out["area_name"] = out["new_code"].map(names).fillna(out["new_code"])
    out["area_type"] = out["new_code"].map(area_type_for_code)
    out["count"], out["denominator"] = total("count"), total("denominator")
    out["suppressed"] = groups["suppressed"].any().set_axis(first.index).astype(bool)
    out[_INTERVALS] = np.nan
    methods = {key: rebuild_method(key[0], key[1], has_denominator=key[2])
               for key in set(zip(out["value_type"], out["ci_method"], out["denominator"].notna()))}
    method = pd.Series([methods[k] for k in zip(out["value_type"], out["ci_method"], out["denominator"].notna())],
                       index=out.index, dtype=object)
    out["value"] = out["count"].where(method.eq("count"))
    rebuildable = method.notna() & method.ne("count")
    out.loc[rebuildable, "ci_method"] = method[rebuildable]  # value recomputed from count/denominator by add_intervals
    former = present.map(lambda codes: ", ".join(sorted(codes)))
    reason = pd.Series([not_rebuildable_reason(v, c, has_denominator=d) or "" for v, c, d in
                        zip(out["value_type"], out["ci_method"], out["denominator"].notna())], index=out.index)
    note = np.where(method.isna(), reason + " (former areas " + former + ")", "Rebuilt from former areas " + former)
    out["value_note"] = [f"{old}; {new}" if old else new for old, new in zip(out["value_note"], note)]
    for column in ("published_comparison", "published_trend"):  # published for the former areas only
        if column in out.columns:
            out[column] = ""
    out.loc[out["suppressed"], ["value", "count", "denominator"]] = np.nan
    if partial:
        gaps = incomplete & ~out["suppressed"]
        out.loc[gaps, "value_note"] += "; Partial: excludes former districts " + missing[gaps].map(
            lambda m: ", ".join(sorted(m)))
    return out.reset_index(drop=True)

