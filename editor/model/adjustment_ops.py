"""Layer > New Adjustment Layer, Layer > New Fill Layer, the shape tools' shape layers
(Rectangle, Rounded Rectangle, Ellipse, Polygon, Line), and editing an adjustment's or a
fill's settings, each one undo step (a dialog previews its settings live without one).

A new adjustment or fill layer goes above the active node with a layer mask, as in
Photoshop: from the selection when there is one, else revealing everything
(the brush then paints the mask). A shape layer is a Solid Color fill layer whose
vector mask is the shape (no layer mask). Settings are immutable values
(`adjustments.py`); an edit replaces them (`SetAttr` on "settings"), and the
edits of one slider drag share a merge key, so the drag is one step.
"""
from __future__ import annotations

from typing import Hashable, Optional

import numpy as np

from engine.box import Box

from . import commands as cmds
from . import mask_ops, path_edit
from .adjustments import FILL_KINDS, KINDS, Adjustment, SolidColor
from .document import Document
from .errors import DocumentError
from .layers import AdjustmentLayer, FillLayer, Node
from .shape_stroke import ShapeStroke
from .vector_mask import VectorMask
from .render import composite_document

# Rows sampled: a histogram's shape, cheaply. Few tall strips rather than many thin ones:
# each strip is a composite whose adjustment kernels start their threads (4 x 24 rows cost
# half of 12 x 8 on the loaded 2-core machine, bench/bench_histogram.py).
HISTOGRAM_STRIPS, HISTOGRAM_STRIP_ROWS = 4, 24
# The shape tools' shapes by their layer names, in Photoshop's order (Shift+U's).
SHAPES = {"rectangle": "Rectangle", "rounded_rectangle": "Rounded Rectangle",
          "ellipse": "Ellipse", "polygon": "Polygon", "line": "Line",
          "custom": "Custom Shape"}
# Their options' defaults (Photoshop's): corner radius and line weight in pixels.
RADIUS, SIDES, WEIGHT = 10, 5, 4


def add_adjustment(doc: Document, kind: str, settings: Optional[Adjustment] = None,
                   *, with_mask: bool = True, name: Optional[str] = None) -> AdjustmentLayer:
    """Adds an adjustment layer of `kind` (a key of `adjustments.KINDS`), or a fill layer
    of a fill kind (`adjustments.FILL_KINDS`), above the active node, named `name` (else
    the kind's name and a number), with a mask from the selection (or revealing all) when
    `with_mask`."""
    cls, settings = _kind_settings(kind, settings)
    node_class = FillLayer if cls.fills else AdjustmentLayer
    name = name.strip() if name and name.strip() else doc.next_layer_name(
        cls.layer_name or cls.label)
    layer = node_class(name, settings)
    selected = doc.selection is not None or doc.selection_mask is not None
    title = "New Fill Layer" if cls.fills else f"New {cls.label} Layer"
    with doc.history.macro(title):
        doc.add_layer(layer, name=title)
        if with_mask:
            mask_ops.add_mask(doc, layer, "reveal_selection" if selected else "reveal_all")
    return layer


def _kind_settings(kind: str, settings: Optional[Adjustment]) -> tuple[type, Adjustment]:
    """The settings class of adjustment or fill `kind`, and `settings` (else its defaults),
    checked to be of that class."""
    cls = KINDS.get(kind) or FILL_KINDS.get(kind)
    if cls is None:
        raise DocumentError(f"Unknown adjustment '{kind}'; choose one of "
                            f"{', '.join([*KINDS, *FILL_KINDS])}.")
    settings = settings if settings is not None else cls()
    if type(settings) is not cls:
        raise ValueError(f"{settings!r} is not {kind}")
    if getattr(settings, "pattern", False) is None:  # a pattern fill tiles a pattern
        raise DocumentError("Choose a pattern for the pattern fill (Edit > Define Pattern "
                            "makes one).")
    return cls, settings


