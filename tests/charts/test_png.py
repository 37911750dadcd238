"""Charts' PNG files, written by our own writer: the pixels and resolution Pillow's encoder would have written."""

from __future__ import annotations

import io
import zlib

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


def test_images_drawn_on_one_base_reuse_its_unchanged_bands_and_decode_to_their_own_pixels(tmp_path):
    from assessment.charts.png import BAND_ROWS, BandedDeflate, filtered_rows, write_rgb_png

    generator = np.random.default_rng(7)
    height = BAND_ROWS * 3 + 5  # a last band shorter than the others
    base = np.full((height, 40, 3), 255, np.uint8)
    base[:, 10:20] = generator.integers(0, 255, (height, 10, 3), dtype=np.uint8)
    bands = BandedDeflate(base)
    for changed_rows in ([0], [BAND_ROWS - 1, BAND_ROWS], [height - 1], []):
        image = base.copy()
        for row in changed_rows:
            image[row, 30] = (0, 0, 0)
        written = Image.open(write_rgb_png(image, tmp_path / "area.png", dpi=120, like=bands))
        assert np.array_equal(np.asarray(written), image), changed_rows
        # zlib checks the stream's checksum, made of the reused bands' and the new ones'
        assert zlib.decompress(bands.deflate(image)) == filtered_rows(image).tobytes(), changed_rows
    canvas = np.dstack([image, np.full((height, 40), 255, np.uint8)])  # a drawn canvas's RGBA: alpha left out
    canvas_bands = BandedDeflate(np.dstack([base, np.full((height, 40), 255, np.uint8)]))
    assert zlib.decompress(canvas_bands.deflate(canvas)) == filtered_rows(image).tobytes()
    other_size = np.zeros((3, 4, 3), np.uint8)
    assert np.array_equal(np.asarray(Image.open(write_rgb_png(other_size, tmp_path / "o.png", dpi=96, like=bands))),
                          other_size)


def test_two_areas_marked_on_one_shared_base_each_get_their_own_mark(tmp_path):
    plot = ggplot(pd.DataFrame({"area": ["A", "B", "C"], "value": [3.0, 1.5, 2.2]}), aes("area", "value")) + geom_col()
    saved = {}
    for name, y in (("first", 0.8), ("second", 0.2)):
        mark = lambda drawn, y=y: [Text(0.2, y, "Here", color="#d62728", transform=drawn.axes[0].transAxes)]  # noqa: E731
        figure = Figure(plot, "caption", "alt", overlay=mark, base_key="test_png_two_areas")
        saved[name] = np.asarray(Image.open(figure.save(tmp_path / f"{name}.png", dpi=96)))
        drawn, _ = figure.draw(dpi=96)
        canvas = np.frombuffer(drawn.canvas.buffer_rgba(), np.uint8).reshape(*saved[name].shape[:2], 4)[:, :, :3]
        assert np.array_equal(saved[name], canvas)
    assert not np.array_equal(saved["first"], saved["second"])
