"""Ranks of police force areas for England-and-Wales indicators: among all forces, and within the region.

Justice tables cover the 39 English and 4 Welsh forces. Each force row gets
its rank among every force with a figure for the same indicator, period and
breakdown (English and Welsh together, 1 = the highest value, ties sharing
the better rank), and its rank within its group: its English region, or
Wales for the Welsh forces. Forces without a figure are not ranked (the
count of ranked forces says how many had one). A figure published once for
two forces together (the survey's "City of London / Metropolitan Police"
row, carried onto both forces with the note :data:`COMBINED_NOTE` matches) is
one entry of the ranking: both forces get its rank, and it is counted once.
Whether a high rank is good is the indicator's polarity, not the rank's.

>>> import pandas as pd
>>> rows = pd.DataFrame({"indicator_id": "i", "period": "2019", "sex": "Persons", "age": "All ages",
...                      "category_type": "", "category": "", "area_type": "pfa",
...                      "area_code": ["E23000003", "E23000005", "W15000002"],
...                      "value": [99.0, None, 60.0]})
>>> groups = {"E23000003": ("E12000002", "North West"), "E23000005": ("E12000002", "North West")}
>>> ranked = rank_forces(rows, groups)
>>> ranked[["area_code", "force_rank", "force_count", "group_name", "group_rank", "group_count"]].values.tolist()
[['E23000003', 1.0, 2, 'North West', 1.0, 1], ['E23000005', nan, 2, 'North West', nan, 1], ['W15000002', 2.0, 2, 'Wales', 1.0, 1]]
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..tidy.row_numbers import row_numbers

WALES = ("W92000004", "Wales")
ENGLAND_AND_WALES = "K04000001"
MATCH = ["indicator_id", "period", "sex", "age", "category_type", "category"]
#: The value note of a figure published for two forces together (assessment.sources.justice.areas.total_note).
COMBINED_NOTE = re.compile(r"^Published for (.+?) together; this is their combined figure")
RANK_COLUMNS = ["force_rank", "force_count", "group_code", "group_name", "group_rank", "group_count", "is_welsh"]


def force_groups(geography) -> dict[str, tuple[str, str]]:
    """Force code -> (region code, region name) from a geography's districts (every English force is in one region)."""
    lads = geography.lads.drop_duplicates("pfa_code")
    return {row.pfa_code: (row.region_code, row.region_name) for row in lads.itertuples(index=False)}


def rank_forces(frame: pd.DataFrame, groups: Mapping[str, tuple[str, str]]) -> pd.DataFrame:
    """``frame`` with :data:`RANK_COLUMNS` filled on its police force area rows (NaN/empty elsewhere).

    ``groups`` maps English force codes to their region (:func:`force_groups`);
    Welsh forces (W15) are grouped as Wales whatever it says.
    """
    out = frame.copy(deep=False)  # only new columns are set on it: the frame's own data is shared, not copied
    out["group_code"], out["group_name"], out["is_welsh"] = "", "", False
    out["force_rank"], out["group_rank"] = np.nan, np.nan
    out["force_count"], out["group_count"] = 0, 0
    at = np.flatnonzero(out["area_type"].eq("pfa").to_numpy())
    if not len(at):
        return out
    forces = out.iloc[at]  # only force rows are ranked: the rest of a bundle is left alone
    code_numbers, codes = pd.factorize(forces["area_code"].to_numpy(object))  # each force looked up once
    of_wales = np.array([code.startswith("W15") for code in codes], dtype=bool)
    of_code = [WALES if is_welsh else groups.get(code, ("", "")) for code, is_welsh in zip(codes, of_wales)]
    welsh = of_wales[code_numbers]
    group_codes = np.array([g[0] for g in of_code], dtype=object)[code_numbers]
    entry = _ranking_entries(forces)
    repeat = pd.concat([forces[MATCH], entry], axis=1).duplicated()
    values = forces["value"].where(~repeat).reset_index(drop=True)  # a combined figure is ranked and counted once
    # Each ranking's rows numbered once, so pandas groups one column of whole numbers, not seven of text.
    by_all = row_numbers(forces, MATCH)
    by_group = _paired(by_all, group_codes)
    figures = {"group_code": group_codes, "group_name": np.array([g[1] for g in of_code], dtype=object)[code_numbers],
               "is_welsh": welsh}
    for rank, count, by in (("force_rank", "force_count", by_all), ("group_rank", "group_count", by_group)):
        ranked = values.groupby(by).rank(ascending=False, method="min")
        figures[rank] = ranked.groupby(_paired(by, entry.to_numpy(object))).transform("max").to_numpy()
        figures[count] = values.groupby(by).transform("count").to_numpy()
    for name, figure in figures.items():  # set by position: label lookups into a million-row frame, seven times
        column = out[name].to_numpy(copy=True)
        column[at] = figure
        out[name] = column
    return out


def _paired(numbers: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """One whole number per distinct (number, label) pair."""
    label_numbers, distinct = pd.factorize(labels)
    return numbers * max(len(distinct), 1) + label_numbers


def _ranking_entries(forces: pd.DataFrame) -> pd.Series:
    """One key per entry of a ranking: the force's code, or the combined note shared by two forces' rows."""
    notes = forces["value_note"].fillna("") if "value_note" in forces.columns else pd.Series("", index=forces.index)
    numbers, distinct = pd.factorize(notes.to_numpy(object))  # each distinct note read once
    found = pd.Series(distinct, dtype=object).str.extract(COMBINED_NOTE, expand=False).to_numpy(object)
    together = pd.Series(np.append(found, np.nan)[numbers], index=forces.index, dtype=object)
    return forces["area_code"].where(together.isna(), "combined: " + together).rename("_entry")


def force_ranking(frame: pd.DataFrame, indicator_id: str, *, period: str | None = None, sex: str = "Persons",
                  age: str = "All ages", category_type: str = "", category: str = "") -> pd.DataFrame:
    """Every force's figure for one indicator and breakdown, best-ranked first, Welsh forces labelled.

    ``frame`` is an analysed frame (with :data:`RANK_COLUMNS`); ``period``
    defaults to the indicator's latest. Forces without a figure come last,
    with their value note saying why. ``area_label`` is the force's name with
    "(Wales)" after a Welsh force.
    """
    rows = frame[(frame["indicator_id"] == indicator_id) & frame["area_type"].eq("pfa") & (frame["sex"] == sex)
                 & (frame["age"] == age) & (frame["category_type"] == category_type)
                 & (frame["category"] == category)]
    if rows.empty:
        return rows.assign(area_label=pd.Series(dtype=object))
    if period is None:
        latest = rows.sort_values(["period_end", "period"]).iloc[-1]
        period = latest["period"]
    rows = rows[rows["period"] == period]
    labels = rows["area_name"] + np.where(rows["is_welsh"].astype(bool), " (Wales)", "")
    return rows.assign(area_label=labels).sort_values(["force_rank", "area_name"], na_position="last") \
        .reset_index(drop=True)
