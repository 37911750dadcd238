"""The stand-in quarto (tests/support/quarto_standin) keeps the Quarto behaviours jsna depends on.

Each test is one behaviour read from the quarto-cli source (named in the
stand-in's docstring); the jsna tests that use the stand-in are only as good
as these.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest


def quarto(args: list[str], cwd: Path, standin: Path, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "QUARTO_PYTHON": sys.executable, **env}
    return subprocess.run([str(standin), *args], cwd=cwd, capture_output=True, text=True, env=environment)


def doc(folder: Path, body: str, name: str = "doc.qmd", front: str = "title: T\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"---\n{front}---\n\n{body}")
    return path


def toc_entries(html: str) -> list[str]:
    nav = re.search(r'<nav id="TOC".*?</nav>', html, re.S)
    return [" ".join(t.split()) for t in re.findall(r"<a [^>]*>(.*?)</a>", nav.group(0), re.S)] if nav else []


def test_version(standin_quarto, tmp_path):
    assert quarto(["--version"], tmp_path, standin_quarto).stdout.strip() == "1.11.0"
    assert quarto(["--version"], tmp_path, standin_quarto, JSNA_STANDIN_QUARTO_VERSION="1.3.450").stdout.strip() \
        == "1.3.450"


def test_output_name_gets_no_extension_so_formats_overwrite_each_other(standin_quarto, tmp_path):
    """output.ts: --output NAME is used as given for every format."""
    document = doc(tmp_path, "Some text.\n")
    result = quarto(["render", document.name, "--to", "html,docx", "--output", "leeds"], tmp_path, standin_quarto)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.qmd", "leeds"]
    assert zipfile.is_zipfile(tmp_path / "leeds")  # the Word file, written over the HTML


def test_without_output_each_format_is_named_after_the_document(standin_quarto, tmp_path):
    document = doc(tmp_path, "Some text.\n")
    assert quarto(["render", document.name, "--to", "html,docx,typst"], tmp_path, standin_quarto).returncode == 0
    assert {p.name for p in tmp_path.iterdir()} == {"doc.qmd", "doc.html", "doc.docx", "doc.pdf"}
    assert (tmp_path / "doc.pdf").read_bytes().startswith(b"%PDF")


def test_a_project_moves_outputs_into_the_documents_sub_folder_of_output_dir(standin_quarto, tmp_path):
    """project.ts: <output-dir>/<document's folder relative to the project>/; .quarto/ and .gitignore entries."""
    (tmp_path / "_quarto.yml").write_text("project:\n  type: default\n")
    (tmp_path / ".gitignore").write_text("/reports/\n")
    document = doc(tmp_path / "templates", "Text.\n")
    result = quarto(["render", str(document), "--to", "html", "--output-dir", str(tmp_path / "out"),
                     "--output", "stem"], tmp_path / "templates", standin_quarto)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "templates" / "stem").is_file() and not (tmp_path / "out" / "stem.html").exists()
    assert (tmp_path / ".quarto").is_dir()
    assert (tmp_path / ".gitignore").read_text().splitlines() == ["/reports/", "/.quarto/", "**/*.quarto_ipynb"]


def test_paths_starting_with_a_slash_are_read_from_the_project_folder(standin_quarto, tmp_path):
    """project-paths.lua: an absolute figure path inside a project points nowhere."""
    image = tmp_path / "figures" / "dot.png"
    image.parent.mkdir()
    image.write_bytes(_png())
    (tmp_path / "_quarto.yml").write_text("project:\n  type: default\n")
    document = doc(tmp_path / "templates", f"![A dot]({image})\n\n![Relative](../figures/dot.png)\n",
                   front="title: T\nembed-resources: true\n")
    assert quarto(["render", document.name, "--to", "html"], document.parent, standin_quarto).returncode == 0
    sources = re.findall(r"<img [^>]*src=\"([^\"]+)\"", (document.parent / "doc.html").read_text())
    assert sources[0] == ".." + image.as_posix()        # read from the project folder: a file that is not there
    assert sources[1].startswith("data:image/png")       # the relative path was found and embedded


def test_cells_run_in_the_documents_folder_with_parameters_injected_after_the_parameters_cell(
        standin_quarto, tmp_path):
    """notebook.py: chdir to the document; nb_parameterize inserts a cell after the `parameters` cell."""
    body = ("```{python}\n#| output: asis\nimport os\nprint('before:', 'area' in dir())\n```\n\n"
            "```{python}\n#| label: parameters\n#| tags: [parameters]\narea = 'Default'\n```\n\n"
            "```{python}\n#| output: asis\nprint('area:', area, '| cwd:', os.getcwd())\n```\n")
    document = doc(tmp_path / "docs", body, front="title: T\nexecute:\n  echo: false\n")
    result = quarto(["render", document.name, "--to", "html", "-P", 'area:"Leeds: North"'], tmp_path, standin_quarto)
    assert result.returncode != 0  # run from elsewhere: the document is not found
    result = quarto(["render", str(document), "--to", "html", "-P", 'area:"Leeds: North"'], tmp_path, standin_quarto)
    assert result.returncode == 0, result.stderr
    text = " ".join(re.sub(r"<[^>]+>", " ", (document.parent / "doc.html").read_text()).split())
    assert "before: False" in text
    assert f"area: Leeds: North | cwd: {document.parent}" in text
    assert not list(document.parent.glob("*.quarto_ipynb*"))  # the transient notebook is removed


