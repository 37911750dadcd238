"""Several areas named in one `jsna render` share one warm kernel, and their reports are those each area gets alone."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from assessment.cli import main
from assessment.orchestration import area_renders
from assessment.render.kernel import KernelSession

#: Alderholt Vale, then Dunmere: the session's demo renders Dunmere alone (conftest.py), so its page from a kernel
#: that drew another district first can be compared with the page a fresh kernel gives it.
DISTRICTS = ("E07999001", "E07999004")


def _started_kernels(patch: pytest.MonkeyPatch) -> list[KernelSession]:
    """Every kernel started from now on (until ``patch`` is undone)."""
    started: list[KernelSession] = []
    real_enter = KernelSession.__enter__

    def enter(self):
        started.append(self)
        return real_enter(self)

    patch.setattr(KernelSession, "__enter__", enter)
    return started


def _render(bundle: Path, out: Path, *areas: str) -> int:
    argv = ["render", "--bundle", str(bundle), "--out", str(out), "--format", "html", "--engine", "builtin"]
    for code in areas:
        argv += ["--area", code]
    return main(argv)


def _page(out: Path, code: str) -> str:
    return next(out.glob(f"{code}-*/*.html")).read_text(encoding="utf-8")


@pytest.mark.slow
def test_two_areas_share_one_warm_kernel_and_get_the_report_each_gets_alone(demo_bundle, demo_reports, tmp_path,
                                                                            monkeypatch):
    started = _started_kernels(monkeypatch)
    resets: list[bool] = []
    real_reset = KernelSession.reset
    monkeypatch.setattr(KernelSession, "reset", lambda self, *, collect_garbage=False:
                        resets.append(collect_garbage) or real_reset(self, collect_garbage=collect_garbage))
    assert _render(demo_bundle, tmp_path, *DISTRICTS) == 0
    assert len(started) == 1 and started[0].startup_code == area_renders.WARM_UP.format(root=str(demo_bundle))
    assert started[0].parallel_jobs == 1  # alone: each report's formats are written at the same time
    # A clean namespace before each document; after it, its charts' reference cycles freed as well.
    assert resets == [False, True, False, True]
    # Dunmere's page, rendered on a kernel that drew another district first, is the page a fresh kernel
    # gives it (the session's `jsna render --area Dunmere`), byte for byte.
    alone = next(demo_reports[DISTRICTS[1]].glob("*.html")).read_text(encoding="utf-8")
    assert _page(tmp_path, DISTRICTS[1]) == alone
    assert "Alderholt Vale" in _page(tmp_path, DISTRICTS[0])


class _Kernel:
    """Stands in for a warm kernel: alive until an area stops it."""

    def __init__(self):
        self.alive = True


def test_a_kernel_that_stops_is_replaced_for_the_next_area(demo_bundle, tmp_path, monkeypatch):
    kernels: list[_Kernel] = []

    @contextmanager
    def warm_kernel(request):
        kernels.append(_Kernel())
        yield kernels[-1]

    rendered: list[tuple[str, _Kernel]] = []

    def render_area(request, area, *, kernel=None):
        rendered.append((area.code, kernel))
        kernel.alive = area.code != "E07999002"  # as if it died in a crash of a compiled library
        return []

    monkeypatch.setattr(area_renders, "warm_kernel", warm_kernel)
    monkeypatch.setattr(area_renders, "render_area", render_area)
    assert _render(demo_bundle, tmp_path, "E07999001", "E07999002", "E07999003", "E07999004") == 0
    assert len(kernels) == 2
    assert rendered == [("E07999001", kernels[0]), ("E07999002", kernels[0]), ("E07999003", kernels[1]),
                        ("E07999004", kernels[1])]


def test_one_area_renders_on_a_fresh_kernel_of_its_own(demo_bundle, tmp_path, monkeypatch):
    seen: list = []
    monkeypatch.setattr(area_renders, "render_area", lambda request, area, *, kernel=None: seen.append(kernel) or [])
    assert _render(demo_bundle, tmp_path, DISTRICTS[0]) == 0
    assert seen == [None]  # the engine starts (and closes) its own
