"""What every section module works with: the area's data, where figures go, and the appendix being recorded.

A section module turns :class:`ReportContext` into a
:class:`~assessment.report.document.Document`: it reads rows from
``context.data`` (:class:`~assessment.report.area_data.AreaData`) and saves
figures through ``context.figures``; each table and figure block carries the
rows it shows. The report adds every document it prints to
``context.appendix``, so the Excel appendix lists exactly what the report
showed.

>>> recorder = AppendixRecorder(snapshot_date="2026-11-01")
>>> import pandas as pd
>>> from assessment.report.document import Document, Paragraph, rows_of
>>> row = pd.Series({"indicator_id": "i", "area_code": "E10999001", "period": "2024", "sex": "Persons",
...                  "age": "All ages", "category_type": "", "category": "", "value": 8.1})
>>> doc = Document([Paragraph("A message.", title="Summary and key messages", rows=rows_of([row]))])
>>> recorder.add(doc)
>>> recorder.add(doc)  # shown twice, listed once
>>> recorder.frame()[["indicator_id", "report_section", "snapshot_date"]].values.tolist()
[['i', 'Summary and key messages', '2026-11-01']]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..charts import Figure
from ..core.atomic_files import writing
from ..core.paths import for_document
from ..core.safe_text import md, plain
from .appendix import APPENDIX_COLUMNS, write_appendix
from .area_data import NATIONAL_COLUMNS, AreaData, with_national
from .document import Document, Figure as FigureBlock
from .titles import area_title

APPENDIX_KEY = ["indicator_id", "area_code", "period", "sex", "age", "category_type", "category", "report_section"]
#: The columns of a shown row the appendix keeps: its own, its key, and the England and Wales comparison
#: a Welsh force's rows take (a chart's rows carry twenty or more others, which joining every block's rows paid for).
RECORDED = list(dict.fromkeys([*APPENDIX_COLUMNS, *APPENDIX_KEY, *NATIONAL_COLUMNS.values()]))


@dataclass
class AppendixRecorder:
    """Every figure a report shows, with the section that showed it (for the Excel appendix)."""

    snapshot_date: str
    #: the rows of each block shown since the last join, in report order, with the section it was shown in
    #: (kept as frames: a row as a dict cost more than its figure)
    shown: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    #: every block's rows joined, with their section (the report asks for them several times as it goes on)
    joined: pd.DataFrame | None = None

    def add(self, document: Document) -> None:
        """Remember the rows every block of ``document`` shows, each as shown in the block's title."""
        for used_in, rows in document.shown():
            self.shown.append((used_in, rows[[column for column in RECORDED if column in rows.columns]]))

    def frame(self) -> pd.DataFrame:
        """Every figure shown in the report, each once per section, with CIs, comparisons and source."""
        if self.shown:  # the blocks' rows joined once, their sections set then (not a copy of each block's rows)
            frames = [rows for _, rows in self.shown]
            added = pd.concat(frames, ignore_index=True)
            added["report_section"] = np.repeat([used_in for used_in, _ in self.shown], [len(f) for f in frames])
            added["snapshot_date"] = self.snapshot_date
            self.joined = added if self.joined is None else pd.concat([self.joined, added], ignore_index=True)
            self.shown.clear()
        return pd.DataFrame() if self.joined is None else self.joined.drop_duplicates(subset=APPENDIX_KEY)

    def write(self, path: str | Path, data: AreaData) -> Path:
        """Write the Excel data appendix of every figure recorded so far."""
        bundle, area = data.bundle, data.area
        notes = [f"Data appendix for {area.name} ({area.code}).",
                 f"Data snapshot: {bundle.snapshot_date}. Geography vintage: {bundle.meta.get('vintage', '')}.",
                 "Every figure shown in the report is listed on the Data sheet with its confidence "
                 "intervals, comparisons, source and the date it was retrieved.",
                 "Suppressed values are blank: small numbers are never published."]
        if bundle.is_demo:
            notes.insert(0, "Demonstration data: every figure is invented for a fictional area.")
        title = area_title(area.name, data.kind)
        with writing(path):  # a full disk names the appendix (openpyxl says only IO_EFBIG)
            # A Welsh force's rows are compared with England and Wales, whichever section recorded them.
            frame = with_national(self.frame(), data.national[0])
            return write_appendix(frame, Path(path), title=f"Health and justice needs assessment: {title}",
                                  notes=notes, national=data.national_name)


@dataclass
class FigureWriter:
    """Saves a report's figures into one folder and returns the markdown that shows them."""

    folder: Path

    def markdown(self, figure: Figure, stem: str) -> str:
        """Save ``figure`` as ``stem.png``; an image with its caption and alt text, in pandoc markdown."""
        with writing(self.folder / f"{stem}.png"):  # a full disk names the figure
            path = figure.save(self.folder / f"{stem}.png")
        alt = plain(figure.alt_text).replace('"', "'").replace("\\", "/")
        return f'![{md(figure.caption)}]({for_document(path)}){{fig-alt="{alt}"}}\n'

    def block(self, figure: Figure, stem: str, *, title: str, rows: pd.DataFrame) -> FigureBlock:
        """Save ``figure`` as ``stem.png``: a figure block showing ``rows``, listed under ``title`` in the appendix."""
        return FigureBlock(self.markdown(figure, stem), title=title, rows=rows)


@dataclass
class ReportContext:
    """One report in progress: the area's data, its figure folder and its appendix."""

    data: AreaData
    figures: FigureWriter
    appendix: AppendixRecorder
    #: The area's local commentary (its own Markdown) by section key, from ``--commentary``.
    commentary: dict[str, str] = field(default_factory=dict)
