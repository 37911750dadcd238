"""Invent police force area tables for the demo's six forces, in the justice publishers' own layouts.

Five files in four publishers' layouts, each told by the real recogniser and read by the real
reader of ``assessment/sources/justice/``:

- the Home Office arrests workbook (ODS, sheets A_05 to A_08: by sex with the rate per
  1,000, by sex and age group, by offence group, by self-defined ethnicity);
- the ONS police force area tables (xlsx, Tables P1, P3 and P4: recorded crime numbers,
  rates with the population used, knife or sharp instrument offences);
- the Ethnicity facts and figures stop and search downloads (CSV, by area and by
  ethnicity; the release is identified by the national total, listed in
  ``data_sources/justice/releases.yaml`` as the demonstration release);
- the Ethnicity facts and figures conviction ratio download (CSV).

Figures come from one seeded generator, scaled to each force's population (the sum of its
demo districts'), and England and Wales is the sum of the six forces, as the publishers'
totals are. Levels are in the ranges the real tables show: arrests 10 to 15 per 1,000,
recorded crime 80 to 110 per 1,000, stop and search of the Black group 2 to 4 times the
White group's rate, conviction ratios 80% to 90%. One peer force's arrest rate is withheld
(``*``, with the publisher-style footnote), so the demo shows "not available" at work.

>>> import tempfile, pathlib
>>> paths = write_justice_files(pathlib.Path(tempfile.mkdtemp()))
>>> sorted(paths)
['arrests', 'conviction_ratio', 'pfa_crime', 'stop_search_by_area', 'stop_search_national']
>>> from assessment.sources.justice import home_office_arrests
>>> home_office_arrests.recognise(paths["arrests"]).release
'year ending March 2025'
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .justice_workbooks import (RELEASE, WITHHELD_FORCE, DemoForce, demo_forces, write_arrests,
                                write_pfa_crime)

CONVICTION_YEARS = tuple(str(y) for y in range(2020, 2025))
#: Share of each force's people in each ethnic group (as the Census 2021 broad groups roughly are).
GROUP_SHARES = {"Asian": 0.09, "Black": 0.04, "Mixed": 0.03, "White": 0.82, "Other": 0.02}
#: Stop and search rate of each group against the White group's (low, high), drawn per force.
SEARCH_RATIOS = {"Asian": (1.0, 2.0), "Black": (2.2, 4.0), "Mixed": (1.3, 2.4), "White": (1.0, 1.0),
                 "Other": (0.9, 1.8)}
__all__ = ["RELEASE", "WITHHELD_FORCE", "demo_forces", "write_justice_files"]


def write_justice_files(folder: Path) -> dict[str, Path]:
    """Write the five files under ``folder``; return their paths by role.

    One generator draws every figure in a fixed order: a change here changes the stop and search
    national total, which ``data_sources/justice/releases.yaml`` lists as the demonstration release.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    forces = demo_forces()
    rng = np.random.default_rng(20261202)
    national = _write_stop_search(forces, rng, folder)
    return {
        "arrests": write_arrests(forces, rng, folder / "arrest-police-powers-procedures-demo-tables.ods"),
        "pfa_crime": write_pfa_crime(forces, rng, folder / "pfatables-demo.xlsx"),
        "stop_search_by_area": national[0],
        "stop_search_national": national[1],
        "conviction_ratio": _write_conviction_ratio(forces, rng, folder / "prosecutions-and-convictions-demo.csv"),
    }


# ------------------------------------------------------- Ethnicity facts and figures
def _rate(value: float) -> str:
    return f"{value:.1f}"


