"""The report's formatting as the template's front matter declares it, read the way Quarto reads it.

One declaration serves both engines (``templates/report.qmd``): the Lua filters
(``filters:``), and each format's options: the HTML stylesheet (``css``), the
Word reference document (``reference-doc``), the typst rules
(``include-in-header``), heading levels, page size and margins. Quarto reads it
directly; the built-in engine reads it through this module, so the two engines
cannot drift apart.

What this follows (quarto-cli 1.8.27 and 1.11.0 source):

- Paths in a document's front matter are relative to the document's folder.
  The Quarto path renders a copy elsewhere, so :func:`resolve_paths` makes them absolute first.
- ``filters:`` may hold the marker ``quarto``: filters before it run before
  Quarto's own filters, filters after it after them
  (``src/command/render/filters.ts``, ``resolveFilters``).
- ``include-in-header`` files are read and added to ``header-includes`` as raw
  blocks of the output format (``src/resources/filters/quarto-init/includes.lua``);
  ``header-includes`` strings go in verbatim, unparsed.

>>> meta = resolve_paths({"filters": ["quarto", "f/a.lua"], "format": {"html": {"css": "f/r.css"}}}, Path("/t"))
>>> meta["filters"], meta["format"]["html"]["css"]
(['quarto', '/t/f/a.lua'], '/t/f/r.css')
>>> declared_filters(meta)
([], [PosixPath('/t/f/a.lua')])
>>> header_files({"include-in-header": "/t/r.typ"})
[PosixPath('/t/r.typ')]
"""

from __future__ import annotations

from pathlib import Path

#: Format options that name files (read relative to the document).
PATH_OPTIONS = ("css", "reference-doc", "include-in-header")
#: Where ``filters:`` puts Quarto's own filters (src/command/render/filters.ts: kQuartoFilterMarker).
QUARTO_MARKER = "quarto"


def _absolute(value, folder: Path):
    """``value`` (a path or a list of paths) made absolute against ``folder``."""
    if isinstance(value, list):
        return [_absolute(item, folder) for item in value]
    if not isinstance(value, str) or value == QUARTO_MARKER or "://" in value:
        return value
    return str((folder / value).resolve()) if not Path(value).is_absolute() else value


def resolve_paths(metadata: dict, folder: Path) -> dict:
    """``metadata`` with its filters and each format's file options made absolute (relative to ``folder``)."""
    resolved = dict(metadata)
    if "filters" in resolved:
        resolved["filters"] = _absolute(list(resolved["filters"] or []), folder)
    formats = resolved.get("format")
    if isinstance(formats, dict):
        resolved["format"] = {name: ({key: _absolute(value, folder) if key in PATH_OPTIONS else value
                                      for key, value in options.items()} if isinstance(options, dict) else options)
                              for name, options in formats.items()}
    for key in PATH_OPTIONS:
        if key in resolved:
            resolved[key] = _absolute(resolved[key], folder)
    return resolved


def declared_filters(metadata: dict) -> tuple[list[Path], list[Path]]:
    """The Lua filters to run before and after Quarto's own, in order."""
    filters = [str(f) for f in (metadata.get("filters") or [])]
    at = filters.index(QUARTO_MARKER) if QUARTO_MARKER in filters else len(filters)
    return [Path(f) for f in filters[:at]], [Path(f) for f in filters[at + 1:]]


def format_options(metadata: dict, quarto_format: str) -> dict:
    """The options of ``format: <quarto_format>:`` over the document-wide ones (as Quarto merges them)."""
    options = (metadata.get("format") or {}).get(quarto_format)
    return {**metadata, **(options if isinstance(options, dict) else {})}


def header_files(options: dict) -> list[Path]:
    """The ``include-in-header`` files of merged format ``options``."""
    value = options.get("include-in-header") or []
    return [Path(item) for item in (value if isinstance(value, list) else [value])]
