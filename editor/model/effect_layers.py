"""Layer > Layer Style > Create Layers: a pixel layer's effects made into layers of their
own, as Photoshop makes them, the style then gone; one undo step.

Each effect is drawn alone by the effects renderer (`layer_effects.styled_layers` on a style
of that one effect at 100 % opacity; a stroke by its own `stroke_alpha` / `stroke_fill`),
and becomes a normal pixel layer in the effect's blend mode at the effect's opacity:

- below the layer, bottom to top: "<name>'s Drop Shadow", "<name>'s Outer Glow",
  "<name>'s Outer Stroke" (as the renderer stacks them);
- above it, clipped to it (Photoshop's), bottom to top in Photoshop's interior order:
  "Pattern Fill", "Gradient Fill", "Color Fill", "Satin", "Inner Glow", "Inner Shadow",
  "Bevel Highlights", "Bevel Shadows", then an inside stroke ("Inner Stroke");
- above those, not clipped: a centre stroke ("Stroke") and the parts of an Outer Bevel,
  Emboss or Pillow Emboss outside the shape ("Outer Bevel Highlights" / "Shadows").

The effects are made through the layer's masks, which the layer keeps (Layer / Vector Mask
Hides Effects: that mask hides the new layers not clipped too, baked into their pixels).
A clipped layer's coverage is the effect's coverage of the shape (its image's alpha over
the layer's: the clip multiplies it back), so at fill 100 % in Normal the composite is the
styled layer's up to rounding. What layers cannot reproduce (Photoshop warns so too): a
Fill below 100 % (the renderer lays the interior effects over the faded pixels; clipped
layers fade with them), Blend Interior Effects as Group, Transparency Shapes Layer off,
and knockout. The layer's opacity faded its effects too: the layers not clipped take it
times their own (the clipped ones follow their base's; a centre stroke at an opacity below
100 % is then a little off where it covers the layer).
A layer in a mode other than Normal: its interior effects were blended onto what lies
below it (`interior_blends_apart`), so its Blend Clipped Layers as Group is turned off
(clipped layers then blend so too), and a Normal outside stroke, part of its pixels, takes
its mode (only the ring outside the shape).
No Qt.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from engine.compose import to_float, to_uint8

from . import layer_effects as fx
from .errors import DocumentError
from .layers import Layer, trimmed_to_opaque

# Interior kinds, bottom to top (Photoshop's order, `styled_layers`'), with their names.
_INTERIOR = (("pattern_overlays", "Pattern Fill"), ("gradient_overlays", "Gradient Fill"),
             ("color_overlays", "Color Fill"), ("satins", "Satin"),
             ("inner_glows", "Inner Glow"), ("inner_shadows", "Inner Shadow"))


def _full(effect):
    """`effect` at 100 % opacity (the layer made of it carries the opacity)."""
    return replace(effect, opacity=100.0)


def _opacity(percent: float) -> int:
    return int(round(max(0.0, min(100.0, percent)) * 255 / 100))


def effect_images(layer: Layer) -> tuple[list, list]:
    """(below, above) of the layer's drawn effects, bottom to top: each (name suffix, straight
    float RGBA image over the padded box, blend mode, opacity 0..255, clipped), the box
    being the layer's bounds grown by its effects' margin (`layer_box`)."""
    effects = layer.effects
    box = layer.bounds().expand(effects.margin())
    padded = np.zeros((box.h, box.w, 4), np.float32)
    at = layer.bounds()
    padded[at.translate(-box.x, -box.y).slices()] = to_float(layer.pixels)
    # The effects are made through the layer's masks (the renderer's `_effect_masks`); the
    # layer keeps them, and one that hides the effects too hides the layers not clipped
    # (the clipped ones are hidden with their base).
    source, hiding = _effect_masks(layer)
    if source is not None:
        padded[at.translate(-box.x, -box.y).slices()][..., 3] *= \
            source.coverage(at) * np.float32(1 / 255)
    alpha = padded[..., 3]
    fill = layer.fill_opacity / 255.0
    origin = (box.x, box.y)
    canvas = _canvas(layer)
    box_of_overlay = _overlay_box(layer)  # (laid out as the renderer lays it out)

    def alone(style: fx.LayerEffects, apart: bool = False) -> list:
        return fx.styled_layers(padded, replace(style, reference_point=effects.reference_point),
                                fill, None, origin, canvas, False, None, None, box_of_overlay,
                                apart)

    def numbered(label: str, i: int, count: int) -> str:
        return label if count == 1 else f"{label} {i + 1}"

    below, above, over = [], [], []
    for kind, label in (("drop_shadows", "Drop Shadow"), ("outer_glows", "Outer Glow")):
        shown = [e for e in getattr(effects, kind) if e.enabled]
        order = list(enumerate(shown))  # (numbered as listed)
        if kind == "drop_shadows":  # drawn the last first, as `fx.shadows_bottom_up`
            order.reverse()
        for i, e in order:
            image, mode = alone(fx.LayerEffects(**{kind: (_full(e),)}))[0]
            below.append((numbered(label, i, len(shown)), image, mode, _opacity(e.opacity),
                          False))
    # Interior effects: their images apart (`interior_apart`), coverage of the shape.
    inside = alpha > 0
    for kind, label in _INTERIOR:
        shown = [e for e in getattr(effects, kind) if e.enabled]
        for i, e in enumerate(shown):
            image, mode = alone(fx.LayerEffects(**{kind: (_full(e),)}), True)[1]
            above.append((numbered(label, i, len(shown)), _of_shape(image, alpha, inside),
                          mode, _opacity(e.opacity), True))
    first_stroke = next((s for s in effects.strokes if s.enabled), None)
    for b in (b for b in effects.bevels if b.enabled):
        full = replace(b, highlight_opacity=100.0, shadow_opacity=100.0)
        strokes = (first_stroke,) if b.style == "stroke_emboss" and first_stroke else ()
        images = alone(fx.LayerEffects(bevels=(full,), strokes=strokes), True)
        outside = 2 if b.style != "inner_bevel" and effects.draws_outside(b) else 0
        parts = (("Highlights", b.highlight_opacity), ("Shadows", b.shadow_opacity))
        # (After the layer: the inside part's two images where it has one, then the
        # outside part's; a Stroke Emboss has no inside part, its stroke is in between.)
        if b.style != "stroke_emboss" and len(images) - 1 - outside == 2:
            for (part, opacity), (image, mode) in zip(parts, images[1:3]):
                above.append((f"Bevel {part}", _of_shape(image, alpha, inside), mode,
                              _opacity(opacity), True))
        if outside:
            word = "Stroke Emboss" if b.style == "stroke_emboss" else "Outer Bevel"
            for (part, opacity), (image, mode) in zip(parts, images[-outside:]):
                over.append((f"{word} {part}", image, mode, _opacity(opacity), False))
    apart = fx.interior_blends_apart(layer.blend_mode, layer.blend_interior)
    for s in (s for s in effects.strokes if s.enabled):
        # (A Normal outside stroke is part of the layer's pixels: on a layer in another
        # mode it is drawn in that mode, and only outside the shape, which hides the rest.)
        # (So too when the layer's opacity fades the two together: apart, each faded.)
        own = s.position == "outside" and s.blend_mode == "normal" \
            and (apart or layer.opacity < 255)
        image = _stroke_image(padded, s, fill, origin, canvas, effects.reference_point, own)
        if s.position == "outside":
            below.append(("Outer Stroke", image, layer.blend_mode if own else s.blend_mode,
                          _opacity(s.opacity), False))
        elif s.position == "inside":
            above.append(("Inner Stroke", _of_shape(image, alpha, inside), s.blend_mode,
                          _opacity(s.opacity), True))
        else:
            over.insert(0, ("Stroke", image, s.blend_mode, _opacity(s.opacity), False))
    if hiding is not None:
        cover = hiding.coverage(box) * np.float32(1 / 255)
        for _, image, _, _, clipped in below + above + over:
            if not clipped:
                image[..., 3] *= cover
    return below, above + over


def _canvas(layer: Layer):
    from .render_layers import _document_canvas

    return _document_canvas(layer)


def _effect_masks(layer: Layer):
    from .render_layers import _effect_masks

    return _effect_masks(layer)


def _overlay_box(layer: Layer):
    from .render_layers import _overlay_box

    return _overlay_box(layer)


def _of_shape(image: np.ndarray, alpha: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """An interior image (its alpha the effect's coverage times the layer's) made the
    coverage of the shape alone: the clip multiplies the layer's alpha back."""
    out = image.copy()
    out[..., 3] = np.where(inside, np.clip(image[..., 3] / np.where(inside, alpha, 1.0),
                                           0.0, 1.0), 0.0)
    return out


