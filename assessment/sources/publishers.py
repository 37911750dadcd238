"""The publishers registry (``data_sources/publishers.yaml``): each publisher file, its reader and its indicators.

Every entry names the module and function that read the file into the tidy
frame and lists the indicator ids that reader produces (``indicators``); each
has a catalogue entry, so it reaches a report section (the start-up check of
:mod:`assessment.registry.all_registries` refuses one without). A reader that produces an
id its entry does not list is an error at build time, so no publisher figure
can fall silently out of the report. :func:`check_publisher_rules` holds the
rules between entries that the start-up check applies: files come only from
the publishers' own sites, and every entry has its place in ``precedence:``.

>>> publishers = load_publishers()
>>> publishers["ons_population"]["indicators"]
['ons-population']
>>> check_reader_output("ons_population", publishers["ons_population"], ["ons-population"], where="x.csv")
>>> check_reader_output("ons_population", publishers["ons_population"], ["ons-births"], where="x.csv")
Traceback (most recent call last):
...
assessment.core.errors.InputError: x.csv: the ons_population reader produced indicator(s) ons-births that publishers.yaml does not list for it
"""

from __future__ import annotations

import ast
import importlib.util
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse


from ..core.errors import InputError
from ..core.registry_fields import check_entry, read_registry
from ..core.paths import data_sources_dir

REQUIRED = ("module", "reader", "indicators")
#: How `jsna fetch` finds the file: a ``release`` rule over the publisher's page data, or one fixed
#: official ``url`` (neither is needed for a file brought in by `jsna import` only).
DOWNLOAD = ("release", "url")
OPTIONAL = ("publisher_page", "vintage", "licence", "attribution", "verified", "only_area_types",
            "recogniser", "file_kind", "layouts", "import_only", "filename", "format",
            "newer_edition", "published_for", "provides")
#: Hosts official files and pages may come from: the publishers' own sites, never a republished copy.
OFFICIAL_HOSTS = {"www.gov.uk", "assets.publishing.service.gov.uk", "www.ons.gov.uk",
                  "www.ethnicity-facts-figures.service.gov.uk"}
#: How ``release:`` finds the current file (``release.from``; see publisher_releases.py).
RELEASE_KINDS = ("govuk_collection", "govuk_publication", "ons_dataset")


def publishers_path() -> Path:
    return data_sources_dir() / "publishers.yaml"


#: What an entry without indicator rows gives `jsna build` instead (``provides:``): the similar-areas
#: table of :mod:`assessment.bundles.similar_areas`.
PROVIDES = ("similar_areas",)


def load_publishers(path: Path | None = None) -> dict[str, dict]:
    """Every publisher entry by key, checked field by field (one line naming the file, entry and field)."""
    return dict(_load(Path(path or publishers_path()).resolve()))


def load_precedence(path: Path | None = None) -> list[str]:
    """The registry's ``precedence:`` list: whose figure is kept when two files give the same one.

    >>> load_precedence()[:2]
    ['ons_drug_deaths_la', 'ons_drug_deaths_substance']
    """
    raw = read_registry(path or publishers_path(), "publishers registry")
    return list((raw or {}).get("precedence") or [])


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[tuple[str, dict], ...]:
    registry = read_registry(path, "publishers registry")
    try:
        raw = registry["publishers"]
    except (KeyError, TypeError) as exc:
        raise InputError(f"{path}: unreadable publishers registry ({' '.join(str(exc).split())})") from None
    entries = []
    for key, spec in (raw or {}).items():
        where = f"{path} publisher {key}"
        check_entry(spec, allowed={*REQUIRED, *DOWNLOAD, *OPTIONAL}, required=REQUIRED, where=where)
        if not spec.get("import_only") and not any(spec.get(field) for field in DOWNLOAD):
            raise InputError(f"{where}: needs `release` (how to find the current file on the publisher's page) "
                             "or `url` (one official file), or `import_only: true`")
        for field in ("indicators", "only_area_types", "published_for"):
            value = spec.get(field, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"{where}: {field} must be a list of names")
        if spec.get("provides") and spec["provides"] not in PROVIDES:
            raise InputError(f"{where}: provides '{spec['provides']}' is not one of {', '.join(PROVIDES)}")
        if not spec["indicators"] and not spec.get("provides"):
            raise InputError(f"{where}: lists no indicators (the ids its reader puts in the tidy frame)")
        for role in ("reader", "recogniser"):
            if role in spec and not _defines(spec["module"], spec[role]):
                raise InputError(f"{where}: {role} '{spec[role]}' is not a function of module {spec['module']}")
        entries.append((key, spec))
    for key, spec in entries:  # a newer edition is another entry of this registry
        if spec.get("newer_edition") and spec["newer_edition"] not in raw:
            raise InputError(f"{path} publisher {key}: newer_edition '{spec['newer_edition']}' is not a publisher entry")
    return tuple(entries)


