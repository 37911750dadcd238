"""Loading an upload: provenance, Wilson intervals and disclosure control."""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.tidy.frame import validate_frame
from assessment.uploads import load_upload

from tests.support.uploads_shared import GOOD_ROWS, KIND, sha, write_csv


# ------------------------------------------------------------------ loading
def test_valid_upload_joins_the_tidy_frame_with_provenance_and_wilson_intervals(tmp_path, geography):
    path = write_csv(tmp_path / "audit.csv", GOOD_ROWS)
    frame = validate_frame(load_upload(path, KIND, geography))
    row = frame[(frame["area_code"] == "E07999001") & (frame["indicator_id"] == "local-coc-3wk")].iloc[0]
    assert row["value"] == pytest.approx(100 * 40 / 120)
    assert row["lower_ci_95"] == pytest.approx(25.53, abs=0.01) and row["upper_ci_95"] == pytest.approx(42.17, abs=0.01)
    assert row["source_url"] == "audit.csv (sheet CSV)" and row["vintage"] == f"sha256:{sha(path)}"
    assert row["area_name"] == "Alderholt Vale" and row["period_start"] == pd.Timestamp("2024-04-01")
    # the four Northmere districts add up to the county; with the unitary, to the police force area
    county = frame[(frame["area_code"] == "E10999001") & (frame["indicator_id"] == "local-coc-3wk")].iloc[0]
    force = frame[(frame["area_code"] == "E23999001") & (frame["indicator_id"] == "local-coc-3wk")].iloc[0]
    assert county["count"] == 40 + 30 + 41 + 22 and force["count"] == county["count"] + 50
    assert force["denominator"] == 120 + 80 + 95 + 60 + 110


def test_small_counts_are_suppressed_with_a_second_cell_so_totals_cannot_reveal_them(tmp_path, geography):
    rows = [list(r) for r in GOOD_ROWS]
    rows[3][3] = "3"          # Dunmere: 3 engaged within 3 weeks
    path = write_csv(tmp_path / "audit.csv", rows)
    frame = load_upload(path, KIND, geography)
    three = frame[frame["indicator_id"] == "local-coc-3wk"].set_index("area_code")
    assert three.loc["E07999004", "suppressed"] and pd.isna(three.loc["E07999004", "count"])
    assert pd.isna(three.loc["E07999004", "value"]) and pd.isna(three.loc["E07999004", "lower_ci_95"])
    assert "small number" in three.loc["E07999004", "value_note"]
    hidden = three.index[three["suppressed"]].tolist()
    county_districts = ["E07999001", "E07999002", "E07999003", "E07999004"]
    assert len(set(hidden) & set(county_districts)) >= 2, "the county total would reveal Dunmere"
    assert not three.loc["E10999001", "suppressed"] and three.loc["E10999001", "count"] == 40 + 30 + 41 + 3
    assert three["count"].dropna().between(1, 4).sum() == 0


def test_a_small_complement_is_suppressed_too(tmp_path, geography):
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][2:5] = ["42", "40", "40"]   # 2 people did not engage
    frame = load_upload(write_csv(tmp_path / "audit.csv", rows), KIND, geography)
    row = frame[(frame["indicator_id"] == "local-coc-3wk") & (frame["area_code"] == "E07999001")].iloc[0]
    assert row["suppressed"]
