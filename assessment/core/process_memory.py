"""A process's resident memory, read from Linux's ``/proc/<pid>/statm`` (None where there is none).

>>> import os
>>> resident_bytes(os.getpid()) > 0
True
>>> resident_bytes(None) is None
True
"""

from __future__ import annotations

import os

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def resident_bytes(pid: int | None) -> int | None:
    """Bytes of ``pid`` resident in memory now, or None (no such process, or no /proc)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_BYTES
    except (OSError, ValueError, IndexError):
        return None
