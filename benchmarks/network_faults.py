"""Benchmark: seconds for each network fault to end as a one-line error, against the budget's bound.

Runs every fault of the loopback fault server (tests/support/replay_server.py) through
:func:`assessment.inputs.http.get_text` with the small budget the tests use,
and in the same run a good download of the same size as the baseline. For
each fault it prints the seconds to fail, the bound the budget allows
(``bound_seconds``: the attempts, waits and timeouts the budget permits for
that fault), the ratio measured/bound (about 1 or less: the budget held), and what
the same fault would take at most under the default budget.

    python benchmarks/network_faults.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assessment.core.errors import SourceError  # noqa: E402
from assessment.inputs.network_budget import NetworkBudget  # noqa: E402
from assessment.inputs.http import get_text, session  # noqa: E402
from tests.support.replay_server import (ReplayServer, endless, gzip_bomb, short_body,  # noqa: E402
                                         silent_after_headers, trickle)
from tests.support.time_limits import TEST_BUDGET  # noqa: E402

BODY = b"a,b\n1,2\n" * 500


def _backoffs(budget: NetworkBudget) -> float:
    return sum(min(budget.backoff * 2 ** n, budget.retry_after_cap) for n in range(budget.retries))


def bound_seconds(fault: str, budget: NetworkBudget) -> float:
    """The longest the budget lets ``fault`` run (before the request deadline caps it)."""
    attempts = budget.retries + 1
    per_fault = {
        "no answer": attempts * budget.read_timeout + _backoffs(budget),
        "silent after headers": attempts * budget.read_timeout + _backoffs(budget),
        "trickle (1 byte / 0.5 s)": budget.rate_window + budget.read_timeout,
        "endless steady body": budget.request_deadline + budget.read_timeout,
        "short body": attempts * budget.read_timeout + _backoffs(budget),
        "gzip bomb (200 MB)": budget.request_deadline,
        "HTTP 503, Retry-After 100": budget.read_timeout,
        "HTTP 429 every time": attempts * budget.read_timeout + _backoffs(budget),
        "connection refused": attempts * budget.connect_timeout + _backoffs(budget),
    }[fault]
    return min(per_fault, budget.request_deadline + budget.read_timeout)


FAULTS = {
    "no answer": lambda q: "sleep:600",
    "silent after headers": lambda q: silent_after_headers(600),
    "trickle (1 byte / 0.5 s)": lambda q: trickle(BODY, every=0.5),
    "endless steady body": lambda q: endless(b"x" * 1024, every=0.05),
    "short body": lambda q: short_body(BODY[:100], declared=len(BODY)),
    "gzip bomb (200 MB)": (lambda bomb: lambda q: bomb)(gzip_bomb(200)),
    "HTTP 503, Retry-After 100": lambda q: (503, "text/plain", b"", {"Retry-After": "100"}),
    "HTTP 429 every time": lambda q: (429, "text/plain", b""),
}


def main() -> None:
    budget = TEST_BUDGET
    with ReplayServer() as server, tempfile.TemporaryDirectory() as cache:
        server.routes["/good.csv"] = lambda q: (200, "text/csv", BODY)
        http = session(budget=budget, cache_name=f"{cache}/c")
        started = time.perf_counter()
        get_text(server.url + "/good.csv", http=http)
        baseline = time.perf_counter() - started
        print(f"baseline: a good {len(BODY)} byte download took {baseline:.3f} s")
        print(f"{'fault':28} {'seconds':>8} {'bound':>7} {'ratio':>6} {'default budget bound':>21}  message")
        for name, route in [*FAULTS.items(), ("connection refused", None)]:
            steady = name == "endless steady body"
            used = budget.with_(max_body_bytes=1 << 34, max_decoded_bytes=1 << 34) if steady else budget
            http = session(budget=used, cache_name=f"{cache}/{len(name)}")
            url = "http://127.0.0.1:9/refused.csv" if route is None else f"{server.url}/{len(name)}.csv"
            if route is not None:
                server.routes[f"/{len(name)}.csv"] = route
            started = time.perf_counter()
            try:
                get_text(url, http=http)
                message = "no error!"
            except SourceError as exc:
                message = str(exc)[len(url) + 2:]
            seconds = time.perf_counter() - started
            bound = bound_seconds(name, used)
            print(f"{name:28} {seconds:8.2f} {bound:7.1f} {seconds / bound:6.2f} "
                  f"{bound_seconds(name, NetworkBudget()):19.0f} s  {message[:70]}")


if __name__ == "__main__":
    main()
