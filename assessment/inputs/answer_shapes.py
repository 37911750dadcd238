"""Is a JSON answer shaped as promised? Checked before any of its fields is read.

An API can answer 200 with JSON of another shape: an object where a list was
promised, nulls among the records, a renamed field, text where a number
belongs. Each check here raises :class:`MalformedAnswer`, one line naming the
URL and what was wrong, instead of a KeyError or TypeError far from the cause.

>>> records([{"AreaTypeId": 501}], "https://x/available_data", ["AreaTypeId"])
[{'AreaTypeId': 501}]
>>> records({"AreaTypeId": 501}, "https://x/available_data", ["AreaTypeId"])
Traceback (most recent call last):
...
assessment.inputs.answer_shapes.MalformedAnswer: https://x/available_data: malformed answer: a JSON object where a list of records was expected
>>> whole_number("five-oh-one", "https://x/available_data", "AreaTypeId", 1)
Traceback (most recent call last):
...
assessment.inputs.answer_shapes.MalformedAnswer: https://x/available_data: malformed answer: record 1's AreaTypeId is 'five-oh-one', not a whole number
"""

from __future__ import annotations

from ..core.errors import SourceError

_KINDS = {dict: "a JSON object", list: "a JSON list", str: "a string", bool: "true/false", int: "a number",
          float: "a number", type(None): "null"}


class MalformedAnswer(SourceError):
    """A source answered, but not in the shape its API promises (never worth falling back from silently)."""


def kind_of(value) -> str:
    """What a JSON value is, in words."""
    return _KINDS.get(type(value), type(value).__name__)


def _refuse(url: str, problem: str) -> MalformedAnswer:
    return MalformedAnswer(f"{url}: malformed answer: {problem}")


def records(body, url: str, fields: list[str]) -> list[dict]:
    """``body`` as a list of JSON objects that each have ``fields``."""
    if not isinstance(body, list):
        raise _refuse(url, f"{kind_of(body)} where a list of records was expected")
    for number, item in enumerate(body, start=1):
        if not isinstance(item, dict):
            raise _refuse(url, f"record {number} is {kind_of(item)}, not an object")
        missing = [f for f in fields if f not in item]
        if missing:
            shown = ", ".join(list(item)[:8]) or "none"
            raise _refuse(url, f"record {number} has no {', '.join(missing)} field (its fields: {shown})")
    return body


def mapping(body, url: str, what: str) -> dict:
    """``body`` as a JSON object (``what`` says what it maps)."""
    if not isinstance(body, dict):
        raise _refuse(url, f"{kind_of(body)} where an object of {what} was expected")
    return body


def whole_number(value, url: str, field: str, number: int) -> int:
    """A record's field that must be a whole number (an id), as an int."""
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        raise _refuse(url, f"record {number}'s {field} is {value!r}, not a whole number")
    return int(value)


def text(value, url: str, field: str, number: int) -> str:
    """A record's field that must be text or a number (a name, an id), as one line."""
    if value is None or isinstance(value, (dict, list, bool)):
        raise _refuse(url, f"record {number}'s {field} is {kind_of(value)}, not text")
    return " ".join(str(value).split())
