"""A force report's figures (issue 27, force reports): each section charts its main measure, each chart
sits in its own section in the PDF, and a chart words each result as the tables do.

On the real Lancashire (E23000003) and West Midlands (E23000014) police force areas, rendered as a user
renders them. Expected values were read by hand from the raw files named beside them.
"""

from __future__ import annotations

import html as html_lib
import re

import pytest
from pypdf import PdfReader

from tests.support.force_checks import page_text
from tests.support.html_sections import section

LANCASHIRE, WEST_MIDLANDS = "E23000003", "E23000014"
VIOLENCE = "Violence and domestic abuse"
#: The police and crime edition's parts and topics: the headings a figure is placed under.
HEADINGS = ["Summary and key messages", "Population and geography", "Community safety partnerships",
            "Crime and anti-social behaviour", "Police contact, custody and the courts",
            "Recorded crime and anti-social behaviour", "Victims and vulnerability", VIOLENCE,
            "Mental health, self-harm and suicide", "Offenders and reoffending", "Reoffending", "Health and justice",
            "Substance misuse and treatment", "Physical health, infectious disease and premature mortality",
            "Homelessness and accommodation", "Children and young people", "Wider determinants and inequalities",
            "Compared with similar areas", "Partners and commissioning", "Local data", "Data gaps and methods",
            "Sources and licences"]


def _alts(block: str) -> list[str]:
    return [html_lib.unescape(a) for a in re.findall(r'alt="([^"]*)"', block)]


@pytest.mark.shared
@pytest.mark.parametrize("code, rate", [
    # justice/pfatablesdec19.xlsx, Table P3, column "Violence against the person" (rate per 1,000): Lancashire
    # row 17, 38.6; West Midlands row 34, 30.1. Robbery, the table's first row, is 0.8 and 3.0 (same rows).
    (LANCASHIRE, "38.6"), (WEST_MIDLANDS, "30.1")])
def test_a_force_violence_section_charts_violence_against_the_person(real_reports, code, rate):
    """Item 1: no catalogue row of the section is `headline` for a force, so key_messages.yaml's core
    measure of violence (violence_offences, else recorded_crime_violence) is charted, not the first row."""
    block = section(real_reports[code][0], VIOLENCE)
    charts = [a for a in _alts(block) if a.startswith("Bar chart of")]
    assert len(charts) == 1 and charts[0].startswith("Bar chart of Violence against the person offences per 1,000 "
                                                     "population (2019"), charts
    assert f" is {rate}, ranked " in charts[0]
    assert not any("Robbery" in a for a in _alts(block))


