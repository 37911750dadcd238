"""Render reports for areas from a bundle: each area in its own folder, with its Excel appendix.

Each render is asked for once (:class:`~assessment.orchestration.render_request.RenderRequest`).
It writes into one staging folder beside the area's folder
(:mod:`assessment.core.staged_outputs`); its files are moved into the area's folder
only when every format and the appendix were written, so a failed render keeps
the previous good report, and only the files of the formats it wrote are
replaced (an HTML render keeps the Word document rendered before it). One
run at a time writes into an output folder (a lock: a second run waits
briefly, then refuses), and staging folders left by a run that was killed are
removed when the next one starts. Several areas named at once share one warm
kernel (:func:`warm_kernel`), as a batch's do. Whole geographies go
through :mod:`assessment.orchestration.batch`.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from ..core.errors import JsnaError, RenderError
from ..core.atomic_files import FolderLock, remove_stale_staging
from ..geography import Area
from ..core.output_folders import refuse_overlap
from ..core.paths import TEMPLATES_DIR
from ..registry.all_registries import registries
from ..render import KernelSession, choose_engine, render_document
from ..render.reference_docx import make_reference_docx
from ..core.staged_outputs import staged_outputs
from ..core.safe_text import md, plain
from .render_request import RenderRequest
from ..report.titles import area_title

TEMPLATE = TEMPLATES_DIR / "report.qmd"
FINGERPRINT_FILE = ".inputs.sha256"  # written by a batch into each area's folder (assessment.orchestration.batch)
LOCK_WAIT = 10.0  # seconds a second run into the same output folder waits before refusing
console = Console(stderr=True)


def area_folder_name(code: str, name: str) -> str:
    """``E10999001-northmere``: code first (unique), then a readable slug."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"{code}-{slug}"[:80]


