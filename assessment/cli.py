"""The ``jsna`` command line.

Every command has ``--help``. Bad input ends with a one-line ``error:`` message
naming the file, row and column or URL, and a non-zero exit; no traceback.

>>> from typer.testing import CliRunner
>>> CliRunner().invoke(app, ["--help"]).exit_code
0
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .errors import JsnaError
from .levels import report_levels

app = typer.Typer(
    name="jsna",
    help="Generate the health and justice section of a JSNA for an area of England "
         "or a police force area.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)

FormatsOption = Annotated[
    str, typer.Option("--format", "-f", help="Comma-separated output formats: html, docx, pdf.")
]
EngineOption = Annotated[
    str, typer.Option("--engine", help="auto (Quarto if on PATH, else built-in), quarto or builtin.")
]


@app.callback()
def _start() -> None:
    """Checked before every command: the registries and every reference between them."""
    # One line naming the file, entry and unknown value (e.g. a renamed section), not a
    # figure silently missing from a report later; cached, so commands reuse the load.
    # Imported here, like each command's modules, so that `jsna --help` stays quick.
    from .registries import check_registries

    check_registries()


def _formats(text: str) -> tuple[str, ...]:
    formats = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    unknown = [f for f in formats if f not in ("html", "docx", "pdf")]
    if unknown or not formats:
        raise typer.BadParameter(f"unknown format(s) {', '.join(unknown) or '(none)'}; "
                                 "choose from html, docx, pdf", param_hint="--format")
    return formats


# Each command imports the modules it runs only when it runs (they pull in pandas, geopandas,
# plotnine, Jupyter...), so `jsna --help` and a command's own --help answer quickly.
@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the demo reports.")] = Path("demo-output"),
    formats: FormatsOption = "html,docx,pdf",
    engine: EngineOption = "auto",
) -> None:
    """Render the built-in demonstration report offline (a fictional county and its police force area)."""
    from .demo import run_demo

    written = run_demo(out, formats=_formats(formats), engine=engine)
    for path in written:
        console.print(f"wrote {path}")


@app.command()
def render(
    area: Annotated[list[str] | None, typer.Option("--area", "-a", help="Area code or name (repeatable).")] = None,
    bundle: Annotated[Path, typer.Option("--bundle", "-b", help="Built data bundle (from `jsna build`).")] = Path("bundle"),
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder; each area gets its own sub-folder.")] = Path("reports"),
    formats: FormatsOption = "html,docx,pdf",
    engine: EngineOption = "auto",
    all_areas: Annotated[bool, typer.Option(
        "--all", help="Render every area of --geography (unchanged areas are skipped) and an index page.")] = False,
    geography: Annotated[str, typer.Option(
        "--geography", help=f"With --all: {', '.join(report_levels())}, or several comma-separated "
                            "(utla,pfa).")] = "utla",
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Warm Jupyter kernels working in parallel for --all.")] = 2,
) -> None:
    """Render the report for one or more areas (a district, upper-tier authority or police force area)."""
    from .report.batch import render_batch
    from .report.runner import render_areas

    if not area and not all_areas:
        raise typer.BadParameter("give --area AREA or --all", param_hint="--area")
    if all_areas:
        render_batch(bundle, geography, out, formats=_formats(formats), jobs=jobs, engine=engine)
        console.print(f"wrote {out / 'index.html'}")
        return
    for path in render_areas(bundle, area, out, formats=_formats(formats), engine=engine):
        console.print(f"wrote {path}")


@app.command()
def fetch(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for dated snapshots.")] = Path("snapshots"),
) -> None:
    """Download everything the indicator catalogue needs into a dated snapshot folder."""
    from .sources.snapshot import fetch_snapshot

    path = fetch_snapshot(out)
    console.print(f"snapshot written to {path}")


@app.command()
def build(
    snapshot: Annotated[Path, typer.Option("--snapshot", "-s", help="Snapshot folder from `jsna fetch`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the built data bundle.")] = Path("bundle"),
    geography_dir: Annotated[Path | None, typer.Option("--lookups", help="Folder of ONS lookup files (default: the snapshot's).")] = None,
    upload: Annotated[list[Path] | None, typer.Option("--upload", "-u", help="Validated local upload to include (repeatable; KIND=FILE or FILE).")] = None,
) -> None:
    """Build the tidy frame from a snapshot alone (offline) and analyse it into a report bundle."""
    from .report.build import build_bundle_from_snapshot

    path = build_bundle_from_snapshot(snapshot, out, lookups_dir=geography_dir, uploads=upload or [])
    console.print(f"bundle written to {path}")


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="An upload (xlsx or csv).")],
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="Upload kind (default: detected).")] = None,
    bundle: Annotated[Path | None, typer.Option(help="Check area codes against this bundle's geography.")] = None,
    lookups: Annotated[Path | None, typer.Option(
        help="Folder with the ONS lookup files (default ../shared/data).")] = None,
) -> None:
    """Check a local upload and list every problem with its sheet, row and column.

    Exit code 0 when the file is valid, 1 when it has problems.
    """
    from .geography import load_geography
    from .report.bundle import open_bundle
    from .uploads import validate_upload

    geography = open_bundle(bundle).geography if bundle else load_geography(lookups_dir=lookups)
    report = validate_upload(file, kind, geography)
    out = Console(stderr=True, soft_wrap=True, highlight=False)
    if report.ok:
        out.print(f"{file.name}: valid '{report.kind.kind}' upload with {len(report.sheet.rows)} row(s)")
        return
    for line in report.lines():
        out.print(line, markup=False)
    out.print(f"{file.name}: {len(report.problems)} problem(s); nothing from this file will be used", markup=False)
    raise typer.Exit(1)


@app.command("upload-template")
def upload_template(
    kind: Annotated[str, typer.Argument(help="Upload kind, e.g. continuity_of_care_audit.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the template files.")] = Path("."),
) -> None:
    """Write the Excel workbook and CSV template for an upload kind."""
    from .uploads import write_upload_template

    for path in write_upload_template(kind, out):
        console.print(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning our errors into one-line messages and exit codes."""
    try:
        # Without standalone mode click returns (not raises) a typer.Exit's code.
        code = app(args=argv, standalone_mode=False)
    except JsnaError as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        console.print("aborted")
        return 130
    except Exception as exc:  # click usage errors carry their own exit code
        from click.exceptions import ClickException

        if isinstance(exc, ClickException):
            exc.show()
            return exc.exit_code
        raise
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())


def run() -> None:
    """Console-script wrapper: exit with :func:`main`'s code."""
    sys.exit(main())
