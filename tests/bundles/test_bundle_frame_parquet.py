"""The bundle's frame file: its Arrow schema is the one ``Schema.from_pandas`` gives the whole frame."""

from __future__ import annotations

import pandas as pd
import pyarrow
import pyarrow.parquet as pq
import pytest

from assessment.bundles.bundle import write_frame_parquet


def _written_schema(frame: pd.DataFrame, tmp_path) -> pyarrow.Schema:
    path = tmp_path / "frame.parquet"
    write_frame_parquet(frame, path, rows_per_group=2)
    return pq.read_schema(path)


def test_a_frame_of_text_columns_is_written_with_the_whole_frames_schema(tmp_path):
    frame = pd.DataFrame({"area_code": pd.Series(["E06000001", "E06000002", "E92000001"], dtype=object),
                          "value": [1.0, None, 3.0], "trend": pd.Series(["", "Increasing", ""], dtype="str")})
    assert _written_schema(frame, tmp_path).equals(pyarrow.Schema.from_pandas(frame, preserve_index=False),
                                                   check_metadata=True)
    assert pd.read_parquet(tmp_path / "frame.parquet")["area_code"].tolist() == frame["area_code"].tolist()


@pytest.mark.parametrize("first", [None, ""])
def test_an_object_column_is_typed_by_all_its_rows_when_its_first_is_not_text(tmp_path, first):
    """A first row of None alone would type the column as nulls; the whole column says text."""
    frame = pd.DataFrame({"note": pd.Series([first, "late", "revised"], dtype=object), "value": [1.0, 2.0, 3.0]})
    schema = _written_schema(frame, tmp_path)
    assert schema.equals(pyarrow.Schema.from_pandas(frame, preserve_index=False), check_metadata=True)
    assert schema.field("note").type == pyarrow.string()
