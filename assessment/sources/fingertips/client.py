"""Our own small client for the OHID Fingertips API, and the parser of its CSV exports.

The CSV export (``all_data/csv/by_indicator_id``, and the same table the
website's Download tab exports) is checked on every fetch and import: the
required columns must be there, whatever spelling the export uses (the
parent-comparison column varies with the parent area type, "Compared to
Regions (statistical) value or percentiles"; newer exports add ``Time period
range``; fingertipsR writes ``LowerCI95.0limit``); an HTML page, an empty body
or a truncated file is a one-line error naming the URL. Indicators the
catalogue does not list are skipped and named, not fatal. Category rows
(deprivation deciles, ethnic groups) stay typed as categories, apart from the
main series.

>>> text = FINGERTIPS_HEADER_EXAMPLE
>>> frame = parse_csv(text, url="file://example.csv",
...                   metadata={"93356": IndicatorMeta("93356", value_type="crude rate",
...                                                    multiplier=100000, polarity="low_is_good")})
>>> frame[["area_code", "area_type", "value", "period_start"]].values.tolist()[0][:3]
['E92000001', 'england', 94.7]
"""

from __future__ import annotations

import io
import json
import re
import warnings
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from ...core.errors import SourceError
from ...tidy.frame import area_type_for_code, coerce_frame
from ...inputs import answer_shapes as shapes
from ..completeness import check_csv_complete
from ...inputs.csv_records import csv_records
from .api import LEGACY_URL, Download, IndicatorMeta, settle_published
from .identity import find_in_profile
from .vocabulary import area_type_id, published_comparison, published_trend
from ...inputs.http import get_text, looks_like_markup, session
from ..overlaps import drop_repeated_rows
from ...inputs.arrow_csv import read_text_cells, release_unused_arrow_memory
from .export_cells import map_distinct, published_column, text_cells
from ...inputs.arrow_numbers import arrow_numbers
from ...inputs.periods import period_bounds
from ...inputs.recognition import Recognised

BASE_URL = LEGACY_URL
BATCH_SIZE = 100
PHOF_PROFILE_ID = 19
LOCAL_TYPES = ("district", "county")
PARENT_AREA_TYPE = area_type_id("legacy", "region")  # regions: the export then has region and England rows
SOURCE_NAME = "OHID Fingertips"
KIND = "fingertips"
ENGLAND_COMPARISON = "Compared to England value or percentiles"

REQUIRED_COLUMNS = [
    "Indicator ID", "Indicator Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
    "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit",
    "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator",
    "Value note",
]
OPTIONAL_PATTERNS = [r"Parent Code", r"Parent Name", r"Recent Trend", r"Compared to .* value or percentiles",
                     r"Time period Sortable", r"New data", r"Compared to goal", r"Time period range"]

#: The columns of an export the frame is made from.
READ_COLUMNS = frozenset([*REQUIRED_COLUMNS, ENGLAND_COMPARISON, "Recent Trend"])
SUPPRESSION_NOTE = re.compile(r"suppress|disclos|small number", re.IGNORECASE)


FINGERTIPS_HEADER_EXAMPLE = (
    ",".join(f'"{c}"' if " " in c else c for c in REQUIRED_COLUMNS[:9] + ["Time period"]
             + REQUIRED_COLUMNS[10:]) + "\n"
    "93356,Campylobacter,E92000001,England,Country,Persons,All ages,,,2015,94.7,93.9,95.5,,,51897,54786327,\n"
)


def column_key(name: str) -> str:
    """A header without spacing and case: "Lower CI 95.0 limit", "LowerCI95.0limit" and "lower_ci_95_limit" agree.

    Other characters count, so a renamed column ("Lower CI 95% limit") stays different.

    >>> column_key("Lower CI 95.0 limit") == column_key("LowerCI95.0limit") == column_key("lower_ci_95_limit")
    True
    >>> column_key("Lower CI 95% limit") == column_key("Lower CI 95.0 limit")
    False
    """
    text = re.sub(r"(\d+)\.0(?!\d)", r"\1", str(name).lstrip("\ufeff").lower())
    return re.sub(r"[\s_.]+", "", text)


