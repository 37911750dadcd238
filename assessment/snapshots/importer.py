"""`jsna import`: files an analyst downloaded by hand become a dated snapshot, like `jsna fetch` makes.

Each file is recognised by its content, never its name: every recogniser
named in ``data_sources/publishers.yaml`` (``recogniser:``, see
:mod:`assessment.inputs.recognition`) and the recognisers of a Fingertips
export, ONS lookups and ONS boundaries are asked in turn, and the one that
answers says what the file is, its release and its latest period, all read
from the file. The snapshot's manifest has the same fields as a fetched one
(path, kind, key, SHA-256, rows, release, period), with the file's original
location as its address, so `jsna build` treats both alike.

A file no recogniser knows is skipped with one line naming the kinds that
are known (inside a folder), or refused (when named on the command line).

>>> print(describe_known_kinds().split(";")[0])
Fingertips data export
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from rich.console import Console

from ..core.errors import InputError
from ..inputs.file_content import content_problem
from ..core.atomic_files import sha256_of
from ..sources.publishers import load_publishers, publishers_path
from ..inputs.recognition import Recognised

FOLDERS = {"fingertips": "fingertips", "publisher": "publishers", "lookup": "geography", "boundary": "geography"}
BUILT_IN = (
    ("Fingertips data export", "assessment.sources.fingertips.client", "recognise"),
    ("ONS lookups", "assessment.geography.recognise", "recognise_lookup"),
    ("ONS boundaries (GeoJSON)", "assessment.geography.recognise", "recognise_boundary"),
)
console = Console(stderr=True, highlight=False)


@dataclass(frozen=True)
class Candidate:
    """A file found on the command line or in a folder given on it."""

    path: Path
    named: bool  # given by name (an unknown kind is then an error, not a skip)


@lru_cache(maxsize=1)
def _publishers() -> dict:
    return load_publishers()


def recognisers(publishers: dict | None = None) -> list[tuple[str, Callable[[Path], Recognised | None]]]:
    """(what it recognises, function) for the built-in kinds and every recogniser the registry names, once each."""
    publishers = _publishers() if publishers is None else publishers
    labels: dict[tuple[str, str], list[str]] = {(module, name): [label] for label, module, name in BUILT_IN}
    for key, spec in publishers.items():
        said = labels.setdefault((spec["module"], spec.get("recogniser", "recognise")), [])
        if spec.get("file_kind", key) not in said:
            said.append(spec.get("file_kind", key))
    return [("; ".join(said), getattr(importlib.import_module(module), name))
            for (module, name), said in labels.items()]


def describe_known_kinds(publishers: dict | None = None) -> str:
    """The kinds of file `jsna import` knows, as one line."""
    return "; ".join(label for label, _ in recognisers(publishers))


def recognise_all(path: Path, publishers: dict | None = None) -> list[Recognised]:
    """Every kind ``path`` is, one answer per recogniser that knows it.

    A workbook may hold the tables of two registry entries (ONS's police force
    area tables: recorded crime and anti-social behaviour); it is then filed
    under both, and each entry's reader reads its own sheets.
    """
    publishers = _publishers() if publishers is None else publishers
    answers: dict[tuple[str, str], Recognised] = {}
    for _, function in recognisers(publishers):
        answer = function(path)
        if answer is not None:
            answers.setdefault((answer.kind, answer.key), answer)
    for answer in answers.values():
        if answer.kind == "publisher" and answer.key not in publishers:
            raise InputError(f"{path}: recognised as '{answer.key}' ({answer.release}), which "
                             f"{publishers_path().name} does not list, so `jsna build` could not read it")
    return list(answers.values())


def recognise(path: Path, publishers: dict | None = None) -> Recognised | None:
    """What ``path`` is (the first kind that knows it), or None."""
    found = recognise_all(path, publishers)
    return found[0] if found else None


def _candidates(sources: Iterable[Path], echo: Callable[[str], None]) -> list[Candidate]:
    found = []
    for source in sources:
        source = Path(source)
        if source.is_dir():
            found += [Candidate(p, False) for p in sorted(_visible_files(source, echo))]
        elif source.is_file():
            found.append(Candidate(source, True))
        else:
            raise InputError(f"{source}: no such file or folder")
    return found


def _visible_files(folder: Path, echo: Callable[[str], None]) -> list[Path]:
    """The files in ``folder`` and below, saying which hidden ones (names starting with a dot) are skipped.

    Hidden files are a system's or a tool's own (.DS_Store, .git), never a download;
    a hidden folder gets one line, not one per file in it.
    """
    files = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            if path.is_dir():
                echo(f"skipped {path}/: a hidden folder (its name starts with a dot), not read")
            elif path.is_file():
                echo(f"skipped {path}: a hidden file (its name starts with a dot), not read")
        elif path.is_dir() and not path.is_symlink():  # as rglob: a linked folder could loop
            files += _visible_files(path, echo)
        elif path.is_file():
            files.append(path)
    return files


def _unknown(path: Path, publishers: dict) -> str:
    """Why no recogniser knows ``path``: a web page or an unread encoding when it is one, else the kinds known."""
    return f"{path}: {content_problem(path) or f'not a kind of file jsna knows ({describe_known_kinds(publishers)})'}"


def import_files(sources: Iterable[Path], out_root: Path, *, today: date | None = None,
                 publishers: dict | None = None, echo: Callable[[str], None] | None = None) -> Path:
    """Recognise every file of ``sources`` (files or folders) and write them into ``out_root/<date>/``.

    Returns the snapshot folder: a same-day snapshot already there is kept and this one is
    named ``<date>-2`` (``-3``...). Nothing is written when no file is
    recognised or a file named explicitly is not.
    """
    from .snapshot import SnapshotWriter

    echo = echo or (lambda line: console.print(line, soft_wrap=True))
    publishers = _publishers() if publishers is None else publishers
    accepted: list[tuple[Candidate, list[Recognised]]] = []
    seen: dict[str, Path] = {}
    for candidate in _candidates(sources, echo):
        answers = recognise_all(candidate.path, publishers)
        if not answers:
            message = _unknown(candidate.path, publishers)
            if candidate.named:
                raise InputError(message)
            echo(f"skipped {message}")
            continue
        digest = sha256_of(candidate.path)
        if digest in seen:
            echo(f"skipped {candidate.path}: the same file as {seen[digest]}")
            continue
        seen[digest] = candidate.path
        accepted.append((candidate, answers))
        for answer in answers:
            period = f", latest period {answer.period}" if answer.period else ""
            echo(f"recognised {candidate.path}: {answer.label}{period}")
    if not accepted:
        raise InputError("no file was recognised; `jsna import` knows " + describe_known_kinds(publishers))
    _warn_if_incomplete([answer for _, answers in accepted for answer in answers], echo)
    snapshot_date = (today or date.today()).isoformat()
    used: set[str] = set()
    with SnapshotWriter(Path(out_root) / snapshot_date, snapshot_date, made_by="import") as writer:
        for candidate, answers in accepted:
            relative = _unique(f"{FOLDERS[answers[0].kind]}/{candidate.path.name}", used)
            data = candidate.path.read_bytes()
            for answer in answers:  # one manifest entry per kind the file is, one copy of the file
                writer.add(relative, data, kind=answer.kind, key=answer.key, url=candidate.path.resolve().as_uri(),
                           vintage=answer.release, rows=answer.rows, period=answer.period,
                           published=answer.published)
    written = writer.close()
    if writer.replaced is not None:  # an import never replaces a snapshot: the earlier one is kept as it was
        echo(f"note: {writer.replaced} already holds a snapshot of {snapshot_date}, kept as it is; "
             f"this import is {written}")
    return written


def _unique(relative: str, used: set[str]) -> str:
    """A snapshot path not used yet (two downloads may share a name)."""
    candidate, number = relative, 2
    while candidate in used:
        folder, name = relative.rsplit("/", 1)
        candidate, number = f"{folder}/{number}-{name}", number + 1
    used.add(candidate)
    return candidate


def _warn_if_incomplete(answers: list[Recognised], echo) -> None:
    """Say now, not at build time, when the geography a build needs is missing."""
    from ..geography.recognise import ROLES

    roles = {a.key for a in answers if a.kind == "lookup"}
    missing = [r for r in ROLES if r not in roles]
    if not any(a.kind == "boundary" and a.key == "lad" for a in answers):
        missing.append("district boundaries")
    if missing:
        echo(f"note: no ONS {', '.join(missing)} among these files; import them too, or pass "
             "`jsna build --lookups DIR`")
