"""Helpers shared by tests/uploads/test_load.py and tests/uploads/test_template.py and
tests/uploads/test_validate.py."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path


KIND = "continuity_of_care_audit"

HEADER = ["area_code", "period", "released_with_need", "engaged_3_weeks", "engaged_4_weeks"]

GOOD_ROWS = [
    ["E07999001", "2024/25", "120", "40", "52"],
    ["E07999002", "2024/25", "80", "30", "35"],
    ["E07999003", "2024/25", "95", "41", "50"],
    ["E07999004", "2024/25", "60", "22", "30"],
    ["E06999001", "2024/25", "110", "50", "61"],
]


def write_csv(path: Path, rows, header=HEADER, delimiter=",", encoding="utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
