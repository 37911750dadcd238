"""Check an upload and report every problem in one run, each with sheet, row, column and reason.

>>> Problem("up.csv", "CSV", 5, "count", "C", "negative count -3").line()
"up.csv:CSV!C5: column 'count' (C): negative count -3"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..geography.resolution import unknown_code_hint
from ..inputs.periods import NOT_UNDERSTOOD, PeriodError, period_dates
from .numbers import CountError, parse_count
from .reader import CellError, Sheet, get_column_letter, read_upload
from .schema import UploadKind, all_kinds, load_kind

MAX_PROBLEMS_SHOWN = 200


@dataclass(frozen=True)
class Problem:
    """One problem: where it is (file, sheet, row, column) and why."""

    file: str
    sheet: str
    row: int | None
    column: str | None
    letter: str | None
    reason: str

    def line(self) -> str:
        where = f"{self.file}:{self.sheet}"
        if self.row is not None:
            where += f"!{self.letter or ''}{self.row}"
        column = f" column '{self.column}' ({self.letter})" if self.column else ""
        line = f"{where}:{column}: {self.reason}" if column else f"{where}: {self.reason}"
        return " ".join(line.split())  # a header or cell with a line break still gives one line


@dataclass
class ValidationReport:
    path: Path
    kind: UploadKind | None
    sheet: Sheet | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, row: int | None, column: str | None, reason: str, index: int | None = None) -> None:
        letter = get_column_letter(index + 1) if index is not None else None
        self.problems.append(Problem(self.path.name, self.sheet.name if self.sheet else "-", row, column,
                                     letter, reason))

    def lines(self) -> list[str]:
        return [p.line() for p in self.problems]

    @property
    def notes(self) -> list[str]:
        """What the user should know about a file even when it is valid (a hidden data sheet left unread)."""
        notes = self.sheet.notes if self.sheet else []
        return [" ".join(f"{self.path.name}: note: {note}".split()) for note in notes]


def _guess_kind(header: list[str]) -> tuple[UploadKind | None, int]:
    names = {h.strip().lower() for h in header}
    best, score = None, 0
    for kind in all_kinds().values():
        overlap = len(names & set(kind.column_names))
        if overlap > score:
            best, score = kind, overlap
    return best, score


def validate_upload(path: Path, kind: str | None = None, geography=None) -> ValidationReport:
    """Every problem in ``path`` for upload ``kind`` (detected from the headers when not given)."""
    path = Path(path)
    expected = load_kind(kind) if kind else None
    report = ValidationReport(path, expected)
    try:
        sheet = read_upload(path)
    except CellError as exc:
        report.problems.append(Problem(path.name, exc.sheet, exc.row, None, exc.letter, exc.reason))
        return report
    except InputError as exc:
        report.problems.append(Problem(path.name, "-", None, None, None, str(exc).split(": ", 1)[-1]))
        return report
    report.sheet = sheet
    header = [h.strip() for h in sheet.header]
    if not any(header):
        report.add(1, None, "no header row: the first row must hold the column names")
        return report
    guessed, score = _guess_kind(header)
    if expected is None:
        if guessed is None or score == 0:
            report.add(1, None, f"the columns match no upload kind; expected one of: {', '.join(all_kinds())}")
            return report
        expected = report.kind = guessed
    elif guessed is not None and guessed.kind != expected.kind and \
            score > len(set(h.lower() for h in header) & set(expected.column_names)):
        report.add(1, None, f"wrong kind: these columns are a '{guessed.kind}' upload, not '{expected.kind}'")
        return report
    for cell in sheet.merged:
        report.add(None, None, f"merged cells {cell}: unmerge them so every value has its own cell")
    for row, index, formula in sheet.formulas:
        name = header[index] if index < len(header) else None
        report.add(row, name, f"formula {formula[:40]!r}: type the value itself, not a formula", index)
    positions = {}
    for index, name in enumerate(header):
        lowered = name.lower()
        if lowered in positions:
            report.add(1, name, "column appears twice", index)
        positions[lowered] = index
    for column in expected.columns:
        if column.name not in positions and column.required:
            report.add(1, column.name, f"missing column (expected columns: {', '.join(expected.column_names)})")
    for name, index in positions.items():
        if name and name not in expected.column_names:
            report.add(1, header[index], f"extra column not in the '{expected.kind}' template", index)
        if not name:
            report.add(1, None, "a column has no name", index)
    if not sheet.rows:
        report.add(None, None, "no data rows under the header")
        return report
    _check_rows(report, expected, sheet, positions, geography)
    return report


def _check_rows(report, kind: UploadKind, sheet: Sheet, positions: dict, geography) -> None:
    areas = None
    if geography is not None:
        areas = geography.areas.set_index("code")["area_type"].to_dict()
        upper = set(geography.lads["utla_code"])
    seen: dict[tuple, int] = {}
    for offset, row in enumerate(sheet.rows):
        number = sheet.first_row + offset
        if not any(cell for cell in row):
            continue
        values: dict[str, Any] = {}
        same: dict[str, Any] = {}
        for column in kind.columns:
            index = positions.get(column.name)
            if index is None:
                continue
            text = row[index] if index < len(row) else ""
            if not text:
                if column.required:
                    report.add(number, column.name, "empty cell in a required column", index)
                continue
            if column.type == "count":
                try:
                    value = parse_count(text)
                except CountError as exc:
                    report.add(number, column.name, str(exc), index)
                    continue
                if column.maximum is not None and value > column.maximum:
                    shown = text if len(text) <= 20 else f"{text[:12]}... ({len(text)} digits)"
                    report.add(number, column.name, f"count {shown} is more than the plausible maximum "
                               f"{column.maximum:,} for this column", index)
                else:
                    values[column.name] = value
            elif column.type == "period":
                try:
                    same[column.name] = period_dates(text)  # 2024-Q2 and 2024 Q2 are one period
                except PeriodError as exc:
                    reason = f" not understood; use {kind.period_format}" if str(exc) == NOT_UNDERSTOOD else f": {exc}"
                    report.add(number, column.name, f"period {text!r}{reason}", index)
                else:
                    values[column.name] = text
            elif column.type == "area_code":
                code = text.upper()
                if areas is not None and code not in areas:
                    report.add(number, column.name, f"unknown area code {text!r}; {unknown_code_hint(geography, text)}",
                               index)
                elif areas is not None and not _allowed(code, areas[code], upper, kind.area_types):
                    report.add(number, column.name, f"area {code} is a {areas[code]}; this upload takes "
                               f"{', '.join(kind.area_types)}", index)
                else:
                    values[column.name] = code
            elif column.type == "category":
                if column.allowed and text not in column.allowed:
                    report.add(number, column.name, f"{text!r} is not one of: {', '.join(column.allowed)}", index)
                else:
                    values[column.name] = text
        for check in kind.count_checks:
            top, bottom = values.get(check["numerator"]), values.get(check["denominator"])
            if top is not None and bottom is not None and top > bottom:
                reason = check.get("message") or f"{check['numerator']} ({top}) is more than {check['denominator']} ({bottom})"
                report.add(number, check["numerator"], reason, positions.get(check["numerator"]))
        key = tuple(same.get(k, values.get(k)) for k in kind.key)
        if None not in key:
            if key in seen:
                report.add(number, None, f"duplicate of row {seen[key]} ({', '.join(f'{k}={values[k]}' for k in kind.key)})")
            else:
                seen[key] = number


def _allowed(code: str, area_type: str, upper: set, allowed: tuple[str, ...]) -> bool:
    if area_type in allowed:
        return True
    return "utla" in allowed and code in upper  # unitary authorities are upper tier too
