"""Running pandoc: the bundled binary, its runtime options, and a document's writers in one process.

A :class:`WriterRun` is what one ``pandoc --from <reader> --standalone ... -o <output> <source>`` command
does. :func:`run_writers` does several on one source in one ``pandoc lua`` process
(``assets/write-documents.lua``), which reads the source once and writes each output as its command
line would, byte for byte. That is how the built-in engine writes a report's formats one after another
(a batch): measured on real reports, a district's three writers and its parse took 0.49 CPU s in one
process against 0.67 s in four, a police force area's 1.50 against 1.70 (starting pandoc, reading the
parsed document back and loading the filters, three times over). The command line itself
(:func:`run_pandoc`) remains for reading markdown into pandoc's JSON document, which writers running
side by side share, and for pandoc's own ``--embed-resources``.

>>> WriterRun("html5", Path("/o/r.html"), "HTML", filters=("a.lua",), toc_depth=2).command_line(Path("r.json"))
['--from', 'json', '--standalone', '--lua-filter', 'a.lua', '--toc', '--toc-depth=2', '--to', 'html5', '-o', '/o/r.html', 'r.json']
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pypandoc

from ..core.child_processes import run_tied, stopped_by
from ..core.errors import RenderError

#: The script that does a :class:`WriterRun` list in one pandoc process.
WRITE_DOCUMENTS = Path(__file__).parent / "assets" / "write-documents.lua"

#: Pandoc's memory (GHC's runtime options). The binary asks for a 64 MB heap (its -with-rtsopts=-H64m),
#: which makes a 64 MB allocation area: the data it is working on no longer sits in the processor's
#: cache, and with a small old generation each major collection copies a report's few MB of live data
#: again every few MB allocated (a third of a run went to collections). A 16 MB heap and an old
#: generation of at least 64 MB (measured on a force's page and a unitary's, 8-12 runs each): HTML 21-23%
#: less CPU, Word 32%, typst source 37%, and about 15-50 MB less memory. Given in GHCRTS, which a pandoc
#: built without runtime options ignores with a warning (``+RTS`` on its command line would stop it);
#: a GHCRTS of the user's own is kept. (For the writers in one process too: -O128m, -H32m and -A2m
#: measured no better there.)
PANDOC_RUNTIME = {"GHCRTS": "-O64m -H16m"}


def pandoc_path() -> str:
    return pypandoc.get_pandoc_path()


def reader_of(source: Path) -> str:
    """Pandoc's reader for ``source``: its parsed document (JSON) or the markdown."""
    return "json" if source.suffix == ".json" else "markdown"


@dataclass(frozen=True)
class WriterRun:
    """One writer's run: ``writer`` (pandoc's name) writing ``output``, named ``what`` in messages."""

    writer: str
    output: Path
    what: str
    filters: tuple[str, ...] = ()                 # Lua filters, in order
    metadata_file: Path | None = None             # --metadata-file
    metadata_overrides: tuple[tuple[str, str], ...] = ()  # --metadata key=value (over the document's own)
    toc_depth: int | None = None                  # --toc --toc-depth=N
    number_sections: bool = False
    shift_heading_level_by: int = 0
    css: tuple[str, ...] = ()
    reference_doc: str | None = None

    def command_line(self, source: Path, *extra: str) -> list[str]:
        """The pandoc command line (without the program) that does this run on ``source`` (its name, read
        in the folder it is in), with ``extra`` options."""
        args = ["--from", reader_of(source), "--standalone"]
        for path in self.filters:
            args += ["--lua-filter", path]
        if self.toc_depth is not None:
            args += ["--toc", f"--toc-depth={self.toc_depth}"]
        if self.number_sections:
            args += ["--number-sections"]
        if self.shift_heading_level_by:
            args += [f"--shift-heading-level-by={self.shift_heading_level_by}"]
        if self.metadata_file:
            args += ["--metadata-file", str(self.metadata_file)]
        args += ["--to", self.writer, *(f"--css={path}" for path in self.css)]
        for key, value in self.metadata_overrides:
            args += ["--metadata", f"{key}={value}"]
        if self.reference_doc:
            args += ["--reference-doc", self.reference_doc]
        return [*args, *extra, "-o", str(self.output), source.name]

    def as_job(self) -> dict:
        """This run as ``write-documents.lua`` reads it (no nulls: a JSON null is no Lua nil)."""
        job = {"writer": self.writer, "output": str(self.output), "filters": list(self.filters),
               "metadata": dict(self.metadata_overrides), "number_sections": self.number_sections,
               "shift_heading_level_by": self.shift_heading_level_by, "css": list(self.css)}
        optional = {"metadata_file": self.metadata_file and str(self.metadata_file), "toc_depth": self.toc_depth,
                    "reference_doc": self.reference_doc}
        return {**job, **{key: value for key, value in optional.items() if value is not None}}


def run_writers(source: Path, runs: list[WriterRun], *, after_read: tuple[str, ...] = ()) -> None:
    """Do ``runs`` on ``source`` in one pandoc process, reading it once (``after_read``: filters run once
    on what was read, as a parse to JSON runs them). A failure names the output it was writing."""
    job = json.dumps({"source": source.name, "reader": reader_of(source), "after_read": list(after_read),
                      "runs": [run.as_job() for run in runs]})
    completed = run_tied([pandoc_path(), "lua", str(WRITE_DOCUMENTS)], input=job, cwd=source.parent,
                         capture_output=True, text=True, env=_pandoc_environment())
    if completed.returncode != 0:
        started, said = _progress(completed.stderr)
        failed = runs[started - 1] if 0 < started <= len(runs) else None
        message = " ".join(said.split())[:400] or stopped_by(completed.returncode)
        raise RenderError(f"{failed.output.name + ': ' if failed else ''}pandoc could not write the "
                          f"{failed.what if failed else 'documents'}: {message}")


def _progress(stderr: str) -> tuple[int, str]:
    """(the number of the last run ``write-documents.lua`` started, what pandoc said after starting it).

    >>> _progress("@@ 1\\n@@ 2\\nno such file\\n")
    (2, 'no such file\\n')
    >>> _progress("cannot open job")
    (0, 'cannot open job')
    """
    started, said = 0, list[str]()
    for line in stderr.splitlines(keepends=True):
        if line.startswith("@@ ") and line[3:].strip().isdigit():
            started, said = int(line[3:]), []
        else:
            said.append(line)
    return started, "".join(said)


def _pandoc_environment() -> dict[str, str]:
    return {**PANDOC_RUNTIME, **os.environ}


def run_pandoc(args: list[str], cwd: Path, what: str, out: Path | None = None) -> None:
    """Run pandoc (killed with this process, see :mod:`assessment.core.child_processes`); a failure names ``out``."""
    completed = run_tied([pandoc_path(), *args], cwd=cwd, capture_output=True, text=True, env=_pandoc_environment())
    if completed.returncode != 0:
        message = " ".join(completed.stderr.split())[:400] or stopped_by(completed.returncode)
        raise RenderError(f"{out.name + ': ' if out else ''}pandoc could not write the {what}: {message}")
