"""No hidden count can be worked out by comparing the reports of a district, its county and its force (issue 26, F6).

The oracle here is the tests' own: counts of 1 to 4 (and denominators, and
denominator minus count, of 1 to 4) must not be published, and no hidden
figure may be fixed by the published ones through the sums that hold between
the demo's areas (the county is its four districts; the force is the county
and the unitary). A figure is fixed when it is a linear combination of
published figures: its unit vector lies in the row space of those sums
restricted to the hidden figures.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import assessment.demo as demo
import assessment.bundles.builder as build
from assessment.cli import main
from assessment.demo.places import demo_places
from assessment.tidy.frame import concat_frames, new_frame
from assessment.geography import geography_from_files
from assessment.core.levels import lookup_roles
from assessment.bundles.bundle import open_bundle
from assessment.inputs.periods import parse_period
from tests.support.demo_files import copy_demo_sources
from assessment.stats import add_intervals
from assessment.uploads import load_upload

KIND = "continuity_of_care_audit"
COUNTY, FORCE, UNITARY = "E10999001", "E23999001", "E06999001"
COUNTY_DISTRICTS = ["E07999001", "E07999002", "E07999003", "E07999004"]
DISTRICTS = [*COUNTY_DISTRICTS, UNITARY]
#: Each area's districts, written out (not read from the geography under test).
MEMBERS = {**{d: [d] for d in DISTRICTS}, COUNTY: COUNTY_DISTRICTS, FORCE: DISTRICTS}
#: A force of a county and two unitaries (the demo's Southdown Shire Constabulary).
SOUTHDOWN_COUNTY = ["E07999005", "E07999006", "E07999007", "E07999008"]
SOUTHDOWN_DISTRICTS = [*SOUTHDOWN_COUNTY, "E06999002", "E06999003"]
SOUTHDOWN = {**{d: [d] for d in SOUTHDOWN_DISTRICTS}, "E10999002": SOUTHDOWN_COUNTY, "E23999002": SOUTHDOWN_DISTRICTS}
COLUMNS = {"local-coc-3wk": "engaged_3_weeks", "local-coc-4wk": "engaged_4_weeks"}

#: (district, period) -> released with a need, engaged in 3 weeks, engaged in 4 weeks.
#: 2024/25 is the audit's case: the county 37/328 and 53/328, the force 38/331 and 55/331, so the
#: unitary's 1/3 and 2/3 were the difference. 2023/24 has counts of 4: a district's 3-week
#: count, and the unitary's 3- and 4-week counts (force minus county would show them).
AUDIT_UPLOAD = {
    ("E07999001", "2023/24"): (90, 4, 20), ("E07999002", "2023/24"): (80, 20, 26),
    ("E07999003", "2023/24"): (110, 41, 50), ("E07999004", "2023/24"): (128, 56, 64),
    (UNITARY, "2023/24"): (60, 4, 4),
    ("E07999001", "2024/25"): (80, 10, 14), ("E07999002", "2024/25"): (90, 9, 13),
    ("E07999003", "2024/25"): (70, 8, 12), ("E07999004", "2024/25"): (88, 10, 14),
    (UNITARY, "2024/25"): (3, 1, 2),
}


def small(number: float) -> bool:
    """The tests' own primary rule: 1 to 4 is small, zero is not."""
    return 1 <= number <= 4


def write_upload(path: Path, table: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["area_code", "period", "released_with_need", "engaged_3_weeks", "engaged_4_weeks"])
        for (code, period), figures in table.items():
            writer.writerow([code, period, *figures])
    return path


def true_figures(table: dict, indicator: str, period: str, members: dict = MEMBERS) -> dict[str, tuple[float, float]]:
    """Every area's true (count, denominator) for one indicator and period, added up here."""
    column = 1 if COLUMNS[indicator] == "engaged_3_weeks" else 2
    return {area: (float(sum(table[(d, period)][column] for d in inside)),
                   float(sum(table[(d, period)][0] for d in inside))) for area, inside in members.items()}


def fixed_by_published(published: dict[str, float], area: str, members: dict = MEMBERS) -> bool:
    """Whether ``area``'s hidden figure follows from the published figures through the areas' sums."""
    hidden = [a for a in members if a not in published]
    sums = [[(1.0 if a == total else 0.0) - (1.0 if a in inside else 0.0) for a in hidden]
            for total, inside in members.items() if inside != [total]]
    matrix = np.array(sums, dtype=float).reshape(len(sums), len(hidden))
    unit = np.array([[1.0 if a == area else 0.0 for a in hidden]])
    return np.linalg.matrix_rank(np.vstack([matrix, unit])) == np.linalg.matrix_rank(matrix)


