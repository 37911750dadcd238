"""The similar-areas table a bundle carries: each council's and each force's most similar areas.

`jsna build` reads ONS's similar local authorities workbook
(:mod:`assessment.sources.ons_similar_areas`) and writes one tidy table into
the bundle (:data:`COLUMNS`), one row per area and neighbour:

- a council's neighbours are the workbook's, for the model of
  ``data_sources/similar_areas.yaml`` (global by default), mapped to the
  report's geography through the crosswalk (``boundaries/code_changes.csv``):
  a code recoded since is followed to the report's code; a council of the
  report's geography the workbook does not list (one reorganised after the
  workbook's edition) gets a note and no neighbours;
- a force's neighbours are computed from its councils' table 4 values
  (:mod:`assessment.stats.similar_forces`).

>>> settings = load_settings()
>>> settings.model, settings.councils_shown, settings.forces_shown
('global', 15, 7)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import InputError
from ..core.registry_fields import check_entry, read_registry
from ..geography.crosswalk import code_chains, newer_recodes
from ..core.levels import LEVELS
from ..core.paths import data_sources_dir
from ..stats.similar_forces import DENSITY, RATE, similar_forces
from ..sources.ons_similar_areas import MODELS, SimilarAreasWorkbook

COLUMNS = ["kind", "model", "area_code", "rank", "neighbour_code", "neighbour_name", "in_report", "distance",
           "method"]
#: The levels whose areas get ONS's council neighbours, and the level that gets computed ones.
COUNCIL_LEVELS, FORCE_LEVEL = ("lad", "utla"), "pfa"
ONS_METHOD, COMPUTED_METHOD, UPLOADED_METHOD = "ons", "computed", "uploaded"


@dataclass(frozen=True)
class Settings:
    """``data_sources/similar_areas.yaml`` (see its comments)."""

    model: str
    councils_shown: int
    forces_shown: int
    density: tuple[str, ...]
    key_message: str = ""
    key_messages_shown: int = 0

    def rules(self, variables: list[str]) -> dict[str, str]:
        """How each variable is made into a force's value: ``density`` or ``rate``."""
        return {name: DENSITY if name in self.density else RATE for name in variables}


def settings_path() -> Path:
    return data_sources_dir() / "similar_areas.yaml"


def load_settings(path: Path | None = None) -> Settings:
    """The similar-areas settings, checked (one line naming the file and the field)."""
    path = Path(path or settings_path())
    raw = read_registry(path, "similar-areas settings") or {}
    check_entry(raw, allowed={"model", "councils_shown", "forces_shown", "density", "key_message", "key_messages_shown"},
                required=("model", "councils_shown", "forces_shown"), where=str(path))
    if raw["model"] not in MODELS:
        raise InputError(f"{path}: model '{raw['model']}' is not one of {', '.join(MODELS)}")
    for field in ("councils_shown", "forces_shown"):
        if not isinstance(raw[field], int) or not 1 <= raw[field] <= 20:
            raise InputError(f"{path}: {field} must be a whole number from 1 to 20 (ONS lists 20 neighbours)")
    message = str(raw.get("key_message") or "")
    try:
        message.format(area="", extreme="", indicator="", value="", period="", group="", median="")
    except (KeyError, IndexError, ValueError) as exc:
        raise InputError(f"{path}: key_message names an unknown field ({exc})") from None
    return Settings(raw["model"], raw["councils_shown"], raw["forces_shown"], tuple(raw.get("density") or ()),
                    message.strip(), int(raw.get("key_messages_shown") or 0))


def report_codes(codes: pd.Series, known: set[str], vintage: str) -> pd.Series:
    """Each workbook code's code in the report's geography (NaN when it has none there).

    A code in the geography is itself; an older code of the same area (a
    recode) is followed forward, a newer one back to the vintage's code. A
    merged or split council has no one code: its neighbours cannot be moved.
    """
    forward, same_area = code_chains(str(vintage))
    back = newer_recodes(str(vintage))

    def one(code: str):
        if code in known:
            return code
        for candidate in (forward.get(code) if code in same_area else None, back.get(code)):
            if candidate in known:
                return candidate
        return np.nan

    return codes.map(one)


