"""Output folders: a command replaces only what it wrote itself, and a failed write keeps the good output.

Covers issue 26: F1 and F2 (a build replacing unrelated folders, the snapshot
or the registries), F18 (a render deleting another format's file), F13 and
F17 (a full disk: one line naming the file, the previous output kept), a
symlinked --out, two builds at once, children of a killed batch, and an
edited bundle.json.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from assessment.cli import main
from assessment.core.atomic_files import LOCK_FILE, FolderLock
from assessment.core.paths import data_sources_dir

from tests.support.upload_commands import write_small_snapshot

KIND = "continuity_of_care_audit"


@pytest.fixture(scope="module")
def small_snapshot(tmp_path_factory) -> Path:
    """A snapshot holding only the demo geography: builds in about a second."""
    return write_small_snapshot(tmp_path_factory.mktemp("tiny"))


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _error_line(err: str) -> str:
    assert "Traceback" not in err and "unexpected " not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def _build(snapshot: Path, out: Path, *extra) -> list[str]:
    return ["build", "--snapshot", str(snapshot), "--out", str(out), *map(str, extra)]


# ------------------------------------------------------------------ F1: only our own folder is replaced
def test_build_refuses_a_folder_of_other_files_and_leaves_them(small_snapshot, tmp_path, capsys):
    out = tmp_path / "work"
    (out / "sub").mkdir(parents=True)
    (out / "thesis.docx").write_bytes(b"three years")
    (out / "sub" / "photo.jpg").write_bytes(b"\xff\xd8 jpeg")
    before = _tree(out)
    assert main(_build(small_snapshot, out)) == 1
    line = _error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {out}: holds files that are not a report bundle (")
    assert "thesis.docx" in line and "choose a new or empty --out" in line
    assert _tree(out) == before


def test_build_refuses_the_projects_registries(small_snapshot, tmp_path, monkeypatch, capsys):
    # A copy of the registries folder, reached as the issue did: `--out data_sources` in the project.
    shutil.copytree(data_sources_dir(), tmp_path / "data_sources")
    before = _tree(tmp_path / "data_sources")
    monkeypatch.chdir(tmp_path)
    assert main(_build(small_snapshot, Path("data_sources"))) == 1
    line = _error_line(capsys.readouterr().err)
    assert line.startswith("error: data_sources: holds files that are not a report bundle")
    assert _tree(tmp_path / "data_sources") == before


def test_build_replaces_its_own_bundle_but_not_a_file_put_into_it(small_snapshot, tmp_path, capsys):
    out = tmp_path / "bundle"
    assert main(_build(small_snapshot, out)) == 0
    assert main(_build(small_snapshot, out)) == 0  # a rebuild replaces the earlier bundle
    capsys.readouterr()
    (out / "notes.txt").write_text("mine")
    assert main(_build(small_snapshot, out)) == 1
    assert "(notes.txt)" in _error_line(capsys.readouterr().err)
    assert (out / "notes.txt").read_text() == "mine" and (out / "bundle.json").is_file()


def test_demo_refuses_a_bundle_folder_of_other_files(tmp_path, capsys):
    mine = tmp_path / "bundle" / "draft.docx"
    mine.parent.mkdir()
    mine.write_bytes(b"draft")
    assert main(["demo", "--out", str(tmp_path), "--format", "html"]) == 1
    line = _error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {tmp_path / 'bundle'}: holds files that are not a report bundle (draft.docx)")
    assert mine.read_bytes() == b"draft" and not (tmp_path / "reports").exists()


# ------------------------------------------------------------------ F2: never over an input
@pytest.mark.parametrize(("where", "relation"), [("snapshot", "is"), ("parent", "holds")])
def test_build_refuses_to_replace_its_own_snapshot(small_snapshot, tmp_path, capsys, where, relation):
    snapshots = tmp_path / "snapshots"
    shutil.copytree(small_snapshot.parent, snapshots)
    snapshot = snapshots / small_snapshot.name
    before = _tree(snapshots)
    out = snapshot if where == "snapshot" else snapshots
    assert main(_build(snapshot, out)) == 1
    assert _error_line(capsys.readouterr().err) == (
        f"error: {out}: this --out {relation} the --snapshot {snapshot}, which a build would replace; "
        "choose an --out outside it")
    assert _tree(snapshots) == before


# ------------------------------------------------------------------ symlinked --out, two builds at once
def test_a_symlinked_out_stays_a_link_to_the_new_bundle(small_snapshot, tmp_path, capsys):
    real = tmp_path / "shared-drive" / "bundle"
    real.mkdir(parents=True)
    link = tmp_path / "bundle"
    link.symlink_to(real, target_is_directory=True)
    for _ in range(2):  # into the empty folder, then over the bundle there
        assert main(_build(small_snapshot, link)) == 0
        assert link.is_symlink() and Path(os.readlink(link)) == real
        assert (real / "bundle.json").is_file()
    assert main(["validate", "--help"]) == 0  # (the CLI is still usable)
    capsys.readouterr()


def test_a_second_build_into_the_same_folder_waits_then_refuses(small_snapshot, tmp_path, capsys, monkeypatch):
    out = tmp_path / "bundle"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time\nfrom assessment.core.atomic_files import FolderLock\n"
         f"held = FolderLock({str(out)!r}, what='first build').acquire()\nprint('locked', flush=True)\n"
         "time.sleep(120)\n"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setattr("assessment.bundles.bundle.LOCK_WAIT", 0.5)
        assert main(_build(small_snapshot, out)) == 75
        assert _error_line(capsys.readouterr().err) == (
            f"error: {out} is in use by another jsna run (pid {holder.pid}, first build); "
            "waited 0.5 s: let it finish or choose another --out")
        assert not (out / "bundle.json").exists()
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_a_run_that_waited_on_a_replaced_folder_locks_the_new_one(tmp_path, monkeypatch):
    from assessment.core import atomic_files as files

    folder = tmp_path / "bundle"
    first = FolderLock(folder, what="first").acquire()
    tried = threading.Event()
    real_try = files._try_lock

    def try_lock(handle):
        if threading.current_thread().name == "second":
            tried.set()
        return real_try(handle)

    monkeypatch.setattr(files, "_try_lock", try_lock)
    got: list[FolderLock] = []
    waiter = threading.Thread(target=lambda: got.append(FolderLock(folder, wait=60, what="second").acquire()),
                              name="second")
    waiter.start()
    assert tried.wait(timeout=60)  # the second run is waiting on the first's lock file
    os.replace(folder, tmp_path / "old-bundle")  # what a build's swap does, lock file and all
    folder.mkdir()
    first.release()
    waiter.join(timeout=60)
    (second,) = got
    try:  # the waiter holds the lock of the folder that is there now, not of the one moved away
        assert os.stat(folder / LOCK_FILE).st_ino == os.fstat(second._handle.fileno()).st_ino
    finally:
        second.release()


# ------------------------------------------------------------------ full disks (F13, F17)
def _limited(code: str, limit: int) -> subprocess.CompletedProcess:
    """Run Python ``code`` in a process whose files may not grow past ``limit`` bytes (as a full disk)."""
    prelude = ("import resource, signal, sys\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
               f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n")
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=300)


def _cli_limited(args: list[str], limit: int) -> subprocess.CompletedProcess:
    return _limited(f"from assessment.cli import main\nsys.exit(main({[str(a) for a in args]!r}))\n", limit)


def test_upload_template_on_a_full_disk_keeps_the_good_template(tmp_path, capsys):
    assert main(["upload-template", KIND, "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    before = _tree(tmp_path)
    done = _cli_limited(["upload-template", KIND, "--out", str(tmp_path)], 2000)
    assert done.returncode == 1
    line = _error_line(done.stderr)
    assert line.startswith(f"error: {tmp_path / (KIND + '.xlsx')}: could not write it (")
    assert line.endswith("the disk may be full; the previous output was kept")
    assert _tree(tmp_path) == before  # the good template, and no temporary file left beside it


def test_build_on_a_full_disk_names_the_file_and_keeps_the_bundle(small_snapshot, tmp_path, capsys):
    out = tmp_path / "bundle"
    assert main(_build(small_snapshot, out)) == 0
    capsys.readouterr()
    before = _tree(out)
    biggest = max(len(data) for data in before.values())
    done = _cli_limited(_build(small_snapshot, out), biggest // 2)
    assert done.returncode == 1
    line = _error_line(done.stderr)
    assert line.startswith(f"error: {out}/") and ": could not write it (" in line, line
    after = _tree(out)
    after.pop(LOCK_FILE, None)  # the build's lock on the folder (empty once released)
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle"]  # no staging folder left
    done = _cli_limited(_build(small_snapshot, tmp_path / "new"), biggest // 2)
    assert done.returncode == 1 and ": could not write it (" in _error_line(done.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle"]  # nor a folder made for the lock


def test_pandoc_on_a_full_disk_names_the_file(tmp_path):
    source = tmp_path / "report.md"
    source.write_text("# Title\n\n" + "Some text. " * 2000)
    done = _limited(f"""
        from pathlib import Path
        from assessment.core.errors import RenderError
        from assessment.render.outputs import to_html
        try:
            to_html(Path({str(source)!r}), Path({str(tmp_path / 'report.html')!r}), {{"title": "t"}})
        except RenderError as exc:
            print(exc)
        """, 4000)
    assert done.stdout.startswith("report.html: pandoc could not write the HTML: "), done.stdout + done.stderr
    assert done.stdout.strip() != "report.html: pandoc could not write the HTML:"


# ------------------------------------------------------------------ children of a killed run
def test_a_pandoc_child_dies_with_a_killed_run(tmp_path):
    pid_file = tmp_path / "child.pid"
    fake = tmp_path / "pandoc"
    fake.write_text(f"#!{sys.executable}\nimport os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
                    "time.sleep(600)\n")
    fake.chmod(0o755)
    run = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        from pathlib import Path
        from assessment.render import pandoc_runs
        pandoc_runs.pandoc_path = lambda: {str(fake)!r}
        pandoc_runs.run_pandoc(["in.md"], Path({str(tmp_path)!r}), "HTML")
        """)])
    try:
        for _ in range(600):
            if pid_file.is_file() and pid_file.read_text():
                break
            run.poll()
            assert run.returncode is None, "the run ended before starting its child"
            threading.Event().wait(0.1)
        child = int(pid_file.read_text())
        os.kill(run.pid, signal.SIGKILL)  # kill -9 of the run
        run.wait(timeout=30)
        for _ in range(300):
            if not _running(child):
                break
            threading.Event().wait(0.1)
        assert not _running(child), "pandoc outlived the run that started it"
    finally:
        run.kill()
        if pid_file.is_file() and pid_file.read_text() and _running(int(pid_file.read_text())):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting to be reaped is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


