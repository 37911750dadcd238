"""Where the tests' shared files are: the repository's root and the fixtures folder."""
from __future__ import annotations

from pathlib import Path

SUPPORT = Path(__file__).resolve().parent
REPOSITORY = SUPPORT.parent.parent
FIXTURES = SUPPORT / "fixtures"
