"""The built-in demo: a fictional county and its police force area, rendered offline.

The demo writes its data in the real publishers' formats (a Fingertips CSV
export, ONS lookup CSVs, ONS GeoJSON boundaries, an ONS population CSV, and
the justice publishers' police force area tables: Home Office arrests ODS, ONS
police force area xlsx, Ethnicity facts and figures CSVs) and
then runs the same loading, analysis and rendering code as a real report.

>>> from assessment.demo import DEMO_AREAS
>>> DEMO_AREAS
('E10999001', 'E23999001')
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from ..files import writing
from ..levels import boundary_levels, lookup_roles
from ..report.build import build_bundle, combine
from ..report.request import render_request
from ..report.runner import render_areas
from ..render.formats import Formats
from ..sources.catalogue import load_catalogue
from ..sources.fingertips import parse_csv
from ..sources.ons_population import read as read_population
from ..uploads import load_uploads_for_build
from .geography_files import DEMO_VINTAGE, write_geography_files
from .indicators import write_fingertips_csv
from .justice import RELEASE as JUSTICE_RELEASE, read_justice_files, write_justice_files
from .places import DEMO_LAD_CODE, DEMO_PFA_CODE, DEMO_UTLA_CODE, demo_places
from .similar_workbook import write_similar_workbook
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
    """The demo's similar local authorities workbook for `build_bundle` (a ``provides:`` file), with its source line."""
    return {"path": str(path), "source": {
        "name": "Demonstration similar local authorities and nearest neighbours in the ONS workbook format",
        "url": f"generated: {path.name}", "licence": "MIT (generated)", "retrieved_at": DEMO_SNAPSHOT_DATE}}


def build_demo_bundle(folder: Path) -> Path:
    """Write the demo sources under ``folder/sources`` and build ``folder/bundle`` from them."""
    sources = write_demo_sources(folder / "sources")
    retrieved = datetime.fromisoformat(DEMO_SNAPSHOT_DATE).replace(tzinfo=UTC)
    catalogue = load_catalogue()
    fingertips = parse_csv(sources["fingertips"].read_text(encoding="utf-8"),
                           url=f"demo:{sources['fingertips'].name}", metadata=catalogue.fingertips_meta(),
                           retrieved_at=retrieved, vintage="Demonstration data")
    population = read_population(sources["population"], source_url=f"demo:{sources['population'].name}",
                                 retrieved_at=retrieved, vintage="mid-2023 (demonstration)")
    by_age = read_population(sources["population_by_age"], source_url=f"demo:{sources['population_by_age'].name}",
                             retrieved_at=retrieved, vintage="mid-2022 (demonstration)")
    meta = {
        "demo": True,
        "snapshot_date": DEMO_SNAPSHOT_DATE,
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
    }
    meta["provided"] = {"similar_areas": _similar_areas(sources["similar_areas"])}
    lookups = {f"lookup_{role}": sources[f"lookup_{role}"] for role in lookup_roles()}
    boundaries = {level: sources[f"boundaries_{level}"] for level in boundary_levels()}
    upload_frames, meta["uploads"] = load_uploads_for_build([f"{DEMO_UPLOAD_KIND}={sources['upload']}"], lookups)
    justice = read_justice_files(sources, retrieved)
    return build_bundle(combine([fingertips, population, by_age, *justice, *upload_frames]), folder / "bundle",
                        lookup_files=lookups, boundary_files=boundaries, meta=meta)


def run_demo(out: Path, formats: Formats, engine: str = "auto") -> list[Path]:
    """Build the demo bundle and render the county and police force area reports (one request for both)."""
    out = Path(out)
    with console.status("Building the demonstration data"):
        bundle = build_demo_bundle(out)
    return render_areas(render_request(bundle, DEMO_AREAS, out / "reports", formats, engine=engine))


__all__ = ["DEMO_AREAS", "DEMO_LAD_CODE", "DEMO_PFA_CODE", "DEMO_UTLA_CODE", "build_demo_bundle",
           "run_demo", "write_demo_sources"]
