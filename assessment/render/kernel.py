"""Run Python cells in a Jupyter kernel, as Quarto's Jupyter engine and papermill do.

The kernel is started from this interpreter (``sys.executable``) through a
private kernelspec, so no installed ``python3`` kernelspec is needed. A
:class:`KernelSession` can run many documents: :meth:`KernelSession.reset`
clears the namespace between them while imports stay warm, which is what makes
batch rendering fast.

A cell that runs past the timeout is interrupted (as Ctrl-C would), so the
next document's cells do not queue behind it; if the interrupt does not take
within :data:`INTERRUPT_GRACE` seconds the kernel is replaced by a fresh one
that runs :attr:`KernelSession.startup_code` again.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client import KernelManager
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.kernelspec import KernelSpecManager

from ..core.errors import RenderError
from ..core.process_memory import resident_bytes

KERNEL_NAME = "jsna-python"
INTERRUPT_GRACE = 10.0  # seconds an interrupted cell gets to stop before the kernel is replaced


@dataclass
class CellResult:
    """What one cell produced: stdout text and rich outputs, in order."""

    outputs: list[dict] = field(default_factory=list)
    error: tuple[str, str] | None = None


def write_kernelspec(kernels_dir: Path) -> Path:
    """A kernelspec named ``jsna-python`` for this interpreter, in ``kernels_dir/jsna-python/``.

    Quarto finds it too when ``kernels_dir`` is ``<JUPYTER_PATH entry>/kernels``.
    """
    folder = kernels_dir / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "jsna-justice (this Python)",
        "language": "python",
    }))
    return folder


def _private_kernelspec(base: Path) -> KernelSpecManager:
    return KernelSpecManager(kernel_dirs=[str(write_kernelspec(base).parent)])


class KernelSession:
    """A running kernel (use as a context manager).

    >>> with KernelSession() as kernel:                      # doctest: +SKIP
    ...     kernel.run("print(1 + 1)").outputs[0]["text"]
    '2\\n'
    """

    def __init__(self, cwd: Path | None = None, env: dict | None = None, timeout: float = 900):
        self.cwd = Path(cwd or os.getcwd())
        self.env = {**os.environ, **(env or {})}
        # Figures are returned as PNG outputs (never a window), as in a notebook.
        self.env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
        self.timeout = timeout
        self.startup_code = ""   # run again in a kernel that replaces a stuck one (a batch's warm-up)
        self.parallel_jobs = 1   # kernels rendering side by side, this one included (a batch sets it)
        self.restarts = 0
        self._manager: KernelManager | None = None
        self._client: BlockingKernelClient | None = None
        self._scratch: Path | None = None

    def __enter__(self) -> KernelSession:
        # IPC sockets: no TCP ports opened, nothing unencrypted on the network.
        scratch = self._scratch = Path(tempfile.mkdtemp(prefix="jsna-kernel-"))
        manager = self._manager = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=_private_kernelspec(scratch),
                                                transport="ipc", ip=str(scratch / "ipc"))
        manager.start_kernel(cwd=str(self.cwd), env=self.env)
        client = self._client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)
        except RuntimeError as exc:
            self.__exit__(None, None, None)
            raise RenderError(f"the Jupyter kernel did not start ({exc})") from None
        return self

    def __exit__(self, *exc) -> None:
        if self._client is not None:
            self._client.stop_channels()
        if self._manager is not None and self._manager.has_kernel:
            self._manager.shutdown_kernel(now=True)
        self._client = self._manager = None
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def resident_mb(self) -> float | None:
        """The kernel process's resident memory in MB (None where /proc does not tell it)."""
        manager, _ = self._started()
        size = resident_bytes(getattr(manager.provisioner, "pid", None))
        return None if size is None else size / 2**20

    @property
    def alive(self) -> bool:
        """Whether the kernel process is still running."""
        return self._manager is not None and self._manager.is_alive()

    def _started(self) -> tuple[KernelManager, BlockingKernelClient]:
        """The kernel's manager and client; using the session outside its ``with`` block is a bug in the caller."""
        if self._manager is None or self._client is None:
            raise RenderError("kernel session is not started")
        return self._manager, self._client

    def run(self, code: str) -> CellResult:
        """Execute ``code`` and collect its outputs until the kernel is idle again."""
        _, client = self._started()
        msg_id = client.execute(code, store_history=False, allow_stdin=False)
        result = CellResult()
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                message = client.get_iopub_msg(timeout=2)
            except queue.Empty:
                # A kernel killed outright (out of memory, a crash in a C library) never answers.
                if not self.alive:
                    raise RenderError("the Jupyter kernel stopped while running a cell "
                                      "(out of memory, or a crash in a compiled library)") from None
                if time.monotonic() > deadline:
                    raise RenderError(f"a cell ran for more than {self.timeout:g} s and was "
                                      f"{self._stop_cell(msg_id)}") from None
                continue
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "status" and content["execution_state"] == "idle":
                break
            if kind == "stream":
                if result.outputs and result.outputs[-1].get("name") == content["name"] \
                        and result.outputs[-1]["type"] == "stream":
                    result.outputs[-1]["text"] += content["text"]
                else:
                    result.outputs.append({"type": "stream", "name": content["name"], "text": content["text"]})
            elif kind in ("display_data", "execute_result"):
                result.outputs.append({"type": "display", "data": content["data"],
                                       "metadata": content.get("metadata", {})})
            elif kind == "error":
                result.error = (content["ename"], content["evalue"])
        return result

    def _wait_idle(self, msg_id: str, seconds: float) -> bool:
        """Read messages until the cell ``msg_id`` reports idle; False if it does not within ``seconds``."""
        _, client = self._started()
        give_up = time.monotonic() + seconds
        while time.monotonic() < give_up:
            try:
                message = client.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                if not self.alive:
                    return False
                continue
            if message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "status" \
                    and message["content"]["execution_state"] == "idle":
                return True
        return False

    def _stop_cell(self, msg_id: str) -> str:
        """Stop a cell past its time: interrupt it, or replace the kernel if that does not take; say which.

        The replacement is a fresh kernel on sockets of its own, not the same one restarted in place
        (``restart_kernel``): two kernels of a batch, restarted in place, once came up but never ran
        their warm-up, the command waiting on messages that did not come.
        """
        manager, _ = self._started()
        manager.interrupt_kernel()
        if self._wait_idle(msg_id, INTERRUPT_GRACE):
            return "interrupted"
        self.__exit__(None, None, None)
        self.restarts += 1
        try:
            self.__enter__()
        except RenderError as exc:
            raise RenderError(f"after a stuck cell, {exc}") from None
        if self.startup_code:
            code, self.startup_code = self.startup_code, ""  # a warm-up that hangs too is not retried for ever
            try:
                warm = self.run(code)
            finally:
                self.startup_code = code
            if warm.error:
                raise RenderError(f"the restarted kernel failed to warm up: {warm.error[0]}: {warm.error[1]}")
        return "the kernel restarted (the interrupt did not stop it)"

    def reset(self, *, collect_garbage: bool = False) -> None:
        """Forget every variable the last document defined (imports stay cached in sys.modules).

        Cheaper than ``%reset -f``, which also empties IPython's caches and runs a
        full garbage collection over everything the kernel holds (a national
        bundle included): about half a second per report in a batch.
        Names starting with an underscore are the session's own and are kept.

        ``collect_garbage``: also free the document's reference cycles (every
        matplotlib figure is one). A warm kernel collects rarely
        (``area_renders.GC_THRESHOLDS``): a national batch's kernels kept about
        6 MB of each report until they had to be replaced. The collection skips
        what the warm-up froze (the bundle): 0.03-0.05 CPU s a report.
        """
        collect = "__import__('gc').collect()\n" if collect_garbage else ""
        result = self.run(
            "_ns, _name = get_ipython().user_ns, None\n"
            "for _name in [n for n in list(_ns) if not n.startswith('_')"
            " and n not in get_ipython().user_ns_hidden]:\n"
            "    del _ns[_name]\n"
            "del _ns, _name\n"
            + collect +
            # Give freed memory back to the system between reports (glibc only; harmless elsewhere).
            "try:\n"
            "    import ctypes as _ctypes\n"
            "    _ctypes.CDLL('libc.so.6').malloc_trim(0)\n"
            "except (OSError, AttributeError):\n"
            "    pass\n")
        if result.error:
            raise RenderError(f"could not reset the kernel: {result.error[0]}: {result.error[1]}")
