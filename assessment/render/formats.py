"""The output formats: one table read by the CLI, both render engines, the runner and the batch index.

Adding a format is one row here plus its writer in :mod:`assessment.render.outputs`.

>>> parse_formats("HTML, pdf")
('html', 'pdf')
>>> [FORMATS[name].quarto_target for name in parse_formats("html,docx,pdf")]
['html', 'docx', 'typst']
>>> format_of_file("reports/leeds/health-and-justice-leeds.docx").label
'Word'
>>> parse_formats("html,latex")
Traceback (most recent call last):
...
assessment.errors.InputError: unknown output format(s) latex; choose from html, docx, pdf
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .outputs import to_docx, to_html, to_pdf


@dataclass(frozen=True)
class OutputFormat:
    """One output format and how each engine makes it."""

    name: str                       # what users type: --format html,docx,pdf
    suffix: str                     # the file it writes
    quarto_target: str              # Quarto's format name (``--to`` and the ``format:`` key of a template)
    label: str                      # how the index page and messages name it
    writer: Callable[..., Path]     # the built-in engine's writer: writer(source_md, target, metadata, ...)
    reference_doc: bool = False     # takes a Word reference document (``reference-doc``)
    min_quarto: tuple[int, ...] = (1, 0)  # oldest Quarto that writes it
    #: Options of ``format: <quarto_target>:`` that Quarto needs to write what the writer writes.
    quarto_options: dict = field(default_factory=dict)

    @property
    def min_quarto_text(self) -> str:
        return ".".join(map(str, self.min_quarto))


FORMATS: dict[str, OutputFormat] = {f.name: f for f in (
    OutputFormat("html", ".html", "html", "HTML", to_html, quarto_options={"embed-resources": True}),
    OutputFormat("docx", ".docx", "docx", "Word", to_docx, reference_doc=True),
    # Quarto's typst format (and so PDF without LaTeX) arrived in Quarto 1.4.
    OutputFormat("pdf", ".pdf", "typst", "PDF", to_pdf, min_quarto=(1, 4)),
)}

#: Every format, in the table's order (the CLI default).
ALL_FORMATS: tuple[str, ...] = tuple(FORMATS)


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """Format names from ``"html,pdf"`` or a sequence, checked against the table (order kept, repeats dropped)."""
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    names = tuple(dict.fromkeys(str(f).strip().lower() for f in items if str(f).strip()))
    unknown = [f for f in names if f not in FORMATS]
    if unknown or not names:
        raise InputError(f"unknown output format(s) {', '.join(unknown) or '(none)'}; "
                         f"choose from {', '.join(FORMATS)}")
    return names


def format_of_file(path: str | Path) -> OutputFormat | None:
    """The format that writes files like ``path`` (by suffix), or None (an appendix, say)."""
    suffix = Path(path).suffix.lower()
    return next((f for f in FORMATS.values() if f.suffix == suffix), None)