def council_neighbours(book: SimilarAreasWorkbook, geography, settings: Settings) -> tuple[pd.DataFrame, list[str]]:
    """Every council's neighbours under the settings' model, in the report's codes; and notes."""
    councils = {c for level in COUNCIL_LEVELS for c in geography.codes_of_type(level)}
    known = set(geography.areas["code"])
    rows = book.neighbours[book.neighbours["model"] == settings.model].copy()
    rows["area_code"] = report_codes(rows["area_code"], known, geography.vintage)
    mapped = report_codes(rows["neighbour_code"], known, geography.vintage)
    rows["in_report"] = mapped.notna()
    rows["neighbour_code"] = mapped.fillna(rows["neighbour_code"])
    rows = rows.dropna(subset=["area_code"])
    rows = rows[rows["area_code"].isin(councils)]
    rows["kind"], rows["distance"], rows["method"] = "council", np.nan, ONS_METHOD
    names = dict(zip(geography.areas["code"], geography.areas["name"]))
    without = sorted(councils - set(rows["area_code"]), key=lambda c: names.get(c, c))
    notes = [f"{names.get(code, code)} ({code}) has no nearest neighbours in this edition of ONS's similar local "
             "authorities workbook (its council was created or reorganised after the workbook's boundaries, "
             "December 2024), so its report compares it with England and its region only." for code in without]
    return rows[COLUMNS].reset_index(drop=True), notes


def force_neighbours(book: SimilarAreasWorkbook, geography, populations: dict[str, float],
                     settings: Settings) -> tuple[pd.DataFrame, list[str]]:
    """Every force's most similar forces, computed from its councils (:mod:`assessment.stats.similar_forces`)."""
    pfa = LEVELS[FORCE_LEVEL].lookup
    assert pfa is not None, "levels.yaml: the force level has a lookup"
    members = geography.lads[["lad_code", pfa.code]].set_axis(["council_code", "force_code"], axis=1)
    members = members.dropna().drop_duplicates("council_code")
    variables = book.variables.copy()
    variables["area_code"] = report_codes(variables["area_code"], set(members["council_code"]), geography.vintage)
    variables = variables.dropna(subset=["area_code"]).drop_duplicates("area_code")
    chosen = book.model_variables[settings.model]
    found, left_out = similar_forces(variables, members, pd.Series(populations, dtype=float),
                                     model_variables=chosen, thresholds=book.thresholds,
                                     rules=settings.rules(chosen), count=settings.forces_shown)
    names = dict(zip(geography.areas["code"], geography.areas["name"]))
    found["neighbour_name"] = found["neighbour_code"].map(names)
    found["kind"], found["model"], found["in_report"], found["method"] = "force", settings.model, True, COMPUTED_METHOD
    # Read in every force's methods (it is why a force is missing from the comparison), so it names no report.
    notes = [f"{names.get(code, code)} ({code}) has no similar forces and is in no force's list, as none of its "
             "councils has a value of every variable of the model in the ONS workbook's table 4." for code in left_out]
    return found[COLUMNS], notes


def similar_areas_table(path: Path, geography, populations: dict[str, float]) -> tuple[pd.DataFrame, dict]:
    """The bundle's similar-areas table from the workbook at ``path``, and what the report says of it."""
    from ..sources.ons_similar_areas import read_workbook

    settings = load_settings()
    book = read_workbook(path)
    councils, council_notes = council_neighbours(book, geography, settings)
    forces, force_notes = force_neighbours(book, geography, populations, settings)
    meta = {"model": settings.model, "table": MODELS[settings.model][0], "published": book.published,
            "councils_shown": settings.councils_shown, "forces_shown": settings.forces_shown,
            "variables": book.model_variables[settings.model], "density": list(settings.density),
            "notes": council_notes + force_notes}
    return pd.concat([councils, forces], ignore_index=True), meta


def with_uploaded_groups(table: pd.DataFrame | None, uploads: list[dict], geography) -> tuple[pd.DataFrame, list[str]]:
    """The table with each force an upload lists (HMICFRS's most similar groups) given that list instead.

    ``uploads`` are the bundle's upload records of kinds that provide similar areas
    (``listed``: area_code, rank, similar force code, period). Returns the table
    and the files used, for the report to name.
    """
    names = dict(zip(geography.areas["code"], geography.areas["name"]))
    parts, files = [], []
    for upload in uploads:
        listed = pd.DataFrame(upload["listed"], columns=["area_code", "rank", "neighbour_code", "period"])
        listed["neighbour_name"] = listed["neighbour_code"].map(names)
        listed["kind"], listed["model"], listed["in_report"] = "force", "", True
        listed["distance"], listed["method"] = np.nan, UPLOADED_METHOD
        parts.append(listed[COLUMNS])
        files.append(str(upload["file"]))
    if not parts:
        return (table if table is not None else pd.DataFrame(columns=COLUMNS)), files
    uploaded = pd.concat(parts, ignore_index=True).drop_duplicates(["area_code", "neighbour_code"], keep="last")
    table = table if table is not None else pd.DataFrame(columns=COLUMNS)
    replaced = (table["kind"] == "force") & table["area_code"].isin(set(uploaded["area_code"]))
    return pd.concat([table[~replaced], uploaded], ignore_index=True), files
