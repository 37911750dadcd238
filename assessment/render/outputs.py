"""Turn assembled markdown into self-contained HTML, editable DOCX, and PDF (pandoc + typst).

Pandoc comes from ``pypandoc-binary``; the PDF is typeset by ``typst`` (PyPI)
from pandoc's typst output, so no LaTeX and no Quarto are needed.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
from pathlib import Path

import pypandoc
import yaml

from ..children import die_with_parent_hook
from ..errors import RenderError

ASSETS = Path(__file__).parent / "assets"
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


def _run_pandoc(args: list[str], cwd: Path, what: str, out: Path | None = None) -> None:
    """Run pandoc (killed with this process, see :mod:`assessment.children`); a failure names ``out``."""
    completed = subprocess.run([pandoc_path(), *args], cwd=cwd, capture_output=True, text=True,
                               preexec_fn=die_with_parent_hook())
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


class _BlockDumper(yaml.SafeDumper):
    """Multi-line strings as YAML literal blocks, so pandoc reads them as markdown blocks
    (a raw ``{=typst}`` block in ``header-includes``, for example)."""


_BlockDumper.add_representer(
    str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text,
                                                      style="|" if "\n" in text else None))


def write_source(markdown: str, metadata: dict, path: Path) -> Path:
    """The pandoc markdown file: YAML metadata block + body."""
    keep = {k: v for k, v in metadata.items() if k not in ("format", "execute", "jupyter", "engine")}
    front = yaml.dump(keep, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False)
    path.write_text("---\n" + front + "---\n\n" + markdown, encoding="utf-8")
    return path


#: Quarto format options that are not pandoc metadata (handled here or not applicable).
_NOT_METADATA = {"embed-resources", "reference-doc", "toc", "toc-depth", "number-sections", "self-contained"}


#: Lua filters (in ``assets/``) per output, run in this order after figure-alt.lua and periods.lua.
FILTERS = {
    "html": ["table-layout.lua", "html-landmarks.lua"],
    "docx": ["heading-levels.lua", "table-layout.lua", "docx-toc.lua"],
    "typst": ["heading-levels.lua", "table-layout.lua", "typst-figures.lua", "typst-layout.lua"],
}


def _common(metadata: dict, quarto_format: str) -> list[str]:
    """Arguments shared by every output, plus the scalar options of ``format: <quarto_format>:``.

    Word gets its table of contents from ``docx-toc.lua`` (entries written in,
    not an empty field), so pandoc's ``--toc`` is for HTML and PDF only.
    """
    options = (metadata.get("format") or {}).get(quarto_format)
    options = options if isinstance(options, dict) else {}
    merged = {**metadata, **options}
    args = ["--from", "markdown", "--standalone"]
    for name in ["figure-alt.lua", "periods.lua", *FILTERS[quarto_format]]:
        args += ["--lua-filter", str(ASSETS / name)]
    if merged.get("toc") and quarto_format != "docx":
        args += ["--toc", f"--toc-depth={int(merged.get('toc-depth', 2))}"]
    if merged.get("number-sections"):
        args += ["--number-sections"]
    for key, value in options.items():
        if key not in _NOT_METADATA and isinstance(value, (str, int, float, bool)):
            args += ["--metadata", f"{key}={str(value).lower() if isinstance(value, bool) else value}"]
    return args


def to_html(source: Path, out: Path, metadata: dict) -> Path:
    args = _common(metadata, "html") + ["--to", "html5", "--embed-resources", "--css", str(ASSETS / "report.css"),
                                "--metadata", f"lang={metadata.get('lang', 'en-GB')}",
                                "--metadata", f"toc-title={metadata.get('toc-title', 'Contents')}",
                                "-o", str(out), source.name]
    _run_pandoc(args, source.parent, "HTML", out)
    return out


def to_docx(source: Path, out: Path, metadata: dict, reference_doc: Path | None = None) -> Path:
    args = _common(metadata, "docx") + ["--to", "docx", "-o", str(out), source.name]
    docx_options = (metadata.get("format") or {}).get("docx")
    reference = reference_doc or (docx_options.get("reference-doc") if isinstance(docx_options, dict) else None)
    if reference:
        args += ["--reference-doc", str(reference)]
    _run_pandoc(args, source.parent, "Word document", out)
    return out


def to_pdf(source: Path, out: Path, metadata: dict) -> Path:
    """PDF through typst: pandoc writes typst markup, the typst compiler typesets it."""
    import typst

    typ = source.with_suffix(".typ")
    # A4 margins for a 170 mm text block, and every figure copied into media/ under the
    # typst root (typst-figures.lua puts it in the media bag).
    args = _common(metadata, "typst") + ["--to", "typst", "--metadata-file", str(ASSETS / "typst-metadata.yaml"),
                                         "--extract-media", "media", "-o", str(typ), source.name]
    _run_pandoc(args, source.parent, "typst source", typ)
    try:
        typst.compile(str(typ), output=str(out), root=str(source.parent))
    except Exception as exc:  # typst raises its own error type with a multi-line message
        reason = " ".join(str(exc).split())[:400]
        raise RenderError(f"{out.name}: typst could not typeset the PDF: {reason}") from None
    return out
