"""Housing on release from MHCLG's detailed local authority tables: Duty to Refer referrals and offending history.

The same workbook as :mod:`.mhclg_homelessness` (ODS as published, or the
xlsx conversion), read from four of its sheets (:data:`SHEETS`, from the
measures of :data:`INDICATORS`: a new measure is one entry there):

- **A7** (households assessed as a result of a referral): households referred
  under the Duty to Refer by prison (the adult and the youth secure estate
  columns added up) and by the Probation Service (its column plus the retired
  "Community Rehabilitation Company" option, which MHCLG says to report as
  Probation Service and will drop from later releases, so it is read only
  while the file has it);
- **A3** (households owed a duty by support needs): households with an
  "Offending history" support need, and the shares of households with the
  other support needs of :data:`SUPPORT_NEEDS` (care leavers, young people,
  mental health, learning disability, drug and alcohol dependency, domestic
  abuse, HM Forces);
- **A2R** (households owed a relief duty by reason for the loss of their last
  settled home): households whose home was lost on departure from custody;
- **A1**: the number of households in the area (thousands), the denominator of
  MHCLG's own rates per 1,000 households, and the households owed a prevention
  or relief duty, the denominator of the offending-history share.

Columns are found by their header words. A cell the publisher marks (``..``,
``-``, ``x``) is not available, never 0, and its note gives the reason from the
sheet's own key to its markers where the sheet has one. A missing sheet or
column is one error line naming the file, the sheet and what is missing.

>>> sorted(INDICATORS)[:4]
['mhclg-dtr-prison', 'mhclg-dtr-probation', 'mhclg-need-alcohol-share', 'mhclg-need-care-leaver-share']
>>> len(INDICATORS)
13
>>> marker_note("..", {"..": "Authority with missing data."})
"Not available (the publisher's '..'): Authority with missing data."
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core.errors import InputError
from ..inputs.sheet_cells import find_column
from .mhclg_homelessness import (DATA_SHEET, Table, finish, households_denominator, indicator_rows, read_table,
                                 recognise as recognise_detailed_tables)
from ..inputs.recognition import Recognised

KEY = "mhclg_homelessness_referrals"
REFERRALS_SHEET, SUPPORT_NEEDS_SHEET = "A7", "A3"


@dataclass(frozen=True)
class Measure:
    """Where an indicator is read: its sheet, the columns (header patterns) whose counts add up, and what it
    is over (its title, unit and multiplier are its entry in indicators.yaml)."""

    sheet: str
    columns: tuple[str, ...]
    optional: tuple[str, ...] = ()  # columns added when the release still has them
    over: str = "households"  # "households" (a rate per households) or "owed" (% of households owed a duty)


INDICATORS = {
    "mhclg-dtr-prison": Measure(REFERRALS_SHEET, (r"adult secure estate", r"youth secure estate")),
    "mhclg-dtr-probation": Measure(REFERRALS_SHEET, (r"probation service",),
                                   optional=(r"community rehabilitation company",)),
    "mhclg-offending-history": Measure(SUPPORT_NEEDS_SHEET, (r"offending history",)),
    "mhclg-offending-history-share": Measure(SUPPORT_NEEDS_SHEET, (r"offending history",), over="owed"),
    # Table A2R's "Departure from institution: Custody" reason for the loss of the last settled home.
    "mhclg-relief-custody": Measure("A2R", (r"(^|: )custody$",)),
}
# The other support needs of table A3 that the policy documents ask about, each as a share of the
# households owed a duty (as the offending-history share). Where the publisher splits a need by age
# (care leavers; young people), the columns are added up: a household with two care leavers of
# different ages is counted twice, which the catalogue's definitions say.
SUPPORT_NEEDS = {
    "mhclg-need-care-leaver-share": ((r"care leaver aged 18", r"care leaver aged 21-24", r"care leaver aged 25"),
                                     (r"care leaver.*retired",)),
    "mhclg-need-young-person-share": ((r"young person aged 16", r"young person aged 18"), ()),
    "mhclg-need-mental-health-share": ((r"history of mental health",), ()),
    "mhclg-need-learning-disability-share": ((r"learning disability",), ()),
    "mhclg-need-drug-share": ((r"drug dependency",), ()),
    "mhclg-need-alcohol-share": ((r"alcohol dependency",), ()),
    "mhclg-need-domestic-abuse-share": ((r"experienced domestic abuse",), ()),
    "mhclg-need-hm-forces-share": ((r"served in hm forces",), ()),
}
INDICATORS.update({key: Measure(SUPPORT_NEEDS_SHEET, columns, optional=optional, over="owed")
                   for key, (columns, optional) in SUPPORT_NEEDS.items()})
#: The sheets read, from the measures: a measure on a new sheet needs no other change to the reader.
SHEETS = tuple(dict.fromkeys(measure.sheet for measure in INDICATORS.values()))
HOUSEHOLDS, OWED_DUTY = r"households\s+in\s+area", r"total owed a prevention or relief duty"


def marker_note(marker: str, legend: dict[str, str]) -> str:
    """Why a figure is not available, in the sheet's own words where it explains the marker."""
    if not marker:
        return "Not available: the cell is blank in the publisher's table"
    reason = legend.get(marker.lower())
    return (f"Not available (the publisher's '{marker}'): {reason}" if reason
            else f"Not available: the publisher's table shows '{marker}' (missing or suppressed)")


