"""The comparisons with similar areas are worked out once a report, for its section and its key messages."""

from __future__ import annotations

from assessment.registry.all_registries import registries
from assessment.report import AreaReport
from assessment.report.sections import similar_areas


def test_the_section_and_the_key_messages_share_one_working_out(demo_bundle, tmp_path, monkeypatch):
    worked = []
    real = similar_areas._comparisons
    monkeypatch.setattr(similar_areas, "_comparisons", lambda report, codes: worked.append(codes) or real(report, codes))
    report = AreaReport.open(demo_bundle, "E10999001", figure_dir=tmp_path)
    section = next(s for s in registries().sections if s.kind == "similar_areas")
    messages, table = report.key_messages(), report.topic_section(section)
    assert "Compared with the areas most like it" in messages and "Median of similar areas" in table
    assert len(worked) == 1
