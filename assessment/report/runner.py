"""Render reports for areas from a bundle: each area in its own folder, with its Excel appendix.

A render writes into a staging folder beside the area's folder
(:func:`assessment.files.staged_folder`); the area's folder is replaced only
when every format and the appendix were written, so a failed render keeps the
previous good report. Whole geographies go through :mod:`assessment.report.batch`.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from ..errors import JsnaError, RenderError
from ..files import staged_folder
from ..paths import TEMPLATES_DIR
from ..render import render_document
from ..render.reference_docx import make_reference_docx
from .bundle import open_bundle

TEMPLATE = TEMPLATES_DIR / "report.qmd"
console = Console(stderr=True)


def area_folder_name(code: str, name: str) -> str:
    """``E10999001-northmere``: code first (unique), then a readable slug."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"{code}-{slug}"[:80]


def _document_metadata(bundle, area) -> dict:
    meta = {"title": f"Health and justice needs assessment: {area.name}",
            "subtitle": "Joint Strategic Needs Assessment chapter"}
    header = (f"Health and justice JSNA chapter: {area.name}. Data snapshot {bundle.snapshot_date}"
              if not bundle.is_demo else "Demonstration data: not a real area")
    if bundle.is_demo:
        meta["subtitle"] = "Demonstration data: not a real area"
    # Raw typst for the PDF only: a running header on every page, compact tables.
    # A typst string literal, not markup, so no character of an area name can act as code.
    literal = header.replace("\\", "\\\\").replace('"', '\\"')
    meta["header-includes"] = ("```{=typst}\n"
                               f'#set page(header: align(right, text(size: 8pt, "{literal}")))\n'
                               "#show table: set text(size: 8pt)\n```\n")
    return meta


def render_area(bundle_path: Path, area_query: str, out_root: Path, *, formats=("html", "docx", "pdf"),
                engine: str = "auto", kernel=None) -> list[Path]:
    """Render one area's documents and appendix into ``out_root/<code-name>/``."""
    bundle = open_bundle(Path(bundle_path).resolve())
    area = bundle.geography.resolve(area_query)
    # Absolute: the kernel runs in the template's folder and pandoc in a build folder, so a
    # relative path (``--out demo-output``) would point somewhere else for each of them.
    final = Path(out_root).resolve() / area_folder_name(area.code, area.name)
    stem = f"health-and-justice-{area_folder_name(area.code, area.name)}"
    final.parent.mkdir(parents=True, exist_ok=True)
    with staged_folder(final) as staged, \
            tempfile.TemporaryDirectory(prefix=f".{final.name}-work-", dir=final.parent) as scratch:
        work = Path(scratch)  # figures, the Word reference document and pandoc's build files
        appendix = work / "appendix.xlsx"
        params = {"area": area.code, "bundle": str(bundle.root), "appendix": str(appendix),
                  "figures": str(work / "figures")}
        reference = _reference_doc(bundle, work) if "docx" in formats else None
        written = render_document(TEMPLATE, params, work / "out", formats, engine, stem=stem,
                                  metadata=_document_metadata(bundle, area), reference_doc=reference,
                                  kernel=kernel)
        if not appendix.is_file():
            raise RenderError(f"{TEMPLATE.name}: the template did not write the Excel appendix")
        names = []
        for path in [*written.values(), appendix]:
            name = f"{stem}-data.xlsx" if path == appendix else path.name
            os.replace(path, staged / name)
            names.append(name)
    return [final / name for name in names]


def _reference_doc(bundle, folder: Path) -> Path | None:
    """A Word reference document with a page header (the demo's says it is demonstration data)."""
    header = "Demonstration data: not a real area" if bundle.is_demo else \
        f"Health and justice JSNA chapter. Data snapshot {bundle.snapshot_date}"
    return make_reference_docx(folder / "reference.docx", header)


def render_areas(bundle_path: Path, areas: list[str], out_root: Path, *, formats=("html", "docx", "pdf"),
                 engine: str = "auto") -> list[Path]:
    """Render several areas one after another (a failure in one is reported, others continue)."""
    bundle = open_bundle(Path(bundle_path).resolve())
    written: list[Path] = []
    failures: list[tuple[str, str]] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Rendering reports", total=len(areas))
        for area in areas:
            progress.update(task, description=f"Rendering {area}")
            try:
                written += render_area(bundle.root, area, out_root, formats=formats, engine=engine)
            except JsnaError as exc:
                if len(areas) == 1:
                    raise
                failures.append((area, str(exc)))
            progress.advance(task)
    for area, message in failures:
        console.print(f"[red]failed[/] {area}: {message}", highlight=False)
    if failures:
        raise RenderError(f"{len(failures)} of {len(areas)} area(s) failed: "
                          + "; ".join(f"{a}: {m}" for a, m in failures))
    return written
