"""A chart with the words that go with it: caption and alt text, generated from the data.

A figure may be split into a *base* (the plotnine plot, the same for every
area of a peer group) and an *overlay* (what marks this area: an outline, a
marker, a label). The base is drawn and rasterised once per process and kept;
each area's image is that raster with only the overlay's artists drawn on top
(matplotlib's blitting), so a national batch neither rebuilds nor redraws the
same plot for every area of a region.

>>> import pandas as pd
>>> from plotnine import aes, geom_point, ggplot
>>> from matplotlib.text import Text
>>> plot = ggplot(pd.DataFrame({"x": [1, 2], "y": [1, 2]}), aes("x", "y")) + geom_point()
>>> mark = lambda figure: [Text(0.5, 0.5, "here", transform=figure.axes[0].transAxes)]
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "a.png"
>>> Figure(plot, "caption", "alt", overlay=mark, base_key="doctest").save(out).stat().st_size > 1000
True
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

from .png import BandedDeflate, write_rgb_png

matplotlib.use("Agg", force=False)

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402

#: Width of the printed page's text block (A4, 20 mm margins), in inches. Charts are drawn
#: at this width and placed at 100% of it in the PDF and Word, so a font size in a chart
#: is its printed size.
TEXT_WIDTH_IN = 170 / 25.4
#: Smallest text in any chart, in points at printed size.
MIN_TEXT_PT = 8.0

@dataclass
class DrawnBase:
    """A base drawn once: its figure, a copy of its pixels to restore, and (after the first image drawn on
    it) its rows deflated in bands, for the images drawn on it to reuse."""

    figure: MplFigure
    canvas: FigureCanvasAgg
    background: Any
    bands: BandedDeflate | None = None


#: Drawn bases, most recently used last (a few MB each).
_BASES: OrderedDict[Any, DrawnBase] = OrderedDict()
MAX_BASES = 12  # a batch works through one peer group at a time: about 9 bases each


def _draw_base(key, plot, width: float, height: float, dpi: int) -> DrawnBase:
    """The drawn figure for ``plot`` and a copy of its pixels, from the cache when drawn before."""
    if key in _BASES:
        _BASES.move_to_end(key)
        return _BASES[key]
    from plotnine import theme

    if callable(plot) and not hasattr(plot, "draw"):  # a builder: only called when not drawn before
        plot = plot()
    if isinstance(plot, MplFigure):  # laid out by its chart function (the map)
        figure = plot
    else:
        figure = (plot + theme(figure_size=(width, height), dpi=dpi)).draw()
    figure.set_dpi(dpi)
    # plotnine may leave a canvas that cannot blit: a new Agg canvas replaces it as the figure's.
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    canvas.draw()
    _BASES[key] = DrawnBase(figure, canvas, canvas.copy_from_bbox(figure.bbox))
    while len(_BASES) > MAX_BASES:
        import matplotlib.pyplot as plt

        plt.close(_BASES.popitem(last=False)[1].figure)
    return _BASES[key]


def _save_with_overlay(base: DrawnBase, artists, path: Path, dpi: int, *, shared: bool) -> None:
    """Restore the base's pixels, draw only ``artists`` on them and write the PNG (``shared``: other
    images will be drawn on this base, so its deflated bands are kept for them to reuse)."""
    canvas = base.canvas
    canvas.restore_region(base.background)
    if shared and base.bands is None:  # compared with the base's pixels kept to restore (no copy of its own)
        base.bands = BandedDeflate(np.asarray(base.background))
    renderer = canvas.get_renderer()
    for artist in artists:
        artist.set_figure(base.figure)
        artist.draw(renderer)
    _write_png(canvas, path, dpi, like=base.bands)


def _pixels(canvas) -> np.ndarray:
    """A drawn Agg canvas's RGBA pixels (the PNG leaves the alpha out: the page is white, and the file is
    smaller to embed)."""
    width, height = canvas.get_width_height(physical=True)
    return np.frombuffer(canvas.buffer_rgba(), np.uint8).reshape(height, width, 4)


def _write_png(canvas, path: Path, dpi: int, like: BandedDeflate | None = None) -> None:
    """Write a drawn Agg canvas as an RGB PNG."""
    write_rgb_png(_pixels(canvas), path, dpi=dpi, like=like)


@dataclass
class Figure:
    """A plotnine plot (or matplotlib figure) with its caption and alt text.

    With an overlay, ``plot`` may be a function that builds the plotnine plot,
    so a base already drawn costs nothing to build again.

    ``overlay``, when given, is a function of the drawn base figure returning
    the matplotlib artists that mark this area (not added to the figure, with
    their transforms set); ``base_key`` identifies the base, so equal keys
    must mean equal plots. Overlays never change the base.
    """

    plot: Any  # a plotnine ggplot, a matplotlib figure, or a function that builds one (drawn only when needed)
    caption: str
    alt_text: str
    width: float = 7.0
    height: float = 4.0
    overlay: Callable | None = None
    base_key: object = None

    def draw(self, dpi: int = 120):
        """The drawn matplotlib figure and the overlay's artists (not added to it), for checks."""
        if self.overlay is not None:
            key = (self.base_key, self.width, self.height, dpi) if self.base_key is not None else ("draw", id(self))
            figure = _draw_base(key, self.plot, self.width, self.height, dpi).figure
            return figure, self.overlay(figure)
        if isinstance(self.plot, MplFigure):
            FigureCanvasAgg(self.plot).draw()
            return self.plot, []
        from plotnine import theme

        return (self.plot + theme(figure_size=(self.width, self.height), dpi=dpi)).draw(), []

    def save(self, path: Path, dpi: int = 120) -> Path:
        """Save as PNG (sized for an A4 page)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.overlay is not None:
            key = (self.base_key, self.width, self.height, dpi) if self.base_key is not None else None
            base = _draw_base(key, self.plot, self.width, self.height, dpi)
            try:
                _save_with_overlay(base, self.overlay(base.figure), path, dpi, shared=key is not None)
            finally:
                if key is None:  # nothing to share with another area
                    import matplotlib.pyplot as plt

                    plt.close(_BASES.pop(None).figure)
        elif hasattr(self.plot, "save"):
            self.plot.save(path, width=self.width, height=self.height, dpi=dpi, verbose=False)
        else:  # a matplotlib figure laid out by its chart function: one draw, no tight-bbox pass
            self.plot.set_dpi(dpi)
            canvas = self.plot.canvas if isinstance(self.plot.canvas, FigureCanvasAgg) else FigureCanvasAgg(self.plot)
            canvas.draw()
            _write_png(canvas, path, dpi)
        return path


def wrap_to_width(text: str, width_in: float, size_pt: float, *, bold: bool = False) -> str:
    """Break ``text`` into lines that fit ``width_in`` inches at ``size_pt`` (matplotlib's DejaVu Sans).

    Titles wrap instead of running off the figure: the line length comes from
    the room there is, not a fixed number of characters.

    >>> print(wrap_to_width("Proven reoffending (proportion of offenders who reoffend), 2023/24", 3.0, 11))
    Proven reoffending (proportion
    of offenders who reoffend),
    2023/24
    """
    import textwrap

    per_char = size_pt * (0.66 if bold else 0.6) / 72
    return textwrap.fill(text, max(12, int(width_in / per_char)), break_on_hyphens=False)


def frame_key(*parts) -> int:
    """A key for a base from data frames and plain values (hashes the frames' contents, row order included).

    >>> import pandas as pd
    >>> rows = pd.DataFrame({"area": ["A", "B"], "value": [1.0, 2.0]})
    >>> frame_key(rows, "x") == frame_key(rows.copy(), "x"), frame_key(rows, "x") == frame_key(rows.iloc[::-1], "x")
    (True, False)
    """
    import pandas as pd

    items: list[int | str] = []
    for part in parts:
        if isinstance(part, pd.DataFrame):
            # The values themselves (a text copy of every cell first cost six times the hashing), in their
            # order: the same rows in another order draw another chart.
            items.append(hash(pd.util.hash_pandas_object(part, index=False).to_numpy().tobytes()))
        else:
            items.append(repr(part))
    return hash(tuple(items))
