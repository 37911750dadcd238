"""Columns of a Fingertips CSV export made into the tidy frame's, each distinct cell handled once.

A national export has a million rows and a few thousand distinct cells a column: each
is stripped, filled or translated once, and equal cells share one Python string.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def map_distinct(column: pd.Series, func) -> pd.Series:
    """``column.map(func)``, calling ``func`` once per distinct value (a national export has a million rows)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(value) for value in uniques]
    return pd.Series(mapped[codes], index=column.index, dtype=object)


def text_cells(column: pd.Series, *, strip: bool = False, fill: str | None = None) -> pd.Series:
    """A text column of the export as Python strings, each distinct one made once (``fill`` for an empty cell).

    The typed frame holds its text as objects; stripping or filling the export's Arrow text
    first made another Arrow copy of each column, alive with the export's own until typed.
    """
    def cell(value):
        if pd.isna(value):
            return value if fill is None else fill
        return value.strip() if strip else value
    return map_distinct(column, cell)


def published_column(raw: pd.DataFrame, column: str, ids: pd.Series, metadata: dict, translate) -> pd.Series:
    """A published-judgement column in our words (empty where the export has no such column)."""
    if column not in raw.columns:
        return pd.Series("", index=raw.index)
    # Translated once per distinct (word, indicator): a national export has a million rows and a few thousand pairs.
    word_codes, words = pd.factorize(raw[column].fillna(""))
    id_codes, indicators = pd.factorize(ids)
    pair_codes, pairs = pd.factorize(word_codes.astype(np.int64) * len(indicators) + id_codes)
    translated = np.empty(len(pairs), dtype=object)
    for number, pair in enumerate(pairs):
        word, indicator = words[int(pair) // len(indicators)], indicators[int(pair) % len(indicators)]
        if column == "Recent Trend":
            translated[number] = translate("legacy", word)
        else:
            translated[number] = translate("legacy", word, metadata[indicator].polarity)
    return pd.Series(translated[pair_codes], index=raw.index, dtype=object)
