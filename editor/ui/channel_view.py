"""The canvas's picture of a Lab document with some of its channels hidden: the Channels
panel's eyes (`Document.channels_shown`). One channel alone shows in grey, as
Photoshop's; two in colour (`color_modes.lab_channels_view`).

The view is made from the renderer's composite (8-bit premultiplied BGRA), box by box as
the canvas syncs, into its own buffer and pyramid; the composite itself stays the
picture's colours (the panels' thumbnails, the histogram and the Info panel read it).
"""
from __future__ import annotations

import numpy as np

from editor.model.color_modes import lab_channels_view
from engine.box import Box

from .pyramid import Pyramid


def shown_view(composite: np.ndarray, shown: tuple[bool, bool, bool]) -> np.ndarray:
    """The premultiplied BGRA `composite` (..., 4) as `shown` channels show it (alpha kept:
    the checkerboard shows through where the picture is transparent)."""
    out = np.empty_like(composite)
    out[..., 3] = composite[..., 3]
    if (composite[..., 3] == 255).all():  # opaque (a flattened photo): no division
        out[..., 2::-1] = lab_channels_view(composite[..., 2::-1], shown)
        return out
    alpha = composite[..., 3:4].astype(np.float32)
    safe = np.where(alpha > 0, alpha, 1.0)
    straight = np.clip(np.rint(composite[..., 2::-1] * (255.0 / safe)), 0, 255).astype(np.uint8)
    rgb = lab_channels_view(straight, shown)
    out[..., 2::-1] = np.rint(rgb * (alpha / 255.0)).astype(np.uint8)
    return out


class ChannelView:
    """`shown_view` of the composite `source`, kept current box by box, with its pyramid."""

    def __init__(self, source: np.ndarray, shown: tuple[bool, bool, bool]):
        self.source, self.shown = source, shown
        self.array = np.empty_like(source)
        self.pyramid = Pyramid(self.array)
        self.update(Box(0, 0, source.shape[1], source.shape[0]))

    def update(self, box: Box) -> None:
        box = box.clip(self.source.shape[1], self.source.shape[0])
        if box.is_empty():
            return
        self.array[box.slices()] = shown_view(self.source[box.slices()], self.shown)
        self.pyramid.update(box)