def assert_nothing_recoverable(frame: pd.DataFrame, table: dict, members: dict = MEMBERS) -> None:
    """The oracle: small figures unpublished, and no hidden figure recoverable by subtraction."""
    periods = sorted({period for _, period in table})
    for indicator in COLUMNS:
        for period in periods:
            rows = frame[(frame["indicator_id"] == indicator) & (frame["period"] == period)
                         & frame["area_code"].isin(members)].set_index("area_code")
            shown = rows[~rows["suppressed"].astype(bool) & rows["count"].notna()]
            truth = true_figures(table, indicator, period, members)
            for column, position in (("count", 0), ("denominator", 1)):
                published = {area: float(shown.loc[area, column]) for area in shown.index}
                for area, value in published.items():
                    assert value == truth[area][position], (indicator, period, area)
                for area, (count, denominator) in truth.items():
                    if small(count) or small(denominator) or small(denominator - count):
                        where = (indicator, period, area, column)
                        assert area not in published, f"small figure published: {where}"
                        assert not fixed_by_published(published, area, members), \
                            f"recoverable by subtraction: {where}"
            # The words: no two published areas, one inside the other, differ by a hidden district.
            for outer in shown.index:
                for inner in shown.index:
                    between = set(members[outer]) - set(members[inner])
                    if inner != outer and set(members[inner]) <= set(members[outer]):
                        unknown = [d for d in between if d not in shown.index]
                        assert len(unknown) != 1, f"{outer} minus {inner} gives {unknown} ({indicator} {period})"


@pytest.fixture(scope="module")
def demo_lookups(tmp_path_factory):
    sources = copy_demo_sources(tmp_path_factory, tmp_path_factory.mktemp("demo-sources"))
    return {f"lookup_{role}": sources[f"lookup_{role}"] for role in lookup_roles()}


