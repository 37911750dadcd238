"""The registries load together, and every broken reference between them stops every command at start."""

from __future__ import annotations

import dataclasses
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from assessment.cli import main
from assessment.core.errors import InputError
from assessment.core.levels import AREA_TYPES, LEVELS_PATH, lookup_roles, parent_levels, parse_levels
from assessment.core.paths import DATA_SOURCES_DIR
from assessment.registry.all_registries import DEMO_PROFILE_PATH, check_references, load_registries
from assessment.sources.catalogue import Catalogue, CatalogueEntry
from assessment.sources import imd, mhclg_homelessness, ons_drug_deaths, ons_population  # noqa: F401 (readers)


@pytest.fixture
def registry_copy(tmp_path) -> Path:
    """An editable copy of data_sources/."""
    return Path(shutil.copytree(DATA_SOURCES_DIR, tmp_path / "data_sources"))


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_the_shipped_registries_load_and_agree():
    loaded = load_registries()
    sections = {s.key for s in loaded.sections}
    assert {"substance_misuse", "homelessness", "police_courts", "physical_health"} <= sections
    assert len(loaded.sections) == len(sections)  # no key twice
    assert {e.section for e in loaded.catalogue.entries} <= sections | {s.key for s in loaded.template_sections}
    assert {k.section for k in loaded.upload_kinds.values()} <= sections
    # Every publisher indicator has a catalogue entry, so none falls into no section.
    frame_ids = {e.frame_id: e for e in loaded.catalogue.entries}
    for key, spec in loaded.publishers.items():
        assert spec["indicators"] or spec.get("provides"), key  # a `provides:` file gives a table, not rows
        for indicator in spec["indicators"]:
            assert frame_ids[indicator].section in sections or indicator == "ons-population"
    assert frame_ids["mhclg-owed-duty"].section == "homelessness"
    assert frame_ids["ons-population"].section == "population"  # the template's own geography cell
    assert [s.title for s in loaded.template_sections] == ["Population and geography"]
    assert set(loaded.demo_profile) == {e.key for e in loaded.catalogue.fingertips()}


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    ("indicators.yaml", "section: substance_misuse", "section: substance_misues",
     r"indicators\.yaml: indicator continuity_of_care: unknown section 'substance_misues'"),
    ("indicators.yaml", "comparator: ci_overlap_95_998", "comparator: ci_overlap_95_99",
     r"indicators\.yaml: indicator continuity_of_care: unknown comparator 'ci_overlap_95_99'"),
    ("indicators.yaml", "source: mhclg_homelessness", "source: mhclg_homeless",
     r"indicators\.yaml: indicator mhclg_owed_duty: unknown source 'mhclg_homeless'"),
    ("indicators.yaml", "indicator_id: mhclg-relief-duty", "indicator_id: mhclg-relief",
     r"indicators\.yaml: indicator mhclg_relief_duty: its source mhclg_homelessness does not list indicator "
     r"mhclg-relief under indicators"),
    ("publishers.yaml", "indicators: [mhclg-rough-sleeping, mhclg-rough-sleeping-rate]",
     "indicators: [mhclg-rough-sleeping, mhclg-rough-sleeping-rate, mhclg-by-sex]",
     r"publishers\.yaml: publisher mhclg_rough_sleeping: indicator 'mhclg-by-sex' has no entry in .*"
     r"indicators\.yaml \(it would fall out of every report section\)"),
    ("publishers.yaml", "mhclg_rough_sleeping\n    reader: read\n", "mhclg_rough_sleeping\n    reader: read_rough_sleep\n",
     r"publishers\.yaml publisher mhclg_rough_sleeping: reader 'read_rough_sleep' is not a function of module "
     r"assessment\.sources\.mhclg_rough_sleeping"),
    ("publishers.yaml", "    indicators: [mhclg-rough-sleeping, mhclg-rough-sleeping-rate]\n", "",
     r"publishers\.yaml publisher mhclg_rough_sleeping: missing field\(s\) indicators"),
    ("publishers.yaml", "only_area_types: [utla]", "only_area_types: [county]",
     r"publisher imd_2019_upper_tier: unknown area type 'county' in only_area_types"),
    ("indicators.yaml", "section: population", "section: populations",
     r"indicator ons_population: unknown section 'populations' \(sections in .*report_sections\.yaml: "
     r"children_young_people, .*population, reoffending"),
    ("report_sections.yaml", "  - key: population\n", "  - key: reoffending\n",
     r"report_sections\.yaml: section reoffending is both a topic and a template section"),
    ("report_sections.yaml", "  - key: reoffending\n", "  - key: reoffending\n    kind: timeline\n",
     r"report_sections\.yaml: section reoffending: kind 'timeline' has no module "
     r"assessment/report/sections/timeline\.py"),
    ("comparators.yaml", "  none:\n", "  deciles:\n    fingertips_id: 14\n    description: Deciles.\n  none:\n",
     r"comparators\.yaml: method deciles has no implementation in assessment/stats/compare\.py"),
    ("comparators.yaml", "  quartiles:\n    fingertips_id: 16\n", "  quartile:\n    fingertips_id: 16\n",
     r"comparators\.yaml: method quartile has no implementation"),
    ("uploads/custody_health.yaml", "section: mental_health", "section: mental_heath",
     r"custody_health\.yaml: kind custody_health: unknown section 'mental_heath'"),
    ("uploads/custody_health.yaml", "comparator: none", "comparator: nothing",
     r"custody_health\.yaml: kind custody_health: indicator local-custody-need: unknown comparator 'nothing'"),
    ("uploads/custody_health.yaml", "id: local-custody-need", "id: local-coc-3wk",
     r"custody_health\.yaml: kind custody_health: indicator id local-coc-3wk is already used by upload kind "
     r"continuity_of_care_audit"),
    ("report_sections.yaml", "stop_search: eff-stop-search-rate", "stop_search: eff-stop-and-search-rate",
     r"report_sections\.yaml: section police_courts: indicators: stop_search: 'eff-stop-and-search-rate' has no "
     r"entry in .*indicators\.yaml"),
    ("report_sections.yaml", "recorded_crime: [ons-crime-total-rate", "recorded_crime: [7, ons-crime-total-rate",
     r"report_sections\.yaml section police_courts: indicators: recorded_crime must be a catalogue id or a list"),
    ("data_gaps.yaml", "upload_kind: s136_detentions", "upload_kind: s136",
     r"data_gaps\.yaml: gap s136_detentions_by_council: unknown upload kind 's136' \(kinds in .*uploads: "),
    ("data_gaps.yaml", "upload_kind: liaison_diversion\n    section: police_courts",
     "upload_kind: liaison_diversion\n    section: police",
     r"data_gaps\.yaml: gap liaison_diversion_activity: unknown section 'police'"),
    ("publishers.yaml", "  - mhclg_rough_sleeping\n", "",
     r"publishers\.yaml: publisher mhclg_rough_sleeping has no place in precedence: \(the list that says whose "
     r"figure is kept when two files give the same one\)"),
    ("publishers.yaml", "  - ho_arrests\n", "  - ho_arrest\n",
     r"publishers\.yaml: precedence: 'ho_arrest' is not a publisher entry \(entries: eff_conviction_ratio, "),
    ("publishers.yaml", "  - ho_arrests\n", "  - ho_arrests\n  - ons_pfa_asb\n",
     r"publishers\.yaml: precedence: 'ons_pfa_asb' is listed 2 times"),
    ("publishers.yaml", "publisher_page: https://www.ons.gov.uk/peoplepopulationandcommunity/birthsdeathsandmarriages",
     "publisher_page: https://raw.githubusercontent.com/someone/copy/main/peoplepopulationandcommunity/birthsdeathsandmarriages",
     r"publishers\.yaml publisher ons_drug_deaths_la: publisher_page https://raw\.githubusercontent\.com/someone/.* "
     r"is not on a publisher's own site \(assets\.publishing\.service\.gov\.uk, www\.ethnicity-facts-figures"),
    ("publishers.yaml", "url: https://www.ethnicity-facts-figures.service.gov.uk/crime-justice-and-the-law/courts",
     "url: http://127.0.0.1:8000/crime-justice-and-the-law/courts",
     r"publisher eff_conviction_ratio: url http://127\.0\.0\.1:8000/crime-justice.* is not on a publisher's own site"),
    ("publishers.yaml", "      from: ons_dataset\n", "      from: ons_page\n",
     r"publishers\.yaml publisher ons_drug_deaths_la: release\.from must be one of govuk_collection, "
     r"govuk_publication, ons_dataset \(got 'ons_page'\)"),
])
def test_each_broken_reference_is_one_line_naming_file_key_and_value(registry_copy, file, old, new, message):
    _edit(registry_copy / file, old, new)
    with pytest.raises(InputError, match=message) as err:
        load_registries(registry_copy)
    assert "\n" not in str(err.value)


