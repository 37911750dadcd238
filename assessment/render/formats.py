"""The output formats: one table read by the CLI, both render engines, the runner and the batch index.

Adding a format is one row here plus its writer in :mod:`assessment.render.outputs`.

>>> parse_formats("HTML, pdf")
('html', 'pdf')
>>> type(parse_formats(["html", "docx"])).__name__
'Formats'
>>> [FORMATS[name].quarto_target for name in parse_formats("html,docx,pdf")]
['html', 'docx', 'typst']
>>> format_of_file("reports/leeds/health-and-justice-leeds.docx").label
'Word'
>>> parse_formats("html,latex")
Traceback (most recent call last):
...
assessment.core.errors.InputError: unknown output format(s) latex; choose from html, docx, pdf
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import InputError
from .outputs import Writer, to_docx, to_html, to_pdf


@dataclass(frozen=True)
class OutputFormat:
    """One output format and how each engine makes it."""

    name: str                       # what users type: --format html,docx,pdf
    suffix: str                     # the file it writes
    quarto_target: str              # Quarto's format name (``--to`` and the ``format:`` key of a template)
    label: str                      # how the index page and messages name it
    #: The built-in engine's writer (:class:`assessment.render.outputs.Writer`): called as
    #: ``writer(source, target, metadata, reference_doc)`` on the markdown or its parsed document.
    writer: Writer
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


class Formats(tuple[str, ...]):
    """Output format names already checked against the table: what :func:`parse_formats` returns.

    The command line parses ``--format`` once; everything below it takes this
    value as it is (:func:`as_formats`), never the text again.
    """

    @property
    def outputs(self) -> tuple[OutputFormat, ...]:
        """The table's row of each format, in the order asked for."""
        return tuple(FORMATS[name] for name in self)

    @property
    def take_reference_doc(self) -> bool:
        """Whether any of them is written with a Word reference document."""
        return any(fmt.reference_doc for fmt in self.outputs)


def parse_formats(formats: str | Iterable[str]) -> Formats:
    """Format names from ``"html,pdf"`` or a sequence (each item may itself be ``"html,pdf"``), checked
    against the table (order kept, repeats dropped)."""
    items = [formats] if isinstance(formats, str) else list(formats)
    parts = [part for item in items for part in str(item).split(",")]
    names = tuple(dict.fromkeys(part.strip().lower() for part in parts if part.strip()))
    unknown = [f for f in names if f not in FORMATS]
    if unknown or not names:
        raise InputError(f"unknown output format(s) {', '.join(unknown) or '(none)'}; "
                         f"choose from {', '.join(FORMATS)}")
    return Formats(names)


def as_formats(formats: Formats | str | Iterable[str]) -> Formats:
    """``formats`` as they are when already parsed (the command line's), else parsed (a library caller's)."""
    return formats if isinstance(formats, Formats) else parse_formats(formats)


def format_of_file(path: str | Path) -> OutputFormat | None:
    """The format that writes files like ``path`` (by suffix), or None (an appendix, say)."""
    suffix = Path(path).suffix.lower()
    return next((f for f in FORMATS.values() if f.suffix == suffix), None)
