"""Report code builds frames with Python strings, and leaves pandas' own default as it found it."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from assessment.core.plain_strings import plain_strings, python_strings


def test_text_is_held_as_python_strings_within_and_as_before_after():
    default = pd.DataFrame({"area": ["Blackpool"]})["area"].dtype
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas' warning that pandas 4 drops the option is not the user's to see
        with python_strings():
            inside = pd.DataFrame({"area": ["Blackpool"]})["area"].dtype
            with python_strings():  # a report method calling another
                pass
            still = pd.DataFrame({"area": ["Preston"]})["area"].dtype
    assert inside == "object" and still == "object"
    assert pd.DataFrame({"area": ["Blackpool"]})["area"].dtype == default


def test_an_error_inside_leaves_the_default_as_it_was():
    @plain_strings
    def fails():
        raise ValueError("bad row")

    default = pd.DataFrame({"area": ["Blackpool"]})["area"].dtype
    with pytest.raises(ValueError, match="bad row"):
        fails()
    assert pd.DataFrame({"area": ["Blackpool"]})["area"].dtype == default


def test_without_the_option_nothing_changes(monkeypatch):
    """pandas 4 drops the option: then report code runs with pandas' default."""
    import assessment.core.plain_strings as module

    default = pd.DataFrame({"area": ["Blackpool"]})["area"].dtype
    monkeypatch.setattr(module, "OPTION", "future.no_such_option")
    with python_strings():
        assert pd.DataFrame({"area": ["Blackpool"]})["area"].dtype == default
