"""The crosswalk of code changes: merged, recoded and split areas, on the real lookups."""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.core.errors import InputError
from assessment.tidy.frame import new_frame
from assessment.geography import (crosswalk_frame, load_code_changes)


# -------------------------------------------------------------------- crosswalk
def _rows(codes_counts, value_type="crude rate", ci_method="byars"):
    return new_frame([dict(indicator_id="drugs", indicator_name="Drug deaths", source="ONS", area_code=c,
                           area_name=c, area_type="lad", period="2021", count=n, denominator=1000.0,
                           value=n / 10, value_type=value_type, multiplier=100.0, ci_method=ci_method)
                      for c, n in codes_counts])


@pytest.mark.shared
def test_crosswalk_merges_2023_districts(real_geography):
    cumberland = [("E07000026", 10.0), ("E07000028", 20.0), ("E07000029", 5.0), ("E08000035", 50.0)]
    out = crosswalk_frame(_rows(cumberland), real_geography)
    merged = out.set_index("area_code").loc["E06000063"]
    assert merged["count"] == 35 and merged["area_name"] == "Cumberland"
    assert "E07000026" in merged["value_note"] and pd.isna(merged["value"])  # recomputed later
    assert out["area_code"].tolist().count("E08000035") == 1


@pytest.mark.shared
def test_crosswalk_follows_chains_and_refuses_partial_merges(real_geography):
    with pytest.raises(InputError, match="needs former districts E07000029"):
        crosswalk_frame(_rows([("E07000026", 10.0), ("E07000028", 20.0)]), real_geography)
    out = crosswalk_frame(_rows([("E07000026", 10.0), ("E07000028", 20.0)]), real_geography, partial=True)
    assert out["area_code"].tolist() == ["E06000063"]
    # Taunton Deane -> Somerset West and Taunton (2019) -> Somerset (2023)
    assert load_code_changes("2024")["E07000190"] == "E06000066"


@pytest.mark.shared
def test_crosswalk_names_codes_it_cannot_map(real_geography):
    with pytest.raises(InputError, match=r"cannot map area code\(s\) E07000999 onto the 2024 geography"):
        crosswalk_frame(_rows([("E07000999", 1.0), ("E10000006", 3.0)]), real_geography)


NORTH_YORKSHIRE_DISTRICTS = [f"E0700016{i}" for i in range(3, 10)]

SOMERSET_DISTRICTS = ["E07000187", "E07000188", "E07000189", "E07000246"]


@pytest.mark.shared
def test_a_recoded_county_is_never_added_to_its_merged_districts(real_geography):
    # ONS 2020 drug poisoning deaths: the county rows equal the sums of their districts.
    counts = [("E10000023", 51.0), *[(c, 51.0 / 7) for c in NORTH_YORKSHIRE_DISTRICTS],
              ("E10000027", 44.0), *[(c, 11.0) for c in SOMERSET_DISTRICTS]]
    notes: list[str] = []
    out = crosswalk_frame(_rows(counts, value_type="count", ci_method="byars"), real_geography, notes=notes)
    by_code = out.set_index("area_code")
    assert by_code.loc["E06000065", "count"] == 51 and by_code.loc["E06000066", "count"] == 44
    assert len(out) == 2
    assert any(n.startswith("North Yorkshire (E06000065): figures published for North Yorkshire (E10000023)")
               and "Craven (E07000163)" in n and "are not added to them" in n for n in notes)


@pytest.mark.shared
def test_a_recoded_county_keeps_its_published_score(real_geography):
    out = crosswalk_frame(_rows([("E10000023", 14.0)], value_type="score", ci_method="none"), real_geography)
    row = out.set_index("area_code").loc["E06000065"]
    assert row["value"] == pytest.approx(1.4) and row["area_type"] == "lad" and row["area_name"] == "North Yorkshire"


@pytest.mark.shared
def test_a_split_county_is_left_out_and_said_so(real_geography):
    cumbria = [("E10000006", 96.0), ("E07000026", 10.0), ("E07000028", 20.0), ("E07000029", 5.0)]
    notes: list[str] = []
    out = crosswalk_frame(_rows(cumbria), real_geography, notes=notes)
    assert out["area_code"].tolist() == ["E06000063"] and out["count"].item() == 35
    split = [n for n in notes if n.startswith("Cumbria (E10000006) was split between")]
    assert split and "Cumberland (E06000063) and Westmorland and Furness (E06000064)" in split[0]
    assert "cannot be divided" in split[0]


@pytest.mark.shared
def test_scores_of_merged_districts_are_not_aggregable(real_geography):
    districts = [("E07000150", 20.0), ("E07000152", 15.0), ("E07000153", 21.0), ("E07000156", 22.0)]
    out = crosswalk_frame(_rows(districts, value_type="score", ci_method="none"), real_geography)
    row = out.set_index("area_code").loc["E06000061"]
    assert pd.isna(row["value"]) and row["value_note"].startswith("Not aggregable: a score cannot be added up")


@pytest.mark.shared
def test_codes_newer_than_the_lookup_go_back_to_its_codes(real_geography):
    notes: list[str] = []
    out = crosswalk_frame(_rows([("E08000038", 256.0), ("E08000039", 897.0)]), real_geography, notes=notes)
    by_code = out.set_index("area_code")
    assert by_code.loc["E08000016", "count"] == 256 and by_code.loc["E08000019", "area_name"] == "Sheffield"
    assert by_code.loc["E08000016", "value"] == pytest.approx(25.6)  # same area: the published value stands
    assert any("figures published under E08000038" in n and "Barnsley (E08000016)" in n for n in notes)


@pytest.mark.shared
def test_every_district_in_ons_drug_deaths_maps_to_2024(real_geography, shared_data):
    table = pd.read_csv(shared_data / "drug_deaths/drug_poisoning_registrations_by_LA.csv", dtype=str,
                        encoding="cp1252")
    codes = [c for c in table["code"] if c[:3] in ("E06", "E07", "E08", "E09")]
    out = crosswalk_frame(_rows([(c, 10.0) for c in codes]), real_geography)
    assert set(out["area_code"]) <= set(real_geography.lads["lad_code"])
    assert out["count"].sum() == 10.0 * len(codes)


@pytest.mark.shared
def test_code_changes_agree_with_ons_changes_file(shared_data):
    ons = pd.read_csv(shared_data / "lookups_population/changes.csv", dtype=str, encoding="utf-8-sig")
    ours = pd.read_csv("boundaries/code_changes.csv", dtype=str)
    pairs = set(zip(ours["old_code"], ours["new_code"].fillna("")))
    wanted = ons[ons["type"].isin(["merger", "new_code"]) & ons["oldcd"].str.match(r"E0[6-9]")]
    missing = [(o, n) for o, n in zip(wanted["oldcd"], wanted["newcd"]) if (o, n) not in pairs]
    assert missing == []
    terminated = set(ons.loc[ons["type"] == "termination", "oldcd"])
    assert terminated <= set(ours["old_code"])
