"""The support needs tables of the real reports, read back from their HTML."""

from __future__ import annotations

import re

from tests.support.html_sections import section as section_html
from tests.support.report_text import _text


NEEDS = ["Offending history", "Care leaver", "Young person", "Mental health", "Learning disability",
         "Drug dependency", "Alcohol dependency", "Domestic abuse", "HM Forces"]


def _tables(html: str) -> list[list[list[str]]]:
    """Each table's rows of cell texts (header row first)."""
    out = []
    for table in re.findall(r"<table\b.*?</table>", html, flags=re.S):
        rows = re.findall(r"<tr\b.*?</tr>", table, flags=re.S)
        out.append([[_text(c).strip() for c in re.findall(r"<t[hd]\b.*?</t[hd]>", r, flags=re.S)] for r in rows])
    return out


def _support_needs(page: str) -> str:
    return section_html(page, "Support needs of households owed a duty")
