"""`jsna render --all`: warm kernels, an index page, resumable, one failure does not stop the batch."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from assessment.cli import main
from assessment.bundles.bundle import open_bundle
from assessment.geography.model import Geography
from assessment.orchestration.area_renders import area_folder_name

#: The forces a batch of every force sees (through _only): three of the bundle's six, each one a render.
FORCES = ["E23999001", "E23999002", "E23999005"]
#: The upper-tier authorities a mixed batch renders beside the forces: a unitary and a county. What it shows is
#: that only the new geography's areas render and the index keeps both, which two show as well as the bundle's
#: fifteen (each one a render).
AUTHORITIES = ["E06999001", "E10999001"]
#: The forces of the batch with one failing area: the failing one (E23999003) between two that render.
THREE_FORCES = ["E23999002", "E23999003", "E23999004"]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs)["href"])


@pytest.fixture(scope="module")
def bundle(demo_bundle):
    return demo_bundle  # the session's shared demo bundle (conftest.py)


def _only(monkeypatch, area_type: str, codes: list[str]) -> None:
    """The bundle's areas of ``area_type`` seen as ``codes`` only, every other type as it is: a batch of a few
    areas through the whole command, not a render for each of the bundle's."""
    every = Geography.codes_of_type
    monkeypatch.setattr(Geography, "codes_of_type",
                        lambda self, kind: list(codes) if kind == area_type else every(self, kind))


@pytest.mark.slow
def test_batch_renders_every_force_with_an_index_then_skips_unchanged(bundle, tmp_path, capsys, monkeypatch):
    _only(monkeypatch, "utla", AUTHORITIES)
    _only(monkeypatch, "pfa", FORCES)
    out = tmp_path / "reports"
    # one kernel: kernels side by side are the failing-area test's (each one started costs a few seconds)
    args = ["render", "--all", "--geography", "pfa", "--bundle", str(bundle), "--out", str(out),
            "--format", "html", "--jobs", "1"]
    assert main(args) == 0
    folders = sorted(p for p in out.iterdir() if p.is_dir())
    assert [f.name.split("-")[0] for f in folders] == FORCES
    parser = _Links()
    parser.feed((out / "index.html").read_text())
    assert len([link for link in parser.links if link.endswith(".html")]) == len(FORCES)
    for link in parser.links:
        assert (out / link).is_file()
    first = {p: p.stat().st_mtime_ns for p in out.glob("*/*.html")}
    assert "3 rendered, 0 unchanged, 0 failed" in capsys.readouterr().err

    assert main(args) == 0  # nothing changed: every area is skipped
    assert "0 rendered, 3 unchanged, 0 failed" in capsys.readouterr().err
    assert {p: p.stat().st_mtime_ns for p in out.glob("*/*.html")} == first

    # Upper-tier authorities and forces together: only the authorities are new.
    both = [*args[:3], "utla,pfa", *args[4:]]
    assert main(both) == 0
    utlas = [c for c in open_bundle(bundle).geography.codes_of_type("utla") if c.startswith("E")]
    assert utlas == AUTHORITIES
    assert f"{len(utlas)} rendered, 3 unchanged, 0 failed" in capsys.readouterr().err
    # A later forces-only batch keeps the authorities on the index page.
    assert main(args) == 0
    parser = _Links()
    parser.feed((out / "index.html").read_text())
    assert len([link for link in parser.links if link.endswith(".html")]) == len(FORCES) + len(utlas)


@pytest.mark.slow
def test_one_failing_area_is_reported_and_the_rest_render(bundle, tmp_path, capsys, monkeypatch):
    _only(monkeypatch, "pfa", THREE_FORCES)
    out = tmp_path / "reports"
    out.mkdir()
    area = open_bundle(bundle).geography.resolve("E23999003")
    (out / area_folder_name(area.code, area.name)).write_text("a file where the area's folder should be")
    code = main(["render", "--all", "--geography", "pfa", "--bundle", str(bundle), "--out", str(out),
                 "--format", "html", "--jobs", "2"])
    err = " ".join(capsys.readouterr().err.split())
    assert code != 0
    assert "2 rendered, 0 unchanged, 1 failed" in err and "E23999003" in err
    summary = json.loads((out / "batch-summary.json").read_text())
    assert [r["status"] for r in summary].count("rendered") == 2
    assert len(list(out.glob("*/*.html"))) == 2


def test_unknown_geography_is_a_clear_error(bundle, tmp_path):
    assert main(["render", "--all", "--geography", "ward", "--bundle", str(bundle), "--out", str(tmp_path)]) != 0


