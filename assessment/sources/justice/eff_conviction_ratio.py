"""Ethnicity facts and figures: prosecutions and convictions (the conviction ratio) by force and ethnicity.

The download is the service's tidy CSV (Ministry of Justice criminal justice
statistics): one row per measure, ethnic group, year, sex, age group, offence
group and police force area, with the value and its numerator (convictions at
magistrates' courts and the Crown Court) and denominator (prosecutions at
magistrates' courts). Forces are named without codes ("City of London",
"Avon and Somerset"); the national rows ("All") are England and Wales.

Loaded: every force for all sexes, ages and offences, and England and Wales by
sex and by age group, as ``eff-conviction-ratio`` (convictions per 100
prosecutions, the publisher's value, with no interval: the ratio can exceed 100
because convictions in a year can follow earlier prosecutions, so it is not a
rate of one cohort). The national
rows broken down by offence group are not loaded: the tidy frame's one
breakdown besides sex and age carries the ethnic group. A value the
download leaves blank is "not available", and a force, year and ethnic group
with no row at all gets a "not available" row, so every force appears every year.

>>> sorted(AGE_GROUPS.values())
['Adults', 'All ages', 'Juveniles', 'Young adults']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...core.errors import InputError
from ...inputs.recognition import Recognised
from .areas import TOTAL_NAMES
from .eff_csv import SOURCE, first_lines, header_index, number, read_rows
from .force_names import ForceNames, normalise
from ..records import build_frame, not_available, vintage_of

KEY = "eff_conviction_ratio"
INDICATOR = "eff-conviction-ratio"
ETHNICITY = "Ethnicity"
SEXES = {"All": "Persons", "Male": "Male", "Female": "Female"}
AGE_GROUPS = {"All": "All ages", "Juveniles": "Juveniles", "Young adults": "Young adults", "Adults": "Adults"}
COLUMNS = {
    "measure": (r"^measure$", "the measure"),
    "ethnicity": (r"^ethnicity$", "the ethnic group"),
    "time": (r"^time$", "the year"),
    "sex": (r"^sex$", "sex"),
    "age": (r"^age", "the age group"),
    "offence": (r"^offence", "the offence group"),
    "area": (r"police force area", "the police force area"),
    "value": (r"^value$", "the value"),
    "denominator": (r"^denominator", "the denominator (prosecutions)"),
    "numerator": (r"^numerator", "the numerator (convictions)"),
}
#: Published values are rounded to one decimal place (some to a whole number).
ROUNDING = 0.15


def _columns(header: list[str], path: Path) -> dict[str, int]:
    return {key: header_index(header, pattern, path, what) for key, (pattern, what) in COLUMNS.items()}


def read(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "",
         forces: ForceNames | None = None) -> pd.DataFrame:
    """The conviction ratio by police force area and ethnic group (and nationally by sex and age)."""
    path = Path(path)
    forces = forces or ForceNames.default()
    rows = read_rows(path)
    if len(rows) < 2:
        raise InputError(f"{path}: no data rows")
    col = _columns(rows[0], path)
    records, seen_forces, periods, groups = [], set(), set(), set()
    code: str | None
    for line, row in enumerate(rows[1:], start=2):
        cell = {key: row[index] if index < len(row) else "" for key, index in col.items()}
        if "conviction ratio" not in cell["measure"].lower():
            raise InputError(f"{path} row {line} column 'Measure': not the conviction ratio ({cell['measure']!r})")
        national = normalise(cell["area"]) in ("all", "england and wales")
        if cell["offence"] != "All" or (not national and (cell["sex"], cell["age"]) != ("All", "All")):
            continue  # offence-group breakdowns (national only): see the module docstring
        if national:
            code, name = "K04000001", TOTAL_NAMES["K04000001"]
        else:
            code = forces.code(cell["area"])
            if code is None:
                raise InputError(f"{path} row {line} column 'Police Force Area': '{cell['area']}' is not a police "
                                 "force area name (a force renamed?)")
            name = forces.name(code)
            seen_forces.add(code)
        if cell["sex"] not in SEXES or cell["age"] not in AGE_GROUPS:
            raise InputError(f"{path} row {line}: unknown sex {cell['sex']!r} or age group {cell['age']!r}")
        periods.add(cell["time"])
        groups.add(cell["ethnicity"])
        record = {"indicator_id": INDICATOR, "area_code": code, "area_name": name, "period": cell["time"],
                  "sex": SEXES[cell["sex"]], "age": AGE_GROUPS[cell["age"]], "category_type": ETHNICITY,
                  "category": cell["ethnicity"]}
        value, convictions, prosecutions = number(cell["value"]), number(cell["numerator"]), number(cell["denominator"])
        if value is None or convictions is None or not prosecutions:
            records.append(not_available(record, "Not available: the download gives no conviction ratio for "
                                                 "this force, year and ethnic group"))
            continue
        if abs(convictions / prosecutions * 100 - value) > ROUNDING:
            raise InputError(f"{path} row {line}: value {value} is not numerator {convictions:g} over denominator "
                             f"{prosecutions:g} (the columns may have moved)")
        records.append({**record, "value": value, "count": convictions, "denominator": prosecutions})
    forces.check_complete(seen_forces, where=str(path))
    records += _absent(records, forces, sorted(periods), sorted(groups))
    return build_frame(records, source=SOURCE, path=path, source_url=source_url, retrieved_at=retrieved_at,
                       vintage=vintage_of(vintage, f"{SOURCE}: prosecutions and convictions",
                                          f"{min(periods)} to {max(periods)}"), where=str(path))


def _absent(records: list[dict], forces: ForceNames, periods: list[str], groups: list[str]) -> list[dict]:
    """A "not available" row for every force, year and ethnic group the download has no row for."""
    present = {(r["area_code"], r["period"], r["category"]) for r in records if r["sex"] == "Persons"
               and r["age"] == "All ages"}
    return [not_available({"indicator_id": INDICATOR, "area_code": code, "area_name": forces.name(code),
                           "period": period, "category_type": ETHNICITY, "category": group},
                          "Not available: the download has no row for this force, year and ethnic group")
            for code in forces.codes for period in periods for group in groups
            if (code, period, group) not in present]


def recognise(path: Path) -> Recognised | None:
    """The conviction ratio download, told by its header and measure; None for any other file."""
    lines = first_lines(path, 2)
    if len(lines) < 2:
        return None
    try:
        col = _columns(lines[0], path)
    except InputError:
        return None
    row = lines[1]
    if col["measure"] >= len(row) or "conviction ratio" not in row[col["measure"]].lower():
        return None
    rows = read_rows(path)
    years = sorted({r[col["time"]] for r in rows[1:] if col["time"] < len(r)})
    return Recognised(kind="publisher", key=KEY, release=f"{years[0]} to {years[-1]}", period=years[-1],
                      rows=len(rows) - 1)
