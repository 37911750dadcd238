"""A CSV file's cells as text, read by Arrow's parser straight into Arrow strings.

``pandas.read_csv(dtype=str)`` makes a Python string of every cell before storing it
as Arrow text: for a national Fingertips export (a million rows, 27 columns) that
is most of the build's reading time and, with the file's text, its peak memory.
Arrow reads the bytes into its own columns at once. It is used only where it reads
the file as pandas would: a header with a repeated or empty name (which pandas
renames), a row of another length, a line break in a quoted name, or anything
else Arrow refuses gives None, and the caller reads the file with pandas, so what
is accepted, and every error message, stays pandas'.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pv

#: The text type pandas gives ``read_csv(dtype=str)`` columns.
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def read_text_cells(data: bytes) -> pd.DataFrame | None:
    """Every cell of the UTF-8 CSV ``data`` as text (an empty cell is missing), as
    ``pd.read_csv(dtype=str, keep_default_na=False, na_values=[""])`` gives it; None when Arrow cannot stand in."""
    names = _header(data)
    if not names or len(set(names)) != len(names) or "" in names:
        return None
    options = pv.ConvertOptions(column_types={name: pa.string() for name in names}, null_values=[""],
                                strings_can_be_null=True, quoted_strings_can_be_null=True)
    try:
        table = pv.read_csv(io.BytesIO(data), read_options=pv.ReadOptions(column_names=names, skip_rows=1),
                            convert_options=options)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    finally:
        release_unused_arrow_memory()  # the parser's blocks
    return table.to_pandas(types_mapper={pa.string(): TEXT}.get)


def release_unused_arrow_memory() -> None:
    """Give the system back the memory of Arrow buffers freed since: Arrow's pool keeps it for reuse.

    A national export's text is 400 MB of Arrow buffers, which the pool held on to, unused,
    while the frame made from it was typed.
    """
    pa.default_memory_pool().release_unused()


def _header(data: bytes) -> list[str] | None:
    """The names on the first line (None when it is not text, or a quoted name goes on to the next line)."""
    first = data.split(b"\n", 1)[0]
    try:
        line = first.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None
    if line.count('"') % 2:
        return None
    rows = list(csv.reader([line]))
    return rows[0] if len(rows) == 1 else None
