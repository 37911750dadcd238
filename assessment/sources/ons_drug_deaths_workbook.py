"""ONS's own workbook of deaths related to drug poisoning by local authority (layout not verified).

No copy of the official workbook could be checked here (only CSV extracts are
in ../shared/data), so this layout is marked ``verified: false`` in
``data_sources/publishers.yaml``. What is read: a sheet whose title speaks of
deaths related to drug poisoning by local authority, with ONS area codes in
its first column, the area name in one of the next three columns (ONS indents
names by level), and for each 3-year registration period ("2021-2023",
"2019-21") a column of numbers of deaths (rates and confidence limits beside
them are skipped). Anything else is refused with a message naming the sheet
and the columns it expected, rather than read wrongly.

>>> label_period("Number of deaths 2021-2023"), label_period("Age-standardised rate 2019 to 2021")
('2021 - 23', '2019 - 21')
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..core.errors import InputError
from ..inputs.sheet_cells import to_number
from ._drug_deaths import death_frame, death_records
from ..inputs.recognition import Recognised
from ..inputs.workbook import sheet_heads, sheet_names, sheet_rows, workbook_format

INDICATOR = "ons-drug-poisoning-deaths-3y"
_PERIOD = re.compile(r"(\d{4})\s*(?:-|–|to)\s*(\d{2,4})")
_CODE = re.compile(r"^[EWK]\d{8}$")
_TITLE = re.compile(r"drug poisoning", re.IGNORECASE)
_NOT_A_COUNT = re.compile(r"rate|confidence|lower|upper|interval|standardised|per 100", re.IGNORECASE)
EXPECTED = ("an area code column (ONS codes such as E06000009) followed by area names, and for each 3-year "
            "registration period (e.g. '2021-2023') a 'Number of deaths' column")


def label_period(text: str) -> str | None:
    """Our label ("2021 - 23") for the 3-year registration period named in a header, if any."""
    match = _PERIOD.search(str(text))
    if not match:
        return None
    start, end = int(match[1]), int(match[2]) if len(match[2]) == 4 else int(match[1][:2] + match[2])
    return f"{start} - {end % 100:02d}" if end - start == 2 else None


def _title(rows: list[tuple]) -> str:
    return " ".join(str(c) for row in rows[:8] for c in row if isinstance(c, str))


def _data_sheets(path: Path) -> list[str]:
    """Sheets whose title speaks of drug poisoning deaths by local authority."""
    return [name for name, rows in sheet_heads(path).items()
            if _TITLE.search(_title(rows)) and re.search(r"local authorit", _title(rows), re.IGNORECASE)]


def recognise(path: Path) -> Recognised | None:
    """ONS's workbook, told by a sheet titled as drug poisoning deaths by local authority."""
    if workbook_format(Path(path)) is None or not any(n.lower().startswith("table") for n in sheet_names(path)):
        return None  # ONS names its sheets "Table 1", "Table 6": others are not looked into
    sheets = _data_sheets(Path(path))
    if not sheets:
        return None
    periods = sorted({p for p in (label_period(c) for row in sheet_heads(path)[sheets[0]] for c in row
                                  if isinstance(c, str)) if p})
    latest = periods[-1] if periods else ""
    return Recognised("publisher", "ons_drug_deaths_la", release=f"{latest} registrations (ONS workbook)".strip(),
                      period=latest)


def read(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """Numbers of deaths by local authority and 3-year registration period, from the first matching sheet."""
    path = Path(path)
    sheets = _data_sheets(path)
    if not sheets:
        raise InputError(f"{path}: no sheet titled as deaths related to drug poisoning by local authority "
                         f"(sheets: {', '.join(sheet_names(path)[:12])}); expected {EXPECTED}")
    sheet = sheets[0]
    rows = sheet_rows(path, sheet)
    where = f"{path}:{sheet}"
    start = next((i for i, row in enumerate(rows) if row and isinstance(row[0], str) and _CODE.match(row[0].strip())),
                 None)
    if start is None:
        raise InputError(f"{where}: unknown layout: no row starts with an ONS area code; expected {EXPECTED}")
    labels = _labels(rows[1:start])  # row 1 is the title
    counts = {i: label_period(text) for i, text in enumerate(labels)
              if label_period(text) and re.search(r"number|deaths", text, re.IGNORECASE)
              and not _NOT_A_COUNT.search(text)}
    if not counts:
        found = "; ".join(f"'{t}'" for t in labels if t) or "none"
        raise InputError(f"{where}: unknown layout: expected {EXPECTED}; found columns {found}")
    body = pd.DataFrame(rows[start:])
    body.index = pd.RangeIndex(start + 1, start + 1 + len(body))
    body = body[body[0].map(lambda c: isinstance(c, str) and bool(_CODE.match(c.strip())))]
    codes = body[0].str.strip()
    names = body[[c for c in (1, 2, 3) if c in body.columns]].bfill(axis=1).iloc[:, 0].astype(str).str.strip()
    parts = []
    for column, period in counts.items():
        values, markers = to_number(body[column], where=where, column=labels[column])
        parts.append(death_records(codes, names, pd.Series(period, index=codes.index), values, markers,
                                   indicator_id=INDICATOR))
    return death_frame(pd.concat(parts, ignore_index=True), path=path, source_url=source_url,
                       retrieved_at=retrieved_at, vintage=vintage, where=where)


def _labels(header_rows: list[tuple]) -> list[str]:
    """Each column's header words; a period written once over a merged block applies to the whole block."""
    width = max((len(r) for r in header_rows), default=0)
    filled = []
    for row in header_rows:
        cells = list(row) + [None] * (width - len(row))
        if any(isinstance(c, str) and label_period(c) for c in cells):
            last = None
            for i, cell in enumerate(cells):
                if cell not in (None, ""):
                    last = cell
                elif last is not None and label_period(str(last)):
                    cells[i] = last
        filled.append(cells)
    return [" ".join(" ".join(str(r[i]) for r in filled if r[i] not in (None, "")).split()) for i in range(width)]