def test_two_catalogue_entries_with_one_frame_id_are_refused(registry_copy):
    _edit(registry_copy / "indicators.yaml", "indicator_id: ons-opiate-poisoning-deaths",
          "indicator_id: ons-drug-poisoning-deaths")
    with pytest.raises(InputError, match="ons_opiate_poisoning_deaths.*indicator id ons-drug-poisoning-deaths is "
                                         "already used by entry ons_drug_poisoning_deaths"):
        load_registries(registry_copy)


def test_demo_profile_and_catalogue_are_checked_both_ways(registry_copy, tmp_path):
    profile = yaml.safe_load(DEMO_PROFILE_PATH.read_text())
    missing = tmp_path / "missing.yaml"
    missing.write_text(yaml.safe_dump({k: v for k, v in profile.items() if k != "suicide_rate"}))
    with pytest.raises(InputError, match=r"missing\.yaml: no demo settings for Fingertips indicator 'suicide_rate'"):
        load_registries(registry_copy, demo_profile=missing)
    extra = tmp_path / "extra.yaml"
    extra.write_text(yaml.safe_dump({**profile, "suicide_rates": profile["suicide_rate"]}))
    with pytest.raises(InputError, match=r"extra\.yaml: indicator 'suicide_rates' is not a key of .*indicators\.yaml"):
        load_registries(registry_copy, demo_profile=extra)


