"""Plain text and sections of a rendered real report, for the end-to-end report tests."""

from __future__ import annotations

import html
import re

from tests.support.html_sections import section


def _text(page: str) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


_section = section  # a topic section's HTML, at whatever heading level its edition puts it
