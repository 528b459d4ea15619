"""How BFS frames a box: the window of the picture the model sees around the object's box.

One function, `frame_window`, serves both the training data loader
(`engine.training.data`) and inference (`engine.methods.bfs`), so the model
meets objects at the scale and with the context it was trained on.

The window is a square of side `context` x the box's longer side, centred on
the box and shifted to stay inside the picture; where the picture is too
small for that square, the side shrinks to the picture's short side (still
square, still holding the box). Only a box longer than the picture's short
side gets a non-square window (the box's extent, grown towards `context`
along the long axis, clipped to the picture); inference handles any aspect,
the loader then crops the largest square centred on the box (see
`square_around`).

The choice of `context`:

* training draws it per sample, uniformly from `TRAIN_CONTEXT_RANGE` =
  [1.5, 3.0], so the box covers between a third and two thirds of the
  window's side;
* inference uses the fixed `INFERENCE_CONTEXT` = 2.0 from inside that range
  (the box covers half the window's side); the user may choose any value in
  the range and beyond (the method accepts 1 to 8), at their risk.

Why this range: shadows and reflections reach out of the box (a cast shadow
is often as long as the object), so the window must show a margin of at least
a quarter of the box on each side (context 1.5) for the composite branch to
place them and for the layer to hold them; and the object must keep enough
pixels at the model's resolution to be drawn in detail, which a window much
wider than three boxes would not give (at 512 px and context 3, a box is
still 170 px). Photographs of the paper's training and test sets (RORem,
SAM-FB, AnyInsertion, resized whole to the model's short side) put most
objects in that band of scales. Training over the whole range rather than one
value makes the model robust to the user's choice; inference takes a middle
value. The earlier training framing (the largest square of the picture) and
inference framing (2x the box) disagreed, which this module replaces.
"""
from __future__ import annotations

from engine.box import Box

TRAIN_CONTEXT_RANGE = (1.5, 3.0)
INFERENCE_CONTEXT = 2.0


def frame_window(width: int, height: int, box: Box, context: float = INFERENCE_CONTEXT) -> Box:
    """The window around `box` in a width x height picture (see the module docstring)."""
    longer = max(box.w, box.h)
    side = int(round(longer * context))
    short = min(width, height)
    if longer <= short:
        side = min(max(side, longer), short)
        w = h = side
    else:
        w = min(width, max(box.w, side))
        h = min(height, max(box.h, side))
    x = min(max(box.x + box.w // 2 - w // 2, 0), width - w)
    y = min(max(box.y + box.h // 2 - h // 2, 0), height - h)
    return Box(x, y, w, h)


def square_around(width: int, height: int, box: Box, context: float) -> Box:
    """`frame_window`, made square for training batches: a non-square window (box longer than
    the picture's short side) becomes the largest square of the picture centred on the box."""
    window = frame_window(width, height, box, context)
    if window.w == window.h:
        return window
    side = min(width, height)
    x = min(max(box.x + box.w // 2 - side // 2, 0), width - side)
    y = min(max(box.y + box.h // 2 - side // 2, 0), height - side)
    return Box(x, y, side, side)


def box_mask(box: Box, window: Box, width: int, height: int):
    """The {0, 1} float32 (height, width) mask of `box` (picture pixels) in `window` scaled to
    width x height: every model pixel the box touches is 1 (edges rounded outwards)."""
    import numpy as np

    sx, sy = width / window.w, height / window.h
    inner = box.translate(-window.x, -window.y)
    x0, y0 = max(0, int(np.floor(inner.x * sx))), max(0, int(np.floor(inner.y * sy)))
    x1, y1 = int(np.ceil(inner.x1 * sx)), int(np.ceil(inner.y1 * sy))
    mask = np.zeros((height, width), np.float32)
    mask[y0:max(y0, y1), x0:max(x0, x1)] = 1
    return mask