def change_content(doc: Document, node: Optional[Node], kind: str,
                   settings: Optional[Adjustment] = None) -> AdjustmentLayer:
    """Layer > Change Layer Content: replaces adjustment or fill layer `node` by a layer of
    `kind` (an adjustment's or a fill's) with `settings` (else the kind's defaults), in one
    undo step; the new layer takes its place in the stack, its masks (layer and vector),
    clipping, visibility, opacity, blend mode and lock, and its name, unless that was the
    old kind's default name ("Levels 1"), which becomes the new kind's ("Curves 1"), as
    Photoshop does. A new node rather than new settings: a fill and an adjustment are
    different classes (drawn and saved differently), and undo puts the old node back as
    it was."""
    if not isinstance(node, AdjustmentLayer) or not doc.contains(node):
        raise DocumentError("Select an adjustment or fill layer first.")
    cls, settings = _kind_settings(kind, settings)
    doc._check_unlocked(node)
    old = type(node.settings)
    stem = old.layer_name or old.label
    number = node.name[len(stem) + 1:]
    name = node.name
    if node.name.startswith(stem + " ") and number.isdigit():
        name = doc.next_layer_name(cls.layer_name or cls.label)
    layer = node._copy_extras((FillLayer if cls.fills else AdjustmentLayer)(
        name, settings, visible=node.visible, opacity=node.opacity,
        blend_mode=node.blend_mode, locked=node.locked))
    parent, index = node.parent, node.index()
    with doc.history.macro("Change Layer Content"):
        doc.history.push(cmds.RemoveNode(node))
        doc.history.push(cmds.InsertNode(layer, parent, index))
    return layer


def shape_knots(shape: str, points: tuple, *, radius: float = RADIUS, sides: int = SIDES,
                weight: float = WEIGHT) -> np.ndarray:
    """The knots of `shape` (a key of SHAPES) from what a drag defines
    (`path_edit.shape_drag`): the box (x0, y0, x1, y1) of a rectangle, a rounded rectangle
    with corners of `radius` or an ellipse inscribed in it; a polygon's centre and one
    corner (cx, cy, x, y) and its number of `sides`; a line's ends (x0, y0, x1, y1) and
    its `weight`. Canvas pixels, fractions kept."""
    a, b, c, d = (float(v) for v in points)
    if shape == "rectangle":
        return path_edit.rectangle_knots(a, b, c, d)
    if shape == "rounded_rectangle":
        return path_edit.rounded_rectangle_knots(a, b, c, d, radius)
    if shape == "ellipse":
        return path_edit.ellipse_knots(a, b, c, d)
    if shape == "polygon":
        return path_edit.polygon_knots(a, b, c, d, sides)
    if shape == "line":
        return path_edit.line_knots(a, b, c, d, weight)
    raise ValueError(f"unknown shape {shape!r}")


def shape_vector(doc: Document, shape: str, points: tuple, custom=None,
                 **options) -> VectorMask:
    """The path a shape tool's drag makes (canvas pixels): `shape_knots` of `shape`, or
    for "custom" the subpaths of `custom` (a `custom_shapes.CustomShape`) stretched onto
    the box `points`. Refuses a drag too small to make anything."""
    a, b, c, d = (float(v) for v in points)
    if shape in ("polygon", "line"):  # a drag from its centre or one end
        if np.hypot(c - a, d - b) < 1:
            raise DocumentError(f"Drag out a {SHAPES[shape].lower()} at least one pixel long.")
    elif abs(c - a) < 1 or abs(d - b) < 1:
        raise DocumentError("Drag out a shape at least one pixel wide and high.")
    if shape == "custom":
        if custom is None:
            raise DocumentError("Choose a shape in the Shape picker first.")
        vector = VectorMask(custom.fitted(a, b, c, d), doc.canvas)
        vector.edited = True
        return vector
    return path_edit.with_new_subpath(None, shape_knots(shape, points, **options), True,
                                      doc.canvas)


