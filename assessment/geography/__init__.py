"""Geography: ONS lookups, reorganisation crosswalk, boundaries and area resolution.

>>> from assessment.geography import Geography, load_geography, resolve_area
"""

from .boundaries import dissolve_boundaries, load_boundaries
from .crosswalk import crosswalk_frame, load_code_changes
from .lookups import geography_from_files, load_geography, lookup_files_in, read_lookup_csv
from .model import Area, Geography


def resolve_area(query: str, geography: Geography | None = None) -> Area:
    """Resolve an area code or name against ``geography`` (default: the 2024 lookups)."""
    return (geography or load_geography()).resolve(query)


__all__ = [
    "Area",
    "Geography",
    "crosswalk_frame",
    "dissolve_boundaries",
    "geography_from_files",
    "load_boundaries",
    "load_code_changes",
    "load_geography",
    "lookup_files_in",
    "read_lookup_csv",
    "resolve_area",
]
