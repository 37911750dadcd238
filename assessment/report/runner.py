"""Render reports for areas from a bundle: each area in its own folder, with its Excel appendix.

A render writes into a working folder beside the area's folder; its files
are moved into the area's folder only when every format and the appendix were
written, so a failed render keeps the previous good report, and only the
files of the formats it wrote are replaced (an HTML render keeps the Word
document rendered before it). One run at a time writes into an output folder (a lock:
a second run waits briefly, then refuses), and staging folders left by a run
that was killed are removed when the next one starts. Whole geographies go
through :mod:`assessment.report.batch`.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from ..errors import JsnaError, RenderError
from ..files import FolderLock, remove_stale_staging, scratch_folder, writing
from ..output_folders import refuse_overlap
from ..paths import TEMPLATES_DIR
from ..registries import registries
from ..render import ALL_FORMATS, FORMATS, render_document
from ..render.reference_docx import make_reference_docx
from ..text import md, plain
from .bundle import open_bundle
from .commentary import Commentary, bundle_commentary
from .titles import area_title

TEMPLATE = TEMPLATES_DIR / "report.qmd"
FINGERPRINT_FILE = ".inputs.sha256"  # written by a batch into each area's folder (assessment.report.batch)
LOCK_WAIT = 10.0  # seconds a second run into the same output folder waits before refusing
console = Console(stderr=True)


def area_folder_name(code: str, name: str) -> str:
    """``E10999001-northmere``: code first (unique), then a readable slug."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"{code}-{slug}"[:80]


def _document_metadata(bundle, area) -> dict:
    """Title, subtitle and the PDF's running header (``running-header``), as metadata that both engines read.

    Pandoc (and so Quarto) reads metadata strings as markdown, so the title and
    subtitle are escaped as the body is (:func:`assessment.text.md`): an area
    name is text, never a link, raw HTML or a citation.
    """
    # The title says what the area is: a county and its force can share a name (Lancashire).
    title = area_title(area.name, bundle.geography.kind_label(area))
    edition = registries().edition_of(area.area_type)
    subtitle = "Demonstration data: not a real area" if bundle.is_demo else edition.subtitle
    meta = {"title": md(f"{edition.title}: {title}"), "subtitle": md(subtitle)}
    header = (f"{edition.header}: {title}. Data snapshot {bundle.snapshot_date}"
              if not bundle.is_demo else "Demonstration data: not a real area")
    # The PDF's running header, on every page (the template's typst-layout.lua writes it as a typst
    # string literal); read as markdown like the title, so escaped the same way, on one line.
    meta["running-header"] = md(" ".join(plain(header).split()))
    return meta


def render_area(bundle_path: Path, area_query: str, out_root: Path, *, formats=ALL_FORMATS,
                engine: str = "auto", kernel=None, commentary: Commentary | None = None) -> list[Path]:
    """Render one area's documents and appendix into ``out_root/<code-name>/``.

    ``commentary`` is the local commentary read at the start of the command
    (:mod:`assessment.report.commentary`); the area's texts go to the template in a folder of their own.
    """
    bundle = open_bundle(Path(bundle_path).resolve())
    area = bundle.geography.report_area(area_query)
    if area.note:  # a former code or name (Harrogate, Cumbria): say which area this is
        console.print(f"note: {area.note}", highlight=False, soft_wrap=True, markup=False)
    # Absolute: the kernel runs in the template's folder and pandoc in a build folder, so a
    # relative path (``--out demo-output``) would point somewhere else for each of them.
    final = Path(out_root).resolve() / area_folder_name(area.code, area.name)
    stem = f"health-and-justice-{area_folder_name(area.code, area.name)}"
    final.parent.mkdir(parents=True, exist_ok=True)
    bundle.verify()  # a damaged bundle file is named here, not as a failing template cell
    with scratch_folder(final) as work:
        # figures, the Word reference document and pandoc's build files; also where Quarto renders
        # (figures must be inside its project for typst)
        appendix = work / "appendix.xlsx"
        params = {"area": area.code, "bundle": str(bundle.root), "appendix": str(appendix),
                  "figures": str(work / "figures")}
        if commentary is not None:
            params["commentary"] = str(commentary.write_for_area(area.code, work / "commentary"))
        reference = _reference_doc(bundle, area, work) if any(FORMATS[f].reference_doc for f in formats) else None
        written = render_document(TEMPLATE, params, work / "out", formats, engine, stem=stem,
                                  metadata=_document_metadata(bundle, area), reference_doc=reference,
                                  kernel=kernel, workdir=work)
        if not appendix.is_file():
            raise RenderError(f"{TEMPLATE.name}: the template did not write the Excel appendix")
        files = {path.name: path for path in written.values()} | {f"{stem}-data.xlsx": appendix}
        return publish_report_files(files, final)


