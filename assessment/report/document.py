"""What a report section builds: a document of blocks, each carrying the tidy-frame rows behind its figures.

A section returns a :class:`Document`, an ordered list of blocks (a heading,
a paragraph, a bullet list, a table, a figure, a note). Two writers are
derived from it: :meth:`Document.markdown`, the pandoc markdown both engines
read, and :meth:`Document.shown`, the rows the Excel appendix lists, each
with the title of the block that showed it. A table or figure is built with
its rows, so nothing a report shows can be missing from its appendix.

Each block's markdown ends in one newline, and blocks are separated by a blank
line. Text in a block is markdown already escaped by the section that wrote it.

>>> import pandas as pd
>>> rows = pd.DataFrame({"indicator_id": ["i"], "value": [8.1]})
>>> doc = Document([Heading("Drugs", 2), Paragraph("Why it matters."),
...                 Table("| A |\\n|---|\\n| 8\\\\.1 |\\n", title="Drugs", rows=rows)])
>>> print(doc.markdown())
## Drugs
<BLANKLINE>
Why it matters.
<BLANKLINE>
| A |
|---|
| 8\\.1 |
<BLANKLINE>
>>> [(used_in, list(frame["indicator_id"])) for used_in, frame in doc.shown()]
[('Drugs', ['i'])]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd

EMPTY = pd.DataFrame()


def rows_of(rows: Iterable[pd.Series]) -> pd.DataFrame:
    """Single rows (each a :class:`pandas.Series`) as one frame, in order: the source rows of a block."""
    dicts = [row.to_dict() for row in rows]
    return pd.DataFrame(dicts) if dicts else EMPTY


def records(frame: pd.DataFrame) -> list[dict]:
    """``frame``'s rows as plain dicts of Python values (float, int, bool, str, Timestamp), as
    ``frame.to_dict("records")`` gives them: through one array of Python objects, where to_dict boxes
    every cell on its own (several times the cost).

    >>> records(pd.DataFrame({"area": ["A", "B"], "value": [1.5, None], "count": [3, 4]}))
    [{'area': 'A', 'value': 1.5, 'count': 3}, {'area': 'B', 'value': nan, 'count': 4}]
    """
    columns = list(frame.columns)
    return [dict(zip(columns, values)) for values in frame.to_numpy(dtype=object).tolist()]


@dataclass(frozen=True)
class Block:
    """One part of a document: its markdown, and the rows it shows listed under ``title`` in the appendix."""

    text: str
    title: str = ""
    rows: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)

    def markdown(self) -> str:
        """The block as pandoc markdown, ending in one newline."""
        return self.text.rstrip("\n") + "\n"

    def shown(self) -> Iterator[tuple[str, pd.DataFrame]]:
        """(appendix "used in", rows) for the rows this block shows (none for a block without figures)."""
        if not self.rows.empty:
            yield self.title, self.rows


@dataclass(frozen=True)
class Heading(Block):
    """A section or subsection heading; ``level`` 2 is a section (``##``)."""

    level: int = 2

    def markdown(self) -> str:
        return f"{'#' * self.level} {self.text}\n"


@dataclass(frozen=True)
class Paragraph(Block):
    """A paragraph of running text (its ``rows``: the figures a sentence quotes)."""


@dataclass(frozen=True)
class Note(Block):
    """A boxed note (a quote block): a demonstration banner, a caveat, a missing upload."""

    def markdown(self) -> str:
        lines = self.text.rstrip("\n").split("\n")
        return "\n".join(line if line.startswith(">") else f"> {line}".rstrip() for line in lines) + "\n"


@dataclass(frozen=True)
class BulletList(Block):
    """A bulleted list of sentences; ``items`` are markdown, each one bullet."""

    items: tuple[str, ...] = ()

    def markdown(self) -> str:
        return "\n".join(f"- {item}" for item in self.items) + "\n"


def bullets(items: Iterable[str], *, title: str = "", rows: pd.DataFrame = EMPTY) -> BulletList:
    """A :class:`BulletList` of ``items``."""
    return BulletList("", title=title, rows=rows, items=tuple(items))


@dataclass(frozen=True)
class Table(Block):
    """A pipe table (its markdown, caption included); ``title`` names it in the appendix."""


@dataclass(frozen=True)
class Figure(Block):
    """A chart saved as an image (its markdown: the image with caption and alt text)."""


@dataclass
class Document:
    """An ordered list of blocks: what a section returns.

    Adding a document adds its blocks; an empty block (a table with no body, a chart not drawn) is skipped.
    """

    blocks: list[Block] = field(default_factory=list)

    def add(self, *parts: Block | Document | None) -> Document:
        """Append blocks (and the blocks of documents), skipping ``None`` and empty blocks."""
        for part in parts:
            if isinstance(part, Document):
                self.blocks.extend(part.blocks)
            elif part is not None and (part.text or isinstance(part, BulletList) and part.items):
                self.blocks.append(part)
        return self

    def __bool__(self) -> bool:
        return bool(self.blocks)

    def markdown(self) -> str:
        """The document as pandoc markdown: its blocks, a blank line between each."""
        return "\n".join(block.markdown() for block in self.blocks)

    def shown(self) -> Iterator[tuple[str, pd.DataFrame]]:
        """(appendix "used in", rows) of every block that shows figures, in document order."""
        for block in self.blocks:
            yield from block.shown()

    def of_kind(self, kind: type[Block]) -> list[Block]:
        """The blocks of one kind (every :class:`Table`, say), in order."""
        return [block for block in self.blocks if isinstance(block, kind)]
