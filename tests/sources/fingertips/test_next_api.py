"""FingertipsNext: contract tests against its OpenAPI definition, its JSON read into the tidy frame, faults."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from assessment.core.errors import SourceError
from assessment.sources.catalogue import load_catalogue
from assessment.sources.fingertips.client import parse_csv
from assessment.sources.fingertips.backends import choose_backend
from assessment.sources.fingertips.next_api import MAX_AREA_CODES, MAX_YEARS, FingertipsNextClient, parse_json, period_label
from assessment.inputs.http import session
from assessment.inputs.periods import parse_period
from assessment.stats.compare import compare_to
from assessment.stats.trend import recent_trend

from tests.support.contracts.openapi import all_problems, parameter_limit
from tests.support.paths import FIXTURES as SHARED_FIXTURES

FIXTURES = SHARED_FIXTURES / "fingertipsnext"
BODIES = ("england", "regions", "counties")
DATA_URL = "https://next.example/api/indicators/90244/data?area_codes=E10000007&area_type=counties"
PROVENANCE = ["source_url", "retrieved_at", "vintage"]
META = load_catalogue().fingertips_meta()


def _body(name: str) -> str:
    return (FIXTURES / f"90244-{name}.json").read_text(encoding="utf-8")


def _read(name: str) -> pd.DataFrame:
    url = DATA_URL + ("&inequalities=sex&inequalities=deprivation" if "breakdown" in name else "")
    return parse_json(_body(name), url=url, metadata=META)


@pytest.fixture
def client(server, tmp_path):
    http = session(retries=2, backoff=0.01, cache_name=str(tmp_path / "cache"))
    return FingertipsNextClient(server.url + "/next/", http=http, timeout=(2.0, 2.0))


def test_client_keeps_to_the_definitions_limits():
    assert (MAX_AREA_CODES, MAX_YEARS) == (parameter_limit("area_codes"), parameter_limit("years")) == (300, 20)
    assert parameter_limit("area_codes", "fingertipsAPI.yaml") == 300


@pytest.mark.parametrize("name", BODIES)
def test_recorded_answers_follow_the_definition(name):
    assert all_problems("/indicators/90244/data", 200, _body(name)) == []


def test_an_answer_edited_to_break_the_definition_fails_naming_the_field():
    body = json.loads(_body("counties"))
    body["areaHealthData"][0]["indicatorSegments"][0]["healthData"][1]["value"] = "n/a"
    del body["areaHealthData"][1]["indicatorSegments"][0]["healthData"][0]["datePeriod"]["to"]
    text = json.dumps(body)
    problems = all_problems("/indicators/90244/data", 200, text)
    assert ("swagger.yaml /indicators/{indicator_id}/data 200: "
            "$.areaHealthData[0].indicatorSegments[0].healthData[1].value: 'n/a' is not of type 'number'") in problems
    assert any("$.areaHealthData[1].indicatorSegments[0].healthData[0].datePeriod: 'to' is a required property" in p
               for p in problems)
    assert any(p.startswith("fingertipsAPI.yaml") for p in problems)  # the bundled copy says the same
    with pytest.raises(SourceError, match=r"areaHealthData\[0\]\.indicatorSegments\[0\]\.healthData\[1\]\.value: "
                                          r"expected a number, got 'n/a'") as err:
        parse_json(text, url=DATA_URL, metadata=META)
    assert str(err.value).startswith(DATA_URL) and "\n" not in str(err.value)


def test_recorded_answers_give_the_legacy_exports_rows():
    legacy = parse_csv((FIXTURES / "90244-legacy.csv").read_text(encoding="utf-8"), url="legacy", metadata=META)
    nxt = pd.concat([_read(n) for n in BODIES], ignore_index=True)
    # FingertipsNext holds no row without a value: the suppressed Middlesbrough row is the legacy export's only.
    assert legacy.loc[legacy["suppressed"], "area_code"].tolist() == ["E06000002"]
    assert "E06000002" not in set(nxt["area_code"])
    key = ["area_code", "period", "sex", "age", "category_type", "category"]
    legacy = legacy[~legacy["suppressed"]].sort_values(key).reset_index(drop=True)
    nxt = nxt.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(legacy.drop(columns=PROVENANCE), nxt.drop(columns=PROVENANCE),
                                  check_exact=False, rtol=1e-9)
    # denominators and 99.8% limits were derived (FingertipsNext publishes neither), a zero count included
    scilly = nxt.set_index("area_code").loc["E06000053"]
    assert (scilly["count"], scilly["denominator"], round(scilly["upper_ci_998"], 6)) == (0, 12, 44.314345)
    assert nxt.set_index("area_code").loc["E10000007"].set_index("period").loc["2022/23", "published_comparison"] == "Better"


def test_englands_one_answer_gives_its_sexes_and_deciles_in_the_legacy_words():
    rows = _read("england")
    assert sorted(zip(rows["period"], rows["sex"], rows["category"])) == [
        ("2021/22", "Persons", ""), ("2022/23", "Female", ""), ("2022/23", "Male", ""), ("2022/23", "Persons", ""),
        ("2022/23", "Persons", "Most deprived decile (IMD2019)")]
    assert set(rows["category_type"]) == {"", "District & UA deprivation deciles in England (IMD2019, 4/23 geography)"}
    assert rows["published_comparison"].eq("").all()  # England is compared with nothing


def test_deciles_from_a_legacy_export_and_from_fingertipsnext_join_in_compare_and_trend():
    legacy = parse_csv((FIXTURES / "90244-legacy.csv").read_text(encoding="utf-8"), url="legacy", metadata=META)
    legacy = legacy[legacy["category"] != ""]
    body = json.loads(_body("england"))
    decile = body["areaHealthData"][0]["indicatorSegments"][2]["healthData"][2]
    assert decile["deprivation"]["type"].startswith("Districts and Unitary Authorities deprivation deciles: Apr 2023")
    # the same decile a year later, and for a region in the same year (the rows a compare or trend must join)
    later = {**decile, "datePeriod": {"type": "Financial", "from": "2023-04-01", "to": "2024-03-31"}}
    region = {"areaCode": "E12000003", "areaName": "Yorkshire and the Humber",
              "indicatorSegments": [{**body["areaHealthData"][0]["indicatorSegments"][2], "healthData": [decile]}]}
    body["areaHealthData"][0]["indicatorSegments"][2]["healthData"] = [later]
    body["areaHealthData"].append(region)
    nxt = parse_json(json.dumps(body), url=DATA_URL, metadata=META)
    frame = pd.concat([legacy, nxt[nxt["category"] != ""]], ignore_index=True)
    compared = compare_to(frame, "E92000001").set_index(["area_code", "period"])
    assert compared.loc[("E12000003", "2022/23"), "comparator_value"] == legacy["value"].iloc[0]
    series = recent_trend(frame[frame["area_code"] == "E92000001"])
    assert len(series) == 1 and series["period"].iloc[0] == "2023/24"  # one series over both sources


def test_a_category_type_the_registry_does_not_know_stops_naming_the_field():
    body = json.loads(_body("england"))
    body["areaHealthData"][0]["indicatorSegments"][2]["healthData"][2]["deprivation"]["type"] = "Wards by colour"
    with pytest.raises(SourceError, match=r"healthData\[2\]\.deprivation\.type: FingertipsNext category types "
                                          r"'Wards by colour' is not in .*fingertips_vocabulary\.yaml"):
        parse_json(json.dumps(body), url=DATA_URL, metadata=META)


def test_a_date_period_that_is_not_dates_stops_naming_the_url_and_the_field():
    body = json.loads(_body("england"))
    body["areaHealthData"][0]["indicatorSegments"][2]["healthData"][2]["datePeriod"]["from"] = "20x1-01-01"
    with pytest.raises(SourceError) as stopped:
        parse_json(json.dumps(body), url=DATA_URL, metadata=META)
    assert str(stopped.value).startswith(f"{DATA_URL}: areaHealthData[0].indicatorSegments[2].healthData[2].datePeriod: "
                                         "from '20x1-01-01' to ") and str(stopped.value).endswith("is not a pair of dates")


@pytest.mark.parametrize(("kind", "start", "end", "label"), [
    ("Calendar", "2022-01-01", "2022-12-31", "2022"),
    ("Calendar", "2019-01-01", "2021-12-31", "2019 - 21"),
    ("Financial", "2022-04-01", "2023-03-31", "2022/23"),
    ("FinancialMultiYear", "2018-04-01", "2021-03-31", "2018/19 - 20/21"),
    ("Academic", "2022-09-01", "2023-08-31", "2022/23"),
    ("Financial", "2022-01-01", "2022-03-31", "2021/22 Q4"),
    ("Calendar", "2023-04-01", "2023-06-30", "2023 Q2"),
    ("FinancialYearEndPoint", "2024-03-31", "2024-03-31", "2023/24"),
])
def test_periods_are_labelled_as_fingertips_labels_them(kind, start, end, label):
    assert period_label(kind, start, end) == label
    if kind in ("Calendar", "Financial", "FinancialMultiYear") and "Q" not in label:
        assert tuple(t.strftime("%Y-%m-%d") for t in parse_period(label)) == (start, end)


def _empty(path, lists):
    codes = lists.get("area_codes", [])
    body = {"indicatorId": 90244, "name": "x", "polarity": "HighIsGood", "benchmarkMethod": "Quintiles",
            "areaHealthData": [{"areaCode": c, "areaName": c, "indicatorSegments": []} for c in codes]}
    return 200, "application/json", json.dumps(body).encode()


_empty.wants_path = _empty.wants_lists = True


def test_requests_are_batched_within_the_limits(client, server):
    server.routes[r"^/next/indicators/\d+/data$"] = _empty
    server.check = lambda path, lists, status, ctype, body: all_problems(path[len("/next"):], status, body)
    codes = [f"E07{i:06d}" for i in range(650)]
    client.data("90244", codes, "district")
    sizes = [len(q["area_codes"]) for p, q in server.queries]
    assert sizes == [300, 300, 50]
    server.queries.clear()
    client.data("90244", codes[:10], "district", years=list(range(1980, 2025)))
    assert [len(q["years"]) for p, q in server.queries] == [20, 20, 5]
    assert all(q["area_type"] == ["districts-and-unitary-authorities"] for p, q in server.queries)
    assert server.problems == []


@pytest.mark.parametrize(("status", "ctype", "body", "headers", "message"), [
    (500, "application/json", b'{"message": "boom"}', {}, r"HTTP 500"),
    (429, "application/json", b'{"message": "slow down"}', {"Retry-After": "1"}, r"HTTP 429"),
    (200, "text/html", b"<!DOCTYPE html><html><body>Service unavailable</body></html>", {},
     "got an HTML page where JSON was expected"),
    (200, "application/json", b'{"areaHealthData": [', {}, r"invalid JSON"),
    (400, "application/json", json.dumps({"message": "Too many values supplied for parameter area_codes. "
                                                     "The maximum is 300 but 301 supplied."}).encode(), {},
     r"HTTP 400: Too many values supplied for parameter area_codes\. The maximum is 300 but 301 supplied\."),
])
def test_faults_give_one_line_errors_naming_the_url(client, server, status, ctype, body, headers, message):
    server.routes[r"^/next/indicators/\d+/data$"] = lambda q: (status, ctype, body, headers)
    server.check = lambda path, lists, status, ctype, body: (
        all_problems(path[len("/next"):], status, body) if status in (400, 500) else [])
    with pytest.raises(SourceError, match=message) as err:
        client.data("90244", ["E10000007"], "county")
    text = str(err.value)
    assert "127.0.0.1" in text and "/indicators/90244/data" in text and "\n" not in text
    assert server.problems == []  # the error bodies replayed follow the definition too


def test_server_errors_are_retried(client, server):
    server.routes[r"^/next/indicators/\d+/data$"] = lambda q: (500, "application/json", b'{"message": "boom"}')
    with pytest.raises(SourceError):
        client.data("90244", ["E10000007"], "county")
    assert len(server.requests) == 3  # first try + 2 retries


def test_a_schema_breaking_answer_stops_the_build_naming_the_field(client, server):
    body = json.loads(_body("counties"))
    body["areaHealthData"][0]["indicatorSegments"][0]["healthData"][0]["deprivation"] = "Persons"
    server.routes[r"^/next/indicators/\d+/data$"] = lambda q: (200, "application/json", json.dumps(body).encode())
    fetched = client.data("90244", ["E10000007"], "county")[0]
    with pytest.raises(SourceError, match=r"indicatorSegments\[0\]\.healthData\[0\]\.deprivation: expected an object"):
        parse_json(fetched.text, url=fetched.url, metadata=META)


def test_unknown_indicator_is_not_in_the_published_names(client, server):
    server.routes[r"^/next/indicators/\d+/data$"] = lambda q: (404, "application/json", b"")
    assert client.published_names(["12345"]) == {}


def test_auto_takes_fingertipsnext_when_it_answers_else_the_legacy_api(server, tmp_path):
    http = session(retries=0, cache_name=str(tmp_path / "cache"))
    urls = {"legacy_url": server.url + "/api/", "next_url": server.url + "/next/", "http": http}
    server.routes["/api/area_types"] = lambda q: (200, "application/json", b'[{"Id": 501}]')
    server.routes["/next/healthcheck"] = lambda q: (200, "application/json", b'{"status": "Healthy"}')
    assert choose_backend("auto", **urls).name == "next"
    server.routes["/next/healthcheck"] = lambda q: (500, "application/json",
                                                    b'{"status": "Unhealthy", "message": "down"}')
    assert choose_backend("auto", **urls).name == "legacy"
    assert choose_backend("auto", legacy_url=urls["legacy_url"], next_url=None, http=http).name == "legacy"
    server.routes["/api/area_types"] = lambda q: (503, "text/html", b"<html>maintenance</html>")
    with pytest.raises(SourceError, match=r"no Fingertips API answers \(next: .*healthcheck: HTTP 500.*; "
                                          r"legacy: .*area_types: HTTP 503"):
        choose_backend("auto", **urls)
    assert choose_backend("legacy", **urls).name == "legacy"  # an explicit choice is not health-checked


def test_null_numbers_from_the_server_are_read_as_missing():
    """The C# server writes null for a missing count (the definition says number): read as missing."""
    body = json.loads(_body("regions"))
    body["areaHealthData"][0]["indicatorSegments"][0]["healthData"][0]["count"] = None
    body["benchmarkMethod"] = "CIOverlappingReferenceValue998"  # the C# enum's spelling
    frame = parse_json(json.dumps(body), url=DATA_URL, metadata=META)
    assert np.isnan(frame["count"][0]) and np.isnan(frame["denominator"][0]) and frame["value"][0] > 19