def _write_stop_search(forces: list[DemoForce], rng, folder: Path) -> tuple[Path, Path]:
    """The by-area and by-ethnicity downloads of one demonstration release."""
    groups = list(GROUP_SHARES)
    searches = {}
    for force in forces:
        white = rng.uniform(2.0, 6.0)
        shares = np.array(list(GROUP_SHARES.values())) * rng.uniform(0.7, 1.3, len(groups))
        shares = shares / shares.sum()
        people = {g: force.population * s for g, s in zip(groups, shares)}
        counts = {g: int(round(white * rng.uniform(*SEARCH_RATIOS[g]) * people[g] / 1000)) for g in groups}
        unknown = int(round(sum(counts.values()) * rng.uniform(0.08, 0.15)))
        searches[force.code] = (people, counts, unknown)

    def rates(people: dict, counts: dict, unknown: int) -> dict[str, float]:
        out = {g: counts[g] / people[g] * 1000 for g in groups}
        out["All"] = (sum(counts.values()) + unknown) / sum(people.values()) * 1000
        return out

    people = {g: sum(s[0][g] for s in searches.values()) for g in groups}
    counts = {g: sum(s[1][g] for s in searches.values()) for g in groups}
    unknown = sum(s[2] for s in searches.values())
    excluding = rates(people, counts, unknown)
    # British Transport Police's searches are in the national figures, not in any force's.
    btp = {g: int(round(counts[g] * 0.03)) for g in groups}
    with_btp = {g: counts[g] + btp[g] for g in groups}
    including = rates(people, with_btp, unknown + int(round(unknown * 0.03)))
    columns = ["All", *sorted(groups, key=lambda g: (g == "Other", g))]  # All, Asian, Black, Mixed, White, Other

    by_area = folder / "ethnicity-stop-search-by-area-demo.csv"
    with open(by_area, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(["", *columns])
        writer.writerow(["Police force area", *["Rate per 1,000"] * len(columns)])
        writer.writerow(["All - excluding BTP", *[_rate(excluding[c]) for c in columns]])
        writer.writerow(["All - including BTP", *[_rate(including[c]) for c in columns]])
        for force in sorted(forces, key=lambda f: f.name):
            own = rates(*searches[force.code])
            writer.writerow([force.name.replace(" and ", " & "), *[_rate(own[c]) for c in columns]])
    national = folder / "ethnicity-stop-search-by-ethnicity-demo.csv"
    total = sum(with_btp.values()) + unknown + int(round(unknown * 0.03))
    with open(national, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(["Ethnicity", "Rate of stop and search", "Number of stop and searches"])
        writer.writerow(["All", _rate(including["All"]), f"{total:,}"])
        for group in columns[1:]:
            writer.writerow([group, _rate(including[group]), f"{with_btp[group]:,}"])
        writer.writerow(["Unknown", "N/A", f"{total - sum(with_btp.values()):,}"])
    return by_area, national


#: Conviction ratio columns, as the Ethnicity facts and figures download names them.
CONVICTION_HEADER = ["Measure", "Ethnicity", "Ethnicity_type", "Time", "Time_type", "Sex", "Age group",
                     "Offence group", "Police Force Area", "Value", "Value_type",
                     "Denominator (Prosecutions at Magistrates Court)",
                     "Numerator (Convictions and Magistrates Court and Crown Court)"]
CONVICTION_MEASURE = "Percentage of defendants convicted out of all those prosecuted (conviction ratio)"
# The Other group is small (about 40 prosecutions a force), so the demo shows "too few to compare".
CONVICTION_GROUPS = {"Asian": 0.08, "Black": 0.06, "Mixed": 0.04, "Other inc Chinese": 0.004, "White": 0.80}


def _write_conviction_ratio(forces: list[DemoForce], rng, path: Path) -> Path:
    rows = []
    national: dict[tuple[str, str], list[int]] = {}
    for year in CONVICTION_YEARS:
        for force in forces:
            prosecuted = force.population * rng.uniform(0.009, 0.013)
            for group, share in CONVICTION_GROUPS.items():
                base = 0.80 if group == "White" else 0.78
                prosecutions = int(round(prosecuted * share * rng.uniform(0.8, 1.2)))
                convictions = int(round(prosecutions * rng.uniform(base, base + 0.09)))
                rows.append(_conviction_row(group, year, force.name, convictions, prosecutions))
                total = national.setdefault((year, group), [0, 0])
                total[0] += convictions
                total[1] += prosecutions
    for (year, group), (convictions, prosecutions) in national.items():
        rows.append(_conviction_row(group, year, "All", convictions, prosecutions))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(CONVICTION_HEADER)
        writer.writerows(rows)
    return path


def _conviction_row(group: str, year: str, area: str, convictions: int, prosecutions: int) -> list:
    value = f"{convictions / prosecutions * 100:.1f}"
    return [CONVICTION_MEASURE, group, "ONS 2001 5+1", year, "Year", "All", "All", "All", area, value, "%",
            prosecutions, convictions]
