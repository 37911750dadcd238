"""Helpers shared by the benchmark scripts: run a function in a fresh process, report time and peak memory,
sum a process tree's memory."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import resource
import time

import psutil


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


@contextlib.contextmanager
def work_folder(keep, prefix: str):
    """Where a benchmark works: ``keep`` (created if new, and kept), or a new temporary folder named with
    ``prefix``, removed at the end however the benchmark ends (a whole job's outputs are about 1 GB)."""
    import shutil
    import tempfile
    from pathlib import Path

    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def tree_rss(root: psutil.Process) -> int:
    """Resident bytes of ``root`` and all its descendants now.

    The tree is walked through each process's ``/proc/<pid>/task/<tid>/children``: psutil's
    ``children(recursive=True)`` reads every process of the machine, and at ten samples a second
    it took 14 CPU s of the whole job's (py-spy), on the same two cores as the job it measures.
    Where the kernel does not list children (no ``CONFIG_PROC_CHILDREN``), psutil's walk is used.
    """
    from assessment.core.process_memory import resident_bytes

    pids = _tree(root.pid)
    if pids is None:
        return _tree_rss_psutil(root)
    return sum(resident_bytes(pid) or 0 for pid in pids)  # 0: gone since it was listed


def _tree(root: int) -> list[int] | None:
    """``root`` and its descendants, or None where /proc does not list a process's children."""
    if not os.path.exists(f"/proc/{root}/task/{root}/children"):
        return None
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:  # a child is listed under the thread that started it
            try:
                with open(f"/proc/{pid}/task/{task}/children", "rb") as children:
                    todo.extend(int(child) for child in children.read().split())
            except OSError:
                pass
    return found


def _tree_rss_psutil(root: psutil.Process) -> int:
    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total
