"""Sections of a rendered HTML report, found by their headings (for the report tests)."""

from __future__ import annotations

import re


def heading_block(page: str, title: str) -> str | None:
    """The HTML under the heading titled ``title`` (at any level: the police and crime edition nests sections
    under its parts' headings), up to the next heading of the same or a higher level."""
    for heading in re.finditer(r"<h([1-6])[^>]*>(.*?)</h\1>", page, flags=re.S):
        if " ".join(re.sub(r"<[^>]+>", "", heading[2]).split()) == title:
            end = re.compile(rf"<h[1-{heading[1]}]\b").search(page, heading.end())
            return page[heading.end():end.start() if end else None]
    return None


def section(page: str, title: str) -> str:
    """:func:`heading_block`, failing the test naming the section when there is none."""
    found = heading_block(page, title)
    if found is None:
        raise AssertionError(f"no section {title!r}")
    return found
