"""Finding your area: `jsna areas` lists what a bundle can report on, a shared name is refused with the
choices, and a former code names its successor (issue 28 item 5; issue 26 F17, E07000163)."""

from __future__ import annotations

import csv
import io
import re
import shlex

import pandas as pd
import pytest

from assessment.cli import main
from assessment.core.errors import AmbiguousAreaError
from assessment.geography import Geography
from assessment.geography.listing import aligned_text, area_list, csv_text
from assessment.bundles.bundle import open_bundle

#: What each kind of demo code is listed as (from boundaries/levels.yaml), and its edition.
DEMO_KINDS = {"E92": ("country", "jsna-chapter"), "E12": ("region", "jsna-chapter"),
              "E10": ("county council", "jsna-chapter"), "E06": ("unitary authority", "jsna-chapter"),
              "E07": ("local authority district", "jsna-chapter"), "E23": ("police force area", "police-and-crime")}


def _areas(capsys, bundle, *options) -> tuple[int, str, str]:
    code = main(["areas", "--bundle", str(bundle), *options])
    out = capsys.readouterr()
    return code, out.out, out.err


def _csv_rows(capsys, bundle, *options) -> list[dict]:
    code, out, err = _areas(capsys, bundle, "--csv", *options)
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


# ------------------------------------------------------------------ the demo bundle
def test_demo_areas_lists_every_reportable_area_with_type_and_edition(demo_bundle, capsys):
    rows = _csv_rows(capsys, demo_bundle)
    lookups = open_bundle(demo_bundle).geography.lads
    districts = set(lookups["lad_code"])
    expected = {"E92000001"} | set(lookups["region_code"]) | set(lookups["utla_code"]) | districts \
        | set(lookups["pfa_code"])
    assert [r["code"] for r in rows] and {r["code"] for r in rows} == expected and len(rows) == len(expected)
    for row in rows:  # no partnership (E22) and no England and Wales (K04): nothing is reported for them
        assert (row["type"], row["edition"]) == DEMO_KINDS[row["code"][:3]], row
    named = {r["code"]: r["name"] for r in rows}
    assert named["E10999001"] == "Northmere" and named["E23999001"] == "Northmere and Port Alder Police"


def test_demo_areas_prints_aligned_plain_text(demo_bundle, capsys):
    code, out, err = _areas(capsys, demo_bundle)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["code", "name", "type", "edition"]
    column = lines[0].index("edition")
    force = next(line for line in lines if line.startswith("E23999001"))
    assert force[column:] == "police-and-crime" and "Northmere and Port Alder Police" in force
    assert all(line[column:] in ("jsna-chapter", "police-and-crime") for line in lines[1:])
    assert all(line[:column].rstrip().endswith(("country", "region", "council", "authority", "district", "area"))
               for line in lines[1:])


@pytest.mark.parametrize(("options", "prefixes"), [
    (["--type", "pfa"], {"E23"}),
    (["--type", "police"], {"E23"}),
    (["--type", "region"], {"E12"}),
    (["--type", "County"], {"E10", "E06"}),  # --area county:<name> takes unitaries too
    (["--type", "district"], {"E07", "E06"}),
    (["--type", "england"], {"E92"}),
])
def test_demo_areas_filters_by_type(demo_bundle, capsys, options, prefixes):
    rows = _csv_rows(capsys, demo_bundle, *options)
    assert rows and {r["code"][:3] for r in rows} == prefixes


def test_each_listed_area_answers_to_its_type_prefix_and_name(demo_bundle, capsys):
    geography = open_bundle(demo_bundle).geography
    for prefix in ("england", "region", "county", "utla", "district", "lad", "pfa", "police"):
        for row in _csv_rows(capsys, demo_bundle, "--type", prefix):
            assert geography.resolve(f"{prefix}:{row['name']}").code == row["code"]
            assert geography.resolve(row["code"]).code == row["code"]


def test_demo_areas_filters_by_name_ignoring_case(demo_bundle, capsys):
    rows = _csv_rows(capsys, demo_bundle, "--name", "NORTH")
    assert {r["code"]: r["type"] for r in rows} == {
        "E12999003": "region", "E10999001": "county council", "E23999001": "police force area"}
    rows = _csv_rows(capsys, demo_bundle, "--name", "shire CONSTAB", "--type", "pfa")
    assert {r["code"] for r in rows} == {"E23999002", "E23999004", "E23999006"}


