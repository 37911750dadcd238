"""The demo's justice workbooks: the Home Office arrests tables (ODS) and the ONS police force area tables (xlsx).

Laid out as the publishers lay them out (title row, header band, force rows named or coded,
a "Source" line and numbered footnotes), so :mod:`assessment.sources.justice` reads them as it
reads the real files. See :mod:`assessment.demo.justice` for what the figures are.

>>> [force.code for force in demo_forces()][:2]
['E23999001', 'E23999002']
>>> import numpy as np
>>> split_whole(100, [0.5, 0.3, 0.2], np.random.default_rng(1))  # whole parts that add up to the total
[50, 33, 17]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .geography_files import district_populations
from .places import demo_places

#: The latest financial year of the demo tables, and the one before (arrests give two).
YEARS = ("2023/24", "2024/25")
RELEASE = "year ending March 2025"
#: The peer force whose arrest rate the demo's Home Office table withholds.
WITHHELD_FORCE = "E23999004"
#: Shares of recorded crime by offence group (P1 columns); they add up to the total.
OFFENCE_SHARES = {"Violence against the person": 0.36, "Sexual offences": 0.03, "Robbery": 0.015,
                  "Theft offences": 0.33, "Criminal damage and arson": 0.10, "Drug offences": 0.035,
                  "Possession of weapons offences": 0.01, "Public order offences": 0.09,
                  "Miscellaneous crimes": 0.02}
#: Shares of arrests by offence group (A_07 columns).
ARREST_OFFENCES = {"Violence against the person": 0.39, "Possession of weapons offences": 0.03,
                   "Sexual offences": 0.045, "Robbery": 0.023, "Theft offences": 0.19, "Fraud offences": 0.012,
                   "Criminal damage and arson": 0.073, "Drug offences": 0.1, "Public order offences2": 0.075,
                   "Misc. crimes against society2": 0.062}



@dataclass(frozen=True)
class DemoForce:
    """A demo police force area: code and name as the demo lookup gives them, region, population."""

    code: str
    name: str
    region: tuple[str, str]
    population: int


def demo_forces() -> list[DemoForce]:
    """The demo's police force areas with their population (their districts', rounded to 100 as ONS gives it)."""
    places = demo_places()
    populations = district_populations(places)
    forces: dict[str, DemoForce] = {}
    for place in places:
        known = forces.get(place.pfa_code)
        total = (known.population if known else 0) + populations[place.lad_code]
        forces[place.pfa_code] = DemoForce(place.pfa_code, place.pfa_name, (place.region_code, place.region_name),
                                           total)
    return [DemoForce(f.code, f.name, f.region, int(round(f.population, -2))) for f in forces.values()]


def split_whole(total: int, shares: list[float], rng) -> list[int]:
    """``total`` split into whole parts near ``shares`` (the parts add up to it)."""
    weights = np.array(shares) * rng.uniform(0.85, 1.15, len(shares))
    parts = np.floor(total * weights / weights.sum()).astype(int)
    parts[int(np.argmax(weights))] += total - parts.sum()
    return [int(p) for p in parts]


# -------------------------------------------------------------- Home Office arrests
def _arrest_figures(forces: list[DemoForce], rng) -> dict[str, dict]:
    figures = {}
    for force in forces:
        rate = rng.uniform(10.0, 15.0)
        latest = int(round(force.population * rate / 1000))
        earlier = int(round(latest * rng.uniform(0.94, 1.06)))
        by_year = {}
        for year, persons in zip(YEARS, (earlier, latest)):
            males = int(round(persons * rng.uniform(0.83, 0.87)))
            by_year[year] = {"Males": males, "Females": persons - males, "Persons": persons}
        figures[force.code] = {"years": by_year, "rate": latest / force.population * 1000}
    return figures


def _sheet(title: str, header: list[list], rows: list[list], notes: list[str], source: str) -> list[list]:
    return [[title], [], *header, [], *rows, [], [source], [], ["Notes"], *[[n] for n in notes]]


def _label(force: DemoForce, notes: dict[str, int]) -> str:
    return f"{force.name}{notes[force.code]}" if force.code in notes else force.name


def write_arrests(forces: list[DemoForce], rng, path: Path) -> Path:
    data = _arrest_figures(forces, rng)
    first, latest = YEARS
    marked = {WITHHELD_FORCE: 3}
    withheld = next(f.name for f in forces if f.code == WITHHELD_FORCE)
    legend = ["' .. ' = Data not available", "' * ' = Rate withheld: see the force's footnote",
              "1.  Calculated using mid-2023 population estimates (demonstration figures).",
              "2.  Difference between the total number of persons arrested in the two years.",
              f"3.  '{withheld}' is excluded from the rate: its resident population is small relative to the "
              "visiting population (demonstration data)."]

    def sex_row(label: str, years: dict, rate) -> list:
        row: list = [label]
        for sex in ("Males", "Females", "Persons"):
            row += [years[first][sex], years[latest][sex], None]
        change = years[latest]["Persons"] - years[first]["Persons"]
        return row + [rate, None, change, change / years[first]["Persons"] * 100]

    totals = {year: {sex: sum(data[f.code]["years"][year][sex] for f in forces) for sex in ("Males", "Females",
                                                                                           "Persons")}
              for year in YEARS}
    population = sum(f.population for f in forces)
    a05 = [sex_row(_label(f, marked), data[f.code]["years"], "*" if f.code == WITHHELD_FORCE else data[f.code]["rate"])
           for f in forces]
    a05 += [[], sex_row("ENGLAND AND WALES", totals, totals[latest]["Persons"] / population * 1000)]
    sheets = {"Index": [["Police powers and procedures: arrests, England and Wales, year ending 31 March 2025 "
                         "(demonstration tables)"], [], ["A_05 to A_08: persons arrested by police force area"]]}
    sheets["A_05"] = _sheet(
        f"A.05:   Persons arrested for notifiable offences by sex and police force area, {first} and {latest}1",
        [["Numbers"] + [None] * 12 + ["England and Wales"],
         [None, "Males", None, None, "Females", None, None, "Persons", None, None,
          f"Arrest rate per 1,000 population1 {latest}\n(all persons)", None, f"Change2 {first}\nto {latest}", None],
         ["Police Force Area", first, latest, None, first, latest, None, first, latest, None, None, None,
          "Number", "%"]],
        a05, legend, "Source: Arrests data, Home Office (demonstration figures)")

    bands = ["Under 10", "Aged 10-17", "Aged 18-20", "Aged 21 and over", "Age unknown"]
    band_shares = [0.0, 0.075, 0.09, 0.83, 0.005]
    a06, a07, a08 = [], [], []
    sums06 = np.zeros(20)
    sums07 = np.zeros(len(ARREST_OFFENCES) + 1)
    sums08 = np.zeros(16)
    groups = ["White", "Black (or Black British)", "Asian (or Asian British)", "Mixed", "Chinese or Other",
              "Not stated"]
    group_shares = [0.78, 0.06, 0.07, 0.035, 0.02, 0.035]
    for force in forces:
        years = data[force.code]["years"]
        row06: list = [_label(force, {})]
        persons = np.zeros(6)
        for sex in ("Males", "Females"):
            parts = split_whole(years[latest][sex], band_shares, rng)
            row06 += parts + [sum(parts), None]
            persons += np.array(parts + [sum(parts)])
        row06 += [int(v) for v in persons]
        a06.append(row06)
        sums06 += np.array([0 if v is None else v for v in row06[1:]], dtype=float)
        offences = split_whole(years[latest]["Persons"], list(ARREST_OFFENCES.values()), rng)
        row07 = [years[latest]["Persons"], *offences]
        a07.append([force.name, *row07])
        sums07 += np.array(row07, dtype=float)
        row08: list = [force.name]
        for year in YEARS:
            parts = split_whole(years[year]["Persons"], group_shares, rng)
            row08 += [years[year]["Persons"], *parts, None]
        a08.append(row08[:-1])
        sums08 += np.array([0 if v is None else v for v in row08[1:]], dtype=float)

    def total_row(sums: np.ndarray, template: list) -> list:
        return ["ENGLAND AND WALES"] + [None if t is None else int(s) for s, t in zip(sums, template[1:])]

    nil = ["' - ' = Nil", "' .. ' = Data not available"]
    age_header = []
    for _ in ("Males", "Females", "Persons"):
        age_header += ["Under 102" if b == "Under 10" else b for b in bands] + ["Total", None]
    sheets["A_06"] = _sheet(
        "A.06:   Number of persons arrested for notifiable offences by police force area, sex and age group, "
        f"{latest}1",
        [["Numbers"] + [None] * 15 + ["England and Wales"],
         ["Police Force Area", "Males"] + [None] * 6 + ["Females"] + [None] * 6 + ["Persons"],
         [None] + age_header[:-1]],
        a06 + [[], total_row(sums06, a06[0])],
        nil + ["1.  Demonstration figures.",
               "2.  Includes persons who, after further investigation, were found to be under the legal age limit "
               "for arrest (i.e. under 10 years old)."], "Source: Arrests data, Home Office (demonstration figures)")
    sheets["A_07"] = _sheet(
        "A.07:   Number of persons of all ages arrested for notifiable offences by police force area and offence "
        f"group, {latest}1,2",
        [["Numbers"] + [None] * 5 + ["England and Wales"],
         ["Police Force Area", "Total number of arrests", *ARREST_OFFENCES]],
        a07 + [[], ["ENGLAND AND WALES", *[int(v) for v in sums07]]],
        nil + ["1.  Demonstration figures.",
               "2.  Some forces record some 'public order' offences as 'miscellaneous crimes against society'."],
        "Source: Arrests data, Home Office (demonstration figures)")
    sheets["A_08"] = _sheet(
        "A.08:   Number of persons arrested for notifiable offences by police force area and self-defined "
        f"ethnicity, {first} and {latest}1",
        [["Numbers"] + [None] * 14 + ["England and Wales"],
         [None, first] + [None] * 7 + [latest],
         ["Police Force Area", "Total", *groups, None, "Total", *groups]],
        a08 + [[], total_row(sums08, a08[0] + [None])[:16]],
        nil + ["1.  Demonstration figures."], "Source: Arrests collection, Home Office (demonstration figures)")
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets.items():
            width = max(len(r) for r in rows)
            pd.DataFrame([r + [None] * (width - len(r)) for r in rows]).to_excel(
                writer, sheet_name=name, header=False, index=False)
    return path


# ------------------------------------------------------------- ONS police force area tables
def write_pfa_crime(forces: list[DemoForce], rng, path: Path) -> Path:
    import openpyxl

    offences = list(OFFENCE_SHARES)
    rows = {}
    for force in forces:
        total = int(round(force.population * rng.uniform(80.0, 110.0) / 1000))
        groups = split_whole(total, list(OFFENCE_SHARES.values()), rng)
        knives = int(round(force.population * rng.uniform(0.5, 1.1) / 1000))
        rows[force.code] = (force, sum(groups), groups, knives)
    all_pop = sum(f.population for f in forces)
    totals = (sum(r[1] for r in rows.values()), [int(sum(r[2][i] for r in rows.values())) for i in
                                                 range(len(offences))], sum(r[3] for r in rows.values()))
    regions = list(dict.fromkeys(f.region for f in forces))

    def ordered():
        """England and Wales, England, then each region followed by its forces, as ONS orders the rows.

        The demo's country has no Welsh forces, so its England and Wales and England rows agree.
        """
        yield "K04000001", "ENGLAND AND WALES", all_pop, totals
        yield "E92000001", "ENGLAND", all_pop, totals
        for region in regions:
            members = [rows[f.code] for f in forces if f.region == region]
            yield (region[0], region[1], sum(m[0].population for m in members),
                   (sum(m[1] for m in members), [sum(m[2][i] for m in members) for i in range(len(offences))],
                    sum(m[3] for m in members)))
            for force, total, groups, knives in members:
                yield force.code, force.name, force.population, (total, groups, knives)

    title = f"police force area, English regions and Wales, {{what}}, {RELEASE}1"
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book["Notes"].append(["Police force area data tables, " + RELEASE + " (demonstration figures)"])
    notes = ["1. Demonstration figures: invented for a fictional country, in the layout of the ONS tables."]
    p1 = book.create_sheet("Table P1")
    p1.append(["Table P1: Police recorded crime by offence group and " + title.format(what="number of offences")])
    p1.append([])
    p1.append(["England and Wales"])
    p1.append([None, None, "Total recorded crime (excluding fraud)", None, "Victim-based crime", None, None, None,
               None, None, "Other crimes against society"])
    p1.append(["Area Code", "Area Name", None, None, *offences[:5], None, *offences[5:]])
    p1.append([None, None, "Numbers"])
    p3 = book.create_sheet("Table P3")
    p3.append(["Table P3: Police recorded crime by offence group and " + title.format(what="rate of offences")])
    p3.append([])
    p3.append(["England and Wales"])
    p3.append([None] * 6 + ["Victim-based crime", None, None, None, None, None, "Other crimes against society"])
    p3.append(["Area Code", "Area Name", "Population figures\n (mid-2023) rounded to 100", None,
               "Total recorded crime (excluding fraud)", None, *offences[:5], None, *offences[5:]])
    p3.append([None] * 4 + ["Rate per 1,000 population"])
    p4 = book.create_sheet("Table P4  ")  # the publisher's sheet names carry trailing spaces
    p4.append(["Table P4:  Knife and sharp instrument offences recorded by the police for selected offences, by "
               f"police force area, English regions and Wales, {RELEASE}1"])
    p4.append([])
    p4.append(["England and Wales"])
    p4.append([None, None, "Total of selected serious offences", None])
    p4.append(["Area Code", "Area Name", "Number of\n offences\n involving a\n knife", "% involving a knife"])
    p4.append([])
    for code, name, population, (total, groups, knives) in ordered():
        p1.append([code, name, total, None, *groups[:5], None, *groups[5:]])
        rates = [g / population * 1000 for g in groups]
        p3.append([code, name, population, None, total / population * 1000, None, *rates[:5], None, *rates[5:]])
        p4.append([code, name, knives, knives / max(1, int(total * 0.25)) * 100])
    for sheet in (p1, p3, p4):
        sheet.append(["Source: Home Office - Police recorded crime (demonstration figures)"])
        for note in notes:
            sheet.append([note])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
