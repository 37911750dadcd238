"""Similar police force areas, computed openly from their councils by ONS's nearest-neighbours method.

ONS lists the nearest neighbours of councils, not of police force areas. A
force's most similar forces are worked out here the way ONS works out a
council's (its methodology, notes 3, 19 and 21 of the workbook), from the same
inputs:

1. each force's value of every variable of the model (table 4) is made from
   its councils' values: a rate, share or average is the councils' mean
   weighted by their populations; a density is the total population over the
   total area (:func:`force_values`);
2. every value is winsorised with table 8's neighbours-model thresholds: a
   value below the 1st percentile is set to it, one above the 99th to that
   (:func:`winsorise`);
3. every variable is standardised across the forces, to mean 0 and standard
   deviation 1 (:func:`standardise`);
4. the forces are ordered by Euclidean distance over all the variables, the
   nearest first (:func:`nearest`).

Every function is a pure function of frames, so the same inputs always give
the same list.

>>> import pandas as pd
>>> values = pd.DataFrame({"a": [1.0, 2.0, 10.0], "b": [5.0, 5.5, 0.0]}, index=["F1", "F2", "F3"])
>>> z = standardise(winsorise(values, pd.DataFrame({"variable": ["a", "b"], "lower": [0, 1], "upper": [9, 9]})))
>>> nearest(z, 1)[["area_code", "rank", "neighbour_code"]].values.tolist()
[['F1', 1, 'F2'], ['F2', 1, 'F1'], ['F3', 1, 'F2']]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RATE, DENSITY = "rate", "density"


def force_values(variables: pd.DataFrame, members: pd.DataFrame, populations: pd.Series,
                 rules: dict[str, str]) -> pd.DataFrame:
    """Each force's value of each variable, from its councils' values (one row per force).

    ``variables``: area_code plus one column per variable (councils' values);
    ``members``: council_code, force_code (each council once); ``populations``:
    population by council code; ``rules``: variable -> ``rate`` (population-
    weighted mean) or ``density`` (total population / total area). A council
    without a value of a variable is left out of that variable's force value;
    a force none of whose councils has one gets no value.

    >>> values = pd.DataFrame({"area_code": ["A", "B"], "share": [10.0, 40.0], "density": [100.0, 1000.0]})
    >>> members = pd.DataFrame({"council_code": ["A", "B"], "force_code": ["F", "F"]})
    >>> force_values(values, members, pd.Series({"A": 300.0, "B": 100.0}), {"share": "rate", "density": "density"}).round(1)
       share  density
    F   17.5    129.0
    """
    names = [c for c in variables.columns if c != "area_code"]
    table = members.merge(variables, left_on="council_code", right_on="area_code", how="inner")
    table["population"] = table["council_code"].map(populations).astype(float)
    table = table[table["population"] > 0]
    out = {}
    for name in names:
        rows = table[table[name].notna()]
        weight = rows["population"]
        if rules.get(name, RATE) == DENSITY:
            area = weight / rows[name]
            out[name] = weight.groupby(rows["force_code"]).sum() / area.groupby(rows["force_code"]).sum()
        else:
            out[name] = (rows[name] * weight).groupby(rows["force_code"]).sum() / weight.groupby(rows["force_code"]).sum()
    frame = pd.DataFrame(out).reindex(columns=names)
    frame.index.name = None
    return frame.astype(float)


def winsorise(values: pd.DataFrame, thresholds: pd.DataFrame) -> pd.DataFrame:
    """Each variable clipped to its (lower, upper) threshold; a variable without thresholds is left as it is."""
    limits = {str(name): (float(lower), float(upper))
              for name, lower, upper in thresholds[["variable", "lower", "upper"]].itertuples(index=False)}
    out = values.copy()
    for name in out.columns:
        if name in limits:
            lower, upper = limits[name]
            out[name] = out[name].clip(lower=lower, upper=upper)
    return out


def standardise(values: pd.DataFrame) -> pd.DataFrame:
    """Each variable to mean 0, standard deviation 1 across the rows (population SD; a constant one to 0)."""
    spread = values.std(ddof=0).replace(0.0, np.nan)
    return ((values - values.mean()) / spread).fillna(0.0)


def nearest(standardised: pd.DataFrame, count: int) -> pd.DataFrame:
    """Each row's ``count`` nearest other rows by Euclidean distance (ties by code): a tidy frame.

    Columns: area_code, rank (1 = nearest), neighbour_code, distance.
    """
    codes = list(standardised.index)
    points = standardised.to_numpy(dtype=float)
    distances = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    records = []
    for i, code in enumerate(codes):
        others = sorted((distances[i, j], codes[j]) for j in range(len(codes)) if j != i)
        records += [(code, rank, other, float(d)) for rank, (d, other) in enumerate(others[:count], start=1)]
    return pd.DataFrame(records, columns=["area_code", "rank", "neighbour_code", "distance"])


def similar_forces(variables: pd.DataFrame, members: pd.DataFrame, populations: pd.Series, *,
                   model_variables: list[str], thresholds: pd.DataFrame, rules: dict[str, str],
                   count: int) -> tuple[pd.DataFrame, list[str]]:
    """Every force's ``count`` most similar forces (steps 1 to 4 above), and the forces left out.

    A force missing a value of any of the model's variables (none of its
    councils has one) cannot be placed, so it is left out and named.
    """
    values = force_values(variables[["area_code", *model_variables]], members, populations, rules)
    complete = values.dropna()
    left_out = sorted(set(members["force_code"]) - set(complete.index))
    return nearest(standardise(winsorise(complete, thresholds)), count), left_out
