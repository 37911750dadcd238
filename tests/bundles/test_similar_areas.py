"""Similar areas: ONS's nearest neighbours of councils (hand-checked against table 7a) and computed similar forces."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import openpyxl
import pandas as pd
import pytest

from assessment.core.errors import InputError
from assessment.bundles.similar_areas import council_neighbours, load_settings, report_codes
from assessment.sources.ons_similar_areas import read_workbook, recognise


WORKBOOK = "lookups_population/clusteringsimilarlocalauthoritiesandnearestneighbours.xlsx"

# Table 7a (global model), copied by hand from the workbook: each council's 20 neighbours in order.
BLACKPOOL = ["E06000010", "E06000018", "E06000021", "E08000012", "E06000027", "E08000017", "E06000002",
             "E06000026", "S12000042", "N09000003", "E06000012", "S12000049", "W06000024", "E08000023",
             "E08000024", "E06000003", "E06000006", "W06000011", "W06000022", "E08000016"]

HARTLEPOOL = ["E06000003", "E08000018", "E08000016", "E08000017", "E08000024", "E06000006", "E08000037",
              "E08000036", "E08000023", "E07000034", "E08000011", "E06000004", "E10000024", "W06000022",
              "E06000012", "E08000010", "E08000013", "E08000005", "E10000017"]

LANCASHIRE = ["E10000007", "E10000028", "E10000024", "E08000002", "E10000019", "E10000034", "E06000047",
              "E06000006", "E06000066", "E08000034", "E07000032", "E06000050", "E08000014", "E10000016",
              "E08000019", "E08000027", "E06000020", "E10000020", "E10000018", "E07000175"]


@pytest.fixture(scope="module")
def book(shared_data):
    return read_workbook(shared_data / WORKBOOK)


def neighbours_of(book, code: str, model: str = "global") -> list[str]:
    rows = book.neighbours[(book.neighbours["model"] == model) & (book.neighbours["area_code"] == code)]
    return list(rows.sort_values("rank")["neighbour_code"])


@pytest.mark.shared
def test_table_7a_neighbours_hand_checked(book):
    assert neighbours_of(book, "E06000009") == BLACKPOOL
    assert neighbours_of(book, "E06000001")[:19] == HARTLEPOOL
    assert neighbours_of(book, "E10000017") == LANCASHIRE
    blackpool = book.neighbours[(book.neighbours["area_code"] == "E06000009") & (book.neighbours["model"] == "global")]
    assert blackpool["area_name"].iloc[0] == "Blackpool"
    assert blackpool.loc[blackpool["rank"] == 1, "neighbour_name"].iloc[0] == "Kingston upon Hull, City of"
    # The other models are other tables: Hartlepool's economic neighbours start with Knowsley (table 7b).
    assert neighbours_of(book, "E06000001", "economic")[0] == "E08000011"


@pytest.mark.shared
def test_workbook_inputs_of_the_method(book, shared_data):
    assert recognise(shared_data / WORKBOOK).key == "ons_similar_areas"
    assert book.published == "2025-02-14"
    assert len(book.model_variables["global"]) == 31 and len(book.model_variables["demographic"]) == 5
    limits = book.thresholds.set_index("variable")
    assert limits.loc["Children in relative poverty (%)", "lower"] == pytest.approx(6.662)  # neighbours model
    assert limits.loc["Children in relative poverty (%)", "upper"] == pytest.approx(40.438)
    hartlepool = book.variables.set_index("area_code").loc["E06000001"]
    assert hartlepool["Children in relative poverty (%)"] == pytest.approx(23.4)
    assert book.variables.set_index("area_code").loc["E09000001"].drop("area_name").isna().any()  # City of London: [x]


def test_a_workbook_without_a_neighbours_table_is_named(tmp_path):
    path = tmp_path / "clustering.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Contents"
    wb.active.append(["Clustering similar local authorities and statistical nearest neighbours, United Kingdom"])
    sheet = wb.create_sheet("4")
    sheet.append(["Table 4: Data used in the clustering and nearest neighbour models"])
    wb.save(path)
    assert recognise(path).key == "ons_similar_areas"
    with pytest.raises(InputError, match=r"clustering\.xlsx: no 'Table 7a' sheet"):
        read_workbook(path)


def test_codes_follow_the_crosswalk():
    # Barnsley's 2025 code goes back to its 2024 one; the former Cumbria county (split) has none.
    codes = pd.Series(["E08000038", "E10000006", "E06000009"])
    mapped = report_codes(codes, {"E08000016", "E06000009"}, "2024")
    assert mapped.iloc[0] == "E08000016" and pd.isna(mapped.iloc[1]) and mapped.iloc[2] == "E06000009"


@pytest.mark.shared
def test_a_council_the_workbook_does_not_list_is_named(book):
    areas = pd.DataFrame({"code": ["E06000009", "E06000099"], "name": ["Blackpool", "Newshire"]})
    geography = SimpleNamespace(vintage="2024", areas=areas,
                                codes_of_type=lambda level: list(areas["code"]) if level == "lad" else [])
    table, notes = council_neighbours(book, geography, load_settings())
    assert list(table["area_code"].unique()) == ["E06000009"]
    blackpool = table.sort_values("rank")
    assert list(blackpool["neighbour_code"]) == BLACKPOOL
    assert list(blackpool["in_report"])[:2] == [False, False]  # Hull and Nottingham are not in this geography
    assert len(notes) == 1 and notes[0].startswith("Newshire (E06000099) has no nearest neighbours")


@pytest.mark.shared
def test_bundle_carries_each_councils_neighbours(real_bundle):
    from assessment.bundles.bundle import open_bundle

    table = open_bundle(real_bundle).table("similar_areas")
    blackpool = table[(table["kind"] == "council") & (table["area_code"] == "E06000009")].sort_values("rank")
    assert list(blackpool["neighbour_code"]) == BLACKPOOL
    # Scottish and Northern Irish neighbours are not in the report's geography; the English ones all are.
    country = blackpool["neighbour_code"].str[0]
    assert not blackpool.loc[country.isin(["S", "N"]), "in_report"].any()
    assert blackpool.loc[country == "E", "in_report"].all() and (country == "E").sum() == 14


def by_hand_distances(book, lookup: pd.DataFrame, population: pd.Series, force: str) -> pd.Series:
    """The documented method written out step by step: distance of every force from ``force``."""
    chosen = book.model_variables["global"]
    values = book.variables.set_index("area_code")
    forces = {}
    for code, councils in lookup.groupby("pfa24_code")["ltla24_code"]:
        row = {}
        for name in chosen:
            have = [c for c in councils.unique() if c in values.index and not np.isnan(values.at[c, name])]
            people = np.array([population[c] for c in have])
            x = np.array([values.at[c, name] for c in have])
            if name.startswith("Population density"):
                row[name] = people.sum() / (people / x).sum() if have else np.nan  # people over area
            else:
                row[name] = (x * people).sum() / people.sum() if have else np.nan
        forces[code] = row
    table = pd.DataFrame(forces).T.dropna()
    limits = book.thresholds.set_index("variable")
    for name in chosen:
        table[name] = table[name].clip(limits.at[name, "lower"], limits.at[name, "upper"])
    z = (table - table.mean()) / table.std(ddof=0)
    return np.sqrt(((z - z.loc[force]) ** 2).sum(axis=1)).drop(force).sort_values()


@pytest.mark.shared
def test_similar_forces_follow_the_documented_method(book, real_bundle, shared_data):
    from assessment.bundles.bundle import open_bundle
    from assessment.bundles.similar_areas import force_neighbours

    bundle = open_bundle(real_bundle)
    lookup = pd.read_csv(shared_data / "lookups_population/lookup_ltla24_csp24_pfa24.csv", dtype=str)
    lookup = lookup[lookup["ltla24_code"].isin(set(bundle.geography.lads["lad_code"]))]  # the report's councils
    estimates = pd.read_csv(shared_data / "lookups_population/england+wales_2023.csv", thousands=",")
    population = estimates.set_index("Code")["All ages"].astype(float)
    expected = by_hand_distances(book, lookup, population, "E23000003").head(7)  # Lancashire

    table = bundle.table("similar_areas")
    lancashire = table[(table["kind"] == "force") & (table["area_code"] == "E23000003")].sort_values("rank")
    assert list(lancashire["neighbour_code"]) == list(expected.index)
    assert np.allclose(lancashire["distance"], expected.to_numpy())
    assert list(lancashire["neighbour_name"]) == ["Derbyshire", "South Yorkshire", "Leicestershire", "Staffordshire",
                                                  "Northumbria", "Nottinghamshire", "West Mercia"]
    # Reproducible: the same inputs give the same list, distances and all.
    populations = population.to_dict()
    first, _ = force_neighbours(book, bundle.geography, populations, load_settings())
    again, left_out = force_neighbours(book, bundle.geography, populations, load_settings())
    pd.testing.assert_frame_equal(first, again)
    mine = first[first["area_code"] == "E23000003"]
    assert list(mine["neighbour_code"]) == list(expected.index)
    assert any(note.startswith("London, City of (E23000034)") for note in left_out)  # no table 4 values
