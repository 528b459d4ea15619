"""Layer > Rasterize > Layer Style: a pixel layer's effects (and its Fill) drawn into its
pixels, the style then gone; one undo step.

The layer is drawn on its own as the renderer draws it (`render.composite_nodes`, over the
box its effects reach), at full opacity and in Normal mode; the new pixel layer keeps the
layer's name, place in the stack, opacity, blend mode, mask, clipping and locks, so over
layers below the picture is the same for effects in Normal mode. As in Photoshop, an effect
in another mode (a Multiply shadow) is drawn onto transparency and so loses that mode.
No Qt.
"""
from __future__ import annotations

from .errors import DocumentError
from .layers import Layer, merge_reach, trimmed_to_opaque


def rasterize_style(doc, layer) -> Layer:
    """The layer's style drawn into its pixels (see the module's notes)."""
    from .render import composite_nodes

    if not isinstance(layer, Layer) or layer.kind != "pixel" or not doc.contains(layer):
        raise DocumentError("Select a pixel layer with a layer style to rasterize it.")
    if layer.effects is None or not layer.effects.drawn():
        raise DocumentError(f"Layer '{layer.name}' has no layer style to rasterize.")
    doc._check_unlocked(layer)
    drawn = layer.copy(share=True)
    drawn.opacity, drawn.blend_mode, drawn.clipping = 255, "normal", False
    drawn.mask = drawn.vector_mask = None  # (the masks stay on the new layer)
    box = merge_reach(doc.canvas, [layer])
    trimmed = trimmed_to_opaque(composite_nodes([drawn], box), box.x, box.y)
    pixels, x, y = trimmed if trimmed is not None else (layer.pixels[:0, :0].copy(), 0, 0)
    plain = layer.copy()
    plain.pixels, plain.x, plain.y = pixels, x, y
    plain.effects, plain.fill_opacity = None, 255
    doc.replace_node(layer, plain, "Rasterize Layer Style")
    doc.set_active(plain)
    return plain
