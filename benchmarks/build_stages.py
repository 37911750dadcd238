"""Profile of `jsna build`: seconds and peak resident memory of each stage, in one process.

Wraps the build's stages (reading the snapshot, crosswalk, derived rates,
intervals, each roll-up, the comparisons, trends, force ranks, writing the
bundle) so each reports its wall time and CPU time (on a shared machine wall time
includes waiting for a core, so compare CPU seconds between runs), while a thread
samples the process's resident memory every 0.02 s and files it under the stage
running at the time.
Use it on a snapshot from ``benchmarks/build_national.py --keep DIR`` (its
``DIR/snapshots``) to see where a national build's time and memory go.
``--cprofile FILE`` also writes a cProfile of the whole build. A snapshot over
the build's row limit needs ``JSNA_MAX_BUILD_ROWS`` set above its rows.

    python benchmarks/build_stages.py SNAPSHOT [--out BUNDLE] [--cprofile FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import assessment.bundles.analysis as analysis  # noqa: E402
import assessment.bundles.builder as build  # noqa: E402
import assessment.bundles.bundle as bundle_writer  # noqa: E402
import assessment.snapshots.snapshot as snapshot_reader  # noqa: E402
import assessment.sources.fingertips.backends as fingertips_backends  # noqa: E402
import assessment.sources.overlaps as overlaps  # noqa: E402

STAGES = {build: ("build_frame", "crosswalk_frame", "derive_rates", "combine", "add_intervals", "analyse",
                  "write_bundle"),
          fingertips_backends: ("parse_csv",), overlaps: ("keep_preferred", "resolve_overlaps"),
          analysis: ("carry_combined", "add_rollups", "aggregate", "validate_frame", "_comparison", "trend_columns",
                     "rank_forces", "add_upper_tier_comparisons"),
          snapshot_reader: ("validate_frame",), bundle_writer: ("write_frame_parquet",)}


class StageMemory:
    """Peak resident MB per stage path ("build/analyse/add_rollups/aggregate"), sampled on a thread."""

    def __init__(self):
        self.stack, self.peaks, self.seconds = ["build"], {}, []
        self._process = psutil.Process()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            path = "/".join(self.stack)
            self.peaks[path] = max(self.peaks.get(path, 0.0), self._process.memory_info().rss / 2**20)
            time.sleep(0.02)

    def wrap(self, module, name: str) -> None:
        """Replace ``module.name`` by a wrapper that names the stage while it runs."""
        inner = getattr(module, name)

        @functools.wraps(inner)
        def staged(*args, **kwargs):
            self.stack.append(name)
            path, started, cpu = "/".join(self.stack), time.perf_counter(), time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                self.stack.pop()
                self.seconds.append((path, time.perf_counter() - started, time.process_time() - cpu))

        setattr(module, name, staged)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path, help="a snapshot folder (or a folder of dated snapshots)")
    parser.add_argument("--out", type=Path, help="bundle folder (default: a temporary folder)")
    parser.add_argument("--cprofile", type=Path, help="also write a cProfile of the build here")
    options = parser.parse_args()
    snapshot = options.snapshot
    if not (snapshot / "manifest.json").exists():
        snapshot = max(p for p in snapshot.iterdir() if (p / "manifest.json").exists())
    memory = StageMemory()
    for module, names in STAGES.items():
        for name in names:
            memory.wrap(module, name)
    out = options.out or Path(tempfile.mkdtemp(prefix="jsna-stages-")) / "bundle"
    profiler = cProfile.Profile() if options.cprofile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    build.build_bundle_from_snapshot(snapshot, out)
    if profiler:
        profiler.disable()
        profiler.dump_stats(options.cprofile)
    print(f"build: {time.perf_counter() - started:.1f} s wall, {time.process_time() - cpu:.1f} s CPU, bundle {out}")
    print("seconds per stage, wall and CPU (nested stages are inside their parent's time):")
    for path, seconds, cpu_seconds in memory.seconds:
        print(f"  {seconds:7.1f} s  {cpu_seconds:7.1f} s CPU  {path}")
    print("peak resident memory while each stage ran:")
    for path, peak in memory.peaks.items():
        print(f"  {peak:7,.0f} MB  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
