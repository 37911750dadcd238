"""One area's report without rendering: its sections, the area's description and the appendix."""

from __future__ import annotations

import json
import re

import openpyxl
import pandas as pd
import pytest

from assessment.report import AreaReport
from assessment.bundles.bundle import open_bundle, write_bundle
from assessment.core.safe_text import md


# ------------------------------------------------------------ a demo bundle's report
@pytest.fixture(scope="module")
def banded_bundle(demo_bundle, tmp_path_factory):
    """The demo bundle with continuity of care also published for "0-9 yrs", listed after all ages."""
    bundle = open_bundle(demo_bundle)
    frame = bundle.frame
    coc = frame[(frame["indicator_id"] == "90976") & (frame["category_type"] == "")]
    # Half of each count in the band (33 and more): no count of 1 to 4, which would keep its breakdowns unshown.
    band = coc.assign(age="0-9 yrs", value=coc["value"] / 2, count=coc["count"] / 2, denominator=coc["denominator"])
    root = demo_bundle
    meta = json.loads((root / "bundle.json").read_text())
    geography = {role: root / rel for role, rel in meta.pop("geography").items()}
    boundaries = {level: root / rel for level, rel in meta.pop("boundaries").items()}
    out = tmp_path_factory.mktemp("banded") / "bundle"
    return write_bundle(pd.concat([frame, band], ignore_index=True), out, geography_files=geography,
                        boundary_files=boundaries, meta=meta)


def _report(bundle, area, tmp_path):
    return AreaReport.open(bundle, area, figure_dir=tmp_path / "figures")


def test_the_banded_indicator_reports_its_all_ages_figure(banded_bundle, demo_bundle, tmp_path):
    banded = _report(banded_bundle, "E10999001", tmp_path / "a")
    plain = _report(demo_bundle, "E10999001", tmp_path / "b")
    row = banded.latest().set_index("indicator_id").loc["90976"]
    assert row["age"] == "All ages"
    assert row["value"] == plain.latest().set_index("indicator_id").loc["90976", "value"]
    section = next(s for s in banded.sections() if s.key == "substance_misuse")
    unfolder = re.compile(r"\]\([^)]*/figures/")  # the two reports draw into different folders
    banded_text, plain_text = (unfolder.sub("](", r.topic_section(section)) for r in (banded, plain))
    # Issue 27: the band the export publishes is shown as well, in a block of its own after the benchmark
    # table (sections/by_sex_age.py); everything else is the all-ages report's.
    split = re.search(r"By sex and age, as published for Northmere:\n\n.*?\n\n: [^\n]*\n\n", banded_text, flags=re.S)
    assert split and md("Persons, 0-9 yrs") in split[0] and "By sex and age" not in plain_text
    assert banded_text.replace(split[0], "") == plain_text


def test_sections_come_from_the_registry_in_report_order(demo_bundle, tmp_path):
    report = _report(demo_bundle, "E10999001", tmp_path)
    assert [s.title for s in report.sections()][:2] == ["Wider determinants and inequalities", "Children and young people"]
    text = report.topic_section(next(s for s in report.sections() if s.key == "substance_misuse"))
    assert text.startswith("## Substance misuse and treatment\n")
    assert "| Indicator | Period | Northmere \\(95\\% CI\\) |" in text
    kinds = {kind.kind: kind for kind in report.data.upload_kinds()}
    assert f"### Local data: {md(kinds['continuity_of_care_audit'].title)}" in text  # the demo's upload, in its topic
    assert md(kinds["deaths_after_release"].title) not in text  # not uploaded: listed once, under Local data
    assert kinds["deaths_after_release"].title in report.local_data_section()


