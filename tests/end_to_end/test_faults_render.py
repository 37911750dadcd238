"""Rendering faults: a stuck cell does not poison the next, one run per output folder, damaged bundles named."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from assessment.cli import main
from assessment.core.errors import RenderError
from assessment.render import kernel as kernel_module
from assessment.render.kernel import KernelSession

from tests.support.time_limits import HANG_BOUND, within


@pytest.fixture(scope="module")
def bundle(demo_bundle):
    return demo_bundle  # the session's shared demo bundle (conftest.py)


def _one_error_line(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, err
    return lines[0]


# ------------------------------------------------------------------ kernel
#: A cell that catches the interrupt and goes on waiting.
IGNORES_INTERRUPT = ("import time\nwhile True:\n    try:\n        time.sleep(600)\n"
                     "    except KeyboardInterrupt:\n        pass\n")


def test_a_cell_past_its_timeout_is_interrupted_and_the_next_cell_runs(tmp_path):
    with KernelSession(cwd=tmp_path, timeout=3) as kernel:
        with pytest.raises(RenderError, match=r"^a cell ran for more than 3 s and was interrupted$"):
            within(HANG_BOUND, lambda: kernel.run("import time\ntime.sleep(600)"))
        result = within(HANG_BOUND, lambda: kernel.run("print('next area')"))
        assert result.error is None and result.outputs[0]["text"] == "next area\n"
        assert kernel.restarts == 0


def test_a_cell_that_ignores_the_interrupt_gets_a_restarted_kernel(tmp_path, monkeypatch):
    monkeypatch.setattr(kernel_module, "INTERRUPT_GRACE", 2.0)
    with KernelSession(cwd=tmp_path, timeout=3) as kernel:
        kernel.startup_code = "warm = 41"
        kernel.run(kernel.startup_code)
        with pytest.raises(RenderError, match="the kernel restarted"):
            within(HANG_BOUND, lambda: kernel.run(IGNORES_INTERRUPT))
        result = within(HANG_BOUND, lambda: kernel.run("print(warm + 1)"))
        assert result.outputs[0]["text"] == "42\n" and kernel.restarts == 1


def test_two_kernels_stuck_at_once_are_both_replaced_and_warmed_up_again(tmp_path, monkeypatch):
    """A batch's two kernels each stuck in a cell that ignores the interrupt: each is replaced by a fresh
    kernel (its own process and sockets) that runs the warm-up and then the next area's cells."""
    monkeypatch.setattr(kernel_module, "INTERRUPT_GRACE", 2.0)

    def stuck_then_next(name: str) -> tuple[str, int, bool]:
        with KernelSession(cwd=tmp_path, timeout=3) as kernel:
            kernel.startup_code = f"warm = {name!r}"
            kernel.run(kernel.startup_code)
            before = kernel._manager.provisioner.pid
            with pytest.raises(RenderError, match="the kernel restarted"):
                kernel.run(IGNORES_INTERRUPT)
            return kernel.run("print(warm)").outputs[0]["text"], kernel.restarts, kernel._manager.provisioner.pid != before

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = within(HANG_BOUND, lambda: list(pool.map(stuck_then_next, ["first", "second"])))
    assert results == [("first\n", 1, True), ("second\n", 1, True)]


# ------------------------------------------------------------------ output folder lock
def test_a_second_run_into_the_same_folder_refuses_after_a_short_wait(bundle, tmp_path, capsys, monkeypatch):
    out = tmp_path / "reports"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom assessment.core.atomic_files import FolderLock\n"
         f"held = FolderLock({str(out)!r}, what='test holder').acquire()\nprint('locked', flush=True)\ntime.sleep(120)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setattr("assessment.orchestration.area_renders.LOCK_WAIT", 0.5)
        for args in (["--area", "E23999001"], ["--all", "--geography", "pfa"]):
            code = within(HANG_BOUND, lambda args=args: main(["render", *args, "--bundle", str(bundle), "--out", str(out),
                                                    "--format", "html"]))
            assert code == 75
            line = _one_error_line(capsys.readouterr().err)
            assert line == (f"error: {out} is in use by another jsna run (pid {holder.pid}, test holder); "
                            "waited 0.5 s: let it finish or choose another --out")
    finally:
        holder.kill()  # as kill -9: the operating system releases the lock
        holder.wait(timeout=30)
    # A run that takes the lock, then stops at its first step (an unknown engine): the lock was free again.
    assert main(["render", "--area", "E23999001", "--bundle", str(bundle), "--out", str(out), "--engine", "latex"]) == 1
    assert "unknown engine 'latex'" in _one_error_line(capsys.readouterr().err)


def test_staging_folders_left_by_a_killed_run_are_removed_on_start(bundle, tmp_path, capsys):
    out = tmp_path / "reports"
    stale = [out / ".E23999001-northmere-and-port-alder.partial-99999999-x1y2z3", out / ".E23999001-old-ab12cd34"]
    for folder in stale:
        (folder / "out").mkdir(parents=True)
        (folder / "out" / "half.html").write_text("<p>half")
    keep = out / "E23999001-northmere" / "report.html"
    keep.parent.mkdir()
    keep.write_text("<p>good")
    # A run that takes the lock, then stops at its first step (an unknown engine); an unknown area now
    # stops the command before any run starts.
    assert main(["render", "--area", "E23999001", "--bundle", str(bundle), "--out", str(out), "--engine", "latex"]) == 1
    capsys.readouterr()
    assert not any(folder.exists() for folder in stale) and keep.read_text() == "<p>good"


# ------------------------------------------------------------------ damaged bundles
def _damaged_copy(bundle, tmp_path, *, keep_digests: bool):
    copy = tmp_path / "bundle"
    shutil.copytree(bundle, copy)
    frame = copy / "frame.parquet"
    frame.write_bytes(frame.read_bytes()[: frame.stat().st_size // 2])
    if not keep_digests:  # a bundle from before digests were recorded: the file itself must be checked
        meta = json.loads((copy / "bundle.json").read_text())
        meta.pop("files")
        meta.pop("checksum")  # (such a bundle has no checksum of its own either)
        (copy / "bundle.json").write_text(json.dumps(meta))
    return copy


@pytest.mark.parametrize(("keep_digests", "reason"), [
    (True, "bad bundle file: changed or damaged since the bundle was built (SHA-256 mismatch)"),
    (False, "bad bundle file: unreadable ("),
])
@pytest.mark.parametrize("how", [["--area", "E23999001"], ["--all", "--geography", "pfa"]])
def test_a_truncated_bundle_parquet_is_named_as_a_bad_bundle_file(bundle, tmp_path, capsys, keep_digests, reason, how):
    copy = _damaged_copy(bundle, tmp_path, keep_digests=keep_digests)
    code = within(HANG_BOUND, lambda: main(["render", *how, "--bundle", str(copy), "--out", str(tmp_path / "r"),
                                            "--format", "html"]))
    assert code == 1
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {copy / 'frame.parquet'}: {reason}")
    assert "cell" not in line and "ArrowInvalid" not in line
