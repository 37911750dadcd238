"""Publishers' current releases, found from the publishers' own machine-readable page data.

Each entry of ``data_sources/publishers.yaml`` names its official page
(``publisher_page``) and, under ``release``, how to find the current file there:

``from: govuk_collection``
    GOV.UK's Content API (``https://www.gov.uk/api/content/<path>``) lists a
    collection's publications in ``links.documents`` (title, base_path,
    public_updated_at). The newest publication whose title matches ``document``
    is taken (the few most recently updated are compared by first publication
    date, so a correction to an old release does not win).
``from: govuk_publication``
    The page is one publication; its content item lists ``details.attachments``
    (title, url, content_type, filename).
``from: ons_dataset``
    ONS pages have a JSON form at ``<page>/data``: a dataset landing page lists
    its editions in ``datasets[].uri``; each edition's ``/data`` has
    ``description`` (title, edition, releaseDate) and ``downloads[].file``; a
    file is served at ``https://www.ons.gov.uk/file?uri=<edition uri>/<file>``.
    The most recently released edition is taken.

On GOV.UK the attachment is the first whose title or file name matches
``attachment``; on ONS the download whose file name matches ``file``; either
way ``formats`` (e.g. ``[ods, xlsx]``) says which file types to prefer. Files
are only taken from the publisher's own hosts.

>>> api_url("https://www.gov.uk/government/collections/homelessness-statistics")
'https://www.gov.uk/api/content/government/collections/homelessness-statistics'
>>> ons_file_url("https://www.ons.gov.uk/peoplepopulationandcommunity/x/datasets/y", "/peoplepopulationandcommunity/x/datasets/y/current", "2023.xlsx")
'https://www.ons.gov.uk/file?uri=/peoplepopulationandcommunity/x/datasets/y/current/2023.xlsx'
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from ..core.errors import SourceError
from ..inputs.http import LOOPBACK, get_text
# Files come only from the publishers' own sites (loopback too, for tests); the registry check applies
# the same hosts at start-up.
from ..sources.publishers import OFFICIAL_HOSTS, RELEASE_KINDS as KINDS

COMPARED = 5      # recently updated publications compared by first publication date
MAX_EDITIONS = 12  # ONS editions looked at


@dataclass(frozen=True)
class Release:
    """The current release of a publisher source, as found on the publisher's page."""

    url: str          # the file
    filename: str
    title: str        # the publication or dataset
    edition: str      # e.g. "October to December 2025", "2023 registrations"
    released: str     # date of the release (ISO)
    page: str         # the official page it was found from
    file_title: str = ""
    updated: str = ""

    def record(self) -> dict:
        return asdict(self)

    @property
    def label(self) -> str:
        """How the report names the release: title, edition and date."""
        edition = f": {self.edition}" if self.edition and self.edition not in self.title else ""
        return f"{self.title}{edition} (released {self.released[:10]})" if self.released else f"{self.title}{edition}"


def _origin(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}"


def api_url(page: str) -> str:
    """The GOV.UK Content API address of a www.gov.uk page."""
    return _origin(page) + "/api/content" + urlparse(page).path


def ons_file_url(page: str, edition_uri: str, filename: str) -> str:
    """Where ONS serves a dataset edition's download."""
    return f"{_origin(page)}/file?uri={edition_uri.rstrip('/')}/{filename}"


def _json(url: str, http, what: str) -> dict:
    fetched = get_text(url, expect="json", http=http, timeout=(10, 60))
    body = json.loads(fetched.text)
    if not isinstance(body, dict):
        raise SourceError(f"{fetched.url}: expected {what} (a JSON object)")
    return body


def _official(url: str, key: str) -> str:
    host = urlparse(url).hostname or ""
    if host not in OFFICIAL_HOSTS and host not in LOOPBACK:
        raise SourceError(f"publishers.yaml {key}: {url} is not on a publisher's own site "
                          f"({', '.join(sorted(OFFICIAL_HOSTS))})")
    return url


def _prefer(items: list[dict], formats: list[str], name_of) -> list[dict]:
    """Items ordered by the preferred formats (their file extension), others last."""
    def rank(item):
        suffix = PurePosixPath(name_of(item)).suffix.lower().lstrip(".")
        return formats.index(suffix) if suffix in formats else len(formats)
    return sorted(items, key=rank)


def _pattern(spec: dict, name: str, key: str) -> re.Pattern:
    if not spec.get(name):
        raise SourceError(f"publishers.yaml {key}: release needs '{name}' (a regular expression)")
    return re.compile(spec[name], re.IGNORECASE)


