"""Every Fingertips id is checked by name at fetch time, verified or not; unknown and superseded ids are resolved."""

from __future__ import annotations

import json
import warnings
from datetime import date

import pandas as pd
import pytest

from assessment.sources.catalogue import Catalogue, load_catalogue
from assessment.snapshots.fetch_steps import IndicatorStoppedWarning
from assessment.sources.fingertips.client import FingertipsClient
from assessment.sources.fingertips.identity import check_identities, same_indicator
from assessment.sources.fingertips.next_api import FingertipsNextClient
from assessment.inputs.http import session
from assessment.snapshots.snapshot import build_frame, fetch_snapshot, open_snapshot

from tests.support.demo_files import copy_demo_sources
from tests.support.fingertips_replay import FingertipsReplay
from tests.support.replay_server import ReplayServer

KEYS = ("continuity_of_care", "alcohol_admissions", "suicide_rate")  # 90976 unverified, 91414 verified, 41001
NEW_C21 = "93764"
NEW_C21_NAME = "Admission episodes for alcohol-related conditions (Narrow): New method"


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    sources = copy_demo_sources(tmp_path_factory, tmp_path_factory.mktemp("sources"))
    export = pd.read_csv(sources["fingertips"], dtype=str, keep_default_na=False)
    catalogue = load_catalogue()
    ids = [catalogue.by_key[k].frame_id for k in KEYS]
    export = export[export["Indicator ID"].isin(ids)]
    # the current C21 series: the same figures under the id PHOF now uses
    renamed = export[export["Indicator ID"] == "91414"].assign(**{"Indicator ID": NEW_C21})
    return pd.concat([export, renamed], ignore_index=True)


def _catalogue() -> Catalogue:
    full = load_catalogue()
    return Catalogue([full.by_key[k] for k in KEYS])


def _meta(catalogue):
    from dataclasses import replace

    meta = catalogue.fingertips_meta()
    meta[NEW_C21] = replace(meta["91414"], indicator_id=NEW_C21, name=NEW_C21_NAME)
    return meta


def _fetch(tmp_path, figures, *, names, profile=None, backend="legacy", legacy_answers=True):
    catalogue = _catalogue()
    kinds = {"90976": [502], "91414": [501, 502], NEW_C21: [501, 502], "41001": [501, 502]}
    with ReplayServer() as server:
        FingertipsReplay(figures, _meta(catalogue), legacy_types=kinds).install(server, names=names)
        if profile is not None:
            server.routes["/api/indicator_names/by_profile_id"] = lambda q: (200, "application/json", json.dumps(
                [{"IndicatorId": int(i), "IndicatorName": n} for i, n in profile.items()]).encode())
        if not legacy_answers:
            server.routes["/api/area_types"] = lambda q: (503, "text/plain", b"down")
        http = session(retries=0, cache_name=str(tmp_path / "cache"))
        client = (FingertipsClient(server.url + "/api/", http=http) if backend == "legacy"
                  else FingertipsNextClient(server.url + "/next/", http=http))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            root = fetch_snapshot(tmp_path / "snapshots", catalogue=catalogue, publishers={}, client=client,
                                  http=http, only=("fingertips",), fingertips_urls={"legacy": server.url + "/api/"},
                                  today=date(2026, 11, 22))
        problems = list(server.problems)
    stopped = [str(w.message) for w in caught if issubclass(w.category, IndicatorStoppedWarning)]
    snapshot = open_snapshot(root)
    record = json.loads(snapshot.path(snapshot.files("fingertips_identity")[0]).read_text())
    checks = {c["key"]: c for c in record["indicators"]}
    frame, _ = build_frame(root, catalogue=catalogue, publishers={})
    assert problems == []
    return checks, stopped, frame


def _names(**changes):
    names = {"90976": "Adults with substance misuse treatment need who successfully engage in community-based "
                      "structured treatment following release from prison",
             "91414": "Admission episodes for alcohol-related conditions (Narrow)", "41001": "Suicide rate",
             NEW_C21: NEW_C21_NAME}
    names.update(changes)
    return {k: v for k, v in names.items() if v is not None}


