"""Execute a parsed .qmd in a kernel and assemble pandoc markdown from its outputs.

Cell options honoured (the ones our templates use; Quarto's meaning):
``echo``, ``eval``, ``include``, ``output`` (``true``/``false``/``asis``),
``warning``, ``label``, ``fig-cap``, ``fig-alt``, ``tags: [parameters]``.
Defaults come from the front matter's ``execute:`` block and ``_quarto.yml``.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from ..core.errors import RenderError
from .kernel import KernelSession
from .qmd import CodeCell, MarkdownChunk, QmdDocument

_ESCAPE_ATTR = str.maketrans({'"': "'", "\n": " ", "\\": "/"})
_HEADING = re.compile(r"^#{1,6}[ \t]+\S")


def parameters_source(params: dict) -> str:
    """Python assignments for the injected parameters cell (values as Python literals).

    >>> parameters_source({"area": "O'Neil \\"X\\"", "n": 3})
    'area = \\'O\\\\\\'Neil "X"\\'\\nn = 3'
    """
    lines = []
    for name, value in params.items():
        if not str(name).isidentifier():
            raise RenderError(f"parameter name {name!r} is not a valid Python identifier")
        lines.append(f"{name} = {value!r}")
    return "\n".join(lines)


def _cell_setting(cell: CodeCell, defaults: dict, key: str, fallback):
    return cell.options.get(key, defaults.get(key, fallback))


def _figure(data: dict, cell: CodeCell, figures: Path, counter: int) -> str:
    label = str(cell.options.get("label", f"cell-{cell.line}"))
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", label)
    if "image/png" in data:
        path = figures / f"{stem}-{counter}.png"
        path.write_bytes(base64.b64decode(data["image/png"]))
    else:
        path = figures / f"{stem}-{counter}.svg"
        path.write_text(data["image/svg+xml"])
    caption = str(cell.options.get("fig-cap", ""))
    alt = str(cell.options.get("fig-alt", caption)).translate(_ESCAPE_ATTR)
    ident = f"#{label} " if label.startswith("fig-") and counter == 1 else ""
    return f'![{caption}]({path.as_posix()}){{{ident}fig-alt="{alt}"}}\n'


def markdown_headings(text: str) -> list[str]:
    """The ATX headings (``## Title``) in markdown ``text``, leaving fenced code alone.

    >>> markdown_headings("## Crime\\n\\ntext\\n```\\n# a comment\\n```\\n### Local data: probation\\n")
    ['## Crime', '### Local data: probation']
    """
    headings, fence = [], None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = None if fence and stripped.startswith(fence) else (fence or stripped[:3])
        elif fence is None and _HEADING.match(line):
            headings.append(stripped)
    return headings


def _check_no_headings(cell: CodeCell, text: str, where: str) -> None:
    """Refuse a labelled ``output: asis`` cell that prints headings, under either engine.

    Quarto wraps such a cell's output in a ``::: {#label .cell}`` div
    (quarto-cli src/core/jupyter/jupyter.ts), and pandoc keeps headings inside
    a div in the table of contents only when the div is one section (starts
    with a heading, every other one deeper), so the topic headings a loop
    prints would vanish from the contents list.
    """
    headings = markdown_headings(text)
    if headings:
        raise RenderError(f"{where}: {cell.name} prints headings ({headings[0]}) but has a label; Quarto wraps "
                          "a labelled cell's output in a div, which can take its headings out of the table of "
                          "contents, so remove the label")


def _code_block(text: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}\n{text.rstrip()}\n{fence}\n"


def execute_document(doc: QmdDocument, params: dict, kernel: KernelSession, figures: Path,
                     defaults: dict | None = None) -> str:
    """Run every cell of ``doc`` with ``params`` injected; return the markdown body."""
    defaults = {**(defaults or {}), **(doc.metadata.get("execute") or {})}
    figures.mkdir(parents=True, exist_ok=True)
    where = str(doc.path or "template")
    parts: list[str] = []
    injected = False
    has_parameters_cell = any("parameters" in (c.options.get("tags") or []) for c in doc.cells)
    if params and not has_parameters_cell:
        raise RenderError(f"{where}: parameters given but no cell has `#| tags: [parameters]`")
    for chunk in doc.chunks:
        if isinstance(chunk, MarkdownChunk):
            parts.append(chunk.text)
            continue
        cell = chunk
        if cell.language != "python":
            raise RenderError(f"{where} line {cell.line}: only python cells are supported, not {cell.language}")
        echo = bool(_cell_setting(cell, defaults, "echo", False))
        if echo:
            parts.append(f"```python\n{cell.source}\n```\n")
        if not _cell_setting(cell, defaults, "eval", True):
            continue
        result = kernel.run(cell.source)
        if "parameters" in (cell.options.get("tags") or []) and not injected:
            if params:
                result = kernel.run(parameters_source(params))
            injected = True
        if result.error:
            ename, evalue = result.error
            raise RenderError(f"{where}: {cell.name} failed: {ename}: {evalue}")
        output = _cell_setting(cell, defaults, "output", True)
        if not _cell_setting(cell, defaults, "include", True) or output is False:
            continue
        asis = output == "asis"
        figure_count = 0
        for item in result.outputs:
            if item["type"] == "stream":
                if item["name"] == "stderr":
                    continue  # warnings and logs do not belong in a report
                if asis and cell.label:
                    _check_no_headings(cell, item["text"], where)
                parts.append(item["text"] if asis else _code_block(item["text"]))
                continue
            data = item["data"]
            if "image/png" in data or "image/svg+xml" in data:
                figure_count += 1
                parts.append(_figure(data, cell, figures, figure_count))
            elif "text/markdown" in data:
                parts.append(data["text/markdown"] + "\n")
            elif "text/plain" in data:
                text = data["text/plain"]
                parts.append(text + "\n" if asis else _code_block(text))
    return "\n".join(parts)
