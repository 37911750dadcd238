"""The catalogue's Fingertips indicators through either backend, on the loopback server: equal frames, equal bundles."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from assessment.core.errors import SourceError
from assessment.bundles.builder import build_bundle_from_snapshot
from assessment.bundles.bundle import open_bundle
from assessment.sources.catalogue import load_catalogue
from assessment.sources.fingertips.client import FingertipsClient, IndicatorMeta, parse_csv
from assessment.sources.fingertips.derived import fill_unpublished
from assessment.sources.fingertips.next_api import FingertipsNextClient
from assessment.inputs.http import session
from assessment.snapshots.snapshot import build_frame, fetch_snapshot, open_snapshot

from tests.support.demo_files import copy_demo_sources
from tests.support.fingertips_replay import FingertipsReplay
from tests.support.replay_server import ReplayServer

PROVENANCE = ["source_url", "retrieved_at", "vintage"]
LOOKUPS = ("lad_csp_pfa", "lad_utla", "lad_region")
#: FingertipsNext publishes no denominator; it is derived for these value types only.
DERIVED_DENOMINATORS = ("proportion", "crude rate")
#: The demo export writes figures to 6 decimal places (rounding up to 5e-7); a 99.8% limit derived
#: from rounded 95% limits carries that rounding, widened by the ratio of the spreads (about 1.6).
DEMO_ROUNDING = 5e-6


def _arcgis(csv_path):
    table = pd.read_csv(csv_path, dtype=str, encoding="utf-8-sig")
    features = [{"attributes": row} for row in table.to_dict("records")]
    return lambda q: (200, "application/json", json.dumps({"features": features}).encode())


@pytest.fixture(scope="module")
def fetched(tmp_path_factory):
    """One snapshot per backend, both replayed from the demo's figures."""
    sources = copy_demo_sources(tmp_path_factory, tmp_path_factory.mktemp("sources"))
    catalogue = load_catalogue()
    export = pd.read_csv(sources["fingertips"], dtype=str, keep_default_na=False)
    kinds = {e.frame_id: ([502] if e.area_type == "county" else [501, 502]) for e in catalogue.fingertips()}
    out = {}
    for name in ("legacy", "next"):
        with ReplayServer() as server:
            FingertipsReplay(export, catalogue.fingertips_meta(), legacy_types=kinds).install(server)
            server.routes["/pub/mye.csv"] = lambda q: (200, "text/csv", sources["population"].read_bytes())
            for role in LOOKUPS:
                server.routes[f"/{role}/query"] = _arcgis(sources[f"lookup_{role}"])
            server.routes["/lad/query"] = lambda q: (200, "application/geo+json", sources["boundaries_lad"].read_bytes())
            http = session(retries=1, backoff=0.01, cache_name=str(tmp_path_factory.mktemp("cache") / "c"))
            client = (FingertipsClient(server.url + "/api/", http=http) if name == "legacy"
                      else FingertipsNextClient(server.url + "/next/", http=http))
            publishers = {"ons_population": {"module": "assessment.sources.ons_population", "reader": "read",
                                             "url": f"{server.url}/pub/mye.csv", "filename": "mye_2023.csv",
                                             "vintage": "mid-2023", "licence": "Open Government Licence v3.0"}}
            root = fetch_snapshot(tmp_path_factory.mktemp(name), catalogue=catalogue, publishers=publishers,
                                  client=client, http=http, fingertips_urls={"legacy": server.url + "/api/"},
                                  geography_urls={r: f"{server.url}/{r}/query" for r in LOOKUPS},
                                  boundary_url=f"{server.url}/lad/query", today=date(2026, 11, 22))
            out[name] = {"root": root, "requests": list(server.queries), "problems": list(server.problems),
                         "publishers": publishers}
    return out


#: More districts than one FingertipsNext request may name, so that the batch limit is exercised.
CROWDED_DISTRICTS = 450
EXPORT_COLUMNS = ["Indicator ID", "Indicator Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
                  "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit",
                  "Count", "Recent Trend", "Compared to England value or percentiles", "Time period range"]