def _stroke_image(padded: np.ndarray, stroke: fx.Stroke, fill: float, origin, canvas,
                  reference, ring: bool = False) -> np.ndarray:
    """The stroke alone (the renderer's `stroke_alpha`, `stroke_fill`) at 100 %: an outside
    one whole under the layer in Normal (the layer over it is what the renderer lays), only
    its ring outside the shape in another mode or at a Fill below 100 % (as the renderer
    draws those)."""
    alpha = padded[..., 3]
    image = np.empty_like(padded)
    image[..., :3] = np.asarray(stroke.color, np.float32) / 255.0
    cover = fx.stroke_alpha(alpha, stroke)
    if stroke.position == "outside" and (fill < 1.0 or stroke.blend_mode != "normal" or ring):
        cover = cover - alpha
    image[..., 3] = cover
    if stroke.fill_type != "color":
        filled = fx.stroke_fill(alpha, stroke, origin, canvas, reference)
        image[..., :3] = filled[..., :3]
        image[..., 3] *= filled[..., 3]
    return image


def unreproducible(layer: Layer) -> list[str]:
    """What of the layer's style its layers will not reproduce (Photoshop's "Some aspects of
    the effects cannot be reproduced with layers"; the module's notes), in words."""
    effects = layer.effects
    interior = any(e.enabled for kind, _ in _INTERIOR for e in getattr(effects, kind)) \
        or any(b.enabled and b.style != "stroke_emboss" for b in effects.bevels)
    found = []
    if layer.fill_opacity < 255 and interior:
        found.append("Fill below 100 %")
    if layer.blend_interior and interior:
        found.append("Blend Interior Effects as Group")
    if not layer.transparency_shapes and interior:
        found.append("Transparency Shapes Layer off")
    if layer.knockout != "none":
        found.append("Knockout")
    if effects.not_drawn():
        found.append("effects not drawn (" + ", ".join(effects.not_drawn()) + ")")
    return found


