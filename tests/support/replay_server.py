"""A small HTTP server on 127.0.0.1 that replays responses in the real formats, with faults on demand.

Routes map a path (without query) to a callable returning (status, content_type, body),
optionally with a fourth item of extra headers, or the string "sleep:<seconds>" to
simulate a timeout, or a :class:`Raw` writer that talks to the socket itself (the
network faults below: trickles, short bodies, compression bombs, endless bodies).
Every request is recorded with its query and headers.

A route marked ``wants_lists = True`` gets every value of a repeated query parameter
(``area_codes=A&area_codes=B`` -> ``{"area_codes": ["A", "B"]}``), as OpenAPI's form
style sends arrays. ``check``, when set, is called with (path, query lists, status,
content type, body) for every answer and returns a list of problems, collected in
``problems`` (a contract test asserts it stays empty).
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Raw:
    """A response written by ``write(handler)`` directly: headers, bytes and timing as a fault needs."""

    def __init__(self, write):
        self.write = write


def _headers(handler, status=200, ctype="text/csv", **headers):
    handler.send_response(status)
    handler.send_header("Content-Type", ctype)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), str(value))
    handler.end_headers()


def trickle(body: bytes, every: float) -> Raw:
    """Send a correct Content-Length, then one byte every ``every`` seconds (each resets a read timeout)."""
    def write(handler):
        _headers(handler, Content_Length=len(body))
        for byte in body:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(every)
    return Raw(write)


def short_body(body: bytes, declared: int) -> Raw:
    """Promise ``declared`` bytes, send ``body`` (fewer), close: what a dropped connection looks like."""
    def write(handler):
        _headers(handler, Content_Length=declared)
        handler.wfile.write(body)
        handler.close_connection = True
    return Raw(write)


def unframed(body: bytes, ctype="text/csv") -> Raw:
    """No Content-Length and no chunking: the body ends when the connection closes (any cut goes unnoticed)."""
    def write(handler):
        _headers(handler, ctype=ctype, Connection="close")
        handler.wfile.write(body)
        handler.close_connection = True
    return Raw(write)


def gzip_bomb(inflated_megabytes: int) -> Raw:
    """A small gzip body that inflates to ``inflated_megabytes`` MB of zeros."""
    packed = gzip.compress(b"\0" * (inflated_megabytes * 1024 * 1024), compresslevel=9)

    def write(handler):
        _headers(handler, Content_Length=len(packed), Content_Encoding="gzip")
        handler.wfile.write(packed)
    return Raw(write)


def endless(piece: bytes, every: float, declared: int | None = None) -> Raw:
    """Send ``piece`` every ``every`` seconds for ever (fast enough for any rate floor, never finished)."""
    def write(handler):
        if declared is None:
            _headers(handler, Connection="close")
        else:
            _headers(handler, Content_Length=declared)
        while True:
            handler.wfile.write(piece)
            handler.wfile.flush()
            time.sleep(every)
    return Raw(write)


def silent_after_headers(seconds: float) -> Raw:
    """Headers, then nothing for ``seconds``."""
    def write(handler):
        _headers(handler, Content_Length=100)
        handler.wfile.flush()
        time.sleep(seconds)
    return Raw(write)


class ReplayServer:
    def __init__(self):
        self.routes: dict = {}
        self.requests: list[tuple[str, dict]] = []
        self.headers: list[dict] = []
        self.queries: list[tuple[str, dict[str, list[str]]]] = []
        self.check = None
        self.problems: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server API
                parsed = urlparse(self.path)
                lists = parse_qs(parsed.query)
                query = {k: v[0] for k, v in lists.items()}
                owner.requests.append((parsed.path, query))
                owner.queries.append((parsed.path, lists))
                owner.headers.append(dict(self.headers))
                route = owner.routes.get(parsed.path) or owner._pattern_route(parsed.path)
                extra = {}
                if route is None:
                    status, ctype, body = 404, "text/plain", b"not found"
                else:
                    given = lists if getattr(route, "wants_lists", False) else query
                    if getattr(route, "wants_path", False):
                        result = route(parsed.path, given)
                    elif getattr(route, "wants_headers", False):
                        result = route(given, dict(self.headers))
                    else:
                        result = route(given)
                    if isinstance(result, Raw):
                        try:
                            result.write(self)
                        except (BrokenPipeError, ConnectionResetError):
                            pass
                        return
                    if isinstance(result, str) and result.startswith("sleep:"):
                        time.sleep(float(result.split(":")[1]))
                        status, ctype, body = 200, "text/csv", b"late"
                    else:
                        status, ctype, body, *rest = result
                        extra = rest[0] if rest else {}
                if owner.check is not None:
                    owner.problems.extend(owner.check(parsed.path, lists, status, ctype, body))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def count(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


    def _pattern_route(self, path: str):
        """A route registered with a regular expression (a key starting with ``^``)."""
        import re

        for key, route in self.routes.items():
            if key.startswith("^") and re.fullmatch(key, path):
                return route
        return None


def serve_demo_sources(server: ReplayServer, demo_sources: dict, catalogue) -> dict:
    """Routes serving the demo data as Fingertips, a publisher and the ONS services do; fetch_snapshot's kwargs.

    As on Fingertips, district indicators are also published for counties (502); county ones only there.
    """
    import pandas as pd

    export = pd.read_csv(demo_sources["fingertips"], dtype=str)
    kinds = {e.frame_id: ([502] if e.area_type == "county" else [501, 502]) for e in catalogue.fingertips()}
    labels = {"501": "Districts", "502": "Counties"}
    server.routes["/api/available_data"] = lambda q: (200, "application/json", json.dumps(
        [{"IndicatorId": int(q["indicator_id"]), "AreaTypeId": t} for t in kinds[q["indicator_id"]]]).encode())
    server.routes["/api/indicator_metadata/by_indicator_id"] = lambda q: (200, "application/json", json.dumps(
        {i: {"Descriptive": {"Name": catalogue.fingertips_meta()[i].name}}
         for i in q["indicator_ids"].split(",")}).encode())

    def data(q):
        rows = export[export["Indicator ID"].isin(q["indicator_ids"].split(","))]
        # Each area type's export repeats the unitaries, regions and England.
        rows = rows[rows["Area Type"].str.startswith(labels[q["child_area_type_id"]])
                    | rows["Area Code"].str.match(r"E06|E12|E92")]
        return 200, "text/csv", rows.to_csv(index=False).encode()

    def arcgis(csv_path):
        table = pd.read_csv(csv_path, dtype=str, encoding="utf-8-sig")
        features = [{"attributes": row} for row in table.to_dict("records")]
        return lambda q: (200, "application/json", json.dumps({"features": features}).encode())

    server.routes["/api/all_data/csv/by_indicator_id"] = data
    server.routes["/pub/mye.csv"] = lambda q: (200, "text/csv", demo_sources["population"].read_bytes())
    for role in ("lad_csp_pfa", "lad_utla", "lad_region"):
        server.routes[f"/{role}/query"] = arcgis(demo_sources[f"lookup_{role}"])
    server.routes["/lad/query"] = lambda q: (200, "application/geo+json", demo_sources["boundaries_lad"].read_bytes())
    publishers = {"ons_population": {"module": "assessment.sources.ons_population", "reader": "read",
                                     "url": f"{server.url}/pub/mye.csv", "filename": "mye_2023.csv",
                                     "vintage": "mid-2023", "licence": "Open Government Licence v3.0"}}
    return {"catalogue": catalogue, "publishers": publishers,
            "geography_urls": {r: f"{server.url}/{r}/query" for r in ("lad_csp_pfa", "lad_utla", "lad_region")},
            "boundary_url": f"{server.url}/lad/query"}
