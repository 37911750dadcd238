"""Our own small client for the OHID Fingertips API, and the parser of its CSV exports.

The CSV export (``all_data/csv/by_indicator_id``) is checked on every fetch:
the required columns must be there (the parent-comparison column name varies
with the parent area type, and newer exports add ``Time period range``); an
HTML page, an empty body or a truncated file is a one-line error naming the
URL. Category rows (deprivation deciles, ethnic groups) stay typed as
categories, apart from the main series.

>>> text = FINGERTIPS_HEADER_EXAMPLE
>>> frame = parse_csv(text, url="file://example.csv",
...                   metadata={"93356": IndicatorMeta("93356", value_type="crude rate",
...                                                    multiplier=100000, polarity="low_is_good")})
>>> frame[["area_code", "area_type", "value", "period_start"]].values.tolist()[0][:3]
['E92000001', 'england', 94.7]
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from ..errors import SourceError
from ..files import looks_like_html
from ..frame import area_type_for_code, new_frame, validate_frame
from .http import get_text, session
from .periods import period_bounds

BASE_URL = "https://fingertips.phe.org.uk/api/"
BATCH_SIZE = 100
PHOF_PROFILE_ID = 19
AREA_TYPES = {"district": 501, "county": 502, "region": 6, "england": 15}
SOURCE_NAME = "OHID Fingertips"

REQUIRED_COLUMNS = [
    "Indicator ID", "Indicator Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
    "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit",
    "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator",
    "Value note",
]
OPTIONAL_PATTERNS = [r"Parent Code", r"Parent Name", r"Recent Trend", r"Compared to .* value or percentiles",
                     r"Time period Sortable", r"New data", r"Compared to goal", r"Time period range"]

#: Fingertips ComparatorMethodId -> our comparator key (data_sources/comparators.yaml).
COMPARATOR_BY_ID = {1: "ci_overlap_95", 17: "ci_overlap_95_998", 15: "quintiles", 16: "quartiles", -1: "none"}
#: Fingertips polarity ids/text -> our polarity vocabulary.
POLARITY = {0: "low_is_good", 1: "high_is_good", 99: "no_judgement", -1: "not_applicable",
            "rag - low is good": "low_is_good", "rag - high is good": "high_is_good",
            "low is good": "low_is_good", "high is good": "high_is_good",
            "blue orange blue": "no_judgement", "no judgement": "no_judgement",
            "not applicable": "not_applicable"}
SUPPRESSION_NOTE = re.compile(r"suppress|disclos|small number", re.IGNORECASE)


@dataclass(frozen=True)
class IndicatorMeta:
    """What the parser needs to know about an indicator beyond its CSV rows."""

    indicator_id: str
    value_type: str = "proportion"
    multiplier: float = 100.0
    unit: str = ""
    polarity: str = "not_applicable"
    comparator_method: str = "ci_overlap_95_998"
    name: str | None = None


FINGERTIPS_HEADER_EXAMPLE = (
    ",".join(f'"{c}"' if " " in c else c for c in REQUIRED_COLUMNS[:9] + ["Time period"]
             + REQUIRED_COLUMNS[10:]) + "\n"
    "93356,Campylobacter,E92000001,England,Country,Persons,All ages,,,2015,94.7,93.9,95.5,,,51897,54786327,\n"
)


def _header_problems(columns: list[str], url: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        known = set(REQUIRED_COLUMNS)
        extra = [c for c in columns if c not in known
                 and not any(re.fullmatch(p, c) for p in OPTIONAL_PATTERNS)]
        hint = f" (unexpected column(s): {', '.join(extra)})" if extra else ""
        raise SourceError(f"{url}: missing column(s) {', '.join(missing)}{hint}")


def _check_complete(text: str, url: str, n_columns: int) -> None:
    """A truncated download: no final newline, an open quote, or a short last record."""
    if not text.endswith(("\n", "\r")):
        lines = text.count("\n") + 1
        raise SourceError(f"{url}: truncated CSV (line {lines} is incomplete: no final newline)")
    last = text.rstrip("\r\n").rsplit("\n", 1)[-1]
    fields = next(csv.reader([last]), [])
    if last and len(fields) < n_columns and last.count('"') % 2 == 0:
        raise SourceError(f"{url}: truncated CSV (line {text.count(chr(10))} has {len(fields)} of {n_columns} fields)")


def parse_csv(text: str, *, url: str, metadata: dict[str, IndicatorMeta],
              retrieved_at: datetime | None = None, vintage: str = "") -> pd.DataFrame:
    """Parse a Fingertips CSV export into a validated tidy frame (see the module docstring)."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise SourceError(f"{url}: empty body where CSV was expected")
    if looks_like_html(text):
        raise SourceError(f"{url}: got an HTML page where CSV was expected")
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.ParserError as exc:
        raise SourceError(f"{url}: malformed CSV ({' '.join(str(exc).split())})") from None
    raw.columns = [" ".join(str(c).split()) for c in raw.columns]
    _header_problems(list(raw.columns), url)
    _check_complete(text, url, len(raw.columns))
    raw["Indicator ID"] = raw["Indicator ID"].str.strip()
    unknown = sorted(set(raw["Indicator ID"]) - set(metadata))
    if unknown:
        raise SourceError(f"{url}: indicator id(s) {', '.join(unknown)} are not in the catalogue")

    area_type = raw["Area Code"].map(area_type_for_code)
    area_type = area_type.where(raw["Area Type"].str.lower() != "england", "england")
    raw = raw[area_type.notna()]  # combined authorities, ICBs...: not report geographies
    area_type = area_type[area_type.notna()]

    def number(column: str) -> pd.Series:
        values = pd.to_numeric(raw[column], errors="coerce")
        bad = raw[column].notna() & values.isna()
        if bad.any():
            row = int(bad.idxmax()) + 2
            raise SourceError(f"{url} line {row} column '{column}': not a number ({raw.loc[bad.idxmax(), column]!r})")
        return values

    ids = raw["Indicator ID"]

    def meta(field: str) -> pd.Series:
        return ids.map({i: getattr(m, field) for i, m in metadata.items()})

    period_start, period_end = period_bounds(raw["Time period"].str.strip())
    value_note = raw["Value note"].fillna("")
    value = number("Value")
    suppressed = value.isna() & value_note.str.contains(SUPPRESSION_NOTE)
    frame = pd.DataFrame({
        "indicator_id": raw["Indicator ID"],
        "indicator_name": raw["Indicator Name"].str.split().str.join(" "),
        "source": SOURCE_NAME,
        "area_code": raw["Area Code"].str.strip(),
        "area_name": raw["Area Name"].str.strip(),
        "area_type": area_type,
        "period": raw["Time period"].str.strip(),
        "period_start": period_start,
        "period_end": period_end,
        "sex": raw["Sex"].fillna("Persons"),
        "age": raw["Age"].fillna("All ages"),
        "category_type": raw["Category Type"].fillna(""),
        "category": raw["Category"].fillna(""),
        "value": value,
        "lower_ci_95": number("Lower CI 95.0 limit"),
        "upper_ci_95": number("Upper CI 95.0 limit"),
        "lower_ci_998": number("Lower CI 99.8 limit"),
        "upper_ci_998": number("Upper CI 99.8 limit"),
        "count": number("Count"),
        "denominator": number("Denominator"),
        "value_type": meta("value_type"),
        "multiplier": meta("multiplier"),
        "unit": meta("unit"),
        "polarity": meta("polarity"),
        "comparator_method": meta("comparator_method"),
        "ci_method": "published",
        "value_note": value_note,
        "suppressed": suppressed,
        "source_url": url,
        "retrieved_at": retrieved_at or datetime.now(timezone.utc),
        "vintage": vintage,
    })
    frame.loc[suppressed, ["count", "lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998"]] = np.nan
    # Fingertips sometimes repeats a row (an area listed under two parents): keep one.
    frame = frame.drop_duplicates(subset=["indicator_id", "area_code", "period", "sex", "age",
                                          "category_type", "category"])
    return validate_frame(new_frame(frame), where=url)