# ------------------------------------------------------------------ renders (F18) and the bundle's own checksum
def test_a_render_replaces_only_the_formats_it_writes(demo_reports, tmp_path, capsys):
    # The earlier render is the session's shared demo force report (every format), copied: only Word is redone.
    shared = demo_reports["E23999001"]
    out = tmp_path / "reports"
    folder = out / shared.name
    shutil.copytree(shared, folder)
    for stale in folder.glob("*.docx"):
        stale.unlink()  # so that the Word file below is this render's own
    bundle = shared.parent.parent / "bundle"
    render = ["render", "--area", "E23999001", "--bundle", str(bundle), "--out", str(out), "--engine", "builtin"]
    (folder / "notes.txt").write_text("my notes on this report")
    html = {p.name: p.read_bytes() for p in folder.glob("*.html")}
    assert main([*render, "--format", "docx"]) == 0
    capsys.readouterr()
    names = sorted(p.name for p in folder.iterdir())
    assert [n for n in names if n.endswith((".html", ".docx", ".xlsx", ".txt"))] == [
        f"health-and-justice-{folder.name}-data.xlsx", f"health-and-justice-{folder.name}.docx",
        f"health-and-justice-{folder.name}.html", "notes.txt"]
    assert {p.name: p.read_bytes() for p in folder.glob("*.html")} == html
    assert (folder / "notes.txt").read_text() == "my notes on this report"


