"""One module per report section, each turning a :class:`~assessment.report.context.ReportContext` into a document.

The fixed parts of the chapter have a module each (:mod:`.summary`,
:mod:`.geography`, :mod:`.local_data`, :mod:`.methods`, :mod:`.sources`). The
sections listed in ``data_sources/report_sections.yaml`` are rendered by the
module named by their ``kind`` (default ``topic``), through that module's
``render(report, section)``: adding a topic is one registry line, and a new
kind of section is one module here plus its registry line (the start-up check
refuses a kind without a module).
"""

from __future__ import annotations

import importlib

from ...registry.all_registries import Section
from ..context import ReportContext
from ..document import Document


def render_section(report: ReportContext, section: Section) -> Document:
    """A registry section's :class:`~assessment.report.document.Document`, by the module of its kind."""
    return importlib.import_module(f"{__name__}.{section.kind}").render(report, section)
