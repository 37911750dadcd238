"""Upload kinds: one YAML file per kind under ``data_sources/uploads/`` (adding a kind is adding a file).

>>> kind = load_kind("continuity_of_care_audit")
>>> [c.name for c in kind.columns][:3], kind.key
(['area_code', 'period', 'released_with_need'], ('area_code', 'period'))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ..core.errors import InputError
from ..core.paths import data_sources_dir
from ..core.registry_fields import SAFE_LOADER

COLUMN_TYPES = {"area_code", "period", "count", "category"}
KIND_FIELDS = {"kind", "title", "partner", "section", "description", "period_format", "area_types", "columns",
               "key", "checks", "indicators", "disclosure", "category", "provides"}
#: What a kind without indicators gives `jsna build` instead (``provides:``): rows of the similar-areas
#: table (:mod:`assessment.bundles.similar_areas`), such as HMICFRS's most similar groups of forces.
PROVIDES = ("similar_areas",)
COLUMN_FIELDS = {"name", "title", "type", "required", "help", "allowed", "maximum"}
INDICATOR_FIELDS = {"id", "name", "numerator", "denominator", "value_type", "multiplier", "unit", "ci_method",
                    "polarity", "comparator"}


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    type: str
    required: bool = True
    help: str = ""
    allowed: tuple[str, ...] = ()
    maximum: int | None = None     # counts: the largest plausible value


@dataclass(frozen=True)
class UploadKind:
    kind: str
    title: str
    partner: str
    section: str
    description: str
    period_format: str
    area_types: tuple[str, ...]
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    indicators: tuple[dict, ...]
    checks: tuple[dict, ...] = ()
    category: str | None = None
    disclosure: dict = field(default_factory=lambda: {"suppress_from": 1, "suppress_to": 4})
    provides: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def count_checks(self) -> tuple[dict, ...]:
        """The stated checks, plus "numerator cannot exceed denominator" for every proportion indicator.

        >>> [(c["numerator"], c["denominator"]) for c in load_kind("liaison_diversion").count_checks]
        [('referred_on', 'assessed')]
        """
        pairs = {(c["numerator"], c["denominator"]) for c in self.checks}
        implied = tuple({"numerator": i["numerator"], "denominator": i["denominator"]} for i in self.indicators
                        if i["value_type"] == "proportion" and (i["numerator"], i["denominator"]) not in pairs)
        return tuple(self.checks) + implied

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _check_fields(item: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise InputError(f"{where}: unknown field(s) {', '.join(map(str, unknown))} "
                         "(free text containing commas must be quoted in YAML)")


def _parse(path: Path) -> UploadKind:
    where = str(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise InputError(f"{where}: not valid YAML ({' '.join(str(exc).split())})") from None
    _check_fields(raw, KIND_FIELDS, where)
    columns = []
    for i, column in enumerate(raw["columns"], start=1):
        _check_fields(column, COLUMN_FIELDS, f"{where} column {i}")
        if column["type"] not in COLUMN_TYPES:
            raise InputError(f"{where} column {column['name']}: unknown type {column['type']!r}")
        maximum = column.get("maximum")
        if column["type"] == "count" and not (isinstance(maximum, int) and maximum > 0):
            raise InputError(f"{where} column {column['name']}: a count column needs a whole-number 'maximum' "
                             "(the largest plausible count)")
        columns.append(Column(column["name"], column["title"], column["type"], column.get("required", True),
                              column.get("help", ""), tuple(column.get("allowed", ())), maximum))
    names = {c.name for c in columns}
    if raw.get("provides") is not None and raw["provides"] not in PROVIDES:
        raise InputError(f"{where}: provides {raw['provides']!r} is not one of {', '.join(PROVIDES)}")
    if not raw.get("indicators") and not raw.get("provides"):
        raise InputError(f"{where}: lists no indicators (and provides nothing else)")
    for i, indicator in enumerate(raw.get("indicators") or [], start=1):
        _check_fields(indicator, INDICATOR_FIELDS, f"{where} indicator {i}")
        for part in ("numerator", "denominator"):
            if indicator[part] not in names:
                raise InputError(f"{where} indicator {indicator['id']}: {part} column {indicator[part]!r} is not defined")
    return UploadKind(
        kind=raw["kind"], title=raw["title"], partner=raw["partner"], section=raw["section"],
        description=" ".join(raw["description"].split()), period_format=raw["period_format"],
        area_types=tuple(raw["area_types"]), columns=tuple(columns), key=tuple(raw["key"]),
        indicators=tuple(raw.get("indicators") or ()), checks=tuple(raw.get("checks", ())), category=raw.get("category"),
        disclosure=raw.get("disclosure", {"suppress_from": 1, "suppress_to": 4}), provides=raw.get("provides"),
    )


def uploads_dir() -> Path:
    """The folder of upload kinds in use (under :func:`assessment.core.paths.data_sources_dir`)."""
    return data_sources_dir() / "uploads"


def all_kinds(folder: Path | None = None) -> dict[str, UploadKind]:
    """Every registered upload kind, by name."""
    return dict(_kinds_in(Path(folder or uploads_dir()).resolve()))


@lru_cache(maxsize=4)
def _kinds_in(folder: Path) -> tuple[tuple[str, UploadKind], ...]:
    kinds = {}
    for path in sorted(folder.glob("*.yaml")):
        kind = _parse(path)
        if kind.kind != path.stem:
            raise InputError(f"{path}: kind {kind.kind!r} must match the file name {path.stem!r}")
        kinds[kind.kind] = kind
    return tuple(kinds.items())


def load_kind(name: str) -> UploadKind:
    """One upload kind; an unknown name lists the known ones."""
    kinds = all_kinds()
    if name not in kinds:
        raise InputError(f"unknown upload kind '{name}'; known kinds: {', '.join(kinds)}")
    return kinds[name]