COMMANDS = [["demo", "--out", "{tmp}/demo"], ["render", "--area", "Leeds", "--bundle", "{tmp}/none"],
            ["fetch", "--out", "{tmp}/snapshots"], ["build", "--snapshot", "{tmp}/snapshot"],
            ["validate", "{tmp}/upload.csv"], ["upload-template", "custody_health", "--out", "{tmp}"]]


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_renamed_section_stops_every_command_at_start(registry_copy, tmp_path, monkeypatch, capsys, command):
    _edit(registry_copy / "indicators.yaml", "section: reoffending", "section: re_offending")
    monkeypatch.setenv("JSNA_DATA_SOURCES", str(registry_copy))
    assert main([part.format(tmp=tmp_path) for part in command]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "indicators.yaml: indicator reoffending_proportion: unknown section 're_offending'" in lines[0]
    assert not (tmp_path / "demo").exists() and not (tmp_path / "custody_health.xlsx").exists()


@pytest.mark.parametrize(("name", "what"), [
    ("report_sections.yaml", "report sections"), ("devolved_sources.yaml", "registry"),
    ("national_claims.yaml", "registry"), ("key_messages.yaml", "registry"),
    ("comparators.yaml", "comparison methods registry"),
])
def test_an_unreadable_registry_file_stops_a_command_with_one_line_naming_it(registry_copy, tmp_path, monkeypatch,
                                                                             capsys, name, what):
    (registry_copy / name).write_text("sections: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("JSNA_DATA_SOURCES", str(registry_copy))
    assert main(["upload-template", "custody_health", "--out", str(tmp_path)]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and f"{registry_copy / name}: unreadable {what} (while parsing" in lines[0], lines
    assert not list(tmp_path.glob("*.xlsx"))


def test_the_installed_command_fails_at_start_too(registry_copy, tmp_path):
    _edit(registry_copy / "indicators.yaml", "section: reoffending", "section: re_offending")
    done = subprocess.run([str(Path(sys.executable).with_name("jsna")), "upload-template", "custody_health",
                           "--out", str(tmp_path)], capture_output=True, text=True,
                          env={**os.environ, "JSNA_DATA_SOURCES": str(registry_copy), "COLUMNS": "400"})
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert "indicator reoffending_proportion: unknown section 're_offending'" in done.stderr
    assert not list(tmp_path.glob("*.xlsx"))


@pytest.mark.shared
def test_each_publisher_reader_produces_exactly_its_listed_indicators(shared_data):
    """Every real file `jsna import` files under an entry is read into only the ids that entry lists."""
    from assessment.snapshots.importer import recognise_all

    publishers = load_registries().publishers
    produced: dict[str, set[str]] = {}
    for path in sorted(p for p in shared_data.rglob("*") if p.is_file() and not p.name.endswith(".md")):
        for found in recognise_all(path, publishers):
            if found.kind != "publisher":
                continue
            spec = publishers[found.key]
            if spec.get("provides"):  # not indicator rows: the bundle's similar-areas table (test_similar_areas.py)
                continue
            reader = getattr(importlib.import_module(spec["module"]), spec["reader"])
            produced.setdefault(found.key, set()).update(reader(path, vintage=found.release)["indicator_id"])
    for key, ids in produced.items():
        assert ids and ids <= set(publishers[key]["indicators"]), key
    assert len(produced) >= 12  # the ONS, MHCLG, IoD and justice files staged in ../shared/data


# ----------------------------------------------------------------- the levels table
def _levels():
    return yaml.safe_load(LEVELS_PATH.read_text())


def test_the_levels_table_drives_area_types_lookups_and_rollups():
    assert set(AREA_TYPES) == set(_levels()["levels"])
    assert lookup_roles() == ["lad_region", "lad_utla", "lad_csp_pfa"]
    assert [level.key for level in parent_levels()] == ["utla", "region", "pfa"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t["levels"]["pfa"].update(peers="county"), r"level pfa: peers 'county' is not one of all, none"),
    (lambda t: t["levels"]["pfa"].update(map_level="ward"), r"level pfa: map_level 'ward' is not one of"),
    (lambda t: t["levels"]["csp"].pop("lookup"), r"level csp: give either a lookup .* or its one area"),
    (lambda t: t["levels"]["utla"].update(colour="blue"), r"level utla: unknown field\(s\) colour"),
    (lambda t: t["levels"]["utla"]["lookup"].update(code="lad_code"), r"exactly one level must be the districts"),
    (lambda t: t.update(national="region"), r"national 'region' must name a level with one area"),
    (lambda t: t["levels"]["pfa"].pop("parent_label"), r"level pfa: district_column needs a parent_label"),
])
def test_a_bad_levels_table_is_one_line_naming_the_level(change, message):
    table = _levels()
    change(table)
    with pytest.raises(InputError, match=message):
        parse_levels(table, "levels.yaml")


def test_a_derived_indicator_needs_its_inputs_not_a_reader(registry_copy):
    """An entry made from other indicators (a rate from a count and the population) is not read from a file."""
    loaded = load_registries(registry_copy)

    @dataclasses.dataclass(frozen=True)
    class Derived(CatalogueEntry):
        derived_from: dict | None = None

    base = next(e for e in loaded.catalogue.entries if e.key == "ons_drug_poisoning_deaths")
    rate = Derived(**{**dataclasses.asdict(base), "key": "drug_rate", "indicator_id": "ons-drug-rate",
                      "derived_from": {"numerator": "ons-drug-poisoning-deaths", "denominator": "ons-population"}})
    catalogue = Catalogue([*loaded.catalogue.entries, rate], loaded.catalogue.path)
    check_references(dataclasses.replace(loaded, catalogue=catalogue))  # not listed by its publisher: fine
    broken = dataclasses.replace(rate, derived_from={"numerator": "ons-drug-deaths", "denominator": "ons-population"})
    with pytest.raises(InputError, match="indicator drug_rate: derived_from numerator 'ons-drug-deaths' is not an "
                                         "indicator of"):
        check_references(dataclasses.replace(loaded, catalogue=Catalogue([*loaded.catalogue.entries, broken])))
