"""Child processes (pandoc, Quarto) that die with the jsna run that started them.

A batch killed with ``kill -9`` cannot clean up after itself, so each child
asks the kernel, as it starts, to be killed when its parent goes (Linux's
``PR_SET_PDEATHSIG``). Elsewhere the children are started as before.

>>> import subprocess, sys
>>> subprocess.run([sys.executable, "-c", "print('ok')"], capture_output=True, text=True,
...                preexec_fn=die_with_parent_hook()).stdout
'ok\\n'
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# Loaded here, not in the child: between fork and exec nothing may load a library or start a process.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def die_with_parent_hook() -> Callable[[], None] | None:
    """A ``preexec_fn`` for :mod:`subprocess` that ties the child's life to this process (None off Linux).

    The kernel sends the signal when the thread that started the child ends;
    every caller waits for its child in that thread, so that is when the run ends.
    """
    if _LIBC is None:
        return None
    parent = os.getpid()

    def die_with_parent() -> None:  # in the child, between fork and exec
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request was made
            os.kill(os.getpid(), signal.SIGKILL)

    return die_with_parent