def create_layers(doc, layer) -> list[Layer]:
    """The layer's effects as layers of their own, the style removed (the module's notes);
    one step "Create Layers". Returns the new layers, bottom to top."""
    if not isinstance(layer, Layer) or layer.kind != "pixel" or not doc.contains(layer):
        raise DocumentError("Select a pixel layer with a layer style to create layers from.")
    if layer.effects is None or not layer.effects.drawn():
        raise DocumentError(f"Layer '{layer.name}' has no layer effects to create layers from.")
    if layer.clipping:
        raise DocumentError("Create Layers needs a layer that is not clipped.")
    doc._check_unlocked(layer)
    below, above = effect_images(layer)
    box = layer.bounds().expand(layer.effects.margin())
    made = []
    with doc.history.macro("Create Layers"):
        parent = layer.parent
        for group, start in ((below, layer.index()), (above, layer.index() + 1)):
            for offset, (suffix, image, mode, opacity, clipped) in enumerate(group):
                trimmed = trimmed_to_opaque(to_uint8(image), box.x, box.y)
                if trimmed is None:
                    pixels, x, y = np.zeros((0, 0, 4), np.uint8), 0, 0
                else:
                    pixels, x, y = trimmed
                if not clipped:  # (the layer's opacity faded its effects too; a
                    # clipped layer takes its base's)
                    opacity = int(round(opacity * layer.opacity / 255))
                new = Layer(f"{layer.name}'s {suffix}", pixels, x, y, opacity=opacity,
                            blend_mode=mode)
                new.clipping = clipped
                index = start + offset + (len(below) if group is above else 0)
                doc.add_layer(new, parent, index, "Create Layers")
                made.append(new)
        if fx.interior_blends_apart(layer.blend_mode, layer.blend_interior) \
                and any(n.clipping for n in made) and layer.blend_clipped:
            # The renderer blends such a layer's interior effects onto what it was blended
            # onto; clipped layers do so only with Blend Clipped Layers as Group off
            # (Photoshop's default on blends them onto the layer first, in isolation).
            doc.set_blending_option(layer, "blend_clipped", False)
        doc.set_effects(layer, None, "Create Layers")
        doc.set_active(layer)
    return made
