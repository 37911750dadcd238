"""Turn assembled markdown into self-contained HTML, editable DOCX, and PDF (pandoc + typst).

Pandoc comes from ``pypandoc-binary``; the PDF is typeset by ``typst`` (PyPI)
from pandoc's typst output, so no LaTeX and no Quarto are needed.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
from pathlib import Path

import pypandoc
import yaml

from ..core.child_processes import run_tied
from ..core.errors import RenderError
from ..core.paths import TEMPLATES_DIR
from .declaration import declared_filters, format_options, header_files
from .self_contained import file_reader, inline_resources

#: What the built-in engine does in place of Quarto's own filters (figure-alt.lua, includes.lua).
ASSETS = Path(__file__).parent / "assets"
FIGURE_ALT = ASSETS / "figure-alt.lua"
#: The report's stylesheet (declared in the template; the batch's index page uses it too).
STYLESHEET = TEMPLATES_DIR / "format" / "report.css"
_IMAGE = re.compile(r"!\[(?P<caption>(?:\\.|[^\]\\])*)\]\((?P<path>[^)\s]+)\)")  # captions may hold \]


def pandoc_path() -> str:
    return pypandoc.get_pandoc_path()


def localise_images(markdown: str, build_dir: Path, document_dir: Path) -> str:
    """Copy every local image into ``build_dir/media`` and point the markdown at the copy.

    Typst only reads files under its root, and a self-contained HTML needs
    readable paths, so images produced anywhere are gathered beside the source.
    Relative paths are read from ``document_dir``, the folder the cells ran in
    (cells print paths relative to it, as Quarto needs).
    """
    media = build_dir / "media"
    media.mkdir(parents=True, exist_ok=True)

    def relocate(match: re.Match) -> str:
        source = Path(document_dir) / match["path"]  # an absolute path stays as it is
        if match["path"].startswith(("http:", "https:", "data:")) or not source.is_file():
            return match.group(0)
        target = media / f"{len(list(media.iterdir())):03d}-{source.name}"
        shutil.copy2(source, target)
        return f"![{match['caption']}]({target.relative_to(build_dir).as_posix()})"

    return _IMAGE.sub(relocate, markdown)


#: What a template's figure folder holds (the charts it draws).
FIGURE_SUFFIXES = (".png", ".svg")


def fresh_figure_folder(folder: Path) -> Path:
    """``folder`` without the figures an earlier render left in it (its other files and folders stay).

    A plain ``quarto render`` draws every area's charts into one folder
    (``reports/quarto/figures``), so the charts of the area rendered before would stay beside this one's.
    """
    folder = Path(folder)
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() and path.suffix.lower() in FIGURE_SUFFIXES:
                path.unlink()
    return folder


#: Pandoc's memory (GHC's runtime options). The binary asks for a 64 MB heap (its -with-rtsopts=-H64m),
#: which makes a 64 MB allocation area: the data it is working on no longer sits in the processor's
#: cache, and with a small old generation each major collection copies a report's few MB of live data
#: again every few MB allocated (a third of a run went to collections). A 16 MB heap and an old
#: generation of at least 64 MB (measured on a force's page and a unitary's, 8-12 runs each): HTML 21-23%
#: less CPU, Word 32%, typst source 37%, and about 15-50 MB less memory. Given in GHCRTS, which a pandoc
#: built without runtime options ignores with a warning (``+RTS`` on its command line would stop it);
#: a GHCRTS of the user's own is kept.
PANDOC_RUNTIME = {"GHCRTS": "-O64m -H16m"}


def _pandoc_environment() -> dict[str, str]:
    return {**PANDOC_RUNTIME, **os.environ}


def _run_pandoc(args: list[str], cwd: Path, what: str, out: Path | None = None) -> None:
    """Run pandoc (killed with this process, see :mod:`assessment.core.child_processes`); a failure names ``out``."""
    completed = run_tied([pandoc_path(), *args], cwd=cwd, capture_output=True, text=True, env=_pandoc_environment())
    if completed.returncode != 0:
        message = " ".join(completed.stderr.split())[:400] or _stopped_by(completed.returncode)
        raise RenderError(f"{out.name + ': ' if out else ''}pandoc could not write the {what}: {message}")


def _stopped_by(returncode: int) -> str:
    """Why pandoc stopped without a word: the signal (SIGXFSZ: a file size limit, as on a full disk).

    >>> _stopped_by(-25)
    'stopped by SIGXFSZ (the file size limit or a full disk)'
    """
    if returncode >= 0:
        return f"exit code {returncode}"
    name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else str(-returncode)
    return f"stopped by {name}" + (" (the file size limit or a full disk)" if name == "SIGXFSZ" else "")


def write_source(markdown: str, metadata: dict, path: Path) -> Path:
    """The pandoc markdown file: YAML metadata block + body.

    Only document-wide metadata goes in (each format's options go to its own
    writer): no ``filters``, ``format`` or execution settings.
    """
    keep = {k: v for k, v in metadata.items() if k not in _NOT_SOURCE_METADATA}
    front = yaml.safe_dump(keep, allow_unicode=True, sort_keys=False)
    path.write_text("---\n" + front + "---\n\n" + markdown, encoding="utf-8")
    return path


#: (``toc`` too: pandoc's Word writer reads it from the metadata and adds its own empty contents field
#: before the one docx-toc.lua writes; each format's contents come from its options, as arguments.)
_NOT_SOURCE_METADATA = {"format", "execute", "jupyter", "engine", "filters", "include-in-header", "css",
                        "reference-doc", "toc", "toc-depth"}
#: Quarto format options that are pandoc options, not metadata (given to pandoc as arguments here).
_NOT_METADATA = {"embed-resources", "reference-doc", "toc", "toc-depth", "number-sections", "self-contained",
                 "css", "include-in-header", "shift-heading-level-by", "format-links", "filters"}


def parse_source(source: Path, metadata: dict) -> Path:
    """``source`` read once into pandoc's document (JSON) beside it, for every format's writer to start from.

    Reading the markdown is a good part of each pandoc run; the JSON document
    reads back in a fraction of that, and identifiers, figures and metadata
    are already in it, so each format is written as from the markdown. The
    images' alt text is set here too (figure-alt.lua), once rather than in
    each writer, when no declared filter has to run before it.
    """
    parsed = source.with_suffix(".json")
    alt_text = ["--lua-filter", str(FIGURE_ALT)] if _alt_text_when_parsed(metadata) else []
    _run_pandoc(["--from", "markdown", *alt_text, "--to", "json", "-o", str(parsed), source.name], source.parent,
                "parsed document", parsed)
    return parsed


def _reader(source: Path) -> str:
    """Pandoc's reader for ``source``: its parsed document (:func:`parse_source`) or the markdown."""
    return "json" if source.suffix == ".json" else "markdown"


