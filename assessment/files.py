"""Write outputs atomically: readers see the old file or folder or the new one, never half of one.

A file is written to a temporary file in the target's folder and renamed over
the target; a folder (a report bundle, an area's reports) is written into a
staging folder beside the target and swapped into place only when every part
was written (:func:`staged_folder`). Files and folders made by :mod:`tempfile`
are private (mode 0600 / 0700), so they are given the permissions an ordinary
file or folder would have under the umask: a report folder on a shared drive
stays readable by colleagues.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "index.html"
>>> write_atomic(target, b"<p>ok</p>").read_bytes()
b'<p>ok</p>'
>>> oct(target.stat().st_mode & 0o777) == oct(default_mode())
True
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def default_mode() -> int:
    """The mode of a newly created ordinary file under the current umask."""
    return 0o666 & ~_umask()


def default_folder_mode() -> int:
    """The mode of a newly created folder under the current umask."""
    return 0o777 & ~_umask()


def publish_file(temp: str | Path, target: str | Path) -> Path:
    """Give ``temp`` ordinary permissions and rename it over ``target`` (same folder, so atomic)."""
    os.chmod(temp, default_mode())
    os.replace(temp, target)
    return Path(target)


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        return publish_file(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


@contextmanager
def staged_folder(target: str | Path) -> Iterator[Path]:
    """Write a folder's contents into a staging folder beside ``target``; swap it into place on success.

    The body of the ``with`` block writes into the yielded folder. When it
    finishes, the staging folder replaces ``target`` (the old folder is moved
    aside first and deleted only once the new one is in place); when it raises,
    the staging folder is removed and ``target`` is left exactly as it was. A
    file (not a folder) at ``target`` is never replaced.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "bundle"
    >>> with staged_folder(target) as staging:
    ...     _ = (staging / "frame.txt").write_text("first")
    >>> try:
    ...     with staged_folder(target) as staging:
    ...         _ = (staging / "frame.txt").write_text("half-written")
    ...         raise OSError("disk full")
    ... except OSError:
    ...     pass
    >>> (target / "frame.txt").read_text(), sorted(p.name for p in target.parent.iterdir())
    ('first', ['bundle'])
    """
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target}: exists and is not a folder; not replacing it")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        yield staging
        os.chmod(staging, default_folder_mode())
        _swap(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` at ``target``; an existing ``target`` is moved aside and restored if that fails."""
    if not target.exists():
        staging.rename(target)
        return
    backup = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
    backup.rmdir()  # only its unique name is wanted
    target.rename(backup)
    try:
        staging.rename(target)
    except OSError:
        backup.rename(target)
        raise
    shutil.rmtree(backup, ignore_errors=True)


_HTML_STARTS = ("<!doctype", "<html", "<head", "<body")


def looks_like_html(head: str | bytes) -> bool:
    """Whether the start of a body or file is a web page (a failed download saved under a data file's name).

    >>> looks_like_html(b"  <!DOCTYPE html><html>..."), looks_like_html("Indicator ID,Area Code\\n")
    (True, False)
    """
    text = head.decode("utf-8", errors="replace") if isinstance(head, bytes) else head
    return text.lstrip("\ufeff \t\r\n")[:200].lower().startswith(_HTML_STARTS)


def sha256_of(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MB blocks (boundary files can be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
