"""One render, asked for once: the opened bundle, the resolved areas, the formats, the output folder, the
engine and the local commentary.

The command line builds a :class:`RenderRequest` (``jsna render``, ``jsna
demo``, ``jsna render --all``) and passes it down. The runner and the batch
read what they need from it; none of them opens the bundle, resolves an area
or parses a format again. (The template's kernel is another process: it is
given the resolved area's code and the bundle's folder.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from ..geography import Area
from ..render.formats import Formats
from ..bundles.bundle import Bundle, open_bundle
from ..report.commentary import Commentary, bundle_commentary

console = Console(stderr=True)


@dataclass(frozen=True)
class RenderRequest:
    """What one ``jsna render`` (or ``jsna demo``) renders, where, and how."""

    bundle: Bundle
    areas: tuple[Area, ...]          # resolved, each one that gets a report (none for a batch: it lists its own)
    formats: Formats
    out: Path                        # absolute: the kernel and pandoc run in other folders
    engine: str = "auto"             # auto, quarto or builtin (assessment.render.engine.choose_engine)
    commentary: Commentary | None = None  # read and checked whole before any area is rendered


def render_request(bundle_path: str | Path, area_queries: Iterable[str], out: str | Path, formats: Formats, *,
                   engine: str = "auto", commentary: str | Path | None = None) -> RenderRequest:
    """Open the bundle, resolve every area (a code or a name) and read the commentary: once, for the whole run.

    An area that is not in the bundle, or has no report, stops the run here,
    before anything is written. A former code or name is resolved with a note
    saying which area it now is (Harrogate, Cumbria).
    """
    bundle = open_bundle(Path(bundle_path).resolve())
    areas = tuple(_report_area(bundle, query) for query in area_queries)
    return RenderRequest(bundle=bundle, areas=areas, formats=formats, out=Path(out).resolve(), engine=engine,
                         commentary=bundle_commentary(commentary, bundle))


def _report_area(bundle: Bundle, query: str) -> Area:
    area = bundle.geography.report_area(query)
    if area.note:  # a former code or name: say which area this is
        console.print(f"note: {area.note}", highlight=False, soft_wrap=True, markup=False)
    return area