@pytest.fixture(scope="module")
def audit_bundle(tmp_path_factory):
    """The demo bundle built with the audit's upload in place of the demo's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "write_demo_upload",
                      lambda folder: write_upload(Path(folder) / f"{KIND}.csv", AUDIT_UPLOAD))
        return demo.build_demo_bundle(tmp_path_factory.mktemp("audit"))


def test_the_audit_case_no_county_and_force_pair_reveals_the_unitary(audit_bundle):
    frame = pd.read_parquet(audit_bundle / "frame.parquet")
    assert_nothing_recoverable(frame, AUDIT_UPLOAD)
    rows = frame[(frame["period"] == "2024/25") & frame["indicator_id"].isin(COLUMNS)].set_index(
        ["indicator_id", "area_code"])
    # Today both the county (37/328, 53/328) and the force (38/331, 55/331) are published.
    for indicator in COLUMNS:
        assert rows.loc[(indicator, UNITARY), "suppressed"]
        assert rows.loc[(indicator, COUNTY), "suppressed"] or rows.loc[(indicator, FORCE), "suppressed"]


def test_the_demo_bundle_reveals_nothing_by_subtraction(demo_bundle):
    """The demo as shipped (its own upload, with a count of 3) passes the same oracle."""
    bundle = demo_bundle  # the session's (conftest.py), built beside its sources
    with open(bundle.parent / "sources" / "uploads" / f"{KIND}.csv", encoding="utf-8") as handle:
        table = {(row["area_code"], row["period"]): (int(row["released_with_need"]), int(row["engaged_3_weeks"]),
                                                     int(row["engaged_4_weeks"])) for row in csv.DictReader(handle)}
    assert_nothing_recoverable(pd.read_parquet(bundle / "frame.parquet"), table)


#: (released, engaged in 3 weeks, engaged in 4 weeks) that pass the kind's checks (3 <= 4 <= released).
figures = st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30)).map(
    lambda t: (t[0] + t[1] + t[2] + 1, t[1], t[1] + t[2]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(figures, min_size=len(DISTRICTS), max_size=len(DISTRICTS)))
def test_any_upload_for_the_demo_force_reveals_nothing_by_subtraction(demo_lookups, tmp_path, rows):
    table = {(code, "2024/25"): figures for code, figures in zip(DISTRICTS, rows)}
    path = write_upload(tmp_path / f"{KIND}.csv", table)
    frame = load_upload(path, KIND, geography_from_files(demo_lookups))
    assert_nothing_recoverable(frame, table)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(figures, min_size=len(SOUTHDOWN_DISTRICTS), max_size=len(SOUTHDOWN_DISTRICTS)))
def test_a_force_of_a_county_and_two_unitaries_reveals_nothing_by_subtraction(demo_lookups, tmp_path, rows):
    """Force minus county is two unitaries: one hidden unitary needs the other, the county or the force hidden."""
    table = {(code, "2024/25"): figures for code, figures in zip(SOUTHDOWN_DISTRICTS, rows)}
    path = write_upload(tmp_path / f"{KIND}.csv", table)
    frame = load_upload(path, KIND, geography_from_files(demo_lookups))
    assert_nothing_recoverable(frame, table, SOUTHDOWN)


# ------------------------------------------------------------------ a rate made from a suppressed count (issue 27)
HOUSING = "mhclg-dtr-prison"
HOUSEHOLDS = {"E07999001": 41_000, "E07999002": 52_000, "E07999003": 40_000, "E07999004": 35_000, UNITARY: 62_000}
#: Households referred by prison, by quarter: Dunmere's 3 in the latest quarter, the unitary's 4 in the first.
REFERRALS = {"2025/26 Q1": {"E07999001": 9, "E07999002": 12, "E07999003": 15, "E07999004": 20, UNITARY: 4},
             "2025/26 Q2": {"E07999001": 11, "E07999002": 14, "E07999003": 6, "E07999004": 3, UNITARY: 8}}


def _housing_rows() -> pd.DataFrame:
    names = {p.lad_code: p.lad_name for p in demo_places()}
    rows = [dict(indicator_id=HOUSING, indicator_name="Households referred by prison under the Duty to Refer",
                 source="MHCLG statutory homelessness (demonstration)", area_code=code, area_name=names[code],
                 area_type="lad", period=period, period_start=parse_period(period)[0],
                 period_end=parse_period(period)[1], count=float(count), denominator=float(HOUSEHOLDS[code]),
                 value_type="crude rate", multiplier=100000.0, unit="per 100,000 households",
                 polarity="no_judgement", comparator_method="ci_overlap_95_998", ci_method="byars",
                 source_url="demo", vintage="demo")
            for period, counts in REFERRALS.items() for code, count in counts.items()]
    return add_intervals(new_frame(rows))


@pytest.fixture(scope="module")
def housing_reports(tmp_path_factory):
    """The demo county's and force's HTML reports and appendices, with Duty to Refer figures added."""
    original = build.build_frame

    def with_housing(*args, **kwargs):  # the demo snapshot's frame, with the Duty to Refer rows added
        frame, meta = original(*args, **kwargs)
        return concat_frames([frame, _housing_rows()]), meta

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "build_frame", with_housing)
        bundle = demo.build_demo_bundle(tmp_path_factory.mktemp("housing"))
    out = tmp_path_factory.mktemp("housing-reports")
    reports = {}
    assert main(["render", "--area", COUNTY, "--area", FORCE, "--bundle", str(bundle), "--out", str(out),
                 "--format", "html", "--engine", "builtin"]) == 0  # one run, one bundle opened
    for area in (COUNTY, FORCE):
        folder = next(out.glob(f"{area}-*"))
        page = next(folder.glob("*.html")).read_text(encoding="utf-8")
        sheet = load_workbook(next(folder.glob("*-data.xlsx")), read_only=True)["Data"]
        header, *body = sheet.iter_rows(values_only=True)
        reports[area] = (page, [dict(zip(header, row)) for row in body])
    reports["bundle"] = bundle
    return reports


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)\b.*?</\1>", " ", page,
                                                                   flags=re.S))).split())


def _rate(count: int, households: int) -> str:
    return f"{count / households * 100000:.1f} per 100,000"


def test_a_rate_from_a_count_of_1_to_4_is_suppressed_with_every_total_that_holds_it(housing_reports):
    county, county_rows = housing_reports[COUNTY]
    force, force_rows = housing_reports[FORCE]
    county_text, force_text = _text(county), _text(force)
    assert "Housing on release" in county_text and "Housing on release" in force_text
    for text in (county_text, force_text):
        assert "(fewer than 5)" not in text  # the old label beside a rate (trends may say "fewer than 5 periods")
        assert f"Dunmere {_rate(3, HOUSEHOLDS['E07999004'])}" not in text  # 3 of 35,000 households
        assert f"Port Alder {_rate(4, HOUSEHOLDS[UNITARY])}" not in text  # 4 of 62,000
        assert "Dunmere suppressed" in text
    assert "Northmere (all councils)" in county_text
    # What readers of every report of the bundle see: the rows each report reads (a district's own report
    # shows its quarters). The oracle: no count of 1 to 4 among them, and none fixed by them through the
    # sums of the areas. Both appendices give only such figures.
    rows = open_bundle(housing_reports["bundle"]).headline().indicator(HOUSING)
    published: dict[str, dict[str, float]] = {quarter: {} for quarter in REFERRALS}
    for row in rows[~rows["suppressed"] & rows["count"].notna() & rows["area_code"].isin(MEMBERS)].itertuples():
        published[row.period][row.area_code] = row.count
    for appendix in (county_rows, force_rows):
        for row in appendix:
            if row["Indicator ID"] == HOUSING and row["Count"] is not None:
                assert published[row["Period"]].get(row["Area code"]) == row["Count"], row
    for quarter, counts in REFERRALS.items():
        truth = {area: sum(counts[d] for d in members) for area, members in MEMBERS.items()}
        assert all(published[quarter][area] == truth[area] for area in published[quarter]), quarter
        assert len(published[quarter]) >= 3, published  # not everything is hidden
        for area, count in truth.items():
            if small(count):
                assert area not in published[quarter], (quarter, area)
                assert not fixed_by_published(published[quarter], area), (quarter, area)