@pytest.mark.slow
def test_a_relative_output_folder_works(bundle, tmp_path, monkeypatch):
    # The kernel runs in the template's folder and pandoc in a build folder: neither may see
    # figure paths relative to where the command was started.
    monkeypatch.chdir(tmp_path)
    assert main(["render", "--area", "E23999001", "--bundle", str(bundle), "--out", "reports",
                 "--format", "docx", "--engine", "builtin"]) == 0
    written = list((tmp_path / "reports").glob("*/*.docx"))
    assert len(written) == 1
    import docx

    assert len(docx.Document(str(written[0])).inline_shapes) >= 3


class _GrowingKernel:
    """A stand-in warm kernel that grows 200 MB with every area it renders."""

    alive = True

    def __init__(self):
        self.size = 400.0

    def resident_mb(self):
        return self.size


def test_a_kernel_grown_past_its_allowance_hands_the_next_chunks_to_a_fresh_one(monkeypatch):
    """Kernels keep a little of every report: one grown by more than RENEW_AFTER_GROWTH_MB since its warm-up
    finishes its chunk and a fresh kernel takes the next; every area is still rendered once, in order."""
    import contextlib
    import queue

    from assessment.orchestration import batch
    from assessment.orchestration.shared_chunks import SharedChunks

    started = []

    @contextlib.contextmanager
    def fresh_kernel(request, parallel_jobs):
        started.append(_GrowingKernel())
        yield started[-1]

    def render_one(request, code, fingerprint, kernel):
        kernel.size += 200
        return code

    monkeypatch.setattr(batch, "warm_kernel", fresh_kernel)
    monkeypatch.setattr(batch, "_render_one", render_one)
    results: queue.Queue = queue.Queue()
    chunks = SharedChunks([[(code, "fingerprint") for code in chunk]
                                 for chunk in (["a", "b"], ["c"], ["d"], ["e", "f"])])
    batch._kernel_thread(None, chunks, results, jobs=1)
    assert [results.get_nowait() for _ in range(results.qsize())] == ["a", "b", "c", "d", "e", "f"]
    # 400 -> 800 MB after a and b (renewed); 600 after c, 800 after d (renewed); 800 after e and f
    assert len(started) == 3


class _NamedKernel:
    """A stand-in warm kernel that knows which one it is."""

    def __init__(self, number: int):
        self.number, self.alive = number, True

    def resident_mb(self):
        return 400.0


def _stand_in_kernels(monkeypatch, seconds_per_area: float, stops_after: str | None = None) -> dict[str, list[int]]:
    """Warm kernels and area renders replaced by stand-ins; returns which kernel rendered each area."""
    import contextlib
    import itertools
    import threading
    import time

    from assessment.orchestration import batch

    numbers, rendered, lock = itertools.count(1), {}, threading.Lock()

    @contextlib.contextmanager
    def fresh_kernel(request, parallel_jobs):
        yield _NamedKernel(next(numbers))

    def render_one(request, code, fingerprint, kernel):
        time.sleep(seconds_per_area)
        with lock:
            rendered.setdefault(code, []).append(kernel.number)
        if code == stops_after:
            kernel.alive = False
        return batch.AreaResult(code, code, "rendered", [], seconds_per_area)

    monkeypatch.setattr(batch, "warm_kernel", fresh_kernel)
    monkeypatch.setattr(batch, "_render_one", render_one)
    return rendered


def _run(chunks: list[list[str]], jobs: int = 2) -> list[str]:
    from assessment.orchestration import batch

    done: list[str] = []
    batch._run_kernels(None, [[(code, "fingerprint") for code in chunk] for chunk in chunks], jobs,
                       lambda result: done.append(result.code))
    return done


def test_a_kernel_with_nothing_left_takes_half_of_what_the_other_has_left(monkeypatch):
    """The last chunk of a batch is not left to one kernel while the other idles: the busy kernel hands
    the waiting one the back half of what its chunk has left, and every area is still rendered once."""
    rendered = _stand_in_kernels(monkeypatch, seconds_per_area=0.1)
    done = _run([list("abcdefgh"), ["z"]])
    assert sorted(done) == sorted("abcdefghz")
    assert all(len(kernels) == 1 for kernels in rendered.values())
    assert len({rendered[code][0] for code in "abcdefgh"}) == 2  # the long chunk was shared by both kernels


def test_the_areas_a_stopped_kernel_left_are_rendered_by_the_other(monkeypatch, capsys):
    """A kernel that stops mid-chunk (out of memory) gives its chunk's remaining areas back; the other kernel,
    though it had finished its own chunk, renders them."""
    rendered = _stand_in_kernels(monkeypatch, seconds_per_area=0.05, stops_after="b")
    done = _run([list("abcdef"), ["z"]])
    assert sorted(done) == sorted("abcdefz")
    assert all(len(kernels) == 1 for kernels in rendered.values())
    assert "a kernel stopped: RenderError: the kernel stopped while rendering b" in capsys.readouterr().err
