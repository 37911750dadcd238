"""ONS's ArcGIS query, on a loopback server: pages until done, errors name the URL."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assessment.core.errors import SourceError
from assessment.geography.arcgis import query_attributes


# ------------------------------------------------------------------ ONS REST API
class _ArcGis(BaseHTTPRequestHandler):
    pages = {0: {"features": [{"attributes": {"LAD24CD": "E07999001", "LAD24NM": "A",
                                              "RGN24CD": "E12999001", "RGN24NM": "R"}}],
                 "exceededTransferLimit": True},
             1: {"features": [{"attributes": {"LAD24CD": "E07999002", "LAD24NM": "B",
                                              "RGN24CD": "E12999001", "RGN24NM": "R"}}]}}

    def do_GET(self):  # noqa: N802 - http.server API
        from urllib.parse import parse_qs, urlparse

        query = parse_qs(urlparse(self.path).query)
        if self.path.startswith("/error"):
            body = json.dumps({"error": {"code": 400, "message": "Invalid query"}}).encode()
        elif self.path.startswith("/html"):
            body = b"<!DOCTYPE html><html><body>Service unavailable</body></html>"
        else:
            body = json.dumps(self.pages[int(query["resultOffset"][0])]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html" if self.path.startswith("/html") else "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def arcgis_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ArcGis)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_arcgis_query_pages_until_done(arcgis_server):
    frame = query_attributes(f"{arcgis_server}/LAD24_RGN24_EN_LU/FeatureServer/0/query", page_size=1)
    assert frame["LAD24CD"].tolist() == ["E07999001", "E07999002"]


@pytest.mark.parametrize(("path", "message"), [("/error/query", "service error 400 Invalid query"),
                                               ("/html/query", "got an HTML page")])
def test_arcgis_errors_name_the_url(arcgis_server, path, message):
    with pytest.raises(SourceError, match=message) as err:
        query_attributes(arcgis_server + path)
    assert "127.0.0.1" in str(err.value)
