"""The stand-in Quarto's Jupyter engine: a .qmd's cells run as a notebook, its outputs turned back into markdown.

Split from standin_quarto.py (see its docstring, "Execution" and "Markdown from
the executed notebook", for the quarto-cli source each behaviour follows).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


class QuartoError(Exception):
    pass


def qmd_to_notebook(body: str, kernel: str) -> dict:
    """Markdown and ```{python} cells as a notebook; ``#| tags`` move to the cell metadata."""
    cells, buffer, lines, i = [], [], body.split("\n"), 0
    fence = re.compile(r"^(`{3,})\s*\{python[^}]*\}\s*$")

    def flush():
        if "".join(buffer).strip():
            cells.append({"cell_type": "markdown", "metadata": {}, "source": "\n".join(buffer).strip("\n")})
        buffer.clear()

    while i < len(lines):
        match = fence.match(lines[i])
        if not match:
            buffer.append(lines[i])
            i += 1
            continue
        flush()
        i += 1
        code = []
        while lines[i].strip() != match.group(1):
            code.append(lines[i])
            i += 1
        i += 1
        options = [line for line in code if line.startswith("#|")]
        parsed = yaml.safe_load("\n".join(line[2:].lstrip() for line in options)) or {}
        metadata = {"tags": parsed.pop("tags")} if "tags" in parsed else {}
        kept = ["#| " + line for line in yaml.safe_dump(parsed, sort_keys=False).strip().splitlines()] if parsed else []
        source = "\n".join(kept + code[len(options):]).strip("\n")
        cells.append({"cell_type": "code", "metadata": metadata, "source": source, "outputs": [],
                      "execution_count": None})
    flush()
    return {"cells": cells, "metadata": {"kernelspec": {"name": kernel, "language": "python",
                                                        "display_name": kernel}},
            "nbformat": 4, "nbformat_minor": 5}


def quarto_python() -> str:
    """src/core/jupyter/capabilities.ts: QUARTO_PYTHON (a file, a command, or a folder holding python3), else python3."""
    chosen = os.environ.get("QUARTO_PYTHON")
    if chosen:
        if not os.path.isabs(chosen):
            chosen = shutil.which(chosen) or chosen
        if os.path.isdir(chosen):
            chosen = next((os.path.join(chosen, b) for b in ("python3", "python")
                           if os.path.exists(os.path.join(chosen, b))), chosen)
        if not os.path.isfile(chosen):
            raise QuartoError(f"Specified QUARTO_PYTHON '{chosen}' does not exist")
        return chosen
    found = shutil.which("python3")
    if not found:
        raise QuartoError("Unable to locate an installed version of Python 3.")
    return found


def execute(document: Path, body: str, metadata: dict, params: dict, env: dict) -> dict:
    """Run the document's cells as Quarto's Jupyter engine does; returns the executed notebook."""
    python = quarto_python()
    if subprocess.run([python, "-c", "import jupyter_core, nbformat"], capture_output=True, env=env).returncode:
        raise QuartoError("Jupyter is not available in this Python installation.")
    jupyter = metadata.get("jupyter")
    kernel = jupyter if isinstance(jupyter, str) else "python3"
    counter, notebook = 0, document.with_name(f"{document.stem}.quarto_ipynb")
    while notebook.exists():
        counter += 1
        notebook = document.with_name(f"{document.stem}.quarto_ipynb_{counter}")
    notebook.write_text(json.dumps(qmd_to_notebook(body, kernel), indent=1), encoding="utf-8")
    try:
        completed = subprocess.run([python, str(HERE / "standin_notebook.py"), str(notebook), json.dumps(params)],
                                   capture_output=True, text=True, env=env)
        if completed.returncode != 0:
            raise QuartoError(completed.stderr.strip() or completed.stdout.strip())
        return json.loads(notebook.read_text(encoding="utf-8"))
    finally:
        notebook.unlink(missing_ok=True)  # transient: removed unless keep-ipynb


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _cell_options(cell: dict) -> dict:
    lines = [line[2:].lstrip() for line in _text(cell["source"]).splitlines() if line.startswith("#|")]
    return yaml.safe_load("\n".join(lines)) or {}


def notebook_to_markdown(nb: dict, execute_defaults: dict, document: Path, to: str) -> str:
    figures = document.parent / f"{document.stem}_files" / f"figure-{to}"
    parts: list[str] = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            parts.append(_text(cell["source"]) + "\n")
            continue
        options = _cell_options(cell)
        if options.get("include", execute_defaults.get("include", True)) is False:
            continue
        asis = options.get("output", execute_defaults.get("output")) == "asis"
        include_output = options.get("output", execute_defaults.get("output", True)) is not False
        label = str(options.get("label", "")).strip()
        outputs = cell.get("outputs", []) if include_output else []
        if options.get("warning", execute_defaults.get("warning", True)) is False:
            outputs = [o for o in outputs if not (o["output_type"] == "stream" and o["name"] == "stderr")]
        display = [o for o in outputs if o["output_type"] in ("display_data", "execute_result")]
        label_container = len(display) != 1  # labels.ts: shouldLabelCellContainer
        md: list[str] = []
        if options.get("echo", execute_defaults.get("echo", True)):
            code = "\n".join(line for line in _text(cell["source"]).splitlines() if not line.startswith("#|"))
            md.append(f"``` {{.python .cell-code}}\n{code}\n```\n")
        name = label or f"cell-{index + 1}"
        image_number = 0
        for output in outputs:
            if not asis:
                kind = f"cell-output-{output['name']}" if output["output_type"] == "stream" else \
                    "cell-output-display"
                md.append(f"\n::: {{.cell-output .{kind}}}\n")
            if output["output_type"] == "stream":
                text = _text(output["text"])
                md.append(text if asis and output["name"] == "stdout" else f"```\n{text.rstrip()}\n```\n")
            elif output["output_type"] == "error":
                md.append(f"```\n{output['ename']}: {output['evalue']}\n```\n")
            else:
                data = output["data"]
                if "image/png" in data:
                    image_number += 1
                    figures.mkdir(parents=True, exist_ok=True)
                    path = figures / f"{name}-output-{image_number}.png"
                    path.write_bytes(base64.b64decode(_text(data["image/png"])))
                    ident = f"#{label} " if label and not label_container else ""
                    alt = f' fig-alt="{options["fig-alt"]}"' if options.get("fig-alt") else ""
                    md.append(f"![{options.get('fig-cap', '')}]({path.relative_to(document.parent).as_posix()})"
                              f"{{{ident}{alt.strip()}}}\n")
                elif "text/markdown" in data:
                    md.append(_text(data["text/markdown"]) + "\n")
                elif "text/plain" in data:
                    text = _text(data["text/plain"])
                    md.append(text + "\n" if asis else f"```\n{text}\n```\n")
            if not asis:
                md.append(":::\n")
        need_cell = bool(label and label_container)
        if md and (need_cell or not asis):
            count = cell.get("execution_count")
            head = "::: {" + (f"#{label} " if label and label_container else "") + ".cell" + \
                (f" execution_count={count}" if isinstance(count, int) else "") + "}\n"
            md = [head, *md, ":::\n"]
        parts.append("".join(md) + "\n")
    return "\n".join(parts)