def add_shape(doc: Document, shape: str, points: tuple, color: tuple,
              stroke: Optional[ShapeStroke] = None, custom=None, **options) -> FillLayer:
    """The shape tools: a new Solid Color fill layer of `color` (r, g, b) above the active
    node whose vector mask is `shape` made from `points` and `options` (`shape_vector`),
    with `stroke` (its fill on or off too) when given: Photoshop's shape layer, made in one
    undo step. A custom shape's layer is "Shape N", as Photoshop names it."""
    vector = shape_vector(doc, shape, points, custom, **options)
    label = SHAPES[shape]
    layer = FillLayer(doc.next_layer_name("Shape" if shape == "custom" else label),
                      SolidColor(tuple(color)[:3]))
    # The path is the layer's before it is added: one step, and undo takes both away.
    layer.vector_mask = vector
    layer.stroke = stroke
    doc.add_layer(layer, name=f"{label} Tool")
    return layer


def set_stroke(doc: Document, node: Optional[Node], stroke: Optional[ShapeStroke]) -> None:
    """Gives shape layer `node` (a fill layer with a path) `stroke` (None: none), its fill
    on or off with it: one undo step (the shape tools' options bar)."""
    if not isinstance(node, FillLayer) or node.vector_mask is None or not doc.contains(node):
        raise DocumentError("Select a shape layer first.")
    doc._check_unlocked(node)
    if stroke != node.stroke:
        doc.history.push(cmds.SetAttr(node, "stroke", stroke, "Change Shape Stroke"))


def set_settings(doc: Document, node: Optional[Node], settings: Adjustment,
                 merge_key: Optional[Hashable] = None) -> None:
    """Replaces an adjustment layer's settings (one step; a drag passes one merge_key)."""
    _check_settings(doc, node, settings)
    if settings == node.settings:
        return
    name = f"Change {settings.label} Fill" if settings.fills else node.settings.label
    doc.history.push(cmds.SetAttr(node, "settings", settings, name, merge_key))


def preview_settings(doc: Document, node: Optional[Node], settings: Adjustment) -> None:
    """Shows `settings` on an adjustment or fill layer without recording a step: a
    dialog's live preview (Gradient Fill). The dialog ends by previewing the settings it
    started from again, then, for OK, `set_settings` with its own: one step."""
    _check_settings(doc, node, settings)
    if settings is not node.settings:
        doc._set_attr(node, "settings", settings)


def _check_settings(doc: Document, node: Optional[Node], settings: Adjustment) -> None:
    if not isinstance(node, AdjustmentLayer) or not doc.contains(node):
        raise DocumentError("Select an adjustment or fill layer first.")
    if type(settings) is not type(node.settings):
        raise ValueError(f"{node.name} is a {node.settings.label} layer, not {settings.label}")
    doc._check_unlocked(node)


def color_below(doc: Document, node: Node, x: int, y: int) -> Optional[tuple[int, int, int]]:
    """The colour (r, g, b) of what lies under `node` at canvas pixel (x, y): the input an
    adjustment there sees (as `histogram_below` composites it); None outside the canvas
    or where nothing is drawn."""
    if not (0 <= x < doc.width and 0 <= y < doc.height):
        return None
    pixel = composite_document(doc, Box(x, y, 1, 1), precise=False, below=node)[0, 0]
    return None if pixel[3] == 0 else tuple(int(v) for v in pixel[:3])


def histogram_below(doc: Document, node: Node, strips: int = HISTOGRAM_STRIPS,
                    rows: int = HISTOGRAM_STRIP_ROWS) -> np.ndarray:
    """(4, 256) counts of what lies under `node` (the input an adjustment there sees):
    red, green and blue summed (Photoshop's RGB histogram), then each channel; opaque
    and translucent pixels alike, transparent ones left out. Composited on rows spread
    over the canvas (`strips` strips of `rows` rows), so a large document costs a few
    strips."""
    boxes = [Box(0, 0, doc.width, doc.height)]
    if doc.height > strips * rows:
        gap = doc.height // strips
        boxes = [Box(0, i * gap + (gap - rows) // 2, doc.width, rows) for i in range(strips)]
    counts = np.zeros((4, 256), np.int64)
    for box in boxes:
        pixels = composite_document(doc, box, precise=False, below=node).reshape(-1, 4)
        seen = pixels[pixels[:, 3] > 0]
        for c in range(3):
            counts[c + 1] += np.bincount(seen[:, c], minlength=256)
    counts[0] = counts[1:].sum(axis=0)
    return counts
