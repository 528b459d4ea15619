"""Drawing one layer (or group) live over cached composites of the rest of the stack.

While a big layer is dragged, or any layer or group is freely transformed,
the canvas does not ask the renderer for a full-resolution composite per
mouse move: it draws, at the view's resolution, the composite of everything
below the layer, the layer itself placed by a transform, and the composite
of everything above it. A group is drawn as its children composited
together (a pass-through group as if it were normal: a preview only); an
adjustment layer, which has no pixels, is not drawn moving; a fill layer is drawn as its
colour through its masks over the box the transform maps, grown to hold its shape's
stroke where that reaches beyond the path's box. The
real composite is brought up to date once, when the gesture ends.
"""
from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QTransform

from engine.box import Box

from editor.model import AdjustmentLayer, FillLayer, Group, Layer, Node
from editor.model.document import transform_frame
from editor.model.render import (composite_document, composite_nodes, nodes_above,
                                 straight_masked)
from editor.model.smart_object import SmartObjectLayer

from .pyramid import Pyramid
from .qimage import premultiplied

# Qt composition modes by blend mode; Qt's colour dodge/burn differ from the
# renderer's in edge cases, so those two make a preview inexact.
QT_MODES = {
    "normal": "SourceOver", "multiply": "Multiply", "screen": "Screen", "overlay": "Overlay",
    "darken": "Darken", "lighten": "Lighten", "color_dodge": "ColorDodge",
    "color_burn": "ColorBurn", "hard_light": "HardLight", "soft_light": "SoftLight",
    "difference": "Difference", "exclusion": "Exclusion",
}
_INEXACT_MODES = ("color_dodge", "color_burn")


class LayerPreview:
    def __init__(self, session, node: Node, partners: Sequence[Node] = (),
                 frame: Optional[Box] = None):
        """`partners`: layers linked to `node` that move with it, `frame` the box holding
        them all (Free Transform's): drawn together over the rest of the stack."""
        renderer, doc = session.renderer, session.doc
        self.layer = node
        # Where the drawn pixels' top-left lies from the transformed frame's (layer-local
        # pixels): a shape's stroke drawn beyond its path's box.
        self.shift = (0, 0)
        self.blend_mode, self.opacity = node.blend_mode, node.opacity
        if partners and frame is not None:
            # The rest of the stack below, the moving ones composited together on their
            # own over it (their order kept, what lies between them drawn under them):
            # a preview's approximation, as a group's is.
            moving = [n for n in doc.nodes() if n is node or any(n is p for p in partners)]
            self.exact = False
            self.below = Pyramid.from_qimage(premultiplied(composite_nodes(
                _without(doc.root, moving), doc.canvas, precise=False)))
            self.above = None
            self.content = composite_nodes(_without(doc.root, moving, keep=True), frame,
                                           precise=False)
            self.pixels = Pyramid.from_qimage(premultiplied(self.content))
            self.blend_mode, self.opacity = "normal", 255
            return
        if isinstance(node, AdjustmentLayer) and not isinstance(node, FillLayer):
            # No pixels of its own to draw moving: the picture stays as it is while the box
            # (what its mask reveals) is placed; the mask is transformed on commit.
            self.exact = False
            self.below = Pyramid.from_qimage(premultiplied(composite_document(doc, precise=False)))
            self.above = self.pixels = self.content = None
            return
        split = renderer.split_images(node) if isinstance(node, Layer) else None
        if split is not None:
            below, above, exact = split
        else:  # a group, or a layer inside an isolated group: approximate
            below = premultiplied(composite_document(doc, below=node, precise=False))
            over = nodes_above(node)
            above = premultiplied(composite_nodes(over, doc.canvas, precise=False)) if over else None
            exact = False
        self.exact = exact and node.blend_mode not in _INEXACT_MODES
        self.below = Pyramid.from_qimage(below)
        self.above = Pyramid.from_qimage(above) if above is not None else None
        if isinstance(node, Group):
            content = composite_nodes(node.children, node.bounds(), precise=False)
        elif isinstance(node, FillLayer):
            # Its colour through its masks over the box the transform maps (its frame, in
            # place of a layer's pixels), grown by its stroke where that reaches beyond (an
            # outside or centred stroke): placed with the frame, `shift` from its corner.
            # An unlinked mask or path would stay put.
            frame = box = transform_frame(node)
            outline = node.stroke_coverage()
            if outline is not None:
                box = box.union(outline.bounds())
            self.shift = (box.x - frame.x, box.y - frame.y)
            content = node.content(box, node.active_mask(), node.user_mask())
            self.exact = False
        elif isinstance(node, SmartObjectLayer):
            # Its contents, at full resolution: the transform places the contents'
            # rectangle (Free Transform's frame of a smart object). Its mask is left out.
            content = node.contents.pixels
            self.exact = self.exact and node.active_mask() is None
        else:
            content = node.pixels
            if node.active_mask() is not None:  # as it is composited: through its mask
                content = straight_masked(node)
                # An unlinked mask or path stays put.
                self.exact = self.exact and all(m is None or m.linked
                                                for m in (node.mask, node.vector_mask))
        self.content = content  # straight RGBA, as drawn (Warp bends it for its preview)
        self.pixels = Pyramid.from_qimage(premultiplied(content))

    def paint(self, canvas, painter: QPainter, area: QRectF, placement: QTransform,
              smooth: Optional[bool] = None, pixels: Optional[Pyramid] = None) -> None:
        """Draws the stack with the layer at `placement` (layer-local -> image coordinates);
        `pixels` in place of the layer's own (Warp's bent preview), placed so."""
        canvas.draw_pyramid(painter, self.below, area)
        layer = self.layer
        pixels = pixels if pixels is not None else self.pixels
        if layer.is_shown() and pixels is not None:
            if self.shift != (0, 0):  # the pixels' corner from the frame's, then placed
                placement = QTransform.fromTranslate(*self.shift) * placement
            mode = getattr(QPainter.CompositionMode,
                           "CompositionMode_" + QT_MODES.get(self.blend_mode, "SourceOver"))
            canvas.draw_pyramid(painter, pixels, area, placement, smooth=smooth, mode=mode,
                                opacity=self.opacity / 255.0)
        if self.above is not None:
            canvas.draw_pyramid(painter, self.above, area)


def _without(group: Group, nodes: Sequence[Node], keep: bool = False) -> list[Node]:
    """`group`'s children with `nodes` left out (or, with `keep`, only `nodes` and the groups
    holding them), as copies of the groups on the way (the originals keep their children
    and parents), for compositing."""
    chosen = {id(n) for n in nodes}
    out: list[Node] = []
    for child in group.children:
        if id(child) in chosen:
            if keep:
                out.append(child)
            continue
        if isinstance(child, Group) and any(id(n) in chosen for n in child.walk()):
            pruned = Group(child.name, visible=child.visible, opacity=child.opacity,
                           blend_mode=child.blend_mode)
            pruned.mask, pruned.clipping, pruned.artboard = child.mask, child.clipping, \
                child.artboard
            pruned.children = _without(child, nodes, keep)
            out.append(pruned)
        elif not keep:
            out.append(child)
    return out
