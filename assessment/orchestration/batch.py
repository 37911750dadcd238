"""Render every area of a geography at once: warm kernels, resumable, one summary and an index page.

The bundle was analysed once at build time (roll-ups, comparisons, trends), so
a batch only draws each area's figures and tables and assembles its
documents. ``--jobs`` Jupyter kernels run for the whole batch with the package
imported and the bundle, geography and boundaries already loaded, so no area
pays for a kernel start, imports or data loading; each works through whole
peer groups, so the parts of a chart shared by a group are drawn once (see
:mod:`assessment.charts.figure`).

An area is skipped when its outputs exist and a fingerprint of its inputs
(the bundle's files, the template, the package version, the formats and the
local commentary the area's report shows) is unchanged since it was rendered.
One area's failure is listed in the summary and does not stop the others.

Run it with ``jsna render --all --geography utla|lad|pfa [--jobs N]``.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .. import __version__
from ..core.errors import InputError, JsnaError, RenderError
from ..core.atomic_files import LOCK_FILE, sha256_of, write_atomic
from ..core.levels import report_levels
from ..core.output_folders import refuse_overlap
from ..core.paths import BOUNDARIES_DIR, PACKAGE_DIR, data_sources_dir
from ..render.formats import FORMATS, format_of_file
from ..render.outputs import STYLESHEET
from ..report.commentary import Commentary, digest_of
from .render_request import RenderRequest
from .shared_chunks import SharedChunks
from .area_renders import FINGERPRINT_FILE, TEMPLATE, area_folder_name, output_folder_lock, render_area, warm_kernel

console = Console(stderr=True)


@dataclass
class AreaResult:
    """What happened to one area in a batch."""

    code: str
    name: str
    status: str            # rendered, skipped, failed
    files: list[str]
    seconds: float = 0.0
    message: str = ""


def _hash_files(paths) -> str:
    """One digest over the names and contents of ``paths`` (in a stable order)."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(f"{path.name}:{sha256_of(path)}".encode())
    return digest.hexdigest()


def inputs_fingerprint(bundle_root: Path, formats) -> str:
    """A digest of everything a report depends on except the area: bundle, template, package, formats."""
    bundle_files = [p for p in Path(bundle_root).rglob("*") if p.is_file() and p.name != LOCK_FILE]  # a build's lock
    code_files = [p for p in PACKAGE_DIR.rglob("*.py")]
    registry_files = [*data_sources_dir().rglob("*.yaml"), *BOUNDARIES_DIR.glob("*.yaml")]
    digest = hashlib.sha256()
    for part in (_hash_files(bundle_files), _hash_files([TEMPLATE]), _hash_files(code_files),
                 _hash_files(registry_files), __version__, ",".join(sorted(formats))):
        digest.update(part.encode())
    return digest.hexdigest()


def _area_fingerprint(common: str, code: str, commentary: Commentary | None) -> str:
    """The inputs of one area's report: the common ones, its code and the commentary it shows."""
    shown = commentary.fingerprint(code) if commentary else digest_of({})
    return hashlib.sha256(f"{common}:{code}:{shown}".encode()).hexdigest()


def _up_to_date(folder: Path, fingerprint: str, formats) -> bool:
    marker = folder / FINGERPRINT_FILE
    if not marker.is_file() or marker.read_text().strip() != fingerprint:
        return False
    suffixes = {p.suffix for p in folder.iterdir()}
    return all(FORMATS[f].suffix in suffixes for f in formats) and ".xlsx" in suffixes


