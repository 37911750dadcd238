"""Police force area names as the justice publishers write them, mapped to ONS codes.

The Home Office arrests tables, the ONS tables without codes and the Ethnicity
facts and figures downloads name forces in three styles ("Avon and Somerset" /
"Avon & Somerset", "London, City of" / "City of London", "Metropolitan Police"
/ "Metropolitan Police Service") with footnote markers glued on ("Lancashire2",
"ENGLAND8", "Essex10", "[note 3]"). Names are mapped to codes through the ONS
LAD -> CSP -> PFA lookup the bundle is built with, plus the alias table in
``data_sources/justice/force_names.yaml``; total, region and other rows are
told apart so they are never loaded as forces.

>>> split_footnotes("Greater Manchester8,9"), split_footnotes("Crime [note 2] total")
(('Greater Manchester', (8, 9)), ('Crime total', (2,)))
>>> forces = ForceNames({"E23000034": "London, City of", "E23000036": "Avon and Somerset",
...                      "W15000004": "Dyfed-Powys"})
>>> forces.code("City of London4"), forces.code("AVON & SOMERSET "), forces.code("Dyfed Powys")
('E23000034', 'E23000036', 'W15000004')
>>> [(row.kind, row.code) for row in forces.classify(["ENGLAND8", "North East Region", "", "Gwent"])]
[('total', 'E92000001'), ('region', 'E12000001'), ('blank', ''), ('unknown', '')]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from ...core.errors import InputError
from ...core.paths import DATA_SOURCES_DIR
from ...core.registry_fields import SAFE_LOADER

NAMES_PATH = DATA_SOURCES_DIR / "justice" / "force_names.yaml"
_NOTE = re.compile(r"\s*\[note\s*(\d+)\]", re.IGNORECASE)
_TRAILING_DIGITS = re.compile(r"^(.*?[^\d\s,])[\s]*((?:\d+\s*,\s*)*\d+)\s*$")
_REGION_SUFFIX = re.compile(r"\s+region$")


def split_footnotes(text: object) -> tuple[str, tuple[int, ...]]:
    """A row label without its footnote markers, and the footnote numbers it carried.

    Only for row labels (names of areas): a header such as "Aged 10-17" would
    lose its last number.
    """
    label = " ".join(str(text if text is not None else "").split())
    numbers = [int(n) for n in _NOTE.findall(label)]
    label = " ".join(_NOTE.sub(" ", label).split())
    match = _TRAILING_DIGITS.match(label)
    if match:
        label = match[1].strip()
        numbers += [int(n) for n in re.findall(r"\d+", match[2])]
    return label, tuple(numbers)


def normalise(name: str) -> str:
    """Compare names ignoring case, punctuation, spacing and "&" versus "and"."""
    text = str(name).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@lru_cache(maxsize=4)
def load_name_registry(path: Path = NAMES_PATH) -> dict:
    """The alias, total, skipped-row and region tables (``data_sources/justice/force_names.yaml``)."""
    with open(path, encoding="utf-8") as handle:
        raw = yaml.load(handle, Loader=SAFE_LOADER)
    return {
        "aliases": {normalise(k): v for k, v in raw["aliases"].items()},
        "totals": {normalise(k): v for k, v in raw["totals"].items()},
        "skipped": {normalise(k): v for k, v in raw["skipped"].items()},
        "regions": {normalise(k): v for k, v in raw["regions"].items()},
    }


@dataclass(frozen=True)
class RowName:
    """What a table row is, told from its label.

    ``kind`` is force, total, region, skipped (a row that is not a force, with
    ``reason``), blank (a spacer) or unknown; ``label`` is the name without
    footnote markers and ``footnotes`` the marker numbers.
    """

    kind: str
    code: str
    label: str
    footnotes: tuple[int, ...] = ()
    reason: str = ""


class ForceNames:
    """Force code <-> name, from the ONS lookup's police force areas (England and Wales)."""

    def __init__(self, names: Mapping[str, str], registry: dict | None = None):
        self.names = {code: name for code, name in names.items() if str(code)[:3] in ("E23", "W15")}
        self.registry = registry or load_name_registry()
        self._by_name = {normalise(name): code for code, name in self.names.items()}
        for alias, target in self.registry["aliases"].items():
            code = self._by_name.get(normalise(target))
            if code:
                self._by_name.setdefault(alias, code)

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> ForceNames:
        """From a lookup table with pfa_code/pfa_name columns (or the ONS pfa24_code/pfa24_name)."""
        columns = {c.lower(): c for c in table.columns}
        code = next((columns[c] for c in columns if re.fullmatch(r"pfa(\d{2})?_?c(o)?d(e)?", c)), None)
        name = next((columns[c] for c in columns if re.fullmatch(r"pfa(\d{2})?_?n(a)?m(e)?", c)), None)
        if code is None or name is None:
            raise InputError(f"force lookup: no police force area code/name columns (found {', '.join(table.columns)})")
        pairs = table[[code, name]].dropna().drop_duplicates(code)
        return cls(dict(zip(pairs[code].astype(str).str.strip(), pairs[name].astype(str).str.strip())))

    @classmethod
    def from_lookup_file(cls, path: Path) -> ForceNames:
        """From the ONS LAD -> CSP -> PFA lookup CSV (any layout the geography registry reads)."""
        from ...geography.lookups import read_lookup_csv

        return cls.from_table(read_lookup_csv(Path(path), "lad_csp_pfa"))

    @classmethod
    def default(cls) -> ForceNames:
        """From the registry's 2024 lookup beside the repository (``../shared/data``)."""
        from ...geography.registry import local_path
        from ...core.paths import shared_data_dir

        base = shared_data_dir()
        if base is None:
            raise InputError("force names need the ONS LAD->CSP->PFA lookup: pass "
                             "forces=ForceNames.from_lookup_file(...) (../shared/data is absent)")
        return cls.from_lookup_file(local_path("lookups", "lad_csp_pfa", "2024", base))

    @property
    def codes(self) -> list[str]:
        return sorted(self.names)

    def name(self, code: str) -> str:
        return self.names[code]

    def code(self, name: object) -> str | None:
        """The force code of a name in any publisher's style (footnote markers ignored), or None."""
        label, _ = split_footnotes(name)
        return self._by_name.get(normalise(label))

    def classify(self, labels: Sequence[object]) -> list[RowName]:
        """What each row of a table is, from its label (see the registry file for the rules)."""
        parsed = [split_footnotes(label) for label in labels]
        seen = pd.Series([normalise(label) for label, _ in parsed]).value_counts().to_dict()
        first_done: set[str] = set()
        out = []
        for label, notes in parsed:
            key = normalise(label)
            if not key:
                out.append(RowName("blank", "", label, notes))
                continue
            region_key = _REGION_SUFFIX.sub("", key)
            explicit_region = region_key != key and region_key in self.registry["regions"]
            force = self._by_name.get(key)
            region = self.registry["regions"].get(key)
            if explicit_region:
                out.append(RowName("region", self.registry["regions"][region_key], label, notes))
            elif key in self.registry["totals"]:
                out.append(RowName("total", self.registry["totals"][key], label, notes))
            elif key in self.registry["skipped"]:
                out.append(RowName("skipped", "", label, notes, self.registry["skipped"][key]))
            elif force and region and seen[key] > 1 and key not in first_done:
                first_done.add(key)  # "West Midlands" twice: the region's row comes first
                out.append(RowName("region", region, label, notes))
            elif force:
                out.append(RowName("force", force, label, notes))
            elif region:
                out.append(RowName("region", region, label, notes))
            else:
                out.append(RowName("unknown", "", label, notes))
        return out

    def check_complete(self, found: set[str], *, where: str) -> None:
        """Every force of the lookup has a row; otherwise one line naming the missing forces."""
        missing = [c for c in self.codes if c not in found]
        if missing:
            listed = ", ".join(f"{self.names[c]} ({c})" for c in missing)
            raise InputError(f"{where}: no row for police force area(s) {listed} "
                             "(a force renamed or left out of the table?)")

    def check_known(self, rows: Sequence[RowName], *, where: str, row_numbers: Sequence[int]) -> None:
        """An unrecognised row label is an error naming its row (a force renamed, or a new kind of row)."""
        for row, number in zip(rows, row_numbers):
            if row.kind == "unknown":
                raise InputError(f"{where} row {number}: '{row.label}' is not a police force area, "
                                 "total or region name (a force renamed?)")


def welsh(code: str) -> bool:
    """Whether a force code is one of the four Welsh forces.

    >>> welsh("W15000002"), welsh("E23000003")
    (True, False)
    """
    return str(code).startswith("W15")
