"""The justice publishers' entries find the current edition from the publisher's page data, replayed.

The Home Office collection below is built the way the GOV.UK Content API serves one (see
tests/snapshots/test_publisher_releases.py). The bulletin titles are the Home Office's own (the year ending
March 2023 and March 2024 bulletin pages, as stored copies of gov.uk show them); the attachment
titles are illustrative, since no copy of the current attachment list could be checked offline.
"""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest

from assessment.inputs.http import session
from assessment.snapshots.publisher_releases import find_release
from assessment.sources.publishers import load_publishers

from tests.support.replay_server import ReplayServer

COLLECTION = "/government/collections/police-powers-and-procedures-england-and-wales"
ODS = "application/vnd.oasis.opendocument.spreadsheet"


def _item(path, title, first, attachments=()):
    return {"base_path": path, "title": title, "schema_name": "publication", "first_published_at": first,
            "public_updated_at": first, "details": {"attachments": list(attachments)}, "links": {}}


def _file(title, url, filename):
    return {"attachment_type": "file", "title": title, "url": url, "filename": filename, "content_type": ODS}


@pytest.fixture
def home_office(tmp_path):
    with ReplayServer() as server:
        origin = server.url
        y24 = "/government/statistics/stop-and-search-arrests-and-mental-health-detentions-march-2024"
        y23 = "/government/statistics/stop-and-search-and-arrests-year-ending-march-2023"
        pace = "/government/statistics/police-powers-and-procedures-other-pace-powers-march-2024"
        pages = {
            y24: _item(y24, "Police powers and procedures: Stop and search, arrests and mental health detentions, "
                            "England and Wales, year ending 31 March 2024", "2024-09-26T09:30:00.000+01:00", [
                _file("Stop and search summary tables: year ending March 2024", f"{origin}/media/1/ss-mar24.ods",
                      "stop-search-summary-tables-mar24.ods"),
                _file("Arrests open data tables: year ending March 2024", f"{origin}/media/2/arrests-open.ods",
                      "arrests-open-data-tables-mar24.ods"),
                _file("Arrests summary tables: year ending March 2024", f"{origin}/media/3/arrests-mar24.ods",
                      "arrests-summary-tables-mar24.ods")]),
            y23: _item(y23, "Police powers and procedures: Stop and search and arrests, England and Wales, year "
                            "ending 31 March 2023 (second edition)", "2023-09-26T09:30:00.000+01:00", [
                _file("Arrests summary tables: year ending March 2023", f"{origin}/media/4/arrests-mar23.ods",
                      "arrests-summary-tables-mar23.ods")]),
            # published later than the arrests bulletin, with arrest-like attachments: must not be taken
            pace: _item(pace, "Police powers and procedures: other PACE powers, England and Wales, year ending "
                              "31 March 2024", "2024-11-28T09:30:00.000+00:00", [
                _file("Other PACE powers tables, including arrests under warrant", f"{origin}/media/5/pace.ods",
                      "other-pace-powers-tables-mar24.ods")]),
        }
        collection = {"base_path": COLLECTION, "title": "Police powers and procedures England and Wales",
                      "links": {"documents": [{"title": page["title"], "base_path": path,
                                               "public_updated_at": page["public_updated_at"]}
                                              for path, page in pages.items()]}}
        for path, body in {COLLECTION: collection, **pages}.items():
            server.routes[f"/api/content{path}"] = (
                lambda b: lambda q: (200, "application/json", json.dumps(b).encode()))(body)
        yield server, session(retries=0, cache_name=str(tmp_path / "cache"))


def test_arrests_entry_takes_the_newest_bulletins_arrests_summary_tables(home_office):
    server, http = home_office
    spec = dict(load_publishers()["ho_arrests"])
    assert urlparse(spec["publisher_page"]).path == COLLECTION
    spec["publisher_page"] = f"{server.url}{COLLECTION}"
    release = find_release("ho_arrests", spec, http=http)
    assert release.filename == "arrests-summary-tables-mar24.ods"  # not the open data tables, not other PACE powers
    assert release.edition.startswith("Stop and search, arrests and mental health detentions")


#: The ONS police force area data tables: an older edition listed first, the newest second, as the page lists them.
PFA_EDITIONS = {
    "yearendingmarch2024": ("Year ending March 2024", "2024-07-24T06:00:00.000Z", "pfatablesyearendingmarch2024.xlsx"),
    "yearendingjune2025": ("Year ending June 2025", "2025-10-23T06:00:00.000Z", "pfatablesyearendingjune2025.xlsx"),
}


@pytest.fixture
def ons_police_force_tables(tmp_path):
    """The ONS dataset page of the police force area tables, at the registry's own path, with two editions."""
    landing = urlparse(load_publishers()["ons_pfa_crime"]["publisher_page"]).path
    with ReplayServer() as server:
        uris = {name: f"{landing}/{name}" for name in PFA_EDITIONS}
        page = {"type": "dataset_landing_page", "uri": landing,
                "description": {"title": "Police force area data tables"},
                "datasets": [{"uri": uri} for uri in uris.values()]}
        server.routes[f"{landing}/data"] = lambda q: (200, "application/json", json.dumps(page).encode())
        for name, (edition, released, filename) in PFA_EDITIONS.items():
            body = {"type": "dataset", "uri": uris[name],
                    "description": {"title": "Police force area data tables", "edition": edition,
                                    "releaseDate": released},
                    "downloads": [{"file": filename.replace(".xlsx", ".csv")}, {"file": filename}], "versions": []}
            server.routes[f"{uris[name]}/data"] = (lambda b: lambda q: (200, "application/json", json.dumps(b).encode()))(body)
        yield server, landing, session(retries=0, cache_name=str(tmp_path / "cache"))


def test_justice_entries_discover_releases_instead_of_pinning_old_files(ons_police_force_tables):
    server, landing, http = ons_police_force_tables
    publishers = load_publishers()
    for key in ("ho_arrests", "ons_pfa_crime", "ons_pfa_asb"):
        assert publishers[key].get("release") and not publishers[key].get("url"), key
    # Each ONS entry, pointed at the replayed page, finds the newest edition's workbook (the Home Office
    # entry is followed through its collection in the test above).
    for key in ("ons_pfa_crime", "ons_pfa_asb"):
        assert urlparse(publishers[key]["publisher_page"]).path == landing, key
        spec = {**publishers[key], "publisher_page": server.url + landing}
        release = find_release(key, spec, http=http)
        assert release.filename == "pfatablesyearendingjune2025.xlsx", key
        assert release.url == f"{server.url}/file?uri={landing}/yearendingjune2025/pfatablesyearendingjune2025.xlsx"
        assert (release.edition, release.released[:10]) == ("Year ending June 2025", "2025-10-23"), key
    assert f"{landing}/yearendingmarch2024/data" in [p for p, _ in server.queries]  # the editions were compared
    # Ethnicity facts and figures has no release data; its `latest` download addresses serve the current edition.
    for key in ("eff_conviction_ratio", "eff_stop_search_by_area", "eff_stop_search_national"):
        assert "/latest/downloads/" in publishers[key]["url"], key
