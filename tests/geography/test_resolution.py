"""Finding an area by code or name: former codes, shared names, areas outside England."""

from __future__ import annotations

import pytest

from assessment.core.errors import AreaNotFoundError


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
