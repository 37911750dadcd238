"""Both Fingertips APIs replayed on the loopback server from one set of figures (a legacy-format export).

The legacy API serves the export itself (``available_data``, ``indicator_metadata``,
``all_data/csv/by_indicator_id``); FingertipsNext serves the same figures as its
JSON (``/healthcheck``, ``/areas/areatypes/{key}/areas``, ``/indicators/{id}/data``),
behaving as its C# service does at the definition's commit: England only when asked
for alone; sex and age segments in every answer, deprivation deciles only when
``inequalities=deprivation`` is asked for, in the server's own words; points compared
with England unless inequalities are asked for, then with the area's own total (a
total's comparison is null, as in DHSC's recorded answers); at most 300 area codes.
``/indicators`` and ``/indicators/{id}`` answer 404, as no controller serves them.
Every FingertipsNext answer is checked against the definition, as the server answers it.
"""

from __future__ import annotations

import json
from functools import cache

import pandas as pd

from assessment.inputs.periods import parse_period

from tests.support.contracts.openapi import all_problems

LEGACY_TYPE_LABELS = {"501": "Districts", "502": "Counties"}
NEXT_AREA_TYPES = {"districts-and-unitary-authorities": "Districts", "counties-and-unitary-authorities": "Counties",
                   "regions": "Region", "england": "England"}
OUTCOMES = {"Better": "Better", "Worse": "Worse", "Similar": "Similar", "Higher": "Higher", "Lower": "Lower"}
REPORTING = {"1y": "Yearly", "3y": "ThreeYearly", "5y": "FiveYearly"}
#: How the server words a legacy deprivation type (DataCreator's CleanCategoryTypeName at d1600f4).
SERVER_CATEGORY_TYPES = {
    "District & UA deprivation deciles in England (IMD2019, 4/23 geography)":
        "Districts and Unitary Authorities deprivation deciles: Apr 2023 geography (Index of Multiple Deprivation 2019)",
    "County & UA deprivation deciles in England (IMD2019, 4/23 geography)":
        "Counties and Unitary Authorities deprivation deciles: Apr 2023 geography (Index of Multiple Deprivation 2019)",
}


def server_category(category_type: str, category: str) -> dict:
    """A legacy deprivation decile as the server gives it: type renamed, the IMD edition dropped from the name."""
    name = category.replace(" (IMD2015)", "").replace(" (IMD2019)", "")
    return {"sequence": 1, "value": name, "type": SERVER_CATEGORY_TYPES.get(category_type, category_type),
            "isAggregate": False}


def _period(label: str) -> dict:
    return dict(_period_of(label))


@cache
def _period_of(label: str) -> dict:
    start, end = parse_period(label)
    kind = "Calendar" if start.month == 1 else ("FinancialMultiYear" if end.year - start.year > 1 else "Financial")
    return {"type": kind, "from": f"{start:%Y-%m-%d}", "to": f"{end:%Y-%m-%d}"}


def _number(text):
    return None if text in ("", None) or pd.isna(text) else float(text)


def _route(method, **flags):
    """A replay route calling ``method``, with the server's calling-convention flags set."""
    def route(*args):
        return method(*args)
    route.__dict__.update(flags)
    return route


def contract_check(path, lists, status, ctype, body):
    """The replay server's check: FingertipsNext JSON answers must follow the definition."""
    if not path.startswith("/next/") or "json" not in ctype or status not in (200, 400, 500):
        return []
    return all_problems(path[len("/next"):], status, body)


