"""A small HTTP server on 127.0.0.1 that replays responses in the real formats, with faults on demand.

Routes map a path (without query) to a callable returning (status, content_type, body),
optionally with a fourth item of extra headers, or the string "sleep:<seconds>" to
simulate a timeout. Every request is recorded with its query and headers.
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
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server API
                parsed = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                owner.requests.append((parsed.path, query))
                owner.headers.append(dict(self.headers))
                route = owner.routes.get(parsed.path)
                extra = {}
                if route is None:
                    status, ctype, body = 404, "text/plain", b"not found"
                else:
                    result = route(query, dict(self.headers)) if getattr(route, "wants_headers", False) else route(query)
                    if isinstance(result, str) and result.startswith("sleep:"):
                        time.sleep(float(result.split(":")[1]))
                        status, ctype, body = 200, "text/csv", b"late"
                    else:
                        status, ctype, body, *rest = result
                        extra = rest[0] if rest else {}
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
