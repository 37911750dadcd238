"""Helpers shared by the benchmark scripts: run a function in a fresh process, report time and peak memory."""

from __future__ import annotations

import multiprocessing as mp
import resource
import time


def _child(queue, func, args):
    start = time.perf_counter()
    result = func(*args)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((seconds, peak_mb, result))


def measure(func, *args):
    """(seconds, peak resident MB of the whole process, result) of ``func(*args)`` in a new process."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(queue, func, args))
    process.start()
    outcome = queue.get()
    process.join()
    return outcome


def work_folder(keep, prefix: str):
    """``keep`` (created if new), or a new temporary folder named with ``prefix``: where a benchmark works."""
    import tempfile
    from pathlib import Path

    work = keep or Path(tempfile.mkdtemp(prefix=prefix))
    work.mkdir(parents=True, exist_ok=True)
    return work
