"""Profile of a report's charts in one process: CPU seconds per chart kind, for building and for saving.

Opens a built bundle as a batch kernel does (``prepare_for_reports``), then
writes every template cell's output for a list of areas in this process,
with timers around each chart function (the frame it is given, its caption
and alt text, the key of a shared base) and around ``Figure.save`` (the
plotnine build, the matplotlib draw, the PNG). The first area's charts are
reported apart: a batch kernel draws a peer group's shared bases once and
every later area of the group reuses them.

    python benchmarks/profile_charts.py --bundle BUNDLE [--areas CODE,...] [--batch 10]
        [--cprofile FILE] [--out FOLDER]

``--cprofile`` writes a cProfile of the charts' work only (open it with
``python -m pstats FILE``): where a chart's time goes between plotnine's build,
the draw, text layout and the PNG.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: Where the report's sections call each chart function: (module, name there, chart kind).
CHART_CALLS = [
    ("assessment.report.sections.topic", "compare_areas", "compare"),
    ("assessment.report.sections.similar_areas", "compare_areas", "similar"),
    ("assessment.report.sections.topic", "draw_trend_chart", "trend"),
    ("assessment.report.sections.summary", "draw_spine_chart", "spine"),
    ("assessment.report.sections.geography", "choropleth", "map"),
    ("assessment.report.population", "age_profile", "age-profile"),
]


class ChartTimers:
    """CPU seconds and calls per (stage, chart kind), with an optional profiler on while a chart works."""

    def __init__(self, profiler: cProfile.Profile | None):
        self.cpu: dict[tuple[str, str], float] = defaultdict(float)
        self.calls: dict[tuple[str, str], int] = defaultdict(int)
        self.profiler = profiler
        self.group = ""  # which areas the calls are filed under
        self._depth = 0

    def timed(self, stage: str, kind_of, inner):
        """``inner`` wrapped so that its CPU time is filed under ``stage`` and the kind ``kind_of`` names."""

        @functools.wraps(inner)
        def wrapper(*args, **kwargs):
            self._depth += 1
            if self.profiler and self._depth == 1:
                self.profiler.enable()
            started = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                key = (self.group, stage, kind_of(*args, **kwargs))
                self.cpu[key] += time.process_time() - started
                self.calls[key] += 1
                if self.profiler and self._depth == 1:
                    self.profiler.disable()
                self._depth -= 1

        return wrapper

    def table(self, group: str, title: str, reports: int) -> str:
        """The calls filed under ``group``, most CPU first, per chart and per report."""
        keys = sorted((key for key in self.cpu if key[0] == group), key=self.cpu.get, reverse=True)
        lines = [f"\n{title}", f"{'stage':<10} {'chart kind':<14} {'calls':>5} {'CPU s':>8} {'ms/chart':>9} {'CPU s/report':>12}"]
        for key in keys:
            lines.append(f"{key[1]:<10} {key[2]:<14} {self.calls[key]:>5} {self.cpu[key]:>8.2f} "
                         f"{1000 * self.cpu[key] / self.calls[key]:>9.0f} {self.cpu[key] / reports:>12.2f}")
        total, calls = sum(self.cpu[key] for key in keys), sum(self.calls[key] for key in keys)
        lines.append(f"{'total':<25} {calls:>5} {total:>8.2f} {'':>9} {total / reports:>12.2f}")
        return "\n".join(lines)


def kind_of_path(path, *args, **kwargs) -> str:
    """A saved figure's kind from its file name: ``compare-<id>.png`` is a "compare" chart."""
    return re.sub(r"-.*", "", Path(path).stem)


def instrument(timers: ChartTimers) -> None:
    """Wrap each chart function where the sections call it, and ``Figure.save``."""
    import importlib

    import assessment.charts.figure as figure_module

    for module_name, name, kind in CHART_CALLS:
        module = importlib.import_module(module_name)
        setattr(module, name, timers.timed("build", lambda *a, _kind=kind, **k: _kind, getattr(module, name)))
    save = figure_module.Figure.save
    figure_module.Figure.save = timers.timed("save", lambda self, path, *a, **k: kind_of_path(path), save)


def write_report(bundle: Path, code: str, out: Path) -> None:
    """Everything the template prints for ``code`` (its figures into ``out``), as the template's cells ask."""
    from assessment.report import AreaReport

    report = AreaReport.open(bundle, code, figure_dir=out / code)
    report.front_matter()
    report.key_messages()
    report.spine_chart()
    report.geography_section()
    report.area_map()
    for part in report.parts():
        report.part(part)


def default_areas(bundle: Path, batch: int) -> list[str]:
    """As ``profile_report.py`` picks its batch: districts, upper-tier authorities and forces, spread out."""
    from assessment.bundles.bundle import open_bundle

    geography = open_bundle(bundle).geography
    utlas = [c for c in geography.codes_of_type("utla") if c.startswith("E")]
    pfas = [c for c in geography.codes_of_type("pfa") if c.startswith("E")]
    lads = [c for c in geography.codes_of_type("lad") if c.startswith("E")]
    mixed = [*lads[:: max(1, len(lads) // 4)][:4], *utlas[1:: max(1, len(utlas) // 3)][:3], *pfas[1:4]]
    return mixed[:batch]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, required=True, help="a built bundle (jsna build)")
    parser.add_argument("--areas", help="comma-separated area codes (default: profile_report.py's batch)")
    parser.add_argument("--batch", type=int, default=10, help="areas in the default batch (default 10)")
    parser.add_argument("--cprofile", type=Path, help="write a cProfile of the charts' work here")
    parser.add_argument("--out", type=Path, help="keep the figures in this folder (default: a temporary one)")
    options = parser.parse_args()
    from assessment.bundles.bundle import open_bundle

    bundle = options.bundle.resolve()
    open_bundle(bundle).prepare_for_reports()
    import matplotlib.pyplot  # noqa: F401  (as a batch kernel's warm-up does)
    import plotnine  # noqa: F401

    codes = options.areas.split(",") if options.areas else default_areas(bundle, options.batch)
    profiler = cProfile.Profile() if options.cprofile else None
    out = options.out or Path(tempfile.mkdtemp(prefix="jsna-charts-"))
    started = time.process_time()
    timers = ChartTimers(profiler)
    instrument(timers)
    for number, code in enumerate(codes):
        timers.group = "first" if number == 0 else "rest"
        write_report(bundle, code, out)
    print(timers.table("first", f"first area ({codes[0]}): its own charts and the shared bases it draws", 1))
    if len(codes) > 1:
        print(timers.table("rest", f"the other {len(codes) - 1} areas ({', '.join(codes[1:])})", len(codes) - 1))
    print(f"\n{time.process_time() - started:.1f} CPU s for {len(codes)} reports' sections in all; figures in {out}")
    if profiler:
        profiler.dump_stats(options.cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
