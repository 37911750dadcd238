"""Render a .qmd template: with Quarto when it is on PATH, otherwise with the built-in engine.

The built-in engine executes the template's Python cells in a Jupyter kernel
with the parameters injected after the ``tags: [parameters]`` cell (as Quarto
and papermill do), assembles pandoc markdown from the outputs, and writes
self-contained HTML, DOCX and PDF (via typst).

Every render happens in a private staging folder; files are moved into
``out_dir`` only when every requested format succeeded, so a failed render
leaves earlier good output in place, and figures of different documents never
share a folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml

from ..errors import RenderError
from ..paths import PROJECT_ROOT
from .execute import execute_document
from .kernel import KernelSession
from .outputs import localise_images, to_docx, to_html, to_pdf, write_source
from .qmd import read_qmd
from .quarto import quarto_available, render_with_quarto

FORMATS = ("html", "docx", "pdf")
SUFFIX = {"html": ".html", "docx": ".docx", "pdf": ".pdf"}


def project_defaults(template: Path) -> dict:
    """``execute:`` defaults and document metadata from the nearest ``_quarto.yml``."""
    for folder in [template.parent, *template.parent.parents]:
        config = folder / "_quarto.yml"
        if config.is_file():
            return yaml.safe_load(config.read_text(encoding="utf-8")) or {}
        if folder == PROJECT_ROOT:
            break
    return {}


def _check_formats(formats) -> tuple[str, ...]:
    formats = tuple(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise RenderError(f"unknown output format(s) {', '.join(unknown) or '(none)'}; use html, docx, pdf")
    return formats


def publish(staged: dict[str, Path], out_dir: Path) -> dict[str, Path]:
    """Move staged files into ``out_dir`` (each by atomic rename), returning their new paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for key, path in staged.items():
        target = out_dir / path.name
        os.replace(path, target)
        written[key] = target
    return written


def render_builtin(template: Path, params: dict, out_dir: Path, formats=FORMATS, *, stem: str | None = None,
                   metadata: dict | None = None, reference_doc: Path | None = None,
                   kernel: KernelSession | None = None) -> dict[str, Path]:
    """Render with the built-in engine (see the module docstring).

    Pass a started ``kernel`` to reuse it (batch work); it is reset before use.
    """
    template = Path(template).resolve()
    formats = _check_formats(formats)
    doc = read_qmd(template)
    project = project_defaults(template)
    meta = {**{k: v for k, v in project.items() if k not in ("project", "execute")},
            **doc.metadata, **(metadata or {})}
    stem = stem or template.stem
    out_dir = Path(out_dir).resolve()  # the kernel and pandoc run in other folders
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{stem}-build-", dir=out_dir.parent))
    try:
        figures = build / "figures"
        if kernel is None:
            with KernelSession(cwd=template.parent) as own:
                body = execute_document(doc, params, own, figures, project.get("execute"))
        else:
            kernel.reset()
            body = execute_document(doc, params, kernel, figures, project.get("execute"))
        body = localise_images(body, build)
        source = write_source(body, meta, build / f"{stem}.md")
        staged: dict[str, Path] = {}
        for fmt in formats:
            target = build / f"{stem}{SUFFIX[fmt]}"
            if fmt == "html":
                staged[fmt] = to_html(source, target, meta)
            elif fmt == "docx":
                staged[fmt] = to_docx(source, target, meta, reference_doc)
            else:
                staged[fmt] = to_pdf(source, target, meta)
        return publish(staged, out_dir)
    finally:
        shutil.rmtree(build, ignore_errors=True)


def render_document(template: Path, params: dict, out_dir: Path, formats=FORMATS, engine: str = "auto", *,
                    stem: str | None = None, metadata: dict | None = None,
                    reference_doc: Path | None = None, kernel: KernelSession | None = None) -> dict[str, Path]:
    """Render ``template`` with ``params`` into ``out_dir``; returns the path of each format written.

    ``engine`` is "auto" (Quarto if on PATH, else built-in), "quarto" or "builtin".
    """
    if engine not in ("auto", "quarto", "builtin"):
        raise RenderError(f"unknown engine '{engine}'; use auto, quarto or builtin")
    if engine == "quarto" or (engine == "auto" and quarto_available() and kernel is None):
        return render_with_quarto(Path(template), params, Path(out_dir), _check_formats(formats),
                                  stem=stem, metadata=metadata, reference_doc=reference_doc)
    return render_builtin(template, params, out_dir, formats, stem=stem, metadata=metadata,
                          reference_doc=reference_doc, kernel=kernel)
