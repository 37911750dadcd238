"""Benchmark: `jsna import` + `jsna build` on the full set of real files in ../shared/data.

Runs the two commands as a user would (fresh processes, so start-up is
counted) on every file in ../shared/data, then reports their wall time, CPU
time and the peak memory of either process. The baseline, measured in the same
run, is only reading the same tables with pandas: ``read_csv`` for each CSV,
``read_excel`` for the sheet each reader uses (with pandas' calamine engine, the
fastest it has and the reader the package uses) and ``json.load`` for
boundaries, with no recognition, validation, crosswalk, roll-ups or analysis.
``--odfpy`` reads the workbooks with openpyxl and odfpy instead, pandas' default
engines, to show what the package's reading would cost without calamine.

Targets (issue 12): import + build under 20 s and under 1 GB peak. On a shared
machine wall time includes waiting for the CPU, so CPU time is printed too.

    python benchmarks/import_build.py [--odfpy]
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import measure  # noqa: E402

#: The sheets each publisher reader reads (what the pandas baseline reads of each workbook).
SHEETS = {"mhclg_homelessness": ["A1"], "mhclg_rough_sleeping": ["Table 1 Total", "Table 5 Rates"],
          "imd_2019_upper_tier": ["IMD"]}


def _run(argv: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stdout) of one CLI command in its own process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "assessment.cli", *argv], capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"jsna {argv[0]} failed: {done.stderr.strip().splitlines()[-1:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def read_with_pandas(snapshot: Path, default_engines: bool = False) -> tuple[int, float]:
    """The baseline: read every table the snapshot holds with pandas alone; (rows read, seconds spent on ODS)."""
    import pandas as pd

    manifest = json.loads((snapshot / "manifest.json").read_text())
    rows, ods_seconds = 0, 0.0
    for entry in manifest["files"]:
        path = snapshot / entry["path"]
        if path.suffix.lower() in (".json", ".geojson"):
            rows += len(json.loads(path.read_bytes())["features"])
        elif path.suffix.lower() in (".xlsx", ".ods"):
            engine = ("odf" if path.suffix.lower() == ".ods" else "openpyxl") if default_engines else "calamine"
            start = time.perf_counter()
            for sheet in SHEETS.get(entry["key"], [0]):
                rows += len(pd.read_excel(path, sheet_name=sheet, header=None, engine=engine))
            ods_seconds += (time.perf_counter() - start) if path.suffix.lower() == ".ods" else 0.0
        else:
            for encoding in ("utf-8-sig", "cp1252"):
                try:
                    rows += len(pd.read_csv(path, dtype=str, encoding=encoding))
                    break
                except UnicodeDecodeError:
                    continue
    return rows, ods_seconds


def main() -> None:
    from assessment.core.paths import shared_data_dir

    data = shared_data_dir()
    if data is None:
        raise SystemExit("../shared/data is not present: this benchmark needs the real files")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        import_wall, import_cpu, out = _run(["import", str(data), "--out", str(folder / "snapshots")])
        snapshot = Path(out.strip().splitlines()[-1])
        build_wall, build_cpu, _ = _run(["build", "--snapshot", str(snapshot), "--out", str(folder / "bundle")])
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        files = len(json.loads((snapshot / "manifest.json").read_text())["files"])
        base_seconds, base_mb, (base_rows, ods_seconds) = measure(read_with_pandas, snapshot, "--odfpy" in sys.argv)
    total = import_wall + build_wall
    print(f"files imported: {files} (of {sum(1 for p in data.rglob('*') if p.is_file())} in {data})")
    print(f"jsna import: {import_wall:.1f} s wall, {import_cpu:.1f} s CPU")
    print(f"jsna build:  {build_wall:.1f} s wall, {build_cpu:.1f} s CPU")
    print(f"import + build: {total:.1f} s wall, {import_cpu + build_cpu:.1f} s CPU, peak memory {peak_mb:,.0f} MB "
          "(targets: < 20 s, < 1024 MB)")
    print(f"baseline, reading the same {base_rows:,} rows with pandas alone: {base_seconds:.1f} s, peak {base_mb:,.0f} MB")
    print(f"  of which the ODS files: {ods_seconds:.1f} s; everything else: "
          f"{base_seconds - ods_seconds:.1f} s")
    print(f"ratio import + build / baseline: {total / base_seconds:.2f}x time, {peak_mb / base_mb:.1f}x memory; "
          f"against the baseline without ODS: {total / (base_seconds - ods_seconds):.1f}x time")
    print("PASS" if total < 20 and peak_mb < 1024 else "FAIL")


if __name__ == "__main__":
    main()
