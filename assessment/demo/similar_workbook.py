"""The demo's similar local authorities workbook, laid out as ONS lays out its own.

ONS's *Clustering similar local authorities in the UK* workbook has a Contents
sheet, the variables of each model (tables 3a to 3c), the data (table 4), the
nearest neighbours of every council (tables 7a to 7c) and the winsorisation
thresholds (table 8). The demo writes the same tables for its fictional
councils, with invented variables from one seeded generator, and lists each
council's neighbours by Euclidean distance over the standardised, winsorised
values, ONS's method (:mod:`assessment.stats.similar_forces`); a county and its own
districts are never each other's neighbours, as in ONS's lists. The demo build
then reads it back through the real reader.

>>> from assessment.demo.places import demo_places
>>> councils = demo_councils(demo_places())
>>> len(councils), councils[0]
(39, ('E07999001', 'Alderholt Vale', 'E10999001'))
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from ..stats.similar_forces import nearest, standardise, winsorise
from ..sources.ons_similar_areas import MODELS, TITLE
from .places import DemoPlace

#: Variable -> (mean, spread) of the invented values; the models' variables below.
VARIABLES = {
    "Children in relative poverty (%)": (18.0, 6.0),
    "Employment rate (%)": (75.0, 4.0),
    "Gross median weekly pay (£)": (620.0, 70.0),
    "Healthy life expectancy (years)": (62.0, 3.0),
    "Population density (residents per square km)": (900.0, 700.0),
    "Dependency ratio": (0.62, 0.06),
    "Population change (%)": (5.0, 3.0),
}
MODEL_VARIABLES = {
    "global": list(VARIABLES),
    "economic": ["Children in relative poverty (%)", "Employment rate (%)", "Gross median weekly pay (£)"],
    "demographic": ["Population density (residents per square km)", "Dependency ratio", "Population change (%)"],
}
NEIGHBOURS = 20
RELEASED = "01/11/2026"  # the demo's snapshot date, as ONS writes dates


def demo_councils(places: list[DemoPlace]) -> list[tuple[str, str, str]]:
    """(code, name, upper-tier code) of every demo district, unitary and county."""
    councils = [(p.lad_code, p.lad_name, p.utla_code) for p in places]
    counties = {(p.utla_code, p.utla_name) for p in places if p.utla_code != p.lad_code}
    return councils + [(code, name, code) for code, name in sorted(counties)]


def _values(councils, rng) -> pd.DataFrame:
    rows = {code: [max(0.01, rng.normal(mean, spread)) for mean, spread in VARIABLES.values()]
            for code, _, _ in councils}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(VARIABLES))


def _thresholds(values: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"variable": values.columns, "lower": values.quantile(0.01).to_numpy(),
                         "upper": values.quantile(0.99).to_numpy()})


def _neighbours(values: pd.DataFrame, thresholds: pd.DataFrame, councils, model: str) -> dict[str, list[str]]:
    """Each council's nearest neighbours, leaving out the areas that overlap it (a county and its districts)."""
    upper = {code: parent for code, _, parent in councils}
    scaled = standardise(winsorise(values[MODEL_VARIABLES[model]], thresholds))
    ranked = nearest(scaled, len(values) - 1)
    out: dict[str, list[str]] = {}
    for code, rows in ranked.groupby("area_code", sort=False):
        keep = [n for n in rows.sort_values("rank")["neighbour_code"]
                if upper.get(n) != code and upper.get(code) != n]
        out[str(code)] = keep[:NEIGHBOURS]
    return out


def _title(sheet, text: str) -> None:
    sheet.append([text, "Back to contents"])
    sheet.append(["Notes that apply to this table: [note 1]"])
    sheet.append(["There is 1 table on this tab."])


def write_similar_workbook(places: list[DemoPlace], path: Path, seed: int = 20261105) -> Path:
    """Write the demo workbook at ``path`` (xlsx) and return it."""
    rng = np.random.default_rng(seed)
    councils = demo_councils(places)
    names = {code: name for code, name, _ in councils}
    values = _values(councils, rng)
    thresholds = _thresholds(values)
    book = openpyxl.Workbook()
    contents = book.active
    contents.title = "Contents"
    for line in (f"{TITLE}, United Kingdom (demonstration data)", "Publication date",
                 f"This data was released alongside a methodology article on {RELEASED}.",
                 "Demonstration data: every council and figure is invented."):
        contents.append([line])
    for model, (_, averages) in MODELS.items():
        sheet = book.create_sheet(averages[0] + "." + averages[1:])
        _title(sheet, f"Table {averages}: {model.capitalize()} model averages")
        sheet.append(["Mean"])
        sheet.append(["Variable", "All LAs"])
        for name in MODEL_VARIABLES[model]:
            sheet.append([name, float(values[name].mean())])
        sheet.append(["Median"])
    data = book.create_sheet("4")
    _title(data, "Table 4: Data used in the clustering and nearest neighbour models")
    data.append(["Local Authority Code", "Local Authority Name", *VARIABLES])
    for code, row in values.iterrows():
        data.append([code, names[str(code)], *[float(v) for v in row]])
    for model, (table, _) in MODELS.items():
        sheet = book.create_sheet(table[0] + "." + table[1:])
        _title(sheet, f"Table {table}: {model.capitalize()} statistical nearest neighbours")
        sheet.append(["Local Authority Code", "Local Authority Name",
                      *[f"Neighbour {n}: {part}" for n in range(1, NEIGHBOURS + 1) for part in ("code", "name")]])
        for code, found in _neighbours(values, thresholds, councils, model).items():
            sheet.append([code, names[code], *[cell for n in found for cell in (n, names[n])]])
    limits = book.create_sheet("8")
    _title(limits, "Table 8: Winsorization thresholds")
    limits.append(["Variable", "Clustering model 1st percentile", "Clustering model 99th percentile",
                   "Neighbours model 1st percentile", "Neighbours model 99th percentile"])
    for _, row in thresholds.iterrows():
        limits.append([row["variable"], float(row["lower"]), float(row["upper"]), float(row["lower"]),
                       float(row["upper"])])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
