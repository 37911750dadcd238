"""`jsna fetch` reads every Fingertips answer whole before it can reach a snapshot (snapshots/fetch_checks)."""

from __future__ import annotations

import json

import pytest

from assessment.core.errors import SourceError
from assessment.snapshots.fetch_checks import check_download
from assessment.sources.catalogue import load_catalogue
from assessment.sources.fingertips.api import Download

from tests.support.paths import FIXTURES

URL = "https://next.example/api/indicators/90244/data?area_codes=E10000007&area_type=counties"
META = load_catalogue().fingertips_meta()


def _answer(body: dict) -> Download:
    return Download("fingertips/next/90244/03-county.json", json.dumps(body).encode(), URL, "fingertips_next",
                    "90244-3", 4, False, "county", ("90244",))


def _counties() -> dict:
    return json.loads((FIXTURES / "fingertipsnext" / "90244-counties.json").read_text(encoding="utf-8"))


def test_a_fingertipsnext_answer_is_read_whole_and_not_framed(monkeypatch):
    """Framing is the build's (all answers at once): an answer that reads whole always frames (see read_answer)."""
    def framing(*args, **kwargs):
        raise AssertionError("the fetch framed an answer")

    monkeypatch.setattr("assessment.sources.fingertips.next_api.frame_answers", framing)
    assert check_download(_answer(_counties()), META) is None


def test_a_broken_fingertipsnext_answer_stops_the_fetch_naming_the_url_and_the_field():
    body = _counties()
    body["areaHealthData"][1]["indicatorSegments"][0]["healthData"][0]["lowerCi"] = "low"
    with pytest.raises(SourceError) as stopped:
        check_download(_answer(body), META)
    assert str(stopped.value) == (f"{URL}: areaHealthData[1].indicatorSegments[0].healthData[0].lowerCi: "
                                  "expected a number, got 'low'")
