"""Files that overlap: the registry's precedence, the later publication, duplicates named."""

from __future__ import annotations

import pytest

from assessment.core.errors import SchemaError
from assessment.tidy.frame import new_frame, validate_frame
from assessment.sources.overlaps import Part, resolve_overlaps

from tests.support.publisher_indicators_shared import _row


def test_overlapping_files_keep_the_registry_precedence_and_say_so():
    england = _row("ons-drug-poisoning-deaths", "E92000001", "2020", 4312.0)
    la = Part(new_frame([england, _row("ons-drug-poisoning-deaths", "E06000009", "2020", 42.0)]),
              "drug_poisoning_registrations_by_LA.csv", "ons_drug_deaths_la", order=1)
    substance = Part(new_frame([{**england, "value": 4313.0, "count": 4313.0}]), "drug_poisoning_registrations.csv",
                     "ons_drug_deaths_substance", order=0)
    frame, notes, used = resolve_overlaps([substance, la], ["ons_drug_deaths_la", "ons_drug_deaths_substance"])
    assert frame.set_index("area_code").loc["E92000001", "count"] == 4312
    assert [p.label for p in used] == ["drug_poisoning_registrations_by_LA.csv"]
    assert notes == ["1 figure (ons-drug-poisoning-deaths, 2020) is in both drug_poisoning_registrations_by_LA.csv "
                     "and drug_poisoning_registrations.csv; drug_poisoning_registrations_by_LA.csv ranks first "
                     "(data_sources/publishers.yaml precedence) and is used; 1 of them differ."]


def test_the_later_publication_of_one_entry_wins():
    quarter = _row("mhclg-owed-duty", "E06000009", "2024/25 Q4", 526.0)
    first = Part(new_frame([quarter]), "Detailed_LA_202503.xlsx", "mhclg_homelessness", "2025-07-22", 0)
    revised = Part(new_frame([{**quarter, "count": 530.0, "value": 530.0}]), "revised.ods", "mhclg_homelessness",
                   "2026-07-20", 1)
    frame, notes, _ = resolve_overlaps([first, revised], [])
    assert frame["count"].item() == 530 and "(a later publication)" in notes[0]


def test_a_duplicate_left_in_names_the_indicator_area_period_and_file():
    rows = [_row("i", "E06000009", "2020", 1.0, source_url="a.csv"), _row("i", "E06000009", "2020", 2.0,
                                                                           source_url="b.csv")]
    with pytest.raises(SchemaError, match=r"fail multiple_fields_uniqueness \(e\.g\. indicator i, area E06000009, "
                                          r"period 2020, from a\.csv; indicator i, area E06000009, period 2020, "
                                          r"from b\.csv\)"):
        validate_frame(new_frame(rows), where="snapshot")
