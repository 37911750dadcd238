"""`jsna upload-template KIND`: an Excel workbook (instructions, data sheet with validation) and a CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import InputError
from ..core.atomic_files import write_atomic
from .schema import load_kind

# openpyxl is imported where a workbook is written or read: every `jsna build` imports this
# package, and openpyxl took a tenth of a second of its start.
if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation

ROWS_WITH_VALIDATION = 5000


def write_upload_template(kind: str, out_dir: Path, area_codes: list[str] | None = None) -> tuple[Path, Path]:
    """Write ``<kind>.xlsx`` and ``<kind>.csv`` into ``out_dir``; returns both paths.

    ``area_codes`` (optional) fills a hidden Areas sheet that the area-code
    column is validated against; without it, codes are checked for the ONS
    pattern (a letter and eight digits) and fully by ``jsna validate``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    spec = load_kind(kind)
    out_dir = Path(out_dir)
    for path in (out_dir / f"{spec.kind}.xlsx", out_dir / f"{spec.kind}.csv"):
        refuse_unless_blank_template(path)
    out_dir.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    guide = book.active
    guide.title = "Instructions"
    lines = [
        (spec.title, True),
        (spec.description, False),
        (f"Who holds this data: {spec.partner}.", False),
        ("", False),
        ("How to fill in the Data sheet", True),
        ("One row per area and period" + (f" and {spec.category}" if spec.category else "") + ". Do not merge cells, "
         "add formulas, or add or rename columns.", False),
        (f"Periods: {spec.period_format}.", False),
        ("Counts are whole numbers of people or events, 0 or more, written with the digits 0-9 "
         "(commas between thousands are fine: 1,250; no decimals, spaces or other separators).", False),
        ("Small numbers are handled for you: counts of 1 to 4, and any figure that would reveal one, are "
         "never shown in a report or its data appendix. Send the true numbers.", False),
        ("Check the file with: jsna validate FILE", False),
        ("", False),
        ("Columns", True),
    ]
    for column in spec.columns:
        allowed = f" Allowed values: {', '.join(column.allowed)}." if column.allowed else ""
        needed = "required" if column.required else "optional"
        lines.append((f"{column.name} ({needed}): {column.title}. {column.help}{allowed}".strip(), False))
    for row, (text, bold) in enumerate(lines, start=1):
        cell = guide.cell(row=row, column=1, value=text)
        cell.font = Font(bold=bold, size=13 if row == 1 else 11)
        cell.alignment = Alignment(wrap_text=True)
    guide.column_dimensions["A"].width = 110

    data = book.create_sheet("Data")
    for index, column in enumerate(spec.columns, start=1):
        cell = data.cell(row=1, column=index, value=column.name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        data.column_dimensions[get_column_letter(index)].width = max(14, len(column.name) + 4)
        letter = get_column_letter(index)
        span = f"{letter}2:{letter}{ROWS_WITH_VALIDATION}"
        rule = _validation(column, area_codes, book, letter)
        if rule is not None:
            rule.add(span)
            data.add_data_validation(rule)
    data.freeze_panes = "A2"
    # Each file is made in memory and written atomically: a full disk names the file and keeps a good
    # template already there, rather than leaving a truncated workbook in its place.
    xlsx = out_dir / f"{spec.kind}.xlsx"
    workbook = io.BytesIO()
    book.save(workbook)
    write_atomic(xlsx, workbook.getvalue())
    header = io.StringIO(newline="")
    csv.writer(header).writerow(spec.column_names)
    csv_path = write_atomic(out_dir / f"{spec.kind}.csv", header.getvalue().encode("utf-8"))
    return xlsx, csv_path


def refuse_unless_blank_template(path: Path) -> None:
    """Refuse to replace ``path`` unless it is absent or a blank template (a header and no data rows).

    A template someone has filled in is their work, not ours: it is never replaced.
    """
    if not path.exists():
        return
    why = _filled_in(path)
    if why:
        raise InputError(f"{path}: {why}; jsna only replaces a blank template it wrote: move the file "
                         "or choose another --out")


def _filled_in(path: Path) -> str | None:
    """Why ``path`` is not a blank template (None when it is one)."""
    try:
        if path.suffix == ".csv":
            with open(path, encoding="utf-8-sig", newline="") as handle:
                rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
        else:
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True, data_only=True)
            try:
                if "Data" not in book.sheetnames:
                    return "has no Data sheet, so it is not a template jsna wrote"
                rows = []
                for row in book["Data"].iter_rows(values_only=True):
                    if any(cell not in (None, "") for cell in row):
                        rows.append(row)
                    if len(rows) > 1:
                        break
            finally:
                book.close()
    except Exception as exc:  # noqa: BLE001 - any file we cannot read as a template is not ours to replace
        return f"cannot be read as a template ({type(exc).__name__})"
    return "has rows filled in" if len(rows) > 1 else None


def _validation(column, area_codes, book, letter) -> DataValidation | None:
    from openpyxl.worksheet.datavalidation import DataValidation

    if column.type == "count":
        return DataValidation(type="whole", operator="between", formula1="0", formula2=str(column.maximum),
                              allow_blank=not column.required, showErrorMessage=True,
                              errorTitle="Whole number needed",
                              error=f"Enter a whole number from 0 to {column.maximum:,}.")
    if column.type == "category" and column.allowed:
        return DataValidation(type="list", formula1='"' + ",".join(column.allowed) + '"', allow_blank=False,
                              showErrorMessage=True, error="Choose a value from the list.")
    if column.type == "area_code":
        if area_codes:
            areas = book.create_sheet("Areas")
            areas.sheet_state = "hidden"
            for row, code in enumerate(area_codes, start=1):
                areas.cell(row=row, column=1, value=code)
            return DataValidation(type="list", formula1=f"=Areas!$A$1:$A${len(area_codes)}", allow_blank=False,
                                  showErrorMessage=True, error="Enter an ONS area code from the list.")
        return DataValidation(type="textLength", operator="equal", formula1="9", allow_blank=False,
                              showErrorMessage=True, error="An ONS area code has 9 characters, e.g. E08000035.")
    if column.type == "period":
        return DataValidation(type="textLength", operator="between", formula1="4", formula2="9", allow_blank=False,
                              showErrorMessage=True, error="Use a period such as 2024/25, 2024 or 2024-Q2.")
    return None
