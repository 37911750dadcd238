"""Read features from the ONS Open Geography Portal's ArcGIS REST service.

A query is paged with ``resultOffset`` until the service stops saying
``exceededTransferLimit``. Every page goes through
:func:`assessment.inputs.http.get_text` (https only, retries, the on-disk
cache with its stale-copy fallback); an HTML page or an ``{"error": ...}``
body is a one-line :class:`~assessment.core.errors.SourceError` naming the URL.
"""

from __future__ import annotations

import json

import pandas as pd

from ..core.errors import SourceError
from ..inputs.http import get_text, session

PAGE_SIZE = 2000


def query_attributes(url: str, *, timeout: float = 60.0, page_size: int = PAGE_SIZE, http=None) -> pd.DataFrame:
    """All features' attributes of a FeatureServer layer query URL, as a frame."""
    features = _query(url, {"f": "json", "returnGeometry": "false"}, timeout, page_size, http)
    return pd.DataFrame([f.get("attributes", {}) for f in features])


def query_geojson(url: str, *, timeout: float = 120.0, page_size: int = 500, http=None) -> dict:
    """All features of a FeatureServer layer as one GeoJSON FeatureCollection (WGS84)."""
    features = _query(url, {"f": "geojson", "outSR": 4326}, timeout, page_size, http)
    return {"type": "FeatureCollection", "features": features}


def _query(url: str, extra: dict, timeout: float, page_size: int, http=None) -> list[dict]:
    http = http or session()
    rows: list[dict] = []
    offset = 0
    while True:
        params = {"where": "1=1", "outFields": "*", **extra,
                  "resultOffset": offset, "resultRecordCount": page_size}
        fetched = get_text(url, params=params, expect="json", http=http, timeout=(10.0, timeout))
        full = fetched.url
        body = json.loads(fetched.text)
        if not isinstance(body, dict):
            raise SourceError(f"{full}: expected a JSON object from the ONS geography service")
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
