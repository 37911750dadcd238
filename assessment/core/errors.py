"""Error types raised by jsna-justice.

Every error the package raises on bad input is a :class:`JsnaError` whose
message is one line naming the file, row and column, or the URL, at fault.
The CLI prints that line and exits non-zero; it never shows a traceback for
these.

Examples
--------
>>> raise InputError("upload.csv row 4 column 'count': negative count -3")
Traceback (most recent call last):
...
assessment.core.errors.InputError: upload.csv row 4 column 'count': negative count -3
"""

from __future__ import annotations


class JsnaError(Exception):
    """Base class for errors with a one-line, user-facing message."""

    exit_code = 1

    def __str__(self) -> str:  # keep the message to one line whatever was passed
        return " ".join(str(self.args[0]).split()) if self.args else self.__class__.__name__


class InputError(JsnaError):
    """A file, upload or parameter is malformed."""


class SchemaError(InputError):
    """A frame broke the tidy-frame contract (names the column and offending rows)."""


class AreaNotFoundError(InputError):
    """An area code or name matched nothing; the message lists the closest matches."""


class AmbiguousAreaError(InputError):
    """An area name several areas share (a region, a county and a force); the message lists each choice."""


class SourceError(JsnaError):
    """A remote source (Fingertips, ONS) answered with something we cannot use."""


class RenderError(JsnaError):
    """A report failed to render; earlier good output is left in place."""
