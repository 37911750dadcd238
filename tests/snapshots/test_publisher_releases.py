"""Publishers' current releases found from their own page data (GOV.UK Content API, ONS /data JSON), replayed."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlparse

import pytest
import yaml

from assessment.core.errors import SourceError
from assessment.inputs.http import session
from assessment.snapshots.publisher_releases import OFFICIAL_HOSTS, find_release
from assessment.sources.publishers import publishers_path
from assessment.snapshots.snapshot import build_frame, fetch_snapshot, open_snapshot


COLLECTION = "/government/collections/homelessness-statistics"
ASSETS = "/media/5f3a/Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods"
LANDING = "/peoplepopulationandcommunity/birthsdeathsandmarriages/deaths/datasets/drugmisusedeathsbylocalauthority"
CONTENT_ID = "5e8d1b2c-3f4a-4b5c-9d6e-7f8a9b0c1d2e"


def _publication(path, title, first, updated, attachments):
    """A GOV.UK Content API item of schema "publication", as www.gov.uk/api/content serves it."""
    return {"base_path": path, "content_id": CONTENT_ID, "document_type": "official_statistics",
            "schema_name": "publication", "locale": "en", "title": title, "description": "Statistics",
            "first_published_at": first, "public_updated_at": updated, "updated_at": updated,
            "details": {"body": "<p>Statistics</p>", "documents": [], "political": False,
                        "attachments": attachments}, "links": {}}


def _attachment(title, url, content_type, filename, number):
    return {"attachment_type": "file", "id": str(number), "title": title, "url": url,
            "content_type": content_type, "filename": filename, "file_size": 1779194}


def _govuk_routes(server, *, file_body=b"PK\x03\x04 detailed tables"):
    origin = server.url
    q4 = "/government/statistics/statutory-homelessness-in-england-october-to-december-2025"
    q3 = "/government/statistics/statutory-homelessness-in-england-july-to-september-2025"
    rough = "/government/statistics/rough-sleeping-snapshot-in-england-autumn-2024"
    collection = {"base_path": COLLECTION, "content_id": CONTENT_ID, "document_type": "document_collection",
                  "schema_name": "document_collection", "locale": "en", "title": "Homelessness statistics",
                  "public_updated_at": "2026-05-01T09:30:00.000+01:00",
                  "details": {"collection_groups": [{"title": "Statutory homelessness", "documents": [CONTENT_ID]}]},
                  "links": {"documents": [
                      # an older release corrected after the newest was published: updated later, first published earlier
                      {"title": "Statutory homelessness in England: July to September 2025", "base_path": q3,
                       "content_id": CONTENT_ID, "locale": "en", "public_updated_at": "2026-05-02T09:30:00.000+01:00",
                       "document_type": "official_statistics"},
                      {"title": "Statutory homelessness in England: October to December 2025", "base_path": q4,
                       "content_id": CONTENT_ID, "locale": "en", "public_updated_at": "2026-04-30T09:30:00.000+01:00",
                       "document_type": "official_statistics"},
                      {"title": "Rough sleeping snapshot in England: autumn 2024", "base_path": rough,
                       "content_id": CONTENT_ID, "locale": "en", "public_updated_at": "2025-02-27T09:30:00.000+00:00",
                       "document_type": "official_statistics"}]}}
    ods = "application/vnd.oasis.opendocument.spreadsheet"
    pages = {
        COLLECTION: collection,
        q4: _publication(q4, "Statutory homelessness in England: October to December 2025",
                         "2026-04-30T09:30:00.000+01:00", "2026-04-30T09:30:00.000+01:00", [
                             _attachment("Statutory homelessness in England: October to December 2025",
                                         f"{origin}/media/1/statutory_homelessness_release_Oct-Dec_2025.pdf",
                                         "application/pdf", "statutory_homelessness_release_Oct-Dec_2025.pdf", 1),
                             _attachment("Statutory homelessness: Detailed local authority-level tables: "
                                         "October to December 2025", f"{origin}{ASSETS}", ods,
                                         ASSETS.rsplit("/", 1)[1], 2)]),
        q3: _publication(q3, "Statutory homelessness in England: July to September 2025",
                         "2026-01-29T09:30:00.000+00:00", "2026-05-02T09:30:00.000+01:00", [
                             _attachment("Statutory homelessness: Detailed local authority-level tables: July to "
                                         "September 2025", f"{origin}/media/9/Detailed_LA_202509.ods", ods,
                                         "Detailed_LA_202509.ods", 3)]),
    }
    for path, body in pages.items():
        server.routes[f"/api/content{path}"] = (lambda b: lambda q: (200, "application/json", json.dumps(b).encode()))(body)
    server.routes[ASSETS] = lambda q: (200, "application/vnd.oasis.opendocument.spreadsheet", file_body,
                                       {"ETag": '"v1"', "Last-Modified": "Thu, 30 Apr 2026 08:30:00 GMT"})
    return pages


def _ons_routes(server):
    current, previous = f"{LANDING}/current", f"{LANDING}/2023registrations"
    landing = {"type": "dataset_landing_page", "uri": LANDING,
               "description": {"title": "Drug misuse deaths by local authority", "releaseDate": "2025-10-22T23:00:00.000Z"},
               "datasets": [{"uri": previous}, {"uri": current}], "relatedDatasets": [], "relatedDocuments": []}
    editions = {
        current: {"type": "dataset", "uri": current,
                  "description": {"title": "Drug misuse deaths by local authority", "edition": "2024 registrations",
                                  "releaseDate": "2025-10-22T23:00:00.000Z", "nextRelease": "October 2026"},
                  "downloads": [{"file": "2024registrations.xlsx"}], "supplementaryFiles": [],
                  "versions": [{"uri": f"{current}/previous/v1", "updateDate": "2025-11-05T09:30:00.000Z",
                                "correctionNotice": "Corrected a figure for Blackpool."}]},
        previous: {"type": "dataset", "uri": previous,
                   "description": {"title": "Drug misuse deaths by local authority", "edition": "2023 registrations",
                                   "releaseDate": "2024-10-16T23:00:00.000Z"},
                   "downloads": [{"file": "2023registrations.xlsx"}], "supplementaryFiles": [], "versions": []},
    }
    server.routes[f"{LANDING}/data"] = lambda q: (200, "application/json", json.dumps(landing).encode())
    for uri, body in editions.items():
        server.routes[f"{uri}/data"] = (lambda b: lambda q: (200, "application/json", json.dumps(b).encode()))(body)
    server.routes["/file"] = lambda q: (200, "application/vnd.ms-excel", f"workbook {q['uri']}".encode())


@pytest.fixture
def http(tmp_path):
    return session(retries=0, cache_name=str(tmp_path / "cache"))


def _homelessness(server):
    return {"module": "assessment.sources.mhclg_homelessness", "reader": "read", "licence": "OGL",
            "publisher_page": f"{server.url}{COLLECTION}",
            "release": {"from": "govuk_collection", "document": "^Statutory homelessness in England:",
                        "attachment": "detailed local authority|Detailed_LA", "formats": ["xlsx", "ods"]}}


def test_govuk_collection_gives_the_newest_release_and_its_detailed_tables(server, http):
    _govuk_routes(server)
    release = find_release("mhclg_homelessness", _homelessness(server), http=http)
    assert release.url == f"{server.url}{ASSETS}"  # not the corrected older release, not the PDF
    assert release.filename == "Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods"
    assert (release.edition, release.released[:10]) == ("October to December 2025", "2026-04-30")
    assert release.label == ("Statutory homelessness in England: October to December 2025 (released 2026-04-30)")


def test_govuk_publication_attachment_is_found_by_title(server, http):
    pages = _govuk_routes(server)
    path = next(p for p in pages if "july-to-september" in p)
    spec = {"publisher_page": f"{server.url}{path}",
            "release": {"from": "govuk_publication", "attachment": "^Statutory homelessness: Detailed local"}}
    assert find_release("x", spec, http=http).filename == "Detailed_LA_202509.ods"
    spec["release"]["attachment"] = "File 10: local authority district summaries"
    with pytest.raises(SourceError, match=r"no attachment matches 'File 10: local authority district summaries' "
                                          r"\(attachments: Statutory homelessness: Detailed local authority-level"):
        find_release("x", spec, http=http)


def test_ons_dataset_page_gives_the_latest_edition_and_its_download(server, http):
    _ons_routes(server)
    spec = {"publisher_page": f"{server.url}{LANDING}", "release": {"from": "ons_dataset", "file": r"\.xlsx$"}}
    release = find_release("ons_drug_deaths_la", spec, http=http)
    assert release.url == f"{server.url}/file?uri={LANDING}/current/2024registrations.xlsx"
    assert (release.edition, release.released[:10], release.updated[:10]) == ("2024 registrations", "2025-10-22",
                                                                               "2025-11-05")
    spec["release"]["file"] = r"\.csv$"
    with pytest.raises(SourceError, match=r"current/data: no download matches '\\.csv\$' \(downloads: 2024registrations.xlsx\)"):
        find_release("ons_drug_deaths_la", spec, http=http)


def test_a_page_answering_html_or_a_third_party_file_is_refused(server, http):
    server.routes[f"/api/content{COLLECTION}"] = lambda q: (200, "text/html", b"<!DOCTYPE html><html>GOV.UK</html>")
    with pytest.raises(SourceError, match="got an HTML page where JSON was expected"):
        find_release("mhclg_homelessness", _homelessness(server), http=http)
    spec = {"publisher_page": "https://raw.githubusercontent.com/someone/copy/main/Detailed_LA.xlsx",
            "release": {"from": "govuk_publication", "attachment": "x"}}
    with pytest.raises(SourceError, match=r"raw\.githubusercontent\.com/.* is not on a publisher's own site"):
        find_release("mhclg_homelessness", spec, http=http)


def test_the_registry_names_only_publishers_own_pages():
    publishers = yaml.safe_load(publishers_path().read_text())["publishers"]
    for key, spec in publishers.items():
        assert urlparse(spec["publisher_page"]).hostname in OFFICIAL_HOSTS, key
        assert "github" not in json.dumps(spec), key
        assert spec.get("release") or spec.get("url") or spec.get("import_only"), key
        if spec.get("release"):
            assert spec["release"]["from"] in ("govuk_collection", "govuk_publication", "ons_dataset"), key
        if spec.get("url"):
            assert urlparse(spec["url"]).hostname in OFFICIAL_HOSTS, key


def _fetch_publishers(root, server, http, publishers, **options):
    return fetch_snapshot(root, publishers=publishers, http=http, only=("publishers",),
                          today=options.pop("today", date(2026, 11, 22)), **options)


def test_fetch_records_the_release_and_reuses_an_unchanged_file_by_its_etag(server, http, tmp_path):
    _govuk_routes(server)
    publishers = {"mhclg_homelessness": _homelessness(server)}
    first = _fetch_publishers(tmp_path / "s", server, http, publishers)
    entry, = open_snapshot(first).files("publisher")
    assert entry["release"]["edition"] == "October to December 2025"
    assert entry["release"]["page"].endswith("statutory-homelessness-in-england-october-to-december-2025")
    assert entry["vintage"] == "Statutory homelessness in England: October to December 2025 (released 2026-04-30)"
    assert entry["validators"] == {"ETag": '"v1"', "Last-Modified": "Thu, 30 Apr 2026 08:30:00 GMT"}
    assert entry["path"] == "publishers/mhclg_homelessness/Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods"

    def unchanged(query, headers):
        if headers.get("If-None-Match") == '"v1"':
            return 304, "application/vnd.oasis.opendocument.spreadsheet", b"", {"ETag": '"v1"'}
        return 200, "application/vnd.oasis.opendocument.spreadsheet", b"changed", {"ETag": '"v2"'}

    unchanged.wants_headers = True
    server.routes[ASSETS] = unchanged
    second = _fetch_publishers(tmp_path / "s", server, http, publishers, since=first, today=date(2026, 12, 1))
    again, = open_snapshot(second).files("publisher")
    assert again["reused_from"] == "2026-11-22" and again["sha256"] == entry["sha256"]
    assert (second / again["path"]).read_bytes() == b"PK\x03\x04 detailed tables"
    assert server.headers[-1]["If-None-Match"] == '"v1"'


def test_only_publishers_carries_the_other_sources_over_from_the_earlier_snapshot(server, http, tmp_path):
    _govuk_routes(server)
    publishers = {"mhclg_homelessness": _homelessness(server)}
    earlier = tmp_path / "s" / "2026-11-01"
    earlier.mkdir(parents=True)
    (earlier / "geography").mkdir()
    (earlier / "geography" / "lad_utla.csv").write_text("lad_code,utla_code\nE06000001,E06000001\n")
    from assessment.core.atomic_files import sha256_of

    manifest = {"snapshot_date": "2026-11-01", "files": [{
        "path": "geography/lad_utla.csv", "kind": "lookup", "key": "lad_utla", "url": "https://ons.example/q",
        "retrieved_at": "2026-11-01T10:00:00+00:00", "sha256": sha256_of(earlier / "geography" / "lad_utla.csv"),
        "rows": 1, "vintage": "2024", "from_cache": False}]}
    (earlier / "manifest.json").write_text(json.dumps(manifest))
    root = _fetch_publishers(tmp_path / "s", server, http, publishers, since=earlier)
    files = open_snapshot(root).manifest["files"]
    carried = next(f for f in files if f["kind"] == "lookup")
    assert (carried["reused_from"], carried["retrieved_at"]) == ("2026-11-01", "2026-11-01T10:00:00+00:00")
    assert [f["kind"] for f in files].count("publisher") == 1


@pytest.mark.shared
def test_the_official_detailed_tables_found_on_govuk_build_into_the_frame(server, http, tmp_path, shared_data):
    """End to end: discovered on the (replayed) collection, downloaded, read by the publisher's reader."""
    xlsx = (shared_data / "homelessness/Statutory_Homelessness_Detailed_Local_Authority_Data_202512.xlsx").read_bytes()
    pages = _govuk_routes(server, file_body=xlsx)
    newest = next(p for p in pages if "october-to-december" in p)
    pages[newest]["details"]["attachments"][1].update(
        url=f"{server.url}{ASSETS[:-4]}.xlsx", filename="Statutory_Homelessness_Detailed_Local_Authority_Data_202512.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    server.routes[f"/api/content{newest}"] = lambda q: (200, "application/json", json.dumps(pages[newest]).encode())
    server.routes[ASSETS[:-4] + ".xlsx"] = lambda q: (200, "application/octet-stream", xlsx)
    publishers = {"mhclg_homelessness": _homelessness(server)}
    root = _fetch_publishers(tmp_path / "s", server, http, publishers)
    frame, meta = build_frame(root, publishers=publishers)
    england = frame[(frame["area_code"] == "E92000001") & (frame["indicator_id"] == "mhclg-owed-duty")].iloc[0]
    assert (england["period"], england["count"]) == ("2025/26 Q3", 76270)  # PROVENANCE.md: 76,270 owed a duty
    source, = meta["sources"]
    assert source["released"].startswith("2026-04-30") and source["url"].endswith("october-to-december-2025")


def test_since_reuses_a_pinned_geography_dataset_and_fetches_a_new_one(server, http, tmp_path):
    earlier = tmp_path / "s" / "2026-11-01"
    (earlier / "geography").mkdir(parents=True)
    (earlier / "geography" / "lad_utla.csv").write_text("lad_code,utla_code\nE06000001,E06000001\n")
    from assessment.core.atomic_files import sha256_of

    pinned = f"{server.url}/lad_utla/query"
    manifest = {"snapshot_date": "2026-11-01", "files": [{
        "path": "geography/lad_utla.csv", "kind": "lookup", "key": "lad_utla", "url": pinned,
        "retrieved_at": "2026-11-01T10:00:00+00:00", "sha256": sha256_of(earlier / "geography" / "lad_utla.csv"),
        "rows": 1, "vintage": "2024", "from_cache": False}]}
    (earlier / "manifest.json").write_text(json.dumps(manifest))
    features = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"LAD24CD": "E06000001"}, "geometry": None}]}
    server.routes["/lad_region/query"] = lambda q: (200, "application/json", json.dumps(
        {"features": [{"attributes": {"LAD24CD": "E06000001", "RGN24CD": "E12000001"}}]}).encode())
    server.routes["/lad/query"] = lambda q: (200, "application/geo+json", json.dumps(features).encode())
    root = fetch_snapshot(tmp_path / "s", publishers={}, http=http, only=("geography",), since=earlier,
                          geography_urls={"lad_utla": pinned, "lad_region": f"{server.url}/lad_region/query"},
                          boundary_url=f"{server.url}/lad/query", today=date(2026, 11, 22))
    files = {f["key"]: f for f in open_snapshot(root).manifest["files"]}
    assert files["lad_utla"]["reused_from"] == "2026-11-01" and "reused_from" not in files["lad_region"]
    assert server.count("/lad_utla/query") == 0 and server.count("/lad_region/query") >= 1
