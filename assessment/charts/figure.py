"""A chart with the words that go with it: caption and alt text, generated from the data.

A figure may be split into a *base* (the plotnine plot, the same for every
area of a peer group) and an *overlay* (what marks this area: an outline, a
marker, a label). The base is drawn once per process and kept, and each
area's image is the base plus its overlay, so a national batch does not draw
the same plot for every area of a region.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)

#: Drawn bases, most recently used last (a matplotlib figure is a few MB).
_BASES: OrderedDict = OrderedDict()
MAX_BASES = 24


def _draw_base(key, plot, width: float, height: float, dpi: int):
    if key in _BASES:
        _BASES.move_to_end(key)
        return _BASES[key]
    from plotnine import theme

    figure = (plot + theme(figure_size=(width, height), dpi=dpi)).draw()
    _BASES[key] = figure
    while len(_BASES) > MAX_BASES:
        import matplotlib.pyplot as plt

        plt.close(_BASES.popitem(last=False)[1])
    return figure


@dataclass
class Figure:
    """A plotnine plot (or matplotlib figure) with its caption and alt text.

    ``overlay``, when given, draws this area's marks on the drawn base and
    returns a function that removes them again; ``base_key`` identifies the
    base (equal keys must mean equal plots).
    """

    plot: object
    caption: str
    alt_text: str
    width: float = 7.0
    height: float = 4.0
    overlay: Callable | None = None
    base_key: object = None

    def save(self, path: Path, dpi: int = 120) -> Path:
        """Save as PNG (sized for an A4 page)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.overlay is not None:
            if self.base_key is None:  # nothing to share: draw, mark, save, close
                from plotnine import theme
                import matplotlib.pyplot as plt

                base = (self.plot + theme(figure_size=(self.width, self.height), dpi=dpi)).draw()
                self.overlay(base)
                base.savefig(path, dpi=dpi)
                plt.close(base)
                return path
            base = _draw_base((self.base_key, self.width, self.height, dpi), self.plot, self.width, self.height, dpi)
            undo = self.overlay(base)
            try:
                base.savefig(path, dpi=dpi)
            finally:
                undo()
        elif hasattr(self.plot, "save"):
            self.plot.save(path, width=self.width, height=self.height, dpi=dpi, verbose=False)
        else:
            self.plot.savefig(path, dpi=dpi, bbox_inches="tight")
        return path


def frame_key(*parts) -> int:
    """A key for a base from data frames and plain values (hashes the frames' contents)."""
    import pandas as pd

    items = []
    for part in parts:
        if isinstance(part, pd.DataFrame):
            items.append(int(pd.util.hash_pandas_object(part.astype(str), index=False).sum()))
        else:
            items.append(repr(part))
    return hash(tuple(items))
