"""Charts' PNG files, written by our own writer: the pixels and resolution Pillow's encoder would have written."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.text import Text
from PIL import Image
from plotnine import aes, geom_col, ggplot

from assessment.charts.figure import Figure


def test_a_chart_with_an_overlay_decodes_to_the_pixels_pillow_would_have_written(tmp_path):
    plot = ggplot(pd.DataFrame({"area": ["A", "B", "C"], "value": [3.0, 1.5, 2.2]}), aes("area", "value")) + geom_col()
    mark = lambda drawn: [Text(0.2, 0.8, "Here", color="#d62728", transform=drawn.axes[0].transAxes)]  # noqa: E731
    figure = Figure(plot, "caption", "alt", overlay=mark, base_key="test_png")
    written = Image.open(figure.save(tmp_path / "chart.png", dpi=96))
    drawn, _ = figure.draw(dpi=96)  # the base the save drew on: its canvas holds the pixels just written
    by_pillow = io.BytesIO()
    Image.frombuffer("RGBA", drawn.canvas.get_width_height(physical=True), bytes(drawn.canvas.buffer_rgba()), "raw",
                     "RGBA", 0, 1).convert("RGB").save(by_pillow, format="PNG", dpi=(96, 96))
    expected = Image.open(by_pillow)
    assert written.mode == "RGB" and written.size == expected.size
    assert np.array_equal(np.asarray(written), np.asarray(expected))
    assert written.info["dpi"] == expected.info["dpi"]
    assert len(np.unique(np.asarray(written).reshape(-1, 3), axis=0)) > 10  # a drawn chart, not a blank page
