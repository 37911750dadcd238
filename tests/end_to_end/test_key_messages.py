"""Key messages of real and demo reports lead with the differences that matter and judge no small one."""

from __future__ import annotations

import html
import re

import pytest


# ------------------------------------------------------------------ real reports (../shared/data)
def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).replace("’", "'").split())


def _section(page: str, title: str) -> str:
    for heading in re.finditer(r"<h2[^>]*>(.*?)</h2>", page, flags=re.S):
        if _text(heading[1]) == title:
            end = page.find("<h2", heading.end())
            return page[heading.end():end if end > 0 else None]
    raise AssertionError(f"no section {title!r}")


def _key_messages(page: str) -> list[str]:
    return [_text(item) for item in re.findall(r"<li>(.*?)</li>", _section(page, "Summary and key messages"),
                                               flags=re.S)]


def _sentence(page: str, start: str) -> str:
    """A topic section's sentence on one indicator, up to its source."""
    text = _text(page)
    at = text.index(start)
    return text[at:text.index(" Source:", at)]


def _judged_sizes_are_not_small(messages: list[str]) -> None:
    """No message calls a difference under 10% of England's value better or worse."""
    for text in messages:
        found = re.search(r"is (\d+)% (?:above|below) England[^.]*?which is (?:better|worse)", text)
        assert not found or int(found[1]) >= 10, text
        assert not re.search(r"level with England[^.]*?which is (?:better|worse)", text), text


@pytest.mark.shared
def test_west_midlands_leads_with_robbery_and_does_not_call_all_crime_worse(real_reports):
    messages = _key_messages(real_reports["E23000014"][0])
    # shared/data/justice/pfatablesdec19.xlsx, sheet "Table P3", column O (Robbery): row 34 West Midlands
    # (E23000014) 3.0019 per 1,000, row 8 ENGLAND 1.5390: 1.95 times. Column F (total recorded crime excluding
    # fraud): row 34 89.0251, row 8 88.0157: 1.1% above England.
    assert "robbery offences" in messages[0].lower(), messages[0]
    assert "(3.0 per 1,000, 2019) is about twice England's rate (1.5 per 1,000)" in messages[0]
    crime = [i for i, m in enumerate(messages) if "police recorded crime (excluding fraud)" in m.lower()]
    assert all(i > 0 and "worse" not in messages[i] for i in crime), messages
    _judged_sizes_are_not_small(messages)
    topic = _sentence(real_reports["E23000014"][0],
                      "Police recorded crime (excluding fraud) per 1,000 population in West Midlands police force area")
    assert "(89.0 per 1,000, 2019)" in topic and re.search(r"is (1% above|level with) England", topic), topic
    assert "worse" not in topic and "small in practice" in topic
    # The table's "Compared with England" does not call it worse either.
    row = re.search(r"Police recorded crime \(excluding fraud\) per 1,000 population 2019 89\.0 per 1,000 .{0,200}?"
                    r"(Higher: small in practice|Worse|Better|Similar)", _text(real_reports["E23000014"][0]))
    assert row and row[1] == "Higher: small in practice", row and row[0]


@pytest.mark.shared
def test_lancashire_force_does_not_call_public_order_worse(real_reports):
    page = real_reports["E23000003"][0]
    # shared/data/justice/pfatablesdec19.xlsx, sheet "Table P3", column AD (Public order offences): row 17
    # Lancashire (E23000003) 7.5152 per 1,000, row 8 ENGLAND 7.1943: 4.5% above England.
    topic = _sentence(page, "Public order offences per 1,000 population in Lancashire police force area")
    assert "(7.5 per 1,000, 2019): this is 4% above England (7.2 per 1,000)" in topic, topic
    assert "worse" not in topic and "concern" not in topic and "small in practice" in topic
    messages = _key_messages(page)
    assert not [m for m in messages if "public order" in m.lower() and ("worse" in m or "concern" in m)]
    _judged_sizes_are_not_small(messages)
    # Every key message on a difference from England says how big it is.
    compared = [m for m in messages if "significantly" in m and "England" in m]
    assert compared and all(re.search(r"% (above|below) England|times England|England's rate|percentage point"
                                      r"|a third lower|level with England", m) for m in compared), compared


@pytest.mark.shared
def test_the_methods_section_states_the_rule(real_reports):
    methods = _text(_section(real_reports["E23000014"][0], "Data gaps and methods"))
    assert "less than 10% of England's value is small in practice" in methods
    assert "never called better, worse or a concern" in methods


# ------------------------------------------------------------------ the demo follows the same rules
@pytest.mark.slow
def test_demo_key_messages_say_how_big_and_judge_no_small_difference(demo_reports):
    for folder in demo_reports.values():
        page = next(folder.glob("*.html")).read_text(encoding="utf-8")
        messages = _key_messages(page)
        assert messages
        _judged_sizes_are_not_small(messages)
        assert "is small in practice" in _text(_section(page, "Data gaps and methods"))
