"""Network budgets: no download can hang, flood memory or retry for ever.

Every request made through :func:`assessment.inputs.http.session` goes through
a :class:`BudgetAdapter`, which reads the whole body itself, in small pieces,
under a :class:`NetworkBudget`:

- connect and read timeouts (the longest silence while connecting or reading);
- a deadline per request (all its attempts and waits) and one for the whole
  fetch (every request of the session, counted from the session's creation);
- retries of connection failures, timeouts, short bodies and HTTP 429/5xx with
  exponential backoff, honouring ``Retry-After`` up to a cap (a server asking
  for a longer wait gets no retry: the error says so) and never sleeping past
  a deadline;
- a byte-rate floor: a server trickling bytes slower than the floor over a
  window is cut off (each trickle would otherwise reset the read timeout);
- caps on the body as sent and as decompressed (a gzip bomb stops at the cap,
  not at the end of memory), and a compressed body must reach the end of its
  stream (a truncated gzip body is a fault, not a shorter answer).

A fault is a :class:`NetworkFault` whose message is one line naming the URL.

>>> budget = NetworkBudget(read_timeout=2, request_deadline=10)
>>> budget.timeouts((10, 300), remaining=5.0)
(5.0, 2)
>>> retry_after_seconds({"Retry-After": "7"}), retry_after_seconds({})
(7.0, None)
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CHUNK = 64 * 1024
MB = 1024 * 1024


@dataclass(frozen=True)
class NetworkBudget:
    """How long and how much one download may take (tests pass small values)."""

    connect_timeout: float = 15.0          # seconds to open a connection
    read_timeout: float = 120.0            # longest silence (Fingertips can take a minute to start an export)
    request_deadline: float = 600.0        # one request: every attempt, wait and byte
    fetch_deadline: float = 2 * 3600.0     # every request of one session (one `jsna fetch`)
    retries: int = 3                       # further attempts after the first
    backoff: float = 2.0                   # first wait between attempts; doubles each time
    retry_after_cap: float = 60.0          # longest Retry-After honoured
    min_bytes_per_second: float = 2048.0   # byte-rate floor ...
    rate_window: float = 60.0              # ... measured over this many seconds
    max_body_bytes: int = 512 * MB         # as sent (Content-Length or counted)
    max_decoded_bytes: int = 512 * MB      # after gzip/deflate/br decoding

    def with_(self, **changes) -> NetworkBudget:
        """A copy with some settings changed."""
        return replace(self, **changes)

    def timeouts(self, requested, remaining: float) -> tuple[float, float]:
        """(connect, read) timeouts: the caller's, capped by the budget and the time left."""
        if requested is None:
            requested = (self.connect_timeout, self.read_timeout)
        elif not isinstance(requested, tuple):
            requested = (requested, requested)
        connect, read = (min(v, cap) if v is not None else cap
                         for v, cap in zip(requested, (self.connect_timeout, self.read_timeout)))
        return min(connect, remaining), min(read, remaining)


class NetworkFault(requests.exceptions.RequestException):
    """A download failed or broke its budget; ``str()`` is one line naming the URL.

    ``transient`` faults (a dropped connection, a timeout, a short body) are
    worth another attempt; a broken budget or a bad body is not.
    """

    def __init__(self, url: str, reason: str, *, transient: bool = False):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.transient = url, reason, transient


def retry_after_seconds(headers) -> float | None:
    """The wait a ``Retry-After`` header asks for (seconds or an HTTP date), if any."""
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _connection_reason(exc: Exception, timeouts: tuple[float, float]) -> tuple[str, bool]:
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS problem (the certificate could not be verified)", False
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"no connection within {timeouts[0]:.3g} s", True
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return f"no answer within {timeouts[1]:.3g} s", True
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", str(exc))
    detail = found.group(1).strip() if found else type(exc).__name__
    return f"could not connect ({detail})", True


def _stream_unfinished(raw) -> bool:
    """Whether a gzip or deflate body ended before its compressed stream did (a truncated stream).

    urllib3 hands out what it could inflate and says nothing; its decoder's
    zlib object knows whether the stream's end was reached. A decoder without
    that attribute (brotli, a future urllib3) is not checked.
    """
    inflater = getattr(getattr(raw, "_decoder", None), "_obj", None)
    reached_end = getattr(inflater, "eof", None)
    return isinstance(reached_end, bool) and not reached_end


