"""Reports: bundles of analysed data, per-area report blocks, the Excel appendix, and rendering.

The names below are imported when first asked for: ``jsna build`` uses
:mod:`assessment.bundles.builder` alone and should not pay for the charts
(matplotlib and plotnine) that :class:`AreaReport` brings.

>>> from assessment.report import open_bundle
>>> open_bundle.__module__
'assessment.bundles.bundle'
"""

from __future__ import annotations

import importlib

# Absolute module names, so that a module may move to another sub-package with its name rewritten here.
_EXPORTS = {"AreaReport": "assessment.report.area_report", "Bundle": "assessment.bundles.bundle",
            "open_bundle": "assessment.bundles.bundle", "write_bundle": "assessment.bundles.bundle"}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
