"""One HTTP session for every remote source: https, timeouts, retries, an on-disk cache.

- https only (plain http is allowed for loopback hosts, so tests can replay
  responses from a local server), for every redirect too: a redirect to plain
  http is refused before it is followed, and a body's URL is the one it finally
  came from; TLS verification is never turned off;
- network budgets (:mod:`assessment.inputs.network_budget`): connect and read
  timeouts, a deadline per request and per fetch, retries of 429/5xx and
  dropped connections with a capped ``Retry-After``, a byte-rate floor, and
  caps on the body's size as sent and decompressed;
- a requests-cache SQLite cache under :func:`assessment.core.paths.cache_dir` that
  revalidates with ETag / Last-Modified and, when the source fails, serves the
  cached copy with a visible warning.

>>> check_url("http://fingertips.phe.org.uk/api/")
Traceback (most recent call last):
...
assessment.core.errors.SourceError: http://fingertips.phe.org.uk/api/: only https URLs are allowed for remote sources
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlparse

import requests

from ..core.errors import SourceError
from ..core.atomic_files import looks_like_html
from ..core.paths import cache_dir
from .network_budget import BudgetAdapter, NetworkBudget, retry_after_seconds

TIMEOUT = (10.0, 120.0)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
USER_AGENT = "jsna-justice/0.1 (+https://github.com/jsna-justice)"


class StaleDataWarning(UserWarning):
    """A source failed and a cached copy was used instead."""


class HTTPStatusError(SourceError):
    """The server answered with an error status (kept in ``status``, e.g. 404 for an unknown id)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status  # None when re-raised with more context (e.g. by SnapshotWriter)


def _server_message(response) -> str:
    """A JSON error body's ``message`` (FingertipsNext's 400s say which limit was passed), shortened."""
    try:
        body = response.json()
    except ValueError:
        return ""
    message = body.get("message") if isinstance(body, dict) else None
    return f": {' '.join(str(message).split())[:200]}" if message else ""


def check_url(url: str) -> str:
    """Refuse plain http except on loopback (tests)."""
    parsed = urlparse(url)
    if parsed.scheme == "https" or (parsed.scheme == "http" and parsed.hostname in LOOPBACK):
        return url
    raise SourceError(f"{url}: only https URLs are allowed for remote sources")


def _refuse_insecure_redirect(response, *args, **kwargs):
    """A response hook: a redirect may only lead where :func:`check_url` allows (checked before it is followed)."""
    if response.is_redirect:
        target = urljoin(response.url, response.headers.get("Location", ""))
        try:
            check_url(target)
        except SourceError:
            raise SourceError(f"{response.url}: redirected to {target}, refused: only https URLs are allowed "
                              "for remote sources") from None
    return response


def session(*, retries: int | None = None, backoff: float | None = None, cache_name: str | None = None,
            budget: NetworkBudget | None = None) -> requests.Session:
    """A cached session whose every request keeps to ``budget`` (see the module docstring).

    ``retries`` and ``backoff`` override the budget's. The whole-fetch deadline
    counts from here: make one session per fetch.
    """
    # Imported here: every command and report kernel imports this module, few of them fetch (50 ms at start).
    import requests_cache

    http = requests_cache.CachedSession(
        cache_name or str(cache_dir() / "http_cache"),
        backend="sqlite",
        cache_control=True,
        # Kept until replaced; get_text decides per request whether to revalidate or refetch.
        expire_after=requests_cache.NEVER_EXPIRE,
        stale_if_error=False,  # the fallback is explicit in get_text, so it can warn
        allowable_codes=(200,),
    )
    budget = budget or NetworkBudget()
    changes = {k: v for k, v in (("retries", retries), ("backoff", backoff)) if v is not None}
    adapter = BudgetAdapter(budget.with_(**changes) if changes else budget)
    http.mount("https://", adapter)
    http.mount("http://", adapter)
    http.headers["User-Agent"] = USER_AGENT
    http.hooks["response"].append(_refuse_insecure_redirect)
    return http


@dataclass
class Fetched:
    """A fetched body with what we know of where it came from."""

    url: str
    content: bytes
    from_cache: bool
    status: int
    content_type: str
    headers: dict = field(default_factory=dict)  # ETag and Last-Modified, for `jsna fetch --since`

    @property
    def text(self) -> str:
        return self.content.decode("utf-8-sig", errors="replace")


#: The start of markup: a tag (``<div``, ``<p>``, ``</span>``) or a comment, as an HTML fragment begins.
_MARKUP = re.compile(r"\s*<(?:!--|/?[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$))")


def looks_like_markup(text: str) -> bool:
    """Whether a body is a web page or a fragment of one (an error snippet with no doctype).

    No CSV or JSON answer starts with a tag.

    >>> looks_like_markup("<div class='error'>Service unavailable</div>"), looks_like_markup("Indicator ID,Value\\n")
    (True, False)
    """
    return looks_like_html(text) or bool(_MARKUP.match(text.lstrip("\ufeff")[:200]))


