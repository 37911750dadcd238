"""Key messages lead with the differences that matter, say how big they are, and never judge a small one.

Unit tests on small rows (the wording of ratios at their boundaries, the small-difference rule, the
order), then the real reports of ../shared/data (skipped cleanly without it), then the demo.
"""

from __future__ import annotations

import html
import re
import shutil

import pandas as pd
import pytest

from assessment.report.difference import is_small, size_words
from assessment.core.errors import InputError
from assessment.report.narrative import sentence
from assessment.core.paths import data_sources_dir
from assessment.registry.all_registries import registries
from assessment.report.sections.summary import matters, order


# ------------------------------------------------------------------ wording at the boundaries
@pytest.mark.parametrize("value,words", [
    (1.0, "level with England"),
    (1.004, "level with England"),
    (1.005, "1% above England"),               # half a per cent rounds up, not down to "level"
    (1.03, "3% above England"),
    (1.494, "49% above England"),
    (1.5, "about one and a half times England's rate"),
    (1.749, "about one and a half times England's rate"),
    (1.75, "about twice England's rate"),
    (1.95, "about twice England's rate"),      # robbery in West Midlands, 3.00 against 1.54
    (2.25, "about two and a half times England's rate"),
    (3.1, "about three times England's rate"),
    (12.6, "about 13 times England's rate"),
    (0.97, "3% below England"),
    (0.71, "29% below England"),
    (0.70, "about a third lower than England"),
    (0.64, "about a third lower than England"),
    (0.63, "37% below England"),
    (0.55, "45% below England"),
    (0.549, "about half England's rate"),
    (0.3, "about a third of England's rate"),
    (0.26, "about a quarter of England's rate"),
    (0.05, "less than a tenth of England's rate"),
])
def test_size_words_at_their_boundaries(value, words):
    assert size_words(value, 1.0, "crude rate") == words


def test_a_share_is_given_in_percentage_points_and_a_count_gets_no_ratio():
    assert size_words(42.0, 45.5, "proportion", 100) == "3.5 percentage points below England"
    assert size_words(46.5, 45.5, "proportion", 100) == "1 percentage point above England"
    assert size_words(91.0, 45.5, "proportion", 100) == "about twice England's figure"
    assert size_words(12, 10, "count") == "" and size_words(30.0, 20.0, "score") == ""
    assert size_words(8.0, float("nan"), "crude rate") == ""


# ------------------------------------------------------------------ the small-difference rule
@pytest.mark.parametrize("value,small", [(1.0, True), (1.094, True), (1.095, False), (0.906, True),
                                         (0.905, False), (2.0, False)])
def test_a_difference_under_a_tenth_of_england_is_small_in_practice(value, small):
    assert is_small(value, 1.0, "directly standardised rate") is small


def test_the_threshold_is_read_from_the_registry_not_code(tmp_path, monkeypatch):
    assert registries().difference.small == 0.10  # data_sources/key_messages.yaml small_difference
    folder = tmp_path / "data_sources"
    shutil.copytree(data_sources_dir(), folder)
    registry = folder / "key_messages.yaml"
    registry.write_text(registry.read_text().replace("small_difference: 0.10", "small_difference: 0.05"))
    monkeypatch.setenv("JSNA_DATA_SOURCES", str(folder))
    assert registries().difference.small == 0.05
    assert not is_small(1.07, 1.0, "crude rate") and is_small(1.04, 1.0, "crude rate")


def test_a_bad_threshold_is_one_line_naming_the_file(tmp_path, monkeypatch):
    folder = tmp_path / "data_sources"
    shutil.copytree(data_sources_dir(), folder)
    registry = folder / "key_messages.yaml"
    registry.write_text(registry.read_text().replace("small_difference: 0.10", "small_difference: 10"))
    monkeypatch.setenv("JSNA_DATA_SOURCES", str(folder))
    with pytest.raises(InputError, match=r"key_messages.yaml: small_difference '10' must be a share"):
        registries()


def _row(name, value, label, england=1.0, value_type="crude rate", rank=None, count=None):
    return pd.Series({"indicator_name": name, "value": value, "england_value": england, "england_comparison": label,
                      "value_type": value_type, "multiplier": 1000, "area_type": "pfa" if rank else "utla",
                      "force_rank": rank if rank else float("nan"), "force_count": count or float("nan")})


def test_relative_size_orders_worse_then_better_then_unjudged_and_small_differences_last():
    rows = [_row("all crime 1% above", 1.01, "Worse (99.8%)"), _row("robbery twice", 2.0, "Worse"),
            _row("burglary 30% above", 1.3, "Worse (99.8%)"), _row("drugs half", 0.5, "Better (99.8%)"),
            _row("arrests three times", 3.0, "Higher"), _row("similar", 1.2, "Similar"),
            _row("summed count", float("nan"), "Not compared")]
    ordered = [r["indicator_name"] for r in sorted(rows, key=order)]
    # Neither a small nor a not-significant difference is a finding: between them, size alone orders.
    assert ordered == ["robbery twice", "burglary 30% above", "drugs half", "arrests three times",
                       "similar", "all crime 1% above", "summed count"]
    assert not matters(rows[0]) and matters(rows[1]) and matters(rows[4]) and not matters(rows[5])


def test_rank_among_forces_orders_differences_of_about_the_same_size():
    middling = _row("middling rank", 1.52, "Worse", rank=20, count=41)
    extreme = _row("highest of 41", 1.50, "Worse", rank=1, count=41)
    bigger = _row("much bigger", 2.5, "Worse", rank=30, count=41)
    ordered = [r["indicator_name"] for r in sorted([middling, extreme, bigger], key=order)]
    assert ordered == ["much bigger", "highest of 41", "middling rank"]


def test_a_significant_but_small_difference_is_never_called_worse():
    row = {"indicator_name": "Public order offences", "area_name": "Lancashire police force area", "value": 7.515,
           "value_type": "crude rate", "multiplier": 1000, "period": "2019", "comparison": "Worse (99.8%)",
           "comparator_value": 7.194, "comparator_name": "England", "suppressed": False}
    text = sentence(row, escape=False)
    assert "4% above England (7.2 per 1,000)" in text and "small in practice" in text
    assert "worse" not in text.lower() and "concern" not in text.lower()
    assert "which is worse" in sentence({**row, "value": 14.4}, escape=False)  # about twice: judged


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
