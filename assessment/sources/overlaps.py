"""When two files give the same figure, keep one by the precedence the publishers registry states.

Publishers' files overlap: both ONS drug poisoning files carry England and
the regions; a quarter of the MHCLG tables may be imported as the publisher's
ODS and as an xlsx conversion. Rather than fail on a duplicate, each figure
(indicator, area, period, sex, age, category) is taken from the file that
ranks first:

1. by the order of the registry's ``precedence:`` list (entries not listed
   come after those listed);
2. between files of one entry, the later publication date read from the file;
3. between files of one entry that agree, the file listed first in the snapshot's manifest.

Every overlap is reported as a plain-English note naming both files, how many
figures they share and whether they agree. Two files of one entry that give a
figure different values, with no later publication date to choose between
them, are an error naming both: which is right cannot be told from the order
of their names. The same figure twice in one file is collapsed when the
copies agree and refused, naming the rows, when they do not
(:func:`drop_repeated_rows`).

>>> import pandas as pd
>>> from assessment.tidy.frame import new_frame
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
from typing import cast

import numpy as np
import pandas as pd

from ..core.errors import InputError
from ..tidy.frame import KEY_COLUMNS, concat_frames

#: The columns that make two rows of one figure the same figure.
FIGURE_COLUMNS = ["value", "count"]


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


def resolve_overlaps(parts: list[Part], precedence: list[str], *,
                     conflicts: list[str] | None = None) -> tuple[pd.DataFrame, list[str], list[Part]]:
    """The rows kept, a note per pair of overlapping files, and the parts that contributed a row.

    ``conflicts``, when given, also receives the notes of overlaps whose values
    differ (settled by precedence or a later publication), for the command to print.
    """
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
        for pair, rows in clash.groupby(["_part", "_part_kept"], sort=True):
            lost, won = cast(tuple[int, int], pair)  # positions in ranked (the _part columns)
            same = np.isclose(rows["value"], rows["value_kept"], equal_nan=True)
            if not same.all() and _undecided(ranked[won], ranked[lost]):
                raise InputError(_conflict(ranked[won], ranked[lost], rows[~same]))
            notes.append(_note(ranked[won], ranked[lost], rows, int((~same).sum())))
            if conflicts is not None and not same.all():
                conflicts.append(notes[-1])
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


def _undecided(won: Part, lost: Part) -> bool:
    """Two files of one entry, neither stating a later publication: only their order would decide."""
    return won.entry == lost.entry and not (won.published and lost.published and won.published != lost.published)


#: Breakdown values a figure's description leaves out (the whole population).
_WHOLE = {"sex": "Persons", "age": "All ages", "category": ""}


def _describe(row) -> str:
    """A figure as messages name it: "i for E06000009, 2020 (Female)"."""
    parts = [str(row[c]) for c, whole in _WHOLE.items() if c in row and pd.notna(row[c]) and str(row[c]) != whole]
    return f"{row['indicator_id']} for {row['area_code']}, {row['period']}" + (f" ({', '.join(parts)})" if parts else "")


def _conflict(first: Part, second: Part, rows: pd.DataFrame) -> str:
    row = rows.iloc[0]
    count = len(rows)
    return (f"{first.label} and {second.label} are both '{first.entry}' files and give {count} "
            f"figure{'s' if count != 1 else ''} different values (e.g. {_describe(row)}: {row['value_kept']:g} "
            f"and {row['value']:g}), and neither states a later publication date; import only the edition to use")


def _agree(rows: pd.DataFrame, suffix: str) -> np.ndarray:
    """Whether each row's figures equal those of the copy it was matched with (columns ``value<suffix>``...)."""
    return np.logical_and.reduce([np.isclose(rows[c].astype(float), rows[c + suffix].astype(float), equal_nan=True)
                                  for c in FIGURE_COLUMNS])


def drop_repeated_rows(frame: pd.DataFrame, where: str, *, first_line: int = 2, error: type = InputError) -> pd.DataFrame:
    """One row per figure of one file: repeats that agree collapse; repeats that differ are an error.

    ``first_line`` is the file line of index 0 (2 for a CSV with one header
    line), so the error names both rows; ``error`` is the error raised
    (a :class:`~assessment.core.errors.SourceError` for a downloaded answer).

    >>> import pandas as pd
    >>> from assessment.tidy.frame import new_frame
    >>> row = dict(indicator_id="i", indicator_name="I", source="S", area_code="E92000001", area_name="England",
    ...            area_type="england", period="2020", value=4.0, value_type="count")
    >>> len(drop_repeated_rows(new_frame([row, row]), "export.csv"))
    1
    >>> drop_repeated_rows(new_frame([row, {**row, "value": 5.0}]), "export.csv")
    Traceback (most recent call last):
    ...
    assessment.core.errors.InputError: export.csv rows 2 and 3: i for E92000001, 2020 is given twice, as 4 and 5
    """
    repeated = frame.duplicated(KEY_COLUMNS, keep="first")
    if not repeated.any():
        return frame
    first = frame[~repeated].reset_index(names="_line")
    again = frame[repeated].reset_index(names="_line").merge(
        first[KEY_COLUMNS + ["_line", *FIGURE_COLUMNS]], on=KEY_COLUMNS, suffixes=("", "_first"))
    differ = again[~_agree(again, "_first")]
    if len(differ):
        row = differ.iloc[0]
        raise error(f"{where} rows {int(row['_line_first']) + first_line} and {int(row['_line']) + first_line}: "
                    f"{_describe(row)} is given twice, as {row['value_first']:g} and {row['value']:g}")
    return frame[~repeated]


def keep_preferred(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """One row per figure from several Fingertips files: the best ranked copy (``_rank``; ``_file`` names the file).

    ``frame`` is sorted best first (the indicator's preferred area type's answer
    ranks 0). Copies that agree collapse; a less preferred copy that differs is
    noted in ``notes``; two equally ranked files that differ are an error naming
    both, since only their order would decide.
    """
    repeated = frame.duplicated(KEY_COLUMNS, keep="first")
    if repeated.any():
        first = frame[~repeated]
        again = frame[repeated].merge(first[KEY_COLUMNS + ["_rank", "_file", *FIGURE_COLUMNS]], on=KEY_COLUMNS,
                                      suffixes=("", "_first"))
        differ = again[~_agree(again, "_first")]
        tied = differ[differ["_rank"].eq(differ["_rank_first"])]
        if len(tied):
            row = tied.iloc[0]
            raise InputError(f"{row['_file_first']} and {row['_file']} give {_describe(row)} different values "
                             f"({row['value_first']:g} and {row['value']:g}), and neither is the answer for the "
                             "indicator's preferred area type; import only the export to use")
        for (won, lost), rows in differ.groupby(["_file_first", "_file"], sort=True):
            count = len(rows)
            notes.append(f"{count} figure{'s' if count != 1 else ''} ({_describe(rows.iloc[0])}"
                         f"{' and others' if count > 1 else ''}) differ between {won} and {lost}; {won} "
                         "(the indicator's preferred area type) is used.")
    return frame[~repeated].drop(columns=["_rank", "_file"])
