"""The demo's files as a snapshot, so its bundle is built by `jsna build`'s own code, as real data's is.

Each file is told by the recognisers `jsna import` uses and written into a snapshot
with the demo's own addresses (``demo:<file>``), release labels and retrieval date,
so the report never presents invented figures as a publisher's.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..core.errors import InputError
from ..snapshots.importer import FOLDERS, recognise_all
from ..snapshots.writer import MANIFEST, SnapshotWriter

#: The release label each demo file's rows carry (the label a real file's recogniser reads from it).
RELEASES = {"fingertips": "Demonstration data", "population": "mid-2023 (demonstration)",
            "population_by_age": "mid-2022 (demonstration)"}
MADE_BY = "demo"


def write_demo_snapshot(sources: dict[str, Path], root: Path, snapshot_date: str, retrieved_at: str) -> Path:
    """Write the demo's ``sources`` (by role; the upload is left out) as the snapshot ``root/<snapshot_date>``.

    A snapshot an earlier demo run left there is replaced; any other folder of that name is kept.
    """
    folder = Path(root) / snapshot_date
    if _made_by_demo(folder):
        shutil.rmtree(folder)
    with SnapshotWriter(folder, snapshot_date, made_by=MADE_BY) as writer:
        for role, path in sources.items():
            if role == "upload":  # a local upload joins at build time (`jsna build --upload`)
                continue
            answers = recognise_all(path)
            if not answers:
                raise InputError(f"{path}: the demo wrote a file no recogniser of `jsna import` knows")
            relative = f"{FOLDERS[answers[0].kind]}/{path.name}"
            data = path.read_bytes()
            for answer in answers:
                release = RELEASES.get(role, "" if answer.kind == "publisher" else answer.release)
                writer.add(relative, data, kind=answer.kind, key=answer.key, url=f"demo:{path.name}",
                           vintage=release, rows=answer.rows, period=answer.period, published=answer.published,
                           retrieved_at=retrieved_at)
    return writer.close()


def _made_by_demo(folder: Path) -> bool:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("made_by") == MADE_BY
    except (OSError, ValueError):
        return False
