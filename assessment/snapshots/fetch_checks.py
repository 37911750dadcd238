"""Every Fingertips answer is read in full while `jsna fetch` runs, before it can reach a snapshot.

`jsna fetch` stores answers as they came and `jsna build` parses them later. An
answer that is broken in a way the network cannot see (a body cut at a line
end, an HTML fragment, a renamed column, text in ``Value``, a header and no
rows) must stop the fetch, while the previous snapshot is still in place,
rather than replace it and fail the build. So each answer is parsed here as the
build will parse it, a legacy export must have rows and every indicator it was
asked for, and (at the end of the fetch, :func:`reference_lookups`) every area
of its area type, with the ONS lookups of this fetch, else of the ``--since``
snapshot, else of the snapshot about to be replaced.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

from ..core.errors import SourceError
from ..core.levels import lookup_roles
from ..sources.completeness import check_fingertips_areas
from ..inputs.csv_records import csv_records
from ..sources.fingertips.api import Download, IndicatorMeta
from ..sources.fingertips.backends import parse_download
from ..sources.fingertips.next_api import read_answer


class UncheckedAreasWarning(UserWarning):
    """No ONS lookups anywhere, so the Fingertips exports could not be checked to cover every area."""


def fetched_metadata(catalogue, checks) -> dict[str, IndicatorMeta]:
    """The catalogue's indicator metadata under the ids actually fetched (an id resolved by name included)."""
    meta = catalogue.fingertips_meta()
    for check in checks:
        if check.ok and check.fetched_id != check.catalogue_id:
            meta[check.fetched_id] = replace(meta[check.catalogue_id], indicator_id=check.fetched_id)
    return meta


def check_download(download: Download, metadata: dict[str, IndicatorMeta]) -> None:
    """Raise a one-line :class:`SourceError` naming the URL unless the answer parses whole, as the build reads it."""
    try:
        text = download.content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{download.url}: not UTF-8 text (byte {exc.start})") from None
    if download.kind == "fingertips_next":
        # Read and checked only: an answer read_answer takes always frames (see read_answer), and framing
        # costs far more per answer than reading; the build frames all the answers at once.
        read_answer(text, url=download.url, metadata=metadata)
        return
    frame = parse_download(download.kind, text, url=download.url, metadata=metadata, skipped=[])
    if csv_records(text) == 0:
        raise SourceError(f"{download.url}: a header and no data rows")
    check_fingertips_areas(frame, download.url, {})  # every indicator asked for is there


def reference_lookups(entries: list[dict], staging: Path, others: list) -> dict[str, Path] | None:
    """ONS lookups (role -> file) to check this fetch's Fingertips exports against, or None (with a warning).

    This fetch's own lookups come first; else those of the first snapshot of
    ``others`` (the ``--since`` snapshot, then the one about to be replaced)
    that has them all, each checked against its SHA-256.
    """
    roles = set(lookup_roles())
    own = {e["key"]: staging / e["path"] for e in entries if e["kind"] == "lookup"}
    if roles <= set(own):
        return own
    for snapshot in others:
        found = {e["key"]: e for e in snapshot.files("lookup")}
        if roles <= set(found):
            return {role: snapshot.path(found[role]) for role in roles}
    if any(e["kind"] == "fingertips" for e in entries):
        warnings.warn("no ONS lookups in this fetch or an earlier snapshot: the Fingertips exports were not "
                      "checked to cover every area (fetch geography too, or pass --since)", UncheckedAreasWarning,
                      stacklevel=2)
    return None
