"""Ethnicity facts and figures: stop and search rates per 1,000 people, by force and by ethnic group.

Two downloads of one release. The *by area* table has a two-row header (ethnic
group, then "Rate per 1,000"), the England and Wales rates excluding and
including British Transport Police, and one row per force named in its own
style ("Avon & Somerset", "London, City of"); ``N/A`` is "not available". The
*by ethnicity* table gives England and Wales (including BTP) by detailed
ethnic group with the rate and the number of searches ("529,474").

Neither states its year. The by-ethnicity table's national number of searches
identifies the release through ``data_sources/justice/releases.yaml``; the by-area
table is matched to the by-ethnicity table beside it (the same folder, as in a
snapshot) by their identical national rates, and takes its release. Every
row's vintage says so. A release not in the registry is refused, never guessed.

Indicators: ``eff-stop-search-rate`` (forces and England and Wales excluding
BTP; overall and by ethnic group; rates only, so no intervals) and
``eff-stop-search-national`` (England and Wales including BTP, by detailed
ethnic group, with counts).

>>> BROAD_GROUPS
('Asian', 'Black', 'Mixed', 'White', 'Other')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from ...core.errors import InputError
from ...core.paths import DATA_SOURCES_DIR
from ...core.registry_fields import SAFE_LOADER
from ...inputs.recognition import Recognised
from .areas import TOTAL_NAMES
from .eff_csv import SOURCE, first_lines, header_index, number, read_rows
from .force_names import ForceNames, normalise, split_footnotes
from ..records import build_frame, not_available, vintage_of

AREA_KEY, NATIONAL_KEY = "eff_stop_search_by_area", "eff_stop_search_national"
RELEASES_PATH = DATA_SOURCES_DIR / "justice" / "releases.yaml"
BROAD_GROUPS = ("Asian", "Black", "Mixed", "White", "Other")
ETHNICITY, DETAILED = "Ethnicity", "Ethnicity (detailed)"
NOT_AVAILABLE = "Not available: shown as '{marker}' in the Ethnicity facts and figures download"


@dataclass(frozen=True)
class Release:
    period: str
    release: str
    national_searches: int
    confirmed: bool

    def vintage(self, given: str = "") -> str:
        """The rows' vintage, always saying how the release was identified."""
        checked = (", as in the Home Office's release" if self.confirmed else
                   ", which could not yet be confirmed against the Home Office's release")
        if given and given in self.release:  # `jsna import` passes the release it recognised: say it once
            given = ""
        return vintage_of(given, f"{SOURCE}: stop and search", f"{self.release} (the download states no year; it is "
                          f"dated from its national total of {self.national_searches:,} searches{checked})")


@lru_cache(maxsize=2)
def _releases(path: Path = RELEASES_PATH) -> dict[int, Release]:
    with open(path, encoding="utf-8") as handle:
        entries = yaml.load(handle, Loader=SAFE_LOADER)["stop_and_search"]
    return {int(e["national_searches"]): Release(str(e["period"]), e["release"], int(e["national_searches"]),
                                                 bool(e.get("confirmed"))) for e in entries}


def release_for(total: float, where: str) -> Release:
    """The release whose national number of searches is ``total``; a clear refusal if none is listed."""
    found = _releases().get(int(total))
    if found is None:
        raise InputError(f"{where}: no release with a national total of {total:,.0f} searches in {RELEASES_PATH} "
                         "(the download states no year: add the release there, with its year from the Home Office)")
    return found


# ------------------------------------------------------------------ by ethnicity (national)
def _national_columns(header: list[str], path: Path) -> tuple[int, int, int]:
    return (header_index(header, r"^ethnicity$", path, "the ethnic group"),
            header_index(header, r"^rate", path, "the rate per 1,000"),
            header_index(header, r"^number", path, "the number of searches"))


def _national_table(path: Path) -> tuple[list[list[str]], tuple[int, int, int], float]:
    rows = read_rows(path)
    if len(rows) < 2:
        raise InputError(f"{path}: no data rows")
    columns = _national_columns(rows[0], path)
    everyone = next((r for r in rows[1:] if r[columns[0]] == "All"), None)
    total = number(everyone[columns[2]]) if everyone else None
    if total is None:
        raise InputError(f"{path}: no 'All' row with the national number of searches")
    return rows, columns, total


def read_national(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "") -> pd.DataFrame:
    """England and Wales stop and search by (detailed) ethnic group, with rates and counts."""
    path = Path(path)
    rows, (group_col, rate_col, count_col), total = _national_table(path)
    release = release_for(total, str(path))
    records = []
    for row in rows[1:]:
        group = row[group_col]
        rate, count = number(row[rate_col]), number(row[count_col])
        kind, category = ("", "") if group == "All" else (
            (ETHNICITY, group) if group in BROAD_GROUPS + ("Unknown",) else (DETAILED, group))
        record = {"indicator_id": "eff-stop-search-national", "area_code": "K04000001",
                  "area_name": TOTAL_NAMES["K04000001"], "period": release.period,
                  "category_type": kind, "category": category, "count": count}
        if rate is None:
            records.append({**not_available(record, NOT_AVAILABLE.format(marker=row[rate_col])), "count": count})
        else:
            records.append({**record, "value": rate})
    return build_frame(records, source=SOURCE, path=path, source_url=source_url, retrieved_at=retrieved_at,
                       vintage=release.vintage(vintage), where=str(path))


