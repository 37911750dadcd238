"""Render .qmd templates: Quarto when available, otherwise the built-in Jupyter + pandoc + typst engine.

Quarto features the built-in engine supports (keep templates to these):

- front matter: ``title``, ``subtitle``, ``lang``, ``toc``, ``toc-depth``,
  ``format: docx: reference-doc``, ``execute:`` defaults (also from ``_quarto.yml``);
- Python cells with ``#|`` options: ``label``, ``echo``, ``eval``, ``include``,
  ``output`` (``true``, ``false``, ``asis``), ``warning``, ``fig-cap``, ``fig-alt``,
  and ``tags: [parameters]`` for the parameters cell;
- pandoc markdown emitted by cells: headings, pipe tables, block quotes, lists,
  images with ``{fig-alt="..."}`` attributes, raw blocks for one format.

Not supported by the built-in engine: callouts, cross-reference numbering,
shortcodes, tabsets, layout columns, other languages.
"""

from .engine import render_builtin, render_document
from .kernel import KernelSession
from .qmd import parse_qmd, read_qmd
from .quarto import quarto_available, quarto_command

__all__ = ["KernelSession", "parse_qmd", "quarto_available", "quarto_command", "read_qmd",
           "render_builtin", "render_document"]
