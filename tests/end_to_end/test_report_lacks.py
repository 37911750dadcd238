"""A report says what it lacks, says only true things about what is published, flags old figures, and drops noise.

Issue 27 points 5, 6, 7 and 9, on the real files of ../shared/data (Blackpool and the Lancashire
police force area, rendered once by the `real_reports` fixture) and on the demo.

Hand-checked against the raw files: ../shared/data/fingertips/indicators-CountyUA.data.csv holds one
indicator only (column "Indicator ID" is 93356 on all 852 rows, Campylobacter incidence), so no
catalogue Fingertips indicator (continuity of care 90976, suicide 41001, reoffending 92812/92813,
treatment completions 90244/90245/92447, violence offences 11202) is in the snapshot. The newest
figures are H-CLIC October to December 2025 (homelessness/Statutory_Homelessness_Detailed_Local_
Authority_Data_202512.ods); recorded crime is the year ending December 2019 (justice/pfatablesdec19.xlsx),
anti-social behaviour the year ending March 2019 (policeforceareatablesyeendingmarch2019.xlsx) and
drug deaths 2020 registrations (drug_deaths/drug_poisoning_registrations_by_LA.csv).
"""

from __future__ import annotations

import re

import pytest

from assessment.core.errors import InputError
from assessment.report import AreaReport, data_age
from assessment.core.safe_text import md

from tests.support.report_text import _section, _text

BLACKPOOL, LANCASHIRE_FORCE = "E06000009", "E23000003"


def _summary(page: str) -> str:
    return _text(_section(page, "Summary and key messages"))


# ------------------------------------------------------------------ point 6: what a section lacks
@pytest.mark.shared
def test_empty_sections_name_each_missing_indicator_and_how_to_get_it(real_reports):
    page, _ = real_reports[BLACKPOOL]
    reoffending = _text(_section(page, "Reoffending"))
    assert "Proven reoffending (proportion of offenders who reoffend)." in reoffending
    assert "Fingertips indicator 92812: fetched from the Fingertips API" in reoffending
    assert "Fingertips indicator 92813: fetched from the Fingertips API" in reoffending
    substance = _text(_section(page, "Substance misuse and treatment"))  # partial: ONS drug deaths are there
    for title, fingertips_id in [("Continuity of care after release from prison", 90976),
                                 ("Successful completion of drug treatment (opiate users)", 90244),
                                 ("Successful completion of drug treatment (non-opiate users)", 90245),
                                 ("Successful completion of alcohol treatment", 92447)]:
        assert f"{title}. Fingertips indicator {fingertips_id}: fetched from the Fingertips API" in substance
    assert "Deaths related to drug poisoning (registrations)." not in substance  # in the table, not missing
    # A publisher file: named with its release page
    assert ("Deaths related to drug poisoning (3-year registration periods). ONS drug poisoning deaths by local "
            "authority (CSV or ONS workbook): fetched from https://www.ons.gov.uk/"
            in substance)
    mental = _text(_section(page, "Mental health, self-harm and suicide"))
    assert "Fingertips indicator 41001" in mental
    for title in ("Violence and domestic abuse", "Children and young people", "Physical health, infectious "
                  "disease and premature mortality", "Mental health, self-harm and suicide", "Reoffending"):
        part = _text(_section(page, title))
        if "No published indicators" in part:
            assert "Not in the data snapshot for Blackpool" in part and "Fingertips indicator" in part, title


@pytest.mark.shared
def test_summary_lists_the_core_measures_the_report_lacks(real_reports):
    summary = _summary(real_reports[BLACKPOOL][0])
    lacks = summary[summary.index("What this report lacks."):]
    for measure, fingertips_id in [("Continuity of care after release from prison", 90976), ("Suicide", 41001),
                                   ("Reoffending", 92812), ("Violence", 11202)]:
        assert f"{measure}. Fingertips indicator {fingertips_id}" in lacks
    assert "Homelessness and accommodation." not in lacks  # Blackpool has MHCLG's owed-duty rate
    assert "Deaths from drug misuse." not in lacks  # and ONS drug poisoning deaths
    force = _summary(real_reports[LANCASHIRE_FORCE][0])
    assert "Violence. " not in force[force.index("What this report lacks."):]  # the force has recorded violence


