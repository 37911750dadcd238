"""Text columns read as numbers by Arrow's own parser, where it reads them whole."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow_numbers(column: pd.Series) -> pd.Series | None:
    """``column``'s text as numbers by Arrow's parser, or None when it holds text Arrow does not read.

    ``pd.to_numeric`` converts Arrow-backed text to Python objects first, half a second a
    column of a national export; a column Arrow cannot parse whole (a stray word, spaces)
    is left to ``to_numeric`` and its error, so what is accepted or refused is unchanged.
    """
    if not isinstance(column.dtype, pd.StringDtype) or column.dtype.storage != "pyarrow":
        return None
    try:
        parsed = pc.cast(pa.array(column.array), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
        return None
    return pd.Series(parsed.to_numpy(zero_copy_only=False), index=column.index, name=column.name)
