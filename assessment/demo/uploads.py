"""A demo local upload: a continuity-of-care audit for the demo police force area's districts.

Written in the upload template's CSV layout, it goes through the same
validation, disclosure control and loading as a partner's file. One district
has a small count (3 people engaged within 3 weeks in 2024/25), so every demo
report shows primary and secondary suppression at work.

>>> import tempfile, pathlib
>>> path = write_demo_upload(pathlib.Path(tempfile.mkdtemp()))
>>> path.read_text().splitlines()[0]
'area_code,period,released_with_need,engaged_3_weeks,engaged_4_weeks'
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .places import DEMO_PFA_CODE, demo_places

DEMO_UPLOAD_KIND = "continuity_of_care_audit"
PERIODS = ("2023/24", "2024/25")
#: The district, period and count that primary suppression must hide in every output.
SMALL_CELL = ("E07999004", "2024/25", 3, 29)


def write_demo_upload(folder: Path) -> Path:
    """Write ``continuity_of_care_audit.csv`` for the districts of the demo police force area."""
    rng = np.random.default_rng(20261101)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{DEMO_UPLOAD_KIND}.csv"
    districts = [p.lad_code for p in demo_places() if p.pfa_code == DEMO_PFA_CODE]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["area_code", "period", "released_with_need", "engaged_3_weeks", "engaged_4_weeks"])
        for code in districts:
            for period in PERIODS:
                if (code, period) == SMALL_CELL[:2]:
                    released, engaged_3 = SMALL_CELL[3], SMALL_CELL[2]
                    engaged_4 = engaged_3 + 7
                else:
                    released = int(rng.integers(60, 180))
                    engaged_3 = int(released * rng.uniform(0.25, 0.55))
                    engaged_4 = min(released - 5, engaged_3 + int(rng.integers(5, 15)))
                writer.writerow([code, period, released, engaged_3, engaged_4])
    return path