@pytest.mark.parametrize("edit", ["snapshot_date", "demo"])
def test_an_edited_bundle_json_is_refused(demo_bundle, tmp_path, capsys, edit):
    copy = tmp_path / "bundle"
    shutil.copytree(demo_bundle, copy)
    meta_path = copy / "bundle.json"
    meta = json.loads(meta_path.read_text())
    meta[edit] = "2030-01-01" if edit == "snapshot_date" else False  # a later date; real data, not the demo's
    meta_path.write_text(json.dumps(meta, indent=2))
    assert main(["render", "--area", "E23999001", "--bundle", str(copy), "--out", str(tmp_path / "r"),
                 "--format", "html"]) == 1
    assert _error_line(capsys.readouterr().err) == (
        f"error: {meta_path}: bad bundle file: changed since the bundle was built (its checksum does not match); "
        "rebuild the bundle with `jsna build`")
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").glob("E*"))


def test_a_batch_refuses_to_replace_an_index_page_it_did_not_write(demo_bundle, tmp_path, capsys):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("<html><body>Our team's intranet page</body></html>")
    code = main(["render", "--all", "--geography", "pfa", "--bundle", str(demo_bundle), "--out", str(out),
                 "--format", "html"])
    assert code == 1
    assert _error_line(capsys.readouterr().err) == (
        f"error: {out / 'index.html'}: not an index page jsna wrote, and a batch writes one here; jsna only "
        "replaces files it wrote itself: move it or choose another --out")
    assert (out / "index.html").read_text() == "<html><body>Our team's intranet page</body></html>"
    assert not any(p.name.startswith("E") for p in out.iterdir())  # refused before any area was rendered


