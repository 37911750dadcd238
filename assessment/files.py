"""Write output files atomically: readers see the old file or the new one, never half of one.

A temporary file in the target's folder is renamed over the target. Files
made by :func:`tempfile.mkstemp` are private (mode 0600), so the new file is
given the permissions an ordinary file would have (0666 less the umask):
a report folder on a shared drive stays readable by colleagues.

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
import tempfile
from pathlib import Path


def default_mode() -> int:
    """The mode of a newly created ordinary file under the current umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


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


def sha256_of(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MB blocks (boundary files can be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
