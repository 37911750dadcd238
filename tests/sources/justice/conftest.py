"""Fixtures shared by test_eff_conviction_ratio.py and test_eff_stop_search.py and test_home_office_arrests.py and
test_ons_pfa_crime.py in this folder."""

from __future__ import annotations

import pytest

from assessment.sources.justice.force_names import ForceNames


@pytest.fixture(scope="module")
def forces(shared_data):
    return ForceNames.from_lookup_file(shared_data / "lookups_population/lookup_ltla24_csp24_pfa24.csv")
