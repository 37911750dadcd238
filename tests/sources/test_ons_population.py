"""ONS's population tables, on the real files."""

from __future__ import annotations

import pytest

from assessment.sources import ons_population


@pytest.mark.shared
@pytest.mark.parametrize(("name", "vintage", "england"), [("england+wales_2023.csv", "mid-2023", 57690323),
                                                          ("uk_2022.csv", "mid-2022", None)])
def test_population_tables(shared_data, name, vintage, england):
    frame = ons_population.read(shared_data / "lookups_population" / name, vintage=vintage)
    if england:
        assert frame.set_index("area_code").loc["E92000001", "value"] == england
    assert (frame["area_type"] == "lad").sum() >= 296
