"""Roll-ups: combined areas counted once (real Fingertips export), and a row for every force in a national bundle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment.tidy.frame import new_frame, validate_frame
from assessment.geography import geography_from_files
from assessment.geography.registry import local_path
from assessment.bundles.builder import build_bundle
from assessment.bundles.bundle import open_bundle
from assessment.sources.fingertips.client import IndicatorMeta, parse_csv
from assessment.stats import add_intervals, aggregate
from assessment.stats.combined_areas import carry_combined, load_combined_areas

ROLES = {"lookup_lad_csp_pfa": "lad_csp_pfa", "lookup_lad_utla": "lad_utla", "lookup_lad_region": "lad_region"}
DEVON_AND_CORNWALL, CITY_OF_LONDON_POLICE, METROPOLITAN, LONDON = "E23000035", "E23000034", "E23000001", "E12000007"
CUMBRIA, DORSET, NORTHAMPTONSHIRE = "E23000002", "E23000039", "E23000022"


@pytest.fixture(scope="module")
def lookups(shared_data):
    return {role: local_path("lookups", key, "2024", shared_data) for role, key in ROLES.items()}


@pytest.fixture(scope="module")
def geography(lookups):
    return geography_from_files(lookups)


@pytest.fixture(scope="module")
def campylobacter(shared_data):
    """The real County & UA export: Cornwall's and Hackney's rows carry the combined figures."""
    text = (shared_data / "fingertips/indicators-CountyUA.data.csv").read_text(encoding="utf-8")
    meta = {"93356": IndicatorMeta("93356", "crude rate", 100000.0, "per 100,000", "low_is_good", "ci_overlap_95")}
    frame = parse_csv(text, url="indicators-CountyUA.data.csv", metadata=meta)
    return frame[(frame["category_type"] == "") & (frame["age"] == "All ages")]


def test_registry_names_both_pairs_with_fingertips_wording():
    pairs = load_combined_areas().set_index("member_code")
    assert pairs.loc["E06000053", ["host_code", "fingertips_note"]].tolist() == [
        "E06000052", "Value for Cornwall & Isles of Scilly combined"]
    assert pairs.loc["E09000001", "host_code"] == "E09000012"
    assert pairs["source"].str.contains("indicators-CountyUA.data.csv").all()


def test_a_member_published_separately_or_another_kind_of_combined_note_is_left_alone():
    def row(code, name, value, note):
        return dict(indicator_id="i", indicator_name="I", source="s", area_code=code, area_name=name, area_type="lad",
                    period="2023", value=value, count=value, denominator=1000.0, value_note=note)
    other_note = new_frame([row("E06000052", "Cornwall", 50.0, "Financial years 2019/20 and 2020/21 combined"),
                            row("E06000053", "Isles of Scilly", None, "")])
    assert carry_combined(other_note).equals(other_note)
    separate = new_frame([row("E06000052", "Cornwall", 50.0, "Value for Cornwall & Isles of Scilly combined"),
                          row("E06000053", "Isles of Scilly", 2.0, "")])
    assert carry_combined(separate).set_index("area_code").loc["E06000053", "value"] == 2.0


@pytest.mark.shared
def test_combined_figure_is_carried_to_both_members_with_the_note(campylobacter):
    carried = carry_combined(campylobacter).set_index(["area_code", "period"])
    assert carried.loc[("E06000053", "2016"), "value"] == carried.loc[("E06000052", "2016"), "value"]
    assert carried.loc[("E06000053", "2016"), "count"] == 742
    assert carried.loc[("E09000001", "2017"), "value_note"] == "Value for Hackney and City of London combined"
    assert carry_combined(carry_combined(campylobacter)).equals(carry_combined(campylobacter))


@pytest.mark.shared
def test_london_rebuilt_from_boroughs_with_the_combined_row_equals_published_london(campylobacter, geography):
    rebuilt = aggregate(campylobacter, geography.rollup_lookup("region", "utla"), "region").set_index(
        ["area_code", "period"])
    published = campylobacter.set_index(["area_code", "period"])
    for period in ("2015", "2016", "2017"):
        ours, theirs = rebuilt.loc[(LONDON, period)], published.loc[(LONDON, period)]
        assert (ours["count"], ours["denominator"]) == (theirs["count"], theirs["denominator"])  # 5480 / 8673713 in 2015
        assert ours["value"] == pytest.approx(theirs["value"], rel=1e-9)
        assert "counted once" in ours["value_note"]


@pytest.mark.shared
def test_devon_and_cornwall_and_city_of_london_forces_get_values_with_the_note(campylobacter, geography):
    forces = aggregate(campylobacter, geography.rollup_lookup("pfa", "utla"), "pfa").set_index(["area_code", "period"])
    devon = forces.loc[(DEVON_AND_CORNWALL, "2015")]
    parts = campylobacter[campylobacter["area_code"].isin(["E10000008", "E06000026", "E06000027", "E06000052"])
                          & (campylobacter["period"] == "2015")]
    assert devon["count"] == parts["count"].sum() == 2413  # Cornwall's combined count once, Scilly not again
    assert "Cornwall and Isles of Scilly are published as one combined figure" in devon["value_note"]
    city = forces.loc[(CITY_OF_LONDON_POLICE, "2015")]
    assert (city["count"], city["denominator"]) == (165, 277769)  # Hackney and City of London together
    assert "combined figure for Hackney and City of London" in city["value_note"]
    assert "Hackney's figure includes City of London" in forces.loc[(METROPOLITAN, "2015"), "value_note"]


def _national_frame(geography) -> pd.DataFrame:
    """Generated counts for every English district (a proportion) and upper-tier authority (a rate),
    2018-2023, with the holes reorganisations leave: no Cumbria unitaries before 2023, and no
    Dorset or Northamptonshire unitaries in the county data before their creation."""
    rng = np.random.default_rng(39)
    lads = geography.lads
    utlas = lads.drop_duplicates("utla_code")[["utla_code", "utla_name"]].set_axis(["code", "name"], axis=1)
    rows = []
    for year in range(2018, 2024):
        for code, name in zip(lads["lad_code"], lads["lad_name"]):
            if code in ("E06000063", "E06000064") and year < 2023:
                continue
            n = float(rng.integers(2_000, 50_000))
            rows.append(dict(indicator_id="d1", indicator_name="District proportion", area_code=code, area_name=name,
                             area_type="lad", period=str(year), count=float(rng.binomial(int(n), 0.3)),
                             denominator=n, value_type="proportion", multiplier=100, ci_method="wilson",
                             polarity="high_is_good", comparator_method="ci_overlap_95_998", source="generated"))
        for code, name in zip(utlas["code"], utlas["name"]):
            late = {"E06000058": 2019, "E06000059": 2019, "E06000061": 2021, "E06000062": 2021,
                    "E06000063": 2023, "E06000064": 2023}
            if year < late.get(code, 0):
                continue
            n = float(rng.integers(50_000, 900_000))
            rows.append(dict(indicator_id="c1", indicator_name="County rate", area_code=code, area_name=name,
                             area_type="utla" if code.startswith("E10") else "lad", period=str(year),
                             count=float(rng.poisson(n * 0.002)), denominator=n, value_type="crude rate",
                             multiplier=100_000, ci_method="byars", polarity="low_is_good",
                             comparator_method="ci_overlap_95_998", source="generated"))
    return validate_frame(add_intervals(new_frame(rows)))


@pytest.mark.shared
def test_every_english_force_has_a_row_in_a_national_bundle_and_says_why_when_empty(
        geography, lookups, shared_data, tmp_path):
    frame = _national_frame(geography)
    bundle = open_bundle(build_bundle(
        frame, tmp_path / "bundle", lookup_files=lookups,
        boundary_files={"lad": local_path("boundaries", "lad", "2024", shared_data)},
        meta={"demo": True, "vintage": "2024", "sources": []}))
    forces = bundle.frame[bundle.frame["area_type"] == "pfa"]
    english = sorted(c for c in geography.lads["pfa_code"].unique() if c.startswith("E23"))
    assert len(english) == 39
    for (indicator, period), rows in forces.groupby(["indicator_id", "period"]):
        assert sorted(rows["area_code"]) == english, (indicator, period)
    assert (forces.loc[forces["value"].isna(), "value_note"] != "").all()
    by_key = forces.set_index(["indicator_id", "area_code", "period"])
    # The note names the districts a reader knows, not only their codes.
    assert by_key.loc[("d1", CUMBRIA, "2020"), "value_note"] == ("No value: no data for Cumberland (E06000063), "
                                                                 "Westmorland and Furness (E06000064)")
    assert by_key.loc[("c1", DORSET, "2018"), "value_note"] == (
        "No value: no data for Bournemouth, Christchurch and Poole (E06000058), Dorset (E06000059)")
    assert by_key.loc[("c1", NORTHAMPTONSHIRE, "2020"), "value_note"].startswith(
        "No value: no data for North Northamptonshire (E06000061)")
    for key in (("d1", CUMBRIA, "2023"), ("c1", DORSET, "2019"), ("c1", NORTHAMPTONSHIRE, "2021")):
        assert by_key.loc[key, "value"] > 0 and by_key.loc[key, "value_note"] == ""
    # Forces' own trends: Dorset's county rate has five consecutive years from 2019; Cumbria's has one.
    assert by_key.loc[("c1", DORSET, "2023"), "trend_reason"] == ""
    assert "fewer than 5 consecutive years" in by_key.loc[("c1", CUMBRIA, "2023"), "trend_reason"]
