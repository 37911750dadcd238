"""Turn a valid upload into tidy-frame rows: provenance, the indicator's own method, disclosure control."""

from __future__ import annotations

from datetime import datetime, UTC
from pathlib import Path

import pandas as pd
from rich.console import Console

from ..stats.disclosure import geography_relations, hierarchy_columns, hierarchy_groups, suppress
from ..core.errors import InputError
from ..core.atomic_files import sha256_of
from ..tidy.frame import KEY_COLUMNS, concat_frames, new_frame, validate_frame
from ..geography import geography_from_files
from ..core.levels import DISTRICT_LEVEL, total_levels
from ..inputs.periods import parse_period
from ..stats import add_intervals, aggregate
from .numbers import parse_count
from .schema import load_kind
from .validate import validate_upload

console = Console(stderr=True, soft_wrap=True, highlight=False)


def load_upload(path: Path, kind: str | None, geography, *, uploaded_at: datetime | None = None) -> pd.DataFrame:
    """Tidy rows from a valid upload; an invalid one raises InputError (nothing reaches a report).

    Counts 1 to 4 (the kind's disclosure rule) and any cell that would reveal
    them are suppressed here, before aggregation and before any output.
    """
    return _frame_from_report(_valid_report(Path(path), kind, geography), geography, uploaded_at)


def _valid_report(path: Path, kind: str | None, geography):
    report = validate_upload(path, kind, geography)
    if not report.ok:
        first = report.problems[0].line()
        raise InputError(f"{path}: {len(report.problems)} problem(s), nothing loaded; first: {first}")
    return report


def _frame_from_report(report, geography, uploaded_at: datetime | None) -> pd.DataFrame:
    path = report.path
    spec = report.kind
    sheet = report.sheet
    header = [h.strip().lower() for h in sheet.header]
    table = pd.DataFrame([row[: len(header)] + [""] * (len(header) - len(row)) for row in sheet.rows],
                         columns=header)
    table = table[(table != "").any(axis=1)]
    names = geography.areas.set_index("code")
    codes = table["area_code"].str.upper()
    start_end = table["period"].map(parse_period)
    digest = sha256_of(path)
    stamp = uploaded_at or datetime.now(UTC)
    frames = []
    for indicator in spec.indicators:
        if indicator["numerator"] not in table or indicator["denominator"] not in table:
            continue  # an optional column left out of the file: that indicator has no rows
        counts = _counts(table[indicator["numerator"]])
        denominators = _counts(table[indicator["denominator"]])
        present = counts.notna() & denominators.notna()
        category = table[spec.category] if spec.category else pd.Series("", index=table.index)
        frames.append(pd.DataFrame({
            "indicator_id": indicator["id"], "indicator_name": indicator["name"],
            "source": f"Local upload: {spec.title}", "area_code": codes, "area_name": codes.map(names["name"]),
            "area_type": codes.map(names["area_type"]), "period": table["period"],
            "period_start": start_end.str[0], "period_end": start_end.str[1],
            "category_type": spec.column(spec.category).title if spec.category else "", "category": category,
            "count": counts, "denominator": denominators, "value_type": indicator["value_type"],
            "multiplier": float(indicator["multiplier"]), "unit": indicator.get("unit", ""),
            "polarity": indicator["polarity"], "comparator_method": indicator.get("comparator", "none"),
            "ci_method": indicator["ci_method"],
            "source_url": f"{path.name} (sheet {sheet.name})", "retrieved_at": stamp,
            "vintage": f"sha256:{digest}",
        })[present])
    if not frames:
        raise InputError(f"{path}: no indicator of '{spec.kind}' can be worked out from the columns given")
    frame = with_parent_totals(new_frame(pd.concat(frames, ignore_index=True)), geography)
    rule = spec.disclosure
    grouped = hierarchy_columns(frame, geography)
    frame = suppress(grouped, group_sets=hierarchy_groups(), relations=geography_relations(grouped, geography),
                     low=int(rule.get("suppress_from", 1)),
                     high=int(rule.get("suppress_to", 4)),
                     complement=bool(rule.get("suppress_complement", True)))[frame.columns]
    return validate_frame(add_intervals(frame), where=str(path))