def test_the_python_is_quarto_python_or_else_python3_on_path(standin_quarto, tmp_path):
    """capabilities.ts: QUARTO_PYTHON, else the first python3 on PATH."""
    document = doc(tmp_path, "```{python}\nprint(1)\n```\n")
    missing = quarto(["render", document.name, "--to", "html"], tmp_path, standin_quarto,
                     QUARTO_PYTHON=str(tmp_path / "nowhere" / "python"))
    assert missing.returncode == 1 and "Specified QUARTO_PYTHON" in missing.stderr
    env = {k: v for k, v in os.environ.items() if k != "QUARTO_PYTHON"}
    alone = subprocess.run([str(standin_quarto), "render", document.name, "--to", "html"], cwd=tmp_path,
                           capture_output=True, text=True, env={**env, "PATH": str(standin_quarto.parent)})
    assert alone.returncode == 1 and "Unable to locate an installed version of Python 3" in alone.stderr


def test_a_labelled_asis_cell_is_wrapped_in_a_div_and_its_headings_leave_the_contents(standin_quarto, tmp_path):
    """jupyter.ts / labels.ts: `::: {#label .cell}` around a labelled cell's output.

    Pandoc counts a div as a section only when it starts with a heading and
    every other heading in it is deeper, so a cell that prints several topic
    headings loses them all from the contents list.
    """
    body = ("## Kept\n\n```{python}\n#| label: topics\n#| output: asis\n"
            "print('## Lost one\\n\\nText.\\n\\n## Lost two\\n')\n```\n\n"
            "```{python}\n#| output: asis\nprint('## Unlabelled\\n')\n```\n")
    document = doc(tmp_path, body, front="title: T\ntoc: true\nexecute:\n  echo: false\n")
    result = quarto(["render", document.name, "--to", "html"], tmp_path, standin_quarto)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "doc.html").read_text()
    assert re.search(r'<div id="topics" class="cell"[^>]*>\s*<h2', html)
    assert toc_entries(html) == ["Kept", "Unlabelled"]


def test_plain_render_renders_only_the_projects_render_list(standin_quarto, tmp_path):
    (tmp_path / "_quarto.yml").write_text("project:\n  type: default\n  render:\n    - a/one.qmd\n"
                                          "  output-dir: out\n")
    doc(tmp_path / "a", "One.\n", name="one.qmd")
    doc(tmp_path / "b", "Two.\n", name="two.qmd")
    result = quarto(["render"], tmp_path, standin_quarto)
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.*")) == ["a/one.html"]
    assert not (tmp_path / "b" / "two.html").exists()


def _png() -> bytes:
    import base64

    return base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@pytest.fixture(autouse=True)
def _no_real_quarto_on_path(standin_quarto):
    """Every test here drives the stand-in, whatever else is installed."""


def test_header_includes_strings_go_in_verbatim_so_a_markdown_raw_block_shows_as_text(standin_quarto, tmp_path):
    """filters.ts (extractIncludeVariables) and quarto-init/includes.lua: a string is a raw block of the format, unread."""
    front = 'title: T\nheader-includes: "```{=html}\\n<meta name=\\"x\\">\\n```"\n'
    document = doc(tmp_path, "Some text.\n", front=front)
    assert quarto(["render", document.name, "--to", "html"], tmp_path, standin_quarto).returncode == 0
    head = (tmp_path / "doc.html").read_text().split("</head>")[0]
    assert "```{=html}" in head and '<meta name="x">' in head


def test_include_in_header_files_and_filters_around_the_quarto_marker(standin_quarto, tmp_path):
    """An include-in-header file's text is a raw header block; filters after `quarto` run after Quarto's own."""
    (tmp_path / "format").mkdir()
    (tmp_path / "format" / "rules.typ").write_text("#set page(header: [Running head])\n")
    # after Quarto's own filters, an image path starting with "/" is already rewritten (project-paths.lua)
    (tmp_path / "format" / "after.lua").write_text(
        'function Image(i) return pandoc.Str("[" .. i.src .. "]") end\n')
    (tmp_path / "_quarto.yml").write_text("project:\n  type: default\n")
    front = ("title: T\nfilters:\n  - quarto\n  - format/after.lua\n"
             "format:\n  typst:\n    include-in-header: format/rules.typ\n  html: default\n")
    document = doc(tmp_path / "sub", "![x](/pic.png)\n", front=front)
    for name in ("rules.typ", "after.lua"):
        (tmp_path / "sub" / "format").mkdir(exist_ok=True)
        (tmp_path / "sub" / "format" / name).write_text((tmp_path / "format" / name).read_text())
    assert quarto(["render", document.name, "--to", "html,typst"], tmp_path / "sub", standin_quarto).returncode == 0
    assert "[../pic.png]" in (tmp_path / "sub" / "doc.html").read_text()
    pdf = subprocess.run(["pdftotext", str(tmp_path / "sub" / "doc.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Running head" in pdf and "#set" not in pdf
