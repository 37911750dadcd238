"""`jsna fetch --fingertips next` on a national replay with sexes and deprivation deciles: no point twice;
and where two answers of one fetch do give the same figure, they must agree.

The demo's figures are given a Female and a Male series beside every Persons one and
England deprivation deciles (as Fingertips publishes them), and replayed as the
server answers: sex segments in every answer, deciles only when asked for, in the
server's words.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from datetime import date

import pandas as pd
import pytest

from assessment.core.errors import SourceError
from assessment.tidy.frame import KEY_COLUMNS
from assessment.sources.catalogue import Catalogue, load_catalogue
from assessment.sources.fingertips.client import FingertipsClient
from assessment.inputs.http import session
from assessment.snapshots.fetch_checks import UncheckedAreasWarning
from assessment.snapshots.snapshot import build_frame, fetch_snapshot, open_snapshot

from tests.support.demo_files import copy_demo_sources
from tests.support.fingertips_replay import FingertipsReplay
from tests.support.replay_server import ReplayServer

DECILES = ["Most deprived decile", "Second most deprived decile", "Third more deprived decile",
           "Fourth more deprived decile", "Fifth more deprived decile", "Fifth less deprived decile",
           "Fourth less deprived decile", "Third less deprived decile", "Second least deprived decile",
           "Least deprived decile"]
DECILE_TYPE = "District & UA deprivation deciles in England (IMD2019, 4/23 geography)"


def _with_breakdowns(export: pd.DataFrame, indicators: int = 8) -> pd.DataFrame:
    """The export with Female and Male rows for every Persons row, and England's deciles, of some indicators."""
    chosen = sorted(set(export["Indicator ID"]))[:indicators]
    valued = export[(export["Value"] != "") & export["Indicator ID"].isin(chosen)]
    sexes = [valued.assign(Sex=sex, Value=(valued["Value"].astype(float) * factor).map(repr),
                           **{"Lower CI 95.0 limit": "", "Upper CI 95.0 limit": "", "Count": "",
                              "Compared to England value or percentiles": ""})
             for sex, factor in (("Female", 0.9), ("Male", 0.95))]
    england = valued[valued["Area Code"] == "E92000001"]
    deciles = [england.assign(**{"Category Type": DECILE_TYPE, "Category": f"{name} (IMD2019)",
                                 "Value": (england["Value"].astype(float) * (0.6 + 0.04 * i)).map(repr),
                                 "Lower CI 95.0 limit": "", "Upper CI 95.0 limit": "", "Count": "",
                                 "Recent Trend": ""})
               for i, name in enumerate(DECILES)]
    return pd.concat([export, *sexes, *deciles], ignore_index=True)


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """A fingertips-only snapshot fetched through ``jsna fetch --fingertips next`` from the replay."""
    from assessment.cli import main
    sources = copy_demo_sources(tmp_path_factory, tmp_path_factory.mktemp("sources"))
    export = _with_breakdowns(pd.read_csv(sources["fingertips"], dtype=str, keep_default_na=False))
    out = tmp_path_factory.mktemp("snapshots")
    with ReplayServer() as server:
        FingertipsReplay(export, load_catalogue().fingertips_meta()).install(server)
        code = main(["fetch", "--out", str(out), "--only", "fingertips", "--fingertips", "next",
                     "--fingertips-next-url", server.url + "/next/", "--fingertips-url", server.url + "/api/"])
        requests, problems = list(server.queries), list(server.problems)
    assert code == 0
    root = next(p for p in out.iterdir() if not p.name.startswith("."))  # not the snapshots lock
    return {"root": root, "export": export, "requests": requests, "problems": problems}


def _points(snapshot) -> Counter:
    """Every point downloaded, by (indicator, area, period, sex, age, deprivation type, decile)."""
    seen = Counter()
    for entry in snapshot.files("fingertips_next"):
        body = json.loads(snapshot.path(entry).read_text(encoding="utf-8"))
        for area in body["areaHealthData"]:
            for segment in area.get("indicatorSegments") or []:
                for point in segment["healthData"]:
                    seen[(body["indicatorId"], area["areaCode"], point["datePeriod"]["from"],
                          point["datePeriod"]["to"], segment["sex"]["value"], segment["age"]["value"],
                          point["deprivation"]["type"], point["deprivation"]["value"])] += 1
    return seen


def test_a_national_fetch_downloads_no_point_twice(national):
    points = _points(open_snapshot(national["root"]))
    twice = [key for key, times in points.items() if times > 1]
    assert len(points) > 10_000 and twice == []
    assert national["problems"] == []  # every answer as the server gives it
    asked = Counter(tuple(q.get("inequalities", [])) for p, q in national["requests"] if p.endswith("/data"))
    assert asked[("deprivation",)] == len(load_catalogue().fingertips())  # England, once per indicator
    # names come with the data: /indicators and /indicators/{id} answer 404 (no controller serves them)
    assert not [p for p, q in national["requests"] if re.fullmatch(r"/next/indicators(/\d+)?", p)]