def provided_rows(report) -> list[list]:
    """A valid ``provides: similar_areas`` upload as [area_code, rank, similar_code, period] rows, checked.

    A force listed as its own neighbour, or twice for one force, is refused naming the row.
    """
    sheet = report.sheet
    header = [h.strip().lower() for h in sheet.header]
    rows: list[list] = []
    seen: dict[tuple[str, str], int] = {}
    for offset, row in enumerate(sheet.rows):
        cells = dict(zip(header, row))
        if not any(cells.values()):
            continue
        number = sheet.first_row + offset
        area, other = cells["area_code"].upper(), cells["similar_force_code"].upper()
        where = f"{report.path} sheet {sheet.name!r} row {number}"
        if other == area:
            raise InputError(f"{where} column similar_force_code: {other} is the force itself")
        if (area, other) in seen:
            raise InputError(f"{where} column similar_force_code: {other} is listed for {area} already (row "
                             f"{seen[area, other]})")
        seen[area, other] = number
        rank = int(parse_count(cells["rank"]))
        if rank < 1:
            raise InputError(f"{where} column rank: {rank} is not a rank (1 is the most similar)")
        rows.append([area, rank, other, cells.get("period", "")])
    return rows


def _counts(cells: pd.Series) -> pd.Series:
    """A validated count column as numbers, read by the same parser validation used (empty cells missing)."""
    return cells.map(lambda text: float(parse_count(text)) if text else float("nan")).astype(float)


def with_parent_totals(frame: pd.DataFrame, geography) -> pd.DataFrame:
    """Add the totals of uploaded districts for every level reports are written for (true counts).

    Totals are built before disclosure control so that suppression sees every
    figure that will be published and can hide whatever a subtraction would
    reveal; a total the upload gives itself is kept as given.
    """
    districts = frame[frame["area_type"] == DISTRICT_LEVEL.key]
    if districts.empty:
        return frame
    totals = concat_frames([aggregate(districts, geography.rollup_lookup(level), level) for level in total_levels()])
    if totals.empty:
        return frame
    present = pd.MultiIndex.from_frame(frame[KEY_COLUMNS])
    totals = totals[~pd.MultiIndex.from_frame(totals[KEY_COLUMNS]).isin(present)]
    return concat_frames([frame, totals[totals["value"].notna()]])


def load_uploads_for_build(uploads: list, lookup_files: dict) -> tuple[list[pd.DataFrame], list[dict]]:
    """Load ``KIND=FILE`` or ``FILE`` uploads for `jsna build`; returns frames and their provenance."""
    geography = geography_from_files(lookup_files)
    frames, meta = [], []
    for item in uploads:
        text = str(item)
        kind, _, file = text.partition("=") if "=" in text and not Path(text).exists() else (None, "", text)
        report = _valid_report(Path(file), kind, geography)
        for note in report.notes:
            console.print(note, markup=False)
        uploaded_at = datetime.now(UTC)
        if report.kind.provides:  # not indicator rows: a table `jsna build` puts beside the frame
            listed = provided_rows(report)
            meta.append({"kind": report.kind.kind, "file": report.path.name, "sha256": sha256_of(report.path),
                         "sheet": report.sheet.name, "rows": len(listed), "provides": report.kind.provides,
                         "listed": listed, "uploaded_at": uploaded_at.isoformat(timespec="seconds")})
            continue
        frame = _frame_from_report(report, geography, uploaded_at)
        frames.append(frame)
        meta.append({"kind": report.kind.kind, "file": report.path.name, "sha256": sha256_of(report.path),
                     "sheet": report.sheet.name, "rows": int(len(frame)),
                     "uploaded_at": uploaded_at.isoformat(timespec="seconds")})
    return frames, meta


__all__ = ["load_kind", "load_upload", "load_uploads_for_build"]