def test_a_demo_section_names_only_what_its_bundle_lacks(demo_bundle, tmp_path):
    report = AreaReport.open(demo_bundle, "E10999001", figure_dir=tmp_path)
    sections = {s.key: s for s in report.sections()}
    substance = report.topic_section(sections["substance_misuse"])
    lacks = substance[substance.index("Not in the data snapshot for Northmere"):]
    # The demo generates every Fingertips indicator, but no ONS drug deaths file
    assert f"**{md('Deaths related to drug poisoning (registrations)')}.** ONS drug poisoning deaths" in lacks
    assert md("Continuity of care after release from prison") not in lacks
    wider = report.topic_section(sections["wider_determinants"])
    # Anti-social behaviour is published for police force areas only (publishers.yaml published_for)
    assert md("Anti-social behaviour incidents per 1,000 population") not in wider
    assert "What this report lacks" not in report.key_messages()  # the demo has every core measure


# ------------------------------------------------------------------ point 5: true statements about publishing
@pytest.mark.shared
def test_what_is_published_is_said_truly_and_where(real_reports):
    blackpool = _text(real_reports[BLACKPOOL][0])
    assert "Recorded crime is published for police force areas, not councils" not in blackpool
    assert "ONS publishes police recorded crime by community safety partnership" in blackpool
    assert "violence offences per 1,000 population (indicator 11202) by district" in blackpool
    assert "recorded crime data by Community Safety Partnership area" in blackpool
    force = _text(_section(real_reports[LANCASHIRE_FORCE][0], "Police contact, custody and the courts"))
    s136 = force[force.index("Section 136 Mental Health Act detentions by council."):]
    assert s136.startswith("Section 136 Mental Health Act detentions by council. It is published by police force "
                           "area in Home Office, Police powers and procedures")
    assert "What no public table measures" not in force


# ------------------------------------------------------------------ point 7: data age
@pytest.mark.shared
def test_the_force_summary_flags_figures_much_older_than_the_newest(real_reports):
    summary = _summary(real_reports[LANCASHIRE_FORCE][0])
    old = summary[summary.index("Old figures."):summary.index("What this report lacks.")]
    assert "for a period ending December 2025. These are more than 3 years older" in old
    assert re.search(r"2019: [^.]*Police recorded crime \(excluding fraud\) per 1,000 population", old)
    assert "2018/19: Anti-social behaviour incidents per 1,000 population" in old
    assert re.search(r"2018 - 20 ?: Deaths related to drug poisoning per 100,000 residents \(3-year pooled\)", old)
    assert "A new fetch takes the publisher's newest release from https://www.ons.gov.uk/" in old
    # IoD2019 is old, and the report shows IoD2025 too: it says so rather than send the reader to GOV.UK for it.
    assert "IoD2019" in old and "The newer edition is also in this report." in old
    assert "A newer edition is published" not in old
    assert "IMD 2025: Average score" in _text(real_reports[LANCASHIRE_FORCE][0])
    assert "2025/26" not in old and "sleeping rough" not in old  # autumn 2022 is 3 years older, not more
    methods = _text(_section(real_reports[LANCASHIRE_FORCE][0], "Data gaps and methods"))
    assert "every figure whose period ended more than 3 years before the newest period in the report" in methods