def _export_row(indicator: str, code: str, area_type: str, value: float) -> dict:
    row = dict.fromkeys(EXPORT_COLUMNS, "")
    row.update({"Indicator ID": indicator, "Indicator Name": "Crowded", "Area Code": code, "Area Name": code,
                "Area Type": area_type, "Sex": "Persons", "Age": "All ages", "Time period": "2022/23",
                "Value": str(value), "Time period range": "1y"})
    return row


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """A FingertipsNext fetch of one indicator for England, a region and 450 districts: the requests it made."""
    meta = load_catalogue().fingertips_meta()
    indicator = sorted(meta)[0]
    rows = [_export_row(indicator, "E92000001", "England", 40.0), _export_row(indicator, "E12000001", "Region", 41.0)]
    rows += [_export_row(indicator, f"E07{n:06d}", "Districts & UAs (from Apr 2023)", 30.0 + n % 20)
             for n in range(CROWDED_DISTRICTS)]
    with ReplayServer() as server:
        FingertipsReplay(pd.DataFrame(rows), meta).install(server)
        client = FingertipsNextClient(server.url + "/next/", http=session(
            retries=1, backoff=0.01, cache_name=str(tmp_path_factory.mktemp("crowded") / "c")))
        downloads, failure = [], None
        try:  # a request over the limit is refused: the test shows the batches asked for, not just the refusal
            downloads = list(client.downloads([(indicator, "district")]))
        except SourceError as err:
            failure = str(err)
        return {"requests": [q for p, q in server.queries if p.endswith("/data")], "downloads": downloads,
                "problems": list(server.problems), "failure": failure}


def _fingertips_rows(frame: pd.DataFrame) -> pd.DataFrame:
    rows = frame[frame["source"].eq("OHID Fingertips")]
    key = ["indicator_id", "area_code", "period", "sex", "age", "category_type", "category"]
    return rows.sort_values(key).reset_index(drop=True)


def _survey_indicators() -> set[str]:
    """Indicators whose published intervals follow no standard method (``ci_method: none``)."""
    return {e.frame_id for e in load_catalogue().fingertips() if e.ci_method == "none"}


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.drop(columns=[c for c in PROVENANCE if c in frame.columns])
    underived = ~out["value_type"].isin(DERIVED_DENOMINATORS)
    out.loc[underived, "denominator"] = np.nan
    # FingertipsNext publishes no denominators or 99.8% limits; they are derived from the 95%
    # limits only where those follow a standard method, which a survey's published intervals do not.
    # Without 99.8% limits a survey indicator compared at both levels is "Not compared" from FingertipsNext.
    surveys = out["indicator_id"].isin(_survey_indicators())
    underivable = ["denominator", "lower_ci_998", "upper_ci_998",
                   *[c for c in out.columns if c.endswith(("_comparison", "_reason")) and c != "published_comparison"]]
    out.loc[surveys, underivable] = np.nan
    return out


def test_every_replayed_fingertipsnext_answer_follows_the_definition(fetched):
    nxt = fetched["next"]
    data = [q for p, q in nxt["requests"] if p.endswith("/data")]
    assert len(data) > 100 and nxt["problems"] == []


def test_requests_are_batched_within_the_documented_limits(fetched, crowded):
    catalogue = load_catalogue()
    data = [(p, q) for p, q in fetched["next"]["requests"] if p.endswith("/data")]
    assert all(len(q["area_codes"]) <= 300 for _, q in data)
    # England alone (with its deprivation deciles), the regions, the preferred local area type, and the
    # other type's areas not already asked for: four requests per indicator, each area asked for once.
    assert len(data) == 4 * len(catalogue.fingertips())
    england = [q for _, q in data if q["area_codes"] == ["E92000001"]]
    assert len(england) == len(catalogue.fingertips())
    assert all(q.get("inequalities") == (["deprivation"] if q in england else None) for _, q in data)
    legacy = [q for p, q in fetched["legacy"]["requests"] if p.endswith("all_data/csv/by_indicator_id")]
    assert len(legacy) == 2  # one export per area type, up to 100 indicators each
    # 450 districts of one type go in two requests, of 300 (the documented limit) and the rest, each district once.
    districts = [q["area_codes"] for q in crowded["requests"] if q["area_codes"][0].startswith("E07")]
    assert [len(codes) for codes in districts] == [300, CROWDED_DISTRICTS - 300]
    assert sorted(sum(districts, [])) == [f"E07{n:06d}" for n in range(CROWDED_DISTRICTS)]
    assert crowded["failure"] is None and crowded["problems"] == [] and sum(d.rows for d in crowded["downloads"]) == CROWDED_DISTRICTS + 2


def test_both_backends_give_the_same_rows(fetched):
    legacy = _fingertips_rows(build_frame(fetched["legacy"]["root"], publishers=fetched["legacy"]["publishers"])[0])
    nxt = _fingertips_rows(build_frame(fetched["next"]["root"], publishers=fetched["next"]["publishers"])[0])
    # The legacy export also lists figures withheld for disclosure; FingertipsNext holds no row without a value.
    # 13 of them in the persons series, and 74 of the demo's suicide rates by sex (41001: a council's
    # female suicides are mostly small counts).
    withheld = legacy["value"].isna()
    assert withheld.sum() == 87 and legacy.loc[withheld, "suppressed"].all()
    assert (legacy.loc[withheld, "indicator_id"] == "41001").sum() == 74
    assert len(nxt) == len(legacy) - 87
    pd.testing.assert_frame_equal(_comparable(legacy[~withheld].reset_index(drop=True)), _comparable(nxt),
                                  check_exact=False, rtol=1e-6, atol=DEMO_ROUNDING)
    # the 99.8% limits FingertipsNext does not publish were derived for every row that has 95% limits
    # of a standard method
    derivable = nxt["lower_ci_95"].notna() & ~nxt["indicator_id"].isin(_survey_indicators())
    assert nxt.loc[derivable, "lower_ci_998"].notna().all()