def test_the_deciles_are_in_the_shared_words_and_every_figure_is_the_exports(national):
    frame, _ = build_frame(national["root"], publishers={})
    rows = frame[frame["source"].eq("OHID Fingertips")]
    assert not rows.duplicated(KEY_COLUMNS).any()
    deciles = rows[rows["category_type"] != ""]
    assert set(deciles["category_type"]) == {DECILE_TYPE}
    assert set(deciles["category"]) == {f"{name} (IMD2019)" for name in DECILES}
    export = national["export"]
    valued = export[(export["Value"] != "") & export["Indicator ID"].isin(set(rows["indicator_id"]))]
    assert len(rows) == len(valued)
    columns = {"Indicator ID": "indicator_id", "Area Code": "area_code", "Time period": "period", "Sex": "sex",
               "Age": "age", "Category Type": "category_type", "Category": "category", "Value": "published"}
    both = rows.merge(valued.rename(columns=columns)[list(columns.values())], on=KEY_COLUMNS, validate="1:1")
    assert len(both) == len(rows) and (both["value"] - both["published"].astype(float)).abs().max() < 1e-9
    # Female and Male rows come from the answers compared with England, as the legacy export's do
    assert set(rows.loc[rows["sex"].eq("Female") & rows["area_code"].ne("E92000001"), "source_url"].str.contains(
        "inequalities")) == {False}


def test_two_answers_of_one_fetch_that_disagree_stop_the_build_naming_both(tmp_path, tmp_path_factory):
    """The legacy exports of districts and of counties both carry the unitaries: their figures must agree."""
    sources = copy_demo_sources(tmp_path_factory, tmp_path / "sources")
    export = pd.read_csv(sources["fingertips"], dtype=str, keep_default_na=False)
    catalogue = Catalogue([load_catalogue().by_key["suicide_rate"]])
    indicator = catalogue.entries[0].frame_id
    export = export[export["Indicator ID"] == indicator]
    with ReplayServer() as server:
        FingertipsReplay(export, catalogue.fingertips_meta(), legacy_types={indicator: [501, 502]}).install(server)
        exports = server.routes["/api/all_data/csv/by_indicator_id"]

        def counties_differ(q):
            status, ctype, body = exports(q)
            if q["child_area_type_id"] == "502":
                table = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False)
                at = table.index[table["Area Code"].str.startswith("E06") & table["Value"].ne("")][0]
                table.loc[at, "Value"] = repr(float(table.loc[at, "Value"]) + 1)
                body = table.to_csv(index=False).encode()
            return status, ctype, body

        server.routes["/api/all_data/csv/by_indicator_id"] = counties_differ
        http = session(retries=0, cache_name=str(tmp_path / "cache"))
        with pytest.warns(UncheckedAreasWarning):  # a Fingertips-only fetch: no lookups to check areas against
            root = fetch_snapshot(tmp_path / "snapshots", catalogue=catalogue, publishers={}, http=http,
                                  client=FingertipsClient(server.url + "/api/", http=http), only=("fingertips",),
                                  fingertips_urls={"legacy": server.url + "/api/"}, today=date(2026, 11, 22))
    with pytest.raises(SourceError, match=r"child_area_type_id=501\S* and \S+child_area_type_id=502\S* disagree on "
                                          rf"{indicator}, E06\d+, [^:]+: value \S+ and \S+$"):
        build_frame(root, catalogue=catalogue, publishers={})


def _some_indicators(root, out, ids: set[str]):
    """A copy of a FingertipsNext snapshot holding the answers of ``ids`` only."""
    manifest = json.loads((root / "manifest.json").read_text())
    files = [e for e in manifest["files"] if e["kind"] == "fingertips_identity" or set(e.get("indicators", [])) & ids]
    for entry in files:
        (out / entry["path"]).parent.mkdir(parents=True, exist_ok=True)
        (out / entry["path"]).write_bytes((root / entry["path"]).read_bytes())
    (out / "manifest.json").write_text(json.dumps({**manifest, "files": files}))
    return out


def test_answers_framed_in_batches_give_what_answers_framed_one_by_one_give(national, tmp_path, monkeypatch):
    """`jsna build` frames the stored answers together, in batches of FRAME_ROWS rows: the frame and sources are alike."""
    from assessment.snapshots import snapshot as snapshots

    entries = open_snapshot(national["root"]).files("fingertips_next")
    # two indicators with sexes and deciles, and one with an answer that has no rows
    ids = {*sorted({e["indicators"][0] for e in entries})[:2], "90976"}
    assert any(e["rows"] == 0 for e in entries if e["indicators"][0] in ids)
    root = _some_indicators(national["root"], tmp_path / "2026-11-22", ids)
    framed: list[int] = []
    frame_answers = snapshots.frame_answers

    def counted(answers):
        framed.append(len(answers))
        return frame_answers(answers)

    monkeypatch.setattr(snapshots, "frame_answers", counted)
    built, batches = {}, {}
    for rows in (1, 300, 1_000_000):  # each answer alone (one without rows joins the next), a few batches, all at once
        monkeypatch.setattr(snapshots, "FRAME_ROWS", rows)
        built[rows] = build_frame(root, publishers={})
        batches[rows], framed[:] = list(framed), []
    answers = 4 * len(ids)
    assert sum(batches[1]) == answers and max(batches[1]) == 2 and batches[1_000_000] == [answers]
    assert len(batches[1]) > len(batches[300]) > 1
    alone = built[1]
    assert len(alone[0]) > 1000 and set(alone[0]["sex"]) == {"Persons", "Female", "Male"}
    periods = {source["file"]: source["period"] for source in alone[1]["sources"]}
    assert {periods[e["path"]] == "" for e in entries if e["indicators"][0] in ids} == {True, False}
    assert all(periods[e["path"]] == "" for e in entries if e["indicators"][0] in ids and e["rows"] == 0)
    for rows in (300, 1_000_000):
        pd.testing.assert_frame_equal(built[rows][0], alone[0], check_exact=True)
        assert built[rows][1] == alone[1]  # the metadata: the sources, each with its file's latest period
