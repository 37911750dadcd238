"""Benchmark: build the tidy frame for the whole catalogue, all English areas, all periods, from a snapshot.

Writes a snapshot in the real Fingertips export format for every catalogue
indicator (every English district, upper-tier authority, region and England;
10 periods; persons, male and female; deprivation-decile category rows), then
times :func:`assessment.snapshots.snapshot.build_frame` in a fresh process and
reports its peak memory. The baseline, measured in the same run, is plain
``pandas.read_csv`` of the same files (no validation, no typing).

Targets (issue 3): under 10 s and under 1 GB peak on a 2-core machine.

    python benchmarks/build_frame.py
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import measure  # noqa: E402

PERIODS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2013, 2023)]
SEXES = ["Persons", "Male", "Female"]


def _areas():
    from assessment.core.paths import shared_data_dir

    if shared_data_dir() is not None:
        from assessment.geography import load_geography

        lads = load_geography().lads
    else:  # the demo geography, repeated to national size
        from assessment.demo.places import demo_places

        places = demo_places()
        lads = pd.DataFrame([{"lad_code": f"E07{9 * 100000 + i:06d}", "lad_name": f"District {i}",
                              "utla_code": f"E10{9 * 100000 + i // 3:06d}", "utla_name": f"County {i // 3}",
                              "region_code": places[i % len(places)].region_code,
                              "region_name": places[i % len(places)].region_name} for i in range(296)])
    districts = lads[["lad_code", "lad_name"]].drop_duplicates().values.tolist()
    counties = lads[["utla_code", "utla_name"]].drop_duplicates().values.tolist()
    regions = lads[["region_code", "region_name"]].drop_duplicates().values.tolist()
    return districts, counties, regions


def write_snapshot(root: Path) -> Path:
    """A snapshot folder (manifest + Fingertips CSVs) for the whole catalogue at national size."""
    from assessment.demo.indicators import HEADER
    from assessment.sources.catalogue import load_catalogue
    from assessment.snapshots.snapshot import SnapshotWriter

    districts, counties, regions = _areas()
    rng = np.random.default_rng(1)
    writer = SnapshotWriter(root / date.today().isoformat(), date.today().isoformat())
    for number, entry in enumerate(load_catalogue().fingertips(), start=1):
        areas = (districts if entry.area_type == "district" else counties)
        rows = []
        labelled = ([(c, n, "Districts & UAs (from Apr 2023)") for c, n in areas]
                    + [(c, n, "Region") for c, n in regions] + [("E92000001", "England", "England")])
        for period in PERIODS:
            for sex in SEXES:
                count = rng.integers(20, 2000, len(labelled))
                denominator = count * rng.uniform(3, 30, len(labelled))
                value = count / denominator * entry.multiplier
                for (code, name, kind), c, d, v in zip(labelled, count, denominator, value):
                    rows.append([entry.frame_id, entry.title, "", "", code, name, kind, sex, "All ages", "", "",
                                 period, v, v * 0.9, v * 1.1, v * 0.85, v * 1.15, c, d, "", "", "", "", "", "", "", "1y"])
            for decile in range(1, 11):
                v = float(rng.uniform(1, 50))
                rows.append([entry.frame_id, entry.title, "", "", "E92000001", "England", "England", "Persons",
                             "All ages", "District & UA deprivation deciles in England (IMD2019)",
                             f"Decile {decile}", period, v, v * 0.9, v * 1.1, v * 0.85, v * 1.15, 100, 1000,
                             "", "", "", "", "", "", "", "1y"])
        text = pd.DataFrame(rows, columns=HEADER).to_csv(index=False)
        writer.add(f"fingertips/batch-{number}.csv", text.encode(), kind="fingertips", key=str(number),
                   url=f"https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_ids={entry.frame_id}",
                   rows=len(rows))
    return writer.close()


def build(snapshot: Path) -> int:
    from assessment.snapshots.snapshot import build_frame

    frame, _ = build_frame(snapshot, publishers={})
    return len(frame)


def baseline(snapshot: Path) -> int:
    return sum(len(pd.read_csv(p)) for p in sorted((snapshot / "fingertips").glob("*.csv")))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        snapshot = write_snapshot(Path(folder))
        base_seconds, base_mb, base_rows = measure(baseline, snapshot)
        seconds, peak_mb, rows = measure(build, snapshot)
    print(f"tidy frame rows: {rows:,} (CSV rows {base_rows:,})")
    print(f"build_frame: {seconds:.2f} s, peak memory {peak_mb:,.0f} MB  (targets: < 10 s, < 1024 MB)")
    print(f"baseline pandas.read_csv of the same files: {base_seconds:.2f} s, peak {base_mb:,.0f} MB")
    print(f"ratio build_frame / baseline: {seconds / base_seconds:.1f}x time, {peak_mb / base_mb:.1f}x memory")
    print("PASS" if seconds < 10 and peak_mb < 1024 else "FAIL")


if __name__ == "__main__":
    main()
