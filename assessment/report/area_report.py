"""What a template cell asks for: one area's report, as markdown, figures and tables.

Template cells stay a few lines long because everything they print comes from
an :class:`AreaReport`. It only wires the parts together: the area's rows
come from :class:`~assessment.report.area_data.AreaData` (read from a built
bundle, never a loader), each part of the chapter from its module in
:mod:`assessment.report.sections` as a :class:`~assessment.report.document.Document`.
Each document printed is added to the Excel appendix as it is written out
(:meth:`AreaReport.shown`), so the appendix lists every figure shown. Each
method a cell calls builds its frames with Python strings
(:mod:`assessment.core.plain_strings`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from ..registry.editions import Edition, Part
from ..geography import Area
from ..registry.all_registries import Section, registries
from ..core.safe_text import md
from .area_data import AreaData
from ..bundles.bundle import Bundle, open_bundle
from .commentary import SUMMARY_KEY, bundle_commentary
from .commentary_markdown import commentary_block
from .context import AppendixRecorder, FigureWriter, ReportContext
from .data_age import old_figures
from .document import Document, Paragraph
from .missing import lacking_core_measures
from ..core.plain_strings import plain_strings
from .sections import geography, local_data, methods, render_section, similar_areas, sources, summary


class AreaReport(ReportContext):
    """One area's report over an opened :class:`~assessment.bundles.bundle.Bundle`."""

    @classmethod
    @plain_strings
    def open(cls, bundle_path: str | Path, area_query: str, figure_dir: str | Path | None = None,
             commentary: str | Path | None = None) -> AreaReport:
        """Open ``bundle_path`` and resolve ``area_query`` (a code or a name).

        ``commentary`` is a folder of local commentary (:mod:`assessment.report.commentary`).
        """
        bundle = open_bundle(bundle_path)
        area = bundle.geography.report_area(area_query)
        folder = Path(figure_dir or os.environ.get("JSNA_FIGURE_DIR") or Path("figures") / area.code)
        folder.mkdir(parents=True, exist_ok=True)
        local = bundle_commentary(commentary, bundle)
        return cls(data=AreaData(bundle, area), figures=FigureWriter(folder),
                   appendix=AppendixRecorder(bundle.snapshot_date),
                   commentary=local.for_area(area.code) if local else {})

    @staticmethod
    def prepare(bundle: Bundle) -> None:
        """For a process that renders many reports (a batch kernel): see :meth:`Bundle.prepare_for_reports`."""
        bundle.prepare_for_reports()

    # ------------------------------------------------------------ the area
    @property
    def bundle(self) -> Bundle:
        return self.data.bundle

    @property
    def area(self) -> Area:
        return self.data.area

    @property
    def kind(self) -> str:
        return self.data.kind

    def latest(self, area_code: str | None = None) -> pd.DataFrame:
        return self.data.latest(area_code)

    def shown(self, document: Document) -> str:
        """``document``'s markdown, its figures added to the appendix: every template cell prints through here."""
        self.appendix.add(document)
        return document.markdown() if document else ""

    # ------------------------------------------------- the chapter, in order
    @plain_strings
    def front_matter(self) -> str:
        return self.shown(summary.front_matter(self))

    @plain_strings
    def key_messages(self) -> str:
        return self.shown(Document().add(summary.key_messages(self), similar_areas.key_messages(self),
                                         Paragraph(old_figures(self)), Paragraph(lacking_core_measures(self)))) \
            + self.local_commentary(SUMMARY_KEY)

    @plain_strings
    def spine_chart(self) -> str:
        return self.shown(summary.spine_chart(self))

    @plain_strings
    def geography_section(self) -> str:
        return self.shown(geography.geography_section(self)) + self.local_commentary("population")

    @plain_strings
    def area_map(self) -> str:
        return self.shown(geography.area_map(self))

    def edition(self) -> Edition:
        """The report this area gets: the ``edition`` of its level (a force: the police and crime needs assessment)."""
        return registries().edition_of(self.area.area_type)

    def parts(self) -> tuple[Part, ...]:
        """The edition's parts, in report order (``editions:`` of report_sections.yaml)."""
        return self.edition().parts

    @plain_strings
    def part(self, part: Part) -> str:
        """A part's markdown: its heading and intro when it has a title, then its sections one level below."""
        out = [self.topic_section(registries().section(key)) for key in part.sections]
        if not part.title:
            return "\n".join(text for text in out if text)
        head = [f"## {md(part.title)}\n"] + ([f"{md(part.intro)}\n"] if part.intro else [])
        return "\n".join(head + [_one_level_down(text) for text in out if text])


    def sections(self) -> tuple[Section, ...]:
        """The sections of ``data_sources/report_sections.yaml``, in report order."""
        return self.data.sections()

    @plain_strings
    def topic_section(self, section: Section) -> str:
        """One section of :meth:`sections`, by the module of its kind (a topic unless it says otherwise)."""
        return self.shown(render_section(self, section)) + self.local_commentary(section.key)

    def local_commentary(self, key: str) -> str:
        """The marked "Local commentary" block of section ``key`` (markdown), or "" when it has none."""
        block = commentary_block(self.commentary.get(key, ""))
        return f"\n\n{block}\n" if block else ""

    @plain_strings
    def local_data_section(self) -> str:
        return self.shown(local_data.local_data_section(self))

    @plain_strings
    def methods_section(self) -> str:
        return self.shown(methods.methods_section(self))

    @plain_strings
    def sources_section(self) -> str:
        return self.shown(sources.sources_section(self))

    # ------------------------------------------------------------- appendix
    @plain_strings
    def appendix_frame(self) -> pd.DataFrame:
        """Every figure shown so far, with CIs, comparisons, source and snapshot date."""
        return self.appendix.frame()

    @plain_strings
    def write_appendix(self, path: str | Path) -> Path:
        """Write the Excel data appendix of every figure this report showed."""
        return self.appendix.write(path, self.data)


def _one_level_down(markdown: str) -> str:
    """Every heading one level lower (``##`` -> ``###``): a section set inside a part of the edition."""
    return re.sub(r"^(#{1,5}) ", r"#\1 ", markdown, flags=re.MULTILINE)
