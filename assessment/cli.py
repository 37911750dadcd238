"""The ``jsna`` command line.

Every command has ``--help``. Every failure (a usage error, bad input, a
source that failed, or a bug) ends in :func:`main`'s one error boundary: one
``error:`` line on stderr naming the file, row and column or URL, and a
non-zero exit; no traceback unless ``--debug`` (or ``JSNA_DEBUG=1``) asks for it.
Commands added later get the same boundary without doing anything.

>>> main(["render", "--format", "xyz", "--area", "[/x]"])  # stderr: error: Invalid value for --format: ...
2
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .core.errors import InputError
from .core.error_boundary import run_guarded
from .core.levels import edition_type_words, report_levels
from .render.formats import ALL_FORMATS, Formats, parse_formats

app = typer.Typer(
    name="jsna",
    help="Generate the health and justice section of a JSNA for an area of England "
         "or a police force area.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Paths, area names and messages are printed as they are: never read as rich markup.
console = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)


def _out_folder(path: Path) -> Path:
    """An output folder option: refuse a path that is (or is under) an existing file before any work."""
    for part in (path, *path.parents):
        if part.exists() and not part.is_dir():
            raise typer.BadParameter(f"{part} is a file, not a folder", param_hint="--out")
    return path

FormatsOption = Annotated[list[str] | None, typer.Option(
    "--format", "-f", help=f"Output formats, comma-separated or the option repeated: {', '.join(ALL_FORMATS)} "
                           "(default: all).")]
EngineOption = Annotated[
    str, typer.Option("--engine", help="auto (Quarto if on PATH and able, else built-in), quarto or builtin.")
]


def _formats(given: str | list[str] | None) -> Formats:
    """Every ``--format`` given (each comma-separated), parsed once for the whole command; all by default."""
    try:
        return parse_formats(ALL_FORMATS if not given else given)
    except InputError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format") from None


# Each command imports the modules it runs only when it runs (they pull in pandas, geopandas,
# plotnine, Jupyter...), so `jsna --help` and a command's own --help answer quickly.
@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the demo reports.",
                                      callback=_out_folder)] = Path("demo-output"),
    formats: FormatsOption = None,
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
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder; each area gets its own sub-folder.",
                                      callback=_out_folder)] = Path("reports"),
    formats: FormatsOption = None,
    engine: EngineOption = "auto",
    all_areas: Annotated[bool, typer.Option(
        "--all", help="Render every area of --geography (unchanged areas are skipped) and an index page.")] = False,
    geography: Annotated[str, typer.Option(
        "--geography", help=f"With --all: {', '.join(report_levels())}, or several comma-separated "
                            "(utla,pfa).")] = "utla",
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Warm Jupyter kernels working in parallel for --all.")] = 2,
    commentary: Annotated[Path | None, typer.Option(
        "--commentary", help="Folder of your own Markdown, one <section key>.md per section (summary, "
                             "mental_health...); <area code>/<key>.md for one area only. See the README.")] = None,
) -> None:
    """Render the report for one or more areas (a district, upper-tier authority or police force area)."""
    from .orchestration.batch import render_batch
    from .orchestration.render_request import render_request
    from .orchestration.area_renders import render_areas

    if not area and not all_areas:
        raise typer.BadParameter("give --area AREA or --all", param_hint="--area")
    if area and all_areas:  # the areas would be dropped without a word
        raise typer.BadParameter("give --area or --all, not both: --all renders every area of --geography",
                                 param_hint="--all")
    # The one request of this run: the bundle opened, the areas resolved and the formats parsed, once.
    request = render_request(bundle, [] if all_areas else area or [], out, _formats(formats), engine=engine,
                             commentary=commentary)
    if all_areas:
        render_batch(request, geography, jobs=jobs)
        console.print(f"wrote {out / 'index.html'}")
        return
    for path in render_areas(request):
        console.print(f"wrote {path}")


@app.command()
def areas(
    bundle: Annotated[Path, typer.Option("--bundle", "-b", help="Built data bundle (from `jsna build`).")] = Path("bundle"),
    area_type: Annotated[str | None, typer.Option(
        "--type", "-t", help="Only areas of this type, a word --area takes before a name: "
                             f"{', '.join(edition_type_words())}.")] = None,
    name: Annotated[str | None, typer.Option("--name", "-n", help="Only areas whose name contains this "
                                                                  "(case ignored).")] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of aligned columns.")] = False,
) -> None:
    """List the areas the bundle can report on: code, name, type and report edition (for --area)."""
    from .geography.listing import area_list, aligned_text, csv_text, no_areas_message
    from .bundles.bundle import open_bundle

    geography = open_bundle(bundle).geography
    found = area_list(geography, area_type, name)
    if found.empty:
        raise InputError(no_areas_message(str(bundle), area_type, name, geography))
    # Plain print: names are data from lookup files, never rich markup.
    typer.echo(csv_text(found) if as_csv else aligned_text(found), nl=not as_csv)


@app.command()
def fetch(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for dated snapshots.",
                                      callback=_out_folder)] = Path("snapshots"),
    fingertips: Annotated[str, typer.Option(
        "--fingertips", help="Fingertips API: auto (FingertipsNext if it answers, else the legacy API), "
                             "legacy or next.")] = "auto",
    fingertips_url: Annotated[str | None, typer.Option(
        "--fingertips-url", help="Legacy Fingertips API base URL (default $JSNA_FINGERTIPS_URL, else "
                                 "https://fingertips.phe.org.uk/api/).")] = None,
    fingertips_next_url: Annotated[str | None, typer.Option(
        "--fingertips-next-url", help="FingertipsNext API base URL (default $JSNA_FINGERTIPS_NEXT_URL; "
                                      "FingertipsNext is only tried when one is given).")] = None,
    only: Annotated[str | None, typer.Option(
        "--only", help="Fetch only these sources (comma-separated: fingertips, publishers, geography); "
                       "with --since the others are carried over.")] = None,
    since: Annotated[Path | None, typer.Option(
        "--since", help="An earlier snapshot folder: reuse its unchanged files (ETag / Last-Modified or SHA-256).")] = None,
) -> None:
    """Download everything the indicator catalogue needs into a dated snapshot folder."""
    from .snapshots.fetch_steps import parse_only
    from .snapshots.snapshot import fetch_snapshot

    if fingertips not in ("auto", "legacy", "next"):
        raise typer.BadParameter("choose auto, legacy or next", param_hint="--fingertips")
    try:
        sources = parse_only(only)
    except InputError as exc:
        raise typer.BadParameter(str(exc).removeprefix("--only: "), param_hint="--only") from None
    # Warnings (an indicator stopped by its name check, a stale cached copy) are printed one line
    # each by the error boundary (assessment.core.error_boundary).
    path = fetch_snapshot(out, fingertips=fingertips, only=sources, since=since,
                          fingertips_urls={"legacy": fingertips_url, "next": fingertips_next_url})
    console.print(f"snapshot written to {path}")


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="Downloaded files, or folders of them.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for dated snapshots.",
                                      callback=_out_folder)] = Path("snapshots"),
) -> None:
    """Bring files you downloaded (Fingertips exports, ONS, MHCLG and IoD files, ONS lookups and
    boundaries) into a dated snapshot, each recognised by its content; prints the snapshot folder last."""
    from .snapshots.importer import import_files

    path = import_files(paths, out)
    typer.echo(str(path))


@app.command()
def build(
    snapshot: Annotated[Path, typer.Option("--snapshot", "-s", help="Snapshot folder from `jsna fetch` or `jsna import`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the built data bundle.",
                                      callback=_out_folder)] = Path("bundle"),
    geography_dir: Annotated[Path | None, typer.Option("--lookups", help="Folder holding ONS lookup and boundary files, any names (default: the snapshot's).")] = None,
    upload: Annotated[list[Path] | None, typer.Option("--upload", "-u", help="Validated local upload to include (repeatable; KIND=FILE or FILE).")] = None,
) -> None:
    """Build the tidy frame from a snapshot alone (offline) and analyse it into a report bundle."""
    from .bundles.builder import build_bundle_from_snapshot

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
    from .bundles.bundle import open_bundle
    from .uploads import validate_upload

    geography = open_bundle(bundle).geography if bundle else load_geography(lookups_dir=lookups)
    report = validate_upload(file, kind, geography)
    out = Console(stderr=True, soft_wrap=True, highlight=False)
    for note in report.notes:
        out.print(note, markup=False)
    if report.ok:
        if report.kind is None or report.sheet is None:  # validate_upload passes a file only once it has both
            raise InputError(f"{file}: passed validation without a recognised kind and sheet")
        out.print(f"{file.name}: valid '{report.kind.kind}' upload with {len(report.sheet.rows)} row(s)")
        return
    for line in report.lines():
        out.print(line, markup=False)
    out.print(f"{file.name}: {len(report.problems)} problem(s); nothing from this file will be used", markup=False)
    raise typer.Exit(1)


@app.command("upload-template")
def upload_template(
    kind: Annotated[str, typer.Argument(help="Upload kind, e.g. continuity_of_care_audit.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the template files.",
                                      callback=_out_folder)] = Path("."),
) -> None:
    """Write the Excel workbook and CSV template for an upload kind."""
    from .uploads import write_upload_template

    for path in write_upload_template(kind, out):
        console.print(f"wrote {path}")


@app.callback()
def _options(
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show the full traceback when a command fails (also JSNA_DEBUG=1).")] = False,
) -> None:
    """Generate the health and justice section of a JSNA for an area of England or a police force area."""
    # --debug is taken out of the arguments by main() wherever it is given; declared here for --help.
    # Before every command: the registries and every reference between them are checked, so a
    # mistake (e.g. a renamed section) is one line naming the file, entry and unknown value, not a
    # figure silently missing from a report later; cached, so commands reuse the load. Imported
    # here, like each command's modules, so that `jsna --help` stays quick.
    from .registry.all_registries import check_registries

    check_registries()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI inside the error boundary (:func:`assessment.core.error_boundary.run_guarded`)."""
    return run_guarded(app, sys.argv[1:] if argv is None else argv, prog_name="jsna")


if __name__ == "__main__":
    sys.exit(main())


def run() -> None:
    """Console-script wrapper: exit with :func:`main`'s code."""
    sys.exit(main())