def _defines(module: str, name: str) -> bool:
    """Whether ``module`` defines a top-level function ``name`` (read from its source: nothing is imported)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return False
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    return any(isinstance(node, ast.FunctionDef) and node.name == name for node in tree.body)


def check_reader_output(key: str, spec: dict, produced: Iterable[str], *, where: str) -> None:
    """Refuse ids a reader produced that its entry does not list (they would vanish from the report)."""
    if "indicators" not in spec:
        return  # an ad-hoc entry (a test's, say) that declares nothing
    extra = sorted(set(produced) - set(spec["indicators"]))
    if extra:
        raise InputError(f"{where}: the {key} reader produced indicator(s) {', '.join(extra)} that "
                         "publishers.yaml does not list for it")


def check_publisher_rules(publishers: dict[str, dict], precedence: list[str], path: Path | str) -> None:
    """Rules between the entries of ``publishers.yaml``: official sites only, and one place each in ``precedence:``.

    The first broken rule is one InputError line naming the file, the entry and the value.

    >>> spec = {"publisher_page": "https://www.gov.uk/x", "release": {"from": "govuk_publication"}}
    >>> check_publisher_rules({"a": spec}, ["a"], "publishers.yaml")
    >>> check_publisher_rules({"a": spec, "b": spec}, ["a"], "publishers.yaml")
    Traceback (most recent call last):
    ...
    assessment.core.errors.InputError: publishers.yaml: publisher b has no place in precedence: (the list that says whose figure is kept when two files give the same one)
    """
    for key, spec in publishers.items():
        _check_official(key, spec, path)
    for key, times in Counter(precedence).items():
        if key not in publishers:
            raise InputError(f"{path}: precedence: '{key}' is not a publisher entry (entries: "
                             f"{', '.join(sorted(publishers))})")
        if times > 1:
            raise InputError(f"{path}: precedence: '{key}' is listed {times} times")
    for key in publishers:
        if key not in precedence:
            raise InputError(f"{path}: publisher {key} has no place in precedence: (the list that says whose "
                             "figure is kept when two files give the same one)")


def _check_official(key: str, spec: dict, path: Path | str) -> None:
    """The entry's page and file are on a publisher's own site, and its release rule is one `jsna fetch` knows."""
    for field in ("publisher_page", "url"):
        if field in spec and urlparse(str(spec[field])).hostname not in OFFICIAL_HOSTS:
            raise InputError(f"{path} publisher {key}: {field} {spec[field]} is not on a publisher's own site "
                             f"({', '.join(sorted(OFFICIAL_HOSTS))})")
    release = spec.get("release")
    if release is not None and (not isinstance(release, dict) or release.get("from") not in RELEASE_KINDS):
        given = release.get("from") if isinstance(release, dict) else release
        raise InputError(f"{path} publisher {key}: release.from must be one of {', '.join(RELEASE_KINDS)} "
                         f"(got {given!r})")
