"""Checks of rendered documents in the clients readers use: word boxes in the PDF, a browser, a word processor.

Each helper drives a real program (poppler's ``pdftotext``/``pdftoppm``,
headless Chromium with axe-core, LibreOffice) and returns plain data, so a
test can assert on it and a person can run it by hand:

    python -m tests.support.output_checks demo-output/reports/*/*.pdf     # overlaps, margins, outline per PDF
    python -m tests.support.output_checks demo-output/reports/*/*.html    # axe-core and width at 375 px
    python -m tests.support.output_checks --pages page-images demo-output/reports/*/*.pdf   # PNG of every page

``missing_tool`` names what is not installed, for a clear skip reason; ``needs`` skips a test
with it, or fails the test when ``JSNA_REQUIRE_PUBLICATION_TOOLS=1`` (CI sets it: ``.ci/run``).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = ("apt-get install poppler-utils chromium libreoffice-writer-nogui libreoffice-calc-nogui "
                "(see the README's test set-up)")
#: When "1", a check whose program is missing fails instead of skipping (CI must not skip them silently).
REQUIRE_TOOLS = "JSNA_REQUIRE_PUBLICATION_TOOLS"


def chromium_path() -> str | None:
    """The system Chromium (Debian's ``chromium``), or None."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def libreoffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def missing_tool(kind: str) -> str | None:
    """Why checks of ``kind`` (pdf, browser, word, spreadsheet) cannot run here, or None when they can."""
    if kind == "pdf":
        absent = [tool for tool in ("pdftotext", "pdftoppm") if not shutil.which(tool)]
        return f"poppler's {', '.join(absent)} not installed ({INSTALL_HINT})" if absent else None
    if kind == "browser":
        if not chromium_path():
            return f"no Chromium on PATH ({INSTALL_HINT})"
        try:
            import axe_playwright_python  # noqa: F401
            import playwright  # noqa: F401
        except ImportError:
            return 'playwright / axe-playwright-python not installed (pip install -e ".[test]")'
        return None
    if kind == "word":
        if not libreoffice_path():
            return f"LibreOffice not on PATH ({INSTALL_HINT})"
        return missing_tool("pdf")
    if kind == "spreadsheet":
        if not libreoffice_path():
            return f"LibreOffice not on PATH ({INSTALL_HINT})"
        # Calc is a package of its own: without it LibreOffice opens no workbook ("source file could not be loaded").
        program = Path(os.path.realpath(libreoffice_path())).parent
        return None if any(program.glob("libsclo*")) else f"LibreOffice Calc not installed ({INSTALL_HINT})"
    raise ValueError(kind)


def needs(kind: str) -> None:
    """Skip the calling test when checks of ``kind`` cannot run here; fail it instead under ``REQUIRE_TOOLS``."""
    import pytest

    reason = missing_tool(kind)
    if reason and os.environ.get(REQUIRE_TOOLS) == "1":
        pytest.fail(f"{reason}; {REQUIRE_TOOLS}=1 requires it", pytrace=False)
    if reason:
        pytest.skip(reason)


# ------------------------------------------------------------------ PDF word boxes
@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: tuple[Word, ...]


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>')


def pdf_pages(pdf: Path) -> list[Page]:
    """Every page's size and word boxes in points, from ``pdftotext -bbox``."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for number, match in enumerate(_PAGE.finditer(out), start=1):
        words = tuple(Word(number, html.unescape(w[4]), *map(float, w[:4])) for w in _WORD.findall(match[3]))
        pages.append(Page(number, float(match[1]), float(match[2]), words))
    return pages


def overlapping_words(pages: list[Page]) -> list[tuple[Word, Word]]:
    """Pairs of words printed on top of each other.

    A pair counts when the boxes share more than 30% of the narrower word's
    width and more than half of its height (a word box is never that close to
    a neighbour in typeset text, whose words are separated by a space).
    """
    pairs = []
    for page in pages:
        words = sorted(page.words, key=lambda w: w.y0)
        for i, a in enumerate(words):
            for b in words[i + 1:]:
                if b.y0 >= a.y1:
                    break
                narrow = a if a.width <= b.width else b
                shared_x = min(a.x1, b.x1) - max(a.x0, b.x0)
                shared_y = min(a.y1, b.y1) - max(a.y0, b.y0)
                if shared_x > 0.3 * narrow.width and shared_y > 0.5 * narrow.height:
                    pairs.append((a, b))
    return pairs


def words_outside(pages: list[Page], margin: float) -> list[Word]:
    """Words that reach closer than ``margin`` points to a page edge (or off the page)."""
    return [w for p in pages for w in p.words
            if w.x0 < margin - 0.5 or w.y0 < margin - 0.5 or w.x1 > p.width - margin + 0.5
            or w.y1 > p.height - margin + 0.5]


def outline_titles(pdf: Path) -> list[str]:
    """The PDF's bookmarks (outline), flattened in reading order."""
    from pypdf import PdfReader

    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield " ".join(str(item.title).split())

    return list(walk(PdfReader(str(pdf)).outline))


def pdf_text(pdf: Path) -> str:
    """The PDF's text in reading order (poppler's layout-free extraction)."""
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def page_images(pdf: Path, folder: Path, *, resolution: int = 60, first: int | None = None,
                last: int | None = None) -> list[Path]:
    """Write the PDF's pages as PNG images into ``folder`` (``pdftoppm``) for a person to look at."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    args = ["pdftoppm", "-r", str(resolution), "-png"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    subprocess.run([*args, str(pdf), str(folder / Path(pdf).stem)], check=True, capture_output=True)
    return sorted(folder.glob(f"{Path(pdf).stem}*.png"))


def colour_and_ink(png: Path) -> tuple[float, float]:
    """The share of an image's pixels in colour (a chart's marks) and not white (any print at all).

    Body text, tables and rules are printed in greys; only the charts use colour.
    """
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    spread = pixels.max(axis=2) - pixels.min(axis=2)
    return float((spread > 60).mean()), float((pixels.max(axis=2) < 250).mean())


# ------------------------------------------------------------------ Word through LibreOffice
def docx_to_pdf(docx: Path, folder: Path, timeout: float = 240) -> Path:
    """Convert a DOCX to PDF with LibreOffice headless (its own profile, so parallel runs do not clash)."""
    (out,) = docx_files_to_pdf([docx], folder, timeout)
    return out


def docx_files_to_pdf(docxs: list[Path], folder: Path, timeout: float = 240) -> list[Path]:
    """Convert several DOCX files to PDF in one LibreOffice start (starting it is most of the time)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        completed = subprocess.run(
            [libreoffice_path(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(folder), *map(str, docxs)],
            capture_output=True, text=True, timeout=timeout)
    outs = [folder / (Path(docx).stem + ".pdf") for docx in docxs]
    for docx, out in zip(docxs, outs):
        if completed.returncode != 0 or not out.is_file():
            raise RuntimeError(f"LibreOffice could not convert {docx}: {completed.stderr.strip()[:400]}")
    return outs


# ------------------------------------------------------------------ Excel through LibreOffice Calc
def workbook_sheets(xlsx: Path, folder: Path, *, as_shown: bool = False, timeout: float = 240) -> dict[str, list[list[str]]]:
    """Every sheet of a workbook as LibreOffice Calc reads it: its rows of cell texts, by sheet name
    (``as_shown``: numbers in their display formats, else as stored, to Calc's 15 digits)."""
    import csv

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # 44,34,76: comma, double quotes, UTF-8; then as shown or not, and every sheet to a file of its own (-1)
    options = f"44,34,76,1,,0,false,true,{'true' if as_shown else 'false'},false,false,-1"
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        completed = subprocess.run(
            [libreoffice_path(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", f"csv:Text - txt - csv (StarCalc):{options}", "--outdir", str(folder), str(xlsx)],
            capture_output=True, text=True, timeout=timeout)
    sheets = {path.stem.removeprefix(f"{Path(xlsx).stem}-"): list(csv.reader(path.open(encoding="utf-8", newline="")))
              for path in folder.glob(f"{Path(xlsx).stem}-*.csv")}
    if completed.returncode != 0 or not sheets:
        raise RuntimeError(f"LibreOffice Calc could not read {xlsx}: {completed.stderr.strip()[:400]}")
    return sheets


# ------------------------------------------------------------------ HTML in Chromium
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@dataclass
class BrowserCheck:
    """What axe-core and a narrow screen found on one page."""

    violations: list[dict]
    scroll_width: int
    viewport_width: int

    @property
    def summary(self) -> list[str]:
        return [f"{v['id']} ({len(v['nodes'])} nodes): {v['help']}" for v in self.violations]


def check_pages(paths: list[Path], *, width: int = 375, screenshot_dir: Path | None = None,
                print_dir: Path | None = None) -> dict[Path, BrowserCheck]:
    """Load each HTML file in headless Chromium: axe-core (WCAG 2.1 A/AA + best practice) and page width.

    With ``screenshot_dir``, a screenshot of the top of the page at ``width`` pixels is saved there;
    with ``print_dir``, the page printed to an A4 PDF (the browser's own print) is saved there.
    """
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe = Axe()
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=["--no-sandbox", "--disable-gpu", "--disable-quic",
                                                   "--disable-background-networking", "--disable-sync"])
        try:
            for path in paths:
                path = Path(path).resolve()
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(path.as_uri())
                report = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
                page.set_viewport_size({"width": width, "height": 800})
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if screenshot_dir is not None:
                    Path(screenshot_dir).mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(Path(screenshot_dir) / f"{path.stem}-{width}px.png"))
                if print_dir is not None:
                    Path(print_dir).mkdir(parents=True, exist_ok=True)
                    page.emulate_media(media="print")
                    page.pdf(path=str(Path(print_dir) / f"{path.stem}.pdf"), format="A4",
                             margin={"top": "15mm", "bottom": "15mm", "left": "15mm", "right": "15mm"})
                results[path] = BrowserCheck(report.response["violations"], int(scroll), width)
                page.close()
        finally:
            browser.close()
    return results


def main(argv: list[str]) -> int:
    if argv[:1] == ["--pages"]:  # python -m tests.support.output_checks --pages FOLDER file.pdf ...
        for name in argv[2:]:
            print("\n".join(str(p) for p in page_images(Path(name), Path(argv[1]))))
        return 0
    for name in argv:
        path = Path(name)
        if path.suffix == ".pdf":
            pages = pdf_pages(path)
            print(f"{path.name}: {len(pages)} pages, {len(overlapping_words(pages))} overlapping word pairs, "
                  f"{len(words_outside(pages, 28))} words within 28 pt of an edge, "
                  f"{len(outline_titles(path))} bookmarks")
        elif path.suffix == ".html":
            for page, found in check_pages([path]).items():
                print(f"{page.name}: {len(found.violations)} axe violations {found.summary}; "
                      f"width at {found.viewport_width}px: {found.scroll_width}px")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
