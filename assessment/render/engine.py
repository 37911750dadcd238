"""Render a .qmd template: with Quarto when it is on PATH and can do the job, otherwise with the built-in engine.

The built-in engine executes the template's Python cells in a Jupyter kernel
with the parameters injected after the ``tags: [parameters]`` cell (as Quarto
and papermill do), assembles pandoc markdown from the outputs, and writes
each format in :data:`assessment.render.formats.FORMATS` with its writer.

Every render happens in a private staging folder (:mod:`assessment.core.staged_outputs`,
the caller's when it passes one); files are moved into the output folder only
when every requested format succeeded, so a failed render leaves earlier good
output in place, and figures of different documents never share a folder.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rich.console import Console

from ..core.errors import RenderError
from ..core.staged_outputs import StagedOutputs, staged_outputs
from .declaration import resolve_paths
from .execute import execute_document
from .formats import ALL_FORMATS, Formats, as_formats
from .kernel import KernelSession
from .outputs import localise_images, parse_source, write_documents, write_source
from .qmd import read_qmd
from .quarto import project_defaults, render_with_quarto, why_not_quarto

ENGINES = ("auto", "quarto", "builtin")
console = Console(stderr=True)
_said: set[str] = set()


def render_builtin(template: Path, params: dict, out: Path | StagedOutputs, formats=ALL_FORMATS, *,
                   stem: str | None = None, metadata: dict | None = None, reference_doc: Path | None = None,
                   kernel: KernelSession | None = None) -> dict[str, Path]:
    """Render with the built-in engine (see the module docstring) into ``out``: a folder, or a caller's
    staged outputs (:mod:`assessment.core.staged_outputs`) to add the documents to.

    Pass a started ``kernel`` to reuse it (batch work); it is reset before use.
    """
    return _staged(_builtin_into, template, params, out, as_formats(formats), stem=stem, metadata=metadata,
                   reference_doc=reference_doc, kernel=kernel)


def _builtin_into(stage: StagedOutputs, template: Path, params: dict, formats: Formats, *, stem: str | None,
                  metadata: dict | None, reference_doc: Path | None, kernel: KernelSession | None) -> dict[str, Path]:
    """Execute the template and write each format into ``stage``, keeping the documents; returns them."""
    template = Path(template).resolve()
    doc = read_qmd(template)
    project = project_defaults(template)
    # The template's formatting declaration, its paths read from the template's folder as Quarto reads them.
    meta = {**{k: v for k, v in project.items() if k not in ("project", "execute")},
            **resolve_paths(doc.metadata, template.parent), **(metadata or {})}
    stem = stem or template.stem
    build = stage.folder / f".{stem}-build"  # figures and pandoc's source, apart from the caller's files
    build.mkdir()
    figures = build / "figures"
    if kernel is None:
        with KernelSession(cwd=template.parent) as own:
            body = execute_document(doc, params, own, figures, project.get("execute"))
            document_dir = own.cwd
    else:
        kernel.reset()
        body = execute_document(doc, params, kernel, figures, project.get("execute"))
        document_dir = kernel.cwd
        kernel.reset(collect_garbage=True)  # the document's objects freed, the memory given back while its formats are written
    body = localise_images(body, build, document_dir)
    source = write_source(body, meta, build / f"{stem}.md")
    # Kernels working side by side already keep the cores busy: there each report writes its formats in turn.
    written = write_formats(source, build, formats, stem, meta, reference_doc,
                            at_once=kernel is None or kernel.parallel_jobs == 1)
    return {name: stage.keep(path) for name, path in written.items()}


def _staged(render, template: Path, params: dict, out: Path | StagedOutputs, formats: Formats,
            **options) -> dict[str, Path]:
    """Run ``render`` into the caller's staged outputs, or into new ones for the folder ``out`` (returning
    each document where it was published)."""
    if isinstance(out, StagedOutputs):
        return render(out, template, params, formats, **options)
    with staged_outputs(out) as stage:
        staged = render(stage, template, params, formats, **options)
    return {name: stage.final_path(path) for name, path in staged.items()}


def write_formats(source: Path, build: Path, formats: Formats, stem: str, meta: dict,
                  reference_doc: Path | None, *, at_once: bool = False) -> dict[str, Path]:
    """Write every format of ``source`` into ``build``: one after another from one pandoc process, which
    reads the markdown once (:func:`assessment.render.outputs.write_documents`); or ``at_once``, at the
    same time, each from pandoc's parse of the markdown (JSON) in a pandoc and typst run of its own, so
    that they take about as long as the slowest alone."""
    outputs = list(as_formats(formats).outputs)
    targets = {fmt.name: (fmt.writer, build / f"{stem}{fmt.suffix}") for fmt in outputs}
    if len(outputs) == 1 or not at_once:
        return dict(zip(targets, write_documents(source, list(targets.values()), meta, reference_doc), strict=True))
    parsed = parse_source(source, meta)
    with ThreadPoolExecutor(max_workers=len(outputs), thread_name_prefix="jsna-format") as pool:
        futures = {name: pool.submit(writer, parsed, out, meta, reference_doc=reference_doc)
                   for name, (writer, out) in targets.items()}
        return {name: future.result() for name, future in futures.items()}  # the first failure is raised


def choose_engine(engine: str, formats, params: dict, kernel: KernelSession | None = None) -> str:
    """"quarto" or "builtin" for a render asked for with ``engine`` (auto, quarto or builtin).

    ``auto`` takes Quarto when it is on PATH and able to write every format
    (new enough, with its Python packages), and otherwise says in one line why
    the built-in engine is used. A batch's warm ``kernel`` means the built-in engine.
    """
    if engine not in ENGINES:
        raise RenderError(f"unknown engine '{engine}'; use {', '.join(ENGINES[:-1])} or {ENGINES[-1]}")
    if engine == "builtin" or (engine == "auto" and kernel is not None):
        return "builtin"
    reason = why_not_quarto(formats, params)
    if reason is None:
        return "quarto"
    if engine == "quarto":
        raise RenderError(f"engine 'quarto' requested but {reason}; use --engine builtin or fix Quarto")
    if reason not in _said:  # once per process, not once per area
        _said.add(reason)
        console.print(f"Using the built-in engine, not Quarto: {reason}.", markup=False, highlight=False,
                      soft_wrap=True)
    return "builtin"


def render_document(template: Path, params: dict, out: Path | StagedOutputs, formats=ALL_FORMATS,
                    engine: str = "auto", *, stem: str | None = None, metadata: dict | None = None,
                    reference_doc: Path | None = None, kernel: KernelSession | None = None) -> dict[str, Path]:
    """Render ``template`` with ``params`` into ``out``; returns the path of each format written.

    ``out`` is a folder, or a caller's staged outputs to add the documents to
    (then the paths are in its staging folder). ``engine`` is "auto", "quarto"
    or "builtin" (see :func:`choose_engine`).
    """
    formats = as_formats(formats)
    if choose_engine(engine, formats, params, kernel) == "quarto":
        return _staged(render_with_quarto, Path(template), params, out, formats, stem=stem, metadata=metadata,
                       reference_doc=reference_doc)
    return render_builtin(template, params, out, formats, stem=stem, metadata=metadata,
                          reference_doc=reference_doc, kernel=kernel)
