"""The conviction ratio is described as its publisher defines it, never treated as a rate (issue 27, point 4).

Convictions in a year include cases prosecuted in earlier years, so the ratio is not a rate of one cohort:
the report gives the year, the offences covered and the counts, with no confidence interval, significance
test or rank among forces, and a group with fewer prosecutions than the catalogue's ``min_denominator``
(data_sources/indicators.yaml, ``conviction_ratio``) is "too few to compare". Expected values were read by
hand from ../shared/data/justice/prosecutions-and-convictions.csv and from the demo's own download.
"""

from __future__ import annotations

import re

import pytest

from tests.support.justice_tables import _table_rows, _text


#: Wordings of a rate comparison or a ranking, none of which may be put on the conviction ratio.
FORBIDDEN = ("times the rate", "significantly", "highest of", "lowest of", "95% CI", "Rank among forces")
RULE = ("The conviction ratio is not a rate: a year\u2019s convictions include cases prosecuted in earlier years, "
        "so it can exceed 100, and it is given without a confidence interval, a significance test or a rank "
        "among forces. A group with fewer than 50 prosecutions in the year is too few to compare")


def _block(page: str, heading_id: str) -> str:
    """The HTML under the heading with this id, up to the next heading of the same or a higher level."""
    found = re.search(rf'<h([1-6])[^>]*id="{heading_id}"[^>]*>', page)
    assert found, heading_id
    end = re.compile(rf"<h[1-{found[1]}]\b").search(page, found.end())
    return page[found.end():end.start() if end else None]


def _conviction_rows(block: str) -> dict[str, list[str]]:
    """The conviction-ratio table's rows by ethnic group (the table whose header names prosecutions)."""
    tables = re.findall(r"<table\b.*?</table>", block, flags=re.S)
    table = next(t for t in tables if "Convictions per 100 prosecutions" in t)
    return {row[0]: row for row in _table_rows(table)[1:] if row}


def _methods(page: str) -> str:
    return _text(_block(page, "data-gaps-and-methods"))


@pytest.mark.shared
def test_lancashire_conviction_ratio_is_described_with_year_offences_and_counts(real_reports):
    page, appendix = real_reports["E23000003"]
    block = _block(page, "conviction-ratio-by-ethnic-group")
    text, rows = _text(block), _conviction_rows(block)
    # prosecutions-and-convictions.csv line 2436: Lancashire 2017 Asian, value 104.2, denominator 142, numerator 148
    assert rows["Asian"][1:5] == ["148", "142", "104.2 per 100", "80.3 per 100"]
    # Beside White defendants' 86.3 (line 2603) in words, untested: the cell said only "compared below".
    assert rows["Asian"][-1] == "17.9 more per 100 (not tested)"
    # line 2561: Lancashire 2017 Other inc Chinese, 175, denominator 12, numerator 21 (more convictions than
    # prosecutions: the cohorts differ); line 45, England and Wales 2017 Other inc Chinese 81.1
    assert rows["Other inc Chinese"][1:] == ["21", "12", "175.0 per 100", "81.1 per 100", "too few to compare"]
    # lines 2478 and 2520: Black 22 of 28, Mixed 31 of 37, both under 50 prosecutions
    assert rows["Black"][-1] == rows["Mixed"][-1] == "too few to compare"
    # line 2603: White 2,309 of 2,675 (86.3), the reference
    assert rows["White"][1:] == ["2,309", "2,675", "86.3 per 100", "85.3 per 100", "reference"]
    assert "Year: 2017 (calendar year)." in text
    assert "Offences: indictable offences (indictable-only and either-way)" in text
    for wording in FORBIDDEN:
        assert wording not in text, wording
    # Only the Asian group (142 prosecutions) is set beside White defendants, in words without a judgement.
    assert "Asian defendants had 104.2 convictions per 100 prosecutions, against 86.3 for White defendants." in text
    assert "Too few to compare (fewer than 50 prosecutions): Black, Mixed, Other inc Chinese." in text
    assert "Other inc Chinese group had" not in text and "Black defendants had" not in text
    assert RULE in _methods(page)
    # No interval in the data workbook either.
    asian = [r for r in appendix if r["Indicator ID"] == "eff-conviction-ratio" and r["Area code"] == "E23000003"
             and r["Period"] == "2017" and r.get("Category") == "Asian"][0]
    assert (asian["Value"], asian["Count"], asian["Denominator"]) == (104.2, 148, 142)
    assert asian["Lower 95% CI"] is None and asian["Upper 95% CI"] is None


def test_demo_force_conviction_ratio_follows_the_same_rules(demo_reports):
    # prosecutions-and-convictions-demo.csv (written by `jsna demo`, seeded), 2024, Northmere and Port Alder
    # Police: White 6,080 convictions of 7,441 prosecutions (81.7); its Other inc Chinese group has under 50.
    page = next(demo_reports["E23999001"].glob("*.html")).read_text(encoding="utf-8")
    block = _block(page, "conviction-ratio-by-ethnic-group")
    text, rows = _text(block), _conviction_rows(block)
    assert rows["White"][1:4] == ["6,080", "7,441", "81.7 per 100"] and rows["White"][-1] == "reference"
    other = rows["Other inc Chinese"]
    assert int(other[2].replace(",", "")) < 50 and other[-1] == "too few to compare"
    assert re.fullmatch(r"\d+\.\d (more|fewer) per 100 \(not tested\)", rows["Asian"][-1]) and "Asian defendants had" in text
    assert "Year: 2024 (calendar year)." in text and "Offences: indictable offences" in text
    for wording in FORBIDDEN:
        assert wording not in text, wording
    assert "Other inc Chinese group had" not in text
    assert RULE in _methods(page)