@pytest.mark.parametrize(("options", "said"), [
    (["--type", "csp"], "error: --type 'csp' is not one of: england, region, utla, lad, pfa, county, district, police"),
    (["--name", "Gotham"], "no area with 'Gotham' in its name"),
    (["--type", "pfa", "--name", "Dunmere"], "no area of type 'pfa' with 'Dunmere' in its name"),
])
def test_demo_areas_refuses_an_unknown_type_or_a_name_nothing_has(demo_bundle, capsys, options, said):
    code, out, err = _areas(capsys, demo_bundle, *options)
    assert code == 1 and out == "" and said in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_name_a_region_a_county_and_a_force_share_is_refused_with_each_choice():
    lads = pd.DataFrame({"lad_code": ["E07999001"], "lad_name": ["Alder"], "utla_code": ["E10999001"],
                         "utla_name": ["Wessex"], "region_code": ["E12999001"], "region_name": ["Wessex"],
                         "pfa_code": ["E23999001"], "pfa_name": ["Wessex"]})
    geography = Geography(lads)
    with pytest.raises(AmbiguousAreaError) as err:
        geography.resolve("wessex")
    message = str(err.value)
    for value, kind, code in (("county:Wessex", "county council", "E10999001"),
                              ("region:Wessex", "region", "E12999001"), ("pfa:Wessex", "police force area", "E23999001")):
        assert f"--area {value} for the {kind} Wessex ({code})" in message
        assert geography.resolve(value).code == code and geography.resolve(code).code == code
    assert aligned_text(area_list(geography, name="wessex")).splitlines()[1:] == [
        "E12999001  Wessex  region             jsna-chapter",
        "E10999001  Wessex  county council     jsna-chapter",
        "E23999001  Wessex  police force area  police-and-crime"]


def test_names_are_listed_as_they_are_and_cannot_drive_the_terminal():
    lads = pd.DataFrame({"lad_code": ["E07999001"], "lad_name": ["[bold]Alder[/bold]"], "utla_code": ["E10999001"],
                         "utla_name": ["Shire\x1b[2J\u202e"], "region_code": ["E12999001"], "region_name": ["R"],
                         "pfa_code": ["E23999001"], "pfa_name": ["P"]})
    listed = area_list(Geography(lads))
    text = aligned_text(listed)
    assert "[bold]Alder[/bold]" in text and "Shire\\x1b[2J" in text and "\x1b" not in text
    # Bidirectional controls are dropped when the geography is read (issue 26); the rest of the name is kept.
    assert "\u202e" not in text and "\\u202e" not in text
    assert "Shire\x1b[2J" in csv_text(listed)  # the machine-readable list keeps the name otherwise exactly


def _upload(path, code: str):
    path.write_text("area_code,period,released_with_need,engaged_3_weeks,engaged_4_weeks\n"
                    f"{code},2024/25,120,40,52\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("code", "said"), [
    ("E07000163", "unknown area code 'E07000163'; Craven (E07000163) was merged into North Yorkshire (E06000065) "
                  "in 2023"),
    ("E10000006", "Cumbria (E10000006) was split into Cumberland (E06000063) and Westmorland and Furness "
                  "(E06000064) in 2023"),
    ("E07000190", "Taunton Deane (E07000190) was merged into Somerset West and Taunton (E07000246) in 2019, which "
                  "was merged into Somerset (E06000066) in 2023"),
])
def test_an_upload_with_a_former_code_is_told_its_successor(demo_bundle, tmp_path, capsys, code, said):
    assert main(["validate", str(_upload(tmp_path / "audit.csv", code)), "--bundle", str(demo_bundle)]) == 1
    err = capsys.readouterr().err
    assert said in err and "closest: none" not in err


# ------------------------------------------------------------------ the real files
@pytest.mark.shared
def test_real_areas_lists_the_39_english_forces_as_police_and_crime(real_bundle, capsys):
    rows = _csv_rows(capsys, real_bundle, "--type", "pfa")
    english = [r for r in rows if r["code"].startswith("E23")]
    assert len(english) == 39 and all(r["edition"] == "police-and-crime" for r in rows)
    assert {"E23000014": "West Midlands", "E23000003": "Lancashire"}.items() <= {
        r["code"]: r["name"] for r in rows}.items()


