"""The justice publishers' entries find the current edition from the publisher's page data, replayed.

The Home Office collection below is built the way the GOV.UK Content API serves one (see
tests/test_publisher_releases.py). The bulletin titles are the Home Office's own (the year ending
March 2023 and March 2024 bulletin pages, as stored copies of gov.uk show them); the attachment
titles are illustrative, since no copy of the current attachment list could be checked offline.
"""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest

from assessment.sources.http import session
from assessment.sources.publisher_releases import find_release
from assessment.sources.publishers import load_publishers

from .replay_server import ReplayServer

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


def test_justice_entries_discover_releases_instead_of_pinning_old_files():
    publishers = load_publishers()
    for key in ("ho_arrests", "ons_pfa_crime", "ons_pfa_asb"):
        assert publishers[key].get("release") and not publishers[key].get("url"), key
    for key in ("ons_pfa_crime", "ons_pfa_asb"):
        assert publishers[key]["release"]["from"] == "ons_dataset"
        assert publishers[key]["publisher_page"].endswith("/crimeandjustice/datasets/policeforceareadatatables")
    # Ethnicity facts and figures has no release data; its `latest` download addresses serve the current edition.
    for key in ("eff_conviction_ratio", "eff_stop_search_by_area", "eff_stop_search_national"):
        assert "/latest/downloads/" in publishers[key]["url"], key
