"""Disclosure control: no small count is published and no hidden cell can be recovered by subtraction."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.stats.disclosure import check_no_disclosure, suppress
from assessment.tidy.frame import new_frame


def small(count: float) -> bool:
    """The published rule, written out here rather than taken from the code under test: 1 to 4 is small."""
    return 1 <= count <= 4


def assert_no_disclosure(frame: pd.DataFrame, group_sets: list[list[str]]) -> None:
    """No small count is shown, and no group of cells adding up to a total has exactly one hidden cell."""
    shown = frame.loc[~frame["suppressed"].astype(bool), "count"]
    assert not [n for n in shown if small(n)], f"small counts published: {shown[shown.map(small)].tolist()}"
    for cols in group_sets:
        for key, group in frame.groupby(cols, dropna=False):
            if len(group) > 1:
                assert group["suppressed"].astype(bool).sum() != 1, f"one hidden cell in group {cols}={key}"


def _frame(counts: list[list[int]], categories: int) -> pd.DataFrame:
    """Districts x categories plus each district's total row and each category's all-district total."""
    rows = []
    for d, district in enumerate(counts):
        for c in range(categories):
            rows.append((f"E07{d:06d}", f"cat{c}", district[c]))
        rows.append((f"E07{d:06d}", "", sum(district[:categories])))
    for c in range(categories):
        rows.append(("E23000001", f"cat{c}", sum(d[c] for d in counts)))
    rows.append(("E23000001", "", sum(sum(d[:categories]) for d in counts)))
    frame = new_frame([dict(indicator_id="x", indicator_name="X", source="upload", area_code=a,
                            area_name=a, area_type="pfa" if a.startswith("E23") else "lad", period="2024",
                            category_type="Need" if cat else "", category=cat, count=float(n),
                            denominator=float(n) + 100, value=float(n), value_type="count", multiplier=1.0,
                            ci_method="byars", polarity="no_judgement") for a, cat, n in rows])
    # Totals and their parts: each district's categories with its total; each category over districts with
    # the force's figure (and the force total with the district totals).
    frame["_district"] = frame["area_code"]
    frame["_column"] = frame["category"]
    return frame


GROUPS = [["indicator_id", "_district"], ["indicator_id", "_column"]]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=2, max_value=4).flatmap(lambda categories: st.tuples(
    st.just(categories),
    st.lists(st.lists(st.integers(min_value=0, max_value=30), min_size=categories, max_size=categories),
             min_size=2, max_size=6))))
def test_no_small_count_shown_and_no_group_has_a_single_hidden_cell(case):
    categories, counts = case
    frame = _frame(counts, categories)
    out = suppress(frame, group_sets=GROUPS, complement=False)
    assert_no_disclosure(out, GROUPS)
    shown = out[~out["suppressed"]]
    # nothing that was shown changed; zero is never suppressed for being small
    assert (shown["count"].to_numpy() == frame.loc[shown.index, "count"].to_numpy()).all()
    assert out.loc[out["suppressed"], ["count", "value", "lower_ci_95"]].isna().all().all()
    assert not out.loc[(frame["count"] == 0) & ~out["suppressed"], "suppressed"].any()


def test_primary_and_secondary_notes():
    frame = _frame([[3, 20], [15, 22], [18, 30]], 2)
    out = suppress(frame, group_sets=GROUPS, complement=False)
    notes = out.set_index(["area_code", "category"])["value_note"]
    assert notes[("E07000000", "cat0")].startswith("Suppressed: small number (1 to 4)")
    assert (out["value_note"] == "Suppressed: secondary suppression (could be worked out from other figures)").sum() >= 2
    assert_no_disclosure(out, GROUPS)


def test_a_count_of_4_is_hidden_and_a_count_of_5_is_shown():
    four = suppress(_frame([[4, 20], [15, 22], [18, 30]], 2), group_sets=GROUPS, complement=False)
    assert_no_disclosure(four, GROUPS)
    cell = four.set_index(["area_code", "category"]).loc[("E07000000", "cat0")]
    assert cell["suppressed"] and np.isnan(cell["count"]) and np.isnan(cell["value"])
    assert cell["value_note"] == "Suppressed: small number (1 to 4)"
    five = suppress(_frame([[5, 20], [15, 22], [18, 30]], 2), group_sets=GROUPS, complement=False)
    assert not five["suppressed"].any() and five["count"].min() == 5


def test_an_unprotected_frame_fails_the_check():
    frame = _frame([[3, 20], [15, 22]], 2)
    frame.loc[0, "suppressed"] = True
    try:
        check_no_disclosure(frame, GROUPS)
    except AssertionError:
        return
    raise AssertionError("a lone hidden cell was not caught")


def test_complement_and_denominator_rules():
    frame = _frame([[30, 20], [15, 22]], 2)
    frame["denominator"] = np.where(frame["count"] == 30, 32.0, frame["denominator"])  # 2 without the need
    out = suppress(frame, group_sets=GROUPS)
    assert out.loc[frame["count"] == 30, "suppressed"].all()
    assert not suppress(frame, group_sets=GROUPS, complement=False).loc[frame["count"] == 30, "suppressed"].any()


def test_secondary_suppression_of_equal_counts_does_not_depend_on_the_order_of_a_group():
    """Two councils with the same count (19 deaths each, like Harrow and Merton in 2018-20) beside a hidden 3:
    the one hidden with it must be the same whichever order the relation lists them in (a relation's districts
    come from a set, whose order changes between processes)."""
    from assessment.stats.disclosure import suppress_cells

    frame = pd.DataFrame({"count": [3.0, 19.0, 19.0, 41.0]})
    chosen = []
    for order in ([0, 1, 2, 3], [0, 2, 1, 3], [3, 2, 1, 0]):
        hidden = suppress_cells(frame, [], hidden=pd.Series([True, False, False, False]),
                                relations=[np.asarray(order)])
        chosen.append(hidden.tolist())
    assert chosen == [[True, True, False, False]] * 3
