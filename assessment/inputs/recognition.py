"""What a downloaded file is, told from its content: the contract between readers and `jsna import`.

Every reader of a publisher's file (and of Fingertips exports, ONS lookups and
boundaries) offers a *recogniser*: a function ``recognise(path) -> Recognised | None``
that looks only at what it needs (a CSV's header line, a workbook's sheet names
and title cells), never trusts the file name, never raises on a file of another
kind (it returns None), and reads the release and latest period from the file
itself. The publishers registry names each entry's recogniser
(``recogniser:`` in ``data_sources/publishers.yaml``, default ``recognise``);
`jsna import` asks every recogniser and files the download under the one that
answers.

>>> Recognised(kind="publisher", key="ons_drug_deaths_la", release="2020 registrations", period="2020").label
'ons_drug_deaths_la (2020 registrations)'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Recognised:
    """A file recognised by its content.

    ``kind`` is the snapshot manifest's kind (``fingertips``, ``publisher``,
    ``lookup`` or ``boundary``); ``key`` the registry key within it (a
    publishers registry key, a lookup role, a boundary level); ``release`` the
    publisher's release as the file states it ("October to December 2025",
    "2020 registrations", "IoD2025"); ``period`` the latest data period in it;
    ``rows`` its number of data rows; ``published`` the publication date the
    file states (ISO, "" when it states none), which decides between two
    releases of the same figures.
    """

    kind: str
    key: str
    release: str
    period: str = ""
    rows: int | None = None
    published: str = ""

    @property
    def label(self) -> str:
        return f"{self.key} ({self.release})" if self.release else self.key


class Recogniser(Protocol):
    def __call__(self, path: Path) -> Recognised | None: ...
