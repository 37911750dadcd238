"""pandera's schema, the coercion and the fast check of a frame, all made from one column table.

:class:`FrameContract` reads a table of :class:`~assessment.tidy.frame_columns.Column`
(the tidy frame's is :data:`~assessment.tidy.frame_columns.TIDY_COLUMNS`) and gives:

- :attr:`FrameContract.schema`, pandera's schema, which names every failing column and row;
- :meth:`FrameContract.coerce`, which fills defaults and casts each column to its kind;
- :meth:`FrameContract.broken_rules`, the same rules in vectorised pandas: a build
  checks frames of a million rows, and pandera's per-check machinery took seconds.

>>> from assessment.tidy.frame_columns import Column
>>> contract = FrameContract((Column("area_code", "text", key=True, pattern=r"^E\\d{8}$"),
...                           Column("value", "number", minimum=0)), row_rules=False)
>>> contract.broken_rules(contract.coerce(pd.DataFrame({"area_code": ["E06000009"], "value": [-1]})))
['value']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property, partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .frame_columns import INTERVALS, REQUIRED, SUPPRESSED_HIDES, Column

if TYPE_CHECKING:  # pandera is imported where the schema is made: most commands and every report never need it
    import pandera.pandas as pa

#: pandera's name for the key rule (no two rows share a key); the fast check gives it the same name.
UNIQUE_KEY = "multiple_fields_uniqueness"
#: The fast check's name for a frame whose columns are not the declared ones.
WRONG_COLUMNS = "<columns>"
DATE_DTYPE = np.dtype("datetime64[ns]")


def ci_in_order(df: pd.DataFrame, lower: str, upper: str) -> pd.Series:
    """Rows whose interval is in order and holds the value (a missing end holds anything)."""
    lo, up, val = df[lower], df[upper], df["value"]
    ok = (lo.isna() | up.isna() | (lo <= up + 1e-9))
    ok &= lo.isna() | val.isna() | (lo <= val + 1e-9 * val.abs().clip(lower=1))
    ok &= up.isna() | val.isna() | (val <= up + 1e-9 * val.abs().clip(lower=1))
    return ok


def suppressed_rows_hide_numbers(df: pd.DataFrame) -> pd.Series:
    """Rows that are not suppressed, or carry no value, count or interval."""
    hidden = df[list(SUPPRESSED_HIDES)].isna().all(axis=1)
    return ~df["suppressed"] | hidden


#: A rule within a row: (its message, the rows of a frame that keep it).
RowRule = tuple[str, Callable[[pd.DataFrame], pd.Series]]


def _row_rules() -> list[RowRule]:
    """The tidy frame's rules within a row."""
    rules: list[RowRule] = [(f"{lower} <= value <= {upper}", partial(ci_in_order, lower=lower, upper=upper))
                            for lower, upper in INTERVALS]
    rules.append(("suppressed rows must not carry value, count or CIs", suppressed_rows_hide_numbers))
    return rules


def all_text(series: pd.Series) -> bool | pd.Series:
    """True when every cell is a str; else which cells are (so pandera names the others)."""
    # infer_dtype runs in C; only a failing column pays for the per-row check.
    if pd.api.types.infer_dtype(series, skipna=False) in ("string", "empty"):
        return True
    return series.map(lambda v: isinstance(v, str))


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


