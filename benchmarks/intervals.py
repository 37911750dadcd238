"""Benchmark: vectorised Wilson and Byar's intervals against PHStatsMethods (row by row), 1 million rows.

PHStatsMethods (GPL, a test-only oracle) computes with ``DataFrame.apply`` row
by row; it is timed on a 20,000-row sample and scaled linearly to 1 million
rows, because a full run would take minutes. Both compute 95% and 99.8% limits.
Results are checked to agree before timing is reported.

    python benchmarks/intervals.py
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

ROWS = 1_000_000
SAMPLE = 20_000


def main() -> None:
    import PHStatsMethods as oracle

    from assessment.stats import rate_limits, wilson_limits

    rng = np.random.default_rng(1)
    denominator = rng.integers(100, 100_000, ROWS).astype(float)
    count = np.maximum(np.floor(denominator * rng.uniform(0, 0.5, ROWS)), 1)  # the oracle rejects 0

    start = time.perf_counter()
    for level in (0.95, 0.998):
        wilson_limits(count, denominator, level)
        rate_limits(count, denominator, 100_000, level)
    ours = time.perf_counter() - start

    sample = pd.DataFrame({"count": count[:SAMPLE], "denominator": denominator[:SAMPLE]})
    start = time.perf_counter()
    proportions = oracle.ph_proportion(sample.copy(), "count", "denominator", confidence=[0.95, 0.998], multiplier=1)
    rates = oracle.ph_rate(sample.copy(), "count", "denominator", confidence=[0.95, 0.998], multiplier=100_000)
    theirs = (time.perf_counter() - start) * ROWS / SAMPLE

    lower, _ = wilson_limits(count[:SAMPLE], denominator[:SAMPLE], 0.95)
    np.testing.assert_allclose(lower, proportions["lower_95_ci"], rtol=1e-9)
    lower, _ = rate_limits(count[:SAMPLE], denominator[:SAMPLE], 100_000, 0.95)
    np.testing.assert_allclose(lower, rates["lower_95_ci"], rtol=1e-9)

    print(f"rows: {ROWS:,}; Wilson + Byar's at 95% and 99.8%")
    print(f"assessment.stats (vectorised): {ours:.2f} s")
    print(f"PHStatsMethods (row by row, {SAMPLE:,}-row sample scaled to {ROWS:,}): {theirs:.1f} s")
    print(f"speed-up: {theirs / ours:,.0f}x")


if __name__ == "__main__":
    main()
