"""Force names in every publisher's style, and broken copies of the justice files failing with one clear line."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from assessment.core.errors import InputError
from assessment.sources.justice import eff_conviction_ratio, eff_stop_search, home_office_arrests, ons_pfa_crime
from assessment.sources.justice.force_names import ForceNames, load_name_registry, split_footnotes

from tests.support.ods_copies import _ods_copy


LOOKUP = "lookups_population/lookup_ltla24_csp24_pfa24.csv"


@pytest.fixture(scope="module")
def forces(shared_data):
    return ForceNames.from_lookup_file(shared_data / LOOKUP)


@pytest.mark.shared
@pytest.mark.parametrize(("names", "code"), [
    (["Avon and Somerset", "Avon & Somerset", "AVON AND SOMERSET "], "E23000036"),
    (["London, City of", "City of London", "London, City of4", "City of London14"], "E23000034"),
    (["Metropolitan Police", "Metropolitan Police Service"], "E23000001"),
    (["Devon and Cornwall", "Devon & Cornwall"], "E23000035"),
    (["Lancashire2", "Lancashire ", "Lancashire"], "E23000003"),
    (["Essex10", "Greater Manchester8,9"], None),
    (["Dyfed-Powys4", "Dyfed Powys"], "W15000004"),
    (["Hampshire and Isle of Wight", "Hampshire"], "E23000030"),
])
def test_force_names_in_every_style(forces, names, code):
    got = {forces.code(name) for name in names}
    if code is None:  # two different forces, each found
        assert got == {"E23000028", "E23000005"}
    else:
        assert got == {code}


@pytest.mark.shared
def test_every_alias_names_a_force_of_the_lookup(forces):
    for alias, target in load_name_registry()["aliases"].items():
        assert forces.code(alias) is not None, f"alias {alias!r} -> {target!r} is not a force of the lookup"
    assert len(forces.codes) == 43 and sum(c.startswith("W15") for c in forces.codes) == 4


@pytest.mark.shared
def test_rows_that_are_not_forces_are_told_apart(forces):
    labels = ["ENGLAND AND WALES", "ENGLAND8", "North East Region", "", "WALES", "British Transport Police",
              "West Midlands ", "Staffordshire", "West Midlands", "All - excluding BTP", "Lancs Police"]
    kinds = [(r.kind, r.code) for r in forces.classify(labels)]
    assert kinds == [("total", "K04000001"), ("total", "E92000001"), ("region", "E12000001"), ("blank", ""),
                     ("skipped", ""), ("skipped", ""), ("region", "E12000005"), ("force", "E23000015"),
                     ("force", "E23000014"), ("total", "K04000001"), ("unknown", "")]
    assert split_footnotes("ENGLAND AND WALES (inc. BTP)9") == ("ENGLAND AND WALES (inc. BTP)", (9,))


def _one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


@pytest.mark.shared
def test_arrests_with_a_force_renamed_or_a_sheet_removed(shared_data, forces, tmp_path):
    source = shared_data / "justice/arrest-police-powers-procedures-mar19-hosb2519-tables.ods"
    renamed = _ods_copy(source, tmp_path / "renamed.ods", rename=("A_05", "Lancashire2", "Lancs Constabulary"))
    with pytest.raises(InputError) as error:
        home_office_arrests.read(renamed, forces=forces)
    message = _one_line(error)
    assert str(renamed) in message and "sheet 'A_05' row 15" in message and "'Lancs Constabulary'" in message
    dropped = _ods_copy(source, tmp_path / "dropped.ods", drop="A_07")
    with pytest.raises(InputError) as error:
        home_office_arrests.read(dropped, forces=forces)
    message = _one_line(error)
    assert str(dropped) in message and "no sheet 'A_07'" in message and "offence group" in message
    # still the arrests workbook (its title and other force sheets), so `jsna build` names the missing sheet
    assert home_office_arrests.recognise(dropped).key == "ho_arrests"


@pytest.mark.shared
def test_pfa_tables_with_a_force_renamed_or_a_sheet_removed(shared_data, forces, tmp_path):
    source = shared_data / "justice/pfatablesdec19.xlsx"
    book = openpyxl.load_workbook(source)
    cell = next(c for row in book["Table P1"].iter_rows() for c in row if c.value == "E23000003")
    book["Table P1"].cell(row=cell.row, column=2).value = "Lancs"
    book.save(tmp_path / "renamed.xlsx")
    with pytest.raises(InputError) as error:
        ons_pfa_crime.read(tmp_path / "renamed.xlsx", forces=forces)
    message = _one_line(error)
    assert f"sheet 'Table P1' row {cell.row}" in message and "E23000003 is named 'Lancs', not Lancashire" in message
    book = openpyxl.load_workbook(source)
    del book["Table P4  "]  # the sheet name carries two trailing spaces
    book.save(tmp_path / "dropped.xlsx")
    with pytest.raises(InputError) as error:
        ons_pfa_crime.read(tmp_path / "dropped.xlsx", forces=forces)
    message = _one_line(error)
    assert "dropped.xlsx: no sheet 'Table P4' (knife or sharp instrument offences)" in message
    book = openpyxl.load_workbook(source)
    sheet = book["Table P3"]
    row = next(c.row for c in sheet["A"] if c.value == "E23000014")
    sheet.delete_rows(row)
    book.save(tmp_path / "no_row.xlsx")
    with pytest.raises(InputError) as error:
        ons_pfa_crime.read(tmp_path / "no_row.xlsx", forces=forces)
    assert "sheet 'Table P3': no row for police force area(s) West Midlands (E23000014)" in _one_line(error)


@pytest.mark.shared
def test_named_csv_downloads_with_a_force_renamed_or_left_out(shared_data, forces, tmp_path):
    text = (shared_data / "justice/prosecutions-and-convictions.csv").read_text(encoding="utf-8")
    renamed = tmp_path / "convictions.csv"
    renamed.write_text(text.replace('"West Midlands"', '"W. Midlands"', 1), encoding="utf-8")
    with pytest.raises(InputError) as error:
        eff_conviction_ratio.read(renamed, forces=forces)
    message = _one_line(error)
    assert "column 'Police Force Area': 'W. Midlands' is not a police force area name" in message
    folder = tmp_path / "stop"
    folder.mkdir()
    shutil.copy(shared_data / "justice/ethnicity-stop-search-by-ethnicity.csv", folder)
    lines = (shared_data / "justice/ethnicity-stop-search-by-area.csv").read_bytes().split(b"\n")
    area = folder / "by-area.csv"
    area.write_bytes(b"\n".join(line for line in lines if not line.startswith(b'"Merseyside"')))
    with pytest.raises(InputError) as error:
        eff_stop_search.read_by_area(area, forces=forces)
    assert "no row for police force area(s) Merseyside (E23000004)" in _one_line(error)


@pytest.mark.shared
def test_stop_and_search_year_is_never_guessed(shared_data, forces, tmp_path):
    alone = tmp_path / "by-area.csv"
    shutil.copy(shared_data / "justice/ethnicity-stop-search-by-area.csv", alone)
    with pytest.raises(InputError) as error:
        eff_stop_search.read_by_area(alone, forces=forces)
    assert "states no year" in _one_line(error)
    unknown = tmp_path / "by-ethnicity.csv"
    unknown.write_text((shared_data / "justice/ethnicity-stop-search-by-ethnicity.csv").read_text()
                       .replace("529,474", "612,345"))
    with pytest.raises(InputError) as error:
        eff_stop_search.read_national(unknown)
    assert "no release with a national total of 612,345 searches" in _one_line(error)
