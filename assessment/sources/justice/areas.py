"""Which rows of a justice table are forces and comparator totals, checked against the force list.

Every row is accounted for: forces (E23 and W15 codes) and the England and
Wales / England totals are returned; regions, the Wales total, British
Transport Police and spacer rows are recognised and left out; any other label
is an error naming its row, and a force with no row is an error naming it.

>>> TOTAL_NAMES["K04000001"]
'England and Wales'
"""

from __future__ import annotations

from dataclasses import dataclass

from ...core.errors import InputError
from .force_names import ForceNames, RowName, split_footnotes
from ...inputs.statistical_tables import Table, text

TOTAL_NAMES = {"K04000001": "England and Wales", "E92000001": "England"}


@dataclass(frozen=True)
class AreaRow:
    """A force or total row: its position in the table body, code, name and footnote numbers."""

    position: int
    code: str
    name: str
    footnotes: tuple[int, ...]
    is_total: bool
    label: str = ""
    combined: tuple[str, ...] = ()


def _area_rows(table: Table, kinds: list[RowName], forces: ForceNames, *, complete: bool) -> list[AreaRow]:
    forces.check_known(kinds, where=table.where, row_numbers=table.row_numbers)
    rows: list[AreaRow] = []
    seen: dict[str, int] = {}
    for position, kind in enumerate(kinds):
        if kind.kind not in ("force", "total", "combined"):
            continue
        for code in kind.code.split("+"):
            if code in seen:
                raise InputError(f"{table.where} rows {table.row_numbers[seen[code]]} and "
                                 f"{table.row_numbers[position]}: two rows for {code} ('{kind.label}')")
            seen[code] = position
            name = TOTAL_NAMES[code] if kind.kind == "total" else forces.name(code)
            together = tuple(kind.code.split("+")) if kind.kind == "combined" else ()
            rows.append(AreaRow(position, code, name, kind.footnotes, kind.kind == "total", kind.label, together))
    if complete:
        forces.check_complete({r.code for r in rows if not r.is_total}, where=table.where)
    return rows


def named_data_row(forces: ForceNames):
    """For :func:`read_table`: a row whose first cell names an area (or a known non-force row), with figures."""
    def check(row: tuple) -> bool:
        kind = forces.classify([row[0]])[0].kind
        return kind in ("force", "total", "region", "skipped") and any(v is not None for v in row[1:])
    return check


def named_rows(table: Table, forces: ForceNames, *, label_column: int = 0, complete: bool = True) -> list[AreaRow]:
    """Rows of a table that names areas only (no codes)."""
    kinds = forces.classify([row[label_column] if len(row) > label_column else None for row in table.body])
    return _area_rows(table, kinds, forces, complete=complete)


def coded_rows(table: Table, forces: ForceNames, *, complete: bool = True) -> list[AreaRow]:
    """Rows of an ONS table with the area code in the first column and the name in the second.

    A force row's name must be that code's force in some style (a misaligned or
    renamed row is an error); rows without a code are told apart by name.
    """
    kinds = []
    for position, row in enumerate(table.body):
        code = text(row[0]) if row else ""
        label, notes = split_footnotes(row[1] if len(row) > 1 else None)
        together = [forces.code(part) for part in label.split(" / ")] if " / " in label else []
        known = [part for part in together if part]
        if together and len(known) == len(together):  # "City of London / Metropolitan Police": one figure for both
            kinds.append(RowName("combined", "+".join(known), label, notes))
        elif code[:3] in ("E23", "W15"):
            if code not in forces.names:
                raise InputError(f"{table.where} row {table.row_numbers[position]}: {code} is not a police force "
                                 "area of the lookup the bundle is built with")
            named = forces.code(label)
            if named != code:
                raise InputError(f"{table.where} row {table.row_numbers[position]}: {code} is named '{label}', "
                                 f"not {forces.name(code)} (a force renamed or a row out of place?)")
            kinds.append(RowName("force", code, label, notes))
        elif code in TOTAL_NAMES:
            kinds.append(RowName("total", code, label, notes))
        elif code[:3] in ("E12", "W92"):
            kinds.append(RowName("region" if code.startswith("E12") else "skipped", code, label, notes))
        elif code:
            raise InputError(f"{table.where} row {table.row_numbers[position]}: area code {code!r} "
                             "is not a force, region or total code")
        else:
            kinds.append(forces.classify([row[1] if len(row) > 1 else None])[0])
    return _area_rows(table, kinds, forces, complete=complete)


def total_note(table: Table, row: AreaRow, withheld: list[str], title_notes: tuple[int, ...]) -> str:
    """What a comparator total includes or leaves out, in the publisher's words.

    The total row's own footnotes, and the table-title footnotes that name a
    force whose figures are withheld (e.g. "All tables exclude Lancashire ...").
    """
    if row.combined:
        names = " and ".join(row.label.split(" / "))
        return f"Published for {names} together; this is their combined figure."
    if not row.is_total:
        return ""
    numbers = list(row.footnotes)
    for number in title_notes:
        note = table.notes.get(number, "")
        if any(name.lower() in note.lower() for name in withheld) and number not in numbers:
            numbers.append(number)
    published = f"Published as '{row.label}'." if "(" in row.label or " - " in row.label else ""
    return " ".join(part for part in (published, table.notes_text(tuple(numbers))) if part)
