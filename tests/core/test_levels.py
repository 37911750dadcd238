"""A district's kind comes from its code prefix, as the levels registry says."""

from __future__ import annotations

import pytest
import yaml

from assessment.core.errors import InputError
from assessment.core.levels import LEVELS, LEVELS_PATH, parse_levels


@pytest.mark.parametrize("code,upper,kind", [("E09000022", True, "London borough"),
                                             ("E08000025", True, "metropolitan borough"),
                                             ("E06000009", True, "unitary authority"),
                                             ("E07000123", False, "local authority district"),
                                             ("E06999001", True, "unitary authority")])  # the demo's unitary
def test_a_districts_kind_comes_from_its_code_prefix(code, upper, kind):
    assert LEVELS["lad"].label_for(upper, code) == kind
    assert LEVELS["utla"].label_for(True, "E10000017") == "county council"


def test_a_label_for_a_prefix_the_level_does_not_have_is_refused():
    raw = yaml.safe_load(LEVELS_PATH.read_text(encoding="utf-8"))
    raw["levels"]["lad"]["label_by_prefix"]["E10"] = "county"
    with pytest.raises(InputError, match=r"level lad: label_by_prefix prefix 'E10' is not one of the level's"):
        parse_levels(raw, "levels.yaml")
