"""Write outputs atomically: readers see the old file or folder or the new one, never half of one.

A file is written to a temporary file in the target's folder and renamed over
the target; a folder (a report bundle, a snapshot) is written into a
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

import errno
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from typing import TextIO
from contextlib import contextmanager
from pathlib import Path

from .errors import JsnaError


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


def default_dir_mode() -> int:
    """The mode of a newly created folder under the current umask (``tempfile.mkdtemp`` makes 0700 ones)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


def publish_file(temp: str | Path, target: str | Path) -> Path:
    """Give ``temp`` ordinary permissions and rename it over ``target`` (same folder, so atomic)."""
    os.chmod(temp, default_mode())
    os.replace(temp, target)
    return Path(target)


class WriteError(JsnaError):
    """An output could not be written (a full disk, a file size limit); the previous output was kept."""


@contextmanager
def writing(path: str | Path, *, kept: bool = True) -> Iterator[None]:
    """Name ``path`` in any failure to write it: a full disk is one line naming the file, not a writer's
    bare ``Error writing bytes`` / ``IO_EFBIG`` / ``File too large``. ``kept``: the caller writes
    through a temporary file or folder, so the previous output is still there.

    >>> with writing("bundle/frame.parquet"):
    ...     raise OSError(27, "Error writing bytes to file. Detail: [errno 27] File too large")
    Traceback (most recent call last):
    ...
    assessment.core.atomic_files.WriteError: bundle/frame.parquet: could not write it (Error writing bytes to file. Detail: [errno 27] File too large); the disk may be full; the previous output was kept
    """
    try:
        yield
    except WriteError:
        raise
    except (OSError, _lxml_error()) as exc:
        if not _out_of_room(exc):  # a missing folder, a permission: the error as it is (it names its path)
            raise
        reason = " ".join((getattr(exc, "strerror", None) or str(exc) or type(exc).__name__).split())[:300]
        raise WriteError(f"{path}: could not write it ({reason}); the disk may be full"
                         + ("; the previous output was kept" if kept else "")) from None


#: errno values of a write that found no room: disk full, file size limit, quota.
_NO_ROOM = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _out_of_room(exc: BaseException) -> bool:
    """Whether ``exc`` says a write found no room (writers that give no errno say so in words: pyarrow's
    ``Error writing bytes ... File too large``, lxml's ``IO_EFBIG`` / ``IO_ENOSPC``)."""
    if getattr(exc, "errno", None) in _NO_ROOM:
        return True
    text = str(exc)
    return any(word in text for word in ("IO_EFBIG", "IO_ENOSPC", "File too large", "No space left", "Disk quota"))


def _lxml_error() -> type[BaseException]:
    """lxml's serialisation error (openpyxl writes through lxml: a full disk is ``IO_EFBIG``, not an OSError)."""
    try:
        from lxml.etree import SerialisationError
    except ImportError:
        return OSError
    return SerialisationError


def write_atomic(path: str | Path, data: bytes, *, named: str | Path | None = None) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    Failures name ``named`` (default ``path``): a staged file is named where it will be.
    """
    path = Path(path)
    with writing(named or path):
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
    if target.is_symlink():  # a link the user made to a folder elsewhere stays a link: write into its target
        target = target.resolve()
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target}: exists and is not a folder; not replacing it")
    staging = make_staging_folder(target)  # named after this process, so a killed run's is found later
    try:
        yield staging
        os.chmod(staging, default_folder_mode())
        switch_into_place(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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


# ------------------------------------------------------------ staging folders
#: Staging folders are named ``.<target>.partial-<pid>-<random>`` beside their target.
PARTIAL = ".partial-"


def make_staging_folder(target: str | Path) -> Path:
    """A new, empty folder beside ``target`` to build it in, named after the process writing it."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}{PARTIAL}{os.getpid()}-", dir=target.parent))
    os.chmod(folder, default_dir_mode())  # it becomes the target: readable by colleagues, as any new folder
    return folder