class FingertipsClient:
    """The Fingertips endpoints the catalogue needs (https, retried, cached; see ``http``).

    >>> FingertipsClient().data_urls(range(150), 501)[1].count("indicator_ids=")
    1
    """

    def __init__(self, base_url: str = BASE_URL, http=None, timeout=None):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.http = http or session()
        self.timeout = timeout or (10.0, 300.0)

    def _get(self, path: str, params: dict, expect: str):
        return get_text(self.base_url + path, params=params, expect=expect, http=self.http, timeout=self.timeout)

    def data_urls(self, indicator_ids: Iterable, child_area_type_id: int, parent_area_type_id: int = 15) -> list[str]:
        """The CSV URLs for these indicators, in batches of at most 100 ids."""
        ids = [str(i) for i in indicator_ids]
        return [f"{self.base_url}all_data/csv/by_indicator_id?indicator_ids={','.join(ids[i:i + BATCH_SIZE])}"
                f"&child_area_type_id={child_area_type_id}&parent_area_type_id={parent_area_type_id}"
                for i in range(0, len(ids), BATCH_SIZE)]

    def data_csv(self, indicator_ids: Iterable, child_area_type_id: int,
                 parent_area_type_id: int = 15) -> list[tuple[str, str]]:
        """(url, csv text) for each batch of at most 100 indicator ids."""
        out = []
        ids = [str(i) for i in indicator_ids]
        for i in range(0, len(ids), BATCH_SIZE):
            fetched = self._get("all_data/csv/by_indicator_id",
                                {"indicator_ids": ",".join(ids[i:i + BATCH_SIZE]),
                                 "child_area_type_id": child_area_type_id,
                                 "parent_area_type_id": parent_area_type_id}, "csv")
            out.append((fetched.url, fetched.text))
        return out

    def available_area_types(self, indicator_id) -> set[int]:
        """Area type ids that have data for an indicator (``available_data``)."""
        fetched = self._get("available_data", {"indicator_id": indicator_id}, "json")
        return {int(item["AreaTypeId"]) for item in json.loads(fetched.text) if "AreaTypeId" in item}

    def choose_area_type(self, indicator_id, preferred: str = "district") -> int:
        """The preferred current local authority area type if available, else the other one."""
        return self.local_area_types(indicator_id, preferred)[0]

    def local_area_types(self, indicator_id, preferred: str = "district") -> list[int]:
        """The current local authority area types (501, 502) an indicator has, preferred first.

        Fetching both means an upper-tier report uses OHID's own county values
        (directly standardised rates included) instead of a roll-up.
        """
        available = self.available_area_types(indicator_id)
        order = [AREA_TYPES[preferred]] + [t for t in (501, 502) if t != AREA_TYPES[preferred]]
        found = [t for t in order if t in available]
        if found:
            return found
        raise SourceError(f"{self.base_url}available_data?indicator_id={indicator_id}: no district or "
                          f"county data (area types available: {sorted(available) or 'none'})")

    def indicator_metadata(self, indicator_ids: Iterable) -> dict[str, dict]:
        """Metadata by indicator id (name, definition, unit, value type, CI method...)."""
        fetched = self._get("indicator_metadata/by_indicator_id",
                            {"indicator_ids": ",".join(str(i) for i in indicator_ids)}, "json")
        body = json.loads(fetched.text)
        return {str(k): v for k, v in body.items()} if isinstance(body, dict) else {}

    def profile_indicator_names(self, profile_id: int = PHOF_PROFILE_ID) -> dict[str, str]:
        """Indicator id -> name for every indicator in a profile (PHOF is 19)."""
        fetched = self._get("indicator_names/by_profile_id", {"profile_id": profile_id}, "json")
        return {str(item["IndicatorId"]): item["IndicatorName"] for item in json.loads(fetched.text)}

    def find_indicator(self, code_or_name: str, profile_id: int = PHOF_PROFILE_ID) -> list[tuple[str, str]]:
        """Indicators in a profile whose name starts with a code ("C20") or contains the text."""
        names = self.profile_indicator_names(profile_id)
        text = code_or_name.strip().lower()
        by_code = [(i, n) for i, n in names.items() if re.match(rf"{re.escape(text)}\b", n.strip().lower())]
        return by_code or [(i, n) for i, n in names.items() if text in n.lower()]

    def check_name(self, indicator_id: str, expected: str) -> str | None:
        """The published name, with a warning when it no longer matches the catalogue's."""
        meta = self.indicator_metadata([indicator_id]).get(str(indicator_id), {})
        name = (meta.get("Descriptive") or {}).get("Name") or meta.get("IndicatorName")
        if name and expected and _normalise(expected) not in _normalise(name) and _normalise(name) not in _normalise(expected):
            warnings.warn(f"Fingertips indicator {indicator_id} is now named '{name}', not '{expected}': "
                          "check data_sources/indicators.yaml (PHOF ids and codes change between editions)",
                          stacklevel=2)
        return name


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())