def recognise(path: Path) -> Recognised | None:
    """The detailed local authority tables, told as `mhclg_homelessness.recognise` tells them, under this entry."""
    found = recognise_detailed_tables(path)
    if found is None:
        return None
    return Recognised("publisher", KEY, release=found.release, period=found.period, published=found.published)


def _column_sum(table: Table, measure: Measure) -> tuple[pd.Series, pd.Series]:
    """The measure's count (its columns added up) and, where a part is marked or blank, why it is not available."""
    columns = [find_column(table.labels, pattern, table.where) for pattern in measure.columns]
    columns += [c for c in (_optional_column(table, p) for p in measure.optional) if c is not None]
    total = pd.Series(0.0, index=table.body.index)
    notes = pd.Series("", index=table.body.index)
    for column in columns:
        counts, markers = table.numbers(column)
        missing = counts.isna() & notes.eq("")
        # pandas-stubs wrongly refuses a list as the value of a masked assignment (pandas takes one).
        notes[missing] = [marker_note(m, table.legend) for m in markers[missing]]  # type: ignore[call-overload]
        total = total + counts
    return total, notes


def _optional_column(table: Table, pattern: str) -> int | None:
    try:
        return find_column(table.labels, pattern, table.where)
    except InputError:
        return None


def read(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """Duty to Refer referrals from prison and probation, and the support needs of table A3, by area."""
    path = Path(path)
    households_table = read_table(path, DATA_SHEET)
    households = households_denominator(households_table.numbers(
        find_column(households_table.labels, HOUSEHOLDS, households_table.where))[0])
    owed = households_table.numbers(find_column(households_table.labels, OWED_DUTY, households_table.where))[0]
    by_code = {"households": pd.Series(households.to_numpy(), index=households_table.codes.to_numpy()),
               "owed": pd.Series(owed.to_numpy(), index=households_table.codes.to_numpy())}
    tables = {sheet: read_table(path, sheet) for sheet in SHEETS}
    for table in tables.values():
        if table.period != households_table.period:
            raise InputError(f"{table.where}: the title's quarter ({table.period}) is not sheet {DATA_SHEET}'s "
                             f"({households_table.period})")
    frames = []
    for key, measure in INDICATORS.items():
        table = tables[measure.sheet]
        counts, notes = _column_sum(table, measure)
        denominator = pd.Series(table.codes.map(by_code[measure.over]).to_numpy(), index=table.body.index)
        frames.append(indicator_rows(table, key, counts, notes, denominator))
    return finish(frames, path=path, where=f"{path}:{','.join(SHEETS)}", source_url=source_url,
                  retrieved_at=retrieved_at, vintage=vintage or households_table.release)
