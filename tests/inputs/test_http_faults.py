"""Network faults on a loopback server: each ends within its budget as one line naming the URL.

The budgets are small here (a second or a few) so every case ends in seconds;
each test still bounds its time with a watchdog thread (60 s, the issue's
limit) rather than asserting a duration.
"""

from __future__ import annotations

import time

import pytest

from assessment.core.errors import SourceError
from assessment.inputs.network_budget import NetworkBudget
from assessment.inputs.http import get_text, session

from tests.support.replay_server import endless, gzip_bomb, short_body, silent_after_headers, trickle, unframed

from tests.support.time_limits import HANG_BOUND, TEST_BUDGET, within


GOOD_CSV = b"a,b\n1,2\n"


@pytest.fixture
def http(tmp_path):
    return session(budget=TEST_BUDGET, cache_name=str(tmp_path / "cache"))


def _fails(server, http, route, message, path="/data.csv", expect="csv"):
    server.routes[path] = route
    with pytest.raises(SourceError) as err:
        within(HANG_BOUND, lambda: get_text(server.url + path, expect=expect, http=http))
    text = str(err.value)
    assert text.startswith(f"{server.url}{path}: ") and "\n" not in text
    assert message in text, text
    return text


def test_a_trickling_server_is_cut_off_by_the_byte_rate_floor(server, http):
    # One byte a second resets every read timeout; only the rate floor stops it.
    text = _fails(server, http, lambda q: trickle(GOOD_CSV * 500, every=0.5), "bytes/s floor: cut off")
    assert "below the 200 bytes/s floor" in text


def test_a_steady_body_that_never_ends_meets_the_request_deadline(server, http):
    # 20 KB/s is well above the rate floor; with the size caps lifted only the deadline stops it.
    roomy = session(budget=TEST_BUDGET.with_(max_body_bytes=1 << 34, max_decoded_bytes=1 << 34, request_deadline=3))
    _fails(server, roomy, lambda q: endless(b"x" * 1024, every=0.05),
           "no complete answer within the 3 s deadline per request")


def test_a_body_larger_than_the_cap_is_cut_off(server, http):
    _fails(server, http, lambda q: endless(b"x" * 65536, every=0.001), "more than the 4 MB limit")


def test_a_declared_huge_body_is_refused_before_reading(server, http):
    _fails(server, http, lambda q: endless(b"x", every=10, declared=10 * 1024 ** 3),
           "the body is 10240 MB, more than the 4 MB limit")


def test_a_gzip_bomb_stops_at_the_decompressed_cap(server, http):
    bomb = gzip_bomb(inflated_megabytes=200)  # compressed once, not while the client waits
    _fails(server, http, lambda q: bomb,
           "inflates to more than 8 MB when decompressed (refused as a possible compression bomb)")


def test_a_short_body_is_retried_then_named(server, http):
    text = _fails(server, http, lambda q: short_body(GOOD_CSV, declared=100),
                  "the connection closed before the whole body arrived (8 of 100 bytes received)")
    assert server.count("/data.csv") == 1 + TEST_BUDGET.retries
    assert "Traceback" not in text


def test_silence_after_the_headers_is_a_read_timeout(server, http):
    _fails(server, http, lambda q: silent_after_headers(30), "the server went silent for 1.5 s while sending the body")


def test_no_answer_at_all_is_a_read_timeout_retried_within_the_deadline(server, http):
    _fails(server, http, lambda q: "sleep:30", "no answer within 1.5 s")
    assert server.count("/data.csv") == 1 + TEST_BUDGET.retries


def test_a_refused_connection_is_named(http):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/data.csv"
    with pytest.raises(SourceError, match=rf"^{url}: could not connect \(Connection refused\)$"):
        within(HANG_BOUND, lambda: get_text(url, http=http))


def test_retry_after_within_the_cap_is_honoured_and_429_retried(server, http):
    calls = []

    def route(q):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return 429, "text/plain", b"slow down", {"Retry-After": "1"}
        return 200, "text/csv", GOOD_CSV

    server.routes["/data.csv"] = route
    fetched = within(HANG_BOUND, lambda: get_text(server.url + "/data.csv", http=http))
    assert fetched.content == GOOD_CSV and len(calls) == 2
    assert calls[1] - calls[0] >= 0.9  # the server's wait was kept


def test_retry_after_beyond_the_cap_is_not_waited_for(server, http):
    _fails(server, http, lambda q: (503, "text/plain", b"maintenance", {"Retry-After": "100"}),
           "HTTP 503; the server asked to wait 100 s before retrying, longer than jsna waits (2 s)")
    assert server.count("/data.csv") == 1


def test_429_without_retry_after_is_retried_with_backoff(server, http):
    _fails(server, http, lambda q: (429, "text/plain", b"too many"), "HTTP 429 after 3 attempts")
    assert server.count("/data.csv") == 3


def test_the_whole_fetch_deadline_stops_a_slow_sequence(server, tmp_path):
    short = session(budget=TEST_BUDGET.with_(fetch_deadline=2.5), cache_name=str(tmp_path / "c"))
    server.routes["/data.csv"] = lambda q: (time.sleep(0.6), (200, "text/csv", GOOD_CSV))[1]

    def many():
        for n in range(50):
            get_text(f"{server.url}/data.csv?n={n}", http=short)

    with pytest.raises(SourceError, match="the whole fetch ran past its 2.5 s deadline"):
        within(HANG_BOUND, many)


def test_an_unframed_body_cut_short_is_caught_by_the_table_check(server, http):
    # No Content-Length: the network cannot tell; the completeness check of the snapshot does (see test_faults_fetch).
    server.routes["/data.csv"] = lambda q: unframed(GOOD_CSV)
    assert within(HANG_BOUND, lambda: get_text(server.url + "/data.csv", http=http)).content == GOOD_CSV


def test_production_budget_bounds_every_request():
    budget = NetworkBudget()
    # The longest one request can take: its deadline plus one read timeout (a read already waiting).
    assert budget.request_deadline + budget.read_timeout <= 20 * 60
    assert budget.retry_after_cap <= 60 and budget.min_bytes_per_second > 0
    assert budget.timeouts((10, 300), remaining=1000) == (10, budget.read_timeout)
