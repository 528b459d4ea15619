"""Drawing one layer live over cached composites of the rest of the stack.

While a big layer is dragged, or any layer is freely transformed, the canvas
does not ask the renderer for a full-resolution composite per mouse move:
it draws, at the view's resolution, the composite of everything below the
layer, the layer itself placed by a transform, and the composite of
everything above it. The real composite is brought up to date once, when
the gesture ends.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QTransform

from editor.model import Layer

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
    def __init__(self, session, layer: Layer):
        renderer, doc = session.renderer, session.doc
        self.layer = layer
        split = renderer.split_images(layer)
        if split is not None:
            below, above, exact = split
        else:  # inside an isolated group: everything below, nothing above
            from editor.model.render import composite_document

            below, above, exact = premultiplied(composite_document(doc, below=layer, precise=False)), None, False
        self.exact = exact and layer.blend_mode not in _INEXACT_MODES
        self.below = Pyramid.from_qimage(below)
        self.above = Pyramid.from_qimage(above) if above is not None else None
        self.pixels = Pyramid.from_qimage(premultiplied(layer.pixels))

    def paint(self, canvas, painter: QPainter, area: QRectF, placement: QTransform,
              smooth: Optional[bool] = None) -> None:
        """Draws the stack with the layer at `placement` (layer-local -> image coordinates)."""
        canvas.draw_pyramid(painter, self.below, area)
        layer = self.layer
        if layer.is_shown():
            mode = getattr(QPainter.CompositionMode, "CompositionMode_" + QT_MODES[layer.blend_mode])
            canvas.draw_pyramid(painter, self.pixels, area, placement, smooth=smooth, mode=mode,
                                opacity=layer.opacity / 255.0)
        if self.above is not None:
            canvas.draw_pyramid(painter, self.above, area)
