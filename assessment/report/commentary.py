"""Local commentary: the user's own Markdown, kept outside the generated reports so it survives every refresh.

``jsna render --commentary DIR`` (and the template's ``commentary``
parameter) reads one Markdown file per report section::

    DIR/summary.md                 every area's summary
    DIR/mental_health.md           every area's mental health section
    DIR/E06000009/summary.md       Blackpool's summary only (wins over DIR/summary.md)

A file is named after a section key: a ``key`` of
``data_sources/report_sections.yaml`` (its ``sections`` or
``template_sections``) or ``summary``. A sub-folder is named after the code of
an area in the bundle. An area-specific file wins over the general one, even
when it is empty (an empty file leaves that area's section without
commentary). The whole folder is read and checked before anything is
rendered: an unknown key, a file that is not UTF-8 text, a folder that is not
an area's code, or anything else in the folder is a one-line error naming the
file. Hidden files (``.DS_Store``, ``.git``) are ignored.

The text appears in its section as a "Local commentary" block, made safe by
:mod:`assessment.report.commentary_markdown`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import InputError
from ..registry.all_registries import registries

SUFFIX = ".md"
#: The key of the summary, which the template writes itself rather than from the registry.
SUMMARY_KEY = "summary"


def commentary_keys() -> tuple[str, ...]:
    """The section keys a commentary file may be named after: ``summary`` and every registry section."""
    loaded = registries()
    return (SUMMARY_KEY, *(s.key for s in loaded.template_sections), *(s.key for s in loaded.sections))


@dataclass(frozen=True)
class Commentary:
    """The commentary files of one folder: the general ones and each area's own, by section key."""

    folder: Path
    general: dict[str, str] = field(default_factory=dict)
    by_area: dict[str, dict[str, str]] = field(default_factory=dict)

    def for_area(self, code: str) -> dict[str, str]:
        """The text of each section key for area ``code``: its own file, else the general one."""
        return {**self.general, **self.by_area.get(code, {})}

    def fingerprint(self, code: str) -> str:
        """A digest of the commentary area ``code``'s report shows (a batch re-renders when it changes)."""
        return digest_of(self.for_area(code))

    def write_for_area(self, code: str, folder: Path) -> Path:
        """Write area ``code``'s texts into ``folder`` as ``<key>.md`` files, the folder the template reads.

        A render reads the user's folder once, at its start; each area's report then shows
        exactly the texts that were checked (and that a batch's fingerprint was made of).
        """
        folder.mkdir(parents=True, exist_ok=True)
        for key, text in self.for_area(code).items():
            (folder / f"{key}{SUFFIX}").write_text(text, encoding="utf-8")
        return folder


def digest_of(texts: dict[str, str]) -> str:
    """A digest of section texts, the same for the same texts whatever folder they came from."""
    return hashlib.sha256(json.dumps(sorted(texts.items())).encode("utf-8")).hexdigest()


def _text(path: Path) -> str:
    """A commentary file's text; one line naming the file when it is not UTF-8 text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read commentary file ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                         "save it as UTF-8") from None
    if "\x00" in text:
        raise InputError(f"{path}: not a text file (it holds NUL bytes); commentary is Markdown text")
    return text


def _entries(folder: Path) -> list[Path]:
    """The visible entries of ``folder``, sorted (hidden files such as .DS_Store are not the user's)."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def _section_files(folder: Path, keys: tuple[str, ...]) -> dict[str, str]:
    """The ``<key>.md`` files directly in ``folder``, by key, each checked."""
    texts = {}
    for path in _entries(folder):
        if path.is_dir():
            continue
        if path.suffix != SUFFIX:
            raise InputError(f"{path}: not a commentary file; name each file <section key>{SUFFIX} "
                             f"(keys: {', '.join(keys)})")
        if path.stem not in keys:
            raise InputError(f"{path}: unknown section key '{path.stem}'; use one of {', '.join(keys)}")
        texts[path.stem] = _text(path)
    return texts


def _area_folder(path: Path, area_codes: set[str], keys: tuple[str, ...]) -> dict[str, str]:
    """One area's sub-folder: named after an area of the bundle, holding only ``<key>.md`` files."""
    if path.name not in area_codes:
        raise InputError(f"{path}: folder '{path.name}' is not the code of an area in the bundle; name an "
                         "area's own folder after its code (jsna areas lists them)")
    if nested := next((p for p in _entries(path) if p.is_dir()), None):
        raise InputError(f"{nested}: a folder inside an area's commentary folder; put {SUFFIX} files there")
    return _section_files(path, keys)


def read_commentary(folder: str | Path, area_codes: set[str]) -> Commentary:
    """Read and check every file of a commentary folder (see the module docstring).

    ``area_codes`` are the codes of the bundle's areas, which sub-folders may be named after.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: {'not a folder' if folder.exists() else 'no such folder'}; "
                         "--commentary takes a folder of <section key>.md files")
    keys = commentary_keys()
    general = _section_files(folder, keys)
    by_area = {path.name: _area_folder(path, area_codes, keys) for path in _entries(folder) if path.is_dir()}
    return Commentary(folder, general, by_area)


def bundle_commentary(folder: str | Path | None, bundle) -> Commentary | None:
    """The commentary of ``folder`` checked against an opened bundle's areas, or None without a folder."""
    if folder is None or str(folder) == "":
        return None
    return read_commentary(folder, set(bundle.geography.areas["code"]))
