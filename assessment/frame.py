"""The tidy frame: the one contract between loaders, statistics, charts and templates.

One row per indicator x area x period x sex x age x category. Loaders produce
it, :func:`validate_frame` checks it, and every later stage consumes it.

Examples
--------
>>> import pandas as pd
>>> from assessment.frame import new_frame, validate_frame
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
import pandera.pandas as pa

from .errors import SchemaError
from .frame_failures import describe_failures
from .levels import AREA_TYPES, level_of_code

VALUE_TYPES = (
    "proportion",
    "crude rate",
    "directly standardised rate",
    "indirectly standardised ratio",
    "count",
    "score",
    "mean",
    "life expectancy",
    "rank",
)
POLARITIES = ("low_is_good", "high_is_good", "no_judgement", "not_applicable")
CI_METHODS = ("wilson", "byars", "dobson", "exact_poisson", "none", "published")

#: The key that identifies one row of the frame.
KEY_COLUMNS = [
    "indicator_id",
    "area_code",
    "period",
    "sex",
    "age",
    "category_type",
    "category",
]

STRING_COLUMNS = [
    "indicator_id",
    "indicator_name",
    "source",
    "area_code",
    "area_name",
    "area_type",
    "period",
    "sex",
    "age",
    "category_type",
    "category",
    "value_type",
    "unit",
    "polarity",
    "comparator_method",
    "ci_method",
    "value_note",
    "published_comparison",
    "published_trend",
    "source_url",
    "vintage",
]
FLOAT_COLUMNS = [
    "value",
    "lower_ci_95",
    "upper_ci_95",
    "lower_ci_998",
    "upper_ci_998",
    "count",
    "denominator",
    "multiplier",
]
DATE_COLUMNS = ["period_start", "period_end", "retrieved_at"]
BOOL_COLUMNS = ["suppressed"]

#: Every column of the tidy frame, in order.
COLUMNS = (
    KEY_COLUMNS[:1]
    + ["indicator_name", "source", "area_code", "area_name", "area_type", "period",
       "period_start", "period_end", "sex", "age", "category_type", "category"]
    + ["value", "lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998",
       "count", "denominator", "value_type", "multiplier", "unit", "polarity",
       "comparator_method", "ci_method", "value_note", "suppressed",
       "published_comparison", "published_trend",
       "source_url", "retrieved_at", "vintage"]
)

#: Defaults used by :func:`new_frame` for columns a loader leaves out.
DEFAULTS: dict[str, Any] = {
    "sex": "Persons",
    "age": "All ages",
    "category_type": "",
    "category": "",
    "value_note": "",
    # What the publisher itself said (Fingertips' comparison with England and recent
    # trend, in our words); empty when it said nothing. Our own judgements are
    # computed in assessment.analysis and never read from these.
    "published_comparison": "",
    "published_trend": "",
    "suppressed": False,
    "ci_method": "none",
    "comparator_method": "none",
    "polarity": "not_applicable",
    "unit": "",
    "multiplier": 1.0,
    "source_url": "",
    "vintage": "",
}

AREA_CODE_PATTERN = r"^[EWSNK]\d{8}$"


#: Each interval's (lower, upper) columns; a row's interval must hold its value.
INTERVALS = (("lower_ci_95", "upper_ci_95"), ("lower_ci_998", "upper_ci_998"))


def _ci_in_order(df: pd.DataFrame, lower: str, upper: str) -> pd.Series:
    lo, up, val = df[lower], df[upper], df["value"]
    ok = (lo.isna() | up.isna() | (lo <= up + 1e-9))
    ok &= lo.isna() | val.isna() | (lo <= val + 1e-9 * val.abs().clip(lower=1))
    ok &= up.isna() | val.isna() | (val <= up + 1e-9 * val.abs().clip(lower=1))
    return ok


def _ordered_ci(lower: str, upper: str):
    return pa.Check(lambda df: _ci_in_order(df, lower, upper), element_wise=False, error=f"{lower} <= value <= {upper}")


def _suppressed_rows_hide_numbers(df: pd.DataFrame) -> pd.Series:
    hidden = df[["value", "count", "lower_ci_95", "upper_ci_95"]].isna().all(axis=1)
    return ~df["suppressed"] | hidden


def _all_text(series: pd.Series) -> bool | pd.Series:
    # infer_dtype runs in C; only a failing column pays for the per-row check
    # that names the offending rows.
    if pd.api.types.infer_dtype(series, skipna=False) in ("string", "empty"):
        return True
    return series.map(lambda v: isinstance(v, str))


#: The text columns' own checks (the schema's and :func:`passes_schema`'s) beyond "is text": minimum length or allowed values.
_TEXT_RULES: dict[str, Any] = {
    "indicator_id": 1, "area_name": 1, "period": 1,
    "area_type": AREA_TYPES, "value_type": VALUE_TYPES, "polarity": POLARITIES, "ci_method": CI_METHODS,
}


def _schema() -> pa.DataFrameSchema:
    non_negative = pa.Check.ge(0)
    columns: dict[str, pa.Column] = {}
    # Text columns are checked by content, not dtype: pandas 3 reads text as "str",
    # older pandas as object, and both are fine here.
    is_text = pa.Check(_all_text, error="is text")

    def text(*checks: pa.Check) -> pa.Column:
        return pa.Column(None, [is_text, *checks], nullable=False)

    for name in STRING_COLUMNS:
        columns[name] = text()
    columns["area_code"] = text(pa.Check.str_matches(AREA_CODE_PATTERN))
    for name, rule in _TEXT_RULES.items():
        columns[name] = text(pa.Check.str_length(min_value=rule) if isinstance(rule, int) else pa.Check.isin(rule))
    for name in FLOAT_COLUMNS:
        columns[name] = pa.Column(float, nullable=True)
    columns["count"] = pa.Column(float, non_negative, nullable=True)
    columns["denominator"] = pa.Column(float, non_negative, nullable=True)
    columns["multiplier"] = pa.Column(float, pa.Check.gt(0), nullable=False)
    for name in DATE_COLUMNS:
        columns[name] = pa.Column("datetime64[ns]", nullable=True)
    columns["suppressed"] = pa.Column(bool, nullable=False)
    return pa.DataFrameSchema(
        columns,
        checks=[
            *(_ordered_ci(lower, upper) for lower, upper in INTERVALS),
            pa.Check(_suppressed_rows_hide_numbers, element_wise=False,
                     error="suppressed rows must not carry value, count or CIs"),
        ],
        unique=KEY_COLUMNS,
        strict=True,
        ordered=False,
        coerce=False,
    )


SCHEMA = _schema()


def coerce_frame(frame: pd.DataFrame, *, private: bool = False) -> pd.DataFrame:
    """Add missing optional columns with their defaults and cast every column to its type.

    Key columns and values are never invented: a missing ``indicator_id`` or
    ``area_code`` is left missing so :func:`validate_frame` reports it.
    ``private``: no one else holds ``frame`` (a concatenation just made), so it is
    not copied first; a national frame's copy is half a gigabyte.
    """
    out = frame.copy(deep=not private)
    for name, default in DEFAULTS.items():
        if name not in out.columns:
            out[name] = default
        elif not _all_str(out[name]):
            out[name] = out[name].where(out[name].notna(), default)
    for name in FLOAT_COLUMNS:
        if name not in out.columns:
            out[name] = np.nan
        out[name] = pd.to_numeric(out[name], errors="coerce").astype("float64")
    for name in DATE_COLUMNS:
        if name not in out.columns:
            out[name] = pd.NaT
        out[name] = pd.to_datetime(out[name], errors="coerce", utc=True).dt.tz_localize(None)
        out[name] = out[name].astype("datetime64[ns]")
    for name in STRING_COLUMNS:
        if name in out.columns and not _all_str(out[name]):
            column = _shared_objects(out[name])
            # Only a column that is not all text already pays for the per-value conversion.
            if pd.api.types.infer_dtype(column, skipna=True) not in ("string", "empty"):
                column = column.map(lambda v: v if v is None else str(v)).astype(object)
            out[name] = column
    out["suppressed"] = out["suppressed"].astype(bool)
    ordered = [c for c in COLUMNS if c in out.columns]
    extra = [c for c in out.columns if c not in COLUMNS]
    return out[ordered + extra].reset_index(drop=True)


def _all_str(column: pd.Series) -> bool:
    """Whether ``column`` is already an object column of str only (nothing to fill or convert)."""
    return column.dtype == object and pd.api.types.infer_dtype(column, skipna=False) == "string"


def _shared_objects(column: pd.Series) -> pd.Series:
    """``column`` as objects, missing values as None, equal values sharing one Python object.

    A text column read from CSV (pandas' string dtype) becomes one new str per cell
    when cast to object; a national export's 20 text columns of a million rows hold
    a few thousand distinct values, so sharing them saves most of the frame's memory.
    """
    if column.dtype == object:
        return column.where(column.notna(), None)
    codes, uniques = pd.factorize(column)
    values = np.empty(len(uniques) + 1, dtype=object)
    values[:-1] = np.asarray(uniques, dtype=object)
    values[-1] = None  # factorize's code for a missing value is -1
    return pd.Series(values[codes], index=column.index, dtype=object, name=column.name)


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

    Raises :class:`~assessment.errors.SchemaError` with a one-line message naming
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
    try:
        return SCHEMA.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        raise SchemaError(f"{where}: {describe_failures(cases, frame, KEY_COLUMNS)}") from None


def passes_schema(frame: pd.DataFrame) -> bool:
    """Whether :data:`SCHEMA` would accept ``frame`` (0-based index), in vectorised pandas.

    The same rules as the schema, without pandera's per-check machinery: a build
    validates some 40 frames, and pandera took 2 of its seconds. False sends
    :func:`validate_frame` to pandera, which names every failing column and row;
    the tests hold this function to pandera's verdict rule by rule.
    """
    if list(frame.columns) != list(dict.fromkeys(frame.columns)) or set(frame.columns) != set(COLUMNS):
        return False
    for name in STRING_COLUMNS:
        column = frame[name]
        if pd.api.types.infer_dtype(column, skipna=False) not in ("string", "empty"):
            return False
        if column.dtype != object and column.isna().any():
            return False
    # Text rules hold for every row if they hold for every distinct value (a few thousand in a million rows).
    if not pd.Series(frame["area_code"].unique(), dtype=object).str.match(AREA_CODE_PATTERN).all():
        return False
    for name, rule in _TEXT_RULES.items():
        column = pd.Series(frame[name].unique(), dtype=object)
        if not (column.str.len() >= rule if isinstance(rule, int) else column.isin(rule)).all():
            return False
    if any(frame[name].dtype != np.float64 for name in FLOAT_COLUMNS):
        return False
    if any(frame[name].dtype != np.dtype("datetime64[ns]") for name in DATE_COLUMNS):
        return False
    if frame["suppressed"].dtype != bool:
        return False
    if (frame["count"] < 0).any() or (frame["denominator"] < 0).any() or not (frame["multiplier"] > 0).all():
        return False
    if not all(_ci_in_order(frame, lower, upper).all() for lower, upper in INTERVALS):
        return False
    if not _suppressed_rows_hide_numbers(frame).all():
        return False
    return not frame.duplicated(KEY_COLUMNS).any()


def concat_frames(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate tidy frames, keeping the column order and types."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_frame()
    return coerce_frame(pd.concat(frames, ignore_index=True), private=True)


#: The tidy-frame area type of an ONS code (see :mod:`assessment.levels`). Unitary,
#: metropolitan and London authorities (E06/E08/E09) are both districts and upper-tier
#: authorities; the frame records them once, as "lad", and the geography says which
#: codes are upper tier.
area_type_for_code = level_of_code
