"""Reports: bundles of analysed data, per-area report blocks, the Excel appendix, and rendering."""

from .area_report import AreaReport
from .bundle import Bundle, open_bundle, write_bundle

__all__ = ["AreaReport", "Bundle", "open_bundle", "write_bundle"]