def _govuk_publication(page: str, spec: dict, key: str, http, item: dict | None = None) -> Release:
    item = item or _json(api_url(page), http, "a GOV.UK content item")
    pattern = _pattern(spec, "attachment", key)
    attachments = [a for a in (item.get("details") or {}).get("attachments") or []
                   if a.get("attachment_type", "file") == "file" and a.get("url")
                   and (pattern.search(a.get("title") or "") or pattern.search(a.get("filename") or ""))]
    if not attachments:
        titles = "; ".join((a.get("title") or a.get("filename") or "?")
                           for a in (item.get("details") or {}).get("attachments") or [])[:300]
        raise SourceError(f"{api_url(page)}: no attachment matches '{spec['attachment']}' "
                          f"(attachments: {titles or 'none'})")
    chosen = _prefer(attachments, spec.get("formats", []),
                     lambda a: a.get("filename") or urlparse(a["url"]).path)[0]
    url = _official(chosen["url"], key)
    return Release(url=url, filename=chosen.get("filename") or unquote(PurePosixPath(urlparse(url).path).name),
                   title=item.get("title", ""), edition=_edition(item.get("title", "")),
                   released=item.get("first_published_at") or item.get("public_updated_at") or "",
                   page=_origin(page) + item.get("base_path", urlparse(page).path),
                   file_title=chosen.get("title", ""), updated=item.get("public_updated_at") or "")


def _edition(title: str) -> str:
    """The part of a GOV.UK title after its colon ("...: October to December 2025")."""
    return title.split(":", 1)[1].strip() if ":" in title else ""


def _govuk_collection(page: str, spec: dict, key: str, http) -> Release:
    collection = _json(api_url(page), http, "a GOV.UK collection")
    pattern = _pattern(spec, "document", key)
    documents = [d for d in (collection.get("links") or {}).get("documents") or []
                 if pattern.search(d.get("title") or "") and d.get("base_path")]
    if not documents:
        raise SourceError(f"{api_url(page)}: no publication in the collection matches '{spec['document']}'")
    documents.sort(key=lambda d: d.get("public_updated_at") or "", reverse=True)
    items = [_json(api_url(_origin(page) + d["base_path"]), http, "a GOV.UK publication")
             for d in documents[:COMPARED]]
    newest = max(items, key=lambda i: i.get("first_published_at") or i.get("public_updated_at") or "")
    return _govuk_publication(_origin(page) + newest.get("base_path", ""), spec, key, http, newest)


def _ons_dataset(page: str, spec: dict, key: str, http) -> Release:
    landing = _json(page.rstrip("/") + "/data", http, "an ONS dataset page")
    editions = [d["uri"] for d in landing.get("datasets") or [] if isinstance(d, dict) and d.get("uri")]
    if not editions:
        raise SourceError(f"{page.rstrip('/')}/data: the dataset page lists no editions")
    found = [_json(_origin(page) + uri.rstrip("/") + "/data", http, "an ONS dataset edition")
             for uri in editions[:MAX_EDITIONS]]
    edition = max(found, key=lambda e: (e.get("description") or {}).get("releaseDate") or "")
    pattern = _pattern(spec, "file", key)
    downloads = [d for d in edition.get("downloads") or [] if pattern.search(d.get("file") or "")]
    where = _origin(page) + edition.get("uri", "") + "/data"
    if not downloads:
        files = ", ".join(d.get("file", "?") for d in edition.get("downloads") or []) or "none"
        raise SourceError(f"{where}: no download matches '{spec['file']}' (downloads: {files})")
    chosen = _prefer(downloads, spec.get("formats", []), lambda d: d["file"])[0]
    description = edition.get("description") or {}
    versions = [v.get("updateDate") for v in edition.get("versions") or [] if v.get("updateDate")]
    return Release(url=_official(ons_file_url(page, edition.get("uri") or editions[0], chosen["file"]), key),
                   filename=chosen["file"], title=description.get("title") or landing.get("description", {}).get("title", ""),
                   edition=description.get("edition") or "", released=description.get("releaseDate") or "",
                   page=page, file_title=chosen.get("title") or "", updated=max(versions) if versions else "")


def find_release(key: str, spec: dict, *, http) -> Release:
    """The current release of a publishers.yaml entry (see the module docstring)."""
    release = spec.get("release") or {}
    page = spec.get("publisher_page")
    if not page:
        raise SourceError(f"publishers.yaml {key}: no publisher_page")
    _official(page, key)
    finders = {"govuk_collection": _govuk_collection, "govuk_publication": _govuk_publication,
               "ons_dataset": _ons_dataset}
    kind = release.get("from")
    if kind not in finders:
        raise SourceError(f"publishers.yaml {key}: release.from must be one of {', '.join(KINDS)} (got {kind!r})")
    return finders[kind](page, release, key, http)


def fixed_release(key: str, spec: dict) -> Release:
    """A source pinned to one official file (``url``), for publishers without page data."""
    url = _official(spec["url"], key)
    return Release(url=url, filename=spec.get("filename") or unquote(PurePosixPath(urlparse(url).path).name),
                   title=spec.get("vintage", key), edition="", released="", page=spec.get("publisher_page", ""))
