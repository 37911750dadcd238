"""Benchmark of the whole national job: every district, upper-tier authority and police force area, in every format.

From a built bundle of real data (``jsna build``; pass ``--bundle``), in one run:

(a) the batch path: every English district and upper-tier authority and
    every police force area the bundle reports on (the Welsh forces
    included), in HTML, DOCX and PDF with each area's Excel appendix, on
    ``--jobs`` warm kernels (``render_batch``, what ``jsna render --all``
    runs), in a fresh process whose start-up is counted;
(b) the naive path for a sample of areas: a fresh ``jsna render --area X``
    process each (fresh Python, kernel and data), in the same formats.

Prints wall time, CPU seconds (user + system of the whole process tree: the
command, its kernels, pandoc), the peak resident memory of the tree (sampled
every 0.1 s), seconds per area for both paths and their ratio. On a shared
machine wall time includes waiting for a core, so the CPU seconds are the
figure to compare; the estimate for 2 idle cores is the CPU seconds divided
by 2. ``--sample N`` renders N areas per geography (spread across it) and
extrapolates to every area, saying so.

    python benchmarks/whole_job.py --bundle BUNDLE [--sample N] [--naive 3] [--jobs 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import work_folder  # noqa: E402
from batch import PeakMemory  # noqa: E402

GEOGRAPHIES = ("lad", "utla", "pfa")
FORMATS = "html,docx,pdf"
TARGET_SECONDS, TARGET_MB = 300, 2048


def children_cpu() -> float:
    """CPU seconds of every finished child process of this one (and of their waited-for children)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def spread(codes: list[str], count: int | None) -> list[str]:
    """``count`` codes taken evenly across ``codes`` (all of them when ``count`` is None).

    >>> spread(["a", "b", "c", "d", "e", "f"], 3)
    ['a', 'c', 'e']
    """
    if count is None or count >= len(codes):
        return list(codes)
    step = len(codes) / count
    return [codes[int(n * step)] for n in range(count)]


def areas_by_geography(bundle: Path) -> dict[str, list[str]]:
    """The areas a batch renders for each geography: those with a report edition (Welsh forces included)."""
    from assessment.bundles.bundle import open_bundle

    geography = open_bundle(bundle).geography
    return {kind: [c for c in geography.codes_of_type(kind) if geography.has_report(geography.resolve(c))]
            for kind in GEOGRAPHIES}


