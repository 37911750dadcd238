"""Figures two Fingertips answers of one fetch both give must agree; a disagreement stops the build.

Answers of one fetch overlap where the API repeats areas: the legacy exports of
districts and of counties both carry the unitary authorities, the regions and
England. Which copy is kept is decided elsewhere (the preferred area type); this
module only makes sure that keeping one loses nothing, by comparing the published
figures of every repeated key (comparisons and trends are judgements, which an
answer may leave out, so they are not compared).

>>> import pandas as pd
>>> from assessment.tidy.frame import new_frame
>>> row = dict(indicator_id="90244", area_code="E06000001", period="2022/23", value=20.0,
...            source_url="https://next.example/data?area_type=districts")
>>> frame = new_frame([row, {**row, "source_url": "https://next.example/data?area_type=counties"}])
>>> check_repeats(frame)
>>> frame.loc[1, "value"] = 21.0
>>> check_repeats(frame)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
assessment.core.errors.SourceError: https://next.example/data?area_type=districts and https://next.example/data?area_type=counties disagree on 90244, E06000001, 2022/23, Persons, All ages: value 20.0 and 21.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...core.errors import SourceError
from ...tidy.frame import KEY_COLUMNS

#: The published figures a repeated key must give alike.
FIGURES = ["value", "lower_ci_95", "upper_ci_95", "count"]


def check_repeats(frame: pd.DataFrame) -> None:
    """Raise naming both URLs, the key and the figure when two rows of one key give different figures."""
    repeated = frame[frame.duplicated(KEY_COLUMNS, keep=False)]
    if repeated.empty:
        return
    first = repeated.groupby(KEY_COLUMNS, sort=False, dropna=False)[FIGURES + ["source_url"]].transform("first")
    for column in FIGURES:
        mine = pd.to_numeric(repeated[column], errors="coerce").to_numpy(dtype=float)
        theirs = pd.to_numeric(first[column], errors="coerce").to_numpy(dtype=float)
        differ = ~np.isclose(mine, theirs, rtol=1e-9, atol=0.0, equal_nan=True)
        if differ.any():
            at = int(np.flatnonzero(differ)[0])
            row, kept = repeated.iloc[at], first.iloc[at]
            key = ", ".join(str(row[c]) for c in KEY_COLUMNS if str(row[c]))
            raise SourceError(f"{kept['source_url']} and {row['source_url']} disagree on {key}: "
                              f"{column} {theirs[at]} and {mine[at]}")
