"""The built-in demo: a fictional county and its police force area, rendered offline.

The demo writes its data in the real publishers' formats (a Fingertips CSV
export, ONS lookup CSVs, ONS GeoJSON boundaries, an ONS population CSV, and
the justice publishers' police force area tables: Home Office arrests ODS, ONS
police force area xlsx, Ethnicity facts and figures CSVs), writes them as a
snapshot and builds the bundle from it with `jsna build`'s own function, then
renders with the same code as a real report.

>>> from assessment.demo import DEMO_AREAS
>>> DEMO_AREAS
('E10999001', 'E23999001')
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from ..core.atomic_files import writing
from ..bundles.builder import build_bundle_from_snapshot
from ..orchestration.render_request import render_request
from ..orchestration.area_renders import render_areas
from ..render.formats import Formats
from ..snapshots.importer import FOLDERS
from .geography_files import DEMO_VINTAGE, write_geography_files
from .indicators import write_fingertips_csv
from .justice import RELEASE as JUSTICE_RELEASE, write_justice_files
from .places import DEMO_LAD_CODE, DEMO_PFA_CODE, DEMO_UTLA_CODE, demo_places
from .similar_workbook import write_similar_workbook
from .snapshot import write_demo_snapshot
from .uploads import DEMO_UPLOAD_KIND, write_demo_upload

DEMO_AREAS = (DEMO_UTLA_CODE, DEMO_PFA_CODE)
DEMO_SNAPSHOT_DATE = "2026-11-01"
console = Console(stderr=True)


def write_demo_sources(folder: Path) -> dict[str, Path]:
    """Write every demo input file in its publisher's format; return paths by role."""
    with writing(folder, kept=False):  # a full disk names where (the writers are the publishers' formats' own)
        paths = write_geography_files(folder)
    with writing(folder / "fingertips" / "all_data_demo.csv", kept=False):
        paths["fingertips"] = write_fingertips_csv(folder / "fingertips" / "all_data_demo.csv")
    with writing(folder / "uploads", kept=False):
        paths["upload"] = write_demo_upload(folder / "uploads")
    with writing(folder / "justice", kept=False):
        paths.update({f"justice_{role}": path for role, path in write_justice_files(folder / "justice").items()})
    with writing(folder / "ons", kept=False):
        paths["similar_areas"] = write_similar_workbook(
            demo_places(), folder / "ons" / "clusteringsimilarlocalauthoritiesandnearestneighbours-demo.xlsx")
    return paths


def _similar_areas(path: Path) -> dict:
    """The demo's similar local authorities workbook as the bundle's ``provides:`` file, with its source line."""
    return {"path": str(path), "source": {
        "name": "Demonstration similar local authorities and nearest neighbours in the ONS workbook format",
        "url": f"generated: {path.name}", "licence": "MIT (generated)", "retrieved_at": DEMO_SNAPSHOT_DATE}}


def _described(sources: dict[str, Path], snapshot: Path) -> dict:
    """What the bundle says of the demo's sources: invented, in the publishers' formats (not their releases)."""
    similar = snapshot / FOLDERS["publisher"] / sources["similar_areas"].name
    return {
        "demo": True,
        "vintage": DEMO_VINTAGE,
        "sources": [
            {"name": "Demonstration indicators in the OHID Fingertips export format",
             "url": f"generated: {sources['fingertips'].name}", "licence": "MIT (generated)",
             "retrieved_at": DEMO_SNAPSHOT_DATE},
            {"name": "Demonstration geography in ONS lookup and boundary formats",
             "url": "generated: lookups/*.csv, boundaries/*.geojson", "licence": "MIT (generated)",
             "retrieved_at": DEMO_SNAPSHOT_DATE},
            {"name": "Demonstration police force area tables in the Home Office arrests, ONS police force area "
                     f"and Ethnicity facts and figures formats ({JUSTICE_RELEASE})",
             "url": "generated: justice/*.ods, *.xlsx, *.csv", "licence": "MIT (generated)",
             "retrieved_at": DEMO_SNAPSHOT_DATE},
        ],
        "provided": {"similar_areas": _similar_areas(similar)},
    }


def build_demo_bundle(folder: Path) -> Path:
    """Write the demo sources under ``folder/sources`` as a snapshot, and build ``folder/bundle`` from it.

    The bundle is built by `jsna build`'s own function from the snapshot, with the demo's upload.
    """
    sources = write_demo_sources(folder / "sources")
    retrieved = datetime.fromisoformat(DEMO_SNAPSHOT_DATE).replace(tzinfo=UTC)
    snapshot = write_demo_snapshot(sources, folder / "snapshots", DEMO_SNAPSHOT_DATE, retrieved.isoformat())
    return build_bundle_from_snapshot(snapshot, folder / "bundle", uploads=[f"{DEMO_UPLOAD_KIND}={sources['upload']}"],
                                      described=_described(sources, snapshot))


def run_demo(out: Path, formats: Formats, engine: str = "auto") -> list[Path]:
    """Build the demo bundle and render the county and police force area reports (one request for both)."""
    out = Path(out)
    with console.status("Building the demonstration data"):
        bundle = build_demo_bundle(out)
    return render_areas(render_request(bundle, DEMO_AREAS, out / "reports", formats, engine=engine))


__all__ = ["DEMO_AREAS", "DEMO_LAD_CODE", "DEMO_PFA_CODE", "DEMO_UTLA_CODE", "build_demo_bundle",
           "run_demo", "write_demo_sources"]