def run_measured(command: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s of the whole process tree, peak MB of the tree) of running ``command`` to the end."""
    memory, cpu, started = PeakMemory(), children_cpu(), time.perf_counter()
    memory.run(command)
    return time.perf_counter() - started, children_cpu() - cpu, memory.peak / 2**20


def batch_command(bundle: Path, codes: list[str], out: Path, jobs: int) -> list[str]:
    """A fresh Python that renders ``codes`` as one batch (every geography on the same warm kernels)."""
    script = ("from assessment.orchestration.batch import render_batch; "
              "from assessment.orchestration.render_request import render_request; "
              "from assessment.render.formats import parse_formats; "
              f"request = render_request({str(bundle)!r}, {codes!r}, {str(out)!r}, parse_formats({FORMATS!r}), "
              "engine='builtin'); "
              f"render_batch(request, {','.join(GEOGRAPHIES)!r}, jobs={jobs}, force=True)")
    return [sys.executable, "-c", script]


def naive_command(bundle: Path, code: str, out: Path) -> list[str]:
    return [sys.executable, "-m", "assessment.cli", "render", "--area", code, "--bundle", str(bundle),
            "--out", str(out), "--format", FORMATS, "--engine", "builtin"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, required=True, help="a built bundle of real data (jsna build)")
    parser.add_argument("--sample", type=int, help="areas per geography (default: every area)")
    parser.add_argument("--naive", type=int, default=3, help="areas rendered the naive way (default 3)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    options = parser.parse_args()
    with work_folder(options.keep, "jsna-whole-job-") as work:
        return render_every_area(options, options.bundle.resolve(), work)


def render_every_area(options: argparse.Namespace, bundle: Path, work: Path) -> int:
    """The whole job and the naive sample, rendered in ``work``; the figures printed."""
    every = areas_by_geography(bundle)
    # A unitary authority is both a district and an upper-tier authority, with one report: a sample of
    # districts is taken from the others, so that it adds areas.
    chosen = {kind: spread([c for c in codes if kind != "lad" or c not in every["utla"]] if options.sample else codes,
                           options.sample) for kind, codes in every.items()}
    codes = list(dict.fromkeys(c for kind in GEOGRAPHIES for c in chosen[kind]))
    total_areas = len({c for kind in GEOGRAPHIES for c in every[kind]})
    print("areas: " + ", ".join(f"{len(chosen[k])} of {len(every[k])} {k}" for k in GEOGRAPHIES)
          + f"; formats {FORMATS} and the Excel appendix", flush=True)

    wall, cpu, peak = run_measured(batch_command(bundle, codes, work / "batch", options.jobs))
    reports = sum(1 for f in (work / "batch").glob("*/*") if f.suffix in (".html", ".docx", ".pdf"))
    appendices = len(list((work / "batch").glob("*/*-data.xlsx")))
    print(f"(a) batch: {len(codes)} areas, {reports} reports and {appendices} appendices in {wall:.0f} s wall, "
          f"{cpu:.0f} CPU s; {wall / len(codes):.2f} s wall and {cpu / len(codes):.2f} CPU s per area "
          f"({cpu / max(1, reports):.2f} CPU s per report); peak memory of the process tree {peak:.0f} MB")

    fixed = None
    if len(codes) < total_areas and len(codes) > 1:
        # a batch of one area: the batch's start-up (imports, kernels warmed, bundle fingerprinted) and one area
        one_wall, one_cpu, _ = run_measured(batch_command(bundle, codes[:1], work / "batch-of-one", options.jobs))
        marginal = (cpu - one_cpu) / (len(codes) - 1)
        fixed = one_cpu - marginal
        print(f"    a batch of one area: {one_cpu:.0f} CPU s; so start-up about {fixed:.0f} CPU s and each further "
              f"area about {marginal:.2f} CPU s ({marginal / 3:.2f} per report)")

    naive = spread(codes, options.naive)
    naive_wall = naive_cpu = 0.0
    for code in naive:
        one_wall, one_cpu, _ = run_measured(naive_command(bundle, code, work / "naive"))
        naive_wall, naive_cpu = naive_wall + one_wall, naive_cpu + one_cpu
    per_wall, per_cpu = naive_wall / len(naive), naive_cpu / len(naive)
    print(f"(b) naive, a fresh process per area: {per_wall:.2f} s wall, {per_cpu:.2f} CPU s per area "
          f"({len(naive)} sampled)")
    print(f"ratio naive / batch per area: {per_cpu / (cpu / len(codes)):.1f}x in CPU s, "
          f"{per_wall / (wall / len(codes)):.1f}x in wall time")

    if fixed is not None:
        print(f"ratio naive / batch for an area of a long batch: {per_cpu / marginal:.1f}x in CPU s")
    if len(codes) < total_areas:
        estimate = fixed + marginal * total_areas if fixed is not None else cpu / len(codes) * total_areas
        print(f"EXTRAPOLATED (from {len(codes)} of {total_areas} areas, not measured): all {total_areas} areas would "
              f"take about {estimate:.0f} CPU s, so about {estimate / options.jobs:.0f} s on {options.jobs} idle "
              f"cores (target <= {TARGET_SECONDS} s)")
    else:
        print(f"all {total_areas} areas: {wall:.0f} s (target <= {TARGET_SECONDS} s)  "
              f"{'PASS' if wall <= TARGET_SECONDS else 'FAIL'}")
    print(f"peak memory {peak:.0f} MB (target <= {TARGET_MB} MB)  {'PASS' if peak <= TARGET_MB else 'FAIL'}")
    return 0 if appendices == len(codes) else 1


if __name__ == "__main__":
    sys.exit(main())
