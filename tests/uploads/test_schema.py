"""The uploads' registry: every kind complete, a new kind is a new file, an unknown kind lists the known."""

from __future__ import annotations

import pytest

from assessment.core.errors import InputError
from assessment.uploads import all_kinds, load_kind
from assessment.uploads.schema import _parse


# ----------------------------------------------------------------- registry
def test_every_registered_kind_is_complete():
    kinds = all_kinds()
    assert {"continuity_of_care_audit", "probation_caseload", "liaison_diversion", "custody_health",
            "deaths_after_release", "first_night_accommodation"} <= set(kinds)
    for spec in kinds.values():
        assert spec.partner and spec.section and (spec.indicators or spec.provides)  # provides: a table, not rows
        for indicator in spec.indicators:
            assert indicator["numerator"] in spec.column_names


def test_adding_a_kind_is_adding_a_file(tmp_path):
    spec = tmp_path / "tiny.yaml"
    spec.write_text(
        "kind: tiny\ntitle: Tiny\npartner: Someone\nsection: reoffending\ndescription: d\n"
        "period_format: 2024\narea_types: [lad]\n"
        "columns:\n  - {name: area_code, title: Area, type: area_code, required: true}\n"
        "  - {name: period, title: Period, type: period, required: true}\n"
        "  - {name: n, title: N, type: count, required: true, maximum: 1000}\n"
        "  - {name: d, title: D, type: count, required: true, maximum: 1000}\n"
        "key: [area_code, period]\n"
        "indicators:\n  - {id: t, name: T, numerator: n, denominator: d, value_type: proportion, multiplier: 100,"
        " ci_method: wilson, polarity: high_is_good}\n")
    assert _parse(spec).column_names == ["area_code", "period", "n", "d"]
    good = spec.read_text()
    spec.write_text(good.replace("required: true, maximum: 1000}\n  - {name: d", "requird: true}\n  - {name: d"))
    with pytest.raises(InputError, match="requird"):
        _parse(spec)
    spec.write_text(good.replace("required: true, maximum: 1000}\n  - {name: d", "required: true}\n  - {name: d"))
    with pytest.raises(InputError, match="column n: a count column needs a whole-number 'maximum'"):
        _parse(spec)


def test_unknown_kind_lists_the_known_ones():
    with pytest.raises(InputError, match="known kinds: .*continuity_of_care_audit"):
        load_kind("continuity")
