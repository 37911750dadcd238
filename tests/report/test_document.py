"""The document model a section returns: its markdown writer, and blocks that carry the rows they show.

Sections are tested here on data (the blocks and their source rows), not on strings; and every
table and figure a whole report prints is checked against its Excel appendix.
"""

from __future__ import annotations

import pandas as pd
import pytest

from assessment.report import AreaReport
from assessment.report.document import BulletList, Document, Figure, Heading, Note, Paragraph, Table, bullets
from assessment.report.sections import geography, summary, topic
from assessment.core.safe_text import md

COUNTY, FORCE = "E10999001", "E23999001"
#: The columns that name one figure in the appendix (context.APPENDIX_KEY without the section).
FIGURE_KEY = ["indicator_id", "area_code", "period", "sex", "age", "category_type", "category"]


class PrintedReport(AreaReport):
    """A report that keeps every document it prints, as the template's cells print them."""

    printed: list[Document]

    def shown(self, document: Document) -> str:
        self.__dict__.setdefault("printed", []).append(document)
        return super().shown(document)


def _report(bundle, area, tmp_path, kind=AreaReport):
    return kind.open(bundle, area, figure_dir=tmp_path / "figures")


def _whole(report: AreaReport) -> str:
    """Every part of the chapter, in the template's order (templates/report.qmd)."""
    parts = [report.front_matter(), report.key_messages(), report.spine_chart(), report.geography_section(),
             report.area_map(), *[report.part(p) for p in report.parts()], report.local_data_section(),
             report.methods_section(), report.sources_section()]
    return "\n".join(parts)


# ------------------------------------------------------------------ the writers
def test_blocks_are_written_as_markdown_a_blank_line_apart_and_empty_ones_are_left_out():
    inner = Document([Paragraph("Inside.")])
    doc = Document().add(Heading("Drugs", level=3), Paragraph(""), None, bullets([]), inner,
                         Note("**Read with care.** Counts vary."), bullets(["One", "Two"]))
    assert doc.markdown() == "### Drugs\n\nInside.\n\n> **Read with care.** Counts vary.\n\n- One\n- Two\n"
    assert [type(b) for b in doc.blocks] == [Heading, Paragraph, Note, BulletList]
    assert not Document().add(Paragraph(""), None) and Document().markdown() == ""


def test_only_blocks_with_rows_are_listed_for_the_appendix_each_under_its_title():
    rows = pd.DataFrame({"indicator_id": ["a", "b"], "value": [1.0, 2.0]})
    doc = Document([Heading("Topic"), Table("| A |\n", title="Topic", rows=rows), Table("| B |\n"),
                    Figure("![chart](c.png)\n", title="Figure: trend", rows=rows.head(1))])
    shown = list(doc.shown())
    assert [(title, frame["indicator_id"].tolist()) for title, frame in shown] == [
        ("Topic", ["a", "b"]), ("Figure: trend", ["a"])]
    assert doc.of_kind(Table)[1].rows.empty


# ------------------------------------------------------------- sections on data
def test_the_benchmark_table_block_shows_the_topics_rows_for_the_area(demo_bundle, tmp_path):
    report = _report(demo_bundle, COUNTY, tmp_path)
    section = next(s for s in report.sections() if s.key == "substance_misuse")
    doc = topic.render(report, section)
    expected = report.data.section_rows(section.key)
    table = doc.of_kind(Table)[0]
    assert isinstance(doc.blocks[0], Heading) and doc.blocks[0].text == section.title
    assert table.title == section.title
    assert table.rows["indicator_id"].tolist() == expected["indicator_id"].tolist()
    assert set(table.rows["area_code"]) == {COUNTY}
    assert table.rows["value"].tolist() == pytest.approx(expected["value"].tolist(), nan_ok=True)
    # One sentence per row of the table, in the same order.
    sentences = next(b for b in doc.blocks if isinstance(b, BulletList))
    assert len(sentences.items) == len(expected)


def test_a_topics_charts_carry_the_rows_they_draw(demo_bundle, tmp_path):
    report = _report(demo_bundle, COUNTY, tmp_path)
    section = next(s for s in report.sections() if s.key == "substance_misuse")
    compare, *trend = topic.render(report, section).of_kind(Figure)
    assert compare.title == "Figure: compare areas"
    peers = compare.rows
    assert COUNTY in set(peers["area_code"]) and len(peers) >= 2
    assert peers[["indicator_id", "period"]].drop_duplicates().shape[0] == 1  # one indicator, one period
    for chart in trend:  # the area's own series, one row a period
        assert chart.title == "Figure: trend" and set(chart.rows["area_code"]) == {COUNTY}
        assert chart.rows["period"].is_unique


def test_each_key_message_quotes_a_row_the_block_carries(demo_bundle, tmp_path):
    report = _report(demo_bundle, FORCE, tmp_path)
    messages = summary.key_messages(report).of_kind(BulletList)[0]
    assert messages.title == "Summary and key messages"
    assert len(messages.rows) == len(messages.items) > 0
    assert set(messages.rows["area_code"]) <= {FORCE, *report.data.geography.constituent_lads(FORCE)}
    said = " ".join(messages.items).lower()
    for _, row in messages.rows.iterrows():  # the messages are ordered by what matters, the rows as chosen
        assert md(str(row["indicator_name"]))[1:].lower() in said, row["indicator_name"]


def test_the_age_profile_lists_its_table_and_chart_rows_with_their_source(demo_bundle, tmp_path):
    report = _report(demo_bundle, COUNTY, tmp_path)
    doc = geography.geography_section(report)
    chart = next(b for b in doc.of_kind(Figure) if b.title == "Figure: age profile")
    table = next(b for b in doc.of_kind(Table) if "Who lives here" not in b.text and "Under 18" in b.text)
    assert set(chart.rows["age"]) == {"0-17 yrs", "18-24 yrs", "25-49 yrs", "50-64 yrs", "65+ yrs"}
    assert set(chart.rows["area_code"]) == {COUNTY, report.data.national[0]}
    assert set(chart.rows["area_code"]) <= set(table.rows["area_code"])
    assert table.rows["source"].astype(bool).all() and table.rows["indicator_name"].astype(bool).all()


# ------------------------------------------------------------- a whole report
@pytest.mark.parametrize("area", [COUNTY, FORCE])
def test_every_table_and_figure_a_report_prints_has_its_rows_in_the_appendix(demo_bundle, tmp_path, area):
    report = _report(demo_bundle, area, tmp_path, kind=PrintedReport)
    text = _whole(report)
    blocks = [b for doc in report.printed for b in doc.blocks]
    figures = [b for b in blocks if isinstance(b, Figure)]
    assert len(figures) == text.count("![") > 3  # every image printed is a figure block
    assert all(not f.rows.empty for f in figures), [f.title for f in figures if f.rows.empty]
    appendix = report.appendix_frame()
    listed = set(map(tuple, appendix[["report_section", *FIGURE_KEY]].astype(str).values.tolist()))
    shown = [b for b in blocks if not b.rows.empty]
    assert len([b for b in shown if isinstance(b, Table)]) >= 7
    for block in shown:
        rows = block.rows.reindex(columns=FIGURE_KEY).assign(report_section=block.title)
        missing = [r for r in map(tuple, rows[["report_section", *FIGURE_KEY]].astype(str).values.tolist())
                   if r not in listed]
        assert not missing, (block.title, missing[:3])
