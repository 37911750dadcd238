"""Local uploads: templates, validation with every problem located, loading with disclosure control.

>>> from assessment.uploads import all_kinds
>>> "continuity_of_care_audit" in all_kinds()
True
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from .load import load_upload, load_uploads_for_build
from .reader import read_upload
from .schema import all_kinds, load_kind
from .template import write_upload_template
from .validate import ValidationReport, validate_upload


def validate_file_for_cli(path: Path, kind: str | None, bundle: Path | None = None,
                          lookups: Path | None = None) -> bool:
    """`jsna validate`: print one line per problem (or a success line); True when valid.

    Area codes are checked against ``bundle``'s geography, else the ONS lookups
    in ``lookups`` (default ``../shared/data``).
    """
    from ..geography import load_geography
    from ..report.bundle import open_bundle

    geography = open_bundle(bundle).geography if bundle else load_geography(lookups_dir=lookups)
    report = validate_upload(path, kind, geography)
    console = Console(stderr=True, soft_wrap=True, highlight=False, markup=False)
    if report.ok:
        console.print(f"{Path(path).name}: valid '{report.kind.kind}' upload with {len(report.sheet.rows)} row(s)")
        return True
    for line in report.lines():
        console.print(line, markup=False)
    console.print(f"{Path(path).name}: {len(report.problems)} problem(s); nothing from this file will be used",
                  markup=False)
    return False


__all__ = ["ValidationReport", "all_kinds", "load_kind", "load_upload", "load_uploads_for_build", "read_upload",
           "validate_file_for_cli", "validate_upload", "write_upload_template"]
