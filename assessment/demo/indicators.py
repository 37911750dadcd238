"""Invent indicator values for the demo and write them as a Fingertips CSV export.

Values are generated per district from a deterministic random generator, then
added up into counties, regions and England exactly as real counts add up, so
the demo exercises the real parser, roll-ups, comparisons and trends. Districts
with fewer than 5 events are suppressed, as Fingertips does. An indicator with
a ``male_share`` in the demo profile is also written for males and females.

>>> import tempfile, pathlib
>>> path = write_fingertips_csv(pathlib.Path(tempfile.mkdtemp()) / "ft.csv")
>>> import pandas as pd
>>> data = pd.read_csv(path, dtype=str)
>>> "Time period range" in data.columns and bool(data["Area Code"].str.startswith("E10999").any())
True
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from ..core.levels import ENGLAND_CODE, ENGLAND_NAME
from ..registry.all_registries import registries
from ..sources.catalogue import CatalogueEntry
from ..stats.intervals import Z, byars_limits, wilson_limits
from .geography_files import district_populations
from .places import demo_places

N_PERIODS = 6
FIRST_YEAR = 2018
SUPPRESS_BELOW = 5
ENGLAND = (ENGLAND_CODE, ENGLAND_NAME)
SUPPRESSED_NOTE = "Value suppressed for disclosure control due to small count"
HEADER = [
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type",
    "Sex", "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit",
    "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator",
    "Value note", "Recent Trend", "Compared to England value or percentiles",
    "Compared to Region value or percentiles", "Time period Sortable", "New data", "Compared to goal",
    "Time period range",
]
AREA_TYPE_LABEL = {"district": "Districts & UAs (from Apr 2023)", "county": "Counties & UAs (from Apr 2023)",
                   "region": "Region", "england": "England"}


def _periods(kind: str) -> list[tuple[str, int, str]]:
    """(label, sortable year, range) for the demo's periods."""
    out = []
    for i in range(N_PERIODS):
        year = FIRST_YEAR + i
        if kind == "financial":
            out.append((f"{year}/{(year + 1) % 100:02d}", year, "1y"))
        elif kind == "rolling3":
            out.append((f"{year - 2} - {year % 100:02d}", year, "3y"))
        else:
            out.append((str(year), year, "1y"))
    return out


def _deprivation(places) -> dict[str, float]:
    rng = np.random.default_rng(20261122)
    return {p.lad_code: float(z) for p, z in zip(places, rng.normal(0, 1, len(places)))}


def _units(entry: CatalogueEntry, setting: dict, populations: np.ndarray) -> np.ndarray:
    return np.maximum(np.round(populations * setting.get("per_capita", 1.0)), 1)


def _district_series(entry, setting, places, pops, deprivation, rng):
    """Per district and period: (count, denominator) or a value for non-additive measures."""
    z = np.array([deprivation[p.lad_code] for p in places])
    level = setting["england"]
    rows = []
    for t in range(N_PERIODS):
        trend = (1 + setting.get("drift", 0.0)) ** t
        noise = rng.normal(0, 0.08, len(places))
        if entry.value_type in ("score", "life expectancy"):
            value = level * trend + setting["spread"] * (setting["deprivation"] * z + 0.3 * noise)
            rows.append({"value": value, "count": None, "denominator": None})
            continue
        expected = level * trend * np.exp(setting["deprivation"] * z + noise)
        denominator = _units(entry, setting, pops)
        if entry.value_type == "proportion":
            share = np.clip(expected / 100, 0.001, 0.98)
            count = rng.binomial(denominator.astype(int), share).astype(float)
        else:
            count = rng.poisson(expected * denominator / entry.multiplier).astype(float)
        rows.append({"value": None, "count": count, "denominator": denominator})
    return rows


def _limits(entry: CatalogueEntry, count, denominator, value) -> dict[str, float]:
    if entry.value_type == "proportion":
        out = {}
        for level, tag in ((0.95, "95.0"), (0.998, "99.8")):
            lo, hi = wilson_limits([count], [denominator], level)
            out[f"Lower CI {tag} limit"], out[f"Upper CI {tag} limit"] = lo[0] * 100, hi[0] * 100
        return out
    out = {}
    for level, tag in ((0.95, "95.0"), (0.998, "99.8")):
        lo, hi = byars_limits([count], level)
        # Published DSR intervals are approximated here by scaling the count's limits.
        out[f"Lower CI {tag} limit"] = value * lo[0] / count if count else 0.0
        out[f"Upper CI {tag} limit"] = value * hi[0] / count if count else np.nan
    return out


