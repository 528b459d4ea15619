"""One resampling of a layer, or of a group's layers, as one undo step: Free Transform,
Warp and Puppet Warp commit through it, and so does Edit > Auto-Align Layers.

`warp_node(doc, node, step, resample, at, paths)`: every pixel layer of `node` resampled
by `resample(pixels, at(x, y), limit)` (`at(x, y)`: the transform of an array whose pixel
(0, 0) lies at canvas (x, y), in whatever form `resample` takes: an affine's six numbers,
a 3x3 matrix, a warp's mesh), its linked masks the same way, its linked paths and a smart
object's placement corners mapped by `paths` ((N, 2) canvas points -> (N, 2)). What lies
more than a canvas' width or height beyond the canvas is dropped: enough for any later move,
bounded in memory however far a layer is enlarged. No Qt.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from engine.box import Box

from . import smart_object
from .commands import SetMask
from .document import Document, linked_masks
from .layers import Layer, Node
from .resample import warp_mask
from .smart_object import SmartObjectLayer


def warp_limit(doc: Document) -> Box:
    """What a resampled layer may cover: the canvas and a canvas' size around it."""
    return doc.canvas.expand(doc.width, doc.height)


def warp_node(doc: Document, node: Node, step: str, resample: Callable, at: Callable,
              paths: Callable[[np.ndarray], np.ndarray]) -> None:
    """See the module docstring; one History step named `step`."""
    limit = warp_limit(doc)
    layers = [node] if isinstance(node, Layer) else list(node.layers())
    with doc.history.macro(step):
        for layer in layers:
            if isinstance(layer, SmartObjectLayer):  # its placement, drawn anew
                corners = paths(np.array(layer.placement, np.float64))
                smart_object.set_placement(doc, layer, tuple(map(tuple, corners.tolist())),
                                           step)
                continue
            if layer.is_empty():
                continue
            pixels, x, y = resample(layer.pixels, at(layer.x, layer.y), limit)
            doc.set_pixels(layer, pixels, x, y, step)
        for which in ("mask", "filter_mask"):  # linked masks transform along (and a
            for masked in linked_masks(node, which):  # smart object's Smart Filters mask)
                m = getattr(masked, which)
                moved = warp_mask(m, lambda px: resample(px, at(m.x, m.y), limit))
                doc.history.push(SetMask(masked, moved, step, which))
        doc.transform_paths(node, paths, step)
