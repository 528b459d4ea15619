"""The Histogram panel's counts and statistics (Window > Histogram in Photoshop).

`counts(doc, node)` counts the levels of what the document shows (node None: Photoshop's
Entire Image source) or of one node alone (Selected Layer: a pixel layer's own pixels, a
group's composite on transparency), inside the selection when there is one (pixels
selected at least half), transparent pixels left out. The rows are red, green and blue
summed (Photoshop's RGB histogram), red, green, blue, and luminosity (0.30 R + 0.59 G +
0.11 B, Photoshop's weights).

A large document is counted on a reduced image: bands of BAND_ROWS rows, one band in
`row_step(doc)`, spread over the canvas, so about SAMPLE_PIXELS pixels are composited
whatever the size (Photoshop's histogram cache does the like; it says "Cache Level").
A document up to SAMPLE_PIXELS is counted whole, exactly.

`stats(counts, channel)` gives Mean, Std Dev, Median and Pixels, and `at_level` the Count
and Percentile (the share at or below the level) of one level, as the panel shows them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from engine.box import Box

from .document import Document
from .edit_ops import placed, selection_region
from .layers import AdjustmentLayer, Layer, Node
from .render_nodes import composite_document, composite_nodes

SAMPLE_PIXELS = 2_000_000
BAND_ROWS = 16
# Channel ids in the panel's order -> row of the counts ("colors" shows rows 1-3 and has
# the RGB row's statistics, as Photoshop's Colors view does).
CHANNELS = {"rgb": 0, "red": 1, "green": 2, "blue": 3, "luminosity": 4, "colors": 0}


def row_step(width: int, height: int, limit: int = SAMPLE_PIXELS) -> int:
    """1 band of BAND_ROWS rows in this many is counted (1: every row)."""
    return max(1, -(-width * height // max(1, limit)))


def bands(width: int, height: int, limit: int = SAMPLE_PIXELS) -> list[Box]:
    """The canvas boxes counted."""
    step = row_step(width, height, limit)
    if step == 1:
        return [Box(0, 0, width, height)]
    stride = BAND_ROWS * step
    offset = (stride - BAND_ROWS) // 2  # each band in the middle of its stretch
    return [Box(0, y, width, min(BAND_ROWS, height - y))
            for y in range(offset, height, stride)]


def counts(doc: Document, node: Optional[Node] = None, limit: int = SAMPLE_PIXELS) -> np.ndarray:
    """(5, 256) int64 counts: RGB (the three summed), red, green, blue, luminosity."""
    out = np.zeros((5, 256), np.int64)
    region = selection_region(doc)
    if node is not None and isinstance(node, AdjustmentLayer):
        return out  # no pixels of its own
    for box in bands(doc.width, doc.height, limit):
        if region is not None:
            box = box.intersect(region[0])
            if box.is_empty():
                continue
        if node is None:
            rgba = composite_document(doc, box, precise=False)
        elif isinstance(node, Layer):
            if node.is_empty():
                return out
            rgba = placed(node.pixels, node.bounds(), box)
        else:
            rgba = composite_nodes([node], box, precise=False)
        keep = rgba[..., 3] > 0
        if region is not None:
            keep &= placed(region[1], region[0], box) >= 0.5
        seen = rgba[keep][:, :3]
        for c in range(3):
            out[c + 1] += np.bincount(seen[:, c], minlength=256)
        lum = (30 * seen[:, 0].astype(np.int32) + 59 * seen[:, 1] + 11 * seen[:, 2] + 50) // 100
        out[4] += np.bincount(lum, minlength=256)
    out[0] = out[1:4].sum(axis=0)
    return out


@dataclass(frozen=True)
class Stats:
    mean: float
    std_dev: float
    median: int
    pixels: int


def stats(table: np.ndarray, channel: str) -> Optional[Stats]:
    """The statistics of `channel` (a CHANNELS id); None when no pixel was counted."""
    row = table[CHANNELS[channel]].astype(np.float64)
    total = row.sum()
    if total <= 0:
        return None
    levels = np.arange(256, dtype=np.float64)
    mean = float((row * levels).sum() / total)
    std = float(np.sqrt((row * (levels - mean) ** 2).sum() / total))  # of the population
    median = int(np.searchsorted(np.cumsum(row), total / 2))  # the lower median
    return Stats(mean, std, median, int(table[1].sum()))


def at_level(table: np.ndarray, channel: str, level: int) -> tuple[int, float]:
    """(Count, Percentile) of `level` in `channel`: the pixels (channel values, for RGB)
    at that level, and the share at or below it in percent."""
    row = table[CHANNELS[channel]]
    total = row.sum()
    if total <= 0:
        return 0, 0.0
    return int(row[level]), float(row[:level + 1].sum() * 100.0 / total)
