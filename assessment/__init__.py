"""jsna-justice: the health and justice section of a JSNA, for any area of England.

Data flows one way: sources -> tidy frame -> statistics -> charts/narrative -> templates.
The public API is re-exported here.
"""

from .core.errors import AreaNotFoundError, InputError, JsnaError, RenderError, SchemaError, SourceError
from .tidy.frame import COLUMNS, KEY_COLUMNS, concat_frames, empty_frame, new_frame, validate_frame

__version__ = "0.1.0"

__all__ = [
    "COLUMNS",
    "KEY_COLUMNS",
    "AreaNotFoundError",
    "InputError",
    "JsnaError",
    "RenderError",
    "SchemaError",
    "SourceError",
    "concat_frames",
    "empty_frame",
    "new_frame",
    "validate_frame",
]
