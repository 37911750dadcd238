"""Report building with text in new frames held as Python strings, not in pandas 3's Arrow-backed ``str``.

pandas 3 stores the text of every frame it builds (``pd.DataFrame(rows)``, a
concat, a Series of a row's values) in Arrow, and converts it back whenever a
report reads it as Python strings. A report builds thousands of small frames
and reads nearly every cell it writes: on 24 North West councils the kernel
spent 0.557 CPU s an area with Arrow strings and 0.461 without, every page,
chart and appendix byte for byte the same. Text is held as pandas 2 held it
(which ``pyproject.toml`` still allows): the report code is written for both.

Only while a report is built (:func:`plain_strings` around each
:class:`~assessment.report.area_report.AreaReport` method a template cell
calls, and around a warm kernel's :meth:`~assessment.bundles.bundle.Bundle.prepare_for_reports`,
so that the bundle's frames hold text alike in a warm kernel and a fresh one):
pandas' own default is left as it is everywhere else. pandas 4 drops the
option; then this does nothing.

>>> import pandas as pd
>>> @plain_strings
... def names():
...     return pd.DataFrame({"area": ["Blackpool"]})["area"].dtype
>>> names()
dtype('O')
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pandas as pd

#: pandas' switch between Arrow-backed ``str`` (pandas 3's default) and Python strings for new frames' text.
OPTION = "future.infer_string"

Function = TypeVar("Function", bound=Callable)


def _quietly(option_call: Callable, *args):
    """pandas' ``option_call`` (get or set) on :data:`OPTION`, without pandas 3's warning that pandas 4 drops it."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=f".*{OPTION}")
        return option_call(OPTION, *args)


@contextmanager
def python_strings() -> Iterator[None]:
    """Within the block, text in new frames is held as Python strings (``object``); as before after it."""
    try:
        before = _quietly(pd.get_option)
    except KeyError:  # pandas' OptionError: no such option (pandas 4)
        before = None
    if before is None:
        yield
        return
    _quietly(pd.set_option, False)
    try:
        yield
    finally:
        _quietly(pd.set_option, before)


def plain_strings(function: Function) -> Function:
    """``function`` run within :func:`python_strings`."""

    @functools.wraps(function)
    def within(*args, **kwargs):
        with python_strings():
            return function(*args, **kwargs)

    return within  # type: ignore[return-value]