def test_bundles_from_both_backends_are_equal(fetched, tmp_path, monkeypatch):
    frames = {}
    for name in ("legacy", "next"):
        monkeypatch.setattr("assessment.snapshots.snapshot.load_publishers",
                            lambda path=None, n=name: fetched[n]["publishers"])
        bundle = open_bundle(build_bundle_from_snapshot(fetched[name]["root"], tmp_path / name))
        frames[name] = bundle.frame
    key = ["indicator_id", "area_code", "period", "sex", "age", "category_type", "category"]
    legacy, nxt = (f.sort_values(key).reset_index(drop=True) for f in (frames["legacy"], frames["next"]))
    withheld = legacy["suppressed"] & legacy["source"].eq("OHID Fingertips")
    gappy = set(zip(legacy.loc[withheld, "indicator_id"], legacy.loc[withheld, "area_code"]))
    legacy = legacy[~withheld].reset_index(drop=True)
    assert len(legacy) == len(nxt)
    # What differs comes from the 12 figures the legacy export lists as withheld and FingertipsNext
    # omits: a series with a withheld point has a gap in one and is a point shorter in the other, so
    # its recent trend may differ. (None of the 12 leaves a roll-up without a value in the demo.)
    # Trends need denominators; FingertipsNext's can only be derived where the intervals follow a
    # standard method, so survey indicators (published intervals) have a trend from the legacy export only.
    surveys = _survey_indicators()
    trends = legacy["trend"].ne(nxt["trend"]) & ~legacy["indicator_id"].isin(surveys)
    assert {"22301", "92443"} <= surveys
    assert nxt.loc[nxt["indicator_id"].isin(surveys), "trend"].isin(["", "Cannot be calculated"]).all()
    # (Under the Fingertips rule a withheld point breaks the run of valid years in both, so today none differ.)
    assert set(zip(legacy.loc[trends, "indicator_id"], legacy.loc[trends, "area_code"])) <= gappy
    drop = ["trend", "trend_reason"] + [c for c in PROVENANCE if c in legacy.columns]
    # A parent of a withheld district says "suppressed or without counts" from the legacy export and
    # "no data" from FingertipsNext, which omits the row: the same gap in other words.
    for frame in (legacy, nxt):
        frame["value_note"] = frame["value_note"].str.replace(
            r"suppressed or without counts: |no data for ", "not usable: ", regex=True)
    pd.testing.assert_frame_equal(_comparable(legacy.drop(columns=drop)), _comparable(nxt.drop(columns=drop)),
                                  check_exact=False, rtol=1e-6, atol=DEMO_ROUNDING)
    assert (nxt["area_type"] == "pfa").any()


def test_identity_checks_are_kept_in_the_snapshot(fetched):
    for name in ("legacy", "next"):
        snapshot = open_snapshot(fetched[name]["root"])
        entry, = snapshot.files("fingertips_identity")
        record = json.loads(snapshot.path(entry).read_text())
        assert record["backend"] == name
        assert {c["status"] for c in record["indicators"]} == {"confirmed"}
        assert len(record["indicators"]) == len(load_catalogue().fingertips())


@pytest.mark.shared
def test_denominators_derived_from_the_real_export_are_its_own(shared_data):
    """The real Fingertips export (crude rates, Byar's limits): what FingertipsNext leaves out comes back."""
    text = (shared_data / "fingertips/indicators-CountyUA.data.csv").read_text(encoding="utf-8")
    meta = {"93356": IndicatorMeta("93356", "crude rate", 100000.0, "per 100,000", "low_is_good", "ci_overlap_95",
                                   ci_method="byars")}
    frame = parse_csv(text, url="file:indicators-CountyUA.data.csv", metadata=meta)
    published = frame["denominator"].copy()
    blank = frame.assign(denominator=np.nan, lower_ci_998=np.nan, upper_ci_998=np.nan)
    derived = fill_unpublished(blank, methods={"93356": "byars"})
    has = published.notna() & frame["count"].notna() & frame["lower_ci_95"].notna()
    assert has.sum() == 755
    assert (derived.loc[has, "denominator"] == published[has]).all()  # all 755, each to the person
