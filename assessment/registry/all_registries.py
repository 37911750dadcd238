"""Every registry file, loaded through one place and checked against the others.

Registries are data files: the indicator catalogue, publishers, comparison
methods, report sections and upload kinds under ``data_sources/`` (or the
copy ``JSNA_DATA_SOURCES`` names), the demo profile, and the geography
registry and levels table under ``boundaries/``. Each file's own loader checks
its fields; :func:`registries` then checks every reference between them, so a
mistyped section, comparator or publisher fails every command at start with
one line naming the file, the entry and the unknown value, instead of a figure
vanishing from a report.

>>> loaded = registries()
>>> loaded.section("substance_misuse").title
'Substance misuse and treatment'
>>> loaded.section_of("90976"), loaded.section_of("no-such-indicator")
('substance_misuse', None)
>>> broken = {"sections": [{"key": "reoffending", "title": "Reoffending", "intro": "Why.", "colour": "red"}]}
>>> parse_sections(broken, "report_sections.yaml")
Traceback (most recent call last):
...
assessment.core.errors.InputError: report_sections.yaml section reoffending: unknown field(s) colour
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .claims import Claim, CoreMeasure, DifferenceRule, cited_claims, load_claims, load_core_measures, load_difference_rule
from .devolved_sources import Country, DevolvedSource, load_devolved
from .editions import Edition, check_editions, parse_editions
from ..core.errors import InputError
from ..core.registry_fields import check_entry, read_registry
from ..geography.registry import REGISTRY_PATH, load_registry
from ..core.levels import LEVELS, LEVELS_PATH, Level
from ..core.paths import PACKAGE_DIR, data_sources_dir
from ..sources.catalogue import Catalogue, DataGap, load_catalogue, load_data_gaps
from ..sources.publishers import check_publisher_rules, load_precedence, load_publishers
from ..stats.compare import comparator_registry, implemented_methods
from ..uploads.schema import UploadKind, all_kinds

DEMO_PROFILE_PATH = PACKAGE_DIR / "demo" / "profile.yaml"
#: One module per kind of report section (``topic`` for the topic sections).
SECTION_MODULES = PACKAGE_DIR / "report" / "sections"
SECTION_FIELDS = {"key", "title", "intro", "kind", "trend_chart", "spine", "indicators"}
DEFAULT_EDITION = "jsna-chapter"  # the edition of a level that names none (it is compared with, not reported on)
PROFILE_FIELDS = {"england", "per_capita", "deprivation", "drift", "periods", "spread", "male_share"}
PROFILE_PERIODS = {"financial", "calendar", "rolling3"}


@dataclass(frozen=True)
class Section:
    """One section of ``report_sections.yaml``: a topic (or another kind with its own module)."""

    key: str
    title: str
    intro: str
    kind: str = "topic"
    trend_chart: bool = False
    #: whether the summary's spine chart shows the section's indicators (``spine: false`` for a
    #: section whose figures have their own tables, such as the force-only justice figures)
    spine: bool = True
    #: catalogue ids a section module reads by their part in it (``indicators:``), as (part, ids) pairs
    indicators: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def indicator_ids(self, part: str) -> tuple[str, ...]:
        """The catalogue ids given for ``part`` under the section's ``indicators:``; one line naming it if none.

        >>> Section("s", "S", "", indicators=(("crime", ("a", "b")),)).indicator_ids("crime")
        ('a', 'b')
        """
        for name, ids in self.indicators:
            if name == part:
                return ids
        raise InputError(f"report_sections.yaml: section {self.key} gives no indicator for '{part}' under "
                         f"indicators: (given: {', '.join(n for n, _ in self.indicators) or 'none'})")

    def indicator_id(self, part: str) -> str:
        """The one catalogue id given for ``part``."""
        return self.indicator_ids(part)[0]


@dataclass(frozen=True)
class Registries:
    """Every registry, parsed and cross-checked (see the module docstring)."""

    data_sources: Path
    catalogue: Catalogue
    publishers: dict[str, dict]
    comparators: dict[str, dict]
    sections: tuple[Section, ...]
    #: Parts the template writes itself (``template_sections``): indicators may belong to them.
    template_sections: tuple[Section, ...]
    upload_kinds: dict[str, UploadKind]
    demo_profile: dict[str, dict]
    levels: dict[str, Level]
    geography: dict
    #: National claims the intros cite (``national_claims.yaml``) and the key messages' core measures.
    claims: dict[str, Claim]
    core_measures: tuple[CoreMeasure, ...]
    #: Measures no public table gives (``data_gaps.yaml``), some carried by an upload kind.
    data_gaps: tuple[DataGap, ...] = ()
    #: When a difference from England is small in practice (``key_messages.yaml``).
    difference: DifferenceRule = DifferenceRule()
    #: The reports (``editions:``): each one's sections in order, title and header.
    editions: dict[str, Edition] = field(default_factory=dict)
    #: Countries outside England a report can be about, and who publishes there what England-only
    #: sources give England (``devolved_sources.yaml``).
    devolved_countries: dict[str, Country] = field(default_factory=dict)
    devolved_sources: tuple[DevolvedSource, ...] = ()

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def edition_of(self, area_type: str) -> Edition:
        """The report an area of this level gets (its ``edition`` in levels.yaml; without one, the JSNA chapter)."""
        return self.editions[self.levels[area_type].edition or DEFAULT_EDITION]

    def section_of(self, indicator_id: str) -> str | None:
        """The report section of a tidy-frame indicator id (None: not a catalogue indicator)."""
        entry = next((e for e in self.catalogue.entries if e.frame_id == str(indicator_id)), None)
        return entry.section if entry else None


def parse_sections(raw: dict, where: str, *, part: str = "sections") -> tuple[Section, ...]:
    """The ``sections`` (or ``template_sections``) of ``report_sections.yaml``, each checked for its fields."""
    items = (raw or {}).get(part, [] if part != "sections" else None)
    if not isinstance(items, list):
        raise InputError(f"{where}: no '{part}:' list")
    required = ("key", "title", "intro") if part == "sections" else ("key", "title")
    sections, seen = [], set()
    for position, item in enumerate(items, start=1):
        at = f"{where} section {item.get('key', position) if isinstance(item, dict) else position}"
        check_entry(item, allowed=SECTION_FIELDS, required=required, where=at)
        if item["key"] in seen:
            raise InputError(f"{at}: duplicate key")
        seen.add(item["key"])
        sections.append(Section(key=str(item["key"]), title=str(item["title"]),
                                intro=" ".join(str(item.get("intro", "")).split()),
                                kind=str(item.get("kind", "topic" if part == "sections" else "template")),
                                trend_chart=bool(item.get("trend_chart", False)),
                                spine=bool(item.get("spine", True)),
                                indicators=_section_indicators(item.get("indicators"), at)))
    return tuple(sections)


def _section_indicators(raw, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``indicators:`` of a section: each part to one catalogue id or a list of them."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise InputError(f"{where}: indicators: must map each part to a catalogue id or a list of them")
    parts = []
    for part, ids in raw.items():
        ids = (ids,) if isinstance(ids, str) else ids
        if not isinstance(ids, list | tuple) or not ids or not all(isinstance(i, str) and i for i in ids):
            raise InputError(f"{where}: indicators: {part} must be a catalogue id or a list of them, not {ids!r}")
        parts.append((str(part), tuple(ids)))
    return tuple(parts)


def _profile(path: Path) -> dict[str, dict]:
    raw = read_registry(path, "demo profile") or {}
    for key, setting in raw.items():
        check_entry(setting, allowed=PROFILE_FIELDS, required=("england", "periods"), where=f"{path} indicator {key}")
        if setting["periods"] not in PROFILE_PERIODS:
            raise InputError(f"{path} indicator {key}: periods '{setting['periods']}' is not one of "
                             f"{', '.join(sorted(PROFILE_PERIODS))}")
    return raw


def load_registries(data_sources: Path | None = None, *, demo_profile: Path = DEMO_PROFILE_PATH) -> Registries:
    """Read every registry under ``data_sources`` (default: the one in use) and check their references."""
    folder = Path(data_sources or data_sources_dir()).resolve()
    comparators_path, sections_file = folder / "comparators.yaml", folder / "report_sections.yaml"
    raw_sections = read_registry(sections_file, "report sections")
    if not comparators_path.is_file():
        raise InputError(f"{comparators_path}: comparison methods registry not found")
    devolved_countries, devolved_sources = load_devolved(folder / "devolved_sources.yaml")
    loaded = Registries(
        data_sources=folder,
        catalogue=load_catalogue(folder / "indicators.yaml"),
        publishers=load_publishers(folder / "publishers.yaml"),
        comparators=comparator_registry(str(comparators_path)),
        sections=parse_sections(raw_sections, str(sections_file)),
        template_sections=parse_sections(raw_sections, str(sections_file), part="template_sections"),
        upload_kinds=all_kinds(folder / "uploads"),
        demo_profile=_profile(demo_profile),
        levels=LEVELS,
        geography=load_registry(),
        claims=load_claims(folder / "national_claims.yaml"),
        core_measures=load_core_measures(folder / "key_messages.yaml"),
        data_gaps=tuple(_data_gaps(folder)),
        difference=load_difference_rule(folder / "key_messages.yaml"),
        editions=parse_editions(raw_sections, str(sections_file)),
        devolved_countries=devolved_countries,
        devolved_sources=devolved_sources,
    )
    check_references(loaded, demo_profile=demo_profile)
    return loaded


def _data_gaps(folder: Path) -> list[DataGap]:
    """The data-gaps registry of ``folder``; a copy of the registries without one has no gaps."""
    path = folder / "data_gaps.yaml"
    return load_data_gaps(path) if path.is_file() else []


@lru_cache(maxsize=4)
def _cached(folder: Path) -> Registries:
    return load_registries(folder)


def registries() -> Registries:
    """The registries in use (``JSNA_DATA_SOURCES`` or the shipped ones), loaded and checked once."""
    return _cached(data_sources_dir())  # already absolute (resolved there): no file system call per question


def check_registries() -> None:
    """Start-up check of every command: raise the first broken reference as one InputError line."""
    registries()


def _one_of(values) -> str:
    return ", ".join(sorted(str(v) for v in values)) or "none"


def check_references(loaded: Registries, *, demo_profile: Path = DEMO_PROFILE_PATH) -> None:
    """Every reference between registries; the first broken one is an InputError naming file, key and value."""
    folder = loaded.data_sources
    catalogue_file, sections_file = folder / "indicators.yaml", folder / "report_sections.yaml"
    publishers_file, comparators_file = folder / "publishers.yaml", folder / "comparators.yaml"
    sections, template_sections = {s.key for s in loaded.sections}, {s.key for s in loaded.template_sections}
    indicator_sections = sections | template_sections
    if clash := sorted(sections & template_sections):
        raise InputError(f"{sections_file}: section {clash[0]} is both a topic and a template section")
    comparators = set(loaded.comparators)

    implemented = implemented_methods()
    if unimplemented := sorted(comparators - implemented):
        raise InputError(f"{comparators_file}: method {unimplemented[0]} has no implementation in "
                         f"assessment/stats/compare.py (implemented: {_one_of(implemented)})")
    if unregistered := sorted(implemented - comparators):
        raise InputError(f"{comparators_file}: method {unregistered[0]} (implemented in "
                         "assessment/stats/compare.py) is not registered")

    check_editions(loaded.editions, sections, loaded.levels, str(sections_file))
    for section in loaded.sections:
        if not (SECTION_MODULES / f"{section.kind}.py").is_file():
            raise InputError(f"{sections_file}: section {section.key}: kind '{section.kind}' has no module "
                             f"assessment/report/sections/{section.kind}.py")

    frame_ids = {e.frame_id for e in loaded.catalogue.entries}
    for section in loaded.sections:
        for part, ids in section.indicators:
            if unknown := [i for i in ids if i not in frame_ids]:
                raise InputError(f"{sections_file}: section {section.key}: indicators: {part}: '{unknown[0]}' has "
                                 f"no entry in {catalogue_file}")
    for entry in loaded.catalogue.entries:
        at = f"{catalogue_file}: indicator {entry.key}"
        if entry.section not in indicator_sections:
            raise InputError(f"{at}: unknown section '{entry.section}' (sections in {sections_file}: "
                             f"{_one_of(indicator_sections)})")
        if entry.comparator not in comparators:
            raise InputError(f"{at}: unknown comparator '{entry.comparator}' (methods in {comparators_file}: "
                             f"{_one_of(comparators)})")
        if entry.source != "fingertips" and entry.source not in loaded.publishers:
            raise InputError(f"{at}: unknown source '{entry.source}' (fingertips, or a publisher in "
                             f"{publishers_file}: {_one_of(loaded.publishers)})")
        derived = getattr(entry, "derived_from", None)  # made from other indicators, not read from the file
        for part in ("numerator", "denominator"):
            if derived and derived.get(part) not in frame_ids:
                raise InputError(f"{at}: derived_from {part} '{derived.get(part)}' is not an indicator of "
                                 f"{catalogue_file}")
        if (entry.source in loaded.publishers and not derived
                and entry.frame_id not in loaded.publishers[entry.source]["indicators"]):
            raise InputError(f"{at}: its source {entry.source} does not list indicator {entry.frame_id} "
                             f"under indicators in {publishers_file}")

    check_publisher_rules(loaded.publishers, load_precedence(publishers_file), publishers_file)
    for key, spec in loaded.publishers.items():
        for indicator in spec["indicators"]:
            if indicator not in frame_ids:
                raise InputError(f"{publishers_file}: publisher {key}: indicator '{indicator}' has no entry in "
                                 f"{catalogue_file} (it would fall out of every report section)")
        for area_type in spec.get("only_area_types", []):
            if area_type not in loaded.levels:
                raise InputError(f"{publishers_file}: publisher {key}: unknown area type '{area_type}' in "
                                 f"only_area_types (levels: {_one_of(loaded.levels)})")

    upload_ids: dict[str, str] = {}
    for kind in loaded.upload_kinds.values():
        at = f"{folder / 'uploads' / (kind.kind + '.yaml')}: kind {kind.kind}"
        if kind.section not in sections:
            raise InputError(f"{at}: unknown section '{kind.section}' (sections in {sections_file}: "
                             f"{_one_of(sections)})")
        for area_type in kind.area_types:
            if area_type not in loaded.levels:
                raise InputError(f"{at}: unknown area type '{area_type}' (levels: {_one_of(loaded.levels)})")
        for indicator in kind.indicators:
            comparator = indicator.get("comparator", "none")
            if comparator not in comparators:
                raise InputError(f"{at}: indicator {indicator['id']}: unknown comparator '{comparator}' "
                                 f"(methods in {comparators_file}: {_one_of(comparators)})")
            if indicator["id"] in frame_ids or indicator["id"] in upload_ids:
                other = upload_ids.get(indicator["id"], f"an indicator of {catalogue_file}")
                raise InputError(f"{at}: indicator id {indicator['id']} is already used by {other}")
            upload_ids[indicator["id"]] = f"upload kind {kind.kind}"

    gaps_file = folder / "data_gaps.yaml"
    for gap in loaded.data_gaps:
        at = f"{gaps_file}: gap {gap.key}"
        if gap.upload_kind and gap.upload_kind not in loaded.upload_kinds:
            raise InputError(f"{at}: unknown upload kind '{gap.upload_kind}' (kinds in {folder / 'uploads'}: "
                             f"{_one_of(loaded.upload_kinds)})")
        if gap.section and gap.section not in sections:
            raise InputError(f"{at}: unknown section '{gap.section}' (sections in {sections_file}: "
                             f"{_one_of(sections)})")

    profile_keys = set(loaded.demo_profile)
    catalogue_keys = {e.key for e in loaded.catalogue.entries}
    if unknown := sorted(profile_keys - catalogue_keys):
        raise InputError(f"{demo_profile}: indicator '{unknown[0]}' is not a key of {catalogue_file}")
    for entry in loaded.catalogue.fingertips():
        if entry.key not in profile_keys:
            raise InputError(f"{demo_profile}: no demo settings for Fingertips indicator '{entry.key}' of "
                             f"{catalogue_file} (the demo generates every Fingertips indicator)")

    _check_devolved(loaded, folder / "devolved_sources.yaml")
    _check_claims(loaded, sections_file)
    _check_levels(loaded.levels, loaded.geography)


def _check_devolved(loaded: Registries, path: Path) -> None:
    """Each devolved source replaces known catalogue sources and names known catalogue indicators."""
    known = {"fingertips", *loaded.publishers}
    keys = {e.key for e in loaded.catalogue.entries}
    for source in loaded.devolved_sources:
        if unknown := [s for s in source.replaces if s not in known]:
            raise InputError(f"{path}: source {source.key}: replaces unknown source '{unknown[0]}' "
                             f"(fingertips or a key of {loaded.data_sources / 'publishers.yaml'})")
        if unknown := [k for k in source.indicators if k not in keys]:
            raise InputError(f"{path}: source {source.key}: unknown indicator '{unknown[0]}' "
                             f"(keys of {loaded.data_sources / 'indicators.yaml'})")


def _check_claims(loaded: Registries, sections_file: Path) -> None:
    """Intros cite only registered claims, every claim is cited, and core measures name catalogue keys."""
    folder = loaded.data_sources
    cited = set()
    for section in loaded.sections:
        for key in cited_claims(section.intro):
            if key not in loaded.claims:
                raise InputError(f"{sections_file}: section {section.key}: cites unknown claim '{key}' "
                                 f"(claims in {folder / 'national_claims.yaml'}: {_one_of(loaded.claims)})")
            cited.add(key)
    if uncited := sorted(set(loaded.claims) - cited):
        raise InputError(f"{folder / 'national_claims.yaml'}: claim {uncited[0]} is cited by no intro in "
                         f"{sections_file}")
    keys = {e.key for e in loaded.catalogue.entries}
    for measure in loaded.core_measures:
        if unknown := [k for k in measure.indicators if k not in keys]:
            raise InputError(f"{folder / 'key_messages.yaml'}: measure {measure.key}: '{unknown[0]}' is not a key "
                             f"of {folder / 'indicators.yaml'}")


def _check_levels(levels: dict[str, Level], geography: dict) -> None:
    """Each level's lookup and boundary datasets exist in the geography registry for the default vintage."""
    vintage = str(geography.get("default_vintage", ""))
    lookups, boundaries = geography.get("lookups", {}), geography.get("boundaries", {})
    for level in levels.values():
        at = f"{LEVELS_PATH}: level {level.key}"
        if level.lookup:
            role = lookups.get(level.lookup.role)
            if role is None:
                raise InputError(f"{at}: lookup '{level.lookup.role}' is not a lookup of {REGISTRY_PATH} "
                                 f"({_one_of(lookups)})")
            for column in (level.lookup.code, level.lookup.name):
                if column not in role.get("columns", []):
                    raise InputError(f"{at}: column '{column}' is not a column of lookup {level.lookup.role} "
                                     f"in {REGISTRY_PATH}")
            if vintage not in role.get("vintages", {}):
                raise InputError(f"{at}: lookup {level.lookup.role} has no default vintage {vintage} in "
                                 f"{REGISTRY_PATH}")
        if level.boundary and level.boundary not in boundaries:
            raise InputError(f"{at}: boundary '{level.boundary}' is not a boundary dataset of {REGISTRY_PATH} "
                             f"({_one_of(boundaries)})")
