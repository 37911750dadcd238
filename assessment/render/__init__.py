"""Render .qmd templates: Quarto when available, otherwise the built-in Jupyter + pandoc + typst engine.

Quarto features the built-in engine supports (keep templates to these):

- front matter: ``title``, ``subtitle``, ``lang``, ``toc``, ``toc-depth``, ``filters:`` (Lua),
  ``format:`` options (``css``, ``reference-doc``, ``include-in-header``,
  ``shift-heading-level-by``, page size and margins: :mod:`assessment.render.declaration`),
  ``execute:`` defaults (also from ``_quarto.yml``);
- Python cells with ``#|`` options: ``label``, ``echo``, ``eval``, ``include``,
  ``output`` (``true``, ``false``, ``asis``), ``warning``, ``fig-cap``, ``fig-alt``,
  and ``tags: [parameters]`` for the parameters cell;
- pandoc markdown emitted by cells: headings, pipe tables, block quotes, lists,
  images with ``{fig-alt="..."}`` attributes, raw blocks for one format;
  a cell that prints headings has no ``label`` (Quarto wraps a labelled
  ``output: asis`` cell in a div, which takes its headings out of the table
  of contents; the built-in engine refuses such a cell);
- paths a cell prints are relative to the document's folder, where both
  engines run the cells (:func:`assessment.core.paths.for_document`).

Not supported by the built-in engine: callouts, cross-reference numbering,
shortcodes, tabsets, layout columns, other languages.
"""

from .engine import choose_engine, render_builtin, render_document
from .formats import ALL_FORMATS, FORMATS, Formats, OutputFormat, parse_formats
from .kernel import KernelSession
from .qmd import parse_qmd, read_qmd
from .quarto import quarto_available, quarto_command

__all__ = ["ALL_FORMATS", "FORMATS", "Formats", "KernelSession", "OutputFormat", "choose_engine", "parse_formats", "parse_qmd",
           "quarto_available", "quarto_command", "read_qmd", "render_builtin", "render_document"]
