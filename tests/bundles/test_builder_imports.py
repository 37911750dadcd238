"""A build imports only what it uses: map, workbook and fuzzy-matching libraries wait until they are needed."""

from __future__ import annotations

import pytest

from tests.support.fresh_python import printed_words

#: Each took a tenth of a second or more of every `jsna build`'s start, which draws no map, writes no workbook
#: and suggests no area names.
NOT_FOR_A_BUILD = ("geopandas", "openpyxl", "rapidfuzz")


@pytest.mark.parametrize("module", NOT_FOR_A_BUILD)
def test_the_build_path_does_not_import(module):
    code = ("import sys, assessment.cli, assessment.bundles.builder, assessment.snapshots.snapshot; "
            f"print({module!r} in sys.modules)")
    assert printed_words(code) == ["False"]


def test_a_message_still_names_the_column_letter():
    from assessment.uploads.reader import get_column_letter

    assert [get_column_letter(n) for n in (1, 26, 27, 100)] == ["A", "Z", "AA", "CV"]
