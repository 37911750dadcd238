"""Local uploads: templates, validation with every problem located, loading with disclosure control.

>>> from assessment.uploads import all_kinds
>>> "continuity_of_care_audit" in all_kinds()
True
"""

from __future__ import annotations

from .load import load_upload, load_uploads_for_build
from .reader import read_upload
from .schema import all_kinds, load_kind
from .template import write_upload_template
from .validate import ValidationReport, validate_upload


__all__ = ["ValidationReport", "all_kinds", "load_kind", "load_upload", "load_uploads_for_build", "read_upload",
           "validate_upload", "write_upload_template"]
