"""Profile of report rendering: where one council's, one force's and a small batch's CPU time goes.

Renders from a built bundle (default ``/work/realdata/bundle``-style: pass
``--bundle``) on one warm kernel, in this process, as ``jsna render --all``
does, and files every CPU second under a stage:

- this process: kernel start-up and warm-up (the package, the bundle, the
  boundaries), each area's bundle checks, the Word reference document, the
  markdown, pandoc's one run of every format, the HTML made self-contained, the typst compiler,
  copying figures into the build folder, publishing the files;
- the kernel (its CPU, read from its process): each template cell, and inside
  the cells each chart and map written (``Figure.save``), the area's data
  (``AreaReport.open``) and the Excel appendix.

CPU seconds are user + system of this process, its finished children (pandoc)
and the kernel: on a shared machine wall time includes waiting for a core, so
compare CPU seconds between runs. Wall time is printed as well.

    python benchmarks/profile_report.py --bundle BUNDLE [--council CODE] [--force CODE]
        [--batch 10] [--formats html,docx,pdf] [--cprofile FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import json
import resource
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import assessment.render.engine as engine  # noqa: E402
import assessment.render.formats as formats  # noqa: E402
import assessment.orchestration.area_renders as runner  # noqa: E402
from assessment.render.kernel import KernelSession  # noqa: E402
from assessment.render.qmd import read_qmd  # noqa: E402

#: Run in the kernel after its warm-up: timers around the calls inside the template's cells.
KERNEL_TIMERS = """
import functools as _functools, re as _re, time as _time
import assessment.charts.figure as _figure_module
from assessment.report import AreaReport as _AreaReport
_jsna_profile = {}
def _jsna_timed(name_of, inner):
    @_functools.wraps(inner)
    def timed(*args, **kwargs):
        started = _time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            name = name_of(*args, **kwargs)
            _jsna_profile[name] = _jsna_profile.get(name, 0.0) + _time.process_time() - started
    return timed
_figure_module.Figure.save = _jsna_timed(
    lambda self, path, *a, **k: "chart " + _re.sub(r"[EWSNK]\\d{8}", "AREA", __import__("pathlib").Path(path).stem),
    _figure_module.Figure.save)
_AreaReport.open = classmethod(_jsna_timed(lambda cls, *a, **k: "area data (AreaReport.open)",
                                           _AreaReport.open.__func__))
_AreaReport.write_appendix = _jsna_timed(lambda *a, **k: "appendix (write_appendix)", _AreaReport.write_appendix)
"""


def own_cpu() -> float:
    """CPU seconds of this process and its finished children (pandoc)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


class Stages:
    """CPU and wall seconds per stage; a stage's own time excludes the stages nested in it."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        """Forget every stage (the wrappers stay installed)."""
        self.cpu, self.wall, self.calls = defaultdict(float), defaultdict(float), defaultdict(int)
        self._stack: list[list[float]] = []  # [cpu, wall] spent in nested stages, per open stage

    def add(self, name: str, cpu: float, wall: float) -> None:
        """File a measurement made elsewhere (a kernel cell: its wall time is spent inside the open stage)."""
        self._record(name, cpu, wall)
        if self._stack:
            self._stack[-1][1] += wall

    def _record(self, name: str, cpu: float, wall: float) -> None:
        self.cpu[name] += cpu
        self.wall[name] += wall
        self.calls[name] += 1

    def timed(self, name: str, inner, cpu_of=own_cpu):
        """``inner`` wrapped so that its calls are filed under ``name``."""

        @functools.wraps(inner)
        def wrapper(*args, **kwargs):
            self._stack.append([0.0, 0.0])
            cpu, wall = cpu_of(), time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent_cpu, spent_wall = cpu_of() - cpu, time.perf_counter() - wall
                nested = self._stack.pop()
                self._record(name, spent_cpu - nested[0], spent_wall - nested[1])
                if self._stack:
                    self._stack[-1][0] += spent_cpu
                    self._stack[-1][1] += spent_wall

        return wrapper

    def table(self, title: str, reports: int) -> str:
        total_cpu = sum(self.cpu.values()) or 1.0
        lines = [f"\n{title}", f"{'stage':<52} {'calls':>5} {'CPU s':>8} {'share':>6} {'wall s':>8} {'CPU s/report':>12}"]
        for name in sorted(self.cpu, key=self.cpu.get, reverse=True):
            lines.append(f"{name[:52]:<52} {self.calls[name]:>5} {self.cpu[name]:>8.2f} "
                         f"{self.cpu[name] / total_cpu:>6.1%} {self.wall[name]:>8.2f} {self.cpu[name] / reports:>12.2f}")
        lines.append(f"{'total':<52} {'':>5} {total_cpu:>8.2f} {1:>6.0%} {sum(self.wall.values()):>8.2f} "
                     f"{total_cpu / reports:>12.2f}")
        return "\n".join(lines)


class ProfiledKernel(KernelSession):
    """A kernel session whose cells are timed by the kernel process's own CPU and filed by cell label."""

    stages: Stages
    labels: dict[str, str]

    def kernel_cpu(self) -> float:
        times = psutil.Process(self._manager.provisioner.pid).cpu_times()
        return times.user + times.system

    def run(self, code: str):
        name = self.labels.get(code)
        if name is None:
            return super().run(code)
        started, wall = self.kernel_cpu(), time.perf_counter()
        result = super().run(code)
        self.stages.add(f"kernel: {name}", self.kernel_cpu() - started, time.perf_counter() - wall)
        return result

    def collect_inner(self) -> dict[str, float]:
        """The kernel's timers (charts, area data, appendix) since the last call, then cleared."""
        out = super().run("import json as _json; print(_json.dumps(_jsna_profile)); _jsna_profile.clear()")
        return json.loads(out.outputs[0]["text"])


