"""Lookups: real ONS files and ONS-format files we make; broken ones named by file, row and column."""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.core.errors import InputError
from assessment.geography import (geography_from_files, read_lookup_csv)


# ------------------------------------------------------------------ real lookups
@pytest.mark.shared
def test_every_lad_in_the_real_lookup_maps_to_exactly_one_pfa(shared_data):
    lookup = read_lookup_csv(shared_data / "lookups_population/lookup_ltla24_csp24_pfa24.csv", "lad_csp_pfa")
    assert lookup["lad_code"].nunique() == 318
    assert (lookup.groupby("lad_code")["pfa_code"].nunique() == 1).all()
    split = lookup.groupby("lad_code")["csp_code"].nunique()
    assert (split > 1).sum() == 7  # BCP, Buckinghamshire, ... keep pre-merger CSPs


@pytest.mark.shared
def test_real_geography_has_every_english_district_and_force(real_geography):
    lads = real_geography.lads
    english = lads[lads["lad_code"].str.startswith("E")]
    assert len(english) == 296
    assert english["pfa_code"].nunique() == 39
    assert english["utla_code"].nunique() == 153
    assert english["region_code"].nunique() == 9
    assert english.notna().all().all()


@pytest.mark.shared
def test_real_geography_holds_the_welsh_councils_of_the_welsh_forces(real_geography):
    """The 22 Welsh unitaries (W06) with their forces (W15): a Welsh force has its councils (issue 28 item 4)."""
    welsh = real_geography.lads[real_geography.lads["lad_code"].str.startswith("W")]
    assert len(welsh) == 22 and welsh["lad_code"].str.startswith("W06").all()
    assert sorted(welsh["pfa_code"].unique()) == ["W15000001", "W15000002", "W15000003", "W15000004"]
    assert (welsh["utla_code"] == welsh["lad_code"]).all()  # each its own upper tier
    assert welsh["region_code"].isna().all()  # the region lookup is England's
    assert real_geography.constituent_lads("Dyfed-Powys") == ["W06000008", "W06000009", "W06000010", "W06000023"]
    assert real_geography.parents("W15000004") == {"pfa": "W15000004"}  # neither England nor an English region
    assert len(real_geography.peers("W15000004")) == 43


@pytest.mark.shared
def test_force_constituents_and_parents(real_geography):
    west_yorkshire = real_geography.constituent_lads("West Yorkshire")
    assert west_yorkshire == ["E08000032", "E08000033", "E08000034", "E08000035", "E08000036"]
    parents = real_geography.parents("E07000136")  # Boston
    assert parents == {"england": "E92000001", "utla": "E10000019", "region": "E12000004", "pfa": "E23000020"}


@pytest.mark.shared
def test_rollup_lookup_covers_every_district_once(real_geography):
    lookup = real_geography.rollup_lookup("pfa")
    assert lookup["child_code"].is_unique and len(lookup) == 296 + 22  # England's districts and Wales's unitaries
    england = real_geography.rollup_lookup("england")
    assert len(england) == 296 and england["child_code"].str.startswith("E").all()  # England is England's


# -------------------------------------------------------------- ONS-format files
def test_demo_lookups_in_ons_format_load(demo_geography):
    assert len(demo_geography.lads) == 33
    assert demo_geography.resolve("Northmere").code == "E10999001"
    assert demo_geography.resolve("northmere and port alder police").area_type == "pfa"
    assert demo_geography.constituent_lads("E23999001") == [
        "E06999001", "E07999001", "E07999002", "E07999003", "E07999004"]


def test_lookup_with_renamed_column_names_file_and_column(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text("LAD24CD,LAD24NM,CSP24CD,CSP24NM,POLICE24CD,PFA24NM\nE07999001,A,E22999001,A,E23999001,P\n")
    with pytest.raises(InputError, match=r"lookup\.csv: no column for pfa_code"):
        read_lookup_csv(path, "lad_csp_pfa")


def test_lookup_with_empty_cell_names_row(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text("LAD24CD,LAD24NM,RGN24CD,RGN24NM\nE07999001,A,E12999001,R\nE07999002,B,,R\n")
    with pytest.raises(InputError, match=r"row 3 column region_code: empty value"):
        read_lookup_csv(path, "lad_region")


def test_district_in_two_forces_is_refused(tmp_path, demo_files):
    lookup = pd.read_csv(demo_files["lookup_lad_csp_pfa"], dtype=str, encoding="utf-8-sig")
    extra = lookup.iloc[[0]].assign(CSP24CD="E22999998", PFA24CD="E23999006")
    path = tmp_path / "bad.csv"
    pd.concat([lookup, extra]).to_csv(path, index=False)
    with pytest.raises(InputError, match="more than one police force area: E07999001"):
        geography_from_files({"lad_csp_pfa": path, "lad_utla": demo_files["lookup_lad_utla"],
                              "lad_region": demo_files["lookup_lad_region"]})
