"""Checks a police force report must pass, on the demo force and on a real one (tests/end_to_end/test_force_report.py).

Each takes the rendered documents (and, where it needs to know which figures exist, the bundle) and
fails with the section, table row or phrase that is wrong.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import docx
from pypdf import PdfReader

from assessment.report.area_data import AreaData
from assessment.bundles.bundle import open_bundle

COMMAND = re.compile(r"\bjsna [a-z-]+")


def page_text(page: str) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def sections(page: str) -> dict[str, str]:
    """Each section's text, by its heading: second-level ones, and the topics a police and crime edition's
    parts hold (third level); a part's own text is its introduction."""
    found = {}
    headings = list(re.finditer(r"<h([23])[^>]*>(.*?)</h\1>", page, flags=re.S))
    for n, heading in enumerate(headings):
        end = headings[n + 1].start() if n + 1 < len(headings) else len(page)
        found.setdefault(page_text(heading[2]), page_text(page[heading.end():end]))
    return found


def document_texts(folder: Path) -> dict[str, str]:
    """The HTML, DOCX (paragraphs and tables) and PDF text of a rendered report folder."""
    files = {p.suffix: p for p in folder.iterdir()}
    document = docx.Document(files[".docx"])
    docx_text = [p.text for p in document.paragraphs]
    docx_text += [" | ".join(c.text for c in row.cells) for t in document.tables for row in t.rows]
    return {"html": page_text(files[".html"].read_text(encoding="utf-8")), "docx": "\n".join(docx_text),
            "pdf": "\n".join(page.extract_text() for page in PdfReader(files[".pdf"]).pages)}


def table_rows(folder: Path) -> list[dict[str, str]]:
    """Every body row of every Word table, as {header: cell text}."""
    document = docx.Document(next(folder.glob("*.docx")))
    rows = []
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        rows.extend(dict(zip(header, (c.text for c in row.cells))) for row in table.rows[1:])
    return rows


def check_no_command_text(folder: Path) -> None:
    for kind, text in document_texts(folder).items():
        found = COMMAND.search(text)
        assert found is None, f"{kind} carries a command: {text[max(0, found.start() - 80):found.end() + 40]!r}"


def councils_by_section(bundle_path: Path, area_code: str, councils: dict[str, str]) -> dict[str, set[str]]:
    """For each topic section, the councils (code -> name shown) with a figure for one of its force indicators."""
    bundle = open_bundle(bundle_path)
    data = AreaData(bundle, bundle.geography.resolve(area_code))
    expected = {}
    for section in data.sections():
        rows = data.section_rows(section.key)
        names = set()
        for _, row in rows.iterrows():
            frame = data.tables.indicator(row["indicator_id"])
            same = frame[(frame["period"] == row["period"]) & (frame["sex"] == row["sex"])
                         & (frame["age"] == row["age"]) & frame["area_code"].isin(councils)]
            names |= {councils[c] for c in same.loc[same["value"].notna() | same["suppressed"], "area_code"]}
        expected[section.title] = names
    return expected


def check_councils_in_every_section(page: str, expected: dict[str, set[str]]) -> int:
    """Every council with a figure in a section is named in that section; returns how many sections had some."""
    found = sections(page)
    checked = 0
    for title, names in expected.items():
        if not names:
            continue
        assert title in found, f"no section {title!r}"
        for name in names:
            assert name in found[title], f"{name} is not in section {title!r}"
        checked += 1
    return checked


def council_rows(folder: Path, indicator: str) -> dict[str, dict[str, str]]:
    """The inside-the-force table's rows of one indicator, by council."""
    return {row["Council"]: row for row in table_rows(folder)
            if row.get("Indicator") == indicator and "Council" in row}


def force_row(folder: Path, indicator: str, force_name: str) -> dict[str, str]:
    """The force's benchmark-table row of one indicator."""
    rows = [row for row in table_rows(folder) if row.get("Indicator") == indicator
            and f"{force_name} (95% CI)" in row and "Rank among forces (1 = highest)" in row]
    assert rows, f"no benchmark row for {indicator}"
    return rows[0]


def summed_count(row: dict[str, str], force_name: str) -> int:
    """The summed count a force row gives for a standardised rate it cannot rebuild."""
    cell = row[f"{force_name} (95% CI)"]
    found = re.match(r"([\d,]+) \(crude rate [\d.,]+ per [\d,]+, not age-standardised\)", cell)
    assert found, f"no summed count and crude rate: {cell!r}"
    return int(found[1].replace(",", ""))


def check_rank_for_every_force_value(folder: Path, force_name: str) -> int:
    """Every benchmark row with a force value gives its rank among forces; returns how many rows were ranked."""
    ranked = 0
    for row in table_rows(folder):
        if "Rank among forces (1 = highest)" not in row:
            continue
        value = row[f"{force_name} (95% CI)"]
        if value in ("not aggregable", "no data", "suppressed") or "crude rate" in value:
            assert not re.search(r"highest of \d+", row["Rank among forces (1 = highest)"]), row
            continue
        assert re.search(r"(highest|lowest) of \d+ (English forces|forces in England and Wales)",
                         row["Rank among forces (1 = highest)"]), row
        ranked += 1
    return ranked


def check_summary(page: str, *, mentions: list[str]) -> str:
    summary = sections(page)["Summary and key messages"]
    assert "insufficient data" not in summary.lower()
    assert "No figure for" not in summary
    for phrase in mentions:
        # indicator names are lower-cased inside a sentence ("the figure for deaths related to ...")
        assert phrase.lower() in summary.lower(), f"the summary does not mention {phrase!r}"
    return summary
