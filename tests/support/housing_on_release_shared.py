"""Helpers shared by tests/end_to_end/test_housing_on_release.py and tests/sources/test_mhclg_duty_to_refer.py."""

from __future__ import annotations

import openpyxl

from assessment.sources import mhclg_duty_to_refer
from assessment.inputs.workbook import sheet_rows


# Q3 file, sheet A7 (row 8 headers: H "Adult Secure Estate (prison)", I "Youth Secure Estate", J "Probation Service",
# K "Community Rehabilitation Company (retired option)"): Blackpool row 42 H=0 I=0 J=9 K=0; Preston row 211
# H=0 I=0 J=21 K=0. Sheet A3 column AC "Offending history": Blackpool row 38 = 71, Preston row 207 = 17. Sheet A1
# column G "Total owed a prevention or relief duty" and P "Number of households in area (000s)": Blackpool row 40
# G=426 P=65.014, Preston row 209 G=221 P=64.608.
# (prison, probation, offending history, owed a duty, households in thousands)
COUNCILS = {"E06000009": (0 + 0, 9 + 0, 71, 426, 65.014), "E07000123": (0 + 0, 21 + 0, 17, 221, 64.608)}

# Blackpool's Probation Service referrals, sheet A7 column J row 42, in each quarter's file (Detailed_LA_202503.xlsx
# for January to March 2025, then the 202506, 202509 and 202512 ODS files).
BLACKPOOL_PROBATION = {"2024/25 Q4": 32, "2025/26 Q1": 16, "2025/26 Q2": 6, "2025/26 Q3": 9}


def _expected(values):
    """The four figures the report should print, from the hand-read counts (rates per 100,000 households; %)."""
    prison, probation, offending, owed, thousands = values
    households = round(thousands * 1000)
    return {"mhclg-dtr-prison": (prison, households), "mhclg-dtr-probation": (probation, households),
            "mhclg-offending-history": (offending, households), "mhclg-offending-history-share": (offending, owed)}


# Households owed a relief duty whose last settled home was lost on leaving custody, read by hand from
# Statutory_Homelessness_Detailed_Local_Authority_Data_202512.xlsx, sheet A2R, column AW ("Departure from
# institution: ... Of which: Custody"): England row 8 = 2,130, Blackpool row 40 = 7; households in the area
# (000s), sheet A1 column P: England row 8 = 24,440.28, Blackpool row 40 = 65.014.
RELIEF_CUSTODY = {"E92000001": (2130, 24440280), "E06000009": (7, 65014)}


def _small_copy(shared_data, path, *, drop=None, rename=None):
    """The first rows of sheets Contents, A1 and every sheet the reader reads (real xlsx), in a workbook of their own."""
    source = shared_data / "homelessness/Statutory_Homelessness_Detailed_Local_Authority_Data_202512.xlsx"
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in ("Contents", "A1", *mhclg_duty_to_refer.SHEETS):
        if sheet == drop:
            continue
        target = book.create_sheet(sheet)
        for row in sheet_rows(source, sheet)[:45]:
            target.append([rename[1] if rename and sheet == rename[0] and cell == rename[2] else cell for cell in row])
    book.save(path)
    return path
