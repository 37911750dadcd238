"""DHSC's recorded FingertipsNext answers, replayed: the contract holds to what the server answers.

``../shared/data/fingertipsnext/`` holds answers DHSC's developers recorded from the
server at the definition's commit (PROVENANCE.md gives the request behind each). Where
they break the OpenAPI definition (``"benchmarkComparison": null`` on Persons points with
``inequalities=sex``), the tests hold to the server; the definition stays a check.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from assessment.core.errors import SourceError
from assessment.tidy.frame import KEY_COLUMNS
from assessment.sources.fingertips.api import IndicatorMeta
from assessment.sources.fingertips.next_api import FingertipsNextClient, parse_json
from assessment.sources.fingertips.repeats import check_repeats
from assessment.inputs.http import session

from tests.support.contracts.openapi import all_problems, definition_problems
from tests.support.fingertips_replay import contract_check

PLAIN = "test-indicators-benchmark-rag_expected-response.json"
BY_SEX = "test-indicators-benchmark-rag-sex_expected-response.json"
AREAS = "test-areas-multiple-areas-response.json"
#: Indicator 41101 as the recorded answers describe it (a percentage, lower is better, 95% overlap).
META = {"41101": IndicatorMeta("41101", "proportion", 100.0, "%", "low_is_good", "ci_overlap_95",
                               name="Emergency readmissions within 30 days of discharge from hospital",
                               ci_method="none")}


@pytest.fixture
def recorded(shared_data):
    folder = shared_data / "fingertipsnext"
    if not (folder / PLAIN).exists():
        pytest.skip("DHSC's recorded FingertipsNext answers are not in ../shared/data/fingertipsnext")
    return {name: (folder / name).read_bytes() for name in (PLAIN, BY_SEX, AREAS)}


@pytest.fixture
def london(recorded, server, tmp_path):
    """The two recorded answers for London, fetched by the client from the loopback server."""
    def data(q):
        return 200, "application/json", recorded[BY_SEX if q.get("inequalities") == ["sex"] else PLAIN]

    data.wants_lists = True
    server.routes[r"^/next/indicators/41101/data$"] = data
    server.check = contract_check
    client = FingertipsNextClient(server.url + "/next/", http=session(retries=0, cache_name=str(tmp_path / "c")))
    plain = client.data("41101", ["E12000007"], "region")[0]
    by_sex = client.data("41101", ["E12000007"], "region", inequalities=["sex"])[0]
    return {name: parse_json(fetched.text, url=fetched.url, metadata=META)
            for name, fetched in (("plain", plain), ("sex", by_sex))} | {"problems": server.problems}


@pytest.mark.shared
def test_the_recorded_answers_follow_the_server_and_the_definition_records_where_they_differ(recorded):
    assert all_problems("/indicators/41101/data", 200, recorded[PLAIN]) == []
    assert all_problems("/indicators/41101/data", 200, recorded[BY_SEX]) == []
    assert all_problems("/areas", 200, recorded[AREAS]) == []
    differ = definition_problems("/indicators/41101/data", 200, recorded[BY_SEX])
    assert len(differ) == 22 and all(p.endswith("benchmarkComparison: None is not of type 'object'") for p in differ)


def test_paths_no_controller_serves_are_held_to_404():
    assert all_problems("/indicators", 404, b"") == all_problems("/indicators/41101", 404, b"") == []
    assert all_problems("/indicators/41101", 200, b"{}") == [
        "server /indicators/{indicator_id} 200: no controller serves this path (404)"]


@pytest.mark.shared
def test_a_point_without_its_date_period_breaks_the_servers_contract(recorded):
    text = recorded[PLAIN].decode().replace('"datePeriod"', '"datePeriodX"', 1)
    assert any("healthData[0]: 'datePeriod' is missing" in p for p in all_problems("/indicators/41101/data", 200, text))


@pytest.mark.shared
def test_londons_recorded_series_comes_through_one_row_per_key(london):
    plain, by_sex = london["plain"], london["sex"]
    assert london["problems"] == []  # the replayed answers, checked as the server answers
    assert len(plain) == len(by_sex) == 33 and not plain.duplicated(KEY_COLUMNS).any()
    assert sorted(set(plain["sex"])) == ["Female", "Male", "Persons"] and plain["period"].nunique() == 11
    latest = plain.set_index(["sex", "period"]).loc[("Persons", "2023/24")]
    assert (latest["value"], latest["lower_ci_95"], latest["upper_ci_95"], latest["count"]) == (14.8, 14.8, 14.9, 111965)
    assert latest["published_comparison"] == "Similar"  # compared with England without inequalities
    # With inequalities=sex the server compares with London itself, or gives null: no England comparison.
    assert by_sex["published_comparison"].eq("").all()
    check_repeats(pd.concat([plain, by_sex], ignore_index=True))  # the same figures in both answers
    figures = ["value", "lower_ci_95", "upper_ci_95", "count"]
    pd.testing.assert_frame_equal(plain.sort_values(KEY_COLUMNS)[KEY_COLUMNS + figures].reset_index(drop=True),
                                  by_sex.sort_values(KEY_COLUMNS)[KEY_COLUMNS + figures].reset_index(drop=True))


@pytest.mark.shared
def test_two_answers_that_disagree_stop_naming_both_urls_and_the_key(london):
    plain, by_sex = london["plain"], london["sex"].copy()
    at = by_sex.index[(by_sex["sex"] == "Female") & (by_sex["period"] == "2013/14")][0]
    by_sex.loc[at, "value"] = 12.6
    with pytest.raises(SourceError) as err:
        check_repeats(pd.concat([plain, by_sex], ignore_index=True))
    message = str(err.value)
    assert re.search(r"/indicators/41101/data\?area_codes=E12000007&area_type=regions and "
                     r"\S+/indicators/41101/data\?area_codes=E12000007&area_type=regions&inequalities=sex "
                     r"disagree on 41101, E12000007, 2013/14, Female, All ages: value 12.5 and 12.6$", message)


def test_a_bundled_definition_that_drifts_from_the_split_one_is_checked_on_its_own(monkeypatch):
    """A body is checked once while both forms give it the same schema, and against each once they differ."""
    import copy

    from tests.support.contracts import openapi

    body = json.dumps({"areaHealthData": [{"areaCode": "E92000001", "indicatorSegments": [
        {"sex": {"value": "Persons", "isAggregate": True}, "age": {"value": "All ages", "isAggregate": True},
         "healthData": [{"value": "n/a", "datePeriod": {"type": "Calendar", "from": "2022-01-01",
                                                       "to": "2022-12-31"}}]}]}]})
    problem = "/indicators/{indicator_id}/data 200: $.areaHealthData[0].indicatorSegments[0].healthData[0].value: "
    assert [p for p in definition_problems("/indicators/90244/data", 200, body) if problem in p] == [
        f"swagger.yaml {problem}'n/a' is not of type 'number'", f"fingertipsAPI.yaml {problem}'n/a' is not of type 'number'"]
    bundled = openapi.ROOT / "fingertipsAPI.yaml"
    drifted = copy.deepcopy(openapi._load(bundled))
    drifted["components"]["schemas"]["HealthDataPoint"]["properties"]["value"]["type"] = "string"
    load = openapi._load
    monkeypatch.setattr(openapi, "_load", lambda path: drifted if path == bundled else load(path))
    for made in (openapi._validator, openapi._schema_text):
        made.cache_clear()
    try:
        assert [p for p in definition_problems("/indicators/90244/data", 200, body) if problem in p] == [
            f"swagger.yaml {problem}'n/a' is not of type 'number'"]
    finally:
        for made in (openapi._validator, openapi._schema_text):
            made.cache_clear()
