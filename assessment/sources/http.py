"""One HTTP session for every remote source: https, timeouts, retries, an on-disk cache.

- https only (plain http is allowed for loopback hosts, so tests can replay
  responses from a local server); TLS verification is never turned off;
- explicit (connect, read) timeouts;
- retries with exponential backoff on 5xx answers and connection errors;
- a requests-cache SQLite cache under :func:`assessment.paths.cache_dir` that
  revalidates with ETag / Last-Modified and, when the source fails, serves the
  cached copy with a visible warning.

>>> check_url("http://fingertips.phe.org.uk/api/")
Traceback (most recent call last):
...
assessment.errors.SourceError: http://fingertips.phe.org.uk/api/: only https URLs are allowed for remote sources
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from urllib.parse import urlparse

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ..errors import SourceError
from ..files import looks_like_html
from ..paths import cache_dir

TIMEOUT = (10.0, 120.0)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
USER_AGENT = "jsna-justice/0.1 (+https://github.com/jsna-justice)"


class StaleDataWarning(UserWarning):
    """A source failed and a cached copy was used instead."""


def check_url(url: str) -> str:
    """Refuse plain http except on loopback (tests)."""
    parsed = urlparse(url)
    if parsed.scheme == "https" or (parsed.scheme == "http" and parsed.hostname in LOOPBACK):
        return url
    raise SourceError(f"{url}: only https URLs are allowed for remote sources")


def session(*, retries: int = 3, backoff: float = 1.0, cache_name: str | None = None) -> requests.Session:
    """A cached, retrying session (see the module docstring)."""
    http = requests_cache.CachedSession(
        cache_name or str(cache_dir() / "http_cache"),
        backend="sqlite",
        cache_control=True,
        # Kept until replaced; get_text decides per request whether to revalidate or refetch.
        expire_after=requests_cache.NEVER_EXPIRE,
        stale_if_error=False,  # the fallback is explicit in get_text, so it can warn
        allowable_codes=(200,),
    )
    retry = Retry(total=retries, connect=retries, read=retries, status=retries,
                  backoff_factor=backoff, status_forcelist=(500, 502, 503, 504),
                  allowed_methods=("GET",), raise_on_status=False)
    adapter = HTTPAdapter(max_retries=retry)
    http.mount("https://", adapter)
    http.mount("http://", adapter)
    http.headers["User-Agent"] = USER_AGENT
    return http


@dataclass
class Fetched:
    """A fetched body with what we know of where it came from."""

    url: str
    content: bytes
    from_cache: bool
    status: int
    content_type: str

    @property
    def text(self) -> str:
        return self.content.decode("utf-8-sig", errors="replace")


def _looks_like_html(text: str, content_type: str) -> bool:
    return "text/html" in content_type or looks_like_html(text)


def _validate(url: str, content: bytes, content_type: str, expect: str) -> None:
    text = content[:2000].decode("utf-8", errors="replace") if expect == "file" else \
        content.decode("utf-8-sig", errors="replace")
    if not content.strip():
        raise SourceError(f"{url}: empty body where {expect.upper()} was expected")
    if _looks_like_html(text, content_type if expect != "file" else ""):
        raise SourceError(f"{url}: got an HTML page where {expect.upper()} was expected")
    if expect == "json":
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceError(f"{url}: invalid JSON ({exc.msg} at line {exc.lineno})") from None


def _cached_copy(http: requests.Session, url: str, params: dict | None):
    cache = getattr(http, "cache", None)
    if cache is None:
        return None
    # The key must be made from the request exactly as the session sent it (its headers too).
    request = http.prepare_request(requests.Request("GET", url, params=params))
    return cache.get_response(cache.create_key(request))


def get_text(url: str, *, params: dict | None = None, expect: str = "csv",
             http: requests.Session | None = None, timeout=TIMEOUT) -> Fetched:
    """GET ``url`` and return its body, checked to be the kind expected (csv, json, or any file).

    On a server error, a timeout, a connection error or an unusable body, a
    cached copy of the same URL is used with a :class:`StaleDataWarning`; with
    no cached copy a one-line :class:`SourceError` names the URL.
    """
    check_url(url)
    http = http or session()
    full_url = requests.Request("GET", url, params=params).prepare().url
    cached = _cached_copy(http, url, params)
    # Revalidate (a conditional request) when the cached copy has validators; otherwise
    # fetch afresh, overwriting the cache only with a good answer.
    freshness = {}
    if hasattr(http, "cache"):
        has_validators = cached is not None and ("ETag" in cached.headers or "Last-Modified" in cached.headers)
        freshness = {"refresh": True} if has_validators else {"force_refresh": True}
    try:
        response = http.get(url, params=params, timeout=timeout, **freshness)
        if response.status_code >= 400:
            raise SourceError(f"{full_url}: HTTP {response.status_code}")
        content_type = response.headers.get("Content-Type", "")
        _validate(full_url, response.content, content_type, expect)
        return Fetched(full_url, response.content, bool(getattr(response, "from_cache", False)),
                       response.status_code, content_type)
    except (requests.Timeout, requests.ConnectionError, requests.exceptions.RetryError, SourceError) as exc:
        problem = str(exc) if isinstance(exc, SourceError) else f"{full_url}: {type(exc).__name__}"
        if cached is not None:
            try:
                _validate(full_url, cached.content, cached.headers.get("Content-Type", ""), expect)
            except SourceError:
                raise SourceError(problem) from None
            warnings.warn(f"{problem}; using the cached copy from {cached.created_at:%Y-%m-%d %H:%M}",
                          StaleDataWarning, stacklevel=2)
            return Fetched(full_url, cached.content, True, cached.status_code,
                           cached.headers.get("Content-Type", ""))
        if isinstance(exc, SourceError):
            raise
        raise SourceError(problem) from None