# ----------------------------------------------------------------- kernels
def _kernel_thread(request: RenderRequest, chunks: SharedChunks, results: queue.Queue, jobs: int) -> None:
    """Drive one warm kernel (of ``jobs`` side by side): take chunks of areas until none are left, put one result per area.

    A thread, not a process: it spends its time waiting on the kernel and on
    pandoc, and sharing this process's bundle saves a process's worth of
    memory per job. A kernel is warmed only once there is a chunk for it, and
    one grown by :data:`RENEW_AFTER_GROWTH_MB` since its warm-up is replaced
    by a fresh one after its chunk.
    """
    held = None  # a chunk taken and not yet handed to _render_chunk, which gives it back
    try:
        held = chunks.take()
        while held is not None:
            with warm_kernel(request, parallel_jobs=jobs) as kernel:
                warmed = kernel.resident_mb()
                while held is not None:
                    chunk, held = held, None
                    _render_chunk(request, chunk, chunks, results, kernel)
                    size = kernel.resident_mb()
                    if warmed is not None and size is not None and size > warmed + RENEW_AFTER_GROWTH_MB:
                        break
                    held = chunks.take()
            if held is None:  # the kernel outgrew its allowance (or all is done): the next chunk, if any, gets a fresh one
                held = chunks.take()
    except BaseException as exc:  # report, never leave the main thread waiting for results
        if held is not None:
            chunks.done(held)
        results.put(AreaResult("", "", "kernel-failed", [], 0.0, f"{type(exc).__name__}: {exc}"))


#: MB a batch's kernel may grow past its size after the warm-up before a fresh kernel takes its next chunk.
#: A national batch's kernels once grew from 430 to 860 MB each and took the batch past 2 GB: each report's
#: charts were reference cycles the warm kernel's rare collections left (now freed after every report,
#: KernelSession.reset). What is left (caches, a heap malloc_trim cannot give back) is the reason for this
#: limit. A fresh kernel and its warm-up cost about 4 CPU s.
RENEW_AFTER_GROWTH_MB = 300


def _render_chunk(request: RenderRequest, chunk: list, chunks: SharedChunks, results: queue.Queue, kernel) -> None:
    """Render ``chunk`` on ``kernel``, sharing what is left of it with a waiting kernel; the areas not
    rendered when the kernel stops go back for another."""
    rest = chunk
    try:
        while rest:
            rest = chunks.share(rest)
            (code, fingerprint), rest = rest[0], rest[1:]
            results.put(_render_one(request, code, fingerprint, kernel))
            if not kernel.alive:
                raise RenderError(f"the kernel stopped while rendering {code}")
    finally:
        chunks.done(rest)


def _render_one(request: RenderRequest, code: str, fingerprint: str, kernel) -> AreaResult:
    area = request.bundle.geography.resolve(code)  # a code the batch listed from the bundle's geography
    started = time.perf_counter()
    try:
        files = render_area(request, area, kernel=kernel)
    except JsnaError as exc:
        return AreaResult(code, area.name, "failed", [], time.perf_counter() - started, str(exc))
    except Exception as exc:  # one area's bug must not stop a national batch
        return AreaResult(code, area.name, "failed", [], time.perf_counter() - started,
                          f"{type(exc).__name__}: {exc}")
    write_atomic(files[0].parent / FINGERPRINT_FILE, fingerprint.encode())  # the area's folder, as render_area chose it
    return AreaResult(code, area.name, "rendered", [str(f) for f in files], time.perf_counter() - started)


