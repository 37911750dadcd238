"""FingertipsNext, DHSC's successor to Fingertips: its REST API and its JSON read into the tidy frame.

The API (``api/definition/`` in dhsc-govuk/FingertipsNext; a copy is kept under
``tests/support/contracts/fingertipsnext``) gives an indicator's data as JSON,
``areaHealthData[].indicatorSegments[].healthData[]``, for at most
:data:`MAX_AREA_CODES` area codes a request; areas are listed per area type
(``/areas/areatypes/{key}/areas``), not by numeric area-type ids.

Three behaviours of the server shape the requests (``IndicatorService.cs``,
``HealthDataRepository.cs`` and ``HealthDataPredicates.cs`` at the definition's
commit, and DHSC's recorded answers): England is returned only when it is
requested on its own; every answer carries the sex and age segments, whatever
``inequalities`` says (only deprivation deciles depend on it); and when any
inequality is requested, the points are benchmarked against the area's own total
instead of England. So England, which is compared with nothing, is asked for once
with ``inequalities=deprivation`` (Fingertips publishes its deprivation deciles
for England: the deciles are of England's areas), and every other area once
without: one request per indicator and batch of areas, no point twice.

FingertipsNext publishes 95% limits but neither denominators nor 99.8% limits;
:mod:`.fingertips_derived` derives both exactly where the indicator's interval
method allows.

>>> period_label("Financial", "2022-04-01", "2023-03-31"), period_label("Calendar", "2019-01-01", "2021-12-31")
('2022/23', '2019 - 21')
>>> period_label("Financial", "2021-10-01", "2021-12-31"), period_label("Calendar", "2023-01-01", "2023-01-31")
('2021/22 Q3', 'Jan 2023')
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from ...core.errors import SourceError
from ...tidy.frame import area_type_for_code, new_frame
from .client import SOURCE_NAME, IndicatorMeta
from .api import Download, settle_published
from .derived import fill_unpublished
from .vocabulary import area_type_id, category, comparator, published_comparison, published_trend
from ...inputs.http import HTTPStatusError, get_text, session
from ...inputs.periods import period_bounds

KIND = "fingertips_next"
#: Request limits in the API definition (``area_codes`` and ``years`` maxItems); a test
#: reads them from the copy of the definition so they cannot drift unnoticed.
MAX_AREA_CODES = 300
MAX_YEARS = 20
ENGLAND = "E92000001"
#: The inequality the England request asks for; sex and age segments come with every answer.
DEPRIVATION = "deprivation"
LOCAL_TYPES = ("district", "county")


class FingertipsNextClient:
    """The FingertipsNext endpoints the catalogue needs (https, retried, cached; see ``http``).

    >>> client = FingertipsNextClient("https://example.org/api")
    >>> [len(batch) for batch in client.area_batches([f"E0700{i:04d}" for i in range(650)])]
    [300, 300, 50]
    """

    name = "next"
    label = "FingertipsNext"
    kind = KIND

    def __init__(self, base_url: str, http=None, timeout=None):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.http = http or session()
        self.timeout = timeout or (10.0, 300.0)
        self._areas: dict[str, list[str]] = {}
        self._probes: dict[str, object] = {}

    def _get(self, path: str, params: dict | None = None, fallback: bool = True):
        return get_text(self.base_url + path, params=params, expect="json", http=self.http, timeout=self.timeout,
                        fallback=fallback)

    def health(self) -> str | None:
        """None when ``/healthcheck`` answers "Healthy", else why not (one line)."""
        try:
            body = json.loads(self._get("healthcheck", fallback=False).text)
        except SourceError as exc:
            return str(exc)
        status = body.get("status") if isinstance(body, dict) else None
        return None if status == "Healthy" else f"{self.base_url}healthcheck: status {status!r}"

    def areas(self, area_type: str) -> list[str]:
        """The codes of every area of one of our area types (district, county, region)."""
        if area_type not in self._areas:
            key = area_type_id("next", area_type)
            fetched = self._get(f"areas/areatypes/{key}/areas")
            body = json.loads(fetched.text)
            if not isinstance(body, list) or not all(isinstance(a, dict) and "code" in a for a in body):
                raise SourceError(f"{fetched.url}: expected a list of areas with a 'code' each")
            self._areas[area_type] = [str(a["code"]) for a in body]
        return self._areas[area_type]

    @staticmethod
    def area_batches(codes: list[str]) -> list[list[str]]:
        """Area codes in batches within the API's limit."""
        return [codes[i:i + MAX_AREA_CODES] for i in range(0, len(codes), MAX_AREA_CODES)]

    def data(self, indicator_id, area_codes: list[str], area_type: str, *,
             inequalities: Iterable[str] = (), years: list[int] | None = None) -> list:
        """The ``/indicators/{id}/data`` responses for these areas, in batches within the limits."""
        year_batches = [None] if not years else [years[i:i + MAX_YEARS] for i in range(0, len(years), MAX_YEARS)]
        out = []
        for codes in self.area_batches(list(area_codes)):
            for batch_years in year_batches:
                params = {"area_codes": codes, "area_type": area_type_id("next", area_type)}
                if inequalities:
                    params["inequalities"] = list(inequalities)
                if batch_years:
                    params["years"] = batch_years
                out.append(self._get(f"indicators/{indicator_id}/data", params))
        return out

    def _probe(self, indicator_id: str):
        """England's answer: the indicator's name, methods and national series, by sex, age and deprivation."""
        if indicator_id not in self._probes:
            try:
                self._probes[indicator_id] = self.data(indicator_id, [ENGLAND], "england",
                                                       inequalities=[DEPRIVATION])[0]
            except HTTPStatusError as exc:
                if exc.status != 404:
                    raise
                self._probes[indicator_id] = None  # the API does not know this id
        return self._probes[indicator_id]

    def published_names(self, indicator_ids: Iterable) -> dict[str, str]:
        """Published name by indicator id; ids the API does not know are left out."""
        names = {}
        for indicator_id in map(str, indicator_ids):
            probe = self._probe(indicator_id)
            if probe is not None:
                names[indicator_id] = str(json.loads(probe.text).get("name") or "")
        return names

    def profile_names(self, profile_id: int) -> dict[str, str] | None:
        """None: FingertipsNext's API lists no profiles (see :mod:`.fingertips_identity`)."""
        return None

    def downloads(self, requests: list[tuple[str, str]]) -> Iterator[Download]:
        """Every response the indicators need, as files for the snapshot.

        ``requests`` is (indicator id, preferred local area type) pairs. Unitary
        authorities are both districts and counties: they are asked for once,
        with the preferred area type, as the legacy export kept would give them.
        """
        for indicator_id, preferred in requests:
            yield from self._indicator_downloads(str(indicator_id), preferred)

    def _indicator_downloads(self, indicator_id: str, preferred: str) -> Iterator[Download]:
        probe = self._probe(indicator_id)
        if probe is None:
            raise SourceError(f"{self.base_url}indicators/{indicator_id}/data: FingertipsNext does not know "
                              f"indicator {indicator_id}")
        number = 0

        def file(fetched, area_type):
            nonlocal number
            number += 1
            body = json.loads(fetched.text)
            rows = sum(len(seg.get("healthData") or []) for area in body.get("areaHealthData") or []
                       for seg in area.get("indicatorSegments") or [])
            return Download(f"fingertips/next/{indicator_id}/{number:02d}-{area_type}.json", fetched.content,
                            fetched.url, KIND, f"{indicator_id}-{number}", rows, fetched.from_cache,
                            area_type, (indicator_id,), getattr(fetched, "headers", {}) or {})

        yield file(probe, "england")
        order = [preferred] + [t for t in LOCAL_TYPES if t != preferred]
        plan, asked = [("region", self.areas("region"))], set()
        for area_type in order:
            codes = [c for c in self.areas(area_type) if c not in asked]
            asked.update(codes)
            plan.append((area_type, codes))
        found_local = False
        for area_type, codes in plan:
            if not codes:
                continue
            for fetched in self.data(indicator_id, codes, area_type):
                download = file(fetched, area_type)
                found_local |= area_type in LOCAL_TYPES and download.rows > 0
                yield download
        if not found_local:
            raise SourceError(f"{self.base_url}indicators/{indicator_id}/data: no district or county data")


