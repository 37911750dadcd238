"""The tidy frame: the one contract between loaders, statistics, charts and templates.

One row per indicator x area x period x sex x age x category. Loaders produce
it, :func:`validate_frame` checks it, and every later stage consumes it.

Examples
--------
>>> import pandas as pd
>>> from assessment.tidy.frame import new_frame, validate_frame
>>> frame = new_frame([{
...     "indicator_id": "demo-1", "indicator_name": "Demo proportion",
...     "source": "demo", "area_code": "E92000001", "area_name": "England",
...     "area_type": "england", "period": "2023", "value": 50.0,
...     "count": 50, "denominator": 100, "value_type": "proportion",
...     "multiplier": 100, "unit": "%", "polarity": "high_is_good",
...     "comparator_method": "ci_overlap_95_998", "ci_method": "wilson",
... }])
>>> validate_frame(frame).shape[0]
1
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import SchemaError
from .frame_columns import TIDY_COLUMNS
from .frame_contract import FrameContract
from .frame_failures import describe_failures
from ..core.levels import level_of_code

#: The tidy frame's schema, coercion and fast check, all from its one table of columns.
CONTRACT = FrameContract(TIDY_COLUMNS)
#: Every column of the tidy frame, in order.
COLUMNS = CONTRACT.names
#: The key that identifies one row of the frame.
KEY_COLUMNS = CONTRACT.key
coerce_frame = CONTRACT.coerce
passes_schema = CONTRACT.passes


def __getattr__(name: str):
    """``SCHEMA``, pandera's schema of the tidy frame, made on first use.

    Importing pandera and building the schema take about 0.2 s, which every report kernel and command
    paid at start-up though only a build validates with it.
    """
    if name == "SCHEMA":
        return CONTRACT.schema
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def new_frame(records: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Build a tidy frame from records or a frame, filling defaults (not validated)."""
    frame = records if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
    if frame.empty and not len(frame.columns):
        frame = pd.DataFrame(columns=COLUMNS)
    return coerce_frame(frame)


def empty_frame() -> pd.DataFrame:
    """A tidy frame with every column and no rows."""
    return coerce_frame(pd.DataFrame(columns=COLUMNS))


def _impossible_proportions(frame: pd.DataFrame) -> str | None:
    """A proportion above 100% or a count above its denominator, named by indicator, area and period.

    >>> rows = new_frame([{"indicator_id": "90976", "indicator_name": "C", "source": "s",
    ...                    "area_code": "E08000035", "area_name": "Leeds", "area_type": "lad",
    ...                    "period": "2022/23", "count": 120, "denominator": 100, "value": 120.0,
    ...                    "value_type": "proportion", "multiplier": 100}])
    >>> print(_impossible_proportions(rows))
    row 0 (indicator 90976, area E08000035, period 2022/23): a proportion's count 120 is above its denominator 100
    """
    proportion = frame["value_type"].eq("proportion")
    # A zero denominator is "no one to count" and gives no value downstream; it is not flagged here.
    over_count = proportion & (frame["denominator"] > 0) & (frame["count"] > frame["denominator"])
    over_value = proportion & (frame["value"] > frame["multiplier"] * (1 + 1e-9))
    bad = over_count | over_value
    if not bad.any():
        return None
    first = int(np.flatnonzero(bad.to_numpy())[0])
    row = frame.iloc[first]
    what = (f"count {row['count']:g} is above its denominator {row['denominator']:g}" if over_count.iloc[first]
            else f"value {row['value']:g} is above {row['multiplier']:g} (100%)")
    more = int(bad.sum()) - 1
    return (f"row {first} (indicator {row['indicator_id']}, area {row['area_code']}, period {row['period']}): "
            f"a proportion's {what}" + (f"; and {more} more row(s)" if more else ""))


def validate_frame(frame: pd.DataFrame, *, where: str = "tidy frame") -> pd.DataFrame:
    """Validate ``frame`` against the tidy-frame schema and return it.

    Raises :class:`~assessment.core.errors.SchemaError` with a one-line message naming
    every failing column and its offending rows (0-based positions), or the
    first impossible proportion by indicator, area and period.
    """
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise SchemaError(f"{where}: missing column(s) {', '.join(missing)}")
    frame = frame.reset_index(drop=True)
    if passes_schema(frame):
        validated = frame
    else:
        validated = _validate_with_pandera(frame, where)
    problem = _impossible_proportions(validated)
    if problem:
        raise SchemaError(f"{where}: {problem}")
    return validated


def _validate_with_pandera(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    from pandera import errors as pandera_errors  # only a frame the fast check refused gets this far

    try:
        return CONTRACT.schema.validate(frame, lazy=True)
    except pandera_errors.SchemaErrors as exc:
        cases = exc.failure_cases
        raise SchemaError(f"{where}: {describe_failures(cases, frame, KEY_COLUMNS)}") from None


def concat_frames(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate tidy frames, keeping the column order and types."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_frame()
    return coerce_frame(pd.concat(frames, ignore_index=True), private=True)


#: The tidy-frame area type of an ONS code (see :mod:`assessment.core.levels`). Unitary,
#: metropolitan and London authorities (E06/E08/E09) are both districts and upper-tier
#: authorities; the frame records them once, as "lad", and the geography says which
#: codes are upper tier.
area_type_for_code = level_of_code
