"""The one way a publisher reader writes its rows (assessment/sources/records.py): every indicator fact
comes from the catalogue in use, areas and periods are read once, and a row the catalogue or the
geography does not know is refused with one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assessment.core.errors import InputError
from assessment.core.paths import DATA_SOURCES_DIR
from assessment.sources import imd, mhclg_rough_sleeping, ons_drug_deaths, ons_population
from assessment.sources.records import build_frame

#: Catalogue fields and the tidy-frame column each fills (see data_sources/indicators.yaml).
EDITED = {"title": "indicator_name", "unit": "unit", "polarity": "polarity", "comparator": "comparator_method"}


def _catalogue_copy(tmp_path: Path, monkeypatch, key: str, edits: dict[str, str]) -> None:
    """A copy of data_sources/ in use (JSNA_DATA_SOURCES) with one catalogue entry's fields edited."""
    folder = Path(shutil.copytree(DATA_SOURCES_DIR, tmp_path / "data_sources"))
    path = folder / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - key: {key}\n")
    end = text.find("\n  - key: ", start + 1)
    entry = text[start:end if end > 0 else len(text)]
    edited = entry
    for field, value in edits.items():
        line = next(line for line in entry.splitlines() if line.startswith(f"    {field}: "))
        edited = edited.replace(line, f"    {field}: {value}")
    path.write_text(text.replace(entry, edited), encoding="utf-8")
    monkeypatch.setenv("JSNA_DATA_SOURCES", str(folder))


def _population_csv(tmp_path: Path) -> Path:
    path = tmp_path / "mye-2023.csv"
    path.write_text("Code,Name,Geography,All ages\nE92000001,ENGLAND,Country,57690323\n"
                    "E06000009,Blackpool,Unitary Authority,141100\n", encoding="utf-8")
    return path


def _drug_deaths_csv(tmp_path: Path) -> Path:
    path = tmp_path / "la.csv"
    path.write_text("code,name,2020,2019\nE92000001,ENGLAND,4312,4115\nE06000009,Blackpool,42,:\n", encoding="utf-8")
    return path


def _imd_csv(tmp_path: Path) -> Path:
    path = tmp_path / "iod.csv"
    path.write_text("lad19cd,lad19nm,year,index_domain,average_score,rank_average_score,proportion_bottom_decile\n"
                    "E06000009,Blackpool,2019,Index of Multiple Deprivation,45.039,1,0.4149\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("key", "frame_id", "reader", "write"), [
    ("ons_population", "ons-population", ons_population.read, _population_csv),
    ("ons_drug_poisoning_deaths", "ons-drug-poisoning-deaths", ons_drug_deaths.read, _drug_deaths_csv),
    ("imd2019_proportion_bottom_decile", "imd2019-proportion-bottom-decile", imd.read, _imd_csv),
])
def test_a_reader_takes_every_indicator_fact_from_the_catalogue_in_use(tmp_path, monkeypatch, key, frame_id,
                                                                        reader, write):
    edits = {"title": "An edited title", "unit": "edited units", "polarity": "high_is_good",
             "comparator": "quartiles"}
    _catalogue_copy(tmp_path, monkeypatch, key, edits)
    frame = reader(write(tmp_path))
    rows = frame[frame["indicator_id"] == frame_id]
    assert len(rows) > 0
    for field, column in EDITED.items():
        assert set(rows[column]) == {edits[field]}, column


@pytest.mark.shared
def test_the_rough_sleeping_reader_takes_its_rate_from_the_catalogue(shared_data, tmp_path, monkeypatch):
    _catalogue_copy(tmp_path, monkeypatch, "mhclg_rough_sleeping_rate",
                    {"title": "Rough sleeping per 1,000", "multiplier": "1000", "unit": "per 1,000 residents"})
    frame = mhclg_rough_sleeping.read(shared_data / "homelessness/Rough_sleeping.xlsx")
    blackpool = frame.set_index(["indicator_id", "area_code", "period"]).loc[
        ("mhclg-rough-sleeping-rate", "E06000009", "2022")]
    assert (blackpool["indicator_name"], blackpool["unit"]) == ("Rough sleeping per 1,000", "per 1,000 residents")
    assert blackpool["value"] == pytest.approx(7 / 140954 * 1000)  # the catalogue's multiplier, not 100,000
    assert blackpool["lower_ci_95"] < blackpool["value"] < blackpool["upper_ci_95"]


def _record(**given) -> dict:
    return {"indicator_id": "mhclg-rough-sleeping-rate", "area_code": "E06000009", "area_name": "Blackpool",
            "period": "2022", "count": 7.0, "denominator": 140954.0, **given}


def test_a_rate_record_gets_its_value_intervals_dates_and_provenance():
    frame = build_frame([_record()], source="MHCLG rough sleeping snapshot", path=Path("Rough_sleeping.xlsx"),
                        vintage="autumn 2022")
    row = frame.iloc[0]
    assert row["value"] == pytest.approx(7 / 140954 * 100000)
    assert row["lower_ci_95"] < row["value"] < row["upper_ci_95"]
    assert (row["area_type"], row["source_url"], row["vintage"]) == ("lad", "Rough_sleeping.xlsx", "autumn 2022")
    assert (row["period_start"].isoformat()[:10], row["period_end"].isoformat()[:10]) == ("2022-01-01", "2022-12-31")


def test_an_indicator_the_catalogue_lacks_is_one_line_naming_the_file():
    with pytest.raises(InputError, match=r"^Rough_sleeping\.xlsx:Table 1: indicator\(s\) mhclg-rough-sleeping-by-sex "
                                         r"are not in data_sources/indicators\.yaml$"):
        build_frame([_record(indicator_id="mhclg-rough-sleeping-by-sex")], source="s",
                    path=Path("Rough_sleeping.xlsx"), where="Rough_sleeping.xlsx:Table 1")


def test_an_area_of_no_report_geography_is_refused_unless_the_reader_leaves_such_areas_out():
    records = [_record(), _record(area_code="E11000001", area_name="Greater Manchester (Met County)")]
    with pytest.raises(InputError, match=r"x\.xlsx.*'E11000001' is not one the report's geographies use"):
        build_frame(records, source="s", path=Path("x.xlsx"))
    kept = build_frame(records, source="s", path=Path("x.xlsx"), other_areas="drop")
    assert kept["area_code"].tolist() == ["E06000009"]
