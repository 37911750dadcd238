"""The catalogue covers every indicator a publisher reader lists."""

from __future__ import annotations

import yaml

from assessment.core.paths import DATA_SOURCES_DIR
from assessment.sources.catalogue import load_catalogue


def test_every_indicator_a_publisher_reader_lists_is_in_the_catalogue():
    with open(DATA_SOURCES_DIR / "publishers.yaml", encoding="utf-8") as handle:
        registry = yaml.safe_load(handle)
    catalogue = {e.frame_id: e for e in load_catalogue().entries}
    sections = {s["key"] for s in yaml.safe_load((DATA_SOURCES_DIR / "report_sections.yaml").read_text())["sections"]}
    for key, spec in registry["publishers"].items():
        # An entry that gives a table instead (``provides:``, the similar-areas workbook) lists none.
        assert spec.get("indicators") or spec.get("provides"), key
        for indicator in spec.get("indicators", []):
            entry = catalogue[indicator]
            assert entry.section in sections | {"population"}, indicator
        assert key in registry["precedence"], key
