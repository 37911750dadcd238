"""A Word reference document: pandoc's default styles, an A4 page with a header, and the report's styles.

Pandoc copies page size, margins, headers and styles from its
``--reference-doc``, so everything set here reaches every page of the DOCX
(Quarto passes ``reference-doc`` the same way):

- A4 with the PDF's 170 mm text block, so charts drawn at that width are
  placed at full size, and the header text on every page;
- Arial as the theme font (a font Word has everywhere and LibreOffice
  replaces with the metric-compatible Liberation Sans, so tables lay out the
  same in both);
- "Table Text" and "Table Heading" for table cells (``table-layout.lua``) and
  "TOC 1" / "TOC 2" for the contents (``docx-toc.lua``).

>>> import tempfile, docx
>>> path = make_reference_docx(Path(tempfile.mkdtemp()) / "ref.docx", "Demonstration data")
>>> document = docx.Document(str(path))
>>> round(document.sections[0].page_width.mm), round(document.sections[0].page_height.mm)
(210, 297)
>>> document.styles["Table Heading"].font.bold, document.styles["TOC 1"].style_id
(True, 'TOC1')
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from ..core.child_processes import run_tied
from ..core.paths import TEMPLATES_DIR
from .pandoc_runs import pandoc_path

THEME_FONT = "Arial"
#: (style name, style id, size in points, bold, indent in mm) of the paragraph styles added: table
#: cells (LibreOffice ignores character styles inside tables) and the contents' entries.
PARAGRAPH_STYLES = [("Table Text", "TableText", 9, False, 0), ("Table Heading", "TableHeading", 9, True, 0),
                    ("TOC 1", "TOC1", 11, False, 0), ("TOC 2", "TOC2", 10, False, 6)]


def make_reference_docx(path: Path, header_text: str) -> Path:
    """Write a reference .docx whose every page is A4 and carries ``header_text`` (on one line).

    The document is built once per process with a stand-in header, which each
    call replaces: a batch writes one for every area, and building it (pandoc's
    default document, the theme font, the styles) cost ten times the swap.
    """
    text = " ".join(str(header_text).split())
    with zipfile.ZipFile(io.BytesIO(_styled_reference())) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("word/header"):
                data = data.replace(_HEADER_STAND_IN.encode(), xml_escape(text).encode("utf-8"))
            target.writestr(item, data)
    return path


#: The header text the cached document is built with (letters only: written into the XML as it is).
_HEADER_STAND_IN = "JsnaReferenceHeaderStandIn"


@functools.cache
def _styled_reference() -> bytes:
    """The reference document's bytes, with ``_HEADER_STAND_IN`` as its header."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Mm, Pt

    default = run_tied([pandoc_path(), "--print-default-data-file", "reference.docx"], capture_output=True,
                       check=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reference.docx"
        path.write_bytes(default)
        _set_theme_font(path, THEME_FONT)
        document = docx.Document(str(path))
        for section in document.sections:
            section.page_width, section.page_height = Mm(210), Mm(297)
            section.left_margin = section.right_margin = Mm(20)
            section.top_margin, section.bottom_margin = Mm(25), Mm(22)
            section.header_distance, section.footer_distance = Mm(10), Mm(10)
            header = section.header
            header.is_linked_to_previous = False
            paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            paragraph.text = _HEADER_STAND_IN
        styles = document.styles
        for name, style_id, size, bold, indent in PARAGRAPH_STYLES:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.style_id, style.base_style = style_id, styles["Normal"]
            style.font.size, style.font.bold = Pt(size), bold
            style.paragraph_format.space_before = Pt(1 if name.startswith("Table") else 0)
            style.paragraph_format.space_after = Pt(1 if name.startswith("Table") else 2)
            style.paragraph_format.left_indent = Mm(indent)
        document.save(str(path))
        return path.read_bytes()


def _set_theme_font(path: Path, font: str) -> None:
    """Make ``font`` the theme's heading and body font (pandoc's default is Aptos, which few readers have)."""
    with tempfile.TemporaryDirectory() as folder:
        rebuilt = Path(folder) / "reference.docx"
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename.startswith("word/theme/"):
                    text = re.sub(r'<a:latin typeface="[^"]*"(?: panose="[^"]*")?', f'<a:latin typeface="{font}"',
                                  data.decode("utf-8"))
                    data = text.encode("utf-8")
                target.writestr(item, data)
        shutil.copyfile(rebuilt, path)


#: The template's own reference document (``format: docx: reference-doc:`` in templates/report.qmd),
#: for a plain ``quarto render``; ``jsna render`` writes one per area with the area's header.
#: Rewrite it after changing this module: ``python -m assessment.render.reference_docx``.
TEMPLATE_REFERENCE = TEMPLATES_DIR / "format" / "reference.docx"
TEMPLATE_HEADER = "Health and justice needs assessment"

if __name__ == "__main__":
    print(make_reference_docx(TEMPLATE_REFERENCE, TEMPLATE_HEADER))
