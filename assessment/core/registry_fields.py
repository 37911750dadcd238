"""One reader of a registry file and one check for an entry's fields, so every registry file says the same thing
about a file it cannot read and about a bad entry.

>>> check_entry({"key": "reoffending", "colour": "red"}, allowed={"key", "title"}, required=("key",), where="x.yaml section 3")
Traceback (most recent call last):
...
assessment.core.errors.InputError: x.yaml section 3: unknown field(s) colour
>>> check_entry({"key": "reoffending"}, allowed={"key", "title"}, required=("key", "title"), where="x.yaml")
Traceback (most recent call last):
...
assessment.core.errors.InputError: x.yaml: missing field(s) title
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

#: libyaml's loader where PyYAML was built with it: the registries are read at the start of every command
#: and every report kernel, and the pure-Python parser took about 0.3 CPU s for them.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_registry(path: Path | str, what: str = "registry") -> Any:
    """The parsed YAML of a registry file; a missing or malformed one is one line naming it and ``what`` it is."""
    try:
        return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: unreadable {what} ({' '.join(str(exc).split())})") from None


def check_entry(item: object, *, allowed: Collection[str], required: Iterable[str], where: str) -> dict:
    """``item`` if it is a table with no unknown field and every required one (given and not empty)."""
    if not isinstance(item, dict):
        raise InputError(f"{where}: expected a table of fields")
    unknown = sorted(str(f) for f in set(item) - set(allowed))
    if unknown:
        raise InputError(f"{where}: unknown field(s) {', '.join(unknown)}")
    missing = [f for f in required if item.get(f) in (None, "")]
    if missing:
        raise InputError(f"{where}: missing field(s) {', '.join(missing)}")
    return item
