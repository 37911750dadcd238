"""Safe text for reports: markdown escaping and number formatting.

Every area name, indicator name and uploaded text placed into a report goes
through :func:`md` first, so a name such as ``Leeds <script>`` or
``St. Helens [x](y)`` renders as the literal text in HTML, Word and PDF.

>>> md("Brighton & Hove *City* <b>")
'Brighton \\\\& Hove \\\\*City\\\\* \\\\<b\\\\>'
>>> format_value(8.1234, "directly standardised rate", 100000)
'8.1 per 100,000'
>>> format_value(31.96, "proportion", 100)
'32.0%'
"""

from __future__ import annotations

import math
import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
#: Unicode's bidirectional formatting characters (embeddings, overrides, isolates and marks):
#: a right-to-left override in an area name would make the text that follows read backwards
#: ("Leeds\u202etxt.exe"), so no output carries them.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                       "\u2066\u2067\u2068\u2069"))


def plain(text: object) -> str:
    """``text`` on one line without bidirectional control characters (what every output may show).

    >>> plain("Leeds\\u202e <b>\\n  x")
    'Leeds <b> x'
    """
    return " ".join(str(text).translate(BIDI_CONTROLS).split())


def md(text: object) -> str:
    """Escape ``text`` for pandoc markdown: every ASCII punctuation mark is backslash-escaped.

    Pandoc treats a backslash before any ASCII punctuation as that literal
    character, so this is safe for any input and loses nothing. Newlines become
    spaces so text cannot start a new block (a heading, a list, a raw HTML block),
    and bidirectional controls are dropped (:func:`plain`).
    """
    return _PUNCTUATION.sub(r"\\\1", plain(text))


def md_cell(text: object) -> str:
    """Escape text for a pipe-table cell (as :func:`md`; ``|`` is punctuation too)."""
    return md(text)


def thousands(number: float, decimals: int = 0) -> str:
    """Format with thousands separators: ``thousands(12345.6) == '12,346'``."""
    return f"{number:,.{decimals}f}"


def format_value(value: float | None, value_type: str, multiplier: float | None = None,
                 decimals: int = 1) -> str:
    """A figure as a reader sees it, with its unit ("32.0%", "8.1 per 100,000", "1,234")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    if value_type == "proportion" and (multiplier in (None, 100, 100.0)):
        return f"{value:.{decimals}f}%"
    if value_type in ("crude rate", "directly standardised rate", "proportion") and multiplier \
            and multiplier != 1:  # a ratio per one (reoffences per reoffender) is just the number
        return f"{value:,.{decimals}f} per {thousands(multiplier)}"
    if value_type == "count":
        return thousands(value)
    if value_type == "rank":
        return thousands(value)
    return f"{value:,.{decimals}f}"


def in_sentence(name: str) -> str:
    """An indicator name as it reads inside a sentence: first letter lower case unless it starts an acronym.

    >>> in_sentence("Deaths related to drug poisoning"), in_sentence("IMD 2019: average score")
    ('deaths related to drug poisoning', 'IMD 2019: average score')
    >>> in_sentence("Households owed a duty"), in_sentence("A&E attendances"), in_sentence("")
    ('households owed a duty', 'A&E attendances', '')
    >>> in_sentence("Self-reported wellbeing"), in_sentence("COVID-19 deaths")
    ('self-reported wellbeing', 'COVID-19 deaths')
    """
    first = name.split(" ", 1)[0]
    # a hyphenated word ("Self-reported") is a word too; an acronym with a number ("COVID-19") is not lowered
    if len(first) > 1 and first[0].isupper() and first[1:].islower() and first.replace("-", "").isalpha():
        return name[0].lower() + name[1:]
    return name


def capital(text: str) -> str:
    """``text`` with its first letter upper case (a sentence's start).

    >>> capital("the Lancashire police force area"), capital("")
    ('The Lancashire police force area', '')
    """
    return text[:1].upper() + text[1:]