class FingertipsReplay:
    """Serve ``export`` (legacy CSV columns, text) under ``/api`` (legacy) and ``/next`` (FingertipsNext)."""

    def __init__(self, export: pd.DataFrame, meta: dict, *, legacy_types: dict[str, list[int]] | None = None):
        self.export = export.fillna("")
        self.meta = meta
        ids = sorted(set(self.export["Indicator ID"]))
        self.legacy_types = legacy_types or {i: [501, 502] for i in ids}
        # Looked up on every FingertipsNext request: found once (each in the export's order), not per request.
        self.by_indicator = dict(list(self.export.groupby("Indicator ID", sort=False)))
        first = self.export.drop_duplicates("Area Code")
        self.area_names = dict(zip(first["Area Code"], first["Area Name"]))

    # -- legacy ---------------------------------------------------------------------------------
    def install(self, server, names: dict[str, str] | None = None) -> None:
        names = names if names is not None else {i: m.name for i, m in self.meta.items()}
        server.check = contract_check
        server.routes["/api/area_types"] = lambda q: (200, "application/json", b"[{\"Id\": 501}]")
        server.routes["/api/available_data"] = lambda q: (200, "application/json", json.dumps(
            [{"IndicatorId": int(q["indicator_id"]), "AreaTypeId": t}
             for t in self.legacy_types.get(q["indicator_id"], [])]).encode())
        server.routes["/api/indicator_metadata/by_indicator_id"] = lambda q: (200, "application/json", json.dumps(
            {i: {"Descriptive": {"Name": names[i]}} for i in q["indicator_ids"].split(",") if i in names}).encode())
        server.routes["/api/all_data/csv/by_indicator_id"] = self._legacy_csv
        server.routes["/next/healthcheck"] = lambda q: (200, "application/json", b'{"status": "Healthy"}')
        server.routes[r"^/next/areas/areatypes/[^/]+/areas$"] = _route(self._next_areas, wants_path=True)
        server.routes[r"^/next/indicators/\d+/data$"] = _route(self._next_data, wants_path=True, wants_lists=True)
        server.routes[r"^/next/indicators(/\d+)?$"] = lambda q: (404, "application/json", b"")  # no controller
        self.names = names

    def _legacy_csv(self, q):
        rows = self.export[self.export["Indicator ID"].isin(q["indicator_ids"].split(","))]
        rows = rows[rows["Indicator ID"].map(lambda i: int(q["child_area_type_id"]) in self.legacy_types.get(i, []))]
        # Each area type's export repeats the unitaries, regions and England.
        rows = rows[rows["Area Type"].str.startswith(LEGACY_TYPE_LABELS[q["child_area_type_id"]])
                    | rows["Area Code"].str.match(r"E06|E08|E09|E12|E92")]
        return 200, "text/csv", rows.to_csv(index=False).encode()

    # -- FingertipsNext -------------------------------------------------------------------------
    def _area_type_rows(self, key: str) -> pd.DataFrame:
        label = NEXT_AREA_TYPES[key]
        return self.export[self.export["Area Type"].str.startswith(label)]

    def _next_areas(self, path, q):
        key = path.split("/")[-2]
        if key not in NEXT_AREA_TYPES:
            return 404, "application/json", b'{"message": "no such area type"}'
        rows = self._area_type_rows(key).drop_duplicates("Area Code")
        if key == "counties-and-unitary-authorities":  # unitaries are both districts and counties
            rows = pd.concat([rows, self.export[self.export["Area Code"].str.match(r"E06|E08|E09")]
                              .drop_duplicates("Area Code")]).drop_duplicates("Area Code")
        body = [{"code": r["Area Code"], "name": r["Area Name"],
                 "areaType": {"key": key, "name": key.replace("-", " ").title(), "level": 3, "hierarchyName": "Admin"}}
                for _, r in rows.iterrows()]
        return 200, "application/json", json.dumps(body).encode()

    def _next_data(self, path, lists):
        indicator_id = path.split("/")[-2]
        codes = lists.get("area_codes", [])
        if len(codes) > 300:
            return 400, "application/json", json.dumps({"message": "Too many values supplied for parameter "
                                                        f"area_codes. The maximum is 300 but {len(codes)} supplied."}).encode()
        if indicator_id not in self.names:
            return 404, "application/json", b""
        if len(codes) > 1:
            codes = [c for c in codes if c != "E92000001"]  # HealthDataPredicates.IsNotEnglandWhenMultipleRequested
        inequalities = set(lists.get("inequalities", []))
        indicator = self.by_indicator.get(indicator_id, self.export.iloc[:0])
        rows = indicator[indicator["Area Code"].isin(codes)]
        rows = rows[rows["Value"] != ""]  # FingertipsNext holds no value-less rows
        persons = rows[(rows["Sex"] == "Persons") & (rows["Category Type"] == "")]
        main_age = persons["Age"].mode().iloc[0] if len(persons) else "All ages"
        single_sex = rows["Sex"].nunique() == 1
        meta = self.meta[indicator_id]
        england = indicator[(indicator["Area Code"] == "E92000001") & (indicator["Category Type"] == "")]
        national = {}  # England's first value of each period, sex and age
        for key, value in zip(zip(england["Time period"], england["Sex"], england["Age"]), england["Value"]):
            national.setdefault(key, value)
        by_area: dict[str, dict[tuple[str, str], list[dict]]] = {}  # area -> (sex, age) -> rows, in order
        for r in rows.to_dict("records"):
            by_area.setdefault(r["Area Code"], {}).setdefault((r["Sex"], r["Age"]), []).append(r)
        areas = []
        for code in codes:
            mine = by_area.get(code, {})
            segments = []
            for (sex, age), group in sorted(mine.items()):
                sex_total, age_total = sex == "Persons" or single_sex, age == main_age
                points = []
                for r in group:
                    category = r["Category Type"] != ""
                    if category and "deprivation" not in inequalities:
                        continue
                    point = {"datePeriod": _period(r["Time period"]), "value": float(r["Value"]),
                             "trend": r["Recent Trend"] or "Not yet calculated", "isAggregate": not category,
                             "deprivation": (server_category(r["Category Type"], r["Category"]) if category else
                                             {"sequence": 11, "value": "Persons", "type": "Persons", "isAggregate": True})}
                    for field, column in (("count", "Count"), ("lowerCi", "Lower CI 95.0 limit"),
                                          ("upperCi", "Upper CI 95.0 limit")):
                        if _number(r[column]) is not None:
                            point[field] = _number(r[column])
                    outcome = OUTCOMES.get(r["Compared to England value or percentiles"])
                    whole = sex_total and age_total and not category
                    if inequalities and whole:
                        point["benchmarkComparison"] = None  # the total compared with itself
                    elif outcome and not inequalities and not category and code != "E92000001":
                        value = national.get((r["Time period"], sex, age))
                        point["benchmarkComparison"] = {"outcome": outcome, "benchmarkAreaCode": "E92000001",
                                                        "benchmarkAreaName": "England",
                                                        "benchmarkValue": float(value) if value is not None else 0.0}
                    points.append(point)
                if points:
                    points.sort(key=lambda p: p["datePeriod"]["from"])
                    segments.append({"age": {"value": age, "isAggregate": age_total},
                                     "sex": {"value": sex, "isAggregate": sex_total},
                                     "reportingPeriod": REPORTING.get(group[0]["Time period range"], "Yearly"),
                                     "isAggregate": sex_total and age_total, "healthData": points})
            areas.append({"areaCode": code, "areaName": self.area_names.get(code, code),
                          "indicatorSegments": segments})
        body = {"indicatorId": int(indicator_id), "name": self.names[indicator_id],
                "polarity": {"high_is_good": "HighIsGood", "low_is_good": "LowIsGood"}.get(meta.polarity, "NoJudgement"),
                "benchmarkMethod": {"quintiles": "Quintiles", "ci_overlap_95": "CIOverlappingReferenceValue95"}.get(
                    meta.comparator_method, "CIOverlappingReferenceValue99_8"),
                "frequency": "Annually", "areaHealthData": areas}
        return 200, "application/json", json.dumps(body).encode()
