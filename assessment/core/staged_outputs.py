"""The one way a render writes its outputs: into a staging folder beside the destination, moved in when complete.

Everything a render writes (the HTML, Word and PDF documents, the Excel
appendix, and the figures and build files behind them) goes into one staging
folder beside the destination folder. Only when the whole render succeeded
are the files it *kept* moved into the destination, each by one atomic
rename; the rest (figures, pandoc's source, Quarto's project files) goes with
the staging folder. A render that fails leaves the destination exactly as it
was, and files there that this render did not write (a Word document rendered
earlier beside an HTML one) stay.

>>> import tempfile, pathlib
>>> area = pathlib.Path(tempfile.mkdtemp()) / "leeds"
>>> with staged_outputs(area) as stage:
...     _ = (stage.folder / "report.html").write_text("first")
...     _ = stage.keep(stage.folder / "report.html")
>>> try:
...     with staged_outputs(area) as stage:
...         _ = (stage.folder / "report.html").write_text("half-written")
...         _ = stage.keep(stage.folder / "report.html")
...         raise OSError("pandoc failed")
... except OSError:
...     pass
>>> (area / "report.html").read_text(), sorted(p.name for p in area.parent.iterdir())
('first', ['leeds'])
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .atomic_files import default_mode, make_staging_folder, writing


class StagedOutputs:
    """A staging folder for one destination, and the finished files in it that go into the destination."""

    def __init__(self, destination: Path, folder: Path) -> None:
        self.destination = destination
        self.folder = folder  # writers write here (anywhere under it)
        self._kept: dict[str, Path] = {}
        self.published: list[Path] = []  # where the kept files are once the render succeeded

    def keep(self, path: str | Path) -> Path:
        """Mark a finished file (under :attr:`folder`) as an output; returns it. Its name is its name in the
        destination, so two outputs of one render cannot share a name."""
        path = Path(path)
        if self.folder not in path.parents:
            raise ValueError(f"{path}: not in the staging folder {self.folder}")
        if path.name in self._kept and self._kept[path.name] != path:
            raise ValueError(f"two outputs named {path.name} in one render")
        self._kept[path.name] = path
        return path

    def final_path(self, path: str | Path) -> Path:
        """Where a kept file will be in the destination."""
        return self.destination / Path(path).name

    def publish(self, stale: tuple[str, ...] = ()) -> list[Path]:
        """Move every kept file into the destination (each by atomic rename), after removing ``stale`` names
        there (files that describe the destination's old contents)."""
        self.destination.mkdir(parents=True, exist_ok=True)
        for name in stale:
            (self.destination / name).unlink(missing_ok=True)
        for name, path in self._kept.items():
            target = self.destination / name
            with writing(target):
                os.chmod(path, default_mode())
                os.replace(path, target)
            self.published.append(target)
        return self.published


@contextmanager
def staged_outputs(destination: str | Path, *, stale: tuple[str, ...] = ()) -> Iterator[StagedOutputs]:
    """Stage a render's outputs for ``destination`` (a folder); publish the kept ones when the block succeeds.

    ``stale`` names files in ``destination`` that go when new outputs arrive
    (a batch's fingerprint of the old contents). The staging folder is named
    after this process, so one left by a killed run is found and removed by
    :func:`assessment.core.atomic_files.remove_stale_staging` on the next run.
    """
    destination = Path(destination).resolve()  # the kernel and pandoc run in other folders
    folder = make_staging_folder(destination)
    try:
        stage = StagedOutputs(destination, folder)
        yield stage
        stage.publish(stale)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
