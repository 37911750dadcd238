"""Why a file given as data is not data at all, told from its first bytes.

Two mistakes are common enough to name: a web page (a failed or error-page
download saved under a data file's name) and text saved in an encoding jsna
does not read (UTF-32, which some editors offer as "Unicode"). Naming them
beats a list of missing columns or "not a kind of file jsna knows".

>>> import tempfile, pathlib
>>> page = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
>>> _ = page.write_bytes(b"<!DOCTYPE html><html><body>Service unavailable</body></html>")
>>> print(content_problem(page))
is a web page (HTML), not a CSV/workbook: was it downloaded from an error page?
>>> _ = page.write_bytes("area_code,period\\n".encode("utf-32"))
>>> print(content_problem(page))
is UTF-32 text, an encoding jsna does not read: save it as CSV UTF-8
>>> _ = page.write_bytes(b"area_code,period\\n")
>>> content_problem(page) is None
True
"""

from __future__ import annotations

from pathlib import Path

from ..core.atomic_files import looks_like_html

HEAD_BYTES = 512
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


def is_utf32(head: bytes) -> bool:
    """Whether text starts as UTF-32 does: its byte-order mark, or ASCII padded with three zero bytes."""
    if head.startswith(_UTF32_BOMS):
        return True
    if len(head) < 8:
        return False
    little = head[1:4] == b"\x00\x00\x00" and head[5:8] == b"\x00\x00\x00" and head[0] and head[4]
    big = head[0:3] == b"\x00\x00\x00" and head[4:7] == b"\x00\x00\x00" and head[3] and head[7]
    return bool(little or big)


def content_problem(path: Path) -> str | None:
    """Why ``path`` is not a data file (a web page, UTF-32 text), or None when its start looks like one.

    Reads the first :data:`HEAD_BYTES` bytes only; an unreadable file gives None
    (the reader that opens it names the error).
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return None
    if is_utf32(head):
        return "is UTF-32 text, an encoding jsna does not read: save it as CSV UTF-8"
    if looks_like_html(head):
        return "is a web page (HTML), not a CSV/workbook: was it downloaded from an error page?"
    return None
