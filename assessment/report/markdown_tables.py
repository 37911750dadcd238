"""Markdown pipe tables whose every cell is escaped.

Pipe tables work in pandoc's HTML, DOCX and typst writers and in Quarto, and
their first row becomes a real table header (``<th>``) in HTML and a header
row in Word.

>>> print(pipe_table(["Area", "Value"], [["Leeds | West", "8.1"]], align="lr"))
| Area | Value |
|:-------------|-----:|
| Leeds \\| West | 8\\.1 |
<BLANKLINE>
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..core.safe_text import md_cell

_ALIGN = {"l": (":", ""), "r": ("", ":"), "c": (":", ":")}


def pipe_table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, align: str | None = None,
               caption: str | None = None, escape: bool = True) -> str:
    """A pandoc pipe table; ``align`` is one letter per column (l, r, c).

    Cells are escaped with :func:`assessment.core.safe_text.md_cell` unless ``escape`` is
    false (use that only for cells the package itself formatted as markdown).
    """
    cell = md_cell if escape else (lambda v: " ".join(str(v).split()))
    align = align or "l" * len(headers)
    cells = [[cell(v) for v in row] for row in rows]
    # Pandoc sizes wide tables by the dashes under each header: give each column
    # dashes in proportion to its longest cell, so long names get the room.
    widths = [max([len(md_cell(h)), *[len(r[i]) for r in cells]]) for i, h in enumerate(headers)]
    dashes = [max(3, min(40, w)) for w in widths]
    lines = ["| " + " | ".join(md_cell(h) for h in headers) + " |",
             "|" + "|".join(_ALIGN[a][0] + "-" * d + _ALIGN[a][1] for a, d in zip(align, dashes)) + "|"]
    for row in cells:
        lines.append("| " + " | ".join(row) + " |")
    text = "\n".join(lines) + "\n"
    if caption:
        text += f"\n: {md_cell(caption)}\n"
    return text