class BudgetAdapter(HTTPAdapter):
    """An HTTP adapter that retries, times and reads every response under a :class:`NetworkBudget`."""

    def __init__(self, budget: NetworkBudget):
        super().__init__(max_retries=0)  # retries are ours: deadline-aware, Retry-After capped
        self.budget = budget
        self.fetch_until = time.monotonic() + budget.fetch_deadline

    # -- the request, attempt by attempt
    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        budget, url = self.budget, request.url
        until = min(time.monotonic() + budget.request_deadline, self.fetch_until)
        attempt = 0
        while True:
            attempt += 1
            timeouts = budget.timeouts(timeout, self._remaining(url, until))
            try:
                response = super().send(request, stream=True, timeout=timeouts, verify=verify, cert=cert,
                                        proxies=proxies)
            except NetworkFault:
                raise
            except requests.exceptions.RequestException as exc:
                if isinstance(exc, requests.exceptions.Timeout) and time.monotonic() >= until - 0.05:
                    raise NetworkFault(url, self._deadline_reason(until)) from None  # the timeout was the time left
                reason, transient = _connection_reason(exc, timeouts)
                wait = self._retry_wait(attempt, None, until) if transient else None
                if wait is None:
                    raise NetworkFault(url, reason, transient=transient) from None
                time.sleep(wait)
                continue
            if response.status_code in RETRY_STATUSES:
                asked = retry_after_seconds(response.headers)
                wait = self._retry_wait(attempt, asked, until) if asked is None or asked <= budget.retry_after_cap \
                    else None  # a longer wait than we allow: no retry, the caller reports the status
                if wait is not None:
                    response.close()
                    time.sleep(wait)
                    continue
            try:
                self._read_body(response, url, until, timeouts[1])
            except NetworkFault as fault:
                response.close()
                wait = self._retry_wait(attempt, None, until) if fault.transient else None
                if wait is None:
                    raise
                time.sleep(wait)
                continue
            response.attempts = attempt
            return response

    def _remaining(self, url: str, until: float) -> float:
        remaining = until - time.monotonic()
        if remaining <= 0:
            raise NetworkFault(url, self._deadline_reason(until))
        return remaining

    def _deadline_reason(self, until: float) -> str:
        if until >= self.fetch_until:
            return f"the whole fetch ran past its {self.budget.fetch_deadline:g} s deadline"
        return f"no complete answer within the {self.budget.request_deadline:g} s deadline per request"

    def _retry_wait(self, attempt: int, asked: float | None, until: float) -> float | None:
        """Seconds to wait before another attempt, or None when attempts or time have run out."""
        if attempt > self.budget.retries:
            return None
        wait = asked if asked is not None else self.budget.backoff * 2 ** (attempt - 1)
        wait = min(wait, self.budget.retry_after_cap)
        return wait if time.monotonic() + wait < until else None

    # -- the body, piece by piece
    def _read_body(self, response, url: str, until: float, read_timeout: float) -> None:
        budget = self.budget
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > budget.max_body_bytes:
            raise NetworkFault(url, f"the body is {int(declared) / MB:.0f} MB, more than the "
                                    f"{budget.max_body_bytes / MB:g} MB limit")
        raw = response.raw
        pieces, decoded = [], 0
        window_started, window_bytes = time.monotonic(), 0
        while True:
            try:
                piece = raw.read1(CHUNK, decode_content=True)
            except ReadTimeoutError:
                if time.monotonic() >= until - 0.05:
                    raise NetworkFault(url, f"{self._deadline_reason(until)} ({raw.tell()} bytes received)") from None
                raise NetworkFault(url, f"the server went silent for {read_timeout:.3g} s while sending "
                                        f"the body ({raw.tell()} bytes received)", transient=True) from None
            except ProtocolError:
                expected = f" of {declared}" if declared else ""
                raise NetworkFault(url, f"the connection closed before the whole body arrived ({raw.tell()}"
                                        f"{expected} bytes received)", transient=True) from None
            except DecodeError:
                raise NetworkFault(url, "the body could not be decompressed "
                                        f"(Content-Encoding: {response.headers.get('Content-Encoding', '?')})") from None
            if not piece:
                break
            pieces.append(piece)
            decoded += len(piece)
            if decoded > budget.max_decoded_bytes:
                raise NetworkFault(url, f"the body inflates to more than {budget.max_decoded_bytes / MB:g} MB "
                                        "when decompressed (refused as a possible compression bomb)")
            if raw.tell() > budget.max_body_bytes:
                raise NetworkFault(url, f"the body is more than the {budget.max_body_bytes / MB:g} MB limit")
            now = time.monotonic()
            if now >= until:
                raise NetworkFault(url, f"{self._deadline_reason(until)} ({raw.tell()} bytes received)")
            if now - window_started >= budget.rate_window:
                rate = (raw.tell() - window_bytes) / (now - window_started)
                if rate < budget.min_bytes_per_second:
                    raise NetworkFault(url, f"the server sent {rate:.1f} bytes/s over {now - window_started:.0f} s, "
                                            f"below the {budget.min_bytes_per_second:g} bytes/s floor: cut off")
                window_started, window_bytes = now, raw.tell()
        if raw.tell() and _stream_unfinished(raw):
            raise NetworkFault(url, f"the compressed body stops before the end of its stream ({raw.tell()} bytes "
                                    f"received; Content-Encoding: {response.headers.get('Content-Encoding', '?')})",
                               transient=True)
        response._content = b"".join(pieces)
        response._content_consumed = True
        response.raw.release_conn()
