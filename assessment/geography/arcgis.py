"""Read features from the ONS Open Geography Portal's ArcGIS REST service.

A query is paged with ``resultOffset`` until the service stops saying
``exceededTransferLimit``; an HTML page or an ``{"error": ...}`` body is a
one-line :class:`~assessment.errors.SourceError` naming the URL.
"""

from __future__ import annotations

import json

import pandas as pd

from ..errors import SourceError

PAGE_SIZE = 2000


def _session():
    # One place to get the HTTP session, so the cached, retrying session of
    # assessment.sources.http is used when present.
    try:
        from ..sources.http import session
    except ImportError:  # pragma: no cover - the sources package is part of the install
        import requests

        return requests.Session()
    return session()


def query_attributes(url: str, *, timeout: float = 60.0, page_size: int = PAGE_SIZE, http=None) -> pd.DataFrame:
    """All features' attributes of a FeatureServer layer query URL, as a frame."""
    features = _query(url, {"f": "json", "returnGeometry": "false"}, timeout, page_size, http)
    return pd.DataFrame([f.get("attributes", {}) for f in features])


def query_geojson(url: str, *, timeout: float = 120.0, page_size: int = 500, http=None) -> dict:
    """All features of a FeatureServer layer as one GeoJSON FeatureCollection (WGS84)."""
    features = _query(url, {"f": "geojson", "outSR": 4326}, timeout, page_size, http)
    return {"type": "FeatureCollection", "features": features}


def _get(http, url: str, params: dict, timeout: float):
    import requests

    try:
        return http.get(url, params=params, timeout=timeout)
    except requests.exceptions.RequestException as exc:
        # The session's budget faults name the URL already; a plain requests error does not.
        if hasattr(exc, "transient"):
            raise SourceError(str(exc)) from None
        full = requests.Request("GET", url, params=params).prepare().url
        raise SourceError(f"{full}: {type(exc).__name__} from the ONS geography service") from None


def _query(url: str, extra: dict, timeout: float, page_size: int, http=None) -> list[dict]:
    http = http or _session()
    rows: list[dict] = []
    offset = 0
    while True:
        params = {"where": "1=1", "outFields": "*", **extra,
                  "resultOffset": offset, "resultRecordCount": page_size}
        response = _get(http, url, params, timeout)
        full = response.url
        if response.status_code >= 400:
            raise SourceError(f"{full}: HTTP {response.status_code} from the ONS geography service")
        text = response.text.lstrip()
        if not text or text.startswith("<"):
            raise SourceError(f"{full}: expected JSON but got {'an empty body' if not text else 'an HTML page'}")
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceError(f"{full}: invalid JSON ({exc.msg} at character {exc.pos})") from None
        if "error" in body:
            error = body["error"]
            raise SourceError(f"{full}: service error {error.get('code', '')} {error.get('message', '')}".strip())
        features = body.get("features")
        if features is None:
            raise SourceError(f"{full}: JSON has no 'features' list")
        rows.extend(features)
        more = body.get("exceededTransferLimit") or body.get("properties", {}).get("exceededTransferLimit")
        if not more or not features:
            break
        offset += len(features)
    return rows
