"""Children tied to the run: through setpriv where it can set the death signal, else a preexec hook."""

import sys

import pytest

from assessment.core import child_processes


@pytest.fixture
def fresh_setpriv_lookup():
    child_processes._setpriv.cache_clear()
    yield
    child_processes._setpriv.cache_clear()


def test_a_setpriv_without_the_death_signal_is_not_used(tmp_path, monkeypatch, fresh_setpriv_lookup):
    """An old setpriv (before util-linux 2.33) would refuse --pdeathsig and fail every child: the hook is used."""
    old = tmp_path / "setpriv"
    old.write_text("#!/bin/sh\necho 'Usage: setpriv [options] <program> [<argument>...]'\nexit 1\n")
    old.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert child_processes._setpriv() is None
    done = child_processes.run_tied([sys.executable, "-c", "print('ran')"], capture_output=True, text=True)
    assert done.stdout == "ran\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the death signal is Linux's")
def test_the_child_runs_with_the_death_signal_set(fresh_setpriv_lookup):
    """The child itself (not a shell or setpriv left waiting) runs the command, with SIGKILL as its death signal."""
    read_signal = ("import ctypes, signal; libc = ctypes.CDLL(None); value = ctypes.c_int(); "
                   "libc.prctl(2, ctypes.byref(value), 0, 0, 0); print(signal.Signals(value.value).name)")
    done = child_processes.run_tied([sys.executable, "-c", read_signal], capture_output=True, text=True)
    assert done.stdout == "SIGKILL\n"