@pytest.mark.parametrize("backend", ["legacy", "next"])
def test_a_different_name_for_an_unverified_id_stops_that_id_only(tmp_path, figures, backend):
    assert not load_catalogue().by_key["continuity_of_care"].verified
    checks, stopped, frame = _fetch(tmp_path, figures, names=_names(**{"90976": "Smoking prevalence in adults"}),
                                    backend=backend)
    assert checks["continuity_of_care"]["status"] == "mismatch"
    message, = stopped
    assert "90976 (continuity_of_care) is named 'Smoking prevalence in adults', not 'Adults with substance misuse" in message
    assert "not fetched" in message
    assert "90976" not in set(frame["indicator_id"])
    assert {"91414", "41001"} <= set(frame["indicator_id"])  # the rest of the fetch went on
    assert checks["suicide_rate"]["status"] == "confirmed"


def test_a_verified_id_is_checked_too(tmp_path, figures):
    assert load_catalogue().by_key["alcohol_admissions"].verified
    checks, stopped, frame = _fetch(tmp_path, figures, names=_names(**{"91414": "Hip fractures in people aged 65 and over"}))
    assert checks["alcohol_admissions"]["status"] == "mismatch" and len(stopped) == 1
    assert "91414" not in set(frame["indicator_id"])


def test_an_id_unknown_to_the_api_is_resolved_by_phof_code_and_recorded(tmp_path, figures):
    profile = {NEW_C21: f"C21 - {NEW_C21_NAME}", "41001": "E10 - Suicide rate",
               "90976": "C20 - Adults with substance misuse treatment need who successfully engage in "
                        "community-based structured treatment following release from prison"}
    checks, stopped, frame = _fetch(tmp_path, figures, names=_names(**{"91414": None}), profile=profile)
    check = checks["alcohol_admissions"]
    assert (check["status"], check["catalogue_id"], check["fetched_id"]) == ("resolved", "91414", NEW_C21)
    assert check["published"] == NEW_C21_NAME and "unknown to Fingertips; found in the PHOF profile" in check["message"]
    assert stopped == []
    # the rows fetched under the new id are the catalogue entry's, and say where they came from
    rows = frame[frame["indicator_id"] == "91414"]
    assert len(rows) > 0 and rows["source_url"].str.contains(NEW_C21).all()
    assert NEW_C21 not in set(frame["indicator_id"])


def test_91414_no_longer_in_phof_is_replaced_by_the_current_c21_series(tmp_path, figures):
    """91414 still answers with its old name, but PHOF now lists the new-method series as C21."""
    profile = {NEW_C21: f"C21 - {NEW_C21_NAME}", "41001": "E10 - Suicide rate", "90976": "C20 - Adults with "
               "substance misuse treatment need who successfully engage in community-based structured treatment "
               "following release from prison"}
    checks, stopped, frame = _fetch(tmp_path, figures, names=_names(), profile=profile)
    check = checks["alcohol_admissions"]
    assert (check["status"], check["fetched_id"]) == ("resolved", NEW_C21)
    assert "not in the PHOF profile (superseded); PHOF C21 is now 93764" in check["message"]
    assert checks["suicide_rate"]["status"] == "confirmed" and checks["suicide_rate"]["notes"] == ""


def test_fingertipsnext_resolves_through_the_legacy_profile_or_stops_the_id(tmp_path, figures):
    profile = {NEW_C21: f"C21 - {NEW_C21_NAME}"}
    checks, stopped, frame = _fetch(tmp_path / "a", figures, names=_names(**{"91414": None}), profile=profile,
                                    backend="next")
    assert checks["alcohol_admissions"]["fetched_id"] == NEW_C21 and "91414" in set(frame["indicator_id"])
    # without an API that lists the PHOF profile, an unknown id cannot be resolved: it stops, saying so
    checks, stopped, frame = _fetch(tmp_path / "b", figures, names=_names(**{"91414": None}), backend="next",
                                    legacy_answers=False)
    assert checks["alcohol_admissions"]["status"] == "unknown"
    assert "FingertipsNext does not know indicator 91414 (alcohol_admissions" in stopped[0]
    assert checks["suicide_rate"]["notes"] == "PHOF profile not listed (FingertipsNext lists no profiles)"


