"""A stand-in ``quarto`` command for the tests (the Quarto CLI cannot be installed here).

It reproduces, from the quarto-cli source, exactly the behaviours jsna's
Quarto path depends on (the same in 1.8.27, the CI examples' pin, and 1.11.0;
the report's formats were also checked against both real CLIs), and drives real pandoc (pypandoc-binary) and typst
(PyPI) so the HTML, Word and PDF files are real. Each behaviour names the
Quarto source file it comes from. Anything else Quarto does is out of scope;
an option it does not know is an error, so a test cannot silently rely on one.

- ``quarto --version``: prints the version (``JSNA_STANDIN_QUARTO_VERSION``, default 1.11.0).
- Projects (src/project/project-context.ts): the nearest ``_quarto.yml`` at or
  above the document's folder makes a project; with ``--output-dir`` and no
  project, the document's folder becomes one (src/command/render/render-shared.ts).
  A project render creates ``.quarto/`` and adds ``/.quarto/`` and
  ``**/*.quarto_ipynb`` to an existing ``.gitignore``, or creates one inside a
  git work tree (src/project/project-gitignore.ts); sets ``QUARTO_PROJECT_DIR``
  while rendering (src/command/render/project.ts). ``quarto render`` with no
  file renders the project's ``render:`` list.
- Output names (src/command/render/output.ts): without ``--output`` a format is
  written as ``<stem>.<ext>`` beside the document; ``--output NAME`` is used as
  given (no extension added), resolved from the current folder, so several
  formats write the same file one after another. PDF through typst
  (src/command/render/output-typst.ts): pandoc writes ``<stem>.typ``, typst
  compiles it with the project folder as its root (the document's folder
  without a project), the PDF is renamed to ``--output`` if given.
- Project output-dir (src/command/render/project.ts): each output moves to
  ``<output-dir>/<its path relative to the project folder>``; every local image
  the document shows (quarto-pre/resourcefiles.lua records them) is copied to
  ``<output-dir>/<its path relative to the project folder>`` too, unless a
  ``!`` glob of the document's ``resources:`` excludes it (src/command/render/resources.ts,
  globs relative to the document's folder).
- Execution (src/execute/jupyter/jupyter.ts, src/core/jupyter/capabilities.ts,
  src/resources/jupyter/notebook.py): a transient ``<stem>.quarto_ipynb`` (``_1``,
  ``_2``… when one exists) is written beside the document and removed after;
  ``#| tags`` go to the cell metadata; it runs under ``QUARTO_PYTHON`` (a
  ``python3`` on PATH without it), which must have jupyter_core and nbformat
  ("Jupyter is not available in this Python installation."), in the
  document's folder, with papermill-style parameter injection (see standin_notebook.py).
  The kernel is the front matter's ``jupyter:`` kernelspec, else ``python3``.
- Markdown from the executed notebook (src/core/jupyter/jupyter.ts,
  src/core/jupyter/labels.ts): ``output: asis`` stdout is written raw; other
  outputs in ``::: {.cell-output …}`` divs; a cell is wrapped in
  ``::: {#label .cell execution_count=N}`` when it has a label and no single
  display output, or is not asis; ``include: false`` and ``output: false``
  drop outputs; ``echo`` shows code; ``warning: false`` drops stderr; images go
  to ``<stem>_files/figure-<format>/<label>-output-<n>.png``, removed after the
  render unless an HTML file that is not self-contained links them
  (src/command/render/cleanup.ts).
- Filters (src/command/render/filters.ts, resolveFilters): the document's
  ``filters:`` (paths relative to the document), those before the marker
  ``quarto`` ahead of Quarto's own, those after it (or all of them, without the
  marker, ahead) after; Quarto's own here are project-paths.lua (leading ``/``)
  and ``fig-alt`` as alt text.
- Includes (filters.ts, extractIncludeVariables; quarto-init/includes.lua):
  ``header-includes`` strings and the text of ``include-in-header`` files are
  added to the header as raw blocks of the output format, verbatim (includes.lua
  here). So a markdown raw block (```` ```{=typst} ````) in ``header-includes``
  reaches the output as text.
- Typst (src/format/typst/format-typst.ts): a document with no level-one
  heading gets ``shift-heading-level-by: -1`` unless it sets its own.
- Pandoc options (formats' scalar and mapping options as metadata, ``toc``,
  ``toc-depth``, ``number-sections``, ``shift-heading-level-by``,
  ``embed-resources``, ``css``, ``reference-doc``), run in the document's
  folder (output.ts). ``format-links`` (HTML's links to the other formats) is
  accepted and not drawn.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypandoc
import yaml
from standin_execute import QuartoError, execute, notebook_to_markdown

HERE = Path(__file__).resolve().parent
EXTENSIONS = {"html": "html", "docx": "docx", "typst": "pdf"}
PANDOC_WRITER = {"html": "html5", "docx": "docx", "typst": "typst"}
NOT_PANDOC_METADATA = {"format", "execute", "jupyter", "engine", "project", "filters", "header-includes",
                       "include-in-header"}
FORMAT_FLAGS = {"toc", "toc-depth", "number-sections", "embed-resources", "self-contained", "reference-doc", "css",
                "shift-heading-level-by", "format-links", "filters", "header-includes", "include-in-header"}


# ---------------------------------------------------------------- arguments
def parse_args(argv: list[str]) -> dict:
    flags = {"input": None, "to": None, "output": None, "output_dir": None, "params": {}, "metadata": {}}
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("--to", "-t"):
            flags["to"] = args.pop(0)
        elif arg in ("--output", "-o"):
            flags["output"] = args.pop(0)
        elif arg == "--output-dir":
            flags["output_dir"] = args.pop(0)
        elif arg in ("-P", "--execute-param"):  # flags.ts: name:value, the value read as YAML
            name, _, value = args.pop(0).partition(":")
            flags["params"][name] = yaml.safe_load(value)
        elif arg in ("-M", "--metadata"):
            name, _, value = args.pop(0).partition(":")
            flags["metadata"][name] = yaml.safe_load(value)
        elif arg == "--metadata-file":  # flags.ts: read and merged (shallow) into the metadata
            flags["metadata"].update(yaml.safe_load(Path(args.pop(0)).read_text(encoding="utf-8")) or {})
        elif arg.startswith("-"):
            raise QuartoError(f"the stand-in quarto does not know the option {arg}")
        elif flags["input"] is None:
            flags["input"] = arg
        else:
            raise QuartoError(f"unexpected argument {arg}")
    return flags


# ----------------------------------------------------------------- projects
def find_project(folder: Path) -> Path | None:
    for candidate in [folder, *folder.parents]:
        if (candidate / "_quarto.yml").is_file():
            return candidate
    return None


def read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {} if path.is_file() else {}


def ensure_gitignore(project: Path) -> None:
    required = ["/.quarto/", "**/*.quarto_ipynb"]
    gitignore = project / ".gitignore"
    if gitignore.is_file():
        lines = [line.strip() for line in gitignore.read_text().splitlines()]
        missing = [entry for entry in required if entry not in lines]
        if missing:
            gitignore.write_text("\n".join(lines + missing) + "\n")
    elif shutil.which("git") and subprocess.run(["git", "rev-parse"], cwd=project,
                                                 capture_output=True).returncode == 0:
        gitignore.write_text("\n".join(required) + "\n")


# ---------------------------------------------------------------- documents
def split_front_matter(text: str) -> tuple[dict, str]:
    if not text.startswith("---"):
        return {}, text
    end = re.search(r"^---\s*$", text[3:], flags=re.MULTILINE)
    return yaml.safe_load(text[3:3 + end.start()]) or {}, text[3 + end.end():]


# ------------------------------------------------------------------- render
def _format_options(metadata: dict, to: str) -> dict:
    options = (metadata.get("format") or {}).get(to)
    return options if isinstance(options, dict) else {}


def _listed(value) -> list:
    return value if isinstance(value, list) else [value] if value else []


def user_filters(merged: dict) -> tuple[list[str], list[str]]:
    """filters.ts (resolveFilters): filters before the ``quarto`` marker run ahead of Quarto's own, those after
    it after them; without the marker every filter runs ahead."""
    filters = [str(f) for f in _listed(merged.get("filters"))]
    unknown = [f for f in filters if f != "quarto" and not f.endswith(".lua")]
    if unknown:
        raise QuartoError(f"the stand-in quarto runs Lua filters only, not {', '.join(unknown)}")
    at = filters.index("quarto") if "quarto" in filters else len(filters)
    return filters[:at], filters[at + 1:]


def header_includes(merged: dict, folder: Path) -> list[str]:
    """filters.ts (extractIncludeParams) and quarto-init/includes.lua: each ``include-in-header`` file's text,
    then each ``header-includes`` string, verbatim."""
    texts = []
    for name in _listed(merged.get("include-in-header")):
        path = folder / str(name)
        if not path.is_file():
            raise QuartoError(f"Error resolving header-includes- unable to open file {name}")
        texts.append(path.read_text(encoding="utf-8"))
    return texts + [str(text) for text in _listed(merged.get("header-includes"))]


def pandoc_args(merged: dict, to: str) -> list[str]:
    before, after = user_filters(merged)
    args = ["--from", "markdown", "--to", PANDOC_WRITER[to], "--standalone", "--lua-filter", str(HERE / "includes.lua")]
    for name in before:
        args += ["--lua-filter", name]
    args += ["--lua-filter", str(HERE / "project-paths.lua")]
    for name in after:
        args += ["--lua-filter", name]
    if merged.get("shift-heading-level-by"):
        args.append(f"--shift-heading-level-by={int(merged['shift-heading-level-by'])}")
    if merged.get("toc"):
        args += ["--toc", f"--toc-depth={int(merged.get('toc-depth', 3))}"]
    if merged.get("number-sections"):
        args.append("--number-sections")
    if to == "html" and (merged.get("embed-resources") or merged.get("self-contained")):
        args.append("--embed-resources")
    if merged.get("reference-doc"):
        args += ["--reference-doc", str(merged["reference-doc"])]
    if to == "html":
        args += [f"--css={name}" for name in _listed(merged.get("css"))]
    return args


def render_format(document: Path, to: str, flags: dict, project: Path | None, cwd: Path) -> Path:
    """Render one format; returns the output file (before any output-dir move)."""
    text = document.read_text(encoding="utf-8")
    front, body = split_front_matter(text)
    project_config = read_yaml(project / "_quarto.yml") if project else {}
    metadata = {**{k: v for k, v in project_config.items() if k != "project"}, **front, **flags["metadata"]}
    execute_defaults = {**(project_config.get("execute") or {}), **(front.get("execute") or {})}
    options = _format_options(metadata, to)
    merged = {**metadata, **options}
    env = dict(os.environ)
    if project:
        env["QUARTO_PROJECT_DIR"] = str(project)
    if "```{python" in body:
        body = notebook_to_markdown(execute(document, body, metadata, flags["params"], env), execute_defaults,
                                    document, to)
    if to == "typst" and "shift-heading-level-by" not in merged and not re.search(r"^# ", body, flags=re.M):
        merged["shift-heading-level-by"] = -1  # format-typst.ts: no level-one heading in the executed markdown
    flags.setdefault("images", {}).setdefault(document, set()).update(
        (document.parent / src).resolve() for src in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", body)
        if "://" not in src and not src.startswith("data:"))
    pandoc_meta = {k: v for k, v in metadata.items() if k not in NOT_PANDOC_METADATA}
    pandoc_meta.update({k: v for k, v in options.items() if k not in FORMAT_FLAGS})
    includes = document.with_name(f"{document.stem}.{to}.includes.json")
    includes.write_text(json.dumps(header_includes(merged, document.parent)), encoding="utf-8")
    env["STANDIN_INCLUDES"] = str(includes)
    source = document.with_name(f"{document.stem}.{to}.quarto.md")
    source.write_text("---\n" + yaml.safe_dump(pandoc_meta, allow_unicode=True) + "---\n\n" + body, encoding="utf-8")
    if project:
        env["STANDIN_PROJECT_OFFSET"] = Path(os.path.relpath(project, document.parent)).as_posix()
    ext = EXTENSIONS[to]
    final = Path(flags["output"]) if flags["output"] else None
    if final is not None and not final.is_absolute():
        final = (cwd / final).resolve()
    try:
        if to == "typst":
            typ = document.with_name(f"{document.stem}.typ")
            _pandoc(pandoc_args(merged, to) + ["-o", typ.name, source.name], document.parent, env)
            pdf = document.with_name(f"{document.stem}.pdf")
            import typst
            try:
                typst.compile(str(typ), output=str(pdf), root=str(project or document.parent))
            except Exception as exc:
                raise QuartoError(f"Typst compilation failed: {' '.join(str(exc).split())}") from None
            finally:
                typ.unlink(missing_ok=True)
            if final is not None and final != pdf:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(pdf, final)
                return final
            return pdf
        target = final or document.with_name(f"{document.stem}.{ext}")
        _pandoc(pandoc_args(merged, to) + ["-o", str(target), source.name], document.parent, env)
        return target
    finally:
        source.unlink(missing_ok=True)
        includes.unlink(missing_ok=True)
        self_contained = merged.get("embed-resources") or merged.get("self-contained")
        if to != "html" or self_contained:  # cleanup.ts: an HTML file that links its figures keeps them
            files = document.parent / f"{document.stem}_files"
            shutil.rmtree(files / f"figure-{to}", ignore_errors=True)
            if files.is_dir() and not any(files.iterdir()):
                files.rmdir()


def _pandoc(args: list[str], cwd: Path, env: dict) -> None:
    completed = subprocess.run([pypandoc.get_pandoc_path(), *args], cwd=cwd, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        raise QuartoError(f"pandoc failed: {completed.stderr.strip()}")


def formats_of(document: Path, flags: dict) -> list[str]:
    if flags["to"]:
        targets = [t.strip() for t in flags["to"].split(",") if t.strip()]
    else:
        front, _ = split_front_matter(document.read_text(encoding="utf-8"))
        declared = front.get("format") or {"html": {}}
        targets = list(declared) if isinstance(declared, dict) else [str(declared)]
    unknown = [t for t in targets if t not in EXTENSIONS]
    if unknown:
        raise QuartoError(f"the stand-in quarto cannot write {', '.join(unknown)}")
    return targets


def render(flags: dict) -> list[Path]:
    cwd = Path.cwd()
    if flags["input"] is None:
        project = find_project(cwd)
        if project is None:
            raise QuartoError(f"The specified directory ('{cwd}') is not a Quarto project.")
        listed = ((read_yaml(project / "_quarto.yml").get("project") or {}).get("render")) or []
        documents = [project / item for item in listed] or sorted(
            p for p in project.rglob("*.qmd") if not any(part.startswith((".", "_")) for part in p.parts))
    else:
        documents = [(cwd / flags["input"]).resolve()]
        project = find_project(documents[0].parent)
    if project is None and flags["output_dir"]:
        project = documents[0].parent  # render-shared.ts: a synthetic project for --output-dir
    output_dir = None
    if project is not None:
        (project / ".quarto").mkdir(exist_ok=True)
        ensure_gitignore(project)
        configured = (read_yaml(project / "_quarto.yml").get("project") or {}).get("output-dir")
        if flags["output_dir"]:
            output_dir = (cwd / flags["output_dir"]).resolve()
        elif configured:
            output_dir = project / configured
    written = []
    for document in documents:
        for to in formats_of(document, flags):
            written.append(render_format(document, to, flags, project, cwd))
    if output_dir is not None:
        moved = []
        for path in dict.fromkeys(written):
            if not path.is_relative_to(project):  # an --output outside the project stays where it was written
                moved.append(path)
                continue
            target = output_dir / path.relative_to(project)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            moved.append(target)
        written = moved
        copy_resources(flags.get("images", {}), project, output_dir)
    return written


def copy_resources(images: dict, project: Path, output_dir: Path) -> None:
    """project.ts and resources.ts: each document's images, copied to the output-dir at their project path."""
    import fnmatch

    for document, paths in images.items():
        front, _ = split_front_matter(document.read_text(encoding="utf-8"))
        excluded = [os.path.normpath(document.parent / str(glob)[1:]) for glob in _listed(front.get("resources"))
                    if str(glob).startswith("!")]
        for path in paths:
            if not path.is_file() or not path.is_relative_to(project) or \
                    any(fnmatch.fnmatch(str(path), pattern) for pattern in excluded):
                continue
            target = output_dir / path.relative_to(project)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def main(argv: list[str]) -> int:
    if argv[:1] in (["--version"], ["-v"]):
        print(os.environ.get("JSNA_STANDIN_QUARTO_VERSION", "1.11.0"))
        return 0
    if argv[:1] != ["render"]:
        sys.stderr.write(f"ERROR: the stand-in quarto only knows render and --version, not {argv[:1]}\n")
        return 1
    try:
        for path in render(parse_args(argv[1:])):
            sys.stderr.write(f"Output created: {path}\n")
    except QuartoError as exc:
        sys.stderr.write(f"ERROR: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
