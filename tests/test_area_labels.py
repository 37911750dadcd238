"""What a report calls an area, a district in a note, and a rank: the words match what the thing is.

A London borough and a metropolitan borough are not unitary authorities (the kind comes from the ONS
code prefix, in boundaries/levels.yaml); a council is named, not given as its code; the last of 42
forces is the "lowest of 42".
"""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
import yaml

from assessment.cli import main
from assessment.core.errors import InputError
from assessment.core.levels import LEVELS, LEVELS_PATH, parse_levels
from assessment.report.titles import area_title


@pytest.mark.parametrize("code,upper,kind", [("E09000022", True, "London borough"),
                                             ("E08000025", True, "metropolitan borough"),
                                             ("E06000009", True, "unitary authority"),
                                             ("E07000123", False, "local authority district"),
                                             ("E06999001", True, "unitary authority")])  # the demo's unitary
def test_a_districts_kind_comes_from_its_code_prefix(code, upper, kind):
    assert LEVELS["lad"].label_for(upper, code) == kind
    assert LEVELS["utla"].label_for(True, "E10000017") == "county council"


def test_a_label_for_a_prefix_the_level_does_not_have_is_refused():
    raw = yaml.safe_load(LEVELS_PATH.read_text(encoding="utf-8"))
    raw["levels"]["lad"]["label_by_prefix"]["E10"] = "county"
    with pytest.raises(InputError, match=r"level lad: label_by_prefix prefix 'E10' is not one of the level's"):
        parse_levels(raw, "levels.yaml")


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.shared
def test_real_areas_lists_london_and_metropolitan_boroughs_by_their_kind(real_bundle, capsys):
    assert main(["areas", "--bundle", str(real_bundle), "--csv", "--type", "lad"]) == 0
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert (rows["E09000022"]["name"], rows["E09000022"]["type"]) == ("Lambeth", "London borough")
    assert (rows["E08000025"]["name"], rows["E08000025"]["type"]) == ("Birmingham", "metropolitan borough")
    assert rows["E06000009"]["type"] == "unitary authority"
    assert area_title("Lambeth", rows["E09000022"]["type"]) == "Lambeth (London borough)"


@pytest.mark.shared
def test_real_force_report_names_councils_and_says_lowest(real_reports):
    page = _text(real_reports["E23000014"][0])
    # Solihull's Duty to Refer counts are suppressed in the MHCLG file, so the force's figure cannot be
    # rebuilt: the note names Solihull, not only its code.
    for found in re.finditer(r"E08000029", page):
        assert page[max(0, found.start() - 10):found.start()].rstrip(" (").endswith("Solihull"), \
            page[found.start() - 80:found.end() + 20]
    assert "suppressed or without counts: Solihull (E08000029)" in page
    for code in real_reports:
        text = _text(real_reports[code][0])
        assert not re.search(r"\b1st highest", text)
        for found in re.finditer(r"\b(\d+)(?:st|nd|rd|th) highest of (\d+)\b", text):
            assert found[1] != found[2], found[0]
    assert re.search(r"\blowest of \d+", page)
