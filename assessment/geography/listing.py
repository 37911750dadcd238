"""The areas a bundle can report on, for ``jsna areas``: code, name, type and report edition.

The types and editions come from ``boundaries/levels.yaml``: every level with an
``edition`` is listed (a police force area gets ``police-and-crime``, a council
``jsna-chapter``), and ``--type`` takes the same words as the prefixes ``--area``
accepts before a name, meaning the same areas: ``--type county`` lists what
``--area county:<name>`` can give (county councils and unitary authorities).

>>> import pandas as pd
>>> from assessment.geography import Geography
>>> lads = pd.DataFrame({"lad_code": ["E07999001"], "lad_name": ["Alder"], "utla_code": ["E10999001"],
...                      "utla_name": ["Wessex"], "region_code": ["E12999001"], "region_name": ["Wessex"],
...                      "pfa_code": ["E23999001"], "pfa_name": ["Wessex"]})
>>> print(aligned_text(area_list(Geography(lads), name="wessex")))
code       name    type               edition
E12999001  Wessex  region             jsna-chapter
E10999001  Wessex  county council     jsna-chapter
E23999001  Wessex  police force area  police-and-crime
"""

from __future__ import annotations

import csv
import io
import unicodedata

import pandas as pd

from ..core.errors import InputError
from ..core.levels import LEVELS, edition_type_words
from .resolution import in_level, normalise_name, shown_type

COLUMNS = ["code", "name", "type", "edition"]


def level_for_type(text: str) -> str:
    """The level ``--type`` names (``pfa``, ``police``, ``county``...); a one-line error for any other word."""
    choices = edition_type_words()
    key = choices.get(text.strip().lower())
    if key is None:
        raise InputError(f"--type '{text}' is not one of: {', '.join(choices)}")
    return key


def area_list(geography, area_type: str | None = None, name: str | None = None) -> pd.DataFrame:
    """The areas of ``geography`` a report can be written for, by level then name.

    ``area_type`` is a word ``--type`` accepts; ``name`` keeps the areas whose
    name contains it (case, "&"/"and" and punctuation ignored).
    """
    level_key = level_for_type(area_type) if area_type else None
    order = {key: position for position, key in enumerate(LEVELS)}
    rows = []
    for area in geography.areas.itertuples(index=False):
        level = LEVELS.get(area.area_type)
        edition = level.edition_for(area.code) if level else None
        if level is None or edition is None or (level_key and not in_level(area, level_key)):
            continue
        if name and normalise_name(name) not in normalise_name(area.name):
            continue
        rows.append((order[level.key], area.name, area.code, shown_type(area), edition))
    rows.sort()
    return pd.DataFrame([row[2:3] + row[1:2] + row[3:] for row in rows], columns=COLUMNS)


def no_areas_message(where: str, area_type: str | None, name: str | None, geography) -> str:
    """The one-line error when nothing matches: what was asked for, and the closest names."""
    asked = " ".join(filter(None, [f"of type '{area_type}'" if area_type else "",
                                   f"with '{name}' in its name" if name else ""]))
    close = f"; closest names: {geography.suggest(name)}" if name else ""
    return f"{where}: no area" + (f" {asked}" if asked else "") + close


def _printable(text: str) -> str:
    """``text`` with control and format characters (terminal escapes, right-to-left overrides) shown as
    escapes, so a name from a lookup file can neither move the cursor nor reorder the line."""
    return "".join(ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in ("Cc", "Cf")
                   else ch for ch in text)


def aligned_text(frame: pd.DataFrame) -> str:
    """The list as plain text in aligned columns, a header line first."""
    rows = [COLUMNS] + [[_printable(str(value)) for value in row] for row in frame[COLUMNS].itertuples(index=False)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)


def csv_text(frame: pd.DataFrame) -> str:
    """The list as CSV (a header row, then one row per area), names exactly as the lookups give them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(frame[COLUMNS].itertuples(index=False))
    return out.getvalue()