def test_the_age_limit_is_read_from_its_registry(tmp_path, monkeypatch, demo_bundle):
    rule = tmp_path / "data_age.yaml"
    rule.write_text("older_than_years: 0.2\n", encoding="utf-8")
    monkeypatch.setattr(data_age, "RULES_PATH", rule)
    data_age.read_rule.cache_clear()
    report = AreaReport.open(demo_bundle, "E10999001", figure_dir=tmp_path / "f")
    rows = data_age.report_rows(report)
    assert rows["period_end"].nunique() > 1  # the demo has more than one period end to compare
    assert "more than 0.2 years older" in data_age.old_figures(report)
    rule.write_text("older_than_years: 100\n", encoding="utf-8")
    data_age.read_rule.cache_clear()
    assert data_age.old_figures(report) == ""
    rule.write_text("older_than_years: three\n", encoding="utf-8")
    data_age.read_rule.cache_clear()
    with pytest.raises(InputError, match=r"data_age\.yaml: older_than_years must be a positive number"):
        data_age.read_rule(rule)


# ------------------------------------------------------------------ point 9: noise
@pytest.mark.shared
def test_blackpool_has_only_its_own_notes_plain_words_and_each_list_once(real_reports):
    page, _ = real_reports[BLACKPOOL]
    text = _text(page)
    methods = _text(_section(page, "Data gaps and methods"))
    for elsewhere in ("North Northamptonshire", "Cumberland", "Somerset", "Barnsley", "Buckinghamshire"):
        assert elsewhere not in methods, elsewhere
    assert "method none" not in text and "not yet confirmed against GOV.UK" not in text
    assert "it is given for information, not as a comparison" in text
    assert "Local data needed" not in text
    for dataset in ("Probation caseload health and social needs", "Local continuity-of-care audit"):
        assert text.count(dataset) == 1, dataset  # the Local data list, once
    sources = _text(_section(page, "Sources and licences"))
    assert "93356" not in sources  # Campylobacter: no figure of this report
    for ods in ("Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods", "Detailed_LA_202503.xlsx"):
        assert sources.count(ods) == 1, ods
    assert "pfatablesdec19.xlsx" in sources  # the force's recorded crime is shown in Blackpool's report
    assert "england+wales_2023.csv" in sources  # "an estimated 142,708 residents" (mid-2023)


def test_demo_sources_and_notes_are_kept_when_they_cannot_be_matched(demo_bundle, tmp_path):
    report = AreaReport.open(demo_bundle, "E10999001", figure_dir=tmp_path)
    for section in report.sections():
        report.topic_section(section)
    listed = report.sources_section()
    for source in report.bundle.meta["sources"]:  # generated tables name no file or release
        assert md(source["name"]) in listed
    assert "method none" not in report.methods_section() + "".join(
        report.topic_section(s) for s in report.sections())


# ------------------------------------------------------------------ point 6: the same figure from another publisher
@pytest.mark.shared
def test_a_figure_shown_from_one_publisher_is_not_listed_missing_from_another(real_reports):
    """imd/IoD2019.csv, Blackpool (E06000009): average_score 45.039, the IMD 2019 score MHCLG publishes and
    Fingertips republishes as indicator 93553. The report shows MHCLG's; it must not send the reader to
    Fingertips for the same figure ("same_as" in indicators.yaml)."""
    wider = _text(_section(real_reports[BLACKPOOL][0], "Wider determinants and inequalities"))
    assert "IMD 2019: Average score 2019 45.0" in wider
    assert "Deprivation score (IMD 2019)." not in wider and "Fingertips indicator 93553" not in wider


def test_same_as_must_name_a_catalogue_key(tmp_path):
    from assessment.sources.catalogue import CATALOGUE_PATH, load_catalogue

    catalogue = tmp_path / "indicators.yaml"
    catalogue.write_text(re.sub(r"same_as: imd2019_average_score", "same_as: imd2019_score",
                                CATALOGUE_PATH.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(InputError, match=r"indicators\.yaml entry \d+ \(imd_score\): same_as 'imd2019_score' is "
                                         r"not a key of the catalogue"):
        load_catalogue(catalogue)

