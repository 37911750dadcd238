"""Publisher indicators as report indicators: derived rates, overlap precedence, roll-ups, catalogue coverage."""

from __future__ import annotations

import pytest
import yaml

from assessment.core.errors import SchemaError
from assessment.tidy.frame import new_frame, validate_frame
from assessment.core.paths import DATA_SOURCES_DIR
from assessment.sources import mhclg_rough_sleeping
from assessment.sources.catalogue import load_catalogue
from assessment.sources.derived import derive_rates
from assessment.sources.overlaps import Part, resolve_overlaps


def _row(indicator, code, period, count, **extra):
    return dict(indicator_id=indicator, indicator_name=indicator, source="ONS", area_code=code, area_name=code,
                area_type="lad", period=period, value=count, count=count, value_type="count", vintage="v",
                **extra)


def test_rates_pool_three_years_over_the_same_years_populations():
    deaths = [_row("ons-drug-poisoning-deaths", "E06000009", str(y), n) for y, n in
              [(2018, 38.0), (2019, 42.0), (2020, 42.0), (2021, 50.0)]]
    people = [_row("ons-population", "E06000009", str(y), p) for y, p in
              [(2018, 139305.0), (2019, 139446.0), (2020, 138381.0), (2023, 142708.0)]]
    rates, notes = derive_rates(new_frame(deaths + people), load_catalogue())
    assert rates["period"].tolist() == ["2018 - 20"]  # 2019-21 would need the mid-2021 estimate: none is substituted
    row = rates.iloc[0]
    assert (row["count"], row["denominator"]) == (122, 139305 + 139446 + 138381)
    assert row["indicator_id"] == "ons-drug-poisoning-rate" and row["multiplier"] == 100000
    assert "no period uses another year's estimate" in notes[0]


def test_no_population_means_no_rate_and_a_note_saying_so():
    rates, notes = derive_rates(new_frame([_row("ons-drug-poisoning-deaths", "E06000009", "2020", 42.0)]),
                                load_catalogue())
    assert rates.empty and "not made, because the data have no ONS mid-year population estimates" in notes[0]


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


def test_every_indicator_a_publisher_reader_lists_is_in_the_catalogue():
    with open(DATA_SOURCES_DIR / "publishers.yaml", encoding="utf-8") as handle:
        registry = yaml.safe_load(handle)
    catalogue = {e.frame_id: e for e in load_catalogue().entries}
    sections = {s["key"] for s in yaml.safe_load((DATA_SOURCES_DIR / "report_sections.yaml").read_text())["sections"]}
    for key, spec in registry["publishers"].items():
        # An entry that gives a table instead (``provides:``, the similar-areas workbook) lists none.
        assert spec.get("indicators") or spec.get("provides"), key
        for indicator in spec.get("indicators", []):
            entry = catalogue[indicator]
            assert entry.section in sections | {"population"}, indicator
        assert key in registry["precedence"], key


@pytest.mark.shared
def test_rough_sleeping_rates_equal_mhclg_table_5(shared_data):
    from assessment.inputs.workbook import sheet_rows

    frame = mhclg_rough_sleeping.read(shared_data / "homelessness/Rough_sleeping.xlsx")
    rates = frame[frame["indicator_id"] == "mhclg-rough-sleeping-rate"].set_index(["area_code", "period"])
    table5 = sheet_rows(shared_data / "homelessness/Rough_sleeping.xlsx", "Table 5 Rates")
    header = [str(c) for c in table5[2]]
    checked = 0
    for row in table5[3:]:
        code = row[0] if row[0] != "---" else row[3]
        for year in ("2020", "2021", "2022"):
            published = row[header.index(year)] if row[0] else None
            if isinstance(published, float) and (code, year) in rates.index:
                assert rates.loc[(code, year), "value"] == pytest.approx(published, rel=1e-9), (code, year)
                checked += 1
    assert checked == 869  # every district, region and England with a published 2020-2022 rate
    blackpool = rates.loc[("E06000009", "2022")]
    assert (blackpool["count"], blackpool["denominator"]) == (7, 140954)  # mid-2021 estimate, as Table 5
