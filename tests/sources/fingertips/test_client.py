"""The Fingertips client against a local server replaying the real formats, faults included."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from assessment.core.errors import SourceError
from assessment.sources.catalogue import load_catalogue
from assessment.sources.fingertips.client import REQUIRED_COLUMNS, FingertipsClient, IndicatorMeta, parse_csv
from assessment.inputs.http import StaleDataWarning, check_url, session


META = {"90244": IndicatorMeta("90244", "proportion", 100.0, "%", "high_is_good", "ci_overlap_95_998")}
HEADER = REQUIRED_COLUMNS[:9] + ["Time period"] + REQUIRED_COLUMNS[10:] + [
    "Recent Trend", "Compared to England value or percentiles",
    "Compared to Counties & UAs (from Apr 2023) value or percentiles", "Time period Sortable", "New data",
    "Compared to goal", "Time period range"]


def _csv(rows: list[list], header=HEADER) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _row(code, name, area_type, count, denominator, *, category_type="", category="", period="2022",
         note=""):
    value = "" if count is None else count / denominator * 100
    return ["90244", "Successful completion of drug treatment - opiate users", code, name, area_type, "Persons",
            "18+ yrs", category_type, category, period, value, "", "", "", "",
            "" if count is None else count, denominator, note, "", "", "", "20220000", "", "", "1y"]


GOOD = _csv([
    _row("E92000001", "England", "England", 5000, 100000),
    _row("E12000003", "Yorkshire and the Humber", "Regions", 500, 10000),
    _row("E08000035", "Leeds", "Districts & UAs (from Apr 2023)", 50, 1000),
    _row("E08000036", "Wakefield", "Districts & UAs (from Apr 2023)", None, 300,
         note="Value suppressed for disclosure control due to small count"),
    _row("E92000001", "England", "England", 400, 9000, category_type="LSOA11 deprivation deciles in England (IMD2019)",
         category="Most deprived decile (IMD2019)"),
])


@pytest.fixture
def client(server, tmp_path):
    http = session(retries=2, backoff=0.01, cache_name=str(tmp_path / "cache"))
    return FingertipsClient(base_url=server.url + "/api/", http=http, timeout=(2.0, 1.0))


def _serve_csv(server, body, status=200, ctype="text/csv"):
    server.routes["/api/all_data/csv/by_indicator_id"] = lambda q: (status, ctype, body.encode())


def test_good_export_parses_with_categories_kept_apart(client, server):
    _serve_csv(server, GOOD)
    (url, text), = client.data_csv(["90244"], 501)
    frame = parse_csv(text, url=url, metadata=META)
    main = frame[frame["category_type"] == ""]
    assert set(main["area_type"]) == {"england", "region", "lad"}
    assert len(frame[frame["category_type"] != ""]) == 1
    wakefield = frame.set_index("area_code").loc["E08000036"]
    assert bool(wakefield["suppressed"]) and pd.isna(wakefield["value"])
    assert frame["source_url"].str.contains("indicator_ids=90244").all()


def test_requests_are_batched_at_100_ids(client, server):
    _serve_csv(server, GOOD)
    batches = client.data_csv([str(i) for i in range(150)], 501)
    assert len(batches) == 2 and server.count("/api/all_data/csv/by_indicator_id") == 2
    sizes = [len(q["indicator_ids"].split(",")) for p, q in server.requests]
    assert sizes == [100, 50]


@pytest.mark.parametrize(("body", "status", "ctype", "message"), [
    ("", 200, "text/csv", "empty body where CSV was expected"),
    ("<!DOCTYPE html><html><body>Maintenance</body></html>", 200, "text/html", "got an HTML page where CSV"),
    ("server error", 500, "text/plain", "HTTP 500"),
])
def test_faults_give_one_line_errors_naming_the_url(client, server, body, status, ctype, message):
    _serve_csv(server, body, status, ctype)
    with pytest.raises(SourceError, match=message) as err:
        client.data_csv(["90244"], 501)
    assert "127.0.0.1" in str(err.value) and "indicator_ids=90244" in str(err.value)
    assert "\n" not in str(err.value)


def test_server_error_is_retried(client, server):
    _serve_csv(server, "boom", 500)
    with pytest.raises(SourceError):
        client.data_csv(["90244"], 501)
    assert server.count("/api/all_data/csv/by_indicator_id") == 3  # first try + 2 retries


def test_timeout_names_the_url(client, server):
    server.routes["/api/all_data/csv/by_indicator_id"] = lambda q: "sleep:2.5"
    with pytest.raises(SourceError, match=r"127\.0\.0\.1.*: no answer within 1 s"):
        client.data_csv(["90244"], 501)


def test_failure_falls_back_to_the_cached_copy_with_a_warning(client, server):
    _serve_csv(server, GOOD)
    (_, first), = client.data_csv(["90244"], 501)
    _serve_csv(server, "<html>down</html>", 503, "text/html")
    with pytest.warns(StaleDataWarning, match="using the cached copy"):
        (_, again), = client.data_csv(["90244"], 501)
    assert again == first


def test_truncated_csv_is_detected(client, server):
    _serve_csv(server, GOOD[: GOOD.index("Wakefield") + 20])
    (url, text), = client.data_csv(["90244"], 501)
    with pytest.raises(SourceError, match="truncated CSV"):
        parse_csv(text, url=url, metadata=META)


def test_renamed_column_is_named(client, server):
    _serve_csv(server, GOOD.replace("Lower CI 95.0 limit", "Lower CI 95% limit"))
    (url, text), = client.data_csv(["90244"], 501)
    with pytest.raises(SourceError, match=r"missing column\(s\) Lower CI 95\.0 limit \(unexpected column\(s\): Lower CI 95% limit\)"):
        parse_csv(text, url=url, metadata=META)


def test_optional_and_varying_columns_are_accepted():
    header = [c for c in HEADER if c != "Time period range"]
    header[header.index("Compared to Counties & UAs (from Apr 2023) value or percentiles")] = \
        "Compared to Region value or percentiles"
    text = _csv([r[:-1] for r in [_row("E92000001", "England", "England", 1, 10)]], header)
    assert len(parse_csv(text, url="x", metadata=META)) == 1


def test_area_type_is_chosen_from_available_data(client, server):
    server.routes["/api/available_data"] = lambda q: (200, "application/json", json.dumps(
        [{"IndicatorId": 90244, "AreaTypeId": 502}, {"IndicatorId": 90244, "AreaTypeId": 15}]).encode())
    assert client.choose_area_type("90244", "district") == 502
    server.routes["/api/available_data"] = lambda q: (200, "application/json", b"[]")
    with pytest.raises(SourceError, match="no district or county data"):
        client.choose_area_type("90244")


def test_published_names_and_phof_code_are_found(client, server):
    server.routes["/api/indicator_metadata/by_indicator_id"] = lambda q: (200, "application/json", json.dumps(
        {"90976": {"Descriptive": {"Name": "Something  else entirely"}}}).encode())
    assert client.published_names(["90976", "12345"]) == {"90976": "Something else entirely"}
    server.routes["/api/indicator_names/by_profile_id"] = lambda q: (200, "application/json", json.dumps([
        {"IndicatorId": 91976, "IndicatorName": "C20 - Adults with substance misuse treatment need who successfully "
                                               "engage in community-based structured treatment following release from prison"},
        {"IndicatorId": 90244, "IndicatorName": "C19a - Successful completion of drug treatment: opiate users"},
    ]).encode())
    assert client.find_indicator("C20") == [("91976", client.profile_indicator_names()["91976"])]
    assert [i for i, _ in client.find_indicator("release from prison")] == ["91976"]


def test_plain_http_is_refused_for_remote_hosts():
    with pytest.raises(SourceError, match="only https"):
        check_url("http://fingertips.phe.org.uk/api/available_data")
    assert check_url("http://127.0.0.1:8000/x")


@pytest.mark.shared
def test_real_fingertips_export_parses(shared_data):
    text = (shared_data / "fingertips/indicators-CountyUA.data.csv").read_text(encoding="utf-8")
    meta = {"93356": IndicatorMeta("93356", "crude rate", 100000.0, "per 100,000", "low_is_good", "ci_overlap_95")}
    frame = parse_csv(text, url="file:indicators-CountyUA.data.csv", metadata=meta)
    assert len(frame) == 852
    assert frame["indicator_name"].eq("Campylobacter incidence rate/100,000").all()  # embedded newline removed
    assert (frame["category_type"] != "").sum() == 60
    assert frame["period_start"].notna().all()


def test_catalogue_is_complete_and_honest():
    catalogue = load_catalogue()
    keys = set(catalogue.by_key)
    for needed in ("continuity_of_care", "drug_misuse_deaths", "treatment_completion_opiate",
                   "treatment_completion_non_opiate", "treatment_completion_alcohol", "homelessness_duty",
                   "first_time_entrants", "violence_admissions", "violence_offences", "reoffending_proportion",
                   "reoffending_frequency", "domestic_abuse", "self_harm_admissions", "suicide_rate",
                   "alcohol_admissions", "liver_disease_u75", "imd_score", "child_poverty", "employment_rate",
                   "neet", "fuel_poverty", "healthy_life_expectancy"):
        assert needed in keys
    c20 = catalogue.by_key["continuity_of_care"]
    assert (c20.phof_old, c20.phof_new) == ("2.16", "C20") and "3 weeks" in c20.definition
    assert all(e.checked_in for e in catalogue.entries if e.verified)


def test_cached_copy_is_revalidated_with_its_etag(client, server):
    def route(query, headers):
        if headers.get("If-None-Match") == '"v1"':
            return 304, "text/csv", b"", {"ETag": '"v1"'}
        return 200, "text/csv", GOOD.encode(), {"ETag": '"v1"'}

    route.wants_headers = True
    server.routes["/api/all_data/csv/by_indicator_id"] = route
    (_, first), = client.data_csv(["90244"], 501)
    (_, second), = client.data_csv(["90244"], 501)
    assert first == second == GOOD
    assert server.headers[-1].get("If-None-Match") == '"v1"'
