"""Turn assembled markdown into self-contained HTML, editable DOCX, and PDF (pandoc + typst).

Pandoc comes from ``pypandoc-binary``; the PDF is typeset by ``typst`` (PyPI)
from pandoc's typst output, so no LaTeX and no Quarto are needed.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..core.child_processes import run_tied, stopped_by
from ..core.errors import RenderError
from ..core.paths import TEMPLATES_DIR
from .declaration import declared_filters, format_options, header_files
from .pandoc_runs import WriterRun, reader_of, run_pandoc, run_writers
from .self_contained import file_reader, inline_resources

#: What the built-in engine does in place of Quarto's own filters (figure-alt.lua, includes.lua).
ASSETS = Path(__file__).parent / "assets"
FIGURE_ALT = ASSETS / "figure-alt.lua"
#: The report's stylesheet (declared in the template; the batch's index page uses it too).
STYLESHEET = TEMPLATES_DIR / "format" / "report.css"
_IMAGE = re.compile(r"!\[(?P<caption>(?:\\.|[^\]\\])*)\]\((?P<path>[^)\s]+)\)")  # captions may hold \]


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
    run_pandoc(["--from", "markdown", *alt_text, "--to", "json", "-o", str(parsed), source.name], source.parent,
               "parsed document", parsed)
    return parsed


def _alt_text_when_parsed(metadata: dict) -> bool:
    """Whether the alt text is set once, when the markdown is read (:func:`parse_source`, or the writers'
    one process): only when no declared filter runs before Quarto's own (a filter there sees ``fig-alt``
    as it would under Quarto). Its walk of every block cost each writer about 0.02 CPU s (a district's
    report) to 0.03 (a force's)."""
    before, _ = declared_filters(metadata)
    return not before


def _filters(metadata: dict, alt_text_set: bool) -> tuple[str, ...]:
    """A writer's Lua filters: includes.lua, then the template's declared filters with what Quarto's own
    filters do for us (``fig-alt`` as alt text: figure-alt.lua) where the ``quarto`` marker puts Quarto's,
    unless the alt text was set when the source was read (``alt_text_set``)."""
    before, after = declared_filters(metadata)
    return (str(ASSETS / "includes.lua"), *map(str, before), *([] if alt_text_set else [str(FIGURE_ALT)]),
            *map(str, after))


def _paths(value) -> list[str]:
    """A path option's value (one path or a list) as a list."""
    return [str(item) for item in (value if isinstance(value, list) else [value] if value else [])]


def _format_metadata(metadata: dict, quarto_format: str, source: Path) -> Path:
    """A metadata file with the format's own metadata options (page size, margins, the
    ``include-in-header`` files includes.lua reads), as Quarto gives them to pandoc."""
    own = (metadata.get("format") or {}).get(quarto_format)
    values = {key: value for key, value in (own if isinstance(own, dict) else {}).items()
              if key not in _NOT_METADATA and key not in _NOT_SOURCE_METADATA}
    values["include-in-header"] = [str(f) for f in header_files(format_options(metadata, quarto_format))]
    path = source.with_name(f"{source.stem}.{quarto_format}-metadata.yaml")
    path.write_text(yaml.safe_dump(values, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _writer_run(metadata: dict, quarto_format: str, source: Path, alt_text_set: bool, writer: str, out: Path,
                what: str, **options) -> WriterRun:
    """A format's pandoc run: the declared filters and ``format: <quarto_format>:`` options, with ``options``.

    Word gets its table of contents from ``docx-toc.lua`` (entries written in,
    not an empty field): the template turns ``toc`` off for Word.
    """
    declared = format_options(metadata, quarto_format)
    return WriterRun(writer, out, what, filters=_filters(metadata, alt_text_set),
                     metadata_file=_format_metadata(metadata, quarto_format, source),
                     toc_depth=int(declared.get("toc-depth", 3)) if declared.get("toc") else None,
                     number_sections=bool(declared.get("number-sections")),
                     shift_heading_level_by=int(declared.get("shift-heading-level-by") or 0), **options)


def _html_run(source: Path, out: Path, metadata: dict, reference_doc: Path | None, alt_text_set: bool) -> WriterRun:
    return _writer_run(metadata, "html", source, alt_text_set, "html5", out, "HTML",
                       css=tuple(_paths(format_options(metadata, "html").get("css"))),
                       metadata_overrides=(("lang", str(metadata.get("lang", "en-GB"))),
                                           ("toc-title", str(metadata.get("toc-title", "Contents")))))


def _self_contained(source: Path, out: Path, metadata: dict) -> Path:
    """The HTML page made self-contained: its charts and stylesheet inlined here
    (:mod:`assessment.render.self_contained`); a page linking anything else is written again by pandoc
    with its own ``--embed-resources`` (reading ``source`` itself)."""
    page = inline_resources(out.read_text(encoding="utf-8"), file_reader(source.parent))
    if page is None:
        run = _html_run(source, out, metadata, None, _alt_text_set(source, metadata))
        run_pandoc(run.command_line(source, "--embed-resources"), source.parent, "HTML", out)
    else:
        out.write_text(page, encoding="utf-8")
    return out


def _docx_run(source: Path, out: Path, metadata: dict, reference_doc: Path | None, alt_text_set: bool) -> WriterRun:
    reference = reference_doc or format_options(metadata, "docx").get("reference-doc")
    return _writer_run(metadata, "docx", source, alt_text_set, "docx", out, "Word document",
                       reference_doc=str(reference) if reference else None)


def _as_written(source: Path, out: Path, metadata: dict) -> Path:
    return out


def _typst_run(source: Path, out: Path, metadata: dict, reference_doc: Path | None, alt_text_set: bool) -> WriterRun:
    # Every figure is in media/ under the typst root (localise_images).
    return _writer_run(metadata, "typst", source, alt_text_set, "typst", source.with_suffix(".typ"), "typst source")


def _typeset(source: Path, out: Path, metadata: dict) -> Path:
    """PDF through typst: pandoc wrote typst markup, the typst compiler typesets it."""
    return compile_typst(source.with_suffix(".typ"), out, root=source.parent)


def _alt_text_set(source: Path, metadata: dict) -> bool:
    """Whether ``source`` is the parsed document with its alt text set (:func:`parse_source`)."""
    return reader_of(source) == "json" and _alt_text_when_parsed(metadata)


@dataclass(frozen=True)
class Writer:
    """How the built-in engine writes one format: pandoc's run, then what is done with its output.

    Called as ``writer(source, out, metadata, reference_doc=None)``, it writes that one document.
    """

    pandoc_run: Callable[[Path, Path, dict, Path | None, bool], WriterRun]
    finish: Callable[[Path, Path, dict], Path]

    def __call__(self, source: Path, out: Path, metadata: dict, reference_doc: Path | None = None) -> Path:
        (written,) = write_documents(source, [(self, out)], metadata, reference_doc)
        return written


def write_documents(source: Path, targets: list[tuple[Writer, Path]], metadata: dict,
                    reference_doc: Path | None = None) -> list[Path]:
    """Each of ``targets`` (a writer and its file) from ``source`` (the markdown, or its parsed document),
    one after another in one pandoc process (:func:`assessment.render.pandoc_runs.run_writers`), which
    reads ``source`` once; then each is finished (the HTML made self-contained, the PDF typeset)."""
    # The alt text is set before the writers' filters run: in the parse of the markdown (parse_source), or
    # here once the markdown is read, as that parse does.
    alt_text_set = _alt_text_when_parsed(metadata)
    runs = [writer.pandoc_run(source, out, metadata, reference_doc, alt_text_set) for writer, out in targets]
    run_writers(source, runs, after_read=(str(FIGURE_ALT),) if alt_text_set and reader_of(source) == "markdown" else ())
    return [writer.finish(source, out, metadata) for writer, out in targets]


#: A self-contained HTML page.
to_html = Writer(_html_run, _self_contained)
#: An editable Word document.
to_docx = Writer(_docx_run, _as_written)
#: A PDF, typeset by typst from pandoc's typst markup.
to_pdf = Writer(_typst_run, _typeset)


#: The typst compiler in a process of its own: it keeps what it worked out for every document it compiled
#: (16-25 MB a report, never released while the process lives), so a batch's process would grow without
#: end. A warm process gains nothing on a new document: measured 7 December, Preston's page compiled in 0.21 CPU s
#: in a process that had compiled others, 0.23 s in a fresh one (Python and ``import typst`` 0.02 s);
#: only the same document again is faster.
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
        reason = " ".join(completed.stderr.split())[-400:] or stopped_by(completed.returncode)
        raise RenderError(f"{out.name}: typst could not typeset the PDF: {reason}")
    return out