def _pdf_text(path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def _placed(text: str, start: int, positions: list[tuple[int, str]]) -> str:
    """The heading under which ``start`` lies (the last heading found before it)."""
    return max(((at, title) for at, title in positions if at < start), default=(0, ""))[1]


def _heading_positions(text: str, begin: int) -> list[tuple[int, str]]:
    """Where each part and topic heading starts, found in report order after ``begin`` (past the contents)."""
    positions, at = [], begin
    for title in HEADINGS:
        found = text.find(title, at)
        if found >= 0:
            positions.append((found, title))
            at = found + len(title)
    return positions


@pytest.mark.shared
def test_every_pdf_figure_sits_in_its_own_section(real_force_report, real_reports):
    """Item 2: a tall chart floats to the top of a page, but never past the next heading. Before, Lancashire's
    recorded-crime chart was printed after the heading "Violence and domestic abuse" and the drug-death
    trend chart before the chart numbered ahead of it."""
    page = real_reports[LANCASHIRE][0]
    html_positions = [(m.start(), page_text(m[2])) for m in re.finditer(r"<h([1-6])[^>]*>(.*?)</h\1>", page, re.S)]
    html_positions = [(at, title) for at, title in html_positions if title in HEADINGS]
    expected = {}  # each chart's caption (its first 50 characters) -> the heading it belongs under
    for match in re.finditer(r"<figcaption>(.*?)</figcaption>", page, flags=re.S):
        expected[page_text(match[1])[:50]] = _placed(page, match.start(), html_positions)
    assert len(expected) >= 10 and expected[next(c for c in expected if c.startswith("Police recorded crime"))] \
        == "Recorded crime and anti-social behaviour"
    text = _pdf_text(next(real_force_report.glob("*.pdf")))
    positions = _heading_positions(text, text.index("Geography vintage"))
    for caption, heading in expected.items():
        found = re.search(r"Figure (\d+): " + re.escape(caption), text)
        assert found, caption
        assert _placed(text, found.start(), positions) == heading, (caption, heading)
    figure_order = [int(m[1]) for m in re.finditer(r"Figure (\d+): ", text)]
    assert figure_order == sorted(figure_order)  # printed in the order they are numbered


@pytest.mark.shared
def test_charts_word_a_small_difference_as_the_tables_do(real_reports):
    """Item 3 (a label contradicting its value): West Midlands' recorded crime, 89.0 per 1,000 against
    England's 88.0 (justice/pfatablesdec19.xlsx, Table P3, rows 34 and 8, "Total recorded crime (excluding
    fraud)": 89.03 and 88.02), is 1% above England. Its table says "Higher: small in practice"; its bar in the
    chart and its circle on the spine chart were labelled "Worse (99.8%)"."""
    page = real_reports[WEST_MIDLANDS][0]
    crime = section(page, "Recorded crime and anti-social behaviour")
    assert "Higher: small in practice (1% above England)" in page_text(crime)
    chart = next(a for a in _alts(crime) if a.startswith("Bar chart of Police recorded crime (excluding fraud)"))
    assert "West Midlands is 89.0, ranked 15 of 41 from the highest, and its result compared with England is: " \
        "Higher: small in practice." in chart
    spine = next(a for a in _alts(page) if a.startswith("Spine chart of"))
    worse = spine.split("Significantly worse than England:")[1]
    assert "Police recorded crime" not in worse and "Violence against the person" not in worse
    assert "higher: small in practice" in spine
    # Lancashire's 99.0 (Table P3 row 17: 98.97) is 12% above England: still worse.
    lancashire = real_reports[LANCASHIRE][0]
    assert "Police recorded crime (excluding fraud) per 1,000 population (2019)" in \
        next(a for a in _alts(lancashire) if a.startswith("Spine chart of")).split("Significantly worse than England:")[1]


@pytest.mark.shared
def test_a_force_names_its_councils_kinds_and_names_as_published(real_reports):
    """Item 3 (false labels): West Midlands' councils are metropolitan boroughs (E08 codes, boundaries/levels.yaml),
    not unitary authorities; a council named in the methods keeps its capital ("Solihull", not "solihull")."""
    page = real_reports[WEST_MIDLANDS][0]
    partners = page_text(section(page, "Partners and commissioning"))
    for council in ("Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton"):
        assert f"{council} metropolitan borough {council}" in partners
    assert "unitary authority" not in partners
    methods = page_text(section(page, "Data gaps and methods"))
    assert "No figure (no value: constituent districts incomplete (suppressed or without counts: Solihull " \
        "(E08000029))):" in methods and "solihull" not in methods
    # justice/arrest-police-powers-procedures-mar19-hosb2519-tables.ods: the Home Office's note on Lancashire,
    # quoted in the methods as the reason for no figure, keeps its capitals.
    methods = page_text(section(real_reports[LANCASHIRE][0], "Data gaps and methods"))
    assert "No figure (not available: All tables exclude Lancashire, who were unable to provide complete arrests " \
        "data" in methods
    lancashire = page_text(section(real_reports[LANCASHIRE][0], "Partners and commissioning"))
    assert "Blackpool unitary authority Blackpool" in lancashire and "Burnley local authority district Lancashire" \
        in lancashire


@pytest.mark.shared
def test_the_sources_table_gives_the_day_each_file_was_retrieved(real_force_report, real_reports):
    """Item 3 (PDF layout): the retrieval timestamp ("2026-12-05T23:43:46+00:00") ran past the page's right edge
    and over the "Licence" heading; each source's line gives the day, the Excel appendix the full time."""
    for code in (LANCASHIRE, WEST_MIDLANDS):
        sources = section(real_reports[code][0], "Sources and licences")
        items = [page_text(c) for c in re.findall(r"<li[^>]*>(.*?)</li>", sources, flags=re.S)]
        assert items and all(re.search(r"retrieved \d{4}-\d{2}-\d{2}\.$", i) for i in items), items
    text = _pdf_text(next(real_force_report.glob("*.pdf")))
    assert not re.search(r"T\d\d:\d\d:\d\d", text[text.rindex("Sources and licences"):])
