"""How big a difference is: size words, percentage points, and the registry's threshold for a small one."""

from __future__ import annotations

import shutil

import pytest

from assessment.report.difference import is_small, size_words
from assessment.core.errors import InputError
from assessment.core.paths import data_sources_dir
from assessment.registry.all_registries import registries


# ------------------------------------------------------------------ wording at the boundaries
@pytest.mark.parametrize("value,words", [
    (1.0, "level with England"),
    (1.004, "level with England"),
    (1.005, "1% above England"),               # half a per cent rounds up, not down to "level"
    (1.03, "3% above England"),
    (1.494, "49% above England"),
    (1.5, "about one and a half times England's rate"),
    (1.749, "about one and a half times England's rate"),
    (1.75, "about twice England's rate"),
    (1.95, "about twice England's rate"),      # robbery in West Midlands, 3.00 against 1.54
    (2.25, "about two and a half times England's rate"),
    (3.1, "about three times England's rate"),
    (12.6, "about 13 times England's rate"),
    (0.97, "3% below England"),
    (0.71, "29% below England"),
    (0.70, "about a third lower than England"),
    (0.64, "about a third lower than England"),
    (0.63, "37% below England"),
    (0.55, "45% below England"),
    (0.549, "about half England's rate"),
    (0.3, "about a third of England's rate"),
    (0.26, "about a quarter of England's rate"),
    (0.05, "less than a tenth of England's rate"),
])
def test_size_words_at_their_boundaries(value, words):
    assert size_words(value, 1.0, "crude rate") == words


def test_a_share_is_given_in_percentage_points_and_a_count_gets_no_ratio():
    assert size_words(42.0, 45.5, "proportion", 100) == "3.5 percentage points below England"
    assert size_words(46.5, 45.5, "proportion", 100) == "1 percentage point above England"
    assert size_words(91.0, 45.5, "proportion", 100) == "about twice England's figure"
    assert size_words(12, 10, "count") == "" and size_words(30.0, 20.0, "score") == ""
    assert size_words(8.0, float("nan"), "crude rate") == ""


# ------------------------------------------------------------------ the small-difference rule
@pytest.mark.parametrize("value,small", [(1.0, True), (1.094, True), (1.095, False), (0.906, True),
                                         (0.905, False), (2.0, False)])
def test_a_difference_under_a_tenth_of_england_is_small_in_practice(value, small):
    assert is_small(value, 1.0, "directly standardised rate") is small


def test_the_threshold_is_read_from_the_registry_not_code(tmp_path, monkeypatch):
    assert registries().difference.small == 0.10  # data_sources/key_messages.yaml small_difference
    folder = tmp_path / "data_sources"
    shutil.copytree(data_sources_dir(), folder)
    registry = folder / "key_messages.yaml"
    registry.write_text(registry.read_text().replace("small_difference: 0.10", "small_difference: 0.05"))
    monkeypatch.setenv("JSNA_DATA_SOURCES", str(folder))
    assert registries().difference.small == 0.05
    assert not is_small(1.07, 1.0, "crude rate") and is_small(1.04, 1.0, "crude rate")


def test_a_bad_threshold_is_one_line_naming_the_file(tmp_path, monkeypatch):
    folder = tmp_path / "data_sources"
    shutil.copytree(data_sources_dir(), folder)
    registry = folder / "key_messages.yaml"
    registry.write_text(registry.read_text().replace("small_difference: 0.10", "small_difference: 10"))
    monkeypatch.setenv("JSNA_DATA_SOURCES", str(folder))
    with pytest.raises(InputError, match=r"key_messages.yaml: small_difference '10' must be a share"):
        registries()