_REQUIRED_BY_KEY = {column_key(c): c for c in REQUIRED_COLUMNS}


def canonical_header(columns: list[str]) -> list[str]:
    """Rename the required columns of an export to our spelling; other columns keep theirs (spaces tidied)."""
    return [_REQUIRED_BY_KEY.get(column_key(c), " ".join(str(c).split())) for c in columns]


def recognise(path) -> Recognised | None:
    """A Fingertips data export: every required column present, in any of the spellings exports use."""
    from ...inputs.sheet_cells import csv_header

    header = csv_header(path)
    if header is None or not set(REQUIRED_COLUMNS) <= set(canonical_header(header[0])):
        return None
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = canonical_header(list(raw.columns))
    ids = sorted(raw["Indicator ID"].str.strip().unique())
    periods = raw[["Time period"]].drop_duplicates()
    ends = period_bounds(periods["Time period"].str.strip())[1]
    latest = periods["Time period"].iloc[int(ends.fillna(pd.Timestamp.min).argmax())].strip() if len(periods) else ""
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return Recognised("fingertips", "export", release=f"OHID Fingertips export (indicator{'s' if len(ids) > 1 else ''} "
                      f"{shown})", period=latest,
                      rows=csv_records(Path(path).read_text(encoding="utf-8-sig")))  # as the build checks them


