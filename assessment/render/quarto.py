"""Render with the Quarto CLI when it is installed (``quarto render`` with ``-P`` parameters).

>>> cmd = quarto_command(Path("templates/report.qmd"), {"area": "E08000035"}, ("html", "pdf"),
...                      Path("/tmp/out"), "leeds", Path("/tmp/meta.yml"))
>>> cmd[:5], cmd[-4:]
(['quarto', 'render', 'templates/report.qmd', '--to', 'html,typst'], ['--output', 'leeds', '--metadata-file', '/tmp/meta.yml'])
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml

from ..errors import RenderError

QUARTO_FORMAT = {"html": "html", "docx": "docx", "pdf": "typst"}
SUFFIX = {"html": ".html", "docx": ".docx", "pdf": ".pdf"}


def quarto_available() -> bool:
    return shutil.which("quarto") is not None


def quarto_command(template: Path, params: dict, formats, output_dir: Path, stem: str,
                   metadata_file: Path | None = None) -> list[str]:
    """The ``quarto render`` command line for one document."""
    cmd = ["quarto", "render", str(template), "--to", ",".join(QUARTO_FORMAT[f] for f in formats)]
    for name, value in params.items():
        # -P takes YAML: JSON encoding keeps strings with spaces or colons intact.
        cmd += ["-P", f"{name}:{json.dumps(value)}"]
    cmd += ["--output-dir", str(output_dir), "--output", stem]
    if metadata_file is not None:
        cmd += ["--metadata-file", str(metadata_file)]
    return cmd


def render_with_quarto(template: Path, params: dict, out_dir: Path, formats, *, stem: str | None = None,
                       metadata: dict | None = None, reference_doc: Path | None = None) -> dict[str, Path]:
    """Run Quarto into a staging folder, then move the outputs into ``out_dir``."""
    if not quarto_available():
        raise RenderError("engine 'quarto' requested but the quarto command is not on PATH; "
                          "use --engine builtin or install Quarto")
    stem = stem or template.stem
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{stem}-quarto-", dir=out_dir.parent))
    try:
        extra = dict(metadata or {})
        if reference_doc:
            extra["reference-doc"] = str(reference_doc)
        metadata_file = staging / "metadata.yml"
        metadata_file.write_text(yaml.safe_dump(extra, allow_unicode=True))
        cmd = quarto_command(template, params, formats, staging, stem, metadata_file)
        completed = subprocess.run(cmd, capture_output=True, text=True, cwd=template.parent)
        if completed.returncode != 0:
            tail = " ".join(completed.stderr.split())[-400:]
            raise RenderError(f"quarto render {template.name} failed: {tail}")
        out_dir.mkdir(parents=True, exist_ok=True)
        written = {}
        for fmt in formats:
            produced = staging / f"{stem}{SUFFIX[fmt]}"
            if not produced.is_file():
                raise RenderError(f"quarto render {template.name} did not write {produced.name}")
            target = out_dir / produced.name
            produced.replace(target)
            written[fmt] = target
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