@pytest.mark.shared
def test_real_areas_shows_every_area_a_shared_name_can_mean(real_bundle, capsys):
    rows = _csv_rows(capsys, real_bundle, "--name", "west midlands")
    assert {(r["code"], r["type"], r["edition"]) for r in rows} == {
        ("E12000005", "region", "jsna-chapter"), ("E23000014", "police force area", "police-and-crime")}
    rows = {r["code"]: r["type"] for r in _csv_rows(capsys, real_bundle, "--name", "LANCASHIRE")}
    assert rows == {"E10000017": "county council", "E23000003": "police force area",
                    "E07000127": "local authority district"}  # and West Lancashire
    code, out, _ = _areas(capsys, real_bundle, "--name", "lancashire")
    assert code == 0 and any(line.split()[:2] == ["E10000017", "Lancashire"] for line in out.splitlines())


@pytest.mark.shared
@pytest.mark.parametrize(("name", "choices"), [
    ("West Midlands", ["--area 'region:West Midlands' for the region West Midlands (E12000005)",
                       "--area 'pfa:West Midlands' for the police force area West Midlands (E23000014)"]),
    ("lancashire", ["--area county:Lancashire for the county council Lancashire (E10000017)",
                    "--area pfa:Lancashire for the police force area Lancashire (E23000003)"]),
    ("Dorset", ["--area district:Dorset for the unitary authority Dorset (E06000059)",
                "--area pfa:Dorset for the police force area Dorset (E23000039)"]),
])
def test_real_render_refuses_a_shared_name_and_lists_the_choices(real_bundle, tmp_path, capsys, name, choices):
    out = tmp_path / "reports"
    assert main(["render", "--area", name, "--bundle", str(real_bundle), "--out", str(out), "--format", "html"]) == 1
    err = capsys.readouterr().err.strip()  # (the progress display leaves an empty line)
    assert err.startswith(f"error: '{name}' is the name of 2 areas; choose one: ") and len(err.splitlines()) == 1
    assert all(choice in err for choice in choices), err
    assert not list(out.glob("E*"))  # nothing rendered for a guess


#: Codes and type-prefixed names, for every level's prefix, that name exactly one area.
EXACT = [("pfa:West Midlands", "E23000014"), ("police:west midlands", "E23000014"),
         ("region:West Midlands", "E12000005"), ("E12000005", "E12000005"), ("e23000014", "E23000014"),
         ("county:Lancashire", "E10000017"), ("utla:Lancashire", "E10000017"), ("pfa:Lancashire", "E23000003"),
         ("district:Dorset", "E06000059"), ("county:Dorset", "E06000059"), ("lad:West Lancashire", "E07000127"),
         ("england:England", "E92000001"),
         ("Blackpool", "E06000009")]  # its partnership of the same name covers the same area: not a choice


@pytest.mark.shared
def test_real_shared_names_need_a_code_or_prefix_and_those_resolve_without_a_note(real_bundle):
    geography = open_bundle(real_bundle).geography
    for shared in ("West Midlands", "Lancashire", "Dorset", "north yorkshire"):
        with pytest.raises(AmbiguousAreaError) as err:
            geography.resolve(shared)
        # every choice listed is typed as shown and gives the area named beside it
        choices = re.findall(r"--area (.+?) for the .+? \(([EK]\d{8})\)", str(err.value))
        assert len(choices) == 2, str(err.value)
        for value, code in choices:
            assert geography.resolve(shlex.split(value)[0]).code == code
    for query, code in EXACT:
        area = geography.resolve(query)
        assert (area.code, area.note) == (code, ""), query


@pytest.mark.shared
def test_real_upload_with_craven_names_north_yorkshire(real_bundle, tmp_path, capsys):
    assert main(["validate", str(_upload(tmp_path / "audit.csv", "E07000163")), "--bundle", str(real_bundle)]) == 1
    err = capsys.readouterr().err
    assert "Craven (E07000163) was merged into North Yorkshire (E06000065) in 2023" in err
    assert "closest: none" not in err