def period_label(kind: str, start: str, end: str) -> str:
    """The Fingertips label of a FingertipsNext date period (``datePeriod`` type, from, to)."""
    s, e = date.fromisoformat(str(start)[:10]), date.fromisoformat(str(end)[:10])
    months = (e.year - s.year) * 12 + e.month - s.month + 1
    if (s.month, s.day, e.month, e.day) == (1, 1, 12, 31):
        return str(s.year) if s.year == e.year else f"{s.year} - {e.year % 100:02d}"
    if (s.month, s.day, e.month, e.day) in ((4, 1, 3, 31), (9, 1, 8, 31)):
        first = f"{s.year}/{(s.year + 1) % 100:02d}"
        return first if e.year == s.year + 1 else f"{first} - {(e.year - 1) % 100:02d}/{e.year % 100:02d}"
    if months == 3 and s.day == 1:
        if kind.startswith("Financial"):
            fy = s.year if s.month >= 4 else s.year - 1
            return f"{fy}/{(fy + 1) % 100:02d} Q{(s.month - 4) % 12 // 3 + 1}"
        return f"{s.year} Q{(s.month - 1) // 3 + 1}"
    if months == 1 and s.day == 1:
        return f"{s:%b} {s.year}"
    if kind == "FinancialYearEndPoint" or s == e:
        fy = e.year - 1 if e.month <= 3 else e.year
        return f"{fy}/{(fy + 1) % 100:02d}"
    return f"{s.isoformat()} to {e.isoformat()}"