def _by_sex(count: np.ndarray, denominator: np.ndarray, male_share: float, seed: int) -> dict:
    """Males' and females' counts and denominators that add up to the persons' (half the population each).

    Its own random generator, so the split leaves every other demo figure as it was.
    """
    rng = np.random.default_rng(seed)
    male = rng.binomial(count.astype(int), male_share).astype(float)
    male_denominator = np.floor(denominator / 2)
    return {"Male": (male, male_denominator), "Female": (count - male, denominator - male_denominator)}


def _record(entry, area, parent, area_type, period, count, denominator, value, spread=None, sex="Persons") -> dict:
    label, sortable, span = period
    row = {c: "" for c in HEADER}
    row.update({
        "Indicator ID": entry.frame_id, "Indicator Name": entry.title, "Parent Code": parent[0],
        "Parent Name": parent[1], "Area Code": area[0], "Area Name": area[1],
        "Area Type": AREA_TYPE_LABEL[area_type], "Sex": sex, "Age": "All ages",
        "Time period": label, "Time period Sortable": f"{sortable}0000", "Time period range": span,
    })
    if count is not None and count < SUPPRESS_BELOW and entry.value_type != "proportion":
        row["Value note"] = SUPPRESSED_NOTE
        return row
    if value is None:
        value = count / denominator * entry.multiplier if denominator else np.nan
    row["Value"] = f"{value:.6f}"
    if count is not None:
        row["Count"], row["Denominator"] = f"{count:.0f}", f"{denominator:.0f}"
        row.update({k: f"{v:.6f}" for k, v in _limits(entry, count, denominator, value).items()})
    elif spread:
        for tag, z in (("95.0", Z[0.95]), ("99.8", Z[0.998])):  # normal limits, as life expectancy's
            row[f"Lower CI {tag} limit"] = f"{value - z * spread:.6f}"
            row[f"Upper CI {tag} limit"] = f"{value + z * spread:.6f}"
    return row


def demo_rows(places: list | None = None) -> list[dict]:
    """Every row of the demo's Fingertips export (for the demo places, or any given districts)."""
    places = places or demo_places()
    populations = district_populations(places)
    pops = np.array([populations[p.lad_code] for p in places], dtype=float)
    deprivation = _deprivation(places)
    profile = registries().demo_profile  # checked against the catalogue when loaded
    rng = np.random.default_rng(7)
    rows: list[dict] = []
    for entry in registries().catalogue.fingertips():
        setting = profile[entry.key]
        series = _district_series(entry, setting, places, pops, deprivation, rng)
        for t, period in enumerate(_periods(setting["periods"])):
            data = series[t]
            groups: dict[tuple, list[int]] = {}
            for i, p in enumerate(places):
                own = (p.lad_code, p.lad_name) if entry.area_type == "district" else (p.utla_code, p.utla_name)
                kind = "district" if entry.area_type == "district" else "county"
                groups.setdefault((own, (p.region_code, p.region_name.upper()), kind), []).append(i)
                if kind == "district" and p.utla_code != p.lad_code:
                    # Fingertips publishes district indicators for counties too (area type 502).
                    groups.setdefault(((p.utla_code, p.utla_name), (p.region_code, p.region_name.upper()),
                                       "county"), []).append(i)
                groups.setdefault(((p.region_code, p.region_name), ENGLAND, "region"), []).append(i)
                groups.setdefault((ENGLAND, ("", ""), "england"), []).append(i)
            for (area, parent, kind), members in groups.items():
                members = sorted(set(members))
                if data["count"] is not None:
                    count = float(data["count"][members].sum())
                    denominator = float(data["denominator"][members].sum())
                    value = None
                    if entry.value_type == "directly standardised rate":
                        value = count / denominator * entry.multiplier  # a demo DSR: crude rate stands in
                    rows.append(_record(entry, area, parent, kind, period, count, denominator, value))
                    if setting.get("male_share") is not None:  # published by sex too, as Fingertips does
                        split = _by_sex(data["count"], data["denominator"], setting["male_share"], seed=t)
                        for sex, (counts, denominators) in split.items():
                            rows.append(_record(entry, area, parent, kind, period, float(counts[members].sum()),
                                                float(denominators[members].sum()), None, sex=sex))
                else:
                    weights = pops[members] / pops[members].sum()
                    value = float((data["value"][members] * weights).sum())
                    spread = 0.6 if entry.value_type == "life expectancy" else None
                    rows.append(_record(entry, area, parent, kind, period, None, None, value, spread))
    return rows


def write_fingertips_csv(path: Path, places: list | None = None) -> Path:
    """Write the demo's indicators as a Fingertips ``all_data/csv`` export (``places``: see demo_rows)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(demo_rows(places))
    return path