def publish_report_files(files: dict[str, Path], folder: Path) -> list[Path]:
    """Move a render's finished files into the area's ``folder``, each by one atomic rename.

    Only the files of the formats just written (and the appendix) are replaced:
    a Word document rendered earlier beside an HTML one stays, as does anything
    else in the folder. The batch's fingerprint goes first (the folder no longer
    matches it; a batch writes a new one).
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FINGERPRINT_FILE).unlink(missing_ok=True)
    published = []
    for name, path in files.items():
        with writing(folder / name):
            os.replace(path, folder / name)
        published.append(folder / name)
    return published


def _reference_doc(bundle, area, folder: Path) -> Path | None:
    """A Word reference document with the edition's page header (the demo's says it is demonstration data)."""
    title = area_title(area.name, bundle.geography.kind_label(area))
    header = "Demonstration data: not a real area" if bundle.is_demo else \
        f"{registries().edition_of(area.area_type).header}: {title}. Data snapshot {bundle.snapshot_date}"
    return make_reference_docx(folder / "reference.docx", header)


#: Staging folders of earlier versions (``.<code>-<name>-<random>``), before they carried their owner.
_OLD_STAGING = re.compile(r"^\.[EWSNK]\d{8}-.*-[a-z0-9_]{8}$")


def output_folder_lock(out_root: Path, *, wait: float | None = None) -> FolderLock:
    """Lock ``out_root`` for one run and clear staging folders that runs killed earlier left behind.

    Every writer of report folders holds this lock, so once it is held any
    staging folder there is stale.
    """
    lock = FolderLock(Path(out_root), wait=LOCK_WAIT if wait is None else wait, what="jsna render")
    lock.acquire()
    try:
        remove_stale_staging(out_root, any_owner=True)
        for folder in Path(out_root).iterdir():
            if folder.is_dir() and _OLD_STAGING.match(folder.name):
                shutil.rmtree(folder, ignore_errors=True)
    except BaseException:
        lock.release()
        raise
    return lock


def render_areas(bundle_path: Path, areas: list[str], out_root: Path, *, formats=ALL_FORMATS,
                 engine: str = "auto", commentary: Path | None = None) -> list[Path]:
    """Render several areas one after another (a failure in one is reported, others continue).

    A ``commentary`` folder is read and checked whole before any area is rendered.
    """
    bundle = open_bundle(Path(bundle_path).resolve())
    refuse_overlap(out_root, [("--bundle", bundle.root)], command="a render")  # reports inside a bundle change it
    local = bundle_commentary(commentary, bundle)
    written: list[Path] = []
    failures: list[tuple[str, str]] = []
    with output_folder_lock(out_root), Progress(console=console, transient=True) as progress:
        task = progress.add_task("Rendering reports", total=len(areas))
        for area in areas:
            progress.update(task, description=f"Rendering {area}")
            try:
                written += render_area(bundle.root, area, out_root, formats=formats, engine=engine,
                                       commentary=local)
            except JsnaError as exc:
                if len(areas) == 1:
                    raise
                failures.append((area, str(exc)))
            progress.advance(task)
    for area, message in failures:
        console.print(f"[red]failed[/] {escape(area)}: {escape(message)}", highlight=False)
    if failures:
        raise RenderError(f"{len(failures)} of {len(areas)} area(s) failed: "
                          + "; ".join(f"{a}: {m}" for a, m in failures))
    return written
