"""ONS *Clustering similar local authorities in the UK*: each council's statistical nearest neighbours.

The workbook (released with ONS's methodology article on 14 February 2025)
lists, for every UK lower- and upper-tier local authority, its nearest
neighbours under three models (tables 7a to 7c: global, economic,
demographic), the variables the models use (table 4, not winsorised), the
winsorisation thresholds (table 8) and which variables each model uses
(tables 3a to 3c). Tables are found by their titles ("Table 7a: ..."), not by
the sheet names, and a table that is missing or laid out differently is named
with the file in one line.

The workbook gives no indicator rows: its publishers.yaml entry says
``provides: similar_areas``, and `jsna build` turns it into the bundle's
similar-areas table (:mod:`assessment.bundles.similar_areas`) rather than tidy rows.

>>> MODELS["global"]
('7a', '3a')
>>> _neighbour_columns(["Local Authority Code", "Local Authority Name", "Neighbour 1: code", "Neighbour 1: name"])
[(1, 2, 3)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import InputError
from ..inputs.recognition import Recognised
from ..inputs.workbook import sheet_heads, sheet_names, sheet_rows, workbook_format

PUBLISHER_KEY = "ons_similar_areas"
TITLE = "Clustering similar local authorities and statistical nearest neighbours"
#: Model -> (its neighbours table, its averages table, which lists the variables the model uses).
MODELS = {"global": ("7a", "3a"), "economic": ("7b", "3b"), "demographic": ("7c", "3c")}
CODE, NAME = "Local Authority Code", "Local Authority Name"
_NEIGHBOUR = re.compile(r"Neighbour (\d+): (code|name)", re.IGNORECASE)
_RELEASED = re.compile(r"released alongside a methodology article on (\d\d)/(\d\d)/(\d{4})", re.IGNORECASE)
_MISSING = {"[x]", "[c]", "[z]", ""}


@dataclass(frozen=True)
class SimilarAreasWorkbook:
    """What the workbook holds, as frames.

    ``neighbours``: model, area_code, area_name, rank (1 = most similar),
    neighbour_code, neighbour_name. ``variables``: table 4 (area_code,
    area_name, one column per variable, NaN where ONS marks a value missing).
    ``thresholds``: table 8's neighbours-model thresholds (variable, lower,
    upper). ``model_variables``: the variables of each model, in table order.
    """

    neighbours: pd.DataFrame
    variables: pd.DataFrame
    thresholds: pd.DataFrame
    model_variables: dict[str, list[str]]
    published: str


def recognise(path: Path) -> Recognised | None:
    """The ONS workbook: a Contents sheet titled as above, with a table 7a of neighbours."""
    if workbook_format(Path(path)) is None or "Contents" not in sheet_names(path):
        return None
    heads = sheet_heads(path)
    texts = [str(c) for row in heads.get("Contents", []) for c in row if c is not None]
    if not any(t.startswith(TITLE) for t in texts):
        return None
    published = _published(texts)
    return Recognised("publisher", PUBLISHER_KEY, release=f"ONS, released {published}" if published else "ONS",
                      period=published[:4], published=published)


def _published(texts: list[str]) -> str:
    """The release date the Contents sheet states, as ISO ("" when it states none)."""
    for text in texts:
        if m := _RELEASED.search(text):
            return f"{m[3]}-{m[2]}-{m[1]}"
    return ""


def read_workbook(path: Path) -> SimilarAreasWorkbook:
    """Every table the similar-areas comparison needs, checked (one line naming the file and table)."""
    path = Path(path)
    tables = _tables_by_number(path)
    neighbours = pd.concat([_neighbours(path, tables, model) for model in MODELS], ignore_index=True)
    contents = [str(c) for row in sheet_rows(path, "Contents", limit=10) for c in row if c is not None]
    return SimilarAreasWorkbook(neighbours=neighbours, variables=_variables(path, tables),
                                thresholds=_thresholds(path, tables),
                                model_variables={m: _model_variables(path, tables, m) for m in MODELS},
                                published=_published(contents))


def _tables_by_number(path: Path) -> dict[str, str]:
    """Table number ("7a", "4") -> the sheet whose first cell titles it ("Table 7a: ...")."""
    found = {}
    for sheet, rows in sheet_heads(path).items():
        first = str(rows[0][0]) if rows and rows[0] and rows[0][0] is not None else ""
        if m := re.match(r"Table (\d+[a-z]?):", first.strip()):
            found[m[1]] = sheet
    return found


def _table(path: Path, tables: dict[str, str], number: str, first_header: str) -> tuple[list[str], list[tuple]]:
    """A table's header (the row starting ``first_header``) and the rows below it."""
    if number not in tables:
        raise InputError(f"{path}: no 'Table {number}' sheet; is this ONS's similar local authorities workbook?")
    rows = sheet_rows(path, tables[number])
    for index, row in enumerate(rows):
        if row and str(row[0]).strip() == first_header:
            header = [str(c).strip() if c is not None else "" for c in row]
            return header, [r for r in rows[index + 1:] if r and r[0] not in (None, "")]
    raise InputError(f"{path} sheet {tables[number]!r} (Table {number}): no header row starting "
                     f"'{first_header}'")