def _document_metadata(bundle, area) -> dict:
    """Title, subtitle and the PDF's running header (``running-header``), as metadata that both engines read.

    Pandoc (and so Quarto) reads metadata strings as markdown, so the title and
    subtitle are escaped as the body is (:func:`assessment.core.safe_text.md`): an area
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


def render_area(request: RenderRequest, area: Area, *, kernel=None) -> list[Path]:
    """Render one area's documents and appendix into ``<request.out>/<code-name>/``; returns the files written.

    Everything is written into one staging folder beside the area's folder
    (:mod:`assessment.core.staged_outputs`); the documents and the appendix go in
    only when all were written. The area's local commentary goes to the
    template in a folder of its own.
    """
    bundle = request.bundle
    final = request.out / area_folder_name(area.code, area.name)
    stem = f"health-and-justice-{area_folder_name(area.code, area.name)}"
    final.parent.mkdir(parents=True, exist_ok=True)
    bundle.verify()  # a damaged bundle file is named here, not as a failing template cell
    # The batch's fingerprint goes when new files arrive (the folder no longer matches it; a batch writes a new one).
    with staged_outputs(final, stale=(FINGERPRINT_FILE,)) as stage:
        # figures, the Word reference document and pandoc's build files; also where Quarto renders
        # (figures must be inside its project for typst)
        work = stage.folder
        appendix = work / f"{stem}-data.xlsx"
        params = {"area": area.code, "bundle": str(bundle.root), "appendix": str(appendix),
                  "figures": str(work / "figures")}
        if request.commentary is not None:
            params["commentary"] = str(request.commentary.write_for_area(area.code, work / "commentary"))
        reference = _reference_doc(bundle, area, work) if request.formats.take_reference_doc else None
        render_document(TEMPLATE, params, stage, request.formats, request.engine, stem=stem,
                        metadata=_document_metadata(bundle, area), reference_doc=reference, kernel=kernel)
        if not appendix.is_file():
            raise RenderError(f"{TEMPLATE.name}: the template did not write the Excel appendix")
        stage.keep(appendix)
    return stage.published


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


# ----------------------------------------------------------------- warm kernels
#: A warm kernel's garbage collection thresholds: collections less often than Python's (700, 10, 10)
#: (a force's report spent a tenth of its time in them, half of it scanning the bundle over and over).
GC_THRESHOLDS = (5000, 20, 20)
#: What a warm kernel runs before its first area, and again after a restart: the package imported, the
#: bundle opened and prepared for reports, the chart libraries loaded, so that no area pays for them.
#: The bundle's objects then live as long as the kernel: frozen, no garbage collection scans them again.
WARM_UP = (
    "from assessment.report import AreaReport\n"
    "from assessment.bundles.bundle import open_bundle\n"
    "open_bundle({root!r}).prepare_for_reports()\n"
    "import plotnine, matplotlib.pyplot\n"
    "import gc as _gc\n"
    f"_gc.collect(); _gc.freeze(); _gc.set_threshold{GC_THRESHOLDS}\n"
)


def batch_kernel() -> KernelSession:
    """A kernel for several areas (not started): in the template's folder, Arrow on the system allocator.

    Arrow's own allocator (mimalloc) keeps what the bundle's frame used after the frame is
    released (:meth:`assessment.bundles.bundle.Bundle.prepare_for_reports`): about 75 MB in
    every kernel of a batch on the real bundle. Reports hardly use Arrow after the warm-up,
    so its speed there does not matter. A user's own choice of allocator is kept.
    """
    pool = os.environ.get("ARROW_DEFAULT_MEMORY_POOL", "system")
    return KernelSession(cwd=TEMPLATE.parent, env={"ARROW_DEFAULT_MEMORY_POOL": pool})


@contextmanager
def warm_kernel(request: RenderRequest, *, parallel_jobs: int = 1) -> Iterator[KernelSession]:
    """A started :func:`batch_kernel` that has run :data:`WARM_UP` for the request's bundle.

    ``parallel_jobs``: how many such kernels work at the same time; one alone
    writes each report's formats at the same time, as a fresh kernel's render does.
    """
    with batch_kernel() as kernel:
        kernel.parallel_jobs = parallel_jobs
        kernel.startup_code = WARM_UP.format(root=str(request.bundle.root))  # run again if a stuck cell forces a restart
        warm = kernel.run(kernel.startup_code)
        if warm.error:
            raise RenderError(f"warming the kernel failed: {warm.error[0]}: {warm.error[1]}")
        yield kernel


def render_areas(request: RenderRequest) -> list[Path]:
    """Render the request's areas one after another (a failure in one is reported, others continue).

    Two or more areas rendered by the built-in engine share one warm kernel
    (a kernel start, the package's imports and the bundle's preparation are
    paid once); a kernel that stops is replaced for the areas after it.
    """
    refuse_overlap(request.out, [("--bundle", request.bundle.root)], command="a render")  # reports inside a bundle change it
    written: list[Path] = []
    failures: list[tuple[str, str]] = []
    shared = len(request.areas) > 1 and \
        choose_engine(request.engine, request.formats, {"area": request.areas[0].code}) == "builtin"
    with output_folder_lock(request.out), Progress(console=console, transient=True) as progress, \
            ExitStack() as kernels:
        task = progress.add_task("Rendering reports", total=len(request.areas))
        kernel: KernelSession | None = None
        for area in request.areas:
            progress.update(task, description=f"Rendering {area.code}")
            try:
                if shared and (kernel is None or not kernel.alive):
                    kernels.close()  # the stopped one, if any
                    kernel = kernels.enter_context(warm_kernel(request))
                written += render_area(request, area, kernel=kernel)
            except JsnaError as exc:
                if len(request.areas) == 1:
                    raise
                failures.append((area.code, str(exc)))
            progress.advance(task)
    for code, message in failures:
        console.print(f"[red]failed[/] {escape(code)}: {escape(message)}", highlight=False)
    if failures:
        raise RenderError(f"{len(failures)} of {len(request.areas)} area(s) failed: "
                          + "; ".join(f"{a}: {m}" for a, m in failures))
    return written
