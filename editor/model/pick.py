"""Which layer is drawn at a canvas point: the Move tool's Auto-Select (Photoshop's
"selects the topmost layer that has pixels under the cursor").

A layer has pixels at a point when what it draws there is not fully transparent: its own
alpha times its masks (layer and vector, `Node.active_mask`), the masks of the groups
holding it, and, for a clipped layer, the alpha of the layer it is clipped to. Its
opacity does not count (a faint layer is still there to be moved, as in Photoshop);
hidden layers and adjustment layers (no pixels of their own) are never picked; a fill
layer (a shape layer) has pixels wherever its masks show its colour or its gradient is
not clear.
"""
from __future__ import annotations

from typing import Optional

from engine.box import Box

from .document import Document
from .layers import FillLayer, Layer, Node
from .mask_ops import clipping_base


def layer_at(doc: Document, x: int, y: int) -> Optional[Layer]:
    """The topmost shown layer with pixels at canvas point (x, y), or None."""
    if not _inside(doc.canvas, x, y):
        return None
    for node in reversed(list(doc.nodes())):  # top to bottom
        if isinstance(node, Layer) and node.is_shown() and _drawn_alpha(node, x, y) > 0:
            return node
    return None


def group_at(doc: Document, x: int, y: int) -> Optional[Node]:
    """Auto-Select by group: the outermost group holding the layer at (x, y), or the layer
    itself when it lies at the top of the stack, outside any group."""
    layer = layer_at(doc, x, y)
    if layer is None:
        return None
    groups = [g for g in layer.ancestors() if g.parent is not None]
    return groups[-1] if groups else layer


def _drawn_alpha(layer: Layer, x: int, y: int) -> float:
    alpha = _own_alpha(layer, x, y)
    if alpha <= 0:
        return 0.0
    base = clipping_base(layer)
    if isinstance(base, Layer):  # (clipped to a group: taken as drawn everywhere)
        alpha *= _own_alpha(base, x, y)
    for group in layer.ancestors():
        if group.artboard is not None and not _inside(group.artboard.box, x, y):
            return 0.0  # an artboard shows its content inside its rectangle only
        if group.parent is not None:
            alpha *= _mask_at(group, x, y)
    return alpha


def _own_alpha(layer: Layer, x: int, y: int) -> float:
    if isinstance(layer, FillLayer):  # what it paints there (a colour: opaque), through its masks
        # (its stroke, beyond its path, through its layer mask alone)
        box = Box(x, y, 1, 1)
        return float(layer.content(box, layer.active_mask(), layer.user_mask())[0, 0, 3]) / 255
    if layer.is_empty() or not _inside(layer.bounds(), x, y):
        return 0.0
    return float(layer.pixels[y - layer.y, x - layer.x, 3]) / 255 * _mask_at(layer, x, y)


def _mask_at(node: Node, x: int, y: int) -> float:
    mask = node.active_mask()
    if mask is None:
        return 1.0
    return float(mask.coverage(Box(x, y, 1, 1))[0, 0]) / 255


def _inside(box: Box, x: int, y: int) -> bool:
    return box.x <= x < box.x1 and box.y <= y < box.y1