def switch_into_place(staging: str | Path, target: str | Path) -> Path:
    """Put a complete ``staging`` folder where ``target`` is; the old ``target`` goes only once the new is in.

    Two renames in one folder: a reader sees the old folder, then the new one
    (for an instant, neither); a failure between them puts the old one back.

    >>> import tempfile, pathlib
    >>> parent = pathlib.Path(tempfile.mkdtemp())
    >>> (parent / "day").mkdir(); _ = (parent / "day" / "old.txt").write_text("old")
    >>> new = make_staging_folder(parent / "day"); _ = (new / "new.txt").write_text("new")
    >>> sorted(p.name for p in switch_into_place(new, parent / "day").iterdir()), sorted(parent.iterdir()) == [parent / "day"]
    (['new.txt'], True)
    """
    staging, target = Path(staging), Path(target)
    if not target.exists():
        os.replace(staging, target)
        return target
    previous = Path(tempfile.mkdtemp(prefix=f".{target.name}.previous-", dir=target.parent))
    os.replace(target, previous / target.name)
    try:
        os.replace(staging, target)
    except OSError:
        os.replace(previous / target.name, target)
        raise
    finally:
        shutil.rmtree(previous, ignore_errors=True)
    return target


def _owner_alive(folder: Path) -> bool:
    """Whether the process named in a staging folder's name is still running."""
    try:
        pid = int(folder.name.split(PARTIAL, 1)[1].split("-", 1)[0])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_staging(parent: str | Path, *, keep: tuple[Path, ...] = (), any_owner: bool = False) -> list[Path]:
    """Remove staging folders in ``parent`` left by runs that died (killed, power cut); returns them.

    A folder whose writer is still running is left alone, unless ``any_owner``
    (the caller holds the folder's lock, so no one else can be writing).
    """
    parent = Path(parent)
    removed: list[Path] = []
    if not parent.is_dir():
        return removed
    for folder in parent.iterdir():
        if not (folder.name.startswith(".") and PARTIAL in folder.name and folder.is_dir()) or folder in keep:
            continue
        if any_owner or not _owner_alive(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


# ------------------------------------------------------------------- locks
LOCK_FILE = ".jsna.lock"


class FolderBusyError(JsnaError):
    """Another jsna run holds the folder's lock (exit code 75, "try again later")."""

    exit_code = 75


class FolderLock:
    """An exclusive lock on an output folder, held by the operating system (a killed run releases it).

    A second run waits up to ``wait`` seconds, then refuses with a message
    naming the folder and the process holding it.

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with FolderLock(folder):
    ...     try:
    ...         FolderLock(folder, wait=0).acquire()
    ...     except FolderBusyError as exc:
    ...         "is in use by another jsna run" in str(exc)
    True
    """

    def __init__(self, folder: str | Path, *, wait: float = 10.0, what: str = "jsna run"):
        self.folder, self.wait, self.what = Path(folder), wait, what
        self._handle: TextIO | None = None

    def acquire(self) -> FolderLock:
        import time

        if self._handle is not None:  # already held (entering a lock acquired earlier)
            return self
        self.folder.mkdir(parents=True, exist_ok=True)
        handle = open(self.folder / LOCK_FILE, "a+")
        give_up = time.monotonic() + self.wait
        while not (_try_lock(handle) and self._still_in_place(handle)):
            if time.monotonic() >= give_up:
                handle.seek(0)
                holder = handle.read().strip() or "unknown process"
                handle.close()
                raise FolderBusyError(f"{self.folder} is in use by another jsna run ({holder}); "
                                      f"waited {self.wait:g} s: let it finish or choose another --out")
            if not self._still_in_place(handle):  # the folder was replaced while we waited: lock the new one
                handle.close()
                self.folder.mkdir(parents=True, exist_ok=True)
                handle = open(self.folder / LOCK_FILE, "a+")
                continue
            time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, {self.what}")
        handle.flush()
        self._handle = handle
        return self

    def _still_in_place(self, handle) -> bool:
        """Whether ``handle`` is still the folder's lock file (a bundle folder is swapped for a new one,
        taking the old lock file with it; a run that waited on that one must not go ahead)."""
        try:
            return os.stat(self.folder / LOCK_FILE).st_ino == os.fstat(handle.fileno()).st_ino
        except OSError:
            return False

    def release(self) -> None:
        if self._handle is not None:
            self._handle.seek(0)
            self._handle.truncate()
            _unlock(self._handle)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _try_lock(handle) -> bool:
    if sys.platform == "win32":  # no fcntl on Windows
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(handle) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
