"""A chart with the words that go with it: caption and alt text, generated from the data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)


@dataclass
class Figure:
    """A plotnine plot (or matplotlib figure) with its caption and alt text."""

    plot: object
    caption: str
    alt_text: str
    width: float = 7.0
    height: float = 4.0

    def save(self, path: Path, dpi: int = 150) -> Path:
        """Save as PNG (sized for an A4 page)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if hasattr(self.plot, "save"):
            self.plot.save(path, width=self.width, height=self.height, dpi=dpi, verbose=False)
        else:
            self.plot.savefig(path, dpi=dpi, bbox_inches="tight")
        return path
