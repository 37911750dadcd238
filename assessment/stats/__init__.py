"""Statistics: confidence intervals, comparisons, recent trends and roll-ups.

>>> from assessment.stats import add_intervals, compare_to, recent_trend, aggregate
"""

from .aggregate import aggregate
from .compare import comparator_registry, compare_to
from .intervals import (
    add_intervals,
    byars_limits,
    dsr_with_limits,
    dsr_problem,
    rate_limits,
    ratio_limits,
    standardised_rates,
    wilson_limits,
)
from .trend import recent_trend, trend_label

__all__ = [
    "add_intervals",
    "aggregate",
    "byars_limits",
    "comparator_registry",
    "compare_to",
    "dsr_problem",
    "dsr_with_limits",
    "rate_limits",
    "ratio_limits",
    "recent_trend",
    "standardised_rates",
    "trend_label",
    "wilson_limits",
]