def _without_latest_persons_point(body: dict) -> dict:
    """England's answer with the Persons series' 2022/23 point taken out, and its trend stated on 2021/22."""
    persons = body["areaHealthData"][0]["indicatorSegments"][2]
    earlier, latest, decile = persons["healthData"]
    persons["healthData"] = [{**earlier, "trend": latest["trend"]}, decile]
    return body


def test_answers_framed_together_give_each_answers_own_frame():
    """One frame for many answers is the answers' own frames one after another, provenance and trends included."""
    from assessment.sources.fingertips.next_api import frame_answers, read_answer

    shorter = _without_latest_persons_point(json.loads(_body("england")))
    empty = {**json.loads(_body("regions")), "areaHealthData": []}
    other = {**json.loads(_body("counties")), "indicatorId": 92432}  # its own value type, multiplier and CI method
    answers = [(_body("england"), DATA_URL, pd.Timestamp("2026-11-22 09:30", tz="UTC").to_pydatetime(), "first"),
               (json.dumps(empty), DATA_URL + "&empty", None, ""),
               (json.dumps(shorter), DATA_URL + "&again", pd.Timestamp("2026-11-23").to_pydatetime(), "second"),
               (json.dumps(other), DATA_URL.replace("90244", "92432"), pd.Timestamp("2026-11-24").to_pydatetime(),
                "third")]
    together = frame_answers([read_answer(text, url=url, metadata=META, retrieved_at=at, vintage=vintage)
                              for text, url, at, vintage in answers])
    alone = pd.concat([parse_json(text, url=url, metadata=META, retrieved_at=at, vintage=vintage)
                       for text, url, at, vintage in answers], ignore_index=True)
    pd.testing.assert_frame_equal(together, alone, check_exact=True)
    # England's Persons series is in two answers: the shorter one's trend stays on its own latest period.
    persons = together[together["area_code"].eq("E92000001") & together["sex"].eq("Persons")
                       & together["category"].eq("")]
    assert persons[["vintage", "period", "published_trend"]].values.tolist() == [
        ["first", "2021/22", ""], ["first", "2022/23", "Increasing and getting better"],
        ["second", "2021/22", "Increasing and getting better"]]
    assert set(together.loc[together["indicator_id"].eq("92432"), "value_type"]) == {"directly standardised rate"}