def cell_labels() -> dict[str, str]:
    """The template's cells by their source: label, or what an unlabelled cell prints."""
    labels = {}
    for cell in read_qmd(runner.TEMPLATE).cells:
        label = cell.options.get("label") or ("parts (topic sections)" if "report.parts()" in cell.source
                                              else "local data" if "local_data" in cell.source else f"line {cell.line}")
        labels[cell.source] = f"cell {label}"
    return labels


def instrument(stages: Stages) -> None:
    """Wrap the render's stages in this process (each pandoc run, typst, markdown, figures, reference doc)."""
    import assessment.render.outputs as outputs

    # One pandoc process reads an area's markdown and writes every format (a batch's way, as below).
    outputs.run_writers = stages.timed("pandoc: read the markdown, write every format", outputs.run_writers)
    html = formats.FORMATS["html"]
    formats.FORMATS["html"] = replace(html, writer=replace(
        html.writer, finish=stages.timed("HTML made self-contained (charts, stylesheet)", html.writer.finish)))
    # the compiler runs in a process of its own, called by the PDF writer: its own line, not the writer's
    outputs.compile_typst = stages.timed("typst compile (PDF)", outputs.compile_typst)
    engine.localise_images = stages.timed("copy figures into the build folder", engine.localise_images)
    engine.write_source = stages.timed("markdown source file", engine.write_source)
    outputs.write_source = engine.write_source
    runner._reference_doc = stages.timed("Word reference document", runner._reference_doc)
    runner.render_area = stages.timed("render_area (rest: bundle checks, staging)", runner.render_area)


def render(kernel: ProfiledKernel, bundle: Path, codes: list[str], out: Path, fmts: tuple[str, ...],
           stages: Stages) -> None:
    from assessment.orchestration.render_request import render_request

    out.mkdir(parents=True, exist_ok=True)
    request = render_request(bundle, codes, out, formats.parse_formats(fmts), engine="builtin")
    for area in request.areas:
        runner.render_area(request, area, kernel=kernel)
        for name, cpu in kernel.collect_inner().items():
            stages.add(f"  in kernel: {name}", cpu, 0.0)


def profile(bundle: Path, groups: dict[str, list[str]], fmts: tuple[str, ...], out: Path) -> None:
    from assessment.orchestration.area_renders import WARM_UP

    stages = Stages()
    instrument(stages)
    for title, codes in groups.items():
        stages.clear()
        started_wall, started_cpu = time.perf_counter(), own_cpu()
        kernel = ProfiledKernel(cwd=runner.TEMPLATE.parent)
        kernel.stages, kernel.labels = stages, cell_labels()
        # As in a batch of two kernels, each area's formats are written one after another: written at
        # once, their pandoc and typst runs overlap and one stage's CPU would be filed under another.
        kernel.parallel_jobs = 2
        cpu, wall = own_cpu(), time.perf_counter()
        with kernel:
            kernel.labels[WARM_UP.format(root=str(bundle))] = "start-up: warm-up (imports, bundle, boundaries)"
            stages.add("start-up: kernel start (this process)", own_cpu() - cpu, time.perf_counter() - wall)
            stages.add("start-up: kernel start (kernel)", kernel.kernel_cpu(), 0.0)
            kernel.run(WARM_UP.format(root=str(bundle)))
            kernel.run(KERNEL_TIMERS)
            render(kernel, bundle, codes, out / title.split()[0], fmts, stages)
            inner = sum(v for k, v in stages.cpu.items() if k.startswith("  in kernel"))
            print(stages.table(f"{title}: {len(codes)} report(s) in {', '.join(fmts)}", len(codes)))
            print(f"(lines '  in kernel:' are parts of the 'kernel: cell' lines above them, {inner:.2f} CPU s in all, "
                  "so the total counts them twice)")
        print(f"wall {time.perf_counter() - started_wall:.1f} s; this process and pandoc "
              f"{own_cpu() - started_cpu:.1f} CPU s; peak resident memory of this process "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, required=True, help="a built bundle (jsna build)")
    parser.add_argument("--council", help="a council's code (default: the first upper-tier authority)")
    parser.add_argument("--force", help="a police force area's code (default: the first English force)")
    parser.add_argument("--batch", type=int, default=10, help="areas in the batch part (default 10)")
    parser.add_argument("--formats", default="html,docx,pdf")
    parser.add_argument("--cprofile", type=Path, help="also write a cProfile of this process here")
    options = parser.parse_args()
    from assessment.bundles.bundle import open_bundle

    geography = open_bundle(options.bundle.resolve()).geography
    utlas = [c for c in geography.codes_of_type("utla") if c.startswith("E")]
    pfas = [c for c in geography.codes_of_type("pfa") if c.startswith("E")]
    lads = [c for c in geography.codes_of_type("lad") if c.startswith("E")]
    council, force = options.council or utlas[0], options.force or pfas[0]
    mixed = [*lads[:: max(1, len(lads) // 4)][:4], *utlas[1:: max(1, len(utlas) // 3)][:3], *pfas[1:4]]
    groups = {"council report": [council], "force report": [force],
              "batch (districts, upper-tier, forces)": mixed[: options.batch]}
    fmts = tuple(options.formats.split(","))
    with tempfile.TemporaryDirectory(prefix="jsna-profile-") as out:
        profiler = cProfile.Profile() if options.cprofile else None
        if profiler:
            profiler.enable()
        profile(options.bundle.resolve(), groups, fmts, Path(out))
        if profiler:
            profiler.disable()
            profiler.dump_stats(options.cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
