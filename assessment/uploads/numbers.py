"""The one reader of numbers in uploads, used by validation and by loading alike.

A count is written with the ASCII digits 0-9 only, optionally with commas
between groups of three (``1,250``), as the template's instructions say.
Nothing else is a count: not ``1_000`` or ``1e3`` (Python would read them),
not other scripts' digits (``٨٠``), not ``12.0``, ``inf`` or ``NaN``. Because
validation and loading call the same function, a row that validates is never
dropped when it is loaded.

>>> parse_count("1,250"), parse_count("0"), parse_count("007")
(1250, 0, 7)
>>> for text in ["1_000", "\u0668\u0660", "-3", "10.5", "1e3", "1,00", "+5"]:
...     try:
...         parse_count(text)
...     except CountError as exc:
...         print(exc)
not a number: '1_000' (write digits 0-9 only, with commas between thousands if you like: 1,250)
not a number: '٨٠' (use the digits 0-9)
negative count -3
fractional count 10.5: counts are whole numbers
not a number: '1e3' (write digits 0-9 only, with commas between thousands if you like: 1,250)
not a number: '1,00' (write digits 0-9 only, with commas between thousands if you like: 1,250)
not a number: '+5' (write digits 0-9 only, with commas between thousands if you like: 1,250)
"""

from __future__ import annotations

import re
import unicodedata

_WHOLE = re.compile(r"\d{1,3}(?:,\d{3})+|\d+", re.ASCII)
_FRACTION = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+|\.\d+", re.ASCII)
_HINT = "write digits 0-9 only, with commas between thousands if you like: 1,250"


class CountError(ValueError):
    """Why a cell is not a count (one line, for the problem list)."""


def parse_count(text: str) -> int:
    """The whole number ``text`` writes, or :class:`CountError` saying why it is not one."""
    text = text.strip()
    if _WHOLE.fullmatch(text):
        return int(text.replace(",", ""))
    body = text[1:] if text.startswith("-") else text
    if text.startswith("-") and (_WHOLE.fullmatch(body) or _FRACTION.fullmatch(body)):
        raise CountError(f"negative count {text}")
    if _FRACTION.fullmatch(text):
        raise CountError(f"fractional count {text}: counts are whole numbers")
    if any(unicodedata.category(ch) == "Nd" and not ch.isascii() for ch in text):
        raise CountError(f"not a number: {text!r} (use the digits 0-9)")
    raise CountError(f"not a number: {text!r} ({_HINT})")


def is_number(text: str) -> bool:
    """Whether ``text`` is a plain decimal number (sign and fraction allowed): not a formula.

    >>> is_number("-3"), is_number("-2.5"), is_number("-A1+1")
    (True, True, False)
    """
    body = text.strip().removeprefix("-")
    return bool(_WHOLE.fullmatch(body) or _FRACTION.fullmatch(body))
