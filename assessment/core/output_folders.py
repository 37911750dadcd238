"""Which output folders a command may replace: only a folder it wrote itself.

A bundle folder is replaced whole when it is rebuilt, so before anything is
replaced the folder is checked: it must be new, empty, or a report bundle
(``bundle.json``, the marker every bundle carries) holding nothing but the
files that bundle lists. Anything else (a folder of the user's documents, the
project's ``data_sources``, a snapshot or the folder of snapshots) is refused
in one line naming the folder, before any work is done. An output folder may
not be, hold or sit inside one of the command's own inputs either.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "thesis.docx").write_text("three years of work")
>>> refuse_unless_replaceable(folder, marker="bundle.json", what="a report bundle")
Traceback (most recent call last):
...
assessment.core.errors.InputError: ...: holds files that are not a report bundle (thesis.docx); jsna only replaces a folder it wrote itself: choose a new or empty --out
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError
from .atomic_files import LOCK_FILE, PARTIAL

#: Files a jsna run leaves in a folder it owns (its lock) or beside it while writing (staging folders).
_HOUSEKEEPING = (LOCK_FILE,)


def _foreign_files(folder: Path, owned: set[str]) -> list[str]:
    """Files and folders under ``folder`` that are neither in ``owned`` (relative paths) nor jsna's own.

    Without ``owned`` only the top level is listed (``--out ~`` must not walk a whole home folder).
    """
    foreign = []
    for path in sorted(folder.rglob("*") if owned else folder.iterdir()):
        relative = path.relative_to(folder).as_posix()
        if path.name in _HOUSEKEEPING or PARTIAL in relative or relative in owned:
            continue
        if path.is_dir() and not path.is_symlink() and any(o.startswith(relative + "/") for o in owned):
            continue  # a folder of the bundle's (geography/, boundaries/)
        foreign.append(relative)
    return foreign


def _listed_files(folder: Path, marker: str) -> set[str] | None:
    """The files a folder's marker says it holds (``files`` of bundle.json), or None when it lists none."""
    try:
        meta = json.loads((folder / marker).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = meta.get("files") if isinstance(meta, dict) else None
    return {str(name) for name in files} | {marker} if isinstance(files, dict) else None


def refuse_unless_replaceable(folder: str | Path, *, marker: str, what: str) -> None:
    """Raise InputError unless ``folder`` may be replaced: absent, empty, or one of ours (``marker`` in it,
    and nothing in it but the files that marker lists)."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    listed = _listed_files(folder, marker) if (folder / marker).is_file() else None
    if (folder / marker).is_file() and listed is None:  # a bundle from before file lists: ours by its marker
        return
    foreign = _foreign_files(folder, listed or set())
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise InputError(f"{folder}: holds files that are not {what} ({shown}); jsna only replaces a folder "
                         "it wrote itself: choose a new or empty --out")


def refuse_overlap(out: str | Path, inputs: list[tuple[str, Path | None]], *, command: str = "a build") -> None:
    """Raise InputError when the output folder ``out`` is, holds or is inside one of the ``inputs``
    (``(option, path)`` pairs), which ``command`` writing there would destroy or corrupt. A render
    only adds folders to its ``--out``, so it may hold an input (``--out .`` beside ``bundle``).

    >>> refuse_overlap("snapshots", [("--snapshot", Path("snapshots/2026-01-01"))])
    Traceback (most recent call last):
    ...
    assessment.core.errors.InputError: snapshots: this --out holds the --snapshot snapshots/2026-01-01, which a build would replace; choose an --out outside it
    """
    target = Path(out).resolve()
    for option, path in inputs:
        if path is None:
            continue
        source = Path(path).resolve()
        holds = target in source.parents and command == "a build"
        if target == source or holds or source in target.parents:
            relation = "is" if target == source else "holds" if target in source.parents else "is inside"
            harm = "replace" if relation != "is inside" and command == "a build" else "change"
            raise InputError(f"{out}: this --out {relation} the {option} {path}, which {command} would {harm}; "
                             "choose an --out outside it")