def peer_group_chunks(todo: list[tuple[str, str]], geography, jobs: int) -> list[list[tuple[str, str]]]:
    """Split the areas into chunks of one peer group each, largest first.

    Areas of a peer group share the drawn bases of their charts, so a kernel
    that renders a whole group draws each base once. Groups larger than a
    fair share are split so that every kernel has work until the end.

    >>> class Letters:  # peers are the areas whose codes start with the same letter
    ...     def peers(self, code):
    ...         return sorted(c for c in ("a1", "a2", "a3", "b1") if c[0] == code[0])
    >>> todo = [(code, "fingerprint") for code in ("a1", "b1", "a2", "a3")]
    >>> [[code for code, _ in chunk] for chunk in peer_group_chunks(todo, Letters(), jobs=1)]
    [['a1', 'a2'], ['a3'], ['b1']]
    """
    groups: dict[tuple, list] = {}
    for item in todo:
        groups.setdefault(tuple(geography.peers(item[0])), []).append(item)
    most = max(1, -(-len(todo) // (2 * max(1, jobs))))
    chunks = [members[start:start + most] for members in groups.values() for start in range(0, len(members), most)]
    return sorted(chunks, key=len, reverse=True)


def _run_kernels(request: RenderRequest, chunks: list[list[tuple[str, str]]], jobs: int, on_result) -> None:
    """Render ``chunks`` on ``jobs`` warm kernels; call ``on_result`` (in this thread) for every area."""
    work = SharedChunks(chunks)
    results: queue.Queue = queue.Queue()
    kernel_count = max(1, min(jobs, len(chunks)))
    threads = [threading.Thread(target=_kernel_thread, name=f"jsna-kernel-{n}", daemon=True,
                                args=(request, work, results, kernel_count))
               for n in range(kernel_count)]
    for thread in threads:
        thread.start()
    remaining = sum(map(len, chunks))
    while remaining:
        try:
            result = results.get(timeout=5)
        except queue.Empty:
            if not any(thread.is_alive() for thread in threads) and results.empty():
                break
            continue
        if result.status == "kernel-failed":
            console.print(f"[red]a kernel stopped:[/] {escape(result.message)}", highlight=False)
            continue
        remaining -= 1
        on_result(result)
    for thread in threads:
        thread.join(timeout=60)
    if remaining:
        raise RenderError(f"every kernel stopped with {remaining} area(s) left to render")


# ------------------------------------------------------------------- batch
def render_batch(request: RenderRequest, geography: str, *, jobs: int = 2, force: bool = False) -> list[AreaResult]:
    """Render every area of ``geography`` (or only the request's areas, when it names some) into the request's
    output folder; write ``index.html``.

    ``geography`` is utla, lad or pfa, or several separated by commas
    ("utla,pfa": every upper-tier authority and police force area, on the
    same warm kernels). Returns one :class:`AreaResult` per area. Raises
    RenderError after the whole batch when any area failed (the summary and
    index are written first). An area whose local commentary changed is rendered again.
    """
    types = [g.strip() for g in geography.split(",") if g.strip()]
    unknown = [g for g in types if g not in report_levels()]
    if unknown or not types:
        raise JsnaError(f"--geography must be {', '.join(report_levels())} (or several, comma-separated), "
                        f"not {geography!r}")
    request.bundle.verify()
    refuse_overlap(request.out, [("--bundle", request.bundle.root)], command="a render")  # reports inside a bundle change it
    with output_folder_lock(request.out):
        refuse_foreign_index(request.out)
        return _render_batch(request, types, jobs=jobs, force=force)


def _render_batch(request: RenderRequest, types: list[str], *, jobs: int, force: bool) -> list[AreaResult]:
    bundle, out_root, formats, commentary = request.bundle, request.out, request.formats, request.commentary
    codes = [area.code for area in request.areas] \
        or [code for kind in dict.fromkeys(types) for code in bundle.geography.codes_of_type(kind)]
    # the chapter covers England; the police and crime edition also the Welsh forces
    codes = list(dict.fromkeys(c for c in codes if bundle.geography.has_report(bundle.geography.resolve(c))))
    common = inputs_fingerprint(bundle.root, formats)
    results: list[AreaResult] = []
    todo = []
    for code in codes:
        area = bundle.geography.resolve(code)
        fingerprint = _area_fingerprint(common, code, commentary)
        folder = out_root / area_folder_name(area.code, area.name)
        if not force and folder.is_dir() and _up_to_date(folder, fingerprint, formats):
            results.append(AreaResult(code, area.name, "skipped", sorted(str(p) for p in folder.iterdir()
                                                                          if not p.name.startswith("."))))
        else:
            todo.append((code, fingerprint))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # Twice a second: a report takes about a second, and rich's default ten redraws a second cost the
    # batch's process more CPU than the bar is worth.
    with Progress(*columns, console=console, refresh_per_second=2) as progress:
        task = progress.add_task(f"Rendering {len(todo)} report(s), {len(codes) - len(todo)} unchanged",
                                 total=len(todo))
        if todo:
            def collect(result: AreaResult) -> None:
                results.append(result)
                progress.advance(task)

            chunks = peer_group_chunks(todo, bundle.geography, jobs)
            _run_kernels(request, chunks, jobs, collect)
    order = {code: n for n, code in enumerate(codes)}
    results.sort(key=lambda r: order[r.code])
    write_index(results, out_root, bundle)
    _print_summary(results)
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise RenderError(f"{len(failed)} of {len(results)} area(s) failed; see the summary above and "
                          f"{out_root / 'index.html'}")
    return results


#: Marks the index pages a batch writes, so that one the user made is never replaced.
INDEX_MARK = '<meta name="generator" content="jsna-justice">'


def refuse_foreign_index(out_root: Path) -> None:
    """Refuse to replace an ``index.html`` in ``out_root`` that no batch wrote (before any area is rendered)."""
    index = out_root / "index.html"
    if not index.is_file() or (out_root / "batch-summary.json").is_file():  # ours, from an earlier batch
        return
    with open(index, encoding="utf-8", errors="replace") as handle:
        if INDEX_MARK in handle.read(4000):
            return
    raise InputError(f"{index}: not an index page jsna wrote, and a batch writes one here; jsna only replaces "
                     "files it wrote itself: move it or choose another --out")


def _print_summary(results: list[AreaResult]) -> None:
    counts = {s: sum(r.status == s for r in results) for s in ("rendered", "skipped", "failed")}
    line = f"{counts['rendered']} rendered, {counts['skipped']} unchanged, {counts['failed']} failed"
    failed = [r for r in results if r.status == "failed"]
    if not failed:
        console.print(line)
        return
    table = Table(title=line)
    for column in ("Area", "Code", "Seconds", "Why it failed"):
        table.add_column(column)
    for r in failed:
        table.add_row(escape(r.name), r.code, f"{r.seconds:.1f}", escape(r.message), style="red")
    console.print(table)


def _earlier_results(out_root: Path, results: list[AreaResult]) -> list[AreaResult]:
    """Areas an earlier batch put in ``out_root`` (another geography, say) whose files are still there."""
    summary = out_root / "batch-summary.json"
    try:
        earlier = [AreaResult(**entry) for entry in json.loads(summary.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return []
    now = {r.code for r in results}
    return [r for r in earlier if r.code not in now and r.status != "failed" and r.files
            and all(Path(f).is_file() for f in r.files)]


def _link_label(path: str) -> str:
    """``HTML``, ``Word``, ``PDF`` (from the formats table); other files (the appendix) by suffix."""
    fmt = format_of_file(path)
    return fmt.label if fmt else Path(path).suffix.lstrip(".").upper()


#: The index page uses the reports' stylesheet, plus text that only screen readers hear.
INDEX_CSS = ".visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }"


def write_index(results: list[AreaResult], out_root: Path, bundle) -> Path:
    """An HTML page linking every report in ``out_root`` (names escaped), written atomically.

    Reports left by earlier batches into the same folder (another geography)
    stay listed while their files exist.
    """
    results = _earlier_results(out_root, results) + list(results)
    rows = []
    for r in results:
        # Each link names its area for screen readers ("PDF" alone is the same link text on every row).
        links = " ".join(f'<a href="{html.escape(os.path.relpath(f, out_root), quote=True)}">'
                         f'{html.escape(_link_label(f))}'
                         f'<span class="visually-hidden"> for {html.escape(r.name)}</span></a>'
                         for f in r.files if not Path(f).name.startswith("."))
        rows.append(f"<tr><td>{html.escape(r.name)}</td><td>{html.escape(r.code)}</td>"
                    f"<td>{html.escape(r.status)}</td><td>{links or html.escape(r.message)}</td></tr>")
    title = "Health and justice JSNA chapters"
    style = STYLESHEET.read_text(encoding="utf-8") + INDEX_CSS
    page = (f'<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">{INDEX_MARK}<title>{title}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{style}</style></head><body>'
            f"<main><h1>{title}</h1><p>Data snapshot {html.escape(bundle.snapshot_date)}."
            f"{' Demonstration data: not real areas.' if bundle.is_demo else ''}</p>"
            '<div class="table-scroll" role="region" tabindex="0" aria-label="Reports by area">'
            "<table><caption>Reports by area</caption><thead><tr><th scope=\"col\">Area</th><th scope=\"col\">Code</th>"
            "<th scope=\"col\">Status</th><th scope=\"col\">Reports</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></div></main></body></html>\n")
    target = write_atomic(out_root / "index.html", page.encode("utf-8"))
    write_atomic(out_root / "batch-summary.json", json.dumps([r.__dict__ for r in results], indent=1).encode())
    return target
