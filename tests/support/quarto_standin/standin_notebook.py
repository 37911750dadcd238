"""The stand-in Quarto's notebook runner: run by QUARTO_PYTHON, as Quarto runs its own notebook.py.

Usage: ``python standin_notebook.py NOTEBOOK PARAMS_JSON``. Reproduces
``src/resources/jupyter/notebook.py`` (quarto-cli 1.11):

- ``notebook_execute``: change into the notebook's folder and execute there, so
  cells run in the document's folder;
- ``nb_parameterize``: parameters need papermill (``papermill.translators``), and
  are injected as a new cell tagged ``injected-parameters`` right after the
  first cell tagged ``parameters``, carrying that cell's ``#|`` options without
  its ``label``; with no ``parameters`` cell nothing is injected;
- ``cell_execute``: a cell error ends the render (``CellExecutionError``);
- the executed notebook is written back for the caller to convert.

The figure defaults of Quarto's Python setup cell
(``src/resources/jupyter/lang/python/setup.py``: inline PNG figures) are applied
through ``MPLBACKEND``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

try:  # optional, as in notebook.py: only -P needs it
    from papermill import translators as papermill_translate
except ImportError:
    papermill_translate = None


def _yaml_option_lines(source: str) -> list[str]:
    lines = []
    for line in source.splitlines():
        if not line.startswith("#|"):
            break
        lines.append(line[2:].lstrip())
    return lines


def _first_tagged(nb, tag: str) -> int:
    return next((i for i, cell in enumerate(nb.cells) if tag in cell.get("metadata", {}).get("tags", [])), -1)


def parameterize(nb, params: dict) -> None:
    if papermill_translate is None:
        raise ImportError("The papermill package is required for processing --execute-params")
    index = _first_tagged(nb, "parameters")
    if index == -1:
        return
    tags = [t for t in nb.cells[index].metadata.get("tags", []) if t != "parameters"]
    options = yaml.safe_load("\n".join(_yaml_option_lines(nb.cells[index].source))) or {}
    options.pop("label", None)  # quarto-cli#10097: no duplicate labels
    kernelspec = nb.metadata.kernelspec
    content = papermill_translate.translate_parameters(kernelspec.name, kernelspec.language, params,
                                                       "Injected Parameters")
    if options:
        content = "\n".join("#| " + line for line in yaml.safe_dump(options).strip().splitlines()) + "\n" + content
    cell = nbformat.v4.new_code_cell(source=content)
    cell.metadata["tags"] = ["injected-parameters", *tags]
    nb.cells = nb.cells[:index + 1] + [cell] + nb.cells[index + 1:]


def main(notebook: str, params_json: str) -> int:
    path = Path(notebook).resolve()
    os.chdir(path.parent)
    nb = nbformat.read(path.name, as_version=4)
    params = json.loads(params_json)
    if params:
        parameterize(nb, params)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = NotebookClient(nb, kernel_name=nb.metadata.kernelspec.name, resources={"metadata": {"path": "."}})
    try:
        client.execute()
    except CellExecutionError as exc:
        sys.stderr.write(f"An error occurred while executing the following cell:\n{exc}\n")
        return 1
    nbformat.write(nb, path.name, version=4)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