def _problem(url: str, where: str, what: str) -> SourceError:
    return SourceError(f"{url}: {where}: {what}")


def _number(value, url: str, where: str) -> float:
    if value is None:
        return np.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _problem(url, where, f"expected a number, got {value!r}")
    return float(value)


def _field(item: dict, name: str, url: str, where: str, kind=dict):
    value = item.get(name) if isinstance(item, dict) else None
    if not isinstance(value, kind):
        wanted = {dict: "an object", list: "a list", str: "text"}[kind]
        raise _problem(url, f"{where}.{name}", f"expected {wanted}, got {value!r}")
    return value


def _category(deprivation: dict, url: str, where: str) -> tuple[str, str]:
    """A point's deprivation decile in our words; ("", "") for an area's total."""
    if deprivation.get("isAggregate", True):
        return "", ""
    try:
        return category("next", str(deprivation.get("type", "")), str(deprivation.get("value", "")))
    except SourceError as exc:
        raise _problem(url, f"{where}.type", str(exc)) from None


#: Dates a tidy frame can hold (pandas' nanosecond timestamps): a date outside them could not be framed.
FIRST_DATE, LAST_DATE = (pd.Timestamp.min + pd.Timedelta(days=1)).date(), pd.Timestamp.max.date()


@dataclass(frozen=True)
class Answer:
    """One ``/indicators/{id}/data`` response read and checked (:func:`read_answer`), not yet a frame.

    ``records`` are its rows; the rest is what every row of it shares. :func:`frame_answers`
    turns any number of answers into one tidy frame, which costs the same few
    milliseconds for a batch of answers as for one.
    """

    records: list[dict]
    meta: IndicatorMeta
    url: str
    retrieved_at: datetime | None = None
    vintage: str = ""


def parse_json(text: str, *, url: str, metadata: dict[str, IndicatorMeta],
               retrieved_at: datetime | None = None, vintage: str = "") -> pd.DataFrame:
    """One ``/indicators/{id}/data`` response as a tidy frame (validated when the snapshot is built).

    A response that breaks the API definition where the frame depends on it is
    a one-line error naming the field, e.g.
    ``areaHealthData[0].indicatorSegments[1].healthData[3].value: expected a number, got 'n/a'``.
    """
    return frame_answers([read_answer(text, url=url, metadata=metadata, retrieved_at=retrieved_at, vintage=vintage)])


def read_answer(text: str, *, url: str, metadata: dict[str, IndicatorMeta],
                retrieved_at: datetime | None = None, vintage: str = "") -> Answer:
    """One response read into records and checked whole (the errors of :func:`parse_json`), not framed.

    An answer read here always frames, so a fetch that reads each answer here has
    checked everything the build will meet. :func:`frame_answers` makes columns of
    these str, float and NaN values (the tidy frame's coercion casts them without
    fail); dates the period labels with :func:`period_bounds` (a label it cannot read is NaT,
    never an error); reads the API's own dates with ``pd.to_datetime``, the one
    step that could fail, which is why they are ISO dates within :data:`FIRST_DATE`
    to :data:`LAST_DATE` here; and derives intervals with numpy, which gives NaN
    rather than raising.
    """
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{url}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(body, dict):
        raise _problem(url, "body", "expected an object")
    indicator_id = str(body.get("indicatorId", "")) or urlparse(url).path.rstrip("/").split("/")[-2]
    if indicator_id not in metadata:
        raise SourceError(f"{url}: indicator id {indicator_id} is not in the catalogue")
    meta = metadata[indicator_id]
    method = comparator("next", body.get("benchmarkMethod") or "Unknown")
    name = " ".join(str(body.get("name") or meta.name or "").split())
    records = []
    for i, area in enumerate(body.get("areaHealthData") or []):
        where = f"areaHealthData[{i}]"
        code = _field(area, "areaCode", url, where, str).strip()
        area_type = "england" if code == ENGLAND else area_type_for_code(code)
        segments = area.get("indicatorSegments")
        if segments is None:
            continue  # an area asked for that has no data (the API lists it empty)
        if not isinstance(segments, list):
            raise _problem(url, f"{where}.indicatorSegments", f"expected a list, got {segments!r}")
        for j, segment in enumerate(segments):
            at = f"{where}.indicatorSegments[{j}]"
            sex, age = _field(segment, "sex", url, at), _field(segment, "age", url, at)
            for k, point in enumerate(segment.get("healthData") or []):
                here = f"{at}.healthData[{k}]"
                deprivation = _field(point, "deprivation", url, here)
                if area_type is None:
                    continue  # not a report geography
                period = _field(point, "datePeriod", url, here)
                label, start, end = _dates(period, url, f"{here}.datePeriod")
                # With inequalities asked for, the server compares a point with its own area's total
                # (or gives null, as on every Persons point of DHSC's recorded inequalities=sex answer).
                comparison = point.get("benchmarkComparison") or {}
                against_england = comparison.get("benchmarkAreaCode", ENGLAND) == ENGLAND and code != ENGLAND
                category_type, category_name = _category(deprivation, url, f"{here}.deprivation")
                records.append({
                    "indicator_id": indicator_id, "indicator_name": name, "area_code": code,
                    "area_name": " ".join(str(area.get("areaName") or code).split()), "area_type": area_type,
                    "period": label, "period_from": start, "period_to": end,
                    "sex": str(sex.get("value") or "Persons"), "age": str(age.get("value") or "All ages"),
                    "category_type": category_type, "category": category_name,
                    "value": _number(point.get("value"), url, f"{here}.value"),
                    "lower_ci_95": _number(point.get("lowerCi"), url, f"{here}.lowerCi"),
                    "upper_ci_95": _number(point.get("upperCi"), url, f"{here}.upperCi"),
                    "count": _number(point.get("count"), url, f"{here}.count"),
                    "published_comparison": published_comparison(
                        "next", comparison.get("outcome"), meta.polarity, method=method) if against_england else "",
                    "published_trend": published_trend("next", point.get("trend")),
                })
    return Answer(records, meta, url, retrieved_at, vintage)


