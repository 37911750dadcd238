"""Render with the Quarto CLI (``quarto render`` with ``-P`` parameters), as Quarto's own source says it behaves.

What this relies on (quarto-cli 1.11 source):

- Without ``--output`` each format is written as ``<document stem><ext>`` beside
  the document (``src/command/render/output.ts``); ``--output NAME`` adds no
  extension, so several formats would overwrite one file. No ``--output`` is passed.
- The nearest ``_quarto.yml`` above a document makes its folder a project
  (``src/project/project-context.ts``): Quarto then moves outputs into
  ``<output-dir>/<document's sub-folder>/`` (``src/command/render/project.ts``),
  writes ``.quarto/`` and edits the project's ``.gitignore``
  (``src/project/project-gitignore.ts``), and writes ``<stem>.quarto_ipynb``
  beside the document (``src/execute/jupyter/jupyter.ts``). So the document is
  rendered from a private copy in a staging folder that is its own project:
  outputs land beside the copy, two renders never share intermediates, and
  the repository's project and ``.gitignore`` are never touched.
- Cells run in the document's folder (``src/resources/jupyter/notebook.py``) and
  image paths starting with ``/`` are read as project-relative
  (``src/resources/filters/quarto-pre/project-paths.lua``), so cells print figure
  paths relative to the document (:func:`assessment.core.paths.for_document`), and
  typst reads files only inside the project folder
  (``src/command/render/output-typst.ts``): files the cells write belong in the staging folder.
- The Python that runs the notebook is ``QUARTO_PYTHON``
  (``src/core/jupyter/capabilities.ts``); it needs ``nbformat`` and ``nbclient``,
  and ``papermill`` for ``-P`` (``notebook.py``). The kernel is a private
  kernelspec for this interpreter, found through ``JUPYTER_PATH``.

>>> quarto_command(Path("leeds.qmd"), {"area": "Brighton & Hove: East"}, ("html", "pdf"))
['quarto', 'render', 'leeds.qmd', '--to', 'html,typst', '-P', 'area:"Brighton & Hove: East"']
>>> parse_version("1.6.40\\n"), parse_version("99.9.9-dev")
((1, 6, 40), (99, 9, 9))
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from ..core.child_processes import run_tied
from ..core.errors import RenderError
from ..core.paths import PROJECT_ROOT
from ..core.staged_outputs import StagedOutputs
from ..core.registry_fields import SAFE_LOADER
from .declaration import resolve_paths
from .formats import FORMATS
from .kernel import KERNEL_NAME, write_kernelspec
from .qmd import read_qmd, with_front_matter

#: What Quarto's Jupyter engine imports in QUARTO_PYTHON (papermill only to inject -P parameters).
JUPYTER_PACKAGES = ("nbformat", "nbclient")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
PARAMETER_PACKAGES = ("papermill",)


def project_defaults(template: Path) -> dict:
    """The nearest ``_quarto.yml`` above ``template`` (within the checkout): ``execute:`` defaults and metadata."""
    for folder in [template.parent, *template.parent.parents]:
        config = folder / "_quarto.yml"
        if config.is_file():
            return yaml.load(config.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
        if folder == PROJECT_ROOT:
            break
    return {}


def quarto_available() -> bool:
    return shutil.which("quarto") is not None


def parse_version(text: str) -> tuple[int, ...] | None:
    match = re.match(r"\s*(\d+(?:\.\d+)*)", text)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def quarto_version() -> tuple[int, ...]:
    """``quarto --version`` as numbers; RenderError when it does not answer with one."""
    try:
        completed = subprocess.run(["quarto", "--version"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderError(f"`quarto --version` did not run ({exc})") from None
    version = parse_version(completed.stdout) if completed.returncode == 0 else None
    if version is None:
        said = " ".join((completed.stdout + completed.stderr).split())[:200]
        raise RenderError(f"`quarto --version` did not print a version (it said: {said or 'nothing'})")
    return version


def why_not_quarto(formats, params: dict) -> str | None:
    """Why Quarto cannot render ``formats`` here, or None when it can (used to choose an engine)."""
    if not quarto_available():
        return "the quarto command is not on PATH"
    try:
        version = quarto_version()
    except RenderError as exc:
        return str(exc)
    for name in formats:
        fmt = FORMATS[name]
        if version < fmt.min_quarto:
            return (f"Quarto {'.'.join(map(str, version))} is too old to write {fmt.label} "
                    f"(Quarto's {fmt.quarto_target} format needs {fmt.min_quarto_text} or later)")
    needed = JUPYTER_PACKAGES + (PARAMETER_PACKAGES if params else ())
    missing = [name for name in needed if importlib.util.find_spec(name) is None]
    if missing:
        return (f"Quarto's Jupyter engine needs {', '.join(missing)} in {sys.executable} "
                '(pip install "jsna-justice[quarto]")')
    return None


def quarto_command(document: Path, params: dict, formats) -> list[str]:
    """The ``quarto render`` command line for a staged document (run in its folder)."""
    cmd = ["quarto", "render", document.name, "--to", ",".join(FORMATS[f].quarto_target for f in formats)]
    for name, value in params.items():
        # -P takes YAML: JSON encoding keeps strings with spaces or colons intact.
        cmd += ["-P", f"{name}:{json.dumps(value)}"]
    return cmd


def _staged_metadata(template_metadata: dict, metadata: dict | None, formats,
                     reference_doc: Path | None) -> dict:
    """The staged copy's front matter: the template's and the caller's metadata, each format's
    options from the formats table (a self-contained HTML, the Word reference document), the kernel.

    >>> meta = _staged_metadata({"title": "T", "format": {"docx": "default"}}, {"title": "Leeds"},
    ...                         ("html", "docx"), Path("/r/ref.docx"))
    >>> meta["title"], meta["format"], meta["jupyter"]
    ('Leeds', {'docx': {'reference-doc': '/r/ref.docx'}, 'html': {'embed-resources': True}}, 'jsna-python')
    """
    merged = {**template_metadata, **(metadata or {}), "jupyter": KERNEL_NAME}
    options = dict(merged.get("format") or {})
    for name in formats:
        fmt = FORMATS[name]
        extra = dict(fmt.quarto_options)
        if fmt.reference_doc and reference_doc is not None:
            extra["reference-doc"] = str(Path(reference_doc).resolve())
        if extra:
            existing = options.get(fmt.quarto_target)
            options[fmt.quarto_target] = {**(existing if isinstance(existing, dict) else {}), **extra}
    merged["format"] = options
    return merged


def stage_document(template: Path, workdir: Path, stem: str, metadata: dict | None, formats,
                   reference_doc: Path | None) -> Path:
    """Write ``workdir/<stem>.qmd`` (the template, with our metadata), its ``_quarto.yml`` and the kernelspec."""
    text = template.read_text(encoding="utf-8")
    # The copy is rendered elsewhere: the declared filters and files are named by absolute paths.
    declared = resolve_paths(read_qmd(template).metadata, template.parent)
    staged = _staged_metadata(declared, metadata, formats, reference_doc)
    document = workdir / f"{stem}.qmd"
    document.write_text(with_front_matter(text, staged, str(template)), encoding="utf-8")
    project = {key: value for key, value in project_defaults(template).items() if key != "project"}
    (workdir / "_quarto.yml").write_text(yaml.safe_dump({"project": {"type": "default"}, **project},
                                                        allow_unicode=True, sort_keys=False), encoding="utf-8")
    write_kernelspec(workdir / ".jupyter" / "kernels")
    return document


def _quarto_environment(workdir: Path) -> dict:
    env = dict(os.environ)
    env["QUARTO_PYTHON"] = sys.executable  # the interpreter that has this package, not the first python3 on PATH
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(workdir / ".jupyter"), env.get("JUPYTER_PATH")]))
    return env


def _clean(workdir: Path, document: Path, existed: set[str]) -> None:
    """Remove what staging and Quarto wrote into a caller's folder (copy, project file, intermediates)."""
    for path in workdir.iterdir():
        ours = path.name in {document.name, "_quarto.yml", ".jupyter", ".quarto", f"{document.stem}_files"} \
            or path.name.startswith(f"{document.stem}.quarto_ipynb") \
            or (path.name == ".gitignore" and path.name not in existed)
        if ours:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def render_with_quarto(stage: StagedOutputs, template: Path, params: dict, formats, *, stem: str | None = None,
                       metadata: dict | None = None, reference_doc: Path | None = None) -> dict[str, Path]:
    """Render a private copy of ``template`` with Quarto in ``stage``'s folder, keeping each format written.

    Files the cells write, figures included, must be inside that folder for
    Quarto's typst to read them; what the copy and Quarto leave there besides
    the documents is removed afterwards.
    """
    reason = why_not_quarto(formats, params)
    if reason:
        raise RenderError(f"engine 'quarto' requested but {reason}; use --engine builtin or fix Quarto")
    template = Path(template).resolve()
    stem = stem or template.stem
    workdir = stage.folder
    existed = {p.name for p in workdir.iterdir()}
    document = workdir / f"{stem}.qmd"
    try:
        document = stage_document(template, workdir, stem, metadata, formats, reference_doc)
        completed = run_tied(quarto_command(document, params, formats), capture_output=True, text=True,
                             cwd=workdir, env=_quarto_environment(workdir))  # dies with a killed run
        if completed.returncode != 0:
            said = _ANSI.sub("", completed.stderr or completed.stdout)  # tracebacks come coloured
            raise RenderError(f"quarto render {template.name} failed: {' '.join(said.split())[-400:]}")
        # The staged copy sits at the top of its own project with no output-dir, so each
        # format is <stem><suffix> beside it (no project sub-folder to account for).
        produced = {name: workdir / f"{stem}{FORMATS[name].suffix}" for name in formats}
        for path in produced.values():
            if not path.is_file():
                raise RenderError(f"quarto render {template.name} did not write {path.name}")
        return {name: stage.keep(path) for name, path in produced.items()}
    finally:
        _clean(workdir, document, existed)
