"""The tidy frame is the one contract between stages: a broken frame is rejected."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment.core.errors import SchemaError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.tidy.frame import COLUMNS, CONTRACT, SCHEMA, concat_frames, empty_frame, new_frame, passes_schema, validate_frame
from assessment.tidy.frame_columns import TIDY_COLUMNS, Column
from assessment.tidy.frame_contract import WRONG_COLUMNS, FrameContract


def _row(**overrides):
    row = {
        "indicator_id": "90244",
        "indicator_name": "Successful completion of drug treatment: opiate users",
        "source": "OHID Fingertips",
        "area_code": "E08000035",
        "area_name": "Leeds",
        "area_type": "lad",
        "period": "2022",
        "period_start": "2022-01-01",
        "period_end": "2022-12-31",
        "value": 5.0,
        "lower_ci_95": 4.0,
        "upper_ci_95": 6.2,
        "lower_ci_998": 3.5,
        "upper_ci_998": 6.9,
        "count": 50,
        "denominator": 1000,
        "value_type": "proportion",
        "multiplier": 100,
        "unit": "%",
        "polarity": "high_is_good",
        "comparator_method": "ci_overlap_95_998",
        "ci_method": "wilson",
        "retrieved_at": "2026-11-22T10:00:00Z",
    }
    row.update(overrides)
    return row


def test_valid_frame_passes_and_fills_defaults():
    frame = validate_frame(new_frame([_row(), _row(area_code="E08000036", area_name="Wakefield")]))
    assert list(frame.columns) == COLUMNS
    assert frame["sex"].tolist() == ["Persons", "Persons"]
    assert frame["category_type"].eq("").all()
    assert frame["period_start"].dtype == "datetime64[ns]"


def test_empty_frame_is_valid_and_concat_keeps_types():
    assert validate_frame(empty_frame()).empty
    both = concat_frames([empty_frame(), new_frame([_row()])])
    assert validate_frame(both).shape[0] == 1


@pytest.mark.parametrize(
    ("override", "column"),
    [
        ({"area_code": "LEEDS"}, "area_code"),
        ({"area_type": "county"}, "area_type"),
        ({"count": -1}, "count"),
        ({"value_type": "percentage"}, "value_type"),
        ({"polarity": "RAG - Low is good"}, "polarity"),
        ({"multiplier": 0}, "multiplier"),
    ],
)
def test_broken_column_is_named_with_its_row(override, column):
    frame = new_frame([_row(), _row(area_code="E08000036", **{k: v for k, v in override.items() if k != "area_code"})
                       if "area_code" not in override else _row(**override)])
    with pytest.raises(SchemaError) as err:
        validate_frame(frame)
    message = str(err.value)
    assert f"'{column}'" in message
    assert "rows 1" in message
    assert "\n" not in message


def test_value_outside_its_interval_is_rejected():
    frame = new_frame([_row(value=9.0)])
    with pytest.raises(SchemaError, match=r"rows 0 fail lower_ci_95 <= value <= upper_ci_95"):
        validate_frame(frame)


def test_duplicate_keys_are_rejected():
    frame = new_frame([_row(), _row()])
    with pytest.raises(SchemaError, match="rows 0, 1"):
        validate_frame(frame)


def test_suppressed_row_must_not_carry_numbers():
    frame = new_frame([_row(suppressed=True)])
    with pytest.raises(SchemaError, match="suppressed rows"):
        validate_frame(frame)
    hidden = _row(suppressed=True, value=np.nan, count=np.nan, lower_ci_95=np.nan, upper_ci_95=np.nan,
                  lower_ci_998=np.nan, upper_ci_998=np.nan, value_note="Suppressed: small number")
    assert validate_frame(new_frame([hidden]))["suppressed"].all()


def test_missing_column_is_named():
    frame = new_frame([_row()]).drop(columns=["value"])
    with pytest.raises(SchemaError, match="missing column\\(s\\) value"):
        validate_frame(frame)


def test_unknown_extra_column_is_rejected():
    frame = new_frame([_row()])
    frame["Valu"] = 1.0
    with pytest.raises(SchemaError, match="Valu"):
        validate_frame(frame)


def test_strings_stay_strings():
    frame = validate_frame(new_frame([_row(period=2022, indicator_id=90244)]))
    assert frame.loc[0, "period"] == "2022"
    assert frame.loc[0, "indicator_id"] == "90244"
    assert isinstance(frame, pd.DataFrame)


def test_proportion_with_count_above_denominator_is_rejected_by_indicator_area_and_period():
    frame = new_frame([_row(), _row(period="2023", count=120, denominator=100, value=120.0, lower_ci_95=np.nan,
                                    upper_ci_95=np.nan, lower_ci_998=np.nan, upper_ci_998=np.nan)])
    with pytest.raises(SchemaError) as caught:
        validate_frame(frame, where="audit.xlsx")
    message = str(caught.value)
    assert message == ("audit.xlsx: row 1 (indicator 90244, area E08000035, period 2023): "
                       "a proportion's count 120 is above its denominator 100")
    assert "\n" not in message


def test_proportion_above_100_percent_is_rejected_but_a_rate_above_its_denominator_is_not():
    over = new_frame([_row(count=np.nan, denominator=np.nan, value=100.5, upper_ci_95=101.0, upper_ci_998=102.0)])
    with pytest.raises(SchemaError, match=r"period 2022\): a proportion's value 100.5 is above 100 \(100%\)"):
        validate_frame(over)
    # Reoffences per reoffender: more events than people is ordinary for a rate.
    rate = _row(value_type="crude rate", multiplier=1, count=360, denominator=100, value=3.6, lower_ci_95=3.2,
                upper_ci_95=4.0, lower_ci_998=3.0, upper_ci_998=4.2, ci_method="byars")
    assert len(validate_frame(new_frame([rate]))) == 1


# --- passes_schema: the vectorised verdict must never accept what pandera rejects ----------------

def _pandera_accepts(frame: pd.DataFrame) -> bool:
    import pandera.pandas as pa

    try:
        SCHEMA.validate(frame.reset_index(drop=True), lazy=True)
    except pa.errors.SchemaErrors:
        return False
    return True


def _good_frame() -> pd.DataFrame:
    rows = [_row(), _row(area_code="E08000036", area_name="Wakefield", lower_ci_95=None, upper_ci_95=None),
            _row(area_code="E92000001", area_name="England", area_type="england", value=None, count=None,
                 lower_ci_95=None, upper_ci_95=None, lower_ci_998=None, upper_ci_998=None, suppressed=True),
            _row(period="2023", period_start=None, count=0, value=0.0, lower_ci_95=0.0, lower_ci_998=0.0)]
    return new_frame(rows)


def _set(column, value, row=0):
    def mutate(frame):
        frame[column] = frame[column].astype(object)
        frame.at[row, column] = value
        return frame
    return mutate


#: One breach of each rule of the schema (and a few edits that break none).
MUTATIONS = {
    "area code pattern": _set("area_code", "LEEDS"),
    "area code None": _set("area_code", None),
    "indicator id empty": _set("indicator_id", ""),
    "area name empty": _set("area_name", ""),
    "period empty": _set("period", ""),
    "text column holds a number": _set("unit", 5),
    "text column holds NaN": _set("vintage", np.nan),
    "unknown area type": _set("area_type", "ward"),
    "unknown value type": _set("value_type", "percentage"),
    "unknown polarity": _set("polarity", "good"),
    "unknown ci method": _set("ci_method", "magic"),
    "negative count": lambda f: f.assign(count=f["count"].where(f.index != 0, -1.0)),
    "negative denominator": lambda f: f.assign(denominator=f["denominator"].where(f.index != 0, -5.0)),
    "zero multiplier": lambda f: f.assign(multiplier=f["multiplier"].where(f.index != 0, 0.0)),
    "missing multiplier": lambda f: f.assign(multiplier=f["multiplier"].where(f.index != 0, np.nan)),
    "value above its upper limit": lambda f: f.assign(value=f["value"].where(f.index != 0, 99.0)),
    "998 limits reversed": lambda f: f.assign(lower_ci_998=f["lower_ci_998"].where(f.index != 0, 7.0)),
    "suppressed row with a value": lambda f: f.assign(suppressed=f.index == 0),
    "duplicate key": lambda f: f.assign(area_code=f["area_code"].where(f.index != 1, f.loc[0, "area_code"])),
    "float column as integers": lambda f: f.assign(multiplier=f["multiplier"].astype("int64")),
    "float column as text": lambda f: f.assign(value=f["value"].astype(str)),
    "date column as text": lambda f: f.assign(period_end=f["period_end"].astype(str)),
    "date column with a time zone": lambda f: f.assign(retrieved_at=f["retrieved_at"].dt.tz_localize("UTC")),
    "suppressed as text": lambda f: f.assign(suppressed=f["suppressed"].astype(str)),
    "extra column": lambda f: f.assign(note="x"),
    "text columns as pandas strings": lambda f: f.astype({c: "str" for c in ("indicator_name", "unit")}),
    "a pandas string column with a gap": lambda f: f.astype({"unit": "str"}).assign(
        unit=lambda g: g["unit"].where(g.index != 0, None)),
    "columns reordered": lambda f: f[f.columns[::-1]],
    "nothing broken, other index": lambda f: f.set_axis([10, 11, 12, 13]),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_passes_schema_agrees_with_pandera_rule_by_rule(name):
    frame = MUTATIONS[name](_good_frame().copy())
    assert passes_schema(frame.reset_index(drop=True)) == _pandera_accepts(frame), name


def _named_by_pandera(frame: pd.DataFrame, schema=SCHEMA) -> list[str]:
    """What pandera's failure cases name, as the fast check names it: failing columns, else failing row rules."""
    import pandera.pandas as pa

    try:
        schema.validate(frame.reset_index(drop=True), lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    if cases["check"].isin(["column_in_schema", "column_in_dataframe"]).any():
        return [WRONG_COLUMNS]
    columns = set(cases.loc[cases["schema_context"].eq("Column"), "column"])
    if columns:
        return [name for name in schema.columns if name in columns]
    return list(dict.fromkeys(cases["check"].astype(str)))


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_each_kind_of_broken_rule_is_named_alike_by_the_schema_and_the_fast_check(name):
    frame = MUTATIONS[name](_good_frame().copy()).reset_index(drop=True)
    named = CONTRACT.broken_rules(frame)
    assert named == _named_by_pandera(frame), name
    if named:  # and validate_frame's one line names the same columns or rules
        with pytest.raises(SchemaError) as caught:
            validate_frame(frame)
        message = str(caught.value)
        assert "\n" not in message
        for what in named:
            assert (f"'{what}'" if what in COLUMNS else "unexpected column" if what == WRONG_COLUMNS else what) \
                in message, (name, what, message)


def test_a_column_added_to_the_declaration_is_in_the_schema_the_coercion_and_the_fast_check():
    audit = Column("audit_status", "text", default="unaudited", allowed=("unaudited", "audited"))
    contract = FrameContract((*TIDY_COLUMNS, audit))
    assert "audit_status" in contract.schema.columns and "audit_status" not in SCHEMA.columns
    frame = contract.coerce(pd.DataFrame([_row()]))  # the loader left it out: the coercion fills its default
    assert frame.columns[-1] == "audit_status" and frame["audit_status"].tolist() == ["unaudited"]
    assert contract.broken_rules(frame) == [] == _named_by_pandera(frame, contract.schema)
    frame.loc[0, "audit_status"] = "checked"  # outside its allowed values
    assert contract.broken_rules(frame) == ["audit_status"] == _named_by_pandera(frame, contract.schema)
    assert not CONTRACT.passes(new_frame([_row()]).assign(audit_status="audited"))  # not a tidy-frame column


def test_the_fast_verdict_covers_every_column_of_the_schema():
    assert _pandera_accepts(_good_frame()) and passes_schema(_good_frame())
    assert set(SCHEMA.columns) == set(COLUMNS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(column=st.sampled_from(COLUMNS), row=st.integers(0, 3),
       value=st.one_of(st.none(), st.just(np.nan), st.just(""), st.just("E06000009"), st.just("lad"),
                       st.just("count"), st.text(max_size=3), st.floats(allow_nan=True), st.integers(-3, 3),
                       st.booleans()))
def test_passes_schema_never_accepts_what_pandera_rejects(column, row, value):
    frame = _good_frame()
    try:
        frame[column] = frame[column].astype(object)
        frame.at[row, column] = value
        if column in ("value", "count", "denominator", "multiplier", "lower_ci_95", "upper_ci_95",
                      "lower_ci_998", "upper_ci_998") and isinstance(value, (int, float)) and not isinstance(value, bool):
            frame[column] = frame[column].astype(float)
    except (TypeError, ValueError):
        return
    if passes_schema(frame):
        assert _pandera_accepts(frame), (column, row, value)


@pytest.mark.shared
def test_passes_schema_agrees_with_pandera_on_the_real_frames(real_bundle):
    frame = pd.read_parquet(real_bundle / "frame.parquet")[COLUMNS]
    assert passes_schema(frame) and _pandera_accepts(frame)


def test_pandera_is_imported_only_for_a_frame_the_fast_check_refuses():
    """Every report kernel and command imports the package; pandera (about 0.2 s) waits until a frame needs it."""
    from tests.support.fresh_python import printed_words

    script = ("import sys\n"
              "from assessment.report import AreaReport\n"
              "import assessment.cli, assessment.report.area_report\n"
              "from assessment.tidy.frame import new_frame, validate_frame\n"
              "validate_frame(new_frame([]))\n"
              "print('pandera' in sys.modules)\n"
              "from assessment.tidy.frame import SCHEMA\n"
              "print('pandera' in sys.modules, sorted(SCHEMA.columns) == sorted(new_frame([]).columns))\n")
    assert printed_words(script) == ["False", "True", "True"]