def _looks_like_html(text: str, content_type: str, *, fragments: bool = True) -> bool:
    return "text/html" in content_type or (looks_like_markup(text) if fragments else looks_like_html(text))


def _validate(url: str, content: bytes, content_type: str, expect: str) -> None:
    text = content[:2000].decode("utf-8", errors="replace") if expect == "file" else \
        content.decode("utf-8-sig", errors="replace")
    if not content.strip():
        raise SourceError(f"{url}: empty body where {expect.upper()} was expected")
    if _looks_like_html(text, content_type if expect != "file" else "", fragments=expect != "file"):
        raise SourceError(f"{url}: got an HTML page where {expect.upper()} was expected")
    if expect == "json":
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceError(f"{url}: invalid JSON ({exc.msg} at line {exc.lineno})") from None


def _status_problem(http, response) -> str:
    """``HTTP 503`` and, for a refusal, how often we asked and what the server said about waiting."""
    text = f"HTTP {response.status_code}"
    attempts = getattr(response, "attempts", 1)
    if attempts > 1:
        text += f" after {attempts} attempts"
    asked = retry_after_seconds(response.headers)
    adapter = http.get_adapter(response.url or "https://")
    cap = getattr(getattr(adapter, "budget", None), "retry_after_cap", None)
    if asked is not None and cap is not None and asked > cap:
        text += (f"; the server asked to wait {asked:.0f} s before retrying, longer than jsna waits "
                 f"({cap:g} s): try again later")
    return text


def _cached_copy(http: requests.Session, url: str, params: dict | None):
    cache = getattr(http, "cache", None)
    if cache is None:
        return None
    # The key must be made from the request exactly as the session sent it (its headers too).
    request = http.prepare_request(requests.Request("GET", url, params=params))
    return cache.get_response(cache.create_key(request))


VALIDATORS = ("ETag", "Last-Modified")


def _validators(headers) -> dict:
    return {name: headers[name] for name in VALIDATORS if headers.get(name)}


def get_text(url: str, *, params: dict | None = None, expect: str = "csv",
             http: requests.Session | None = None, timeout=TIMEOUT, headers: dict | None = None,
             fallback: bool = True) -> Fetched:
    """GET ``url`` and return its body, checked to be the kind expected (csv, json, or any file).

    On a server error, a timeout, a connection error or an unusable body, a
    cached copy of the same URL is used with a :class:`StaleDataWarning`; with
    no cached copy a one-line :class:`SourceError` names the URL.

    ``headers`` are sent with the request; when they make it conditional
    (``If-None-Match`` / ``If-Modified-Since``) a 304 answer is returned as it is
    (status 304, empty content) for the caller to reuse its own copy.
    ``fallback=False`` never answers from the cache (a health check must see the source itself).
    """
    check_url(url)
    http = http or session()
    full_url = requests.Request("GET", url, params=params).prepare().url or url  # prepare() always gives one
    cached = _cached_copy(http, url, params)
    # Revalidate (a conditional request) when the cached copy has validators; otherwise
    # fetch afresh, overwriting the cache only with a good answer.
    freshness: dict[str, Any] = {}
    if hasattr(http, "cache"):
        has_validators = cached is not None and ("ETag" in cached.headers or "Last-Modified" in cached.headers)
        freshness = {"refresh": True} if has_validators else {"force_refresh": True}
    try:
        conditional = headers is not None and any(h in headers for h in ("If-None-Match", "If-Modified-Since"))
        if conditional:
            freshness = {"force_refresh": True} if hasattr(http, "cache") else {}
        response = http.get(url, params=params, timeout=timeout, headers=headers, **freshness)
        if response.status_code == 304 and conditional:
            return Fetched(full_url, b"", False, 304, response.headers.get("Content-Type", ""),
                           _validators(response.headers))
        if response.status_code >= 400:
            raise HTTPStatusError(f"{full_url}: {_status_problem(http, response)}{_server_message(response)}",
                                  response.status_code)
        content_type = response.headers.get("Content-Type", "")
        final_url = response.url or full_url  # after any redirects (each checked by the session's hook)
        _validate(final_url, response.content, content_type, expect)
        return Fetched(final_url, response.content, bool(getattr(response, "from_cache", False)),
                       response.status_code, content_type, _validators(response.headers))
    except (requests.exceptions.RequestException, SourceError) as exc:
        # Our budget's faults already name the URL; anything else from requests gets it added.
        problem = str(exc) if isinstance(exc, SourceError) or hasattr(exc, "transient") \
            else f"{full_url}: {type(exc).__name__}"
        if cached is not None and fallback:
            try:
                _validate(full_url, cached.content, cached.headers.get("Content-Type", ""), expect)
            except SourceError:
                raise SourceError(problem) from None
            warnings.warn(f"{problem}; using the cached copy from {cached.created_at:%Y-%m-%d %H:%M}",
                          StaleDataWarning, stacklevel=2)
            return Fetched(full_url, cached.content, True, cached.status_code,
                           cached.headers.get("Content-Type", ""), _validators(cached.headers))
        if isinstance(exc, SourceError):
            raise
        raise SourceError(problem) from None