def _dates(period: dict, url: str, where: str) -> tuple[str, str, str]:
    """A point's period label and its first and last days, as ISO dates the frame can hold."""
    start = _field(period, "from", url, where, str)
    end = _field(period, "to", url, where, str)
    try:
        label = period_label(str(period.get("type", "")), start, end)
        first, last = date.fromisoformat(start[:10]), date.fromisoformat(end[:10])
    except ValueError:
        raise _problem(url, where, f"from {start!r} to {end!r} is not a pair of dates") from None
    if not (FIRST_DATE <= first and last <= LAST_DATE):
        raise _problem(url, where, f"from {start!r} to {end!r} is outside the dates a tidy frame can hold "
                                   f"({FIRST_DATE} to {LAST_DATE})")
    # Written out again, so that one answer (or one batch) giving 2023-01-01 and 20230101 frames alike.
    return label, first.isoformat(), last.isoformat()


#: The columns of a record (:func:`read_answer`), in the order they are framed.
RECORD_COLUMNS = ["indicator_id", "indicator_name", "area_code", "area_name", "area_type", "period", "period_from",
                  "period_to", "sex", "age", "category_type", "category", "value", "lower_ci_95", "upper_ci_95",
                  "count", "published_comparison", "published_trend"]


def frame_answers(answers: list[Answer]) -> pd.DataFrame:
    """Answers read by :func:`read_answer` as one tidy frame, their rows in order.

    Every step is row by row, except the recent trend kept on a series' latest
    period, which is settled within each answer: the frame is the concatenation
    of the answers' own frames.
    """
    rows = [len(answer.records) for answer in answers]
    raw = pd.DataFrame([record for answer in answers for record in answer.records], columns=RECORD_COLUMNS)
    start, end = period_bounds(raw["period"])
    # A label Fingertips' own parser cannot date (monthly, cumulative) keeps the API's dates.
    raw["period_start"] = start.fillna(pd.to_datetime(raw["period_from"]))
    raw["period_end"] = end.fillna(pd.to_datetime(raw["period_to"]))

    def shared(value_of) -> np.ndarray:
        """One value per answer, on each of its rows."""
        return np.repeat(np.array([value_of(answer) for answer in answers], dtype=object), rows)

    frame = raw.drop(columns=["period_from", "period_to"]).assign(
        source=SOURCE_NAME, value_type=shared(lambda a: a.meta.value_type),
        multiplier=np.repeat([float(a.meta.multiplier) for a in answers], rows).astype(float),
        unit=shared(lambda a: a.meta.unit), polarity=shared(lambda a: a.meta.polarity),
        comparator_method=shared(lambda a: a.meta.comparator_method),
        ci_method=shared(lambda a: "none" if a.meta.ci_method == "none" else "published"),  # as parse_csv
        value_note="", suppressed=False, source_url=shared(lambda a: a.url),
        retrieved_at=shared(lambda a: a.retrieved_at or datetime.now(UTC)), vintage=shared(lambda a: a.vintage),
        denominator=np.nan, lower_ci_998=np.nan, upper_ci_998=np.nan)
    methods = {answer.meta.indicator_id: answer.meta.ci_method for answer in answers}
    frame = fill_unpublished(new_frame(frame), methods=methods)
    return settle_published(frame, within=np.repeat(np.arange(len(answers)), rows))