class FrameContract:
    """Everything a frame's columns promise, from one table of columns (see the module's docstring)."""

    def __init__(self, columns: Sequence[Column], *, row_rules: bool = True):
        self.columns = tuple(columns)
        self.names = [c.name for c in self.columns]
        self.key = [c.name for c in self.columns if c.key]
        self.defaults = {c.name: c.default for c in self.columns if c.default is not REQUIRED}
        self.row_rules: list[RowRule] = _row_rules() if row_rules else []

    def of_kind(self, kind: str) -> list[str]:
        """The names of the columns of one kind, in order."""
        return [c.name for c in self.columns if c.kind == kind]

    # --- pandera's schema ---------------------------------------------------------------------

    @cached_property
    def schema(self) -> pa.DataFrameSchema:
        """pandera's schema of every column and row rule (strict: no other column)."""
        import pandera.pandas as pa

        return pa.DataFrameSchema(
            {c.name: _schema_column(c) for c in self.columns},
            checks=[pa.Check(rule, element_wise=False, error=message) for message, rule in self.row_rules],
            unique=self.key or None, strict=True, ordered=False, coerce=False)

    # --- the fast check -----------------------------------------------------------------------

    def broken_rules(self, frame: pd.DataFrame) -> list[str]:
        """The columns whose rules ``frame`` breaks; if none, the row rules it breaks (by their messages).

        The same verdict as :attr:`schema` (0-based index) in vectorised pandas, naming
        what pandera's failure cases name; an empty list is a frame the schema accepts.
        """
        if list(frame.columns) != list(dict.fromkeys(frame.columns)) or set(frame.columns) != set(self.names):
            return [WRONG_COLUMNS]
        broken = [c.name for c in self.columns if not _column_keeps(c, frame[c.name])]
        if broken:  # a row rule on a column of the wrong kind would not be meaningful
            return broken
        broken = [message for message, rule in self.row_rules if not rule(frame).all()]
        return broken + ([UNIQUE_KEY] if self.key and frame.duplicated(self.key).any() else [])

    def passes(self, frame: pd.DataFrame) -> bool:
        """Whether :attr:`schema` would accept ``frame`` (0-based index)."""
        return not self.broken_rules(frame)

    # --- the coercion -------------------------------------------------------------------------

    def coerce(self, frame: pd.DataFrame, *, private: bool = False) -> pd.DataFrame:
        """Add missing optional columns with their defaults and cast every column to its kind.

        Key columns and values are never invented: a missing ``indicator_id`` or
        ``area_code`` is left missing so the schema reports it. ``private``: no one
        else holds ``frame`` (a concatenation just made), so it is not copied first;
        a national frame's copy is half a gigabyte.
        """
        out = frame.copy(deep=not private)
        all_str = set()  # text columns found to hold str only: scanning a million cells once is enough
        for name, default in self.defaults.items():
            if name not in out.columns:
                out[name] = default
            elif _all_str(out[name]):
                all_str.add(name)
            else:
                out[name] = out[name].where(out[name].notna(), default)
        for column in self.columns:
            if column.kind != "text" and column.name not in out.columns:
                out[column.name] = pd.NaT if column.kind == "date" else np.nan
            if column.name in out.columns and not (column.kind == "text" and column.name in all_str):
                out[column.name] = _CASTS[column.kind](out[column.name])
        ordered = [c for c in self.names if c in out.columns]
        extra = [c for c in out.columns if c not in self.names]
        return out[ordered + extra].reset_index(drop=True)


def _as_number(column: pd.Series) -> pd.Series:
    if column.dtype == np.float64:  # already a number column: a national frame is typed several times
        return column
    return pd.to_numeric(column, errors="coerce").astype("float64")


def _as_date(column: pd.Series) -> pd.Series:
    if column.dtype == DATE_DTYPE:  # already dates, naive as UTC: converting gives the same values
        return column
    return pd.to_datetime(column, errors="coerce", utc=True).dt.tz_localize(None).astype(DATE_DTYPE)


def _as_text(column: pd.Series) -> pd.Series:
    if _all_str(column):
        return column
    column = _shared_objects(column)
    # Only a column that is not all text already pays for the per-value conversion.
    if pd.api.types.infer_dtype(column, skipna=True) not in ("string", "empty"):
        column = column.map(lambda v: v if v is None else str(v)).astype(object)
    return column


_CASTS = {"text": _as_text, "number": _as_number, "date": _as_date, "flag": lambda c: c.astype(bool)}


def _schema_column(column: Column) -> pa.Column:
    """pandera's column for one declared column."""
    import pandera.pandas as pa

    checks = []
    if column.kind == "text":
        # Text is checked by content, not dtype: pandas 3 reads text as "str", older pandas as object.
        checks.append(pa.Check(all_text, error="is text"))
    if column.pattern is not None:
        checks.append(pa.Check.str_matches(column.pattern))
    if column.min_length is not None:
        checks.append(pa.Check.str_length(min_value=column.min_length))
    if column.allowed is not None:
        checks.append(pa.Check.isin(column.allowed))
    if column.minimum is not None:
        checks.append(pa.Check.ge(column.minimum))
    if column.above is not None:
        checks.append(pa.Check.gt(column.above))
    dtype = {"text": None, "number": float, "date": "datetime64[ns]", "flag": bool}[column.kind]
    return pa.Column(dtype, checks, nullable=column.may_be_missing)


def _column_keeps(column: Column, values: pd.Series) -> bool:
    """Whether every value of one column keeps its declared kind and rules."""
    if column.kind == "text":
        if pd.api.types.infer_dtype(values, skipna=False) not in ("string", "empty"):
            return False
        if values.dtype != object and values.isna().any():
            return False
        if column.pattern is None and column.min_length is None and column.allowed is None:
            return True  # text, and no rule to hold: its distinct values are not needed
        # Text rules hold for every row if they hold for every distinct value (a few thousand in a million rows).
        distinct = pd.Series(values.unique(), dtype=object)
        return bool((column.pattern is None or distinct.str.match(column.pattern).all())
                    and (column.min_length is None or (distinct.str.len() >= column.min_length).all())
                    and (column.allowed is None or distinct.isin(column.allowed).all()))
    expected = {"number": np.dtype(np.float64), "date": DATE_DTYPE, "flag": np.dtype(bool)}[column.kind]
    if values.dtype != expected:
        return False
    if not column.may_be_missing and values.isna().any():
        return False
    return not ((column.minimum is not None and (values < column.minimum).any())
                or (column.above is not None and (values <= column.above).any()))
