"""Run a few lines in a fresh Python process: what a command or a kernel imports when it starts."""

from __future__ import annotations

import subprocess
import sys


def printed_words(script: str) -> list[str]:
    """The words ``script`` prints, run by this interpreter in a process of its own (nothing imported yet).

    >>> printed_words("print(1 + 1, 'words')")
    ['2', 'words']
    """
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