def _neighbour_columns(header: list[str]) -> list[tuple[int, int, int]]:
    """(rank, code column, name column) of every 'Neighbour N: code' / 'Neighbour N: name' pair."""
    codes: dict[int, int] = {}
    names: dict[int, int] = {}
    for index, text in enumerate(header):
        if m := _NEIGHBOUR.fullmatch(text):
            (codes if m[2].lower() == "code" else names)[int(m[1])] = index
    return [(rank, codes[rank], names[rank]) for rank in sorted(codes) if rank in names]


def _neighbours(path: Path, tables: dict[str, str], model: str) -> pd.DataFrame:
    number = MODELS[model][0]
    header, rows = _table(path, tables, number, CODE)
    pairs = _neighbour_columns(header)
    if not pairs or header[1] != NAME:
        raise InputError(f"{path} sheet {tables[number]!r} (Table {number}): expected columns "
                         f"'{CODE}', '{NAME}', 'Neighbour 1: code', 'Neighbour 1: name', ...")
    records = []
    for row in rows:
        code = str(row[0]).strip()
        for rank, code_col, name_col in pairs:
            neighbour = row[code_col] if code_col < len(row) else None
            if neighbour in (None, "") or str(neighbour).strip() in _MISSING:
                continue
            records.append((model, code, str(row[1]).strip(), rank, str(neighbour).strip(),
                            str(row[name_col]).strip()))
    return pd.DataFrame(records, columns=["model", "area_code", "area_name", "rank", "neighbour_code",
                                          "neighbour_name"])


def _number(value, where: str) -> float:
    if value is None or (isinstance(value, str) and value.strip() in _MISSING):
        return np.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: {value!r} is not a number") from None


def _variables(path: Path, tables: dict[str, str]) -> pd.DataFrame:
    header, rows = _table(path, tables, "4", CODE)
    names = [h for h in header[2:] if h]
    records = []
    for row in rows:
        values = [_number(row[i + 2] if i + 2 < len(row) else None,
                          f"{path} sheet {tables['4']!r} (Table 4) {row[0]} column '{name}'")
                  for i, name in enumerate(names)]
        records.append([str(row[0]).strip(), str(row[1]).strip(), *values])
    return pd.DataFrame(records, columns=["area_code", "area_name", *names])


def _thresholds(path: Path, tables: dict[str, str]) -> pd.DataFrame:
    header, rows = _table(path, tables, "8", "Variable")
    try:
        lower = header.index("Neighbours model 1st percentile")
        upper = header.index("Neighbours model 99th percentile")
    except ValueError:
        raise InputError(f"{path} sheet {tables['8']!r} (Table 8): no 'Neighbours model 1st percentile' and "
                         "'Neighbours model 99th percentile' columns") from None
    where = f"{path} sheet {tables['8']!r} (Table 8)"
    return pd.DataFrame([(str(r[0]).strip(), _number(r[lower], f"{where} {r[0]}"), _number(r[upper], f"{where} {r[0]}"))
                         for r in rows], columns=["variable", "lower", "upper"])


def _model_variables(path: Path, tables: dict[str, str], model: str) -> list[str]:
    """The variables listed in the model's averages table (its first block, 'Mean')."""
    number = MODELS[model][1]
    _, rows = _table(path, tables, number, "Variable")
    out = []
    for row in rows:
        name = str(row[0]).strip()
        if name in ("Median", "Variable") or name in out:
            break
        out.append(name)
    return out
