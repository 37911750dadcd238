"""Parse a Quarto ``.qmd`` document: front matter, markdown, and executable Python cells.

>>> doc = parse_qmd('''---
... title: "T"
... execute:
...   echo: false
... ---
...
... # Hello
...
... ```{python}
... #| label: setup
... #| output: asis
... print("x")
... ```
... ''')
>>> doc.metadata["title"], [type(c).__name__ for c in doc.chunks]
('T', ['MarkdownChunk', 'CodeCell'])
>>> doc.chunks[1].options, doc.chunks[1].source
({'label': 'setup', 'output': 'asis'}, 'print("x")')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..core.errors import RenderError
from ..core.registry_fields import SAFE_LOADER

_FENCE_OPEN = re.compile(r"^(?P<fence>`{3,})\s*\{(?P<lang>[a-zA-Z0-9_]+)(?P<rest>[^}]*)\}\s*$")


@dataclass
class MarkdownChunk:
    text: str


@dataclass
class CodeCell:
    source: str
    options: dict = field(default_factory=dict)
    language: str = "python"
    line: int = 0

    @property
    def label(self) -> str | None:
        return str(self.options["label"]) if self.options.get("label") else None

    @property
    def name(self) -> str:
        """How messages name the cell: by its label, else by its line and first line of code.

        >>> CodeCell("# why\\nfor s in report.sections():\\n    print(s)", line=71).name
        'the cell at line 71 (for s in report.sections():)'
        """
        if self.label:
            return f"cell '{self.label}'"
        code = [line.strip() for line in self.source.splitlines() if line.strip() and not line.strip().startswith("#")]
        return f"the cell at line {self.line}" + (f" ({code[0][:60]})" if code else "")


@dataclass
class QmdDocument:
    metadata: dict
    chunks: list
    path: Path | None = None

    @property
    def cells(self) -> list[CodeCell]:
        return [c for c in self.chunks if isinstance(c, CodeCell)]


def _split_front_matter(text: str, where: str) -> tuple[dict, str, int]:
    if not text.startswith("---"):
        return {}, text, 0
    end = re.search(r"^---\s*$", text[3:], flags=re.MULTILINE)
    if not end:
        raise RenderError(f"{where}: front matter has no closing ---")
    block = text[3:3 + end.start()]
    try:
        metadata = yaml.load(block, Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        raise RenderError(f"{where}: front matter is not valid YAML ({' '.join(str(exc).split())})") from None
    rest = text[3 + end.end():]
    return metadata, rest, block.count("\n") + 2


def _cell_options(lines: list[str], where: str) -> tuple[dict, list[str]]:
    option_lines = []
    while lines and lines[0].startswith("#|"):
        option_lines.append(lines.pop(0)[2:].strip())
    if not option_lines:
        return {}, lines
    try:
        options = yaml.load("\n".join(option_lines), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        raise RenderError(f"{where}: cell options are not valid YAML ({' '.join(str(exc).split())})") from None
    return options, lines


def parse_qmd(text: str, path: Path | None = None) -> QmdDocument:
    """Split a .qmd into front matter, markdown chunks and code cells."""
    where = str(path or "<qmd>")
    metadata, body, offset = _split_front_matter(text, where)
    chunks: list = []
    buffer: list[str] = []
    lines = body.split("\n")
    i = 0
    while i < len(lines):
        match = _FENCE_OPEN.match(lines[i])
        if not match:
            buffer.append(lines[i])
            i += 1
            continue
        fence, start = match["fence"], i
        i += 1
        cell_lines = []
        while i < len(lines) and lines[i].strip() != fence:
            cell_lines.append(lines[i])
            i += 1
        if i >= len(lines):
            raise RenderError(f"{where} line {offset + start + 1}: code cell is never closed")
        i += 1
        if buffer:
            chunks.append(MarkdownChunk("\n".join(buffer)))
            buffer = []
        options, code = _cell_options(cell_lines, f"{where} line {offset + start + 1}")
        chunks.append(CodeCell("\n".join(code).strip("\n"), options, match["lang"], offset + start + 1))
    if buffer and "\n".join(buffer).strip():
        chunks.append(MarkdownChunk("\n".join(buffer)))
    return QmdDocument(metadata, chunks, path)


def with_front_matter(text: str, metadata: dict, where: str = "<qmd>") -> str:
    """``text`` with its front matter replaced by ``metadata`` (the body is kept as it is).

    >>> print(with_front_matter("---\\ntitle: T\\n---\\n\\n# Body\\n", {"title": "New", "jupyter": "k"}), end="")
    ---
    title: New
    jupyter: k
    ---
    <BLANKLINE>
    # Body
    """
    _, body, _ = _split_front_matter(text, where)
    front = yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False)
    return "---\n" + front + "---\n\n" + body.lstrip("\n")


def read_qmd(path: Path) -> QmdDocument:
    """Read and parse a .qmd file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RenderError(f"{path}: cannot read template ({exc.strerror})") from None
    return parse_qmd(text, path)