def _header_problems(columns: list[str], url: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        known = set(REQUIRED_COLUMNS)
        extra = [c for c in columns if c not in known
                 and not any(re.fullmatch(p, c) for p in OPTIONAL_PATTERNS)]
        hint = f" (unexpected column(s): {', '.join(extra)})" if extra else ""
        raise SourceError(f"{url}: missing column(s) {', '.join(missing)}{hint}")


def parse_csv(text: str, *, url: str, metadata: dict[str, IndicatorMeta],
              retrieved_at: datetime | None = None, vintage: str = "",
              skipped: list[str] | None = None) -> pd.DataFrame:
    """Parse a Fingertips CSV export into a tidy frame, validated when the snapshot is built (see the module docstring).

    Indicators not in ``metadata`` (the catalogue) are left out; their ids and
    names are appended to ``skipped`` when it is given, otherwise a warning
    names them.
    """
    text = text.lstrip("\ufeff")
    if not text[:4096].strip() and not text.strip():  # a copy of the whole text only when it starts blank
        raise SourceError(f"{url}: empty body where CSV was expected")
    if looks_like_markup(text):  # a whole page or a fragment of one
        raise SourceError(f"{url}: got an HTML page where CSV was expected")
    # Bytes, not io.StringIO: StringIO holds 4 bytes a character, a gigabyte for a national export.
    data = text.encode("utf-8")
    raw = read_text_cells(data)  # Arrow's parser where it reads the file as pandas would
    if raw is None:
        try:
            raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
        except pd.errors.ParserError as exc:
            raise SourceError(f"{url}: malformed CSV ({' '.join(str(exc).split())})") from None
    del data
    raw.columns = canonical_header(list(raw.columns))
    _header_problems(list(raw.columns), url)
    check_csv_complete(text, url, len(raw.columns))
    # Only the columns read below are kept: the parents', the region comparison's and the sort keys'
    # text is a fifth of a national export's.
    raw = raw[[c for c in raw.columns if c in READ_COLUMNS]]
    raw["Indicator ID"] = raw["Indicator ID"].str.strip()
    unknown = sorted(set(raw["Indicator ID"].unique()) - set(metadata))
    if unknown:
        names = raw.drop_duplicates("Indicator ID").set_index("Indicator ID")["Indicator Name"]
        listed = [f"{i} ({' '.join(str(names.get(i, '')).split())})" for i in unknown]
        if skipped is not None:
            skipped.extend(listed)
        else:
            warnings.warn(f"{url}: skipped indicator(s) not in the catalogue: {', '.join(listed)}", stacklevel=2)
        raw = raw[raw["Indicator ID"].isin(set(metadata))]
    frame = _export_frame(raw, url, metadata, retrieved_at, vintage)
    # The export's text cells are let go of before the frame is typed: with them, and a copy of the
    # frame, a national export's reading held half a gigabyte more than it needs.
    del raw
    release_unused_arrow_memory()
    # Fingertips sometimes repeats a row (an area listed under two parents): keep one, if the copies agree.
    frame = drop_repeated_rows(frame, url, error=SourceError)
    frame = coerce_frame(frame, private=True)  # made here, held by no one else: typed without a copy
    return settle_published(frame)


def _export_frame(raw: pd.DataFrame, url: str, metadata: dict[str, IndicatorMeta], retrieved_at: datetime | None,
                  vintage: str) -> pd.DataFrame:
    """The tidy frame's columns from the export's cells (``raw``, of catalogue indicators), not yet typed."""
    area_type = map_distinct(raw["Area Code"], area_type_for_code)
    area_type = area_type.where(raw["Area Type"].str.lower() != "england", "england")
    raw = raw[area_type.notna()]  # combined authorities, ICBs...: not report geographies
    area_type = area_type[area_type.notna()]

    def number(column: str) -> pd.Series:
        values = arrow_numbers(raw[column])
        if values is None:
            values = pd.to_numeric(raw[column], errors="coerce")
        bad = raw[column].notna() & values.isna()
        if bad.any():
            first_bad = cast(int, bad.idxmax())  # raw's labels are read_csv's row numbers
            raise SourceError(f"{url} line {first_bad + 2} column '{column}': not a number "
                              f"({raw.loc[first_bad, column]!r})")
        return values

    ids = raw["Indicator ID"]

    def meta(field: str) -> pd.Series:
        # Looked up once per indicator: mapping a million Arrow strings made a Python string of each first.
        of_indicator = {i: getattr(m, field) for i, m in metadata.items()}
        return map_distinct(ids, lambda indicator: of_indicator.get(indicator, np.nan))

    period_start, period_end = period_bounds(raw["Time period"].str.strip())
    value_note = raw["Value note"].fillna("")
    value = number("Value")
    suppressed = value.isna() & value_note.str.contains(SUPPRESSION_NOTE)
    frame = pd.DataFrame({
        "indicator_id": text_cells(raw["Indicator ID"]),
        "indicator_name": map_distinct(raw["Indicator Name"], lambda name: " ".join(str(name).split())
                                        if pd.notna(name) else name),
        "source": SOURCE_NAME,
        "area_code": text_cells(raw["Area Code"], strip=True),
        "area_name": text_cells(raw["Area Name"], strip=True),
        "area_type": area_type,
        "period": text_cells(raw["Time period"], strip=True),
        "period_start": period_start,
        "period_end": period_end,
        "sex": text_cells(raw["Sex"], fill="Persons"),
        "age": text_cells(raw["Age"], fill="All ages"),
        "category_type": text_cells(raw["Category Type"], fill=""),
        "category": text_cells(raw["Category"], fill=""),
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
        # Intervals of no standard method (survey estimates: catalogue ci_method none) stay "none", so
        # no stage recomputes them or rebuilds the figure from sample counts.
        "ci_method": map_distinct(meta("ci_method"), lambda m: "none" if m == "none" else "published"),
        "value_note": value_note,
        "suppressed": suppressed,
        "source_url": url,
        "retrieved_at": retrieved_at or datetime.now(UTC),
        "vintage": vintage,
    }, copy=False)  # each column is new: gathering them into blocks copied a national export's frame once more
    frame["published_comparison"] = published_column(raw, ENGLAND_COMPARISON, ids, metadata, published_comparison)
    frame["published_trend"] = published_column(raw, "Recent Trend", ids, metadata, published_trend)
    frame.loc[suppressed, ["count", "lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998"]] = np.nan
    return frame


class FingertipsClient:
    """The legacy Fingertips API's endpoints the catalogue needs (https, retried, cached; see ``http``).

    One of the two backends of :mod:`.fingertips_api`.

    >>> FingertipsClient().data_urls(range(150), 501)[1].count("indicator_ids=")
    1
    """

    name = "legacy"
    label = "Fingertips"
    kind = KIND

    def __init__(self, base_url: str = BASE_URL, http=None, timeout=None):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.http = http or session()
        self.timeout = timeout or (10.0, 300.0)

    def _get(self, path: str, params: dict | None, expect: str, fallback: bool = True):
        return get_text(self.base_url + path, params=params, expect=expect, http=self.http, timeout=self.timeout,
                        fallback=fallback)

    def _json(self, path: str, params: dict | None = None, fallback: bool = True) -> tuple[str, object]:
        """(the URL asked, its parsed JSON body)."""
        fetched = self._get(path, params, "json", fallback)
        return fetched.url, json.loads(fetched.text)

    def health(self) -> str | None:
        """None when the API answers (its list of area types), else why not."""
        try:
            _, body = self._json("area_types", fallback=False)
        except SourceError as exc:
            return str(exc)
        return None if isinstance(body, list) else f"{self.base_url}area_types: not a list of area types"

    def data_urls(self, indicator_ids: Iterable, child_area_type_id: int, parent_area_type_id: int = 15) -> list[str]:
        """The CSV URLs for these indicators, in batches of at most 100 ids."""
        ids = [str(i) for i in indicator_ids]
        return [f"{self.base_url}all_data/csv/by_indicator_id?indicator_ids={','.join(ids[i:i + BATCH_SIZE])}"
                f"&child_area_type_id={child_area_type_id}&parent_area_type_id={parent_area_type_id}"
                for i in range(0, len(ids), BATCH_SIZE)]

    def data_files(self, indicator_ids: Iterable, child_area_type_id: int, parent_area_type_id: int = 15) -> list:
        """The fetched CSV export of each batch of at most 100 indicator ids."""
        ids = [str(i) for i in indicator_ids]
        return [self._get("all_data/csv/by_indicator_id",
                          {"indicator_ids": ",".join(ids[i:i + BATCH_SIZE]), "child_area_type_id": child_area_type_id,
                           "parent_area_type_id": parent_area_type_id}, "csv")
                for i in range(0, len(ids), BATCH_SIZE)]

    def data_csv(self, indicator_ids: Iterable, child_area_type_id: int,
                 parent_area_type_id: int = 15) -> list[tuple[str, str]]:
        """(url, csv text) for each batch of at most 100 indicator ids."""
        return [(f.url, f.text) for f in self.data_files(indicator_ids, child_area_type_id, parent_area_type_id)]

    def downloads(self, requests: list[tuple[str, str]]) -> Iterator[Download]:
        """The CSV exports for (indicator id, preferred local area type) pairs, as snapshot files.

        Each indicator is exported for every current local-authority area type
        it has (district 501, county 502), the preferred one first; one export
        covers up to 100 indicators and carries the regions and England too.
        """
        by_type: dict[int, list[str]] = {}
        for indicator_id, preferred in requests:
            for type_id in self.local_area_types(indicator_id, preferred):
                by_type.setdefault(type_id, []).append(str(indicator_id))
        names = {area_type_id("legacy", t): t for t in LOCAL_TYPES}
        for type_id, ids in by_type.items():
            for number, fetched in enumerate(self.data_files(ids, type_id, PARENT_AREA_TYPE), start=1):
                batch = tuple(ids[(number - 1) * BATCH_SIZE:number * BATCH_SIZE])
                yield Download(f"fingertips/area-type-{type_id}-{number}.csv", fetched.content, fetched.url, KIND,
                               f"{type_id}-{number}", csv_records(fetched.text), fetched.from_cache,
                               names[type_id], batch, getattr(fetched, "headers", {}) or {})

    def available_area_types(self, indicator_id) -> set[int]:
        """Area type ids that have data for an indicator (``available_data``)."""
        url, body = self._json("available_data", {"indicator_id": indicator_id})
        return {shapes.whole_number(item["AreaTypeId"], url, "AreaTypeId", n)
                for n, item in enumerate(shapes.records(body, url, ["AreaTypeId"]), start=1)}

    def choose_area_type(self, indicator_id, preferred: str = "district") -> int:
        """The preferred current local authority area type if available, else the other one."""
        return self.local_area_types(indicator_id, preferred)[0]

    def local_area_types(self, indicator_id, preferred: str = "district") -> list[int]:
        """The current local authority area types (501, 502) an indicator has, preferred first.

        Fetching both means an upper-tier report uses OHID's own county values
        (directly standardised rates included) instead of a roll-up.
        """
        available = self.available_area_types(indicator_id)
        order = [preferred] + [t for t in LOCAL_TYPES if t != preferred]
        found = [area_type_id("legacy", t) for t in order if area_type_id("legacy", t) in available]
        if found:
            return found
        raise SourceError(f"{self.base_url}available_data?indicator_id={indicator_id}: no district or "
                          f"county data (area types available: {sorted(available) or 'none'})")

    def _metadata_pages(self, indicator_ids: Iterable) -> Iterator[tuple[str, dict]]:
        """(URL, metadata by indicator id) for each request of at most 100 ids."""
        ids = [str(i) for i in indicator_ids]
        for i in range(0, len(ids), BATCH_SIZE):
            url, body = self._json("indicator_metadata/by_indicator_id",
                                   {"indicator_ids": ",".join(ids[i:i + BATCH_SIZE])})
            yield url, {str(k): v for k, v in shapes.mapping(body, url, "indicator metadata").items()}

    def indicator_metadata(self, indicator_ids: Iterable) -> dict[str, dict]:
        """Metadata by indicator id (name, definition, unit, value type, CI method...), 100 ids a request."""
        return {k: v for _, page in self._metadata_pages(indicator_ids) for k, v in page.items()}

    def published_names(self, indicator_ids: Iterable) -> dict[str, str]:
        """Published name by indicator id; ids the API does not know are left out."""
        names = {}
        for url, page in self._metadata_pages(indicator_ids):
            for number, (indicator_id, meta) in enumerate(page.items(), start=1):
                if not isinstance(meta, dict):
                    continue
                about = shapes.mapping(meta.get("Descriptive") or {}, url, f"indicator {indicator_id}'s descriptions")
                name = about.get("Name") or meta.get("IndicatorName")
                if name:
                    names[indicator_id] = shapes.text(name, url, "Name", number)
        return names

    def profile_indicator_names(self, profile_id: int = PHOF_PROFILE_ID) -> dict[str, str]:
        """Indicator id -> name for every indicator in a profile (PHOF is 19)."""
        url, body = self._json("indicator_names/by_profile_id", {"profile_id": profile_id})
        return {shapes.text(item["IndicatorId"], url, "IndicatorId", n): shapes.text(item["IndicatorName"], url,
                                                                                     "IndicatorName", n)
                for n, item in enumerate(shapes.records(body, url, ["IndicatorId", "IndicatorName"]), start=1)}

    def profile_names(self, profile_id: int = PHOF_PROFILE_ID) -> dict[str, str] | None:
        """The backend interface's name for :meth:`profile_indicator_names`."""
        return self.profile_indicator_names(profile_id)

    def find_indicator(self, code_or_name: str, profile_id: int = PHOF_PROFILE_ID) -> list[tuple[str, str]]:
        """Indicators in a profile whose name starts with a code ("C20") or contains the text."""
        return find_in_profile(self.profile_indicator_names(profile_id), code_or_name)
