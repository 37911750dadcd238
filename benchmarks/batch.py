"""Benchmark: national batch rendering against one fresh render per area (as `quarto render` in CI).

Data: the real ONS geography from ``../shared/data`` (2024 lookups, May 2024
district boundaries) with indicator values generated for every English
district in the Fingertips export format by the demo's generator, built into
one bundle. Then, in the same run:

(a) the naive path: for a sample of areas, a fresh `jsna render --area X
    --format html` process each (fresh Python, fresh Jupyter kernel, data
    loaded again), timed per report;
(b) the batch path: one `jsna render --all --geography utla,pfa` for all
    upper-tier authorities and all police force areas (196 HTML reports: 153 and 43, the Welsh forces included) on
    warm kernels, from a cold start (the command's start-up is included).

Prints seconds per report for each (wall, and CPU: user + system of every
process of the path, the figure to compare on a shared machine), the ratio, total batch time and the peak
resident memory of the batch command's whole process tree (the command, its
kernels and pandoc), sampled every 0.1 s; this script's own memory (it built
the bundle) is not counted.
Targets: ratio >= 10, the 192 English reports (now 196 with Wales) <= 180 s, peak <= 2 GB.

Run: ``python benchmarks/batch.py [--sample 6] [--jobs 2]``
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assessment.demo.places import DemoPlace  # noqa: E402
from assessment.geography import geography_from_files  # noqa: E402
from assessment.geography.registry import local_path  # noqa: E402
from assessment.core.paths import shared_data_dir  # noqa: E402
from _common import tree_rss, work_folder  # noqa: E402

ROLES = {"lookup_lad_csp_pfa": "lad_csp_pfa", "lookup_lad_utla": "lad_utla", "lookup_lad_region": "lad_region"}


def build_national_bundle(shared: Path, folder: Path) -> Path:
    """Real 2024 geography, generated indicator values for every English district."""
    from datetime import UTC, datetime

    from assessment.demo.indicators import write_fingertips_csv
    from assessment.bundles.builder import build_bundle, combine
    from assessment.sources.catalogue import load_catalogue
    from assessment.sources.fingertips.client import parse_csv

    lookups = {role: local_path("lookups", key, "2024", shared) for role, key in ROLES.items()}
    geography = geography_from_files(lookups)
    lads = geography.lads[geography.lads["lad_code"].str.startswith("E")].drop_duplicates("lad_code")
    places = [DemoPlace(r.lad_code, r.lad_name, r.utla_code, r.utla_name, r.region_code, r.region_name,
                        r.pfa_code, r.pfa_name, (), (), 0, 0) for r in lads.itertuples()]
    csv_path = write_fingertips_csv(folder / "fingertips.csv", places)
    when = datetime(2026, 11, 1, tzinfo=UTC)
    frame = parse_csv(csv_path.read_text(encoding="utf-8"), url="generated national test data",
                      metadata=load_catalogue().fingertips_meta(), retrieved_at=when, vintage="generated")
    meta = {"demo": True, "snapshot_date": "2026-11-01", "vintage": "2024", "uploads": [],
            "sources": [{"name": "Generated values on the real ONS geography", "url": "benchmarks/batch.py",
                         "licence": "MIT", "retrieved_at": "2026-11-01"}]}
    return build_bundle(combine([frame]), folder / "bundle", lookup_files=lookups,
                        boundary_files={"lad": local_path("boundaries", "lad", "2024", shared)}, meta=meta)


class PeakMemory:
    """Sample the resident memory of a running command and all its descendants (workers, kernels, pandoc)."""

    def __init__(self, interval: float = 0.1):
        self.interval, self.peak = interval, 0

    def run(self, command: list[str]) -> None:
        """Run ``command`` to the end, sampling its process tree; raise if it fails."""
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        root = psutil.Process(process.pid)
        while process.poll() is None:
            self.peak = max(self.peak, tree_rss(root))
            time.sleep(self.interval)
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, command)


def children_cpu() -> float:
    """CPU seconds of this process's finished children and their waited-for descendants (kernels, pandoc)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def jsna(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "assessment.cli", *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=6, help="areas rendered the naive way (default 6)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    options = parser.parse_args()
    shared = shared_data_dir()
    if shared is None:
        print("SKIP: ../shared/data is not present")
        return 0
    with work_folder(options.keep, "jsna-batch-bench-") as work:
        return compare(options, shared, work)


def compare(options: argparse.Namespace, shared: Path, work: Path) -> int:
    """Build the bundle in ``work``, render the naive sample and the batch there, and print the figures."""
    print("building the national bundle (real geography, generated values)...", flush=True)
    bundle = build_national_bundle(shared, work)
    from assessment.bundles.bundle import open_bundle

    geography = open_bundle(bundle).geography
    utlas = [c for c in geography.codes_of_type("utla") if c.startswith("E")]
    # every force, the four Welsh ones included: `render --all` renders their edition too
    pfas = list(geography.codes_of_type("pfa"))
    print(f"areas: {len(utlas)} upper-tier authorities + {len(pfas)} police force areas = {len(utlas) + len(pfas)}")
    # warm the boundary cache once, as a user's machine would have it after the first render
    jsna("render", "--area", utlas[0], "--bundle", str(bundle), "--out", str(work / "warmup"), "--format", "html",
         "--engine", "builtin")

    step = max(1, (len(utlas) + len(pfas)) // options.sample)
    sample = (utlas + pfas)[::step][: options.sample]
    started, cpu = time.perf_counter(), children_cpu()
    for code in sample:
        jsna("render", "--area", code, "--bundle", str(bundle), "--out", str(work / "naive"), "--format", "html",
             "--engine", "builtin")
    naive = (time.perf_counter() - started) / len(sample)
    naive_cpu = (children_cpu() - cpu) / len(sample)
    print(f"(a) naive, fresh process and kernel per report: {naive:.2f} s per report, {naive_cpu:.2f} CPU s "
          f"({len(sample)} sampled)")

    memory = PeakMemory()
    started, cpu = time.perf_counter(), children_cpu()
    memory.run([sys.executable, "-m", "assessment.cli", "render", "--all", "--geography", "utla,pfa",
                "--bundle", str(bundle), "--out", str(work / "batch"), "--format", "html",
                "--jobs", str(options.jobs), "--engine", "builtin"])
    total = time.perf_counter() - started
    batch_cpu = (children_cpu() - cpu) / (len(utlas) + len(pfas))
    count = len(utlas) + len(pfas)
    reports = len(list((work / "batch").glob("*/*.html")))
    batch = total / count
    ratio = naive / batch
    print(f"(b) batch, warm kernels: {batch:.2f} s per report, {batch_cpu:.2f} CPU s; {reports} HTML reports "
          f"in {total:.0f} s")
    print(f"ratio naive / batch in CPU s: {naive_cpu / batch_cpu:.1f}x")
    print(f"ratio naive / batch: {ratio:.1f}x (target >= 10x)  {'PASS' if ratio >= 10 else 'FAIL'}")
    print(f"all {count} reports: {total:.0f} s (target <= 180 s)  {'PASS' if total <= 180 else 'FAIL'}")
    print(f"peak memory of the batch process tree: {memory.peak / 2**20:.0f} MB (target <= 2048 MB)  "
          f"{'PASS' if memory.peak <= 2 * 2**30 else 'FAIL'}")
    return 0 if reports == count else 1


if __name__ == "__main__":
    sys.exit(main())