def test_each_kind_of_area_is_described_by_its_level(demo_bundle, tmp_path):
    county = _report(demo_bundle, "E10999001", tmp_path / "c")
    district = _report(demo_bundle, "Dunmere", tmp_path / "d")
    force = _report(demo_bundle, "E23999001", tmp_path / "f")
    assert "(county council, E10999001)" in county.front_matter()
    assert "(local authority district, E07999004)" in district.front_matter()
    assert "It lies within the upper-tier authority Northmere, the region" in district.geography_section()
    assert "| District | Code | Upper\\-tier authority | Police force area | Population |" in force.geography_section()
    assert "covers 5 districts in 2 upper-tier authorities" in force.geography_section()


def test_every_figure_a_report_shows_is_in_its_appendix(demo_bundle, tmp_path):
    report = _report(demo_bundle, "E10999001", tmp_path)
    messages = report.key_messages()
    assert report.spine_chart().startswith("![")
    assert report.area_map().startswith("![")
    shown = report.appendix_frame()
    summary = {"Summary and key messages", "Summary and key messages: compared with similar areas"}
    assert set(shown["report_section"]) == summary | {"Figure: spine chart", "Figure: map"}
    assert shown["report_section"].isin(summary).sum() == messages.count("\n- ")
    path = report.write_appendix(tmp_path / "appendix.xlsx")
    sheet = openpyxl.load_workbook(path)["Data"]
    assert sheet.max_row == len(shown) + 1
    assert (tmp_path / "figures" / "spine.png").is_file()


def test_a_report_holds_its_text_as_python_strings_and_leaves_pandas_default_alone(demo_bundle, tmp_path):
    """Arrow-backed text (pandas 3's default) cost a fifth of a report's kernel time; outside a report it stays."""
    default = pd.DataFrame({"area": ["x"]})["area"].dtype
    report = _report(demo_bundle, "E10999001", tmp_path)
    report.key_messages()
    shown = report.appendix_frame()
    assert shown["indicator_id"].dtype == "object" and shown["report_section"].dtype == "object"
    assert pd.DataFrame({"area": ["x"]})["area"].dtype == default


def test_a_batch_releases_the_frame_and_keeps_the_shared_tables(demo_bundle, tmp_path):
    bundle = open_bundle(demo_bundle)
    bundle.prepare_for_reports()
    assert bundle._frame is None and bundle._headline is not None
    report = _report(demo_bundle, "E23999001", tmp_path)
    assert report.bundle is bundle and bundle._frame is None  # reports never need the full frame
    assert "Northmere and Port Alder Police" in report.front_matter()
    assert len(bundle.frame) > 0  # asked for again, it is read back from the bundle


def test_key_messages_lower_an_indicator_name_inside_a_sentence(demo_bundle, tmp_path):
    """"The figure for self-reported wellbeing: ...": the name is lowered before it is escaped for markdown
    (escaped first, "Self\\-reported" kept its capital)."""
    messages = _report(demo_bundle, "E10999001", tmp_path).key_messages()
    assert "self\\-reported wellbeing" in messages
    assert "Self\\-reported" not in messages


def test_a_force_reports_rows_of_its_councils_worked_out_once_for_every_section_that_asks(demo_bundle, tmp_path,
                                                                                         monkeypatch):
    """The key messages, each topic's councils table and the partnership profiles ask for the same rows."""
    from assessment.report import councils_inside

    asked = []
    original = councils_inside._published_inside

    def counted(data, row, inside):
        asked.append((row["indicator_id"], row["period"], row["sex"], row["age"], tuple(a.code for a in inside)))
        return original(data, row, inside)

    monkeypatch.setattr(councils_inside, "_published_inside", counted)
    force = _report(demo_bundle, "E23999001", tmp_path)
    text = force.key_messages() + "".join(force.part(part) for part in force.parts())
    assert "Inside the force area" in text and asked
    assert len(asked) == len(set(asked))  # each indicator's rows for each set of councils: once
    inside = councils_inside.inside_areas(force.data)
    inside.clear()  # a caller's change to its list does not change the next caller's
    assert councils_inside.inside_areas(force.data)
