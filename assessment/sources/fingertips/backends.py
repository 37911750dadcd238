"""Picking a Fingertips backend (legacy or FingertipsNext) and parsing what it stored.

``auto`` takes FingertipsNext when its health check answers, else the legacy
API. FingertipsNext's public address is not published in its repository, so it
is only tried when one is given.

>>> choose_backend("next", next_url=None)
Traceback (most recent call last):
...
assessment.core.errors.SourceError: FingertipsNext has no public API address built in: give --fingertips-next-url or set JSNA_FINGERTIPS_NEXT_URL
"""

from __future__ import annotations

import pandas as pd

from ...core.errors import SourceError
from .client import FingertipsClient, parse_csv
from .api import BACKENDS, NEXT_URL_ENV, FingertipsSource, backend_urls
from .next_api import FingertipsNextClient, parse_json


def make_backend(name: str, *, legacy_url: str | None = None, next_url: str | None = None,
                 http=None) -> FingertipsSource:
    """The backend called ``name`` (legacy or next), without checking it answers."""
    legacy_url, next_url = backend_urls(legacy_url, next_url)
    if name == "legacy":
        return FingertipsClient(legacy_url, http=http)
    if name == "next":
        if not next_url:
            raise SourceError(f"FingertipsNext has no public API address built in: give --fingertips-next-url "
                              f"or set {NEXT_URL_ENV}")
        return FingertipsNextClient(next_url, http=http)
    raise SourceError(f"unknown Fingertips backend '{name}': choose from {', '.join(BACKENDS)}")


def choose_backend(mode: str = "auto", *, legacy_url: str | None = None, next_url: str | None = None,
                   http=None) -> FingertipsSource:
    """The backend to fetch from: ``legacy``, ``next``, or ``auto`` (the first that answers, FingertipsNext first)."""
    if mode != "auto":
        return make_backend(mode, legacy_url=legacy_url, next_url=next_url, http=http)
    reasons = []
    for name in ("next", "legacy"):
        try:
            backend = make_backend(name, legacy_url=legacy_url, next_url=next_url, http=http)
        except SourceError as exc:
            reasons.append(f"{name}: {exc}")
            continue
        problem = backend.health()
        if problem is None:
            return backend
        reasons.append(f"{name}: {problem}")
    raise SourceError("no Fingertips API answers (" + "; ".join(reasons) + ")")


def parse_download(kind: str, text: str, **options) -> pd.DataFrame:
    """Tidy-frame rows from a stored Fingertips answer of either backend (``options``: see parse_csv)."""
    parsers = {"fingertips": parse_csv, "fingertips_next": parse_json}
    if kind not in parsers:
        raise SourceError(f"{options.get('url', '?')}: unknown Fingertips file kind '{kind}'")
    return parsers[kind](text, **options)
