"""The tidy frame's columns, each declared once: kind, key, default and the rule its values keep.

:mod:`assessment.tidy.frame_contract` makes pandera's schema, the coercion and the fast
check from this table, so a column added here is checked, filled and cast everywhere.
The rules that compare columns within a row, or rows with each other, are
:data:`ROW_RULES` and the key (the columns with ``key=True``).

>>> [c.name for c in TIDY_COLUMNS if c.key]
['indicator_id', 'area_code', 'period', 'sex', 'age', 'category_type', 'category']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.levels import AREA_TYPES

VALUE_TYPES = (
    "proportion",
    "crude rate",
    "directly standardised rate",
    "indirectly standardised ratio",
    "count",
    "score",
    "mean",
    "life expectancy",
    "rank",
)
POLARITIES = ("low_is_good", "high_is_good", "no_judgement", "not_applicable")
CI_METHODS = ("wilson", "byars", "dobson", "exact_poisson", "none", "published")
AREA_CODE_PATTERN = r"^[EWSNK]\d{8}$"

#: A column's kinds: text (never missing), number (float, missing allowed unless said),
#: date (naive datetime64[ns], missing allowed) and flag (bool, never missing).
KINDS = ("text", "number", "date", "flag")
#: Marks a column a loader must give itself (no default is invented for it).
REQUIRED = object()


@dataclass(frozen=True)
class Column:
    """One column of the tidy frame and every rule about it.

    ``default`` fills the column when a loader leaves it out (or a text cell empty);
    ``min_length``, ``allowed`` and ``pattern`` are text rules, ``minimum`` (at least)
    and ``above`` (more than) number rules.
    """

    name: str
    kind: str
    key: bool = False
    default: Any = REQUIRED
    nullable: bool | None = None
    min_length: int | None = None
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    above: float | None = None

    @property
    def may_be_missing(self) -> bool:
        """Whether a cell may be empty (numbers and dates by default; text and flags never)."""
        return self.kind in ("number", "date") if self.nullable is None else self.nullable


def text(name: str, **rules: Any) -> Column:
    return Column(name, "text", **rules)


def number(name: str, **rules: Any) -> Column:
    return Column(name, "number", **rules)


def date(name: str) -> Column:
    return Column(name, "date")


#: Every column of the tidy frame, in order.
TIDY_COLUMNS: tuple[Column, ...] = (
    text("indicator_id", key=True, min_length=1),
    text("indicator_name"),
    text("source"),
    text("area_code", key=True, pattern=AREA_CODE_PATTERN),
    text("area_name", min_length=1),
    text("area_type", allowed=AREA_TYPES),
    text("period", key=True, min_length=1),
    date("period_start"),
    date("period_end"),
    text("sex", key=True, default="Persons"),
    text("age", key=True, default="All ages"),
    text("category_type", key=True, default=""),
    text("category", key=True, default=""),
    number("value"),
    number("lower_ci_95"),
    number("upper_ci_95"),
    number("lower_ci_998"),
    number("upper_ci_998"),
    number("count", minimum=0),
    number("denominator", minimum=0),
    text("value_type", allowed=VALUE_TYPES),
    number("multiplier", default=1.0, nullable=False, above=0),
    text("unit", default=""),
    text("polarity", default="not_applicable", allowed=POLARITIES),
    text("comparator_method", default="none"),
    text("ci_method", default="none", allowed=CI_METHODS),
    text("value_note", default=""),
    Column("suppressed", "flag", default=False),
    # What the publisher itself said (Fingertips' comparison with England and recent
    # trend, in our words); empty when it said nothing. Our own judgements are
    # computed in assessment.bundles.analysis and never read from these.
    text("published_comparison", default=""),
    text("published_trend", default=""),
    text("source_url", default=""),
    date("retrieved_at"),
    text("vintage", default=""),
)

#: Each interval's (lower, upper) columns; a row's interval must hold its value.
INTERVALS = (("lower_ci_95", "upper_ci_95"), ("lower_ci_998", "upper_ci_998"))
#: Numbers a suppressed row must not carry.
SUPPRESSED_HIDES = ("value", "count", "lower_ci_95", "upper_ci_95")