# ---------------------------------------------------------------------------- by area
def _area_header(rows: list[list[str]], path: Path) -> tuple[int, dict[str, int]]:
    if len(rows) < 3:
        raise InputError(f"{path}: no data rows")
    groups, measures = rows[0], rows[1]
    area = header_index(measures, r"police force area", path, "the police force area")
    columns = {}
    for index, group in enumerate(groups):
        if index != area and group:
            if not measures[index].lower().startswith("rate per 1,000"):
                raise InputError(f"{path} row 2 column '{group}': expected 'Rate per 1,000', got {measures[index]!r}")
            columns[group] = index
    if "All" not in columns or not set(BROAD_GROUPS) <= set(columns):
        raise InputError(f"{path}: expected columns All, {', '.join(BROAD_GROUPS)} (found {', '.join(columns)})")
    return area, columns


def _same_release(candidate: Path, national_rates: dict[str, float | None]) -> Release | None:
    """The release of a by-ethnicity table whose national rates are ``national_rates`` (else None)."""
    rows, (group_col, rate_col, _), total = _national_table(candidate)
    rates = {r[group_col]: number(r[rate_col]) for r in rows[1:]}
    if any(rates.get(group) != rate for group, rate in national_rates.items()):
        return None
    return release_for(total, str(candidate))


def _companion(path: Path, national_rates: dict[str, float | None], national: Path | None = None) -> Release:
    """The release of the by-ethnicity table given, or beside ``path``, with the same national rates."""
    if national is not None:
        found = _same_release(Path(national), national_rates)
        if found is None:
            raise InputError(f"{path}: its national rates are not those of {national}: not the same release")
        return found
    for candidate in sorted(Path(path).parent.iterdir()):
        if candidate != Path(path) and candidate.is_file() and recognise_national(candidate) is not None:
            found = _same_release(candidate, national_rates)
            if found is not None:
                return found
    raise InputError(f"{path}: the download states no year, and no by-ethnicity table of the same release "
                     "(columns Ethnicity, Rate of stop and search, Number of stop and searches; the same "
                     "national rates) is beside it to identify the release; put both downloads in one folder")


def read_by_area(path: Path, *, source_url: str = "", retrieved_at=None, vintage: str = "",
                 forces: ForceNames | None = None, national: Path | None = None) -> pd.DataFrame:
    """Stop and search rates per 1,000 by police force area and ethnic group.

    ``national`` is the by-ethnicity table of the same release (default: found beside ``path``).
    """
    path = Path(path)
    forces = forces or ForceNames.default()
    rows = read_rows(path)
    area_col, columns = _area_header(rows, path)
    kinds = forces.classify([row[area_col] for row in rows[2:]])
    numbers = list(range(3, len(rows) + 1))
    forces.check_known(kinds, where=str(path), row_numbers=numbers)
    including = next((r for r, k in zip(rows[2:], kinds) if normalise(k.label) == "all including btp"), None)
    if including is None:
        raise InputError(f"{path}: no 'All - including BTP' row to match the release by")
    national_rates = {group: number(including[index]) for group, index in columns.items()}
    release = _companion(path, national_rates, national)
    records, seen = [], set()
    for row, kind, line in zip(rows[2:], kinds, numbers):
        if kind.kind not in ("force", "total"):
            continue
        if kind.code in seen:
            raise InputError(f"{path} row {line}: a second row for {kind.code} ('{kind.label}')")
        seen.add(kind.code)
        name = TOTAL_NAMES[kind.code] if kind.kind == "total" else forces.name(kind.code)
        note = f"Published as '{split_footnotes(row[area_col])[0]}'." if kind.kind == "total" else ""
        for group, index in columns.items():
            category = ("", "") if group == "All" else (ETHNICITY, group)
            record = {"indicator_id": "eff-stop-search-rate", "area_code": kind.code, "area_name": name,
                      "period": release.period, "category_type": category[0], "category": category[1],
                      "value_note": note}
            rate = number(row[index]) if index < len(row) else None
            records.append(not_available(record, NOT_AVAILABLE.format(marker=row[index] if index < len(row) else ""))
                           if rate is None else {**record, "value": rate})
    forces.check_complete(seen, where=str(path))
    return build_frame(records, source=SOURCE, path=path, source_url=source_url, retrieved_at=retrieved_at,
                       vintage=release.vintage(vintage), where=str(path))


# ------------------------------------------------------------------------ recognisers
def recognise_national(path: Path) -> Recognised | None:
    """The by-ethnicity table (Ethnicity, Rate of stop and search, Number of stop and searches)."""
    lines = first_lines(path, 1)
    if not lines or not any("stop and search" in cell.lower() for cell in lines[0]):
        return None
    try:
        _national_columns(lines[0], path)
        _, _, total = _national_table(path)
    except InputError:
        return None
    known = _releases().get(int(total))
    return Recognised(kind="publisher", key=NATIONAL_KEY, period=known.period if known else "",
                      release=known.release if known else f"release with {total:,.0f} searches (year not stated)")


def recognise_by_area(path: Path) -> Recognised | None:
    """The by-area table (ethnic groups over "Rate per 1,000", then one row per force)."""
    lines = first_lines(path, 3)
    if len(lines) < 3 or not lines[1] or "police force area" not in lines[1][0].lower():
        return None
    try:
        _area_header(lines, path)
    except InputError:
        return None
    try:
        rows = read_rows(path)
        area_col, columns = _area_header(rows, path)
        including = next(r for r in rows[2:] if normalise(r[area_col]) == "all including btp")
        release = _companion(path, {g: number(including[i]) for g, i in columns.items()})
        return Recognised(kind="publisher", key=AREA_KEY, release=release.release, period=release.period)
    except (InputError, StopIteration):
        return Recognised(kind="publisher", key=AREA_KEY, release="year not stated in the file")