def _alt_text_when_parsed(metadata: dict) -> bool:
    """Whether :func:`parse_source` sets the alt text: only when no declared filter runs before Quarto's
    own (a filter there sees ``fig-alt`` as it would under Quarto). Its walk of every block cost each
    writer about 0.02 CPU s (a district's report) to 0.03 (a force's)."""
    before, _ = declared_filters(metadata)
    return not before


def _filters(metadata: dict, source: Path) -> list[str]:
    """The template's declared Lua filters, with what Quarto's own filters do for us
    (``fig-alt`` as alt text: figure-alt.lua) where the ``quarto`` marker puts Quarto's,
    unless ``source`` is the parsed document, which has its alt text already."""
    before, after = declared_filters(metadata)
    done = _reader(source) == "json" and _alt_text_when_parsed(metadata)
    return [str(f) for f in before] + ([] if done else [str(FIGURE_ALT)]) + [str(f) for f in after]


def _paths(value) -> list[str]:
    """A path option's value (one path or a list) as a list."""
    return [str(item) for item in (value if isinstance(value, list) else [value] if value else [])]


def _format_metadata(metadata: dict, quarto_format: str, source: Path) -> list[str]:
    """A metadata file with the format's own metadata options (page size, margins, the
    ``include-in-header`` files includes.lua reads), as Quarto gives them to pandoc."""
    own = (metadata.get("format") or {}).get(quarto_format)
    values = {key: value for key, value in (own if isinstance(own, dict) else {}).items()
              if key not in _NOT_METADATA and key not in _NOT_SOURCE_METADATA}
    values["include-in-header"] = [str(f) for f in header_files(format_options(metadata, quarto_format))]
    path = source.with_name(f"{source.stem}.{quarto_format}-metadata.yaml")
    path.write_text(yaml.safe_dump(values, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return ["--metadata-file", str(path)]


def _common(metadata: dict, quarto_format: str, source: Path) -> list[str]:
    """Arguments shared by every output: the declared filters and ``format: <quarto_format>:`` options.

    Word gets its table of contents from ``docx-toc.lua`` (entries written in,
    not an empty field): the template turns ``toc`` off for Word.
    """
    options = format_options(metadata, quarto_format)
    args = ["--from", _reader(source), "--standalone", "--lua-filter", str(ASSETS / "includes.lua")]
    for path in _filters(metadata, source):
        args += ["--lua-filter", path]
    if options.get("toc"):
        args += ["--toc", f"--toc-depth={int(options.get('toc-depth', 3))}"]
    if options.get("number-sections"):
        args += ["--number-sections"]
    if options.get("shift-heading-level-by"):
        args += [f"--shift-heading-level-by={int(options['shift-heading-level-by'])}"]
    return args + _format_metadata(metadata, quarto_format, source)


def to_html(source: Path, out: Path, metadata: dict) -> Path:
    """A self-contained HTML page: pandoc writes it linking its charts and stylesheet, which are then
    inlined here (:mod:`assessment.render.self_contained`); a page linking anything else is left to
    pandoc's own ``--embed-resources``."""
    options = format_options(metadata, "html")
    css = [f"--css={path}" for path in _paths(options.get("css"))]
    args = _common(metadata, "html", source) + ["--to", "html5", *css,
                                "--metadata", f"lang={metadata.get('lang', 'en-GB')}",
                                "--metadata", f"toc-title={metadata.get('toc-title', 'Contents')}"]
    files = ["-o", str(out), source.name]
    _run_pandoc([*args, *files], source.parent, "HTML", out)
    page = inline_resources(out.read_text(encoding="utf-8"), file_reader(source.parent))
    if page is None:
        _run_pandoc([*args, "--embed-resources", *files], source.parent, "HTML", out)
    else:
        out.write_text(page, encoding="utf-8")
    return out


def to_docx(source: Path, out: Path, metadata: dict, reference_doc: Path | None = None) -> Path:
    args = _common(metadata, "docx", source) + ["--to", "docx", "-o", str(out), source.name]
    reference = reference_doc or format_options(metadata, "docx").get("reference-doc")
    if reference:
        args += ["--reference-doc", str(reference)]
    _run_pandoc(args, source.parent, "Word document", out)
    return out


def to_pdf(source: Path, out: Path, metadata: dict) -> Path:
    """PDF through typst: pandoc writes typst markup, the typst compiler typesets it."""
    typ = source.with_suffix(".typ")
    # Every figure is in media/ under the typst root (localise_images).
    args = _common(metadata, "typst", source) + ["--to", "typst", "-o", str(typ), source.name]
    _run_pandoc(args, source.parent, "typst source", typ)
    compile_typst(typ, out, root=source.parent)
    return out


#: The typst compiler in a process of its own: it keeps what it worked out for every document it compiled
#: (16-25 MB a report, never released while the process lives), so a batch's process would grow without
#: end. A fresh process costs about 0.1 CPU s more than a compile in a warm one (the fonts loaded again).
_TYPST_COMPILE = (
    "import sys, typst\n"
    "try:\n"
    "    typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3])\n"
    "except Exception as exc:\n"  # typst raises its own error type with a multi-line message
    "    sys.stderr.write(' '.join(str(exc).split())[:400])\n"
    "    sys.exit(1)\n")


def compile_typst(typ: Path, out: Path, *, root: Path) -> Path:
    """Typeset ``typ`` into the PDF ``out`` (files read from under ``root``) in a child process."""
    completed = run_tied([sys.executable, "-c", _TYPST_COMPILE, str(typ), str(out), str(root)],
                         capture_output=True, text=True)
    if completed.returncode != 0:
        reason = " ".join(completed.stderr.split())[-400:] or _stopped_by(completed.returncode)
        raise RenderError(f"{out.name}: typst could not typeset the PDF: {reason}")
    return out
