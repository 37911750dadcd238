"""The seed's missing indicators: catalogued where Fingertips publishes them locally, listed as data gaps otherwise."""

from __future__ import annotations

import json

import pytest
import yaml

from assessment.core.errors import InputError
from assessment.core.paths import DATA_SOURCES_DIR
from assessment.sources.catalogue import load_catalogue, load_data_gaps

SEED_KEYS = {  # seed digest row -> catalogue key
    "P12 2.23 wellbeing": "wellbeing_low_satisfaction", "P13 3.04 late HIV diagnosis": "late_hiv_diagnosis",
    "P14 4.03 preventable mortality": "preventable_mortality", "P16 4.07 respiratory": "respiratory_mortality_u75",
    "P18 4.09 SMI excess mortality": "excess_mortality_smi", "S28 drug-related admissions": "substance_misuse_admissions_young",
    "S30 smoking": "smoking_prevalence", "H11 TB": "tb_incidence", "W2 Marmot life expectancy": "life_expectancy",
    "W2 Marmot life expectancy gap": "life_expectancy_inequality", "W2 Marmot school readiness": "school_readiness",
}
GAP_KEYS = {"P4 1.12iii sexual offences": "sexual_offences", "P6 first time offenders": "first_time_offenders",
            "P7 1.19 feeling safe": "older_people_feeling_safe", "S7 opiate and crack": "opiate_crack_prevalence",
            "P17 4.08 communicable diseases": "communicable_disease_mortality"}


def test_every_seed_indicator_is_catalogued_or_a_named_data_gap():
    catalogue = load_catalogue()
    gaps = {g.key: g for g in load_data_gaps()}
    assert set(SEED_KEYS.values()) <= set(catalogue.by_key)
    assert set(GAP_KEYS.values()) <= set(gaps)
    assert gaps["older_people_feeling_safe"].status == "not_published_locally"
    assert gaps["sexual_offences"].fingertips_name == "Violent crime - sexual offences per 1,000 population"


def test_seed_entries_are_unverified_with_their_provenance_and_sections_exist():
    catalogue = load_catalogue()
    sections = {s["key"] for s in yaml.safe_load((DATA_SOURCES_DIR / "report_sections.yaml").read_text())["sections"]}
    ids = [e.fingertips_id for e in catalogue.fingertips()]
    assert len(ids) == len(set(ids))
    for key in SEED_KEYS.values():
        entry = catalogue.by_key[key]
        assert entry.verified is False and entry.checked_in, key
        assert entry.section in sections, key
    assert catalogue.by_key["tb_incidence"].value_type == "crude rate"
    assert catalogue.by_key["preventable_mortality"].value_type == "directly standardised rate"


@pytest.mark.shared
def test_no_seed_id_could_have_been_verified_against_the_staged_metadata(shared_data):
    """verified: true needs the id in a staged file; none of the seed ids is there."""
    staged = {str(r["indicatorID"]) for r in json.loads((shared_data / "fingertips/indicators.json").read_text())}
    staged |= {line.split(",")[0].lstrip("\ufeff") for line in
               (shared_data / "fingertips/indicators.csv").read_text(encoding="utf-8").splitlines()[1:]}
    catalogue = load_catalogue()
    assert not {catalogue.by_key[k].fingertips_id for k in SEED_KEYS.values()} & staged
    assert "90362" in staged  # the check can find a staged id


@pytest.mark.parametrize(("entry", "message"), [
    ({"key": "x", "name": "X", "seed_reference": "S1", "status": "lost", "why": "w", "local_data": "l"},
     "entry 1 (x): status 'lost' is not one of"),
    ({"key": "x", "name": "X", "seed_reference": "S1", "status": "id_not_found", "why": "w", "local_data": "l"},
     "entry 1 (x): an id_not_found gap needs the fingertips_name"),
    ({"key": "x", "name": "X", "status": "not_published_locally", "why": "w", "local_data": "l"},
     "entry 1 (x): missing field(s) seed_reference"),
    ({"key": "suicide_rate", "name": "X", "seed_reference": "S1", "status": "not_published_locally", "why": "w",
      "local_data": "l"}, "key 'suicide_rate' is already used (catalogued)"),
])
def test_a_bad_data_gap_is_one_line_naming_the_file_and_entry(tmp_path, entry, message):
    path = tmp_path / "data_gaps.yaml"
    path.write_text(yaml.safe_dump({"gaps": [entry]}))
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        load_data_gaps(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
