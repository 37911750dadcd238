"""Geography: lookups (real ONS files and ONS-format files we make), crosswalk, resolution, boundaries."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

from assessment.core.errors import AreaNotFoundError, InputError, SourceError
from assessment.tidy.frame import new_frame
from assessment.geography import (crosswalk_frame, dissolve_boundaries, geography_from_files, load_boundaries,
                                  load_code_changes, load_geography, read_lookup_csv)
from assessment.geography.arcgis import query_attributes


@pytest.fixture(scope="module")
def real_geography(shared_data):
    return load_geography("2024", lookups_dir=shared_data)


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    from assessment.demo.geography_files import write_geography_files

    return write_geography_files(tmp_path_factory.mktemp("demo-geo"))


@pytest.fixture(scope="module")
def demo_geography(demo_files):
    return geography_from_files({k: v for k, v in demo_files.items() if k.startswith("lookup_")})


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
@pytest.mark.parametrize(("query", "code", "area_type"), [
    ("Leeds", "E08000035", "lad"),
    ("E08000035", "E08000035", "lad"),
    ("leeds ", "E08000035", "lad"),
    ("West Yorkshire", "E23000010", "pfa"),
    ("E23000010", "E23000010", "pfa"),
    ("county:Lincolnshire", "E10000019", "utla"),
    ("pfa:Lincolnshire", "E23000020", "pfa"),
    ("Brighton & Hove", "E06000043", "lad"),
    ("england", "E92000001", "england"),
])
def test_resolve_area_by_code_or_name(real_geography, query, code, area_type):
    area = real_geography.resolve(query)
    assert (area.code, area.area_type) == (code, area_type)


@pytest.mark.shared
def test_unknown_area_lists_closest_matches(real_geography):
    with pytest.raises(AreaNotFoundError) as err:
        real_geography.resolve("Leds")
    message = str(err.value)
    assert "Leeds (E08000035)" in message and "\n" not in message


@pytest.mark.shared
@pytest.mark.parametrize(("query", "code", "note"), [
    ("E10000023", "E06000065", "North Yorkshire (E10000023) became North Yorkshire (E06000065) in 2023, the same "
                               "area under a new code"),
    ("E07000165", "E06000065", "Harrogate (E07000165) was merged into North Yorkshire (E06000065) in 2023"),
    ("Harrogate", "E06000065", "was merged into North Yorkshire"),
    ("E10000006", "E23000002", "Cumbria (E10000006) county council was abolished in 2023 and split into Cumberland "
                               "(E06000063) and Westmorland and Furness (E06000064); showing the police force area "
                               "Cumbria (E23000002), which covers the same area"),
    ("Cumbria", "E23000002", "Cumbria county council (E10000006) was abolished and split into Cumberland"),
    ("E08000038", "E08000016", "E08000038 is the code Barnsley was given after 2024"),
])
def test_former_codes_and_names_resolve_with_a_note(real_geography, query, code, note):
    area = real_geography.resolve(query)
    assert area.code == code and note in area.note


@pytest.mark.shared
def test_unambiguous_names_and_prefixed_queries_carry_no_note(real_geography):
    assert real_geography.resolve("Blackpool").note == ""  # its same-named partnership is not worth a note
    assert real_geography.resolve("pfa:Lancashire").note == ""


@pytest.mark.shared
def test_names_two_areas_share_are_known_once_per_geography(real_geography):
    shared = real_geography.shared_names
    assert "Lancashire" in shared  # the county council and the police force area
    assert "Blackpool" not in shared  # its same-named partnership is not a clash
    assert "Leeds" not in shared


@pytest.mark.shared
@pytest.mark.parametrize(("query", "said"), [
    ("S12000036", "'S12000036' is S12000036, a council area in Scotland."),
    ("Glasgow City", "unknown area 'Glasgow City': no area of England has that name."),
    ("E10000009", "Dorset (E10000009) was abolished in 2019 and has no successor covering the same area"),
])
def test_areas_outside_england_say_what_is_covered(real_geography, query, said):
    with pytest.raises(AreaNotFoundError) as err:
        real_geography.resolve(query)
    message = str(err.value)
    assert said in message and "closest matches" not in message and "Derby" not in message
    if query != "E10000009":
        assert "jsna-justice covers areas of England" in message


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


# ------------------------------------------------------------------ ONS REST API
class _ArcGis(BaseHTTPRequestHandler):
    pages = {0: {"features": [{"attributes": {"LAD24CD": "E07999001", "LAD24NM": "A",
                                              "RGN24CD": "E12999001", "RGN24NM": "R"}}],
                 "exceededTransferLimit": True},
             1: {"features": [{"attributes": {"LAD24CD": "E07999002", "LAD24NM": "B",
                                              "RGN24CD": "E12999001", "RGN24NM": "R"}}]}}

    def do_GET(self):  # noqa: N802 - http.server API
        from urllib.parse import parse_qs, urlparse

        query = parse_qs(urlparse(self.path).query)
        if self.path.startswith("/error"):
            body = json.dumps({"error": {"code": 400, "message": "Invalid query"}}).encode()
        elif self.path.startswith("/html"):
            body = b"<!DOCTYPE html><html><body>Service unavailable</body></html>"
        else:
            body = json.dumps(self.pages[int(query["resultOffset"][0])]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html" if self.path.startswith("/html") else "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def arcgis_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ArcGis)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_arcgis_query_pages_until_done(arcgis_server):
    frame = query_attributes(f"{arcgis_server}/LAD24_RGN24_EN_LU/FeatureServer/0/query", page_size=1)
    assert frame["LAD24CD"].tolist() == ["E07999001", "E07999002"]


@pytest.mark.parametrize(("path", "message"), [("/error/query", "service error 400 Invalid query"),
                                               ("/html/query", "got an HTML page")])
def test_arcgis_errors_name_the_url(arcgis_server, path, message):
    with pytest.raises(SourceError, match=message) as err:
        query_attributes(arcgis_server + path)
    assert "127.0.0.1" in str(err.value)


# ------------------------------------------------------------------- boundaries
def test_boundaries_load_simplify_cache_and_dissolve(demo_files, demo_geography):
    first = load_boundaries("lad", path=demo_files["boundaries_lad"])
    again = load_boundaries("lad", path=demo_files["boundaries_lad"])
    assert len(first) == 33 and first.crs.to_epsg() == 27700
    assert first.equals(again)
    forces = dissolve_boundaries(first, demo_geography.rollup_lookup("pfa"))
    assert sorted(forces["code"]) == [f"E23999{i:03d}" for i in range(1, 7)]
    assert (forces.geometry.geom_type == "Polygon").all()  # neighbours dissolve without slivers


@pytest.mark.shared
def test_real_boundaries_match_lookups(real_geography, shared_data):
    lads = load_boundaries("lad", path=shared_data / "boundaries/Local_Authority_Districts_May_2024_Boundaries__UK_BSC_-5684348521832897108.geo.json")
    assert set(lads["code"]) == set(real_geography.lads["lad_code"])
    forces = dissolve_boundaries(lads, real_geography.rollup_lookup("pfa"))
    assert len(forces) == 43  # the 4 Welsh forces from their councils
