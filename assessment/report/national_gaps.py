"""The report's list of national data gaps, from the data-gaps registry (``data_sources/data_gaps.yaml``).

Measures the seed asks for that no public source gives by local authority
(status ``not_published_locally``), each with why; the registry keeps the
text beside each gap's status, so correcting a gap is a registry edit.

>>> text = national_gaps_text()
>>> text.splitlines()[0]
'Known national data gaps, which need local data:'
>>> "Duty to Refer" in text
True
"""

from __future__ import annotations

from ..sources.catalogue import DataGap, load_data_gaps
from ..text import md


def national_gaps_text(gaps: list[DataGap] | None = None) -> str:
    """A Markdown paragraph and list: each measure not published locally, and why."""
    gaps = load_data_gaps() if gaps is None else gaps
    missing = [g for g in gaps if g.status == "not_published_locally"]
    return ("Known national data gaps, which need local data:\n\n"
            + "\n".join(f"- {md(g.name)}: {md(g.why)}" for g in missing) + "\n")
