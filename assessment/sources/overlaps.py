"""When two files give the same figure, keep one by the precedence the publishers registry states.

Publishers' files overlap: both ONS drug poisoning files carry England and
the regions; a quarter of the MHCLG tables may be imported as the publisher's
ODS and as an xlsx conversion. Rather than fail on a duplicate, each figure
(indicator, area, period, sex, age, category) is taken from the file that
ranks first:

1. by the order of the registry's ``precedence:`` list (entries not listed
   come after those listed);
2. between files of one entry, the later publication date read from the file;
3. then the file listed first in the snapshot's manifest.

Every overlap is reported as a plain-English note naming both files, how many
figures they share and whether they agree.

>>> import pandas as pd
>>> from assessment.frame import new_frame
>>> row = dict(indicator_id="i", indicator_name="I", source="ONS", area_code="E92000001", area_name="England",
...            area_type="england", period="2020", value=4312.0, value_type="count")
>>> a, b = Part(new_frame([row]), "la.csv", "ons_la"), Part(new_frame([row]), "substance.csv", "ons_substance")
>>> frame, notes, used = resolve_overlaps([b, a], precedence=["ons_la", "ons_substance"])
>>> len(frame), [p.label for p in used]
(1, ['la.csv'])
>>> print(notes[0])
1 figure (i, 2020) is in both la.csv and substance.csv; la.csv ranks first (data_sources/publishers.yaml precedence) and is used; the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..frame import KEY_COLUMNS, concat_frames


@dataclass
class Part:
    """One file's rows, with what decides its rank."""

    frame: pd.DataFrame
    label: str  # the file, as messages name it
    entry: str  # its publishers registry key ("fingertips" for exports)
    published: str = ""  # ISO publication date read from the file
    order: int = 0  # position in the manifest


def _rank(part: Part, precedence: list[str]) -> tuple:
    listed = precedence.index(part.entry) if part.entry in precedence else len(precedence)
    published = -int(part.published.replace("-", "")[:8] or 0) if part.published else 0
    return listed, part.entry, published, part.order


def resolve_overlaps(parts: list[Part], precedence: list[str]) -> tuple[pd.DataFrame, list[str], list[Part]]:
    """The rows kept, a note per pair of overlapping files, and the parts that contributed a row."""
    ranked = sorted((p for p in parts if len(p.frame)), key=lambda p: _rank(p, precedence))
    if not ranked:
        return concat_frames([]), [], []
    frame = pd.concat([p.frame.assign(_part=i) for i, p in enumerate(ranked)], ignore_index=True)
    duplicate = frame.duplicated(KEY_COLUMNS, keep="first")
    notes = []
    if duplicate.any():
        kept = frame[~duplicate]
        clash = frame[duplicate].merge(kept[KEY_COLUMNS + ["_part", "value"]], on=KEY_COLUMNS,
                                       suffixes=("", "_kept"))
        for (lost, won), rows in clash.groupby(["_part", "_part_kept"], sort=True):
            same = np.isclose(rows["value"], rows["value_kept"], equal_nan=True)
            notes.append(_note(ranked[won], ranked[lost], rows, int((~same).sum())))
        frame = kept
    used = sorted(set(frame["_part"]))
    return concat_frames([frame.drop(columns="_part")]), notes, [ranked[i] for i in used]


def _note(won: Part, lost: Part, rows: pd.DataFrame, differ: int) -> str:
    count = len(rows)
    indicators = ", ".join(sorted(rows["indicator_id"].unique())[:3])
    periods = sorted(rows["period"].unique())
    span = periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"
    why = ("a later publication" if won.entry == lost.entry and won.published and won.published != lost.published
           else "data_sources/publishers.yaml precedence" if won.entry != lost.entry else "listed first")
    agreement = "the two agree" if differ == 0 else f"{differ} of them differ"
    return (f"{count} figure{'s' if count != 1 else ''} ({indicators}, {span}) "
            f"{'is' if count == 1 else 'are'} in both {won.label} and {lost.label}; {won.label} ranks first "
            f"({why}) and is used; {agreement}.")
