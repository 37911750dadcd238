"""What real reports and `jsna areas` call an area and a district: the words match what the thing is."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest

from assessment.cli import main
from assessment.report.titles import area_title


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
