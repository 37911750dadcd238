"""The intervals module at start-up: scipy waits until an interval needs it, and the written-out z values are
scipy's own."""

from __future__ import annotations

from scipy.special import ndtri

from assessment.stats.intervals import Z, z_value
from tests.support.fresh_python import printed_words


def test_the_written_out_z_values_are_scipys_to_the_last_bit():
    assert Z == {0.95: float(ndtri(0.975)), 0.998: float(ndtri(0.999))}
    assert z_value(0.9) == float(ndtri(0.95))


def test_scipy_is_imported_only_when_an_interval_needs_it():
    """Every command and report kernel imports the package; scipy.special (about 0.2 s) waits for an exact limit."""
    script = ("import sys\n"
              "from assessment.report import AreaReport\n"
              "import assessment.cli, assessment.report.area_report, assessment.stats.disproportionality\n"
              "from assessment.stats.intervals import byars_limits, wilson_limits\n"
              "wilson_limits([5], [10]); byars_limits([12])\n"
              "print('scipy.special' in sys.modules)\n"
              "print(round(float(byars_limits([3])[1][0]), 4), 'scipy.special' in sys.modules)\n")
    assert printed_words(script) == ["False", "8.7673", "True"]