class _Names:
    label = "Fingertips"

    def __init__(self, names):
        self.names = names

    def published_names(self, ids):
        return {i: self.names[i] for i in ids if i in self.names}

    def profile_names(self, profile_id):
        return None


def test_the_catalogue_names_match_both_apis_wordings():
    """Each catalogue entry's expected name against the names the two APIs publish (where known offline)."""
    catalogue = load_catalogue()
    published = {  # FingertipsNext's own wording (shared/data/fingertips/indicators.json) and legacy names
        "93701": "Children in absolute low income families aged 15 years and under",
        "93553": "Deprivation score (Index of Multiple Deprivation 2019)",
        "90362": "Healthy life expectancy at birth",
        "90244": "Successful completion of drug treatment: opiate users",
        "11201": "Violent crime - hospital admissions for violence (including sexual violence)",
    }
    checks = check_identities([catalogue.by_key[k] for k in catalogue.by_key
                               if catalogue.by_key[k].frame_id in published], _Names(published))
    assert [c.status for c in checks] == ["confirmed"] * len(published)
    assert not same_indicator(["Suicide rate"], "Under 75 mortality rate from liver disease")


def test_jsna_fetch_options_pick_the_backend_and_report_a_stopped_indicator(tmp_path, figures, monkeypatch, capsys):
    from assessment.cli import main

    catalogue = _catalogue()
    kinds = {"90976": [502], "91414": [501, 502], "41001": [501, 502]}
    monkeypatch.setattr("assessment.snapshots.snapshot.load_catalogue", lambda: catalogue)
    with ReplayServer() as server:
        FingertipsReplay(figures, _meta(catalogue), legacy_types=kinds).install(
            server, names=_names(**{"90976": "Smoking prevalence in adults"}))
        monkeypatch.setenv("JSNA_FINGERTIPS_NEXT_URL", server.url + "/next/")
        # through main(): its error boundary prints each warning as one line
        code = main(["fetch", "--out", str(tmp_path), "--only", "fingertips", "--fingertips-url", server.url + "/api/"])
        printed = capsys.readouterr().err
        bad = main(["fetch", "--out", str(tmp_path), "--only", "fingertip"])
        bad_printed = capsys.readouterr().err
    assert code == 0, printed
    assert "warning: FingertipsNext indicator 90976 (continuity_of_care) is named 'Smoking prevalence" in printed
    root = next(p for p in tmp_path.iterdir() if not p.name.startswith("."))  # not the lock
    kinds_written = {f["kind"] for f in open_snapshot(root).manifest["files"]}
    assert kinds_written == {"fingertips_next", "fingertips_identity"}  # auto took FingertipsNext; only Fingertips
    assert bad != 0 and "unknown source(s) fingertip" in bad_printed


def test_since_marks_fingertips_answers_unchanged_by_their_hash(tmp_path, figures):
    catalogue = _catalogue()
    kinds = {"90976": [502], "91414": [501, 502], "41001": [501, 502]}
    with ReplayServer() as server:
        FingertipsReplay(figures, _meta(catalogue), legacy_types=kinds).install(server, names=_names())
        http = session(retries=0, cache_name=str(tmp_path / "cache"))
        options = dict(catalogue=catalogue, publishers={}, http=http, only=("fingertips",))
        first = fetch_snapshot(tmp_path, client=FingertipsNextClient(server.url + "/next/", http=http),
                               fingertips_urls={"legacy": server.url + "/api/"}, today=date(2026, 11, 1), **options)
        second = fetch_snapshot(tmp_path, client=FingertipsNextClient(server.url + "/next/", http=http),
                                fingertips_urls={"legacy": server.url + "/api/"}, today=date(2026, 11, 22),
                                since=first, **options)
    files = open_snapshot(second).files("fingertips_next")
    assert files and all(f["unchanged_since"] == "2026-11-01" for f in files)
