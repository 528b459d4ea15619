"""Layer > Align and Layer > Distribute: line up the chosen layers' edges or centres, or
space them evenly, as Photoshop's Align and Distribute do.

The chosen nodes (the Layers panel's Ctrl/Shift rows) are aligned to the box of
the selection when there is one (Photoshop's "Align Layers to Selection"),
otherwise to the box around all of them. A node's box is the box of its
non-transparent pixels (a group's: of all its layers'), the same as Trim and
Free Transform use. One undo step; a node that would move but has Lock Position
or Lock All (its own or a group's) refuses the whole step, in one line, before
anything moves.

Distribute (three or more chosen nodes; the selection plays no part, as in Photoshop):
the nodes are sorted by the edge or centre named; the first and the last stay, and the
others move so that those edges or centres are evenly spaced between them. Horizontally /
Vertically (Photoshop's Distribute Horizontal / Vertical Space) sorts by the left or top
edge and makes the gaps between neighbouring boxes equal (the outermost stay). Positions
that fall on half pixels round up, as Align's do.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

from engine.box import Box, opaque_bounds

from .document import Document, raise_if_locked
from .edit_ops import selection_region
from .errors import DocumentError
from .layers import AdjustmentLayer, Group, Layer, Node

# id -> (menu label, axis: "x" or "y", where on the box: 0 start, 0.5 centre, 1 end)
EDGES = {
    "top": ("Top Edges", "y", 0.0),
    "vcenter": ("Vertical Centers", "y", 0.5),
    "bottom": ("Bottom Edges", "y", 1.0),
    "left": ("Left Edges", "x", 0.0),
    "hcenter": ("Horizontal Centers", "x", 0.5),
    "right": ("Right Edges", "x", 1.0),
}

# id -> (menu label, axis, where on the box as in EDGES; None: equal gaps between boxes)
DISTRIBUTE = {
    **EDGES,
    "hspace": ("Horizontally", "x", None),
    "vspace": ("Vertically", "y", None),
}


def content_box(node: Node) -> Optional[Box]:
    """The canvas box of `node`'s non-transparent pixels (None: it has none, or it is an
    adjustment or fill layer, which has no pixels to align)."""
    if isinstance(node, Group):
        boxes = [b for b in (content_box(n) for n in node.layers()) if b is not None]
        if not boxes:
            return None
        box = boxes[0]
        for other in boxes[1:]:
            box = box.union(other)
        return box
    if not isinstance(node, Layer) or isinstance(node, AdjustmentLayer) or node.is_empty():
        return None
    box = opaque_bounds(node.pixels)
    return None if box is None else box.translate(node.x, node.y)


def _outermost(nodes: Sequence[Node]) -> list[Node]:
    """`nodes` without those inside a group that is among them (the group moves them)."""
    chosen = {id(n) for n in nodes}
    out: list[Node] = []
    for node in nodes:
        if not any(id(g) in chosen for g in node.ancestors()) and node not in out:
            out.append(node)
    return out


def _place(box: Box, axis: str, at: float) -> float:
    return box.x + at * box.w if axis == "x" else box.y + at * box.h


def align(doc: Document, nodes: Sequence[Node], edge: str, to: Optional[Box] = None) -> None:
    """Moves each of `nodes` so that its `edge` (an `EDGES` id) lines up with that edge of
    `to` (default: the selection's box, else the box around all of `nodes`). One step."""
    if edge not in EDGES:
        raise ValueError(f"unknown alignment {edge!r}")
    label, axis, at = EDGES[edge]
    boxes = [(n, content_box(n)) for n in _outermost(nodes)]
    boxes = [(n, b) for n, b in boxes if b is not None]
    region = selection_region(doc) if to is None else None
    if region is not None:
        to = region[0]
    if to is None:
        if len(boxes) < 2:
            raise DocumentError("Select two or more layers in the Layers panel (Ctrl+click), "
                                "or make a selection to align the layer to.")
        to = boxes[0][1]
        for _, box in boxes[1:]:
            to = to.union(box)
    elif not boxes:
        raise DocumentError("The chosen layers have no pixels to align.")
    target = _place(to, axis, at)
    moves = []
    for node, box in boxes:
        # Half pixels (centres of odd and even sizes) round up, the same for every layer.
        shift = math.floor(target - _place(box, axis, at) + 0.5)
        if shift:
            raise_if_locked(node, "position")  # Lock All too: before anything moves
            moves.append((node, shift))
    with doc.history.macro(f"Align {label}"):
        for node, shift in moves:
            doc.translate(node, shift if axis == "x" else 0, shift if axis == "y" else 0)


def distribute(doc: Document, nodes: Sequence[Node], how: str) -> None:
    """Spaces `nodes` (three or more with pixels) evenly by `how` (a `DISTRIBUTE` id):
    their edges or centres, or the gaps between them. One step."""
    if how not in DISTRIBUTE:
        raise ValueError(f"unknown distribution {how!r}")
    label, axis, at = DISTRIBUTE[how]
    boxes = [(n, content_box(n)) for n in _outermost(nodes)]
    boxes = [(n, b) for n, b in boxes if b is not None]
    if len(boxes) < 3:
        raise DocumentError("Select three or more layers with pixels in the Layers panel "
                            "(Ctrl+click) to distribute them.")
    # Sorted by the edge spaced (by the start edge for gaps); ties keep the panel's order.
    boxes.sort(key=lambda nb: _place(nb[1], axis, 0.0 if at is None else at))
    first, last = boxes[0][1], boxes[-1][1]
    count = len(boxes)
    targets = []
    if at is None:
        size = (lambda b: b.w) if axis == "x" else (lambda b: b.h)
        span = _place(last, axis, 1.0) - _place(first, axis, 0.0)
        gap = (span - sum(size(b) for _, b in boxes)) / (count - 1)
        start = _place(first, axis, 0.0)
        for node, box in boxes:
            targets.append((node, box, start, 0.0))
            start += size(box) + gap
    else:
        a, b = _place(first, axis, at), _place(last, axis, at)
        for i, (node, box) in enumerate(boxes):
            targets.append((node, box, a + (b - a) * i / (count - 1), at))
    moves = []
    for node, box, target, where in targets:
        shift = math.floor(target - _place(box, axis, where) + 0.5)
        if shift:
            raise_if_locked(node, "position")  # Lock All too: before anything moves
            moves.append((node, shift))
    with doc.history.macro(f"Distribute {label}"):
        for node, shift in moves:
            doc.translate(node, shift if axis == "x" else 0, shift if axis == "y" else 0)
