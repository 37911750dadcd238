"""The indicator catalogue (``data_sources/indicators.yaml``), loaded and checked.

>>> catalogue = load_catalogue()
>>> entry = catalogue.by_key["continuity_of_care"]
>>> entry.phof_new, entry.section, entry.additive
('C20', 'substance_misuse', True)
>>> catalogue.fingertips_meta()["90976"].value_type
'proportion'
>>> "ons-crime-total-rate" in catalogue.england_and_wales_ids()
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ..core.errors import InputError
from ..core.registry_fields import SAFE_LOADER
from ..tidy.frame_columns import POLARITIES, VALUE_TYPES
from ..core.paths import DATA_SOURCES_DIR, data_sources_dir
from .fingertips.api import IndicatorMeta

#: libyaml's safe loader where PyYAML was built with it (ten times faster), else the pure-Python one.

#: The shipped catalogue; :func:`load_catalogue` reads the one in use (``JSNA_DATA_SOURCES``).
CATALOGUE_PATH = DATA_SOURCES_DIR / "indicators.yaml"
DATA_GAPS_PATH = DATA_SOURCES_DIR / "data_gaps.yaml"
GAP_FIELDS = ("key", "name", "seed_reference", "status", "why", "local_data")
GAP_STATUSES = ("not_published_locally", "id_not_found", "published_not_read")
REQUIRED = ("key", "title", "source", "section", "polarity", "value_type", "multiplier",
            "ci_method", "comparator", "additive", "definition", "verified")
#: Where an indicator's figures are published: England only (the default), or England
#: and Wales (justice tables: Welsh forces and the England and Wales total are kept).
COVERAGES = ("england", "england_and_wales")


@dataclass(frozen=True)
class CatalogueEntry:
    """One indicator of the catalogue (see the YAML file's header for the fields)."""

    key: str
    title: str
    source: str
    section: str
    polarity: str
    value_type: str
    multiplier: float
    ci_method: str
    comparator: str
    additive: bool
    definition: str
    verified: bool
    unit: str = ""
    fingertips_id: str | None = None
    indicator_id: str | None = None
    phof_old: str | None = None
    phof_new: str | None = None
    area_type: str = "district"
    headline: bool = False
    checked_in: str | None = None
    headline_sex: str | None = None
    headline_age: str | None = None
    coverage: str = "england"
    caveat: str | None = None
    #: how parents are built when counts cannot be added: population_weighted_mean (an average score)
    aggregation: str | None = None
    fingertips_name: str | list[str] | None = None
    derived_from: dict | None = None
    #: what the figures cover (offences, people, places), printed beside the year
    scope: str | None = None
    #: fewest in the denominator for a group to be compared with another ("too few to compare" below)
    min_denominator: int | None = None
    #: a few words for a narrow table's column header ("Care leaver"), where the title is too long
    short_title: str | None = None
    #: the key of another entry giving the same figure from another publisher (Fingertips' IMD 2019 score is
    #: MHCLG's): a report that shows either does not list the other as missing
    same_as: str | None = None

    @property
    def frame_id(self) -> str:
        """The indicator_id its rows carry in the tidy frame."""
        return str(self.fingertips_id or self.indicator_id or self.key)


@dataclass
class Catalogue:
    entries: list[CatalogueEntry]
    path: Path = CATALOGUE_PATH
    by_key: dict[str, CatalogueEntry] = field(init=False)

    def __post_init__(self):
        self.by_key = {e.key: e for e in self.entries}

    def fingertips(self) -> list[CatalogueEntry]:
        return [e for e in self.entries if e.source == "fingertips"]

    def weighted_mean_ids(self) -> frozenset[str]:
        """Frame ids of scores whose parents are population-weighted means of their areas' scores."""
        return frozenset(e.frame_id for e in self.entries if e.aggregation == "population_weighted_mean")

    def england_and_wales_ids(self) -> set[str]:
        """Frame ids of indicators published for England and Wales (their Welsh rows are kept)."""
        return {e.frame_id for e in self.entries if e.coverage == "england_and_wales"}

    def fingertips_meta(self) -> dict[str, IndicatorMeta]:
        """What the Fingertips CSV parser needs, by Fingertips id."""
        return {e.frame_id: IndicatorMeta(e.frame_id, e.value_type, float(e.multiplier), e.unit,
                                          e.polarity, e.comparator, e.title, e.ci_method) for e in self.fingertips()}

    def report_info(self) -> dict[str, dict]:
        """Per tidy-frame indicator id: section, definition, codes (stored in report bundles)."""
        return {e.frame_id: {"key": e.key, "title": e.title, "section": e.section,
                             "definition": e.definition, "phof_old": e.phof_old, "phof_new": e.phof_new,
                             "headline": e.headline, "additive": e.additive, "verified": e.verified,
                             "headline_sex": e.headline_sex, "headline_age": e.headline_age,
                             "coverage": e.coverage, "caveat": e.caveat,
                             "aggregation": e.aggregation, "scope": e.scope,
                             "min_denominator": e.min_denominator, "short_title": e.short_title}
                for e in self.entries}


def catalogue_path() -> Path:
    """The catalogue in use (under :func:`assessment.core.paths.data_sources_dir`)."""
    return data_sources_dir() / "indicators.yaml"


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and check the catalogue; a bad entry is an InputError naming the entry and field.

    Kept per file (path, size and modification time): a build asks for it in several stages,
    and parsing and checking its 1,500 lines each time cost a second. Treat it as read-only.
    """
    path = Path(path or catalogue_path())
    try:
        stat = path.stat()
    except OSError:
        return _read_catalogue(path)  # names the file in its error
    return _cached_catalogue(path.resolve(), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4)
def _cached_catalogue(path: Path, _size: int, _mtime: int) -> Catalogue:
    return _read_catalogue(path)


def _read_catalogue(path: Path) -> Catalogue:
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.load(handle, Loader=SAFE_LOADER)["indicators"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: unreadable catalogue ({' '.join(str(exc).split())})") from None
    entries, seen = [], set()
    frame_ids: dict[str, str] = {}
    for position, item in enumerate(raw, start=1):
        where = f"{path} entry {position} ({item.get('key', '?')})"
        missing = [f for f in REQUIRED if f not in item]
        if missing:
            raise InputError(f"{where}: missing field(s) {', '.join(missing)}")
        if item["polarity"] not in POLARITIES:
            raise InputError(f"{where}: polarity '{item['polarity']}' is not one of {', '.join(POLARITIES)}")
        if item["value_type"] not in VALUE_TYPES:
            raise InputError(f"{where}: value_type '{item['value_type']}' is not one of {', '.join(VALUE_TYPES)}")
        if item.get("coverage", "england") not in COVERAGES:
            raise InputError(f"{where}: coverage '{item['coverage']}' is not one of {', '.join(COVERAGES)}")
        if item.get("aggregation") not in (None, "population_weighted_mean") or \
                (item.get("aggregation") and item["value_type"] != "score"):
            raise InputError(f"{where}: aggregation '{item['aggregation']}' is not population_weighted_mean "
                             "on a score")
        if item["source"] == "fingertips" and not item.get("fingertips_id"):
            raise InputError(f"{where}: a fingertips indicator needs fingertips_id")
        if item["source"] != "fingertips" and not item.get("indicator_id"):
            raise InputError(f"{where}: a publisher indicator needs indicator_id (the id its reader writes)")
        if item["key"] in seen:
            raise InputError(f"{where}: duplicate key")
        seen.add(item["key"])
        known = {f for f in CatalogueEntry.__dataclass_fields__}
        unknown = sorted(set(item) - known)
        if unknown:
            raise InputError(f"{where}: unknown field(s) {', '.join(unknown)}")
        item = {**item}
        for key in ("fingertips_id", "indicator_id", "phof_old", "phof_new"):
            if item.get(key) is not None:
                item[key] = str(item[key])
        entry = CatalogueEntry(**item)
        if entry.frame_id in frame_ids:
            raise InputError(f"{where}: indicator id {entry.frame_id} is already used by entry "
                             f"{frame_ids[entry.frame_id]}")
        frame_ids[entry.frame_id] = entry.key
        entries.append(entry)
    for position, entry in enumerate(entries, start=1):
        if entry.same_as is not None and entry.same_as not in seen:
            raise InputError(f"{path} entry {position} ({entry.key}): same_as '{entry.same_as}' is not a key of "
                             "the catalogue")
    return Catalogue(entries, path)


@dataclass(frozen=True)
class DataGap:
    """A measure the seed asks for that the report cannot give (``data_sources/data_gaps.yaml``)."""

    key: str
    name: str
    seed_reference: str
    status: str
    why: str
    local_data: str
    fingertips_name: str | None = None
    #: the upload kind (data_sources/uploads/) that carries the measure, and the report section
    #: that names the gap beside the published figures (both checked at start-up)
    upload_kind: str | None = None
    section: str | None = None
    #: the area type (pfa, say) a public table does give it for, and that table: publisher, title, address
    published_for: str | None = None
    published_where: str | None = None


def load_data_gaps(path: Path = DATA_GAPS_PATH, catalogue: Catalogue | None = None) -> list[DataGap]:
    """The data-gaps registry, checked: known fields and statuses, unique keys, none also catalogued.

    >>> gaps = load_data_gaps()
    >>> [g.name for g in gaps if g.key == "older_people_feeling_safe"]
    ["Older people's perception of community safety (PHOF 1.19)"]
    >>> sorted({g.status for g in gaps})
    ['id_not_found', 'not_published_locally', 'published_not_read']
    """
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.load(handle, Loader=SAFE_LOADER)["gaps"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: unreadable data-gaps registry ({' '.join(str(exc).split())})") from None
    catalogued = {e.key for e in (catalogue or load_catalogue()).entries}
    gaps, seen = [], set()
    for position, item in enumerate(raw, start=1):
        where = f"{path} entry {position} ({item.get('key', '?')})"
        missing = [f for f in GAP_FIELDS if not item.get(f)]
        unknown = sorted(set(item) - set(DataGap.__dataclass_fields__))
        if missing or unknown:
            problem = f"missing field(s) {', '.join(missing)}" if missing else f"unknown field(s) {', '.join(unknown)}"
            raise InputError(f"{where}: {problem}")
        if item["status"] not in GAP_STATUSES:
            raise InputError(f"{where}: status '{item['status']}' is not one of {', '.join(GAP_STATUSES)}")
        if item["status"] == "id_not_found" and not item.get("fingertips_name"):
            raise InputError(f"{where}: an id_not_found gap needs the fingertips_name to find it by")
        if item["key"] in seen or item["key"] in catalogued:
            raise InputError(f"{where}: key '{item['key']}' is already used ({'catalogued' if item['key'] in catalogued else 'duplicate'})")
        seen.add(item["key"])
        gaps.append(DataGap(**{k: " ".join(str(v).split()) for k, v in item.items()}))
    return gaps
