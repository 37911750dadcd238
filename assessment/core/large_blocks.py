"""Freed large arrays go back to the operating system at once, not into the C heap.

glibc's ``malloc`` gives each allocation above a threshold its own mapping, returned to
the system when freed, and raises that threshold to the size of each such block freed
(up to 32 MB). A build frees column after column of a million rows (8 MB each), so
after the first few every column came from the heap, and the heap held on to the space
of those freed: 400 MB more than the frame when the analysis began, 600 MB more when it
ended. A fixed threshold keeps every large array in a mapping of its own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

#: mallopt's parameter number for the threshold (glibc's malloc.h: M_MMAP_THRESHOLD).
M_MMAP_THRESHOLD = -3
#: Blocks of this size or more get a mapping of their own (a column of 128K numbers and up).
LARGE_BLOCK = 1 << 20


def return_large_blocks() -> bool:
    """Set glibc's mapping threshold to :data:`LARGE_BLOCK`; whether it was set (False off glibc).

    >>> isinstance(return_large_blocks(), bool)
    True
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK))
    except (OSError, AttributeError):  # another C library (musl has no mallopt)
        return False
