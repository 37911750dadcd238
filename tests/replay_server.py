"""A small HTTP server on 127.0.0.1 that replays responses in the real formats, with faults on demand.

Routes map a path (without query) to a callable returning (status, content_type, body),
optionally with a fourth item of extra headers, or the string "sleep:<seconds>" to
simulate a timeout. Every request is recorded with its query and headers.

A route marked ``wants_lists = True`` gets every value of a repeated query parameter
(``area_codes=A&area_codes=B`` -> ``{"area_codes": ["A", "B"]}``), as OpenAPI's form
style sends arrays. ``check``, when set, is called with (path, query lists, status,
content type, body) for every answer and returns a list of problems, collected in
``problems`` (a contract test asserts it stays empty).
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


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