@pytest.mark.parametrize("inside", [False, True])
def test_a_render_refuses_to_write_into_its_bundle(demo_bundle, tmp_path, capsys, inside):
    copy = tmp_path / "bundle"
    shutil.copytree(demo_bundle, copy)
    before = _tree(copy)
    out = copy / "reports" if inside else copy
    for how in (["--area", "E23999001"], ["--all", "--geography", "pfa"]):
        assert main(["render", *how, "--bundle", str(copy), "--out", str(out), "--format", "html"]) == 1
        assert _error_line(capsys.readouterr().err) == (
            f"error: {out}: this --out {'is inside' if inside else 'is'} the --bundle {copy}, which a render would "
            "change; choose an --out outside it")
    assert _tree(copy) == before


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_upload_template_never_replaces_a_filled_in_template(tmp_path, capsys, suffix):
    import openpyxl

    assert main(["upload-template", KIND, "--out", str(tmp_path)]) == 0  # a blank template is replaced: ours
    assert main(["upload-template", KIND, "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    path = tmp_path / f"{KIND}{suffix}"
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        book["Data"].append(["E06000001", "2024/25", 12, 5, 7])
        book.save(path)
    else:
        path.write_text(path.read_text() + "E06000001,2024/25,12,5,7\n")
    filled = path.read_bytes()
    assert main(["upload-template", KIND, "--out", str(tmp_path)]) == 1
    assert _error_line(capsys.readouterr().err) == (
        f"error: {path}: has rows filled in; jsna only replaces a blank template it wrote: move the file or "
        "choose another --out")
    assert path.read_bytes() == filled


def test_the_appendix_on_a_full_disk_names_the_file_and_keeps_the_earlier_one(demo_bundle, tmp_path):
    path = tmp_path / "appendix.xlsx"
    path.write_bytes(b"the earlier appendix")
    done = _limited(f"""
        from pathlib import Path
        from assessment.report.area_data import AreaData
        from assessment.bundles.bundle import open_bundle
        from assessment.report.context import AppendixRecorder
        from assessment.report.document import Document, Table
        bundle = open_bundle({str(demo_bundle)!r})
        data = AreaData(bundle, bundle.geography.resolve("E23999001"))
        recorder = AppendixRecorder(bundle.snapshot_date)
        recorder.add(Document([Table("| A |", title="test", rows=bundle.frame.head(2000))]))
        try:
            recorder.write(Path({str(path)!r}), data)
        except Exception as exc:
            print(type(exc).__name__, exc)
        """, 30000)
    assert done.stdout.startswith(f"WriteError {path}: could not write it ("), done.stdout + done.stderr
    assert path.read_bytes() == b"the earlier appendix" and [p.name for p in tmp_path.iterdir()] == [path.name]


def test_upload_template_on_a_full_disk_enospc_in_process(tmp_path, capsys, monkeypatch):
    import errno

    from assessment.core import atomic_files as files

    assert main(["upload-template", KIND, "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    before = _tree(tmp_path)
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fdopen", lambda fd, mode: FullDisk(real_fdopen(fd, mode)))
    assert main(["upload-template", KIND, "--out", str(tmp_path)]) == 1
    assert _error_line(capsys.readouterr().err) == (
        f"error: {tmp_path / (KIND + '.xlsx')}: could not write it (No space left on device); the disk may be full; "
        "the previous output was kept")
    assert _tree(tmp_path) == before