def test_dates_written_in_the_basic_iso_form_give_the_same_rows():
    """20220401 is the ISO date 2022-04-01: an answer mixing both forms reads as one written in either."""
    body = json.loads(_body("england"))
    for point in body["areaHealthData"][0]["indicatorSegments"][2]["healthData"][:2]:
        period = point["datePeriod"]
        period["from"], period["to"] = period["from"].replace("-", ""), period["to"].replace("-", "")
    mixed = parse_json(json.dumps(body), url=DATA_URL, metadata=META)
    pd.testing.assert_frame_equal(mixed.drop(columns="retrieved_at"), _read("england").drop(columns="retrieved_at"))


def test_a_date_a_frame_cannot_hold_stops_naming_the_url_and_the_field():
    body = json.loads(_body("england"))
    body["areaHealthData"][0]["indicatorSegments"][2]["healthData"][1]["datePeriod"].update(
        {"from": "3000-04-01", "to": "3001-03-31"})  # a typo for 2000/01: a traceback while framing, before
    with pytest.raises(SourceError) as stopped:
        parse_json(json.dumps(body), url=DATA_URL, metadata=META)
    assert str(stopped.value) == (f"{DATA_URL}: areaHealthData[0].indicatorSegments[2].healthData[1].datePeriod: "
                                  "from '3000-04-01' to '3001-03-31' is outside the dates a tidy frame can hold "
                                  "(1677-09-22 to 2262-04-11)")
