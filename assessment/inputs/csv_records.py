"""How many data records a CSV text holds, shared by the readers, the completeness checks and `jsna import`.

>>> csv_records('a,b\\n1,"two\\nlines"\\n3,4\\n')
2
"""

from __future__ import annotations

import re

_QUOTED = re.compile(r'"[^"]*"')


def csv_records(text: str) -> int:
    """Data records in CSV text: lines outside quotes, the header and trailing blank lines excluded.

    Counted with one regular expression rather than a CSV parser (ten times
    faster on a national export); a doubled quote inside a field is two
    adjacent quoted runs, so every quoted newline is still found.
    """
    end = len(text)  # the text up to its trailing line breaks, counted in place (a copy was 250 MB)
    while end and text[end - 1] in "\r\n":
        end -= 1
    if not end:
        return 0
    quoted_newlines = sum(run.count("\n") for run in _QUOTED.findall(text, 0, end))
    return text.count("\n", 0, end) + 1 - quoted_newlines - 1
