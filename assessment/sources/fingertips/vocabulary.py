"""The Fingertips APIs' vocabularies, mapped to ours (``data_sources/fingertips_vocabulary.yaml``).

Both backends translate through here, so the same published judgement reads
the same whichever API it came from:

>>> published_comparison("legacy", "2nd lowest quintile", "no_judgement")
'2nd lowest quintile'
>>> published_comparison("next", "Best", "low_is_good", method="quintiles")
'Best quintile'
>>> published_comparison("next", "NotCompared", "high_is_good")
''
>>> polarity("next", "LowIsGood"), comparator("legacy", 17)
('low_is_good', 'ci_overlap_95_998')
>>> published_trend("next", "Not yet calculated"), published_trend("legacy", "No change")
('', 'No significant change')
>>> area_type_id("legacy", "district"), area_type_id("next", "county")
(501, 'counties-and-unitary-authorities')
>>> polarity("next", "Sideways")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
assessment.core.errors.SourceError: FingertipsNext polarity 'Sideways' is not in .../fingertips_vocabulary.yaml
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ...core.errors import SourceError
from ...core.paths import DATA_SOURCES_DIR
from ...core.registry_fields import read_registry
from ...stats.compare import _bin_label

VOCABULARY_PATH = DATA_SOURCES_DIR / "fingertips_vocabulary.yaml"
API_NAMES = {"legacy": "Fingertips", "next": "FingertipsNext"}


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    """The registry, keys normalised (ids as ints, words case-folded) so lookups are exact."""
    return read_registry(VOCABULARY_PATH, "Fingertips vocabulary")


def _key(word) -> object:
    if isinstance(word, (int, float)) and not isinstance(word, bool):
        return int(word)
    text = " ".join(str(word).split())
    try:
        return int(text)
    except ValueError:
        return text.lower()


def _lookup(api: str, section: str, word, table: dict | None = None):
    table = vocabulary()[section][api] if table is None else table
    wanted = _key(word)
    for known, ours in table.items():
        if _key(known) == wanted:
            return ours
    raise SourceError(f"{API_NAMES[api]} {section.replace('_', ' ')} '{word}' is not in {VOCABULARY_PATH}")


def area_type_id(api: str, area_type: str):
    """The API's identifier of one of our area types (district, county, region, england)."""
    return vocabulary()["area_types"][area_type][api]


def polarity(api: str, word) -> str:
    """Our polarity for an API polarity id, text or enum name."""
    return _lookup(api, "polarity", word)


def comparator(api: str, word) -> str:
    """Our comparator key for an API comparison method."""
    return _lookup(api, "benchmark_method", word)


def published_comparison(api: str, word, our_polarity: str, *, method: str = "ci") -> str:
    """A published comparison with England in our words ("" when the API did not compare).

    ``method`` says how a FingertipsNext outcome is to be read: "quintiles" when
    the indicator's benchmark method is quintiles (its "Better" is then the
    second-best quintile), otherwise "ci".
    """
    if word is None or (isinstance(word, float) and pd.isna(word)) or not str(word).strip():
        return ""
    table = vocabulary()["comparison"][api]
    if api == "next":
        table = table["quintiles" if method == "quintiles" else "ci"]
    ours = _lookup(api, "comparison", word, table)
    if isinstance(ours, dict):
        judged = our_polarity in ("high_is_good", "low_is_good")
        if "rank" in ours:  # counted from the worst quintile
            if not judged:
                raise SourceError(f"{API_NAMES[api]} comparison '{word}' judges an indicator whose "
                                  f"polarity is {our_polarity}")
            bin_no = ours["rank"] if our_polarity == "high_is_good" else 6 - ours["rank"]
        else:
            bin_no = ours["bin"]
        return _bin_label(bin_no, 5, our_polarity)
    return ours


def published_trend(api: str, word) -> str:
    """A published recent trend in our words ("" when the API gives none)."""
    if word is None or (isinstance(word, float) and pd.isna(word)) or not str(word).strip():
        return ""
    return _lookup(api, "trend", word)


def category(api: str, category_type: str, name: str) -> tuple[str, str]:
    """An inequality category (its type and its name) in our words: the legacy API's.

    The legacy API's words are ours already; a FingertipsNext type must be in the
    registry, so a renamed type cannot start a second series that never meets the first.

    >>> category("next", "Districts and Unitary Authorities deprivation deciles: Apr 2023 geography "
    ...          "(Index of Multiple Deprivation 2019)", "Most deprived decile")
    ('District & UA deprivation deciles in England (IMD2019, 4/23 geography)', 'Most deprived decile (IMD2019)')
    >>> category("legacy", "County & UA deprivation deciles in England (IMD2015)", "Least deprived decile (IMD2015)")
    ('County & UA deprivation deciles in England (IMD2015)', 'Least deprived decile (IMD2015)')
    """
    if api == "legacy" or not category_type:
        return category_type, name
    ours = _lookup(api, "category_types", category_type)
    edition = f" ({ours['imd']})" if ours.get("imd") else ""
    return ours["type"], name if not edition or name.endswith(edition) else name + edition
