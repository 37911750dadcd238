"""Child processes (pandoc, typst, Quarto) that die with the jsna run that started them.

A batch killed with ``kill -9`` cannot clean up after itself, so each child
asks the kernel, as it starts, to be killed when its parent goes (Linux's
``PR_SET_PDEATHSIG``). Elsewhere the children are started as before.

>>> import sys
>>> run_tied([sys.executable, "-c", "print('ok')"], capture_output=True, text=True).stdout
'ok\\n'
"""

from __future__ import annotations

import ctypes
import functools
import os
import shutil
import signal
import subprocess
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


def run_tied(argv: list[str], **options) -> subprocess.CompletedProcess:
    """``subprocess.run(argv, **options)`` with the child killed when the thread that started it ends.

    Through util-linux's ``setpriv`` where it can set the signal: it asks for
    it and then runs ``argv`` in its own place, so no code of ours runs in the
    child and Python starts it without copying this process. A ``preexec_fn``
    forces that copy (a fork), which cost this process 6-13 ms of CPU a child at
    100-400 MB, against 0.3 ms: a national batch starts some 1,800 children.
    (The hook's check that the parent is still there is lost: a run killed in
    the millisecond before setpriv asks can leave that one child.)
    """
    setpriv = _setpriv()
    if setpriv:
        return subprocess.run([setpriv, "--pdeathsig", "KILL", "--", *argv], **options)
    return subprocess.run(argv, preexec_fn=die_with_parent_hook(), **options)


@functools.cache
def _setpriv() -> str | None:
    """setpriv's path, on Linux where it is installed and knows ``--pdeathsig`` (util-linux 2.33, 2018)."""
    path = shutil.which("setpriv") if _LIBC is not None else None
    if path is None:
        return None
    try:
        said = subprocess.run([path, "--help"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return path if "--pdeathsig" in said else None


def stopped_by(returncode: int) -> str:
    """Why a child stopped without a word: the signal (SIGXFSZ: a file size limit, as on a full disk).

    >>> stopped_by(-25)
    'stopped by SIGXFSZ (the file size limit or a full disk)'
    """
    if returncode >= 0:
        return f"exit code {returncode}"
    name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else str(-returncode)
    return f"stopped by {name}" + (" (the file size limit or a full disk)" if name == "SIGXFSZ" else "")
