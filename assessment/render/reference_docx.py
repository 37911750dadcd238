"""A Word reference document: pandoc's default styles plus a page header.

Pandoc copies headers and footers from its ``--reference-doc``, so the header
text appears on every page of the DOCX (Quarto passes ``reference-doc`` the
same way).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .outputs import pandoc_path


def make_reference_docx(path: Path, header_text: str) -> Path:
    """Write a reference .docx whose every page carries ``header_text``."""
    import docx

    default = subprocess.run([pandoc_path(), "--print-default-data-file", "reference.docx"],
                             capture_output=True, check=True).stdout
    path.write_bytes(default)
    document = docx.Document(str(path))
    for section in document.sections:
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        paragraph.text = header_text
    document.save(str(path))
    return path
