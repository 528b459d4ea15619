"""The rest of Photoshop's Advanced Blending (`layers.BLENDING_OPTIONS`): Blend Interior
Effects as Group ('infx'), Blend Clipped Layers as Group ('clbl'), Transparency Shapes Layer
('tsly'), Layer Mask Hides Effects ('lmgm') and Vector Mask Hides Effects ('vmgm').

Each option's pixels against a numpy reference of its formula on the file path, the 8-bit
path and the screen's Renderer; read and written through a PSD (psd-tools reads what we
write; a default is not written); set in the Layer Style dialog, live, as one undo step; and
Photoshop's own pixels of psd-tools' advanced-blending.psd (Blend Interior Effects as Group
on a shape layer at Fill 11 %).
"""
from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtWidgets import QCheckBox
from psd_tools import PSDImage
from psd_tools.constants import Tag

from editor.model import Document, Group, Layer
from editor.model.files import open_document, save_document
from editor.model.layer_effects import ColorOverlay, LayerEffects, Stroke
from editor.model.layers import BLENDING_OPTIONS, LayerMask
from editor.model.render import composite_document
from engine.compose import blend
from test_advanced_blending import dragged_and_settled, every_path, premultiplied, solid
from ui_helpers import in_modal_dialog, make_window

FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "psd_tools_files")
W, H = 40, 30
GREY = (100, 100, 100)


def stack(*nodes, width=W, height=H) -> Document:
    doc = Document(width, height)
    for node in nodes:
        node.parent = doc.root
        doc.root.children.append(node)
    return doc


def composite_over(color, alpha, backdrop, mode) -> np.ndarray:
    """Straight colour `color` (0..1) at `alpha` over an opaque `backdrop` in `mode`: the
    resulting opaque colour, in 0..255."""
    color = np.asarray(color, np.float32)
    backdrop = np.asarray(backdrop, np.float32)
    mixed = blend(mode, backdrop[None, None], color[None, None])[0, 0]
    return 255 * (backdrop + alpha * (mixed - backdrop))


def close(ours: np.ndarray, expected, tolerance=2) -> bool:
    return np.abs(ours[..., :3].astype(float) - expected).max() <= tolerance


# -- Blend Interior Effects as Group ---------------------------------------------------------

@pytest.mark.parametrize("modes", [("normal", "normal"), ("multiply", "screen")])
@pytest.mark.parametrize("grouped", [False, True])
def test_blend_interior_effects_as_group(qapp, modes, grouped):
    """A layer at Fill 25 % with a Color Overlay at 60 %, over grey. As a group, the overlay
    mixes into the layer's colour L' = L + 0.6 (B(L, C) - L) and the Fill fades both:
    alpha = Fill, then blended with the layer's mode onto the backdrop. Not as a group (the
    default) on a Normal layer the overlay lies over the faded pixels: alpha = 0.6 + Fill
    (1 - 0.6), colour L + (0.6 / alpha) (B(L, C) - L), blended onto the backdrop; on a layer
    in another mode the faded layer is blended onto the backdrop in its mode, and the overlay
    in its own onto that (Photoshop's, ag-psd's 2026-blend-modes.psd:
    tests/test_ag_psd_composites.py)."""
    layer_mode, overlay_mode = modes
    layer = Layer("L", solid((200, 40, 40), 255, 20, 20), 10, 5, blend_mode=layer_mode)
    layer.fill_opacity = 64
    layer.effects = LayerEffects(color_overlays=(ColorOverlay(color=(20, 60, 220), opacity=60,
                                                              blend_mode=overlay_mode),))
    layer.blend_interior = grouped
    doc = stack(Layer("Back", solid(GREY, 255, W, H)), layer)
    own = np.array([200, 40, 40]) / 255
    mixed = blend(overlay_mode, own[None, None].astype(np.float32),
                  (np.array([20, 60, 220], np.float32) / 255)[None, None])[0, 0]
    fill = 64 / 255
    if grouped:
        alpha, color = fill, own + 0.6 * (mixed - own)
    else:
        alpha = 0.6 + fill * 0.4
        color = own + 0.6 / alpha * (mixed - own)
    expected = composite_over(color, alpha, np.array(GREY) / 255, layer_mode)
    if not grouped and layer_mode != "normal":
        below = composite_over(own, fill, np.array(GREY) / 255, layer_mode) / 255
        expected = composite_over(np.array([20, 60, 220]) / 255, 0.6, below, overlay_mode)
    for label, ours in every_path(doc).items():
        assert close(ours[8:22, 13:27], expected), (label, ours[15, 20], expected)
    # The two differ (the option does something here).
    layer.blend_interior = not grouped
    assert np.abs(composite_document(doc)[15, 20, :3].astype(int)
                  - expected).max() > 20


def test_effects_on_a_multiply_layer_keep_their_own_modes(qapp):
    """A Multiply layer with a Normal Color Overlay and a Normal inside Stroke, Blend
    Interior Effects as Group off (Photoshop's default): the overlay and the stroke lie over
    the multiplied layer in their own colours (the option's tip in Photoshop's manual: on,
    the layer's mode applies to the overlay too); the stroke over the overlay. On, both are
    multiplied onto the grey with the layer."""
    layer = Layer("L", solid((200, 40, 40), 255, 20, 20), 10, 5, blend_mode="multiply")
    layer.effects = LayerEffects(
        color_overlays=(ColorOverlay(color=(20, 60, 220)),),
        strokes=(Stroke(size=3, position="inside", color=(0, 255, 0)),))
    doc = stack(Layer("Back", solid(GREY, 255, W, H)), layer)
    for label, ours in every_path(doc).items():
        assert close(ours[12:18, 16:24], (20, 60, 220)), (label, ours[15, 20])
        assert close(ours[12:18, 10:12], (0, 255, 0)), (label, ours[15, 10])
    layer.blend_interior = True
    ours = composite_document(doc)
    assert close(ours[15, 20], np.array([20, 60, 220]) * 100 / 255)
    assert close(ours[15, 10], (0, 100, 0))


def test_blend_interior_leaves_inner_shadows_over_the_faded_pixels(qapp):
    """Blend Interior Effects as Group fades the overlays, satins and inner glows, not an
    inner shadow: at Fill 0 % with an opaque Inner Shadow, the shadow still shows."""
    from editor.model.layer_effects import InnerShadow

    layer = Layer("L", solid((200, 40, 40), 255, 20, 20), 10, 5)
    layer.fill_opacity = 0
    layer.effects = LayerEffects(
        color_overlays=(ColorOverlay(color=(20, 60, 220)),),
        inner_shadows=(InnerShadow(opacity=100, angle=90, distance=4, size=0,
                                   blend_mode="normal"),))
    layer.blend_interior = True
    doc = stack(Layer("Back", solid((255, 255, 255), 255, W, H)), layer)
    ours = composite_document(doc)
    assert (ours[15, 20, :3] == 255).all()  # the overlay is faded out with the layer
    assert ours[6, 20, :3].max() < 60  # the inner shadow (4 px at the top) still shows
    layer.blend_interior = False
    assert close(composite_document(doc)[15, 20], (20, 60, 220))


# -- Blend Clipped Layers as Group -----------------------------------------------------------

def clip_doc(as_group: bool) -> Document:
    """Grey under a yellow Multiply base (x 5..24, opacity 200) with, clipped to it, a blue
    Normal layer at 150 over everything and a green Screen layer over its top half."""
    base = Layer("Base", solid((230, 210, 20), 255, 20, H), 5, 0, opacity=200,
                 blend_mode="multiply")
    base.blend_clipped = as_group
    blue = Layer("Blue", solid((20, 40, 220), 255, W, H), opacity=150)
    green = Layer("Green", solid((40, 200, 60), 255, W, H // 2), blend_mode="screen")
    for node in (blue, green):
        node.clipping = True
    return stack(Layer("Back", solid(GREY, 255, W, H)), base, blue, green)


@pytest.mark.parametrize("as_group", [True, False])
def test_blend_clipped_layers_as_group(qapp, as_group):
    """As a group (the default) the clipped layers composite onto the base first and the
    result blends with the base's mode and opacity; apart, the base blends alone and each
    clipped layer blends with what lies below it in its own mode, inside the base's shape
    S (its alpha times its opacity): before + S (drawn - before)."""
    grey = np.array(GREY) / 255
    yellow, blue, green = (np.array(c) / 255 for c in ((230, 210, 20), (20, 40, 220),
                                                      (40, 200, 60)))
    s, b = 200 / 255, 150 / 255

    def mix(c, a, under, mode):
        return composite_over(c, a, under, mode) / 255

    expected = {}
    for half, greened in (("top", True), ("bottom", False)):
        if as_group:
            content = mix(blue, b, yellow, "normal")
            if greened:
                content = mix(green, 1, content, "screen")
            expected[half] = mix(content, s, grey, "multiply")
        else:
            out = mix(yellow, s, grey, "multiply")
            out = out + s * (mix(blue, b, out, "normal") - out)
            if greened:
                out = out + s * (mix(green, 1, out, "screen") - out)
            expected[half] = out
    doc = clip_doc(as_group)
    for label, ours in every_path(doc).items():
        assert close(ours[2:13, 7:23], expected["top"] * 255), (label, ours[5, 10])
        assert close(ours[17:28, 7:23], expected["bottom"] * 255), (label, ours[20, 10])
        assert close(ours[:, 27:], np.array(GREY)), label  # beside the base: nothing clipped
    assert np.abs(expected["top"] - mix(blue, 0, grey, "normal")).max() > 0.05
    other = composite_document(clip_doc(not as_group))
    assert np.abs(other[5, 10, :3] - expected["top"] * 255).max() > 10


def overlay_base_doc(grouped: bool, as_group: bool) -> Document:
    """Grey under a white base (x 5..24) with a blue Color Overlay at 50 % and, clipped to
    it, an opaque red layer over its top half: blend-and-clipping.psd's layers."""
    base = Layer("Base", solid((255, 255, 255), 255, 20, H), 5, 0)
    base.effects = LayerEffects(color_overlays=(ColorOverlay(color=(0, 0, 255), opacity=50),))
    base.blend_interior, base.blend_clipped = grouped, as_group
    red = Layer("Red", solid((255, 0, 0), 255, W, H // 2))
    red.clipping = True
    return stack(Layer("Back", solid(GREY, 255, W, H)), base, red)


@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize("as_group", [True, False])
def test_base_overlay_lies_over_its_clipped_layers(qapp, grouped, as_group):
    """A clipping base's overlay covers the layers clipped to it, (255, 0, 0) + 50 % blue =
    (128, 0, 128), except with Blend Interior Effects as Group on and Blend Clipped Layers
    as Group off: then it is part of the base's colours and the red lies over it (as
    Photoshop draws blend-and-clipping.psd). Where nothing is clipped: (128, 128, 255)."""
    doc = overlay_base_doc(grouped, as_group)
    top = (255, 0, 0) if grouped and not as_group else (127.5, 0, 127.5)
    for label, ours in every_path(doc).items():
        assert close(ours[2:13, 7:23], top), (label, ours[5, 10])
        assert close(ours[17:28, 7:23], (127.5, 127.5, 255)), (label, ours[20, 10])
        assert close(ours[:, 27:], GREY), label


@pytest.mark.parametrize("as_group", [True, False])
@pytest.mark.parametrize("glow", [False, True])
@pytest.mark.parametrize("dragged", ["Base", "Red"])
def test_drag_near_a_base_overlay_settles_exactly(qapp, dragged, glow, as_group):
    """Dragging the base or the layer clipped to it; with an Inner Glow too (made from the
    base's whole shape, whatever rows are redrawn)."""
    from editor.model.layer_effects import InnerGlow

    doc = overlay_base_doc(False, as_group)
    base = doc.root.children[1]
    base.fill_opacity = 90
    if glow:
        base.effects = LayerEffects(color_overlays=base.effects.color_overlays,
                                    inner_glows=(InnerGlow(size=6, color=(0, 255, 0)),))
    layer = next(n for n in doc.root.walk() if n.name == dragged)
    dragged_and_settled(doc, layer).close()


# -- Transparency Shapes Layer ----------------------------------------------------------------

def half_layer(name="H") -> Layer:
    """20 x 20 at (10, 5): its left half opaque red, its right half transparent."""
    pixels = solid((200, 40, 40), 255, 20, 20)
    pixels[:, 10:, 3] = 0
    return Layer(name, pixels, 10, 5)


@pytest.mark.parametrize("shapes", [True, False])
def test_transparency_shapes_layer_and_interior_effects(qapp, shapes):
    """A Color Overlay at 50 % over white: with Transparency Shapes Layer (the default) only
    where the layer has pixels; off, over its whole box: where it is transparent the
    overlay alone shows, at its opacity (source over: alpha 0.5, colour C)."""
    layer = half_layer()
    layer.effects = LayerEffects(color_overlays=(ColorOverlay(color=(20, 60, 220),
                                                              opacity=50),))
    layer.transparency_shapes = shapes
    doc = stack(Layer("Back", solid((255, 255, 255), 255, W, H)), layer)
    c, red, white = np.array([20, 60, 220]), np.array([200, 40, 40]), np.array([255] * 3)
    for label, ours in every_path(doc).items():
        assert close(ours[6:24, 11:19], (red + c) / 2), label
        right = (c + white) / 2 if not shapes else white
        assert close(ours[6:24, 21:29], right), (label, ours[10, 25])
        assert close(ours[6:24, 31:], white), label  # beyond its box: nothing


@pytest.mark.parametrize("shapes", [True, False])
def test_transparency_shapes_layer_and_knockout(qapp, shapes):
    """A knockout layer (Shallow, no effects) in a Pass Through group over a blue layer,
    above white: off, it knocks out over its whole box (its transparent half shows white,
    the group's backdrop, instead of the blue)."""
    layer = half_layer()
    layer.knockout = "shallow"
    layer.transparency_shapes = shapes
    under = Layer("Blue", solid((20, 40, 220), 255, W, H))
    group = Group("G", [under, layer], blend_mode="pass_through")
    doc = stack(Layer("Back", solid((255, 255, 255), 255, W, H)), group)
    for label, ours in every_path(doc).items():
        assert close(ours[6:24, 11:19], (200, 40, 40)), label
        assert close(ours[6:24, 21:29], (20, 40, 220) if shapes else (255, 255, 255)), label
        assert close(ours[6:24, 31:], (20, 40, 220)), label


# -- Layer / Vector Mask Hides Effects --------------------------------------------------------

def stroked_square(kind: str) -> tuple[Document, Layer]:
    """A blue square (x, y 10..29) with a black 3 px outside Stroke over white, its left half
    hidden by a layer mask ("mask") or a vector mask ("vector")."""
    layer = Layer("S", solid((30, 60, 200), 255, 20, 20), 10, 10)
    layer.effects = LayerEffects(strokes=(Stroke(size=3),))
    doc = stack(Layer("Back", solid((255, 255, 255), 255, W, W)), layer, width=W, height=W)
    if kind == "mask":
        values = np.zeros((20, 20), np.uint8)
        values[:, 10:] = 255
        layer.mask = LayerMask(values, 10, 10, default=255)
    else:
        from test_psd_vector_masks import rect_path

        # The path covers the right half and reaches beyond the square elsewhere.
        layer.vector_mask = rect_path(20, 0, W, W, doc.canvas)
    return doc, layer


@pytest.mark.parametrize("kind", ["mask", "vector"])
def test_mask_hides_effects(qapp, kind):
    """By default the stroke follows the masked shape (it runs down the mask's edge, x 17..19,
    and not round the hidden half); with the option on it is made from the whole square and
    the mask then hides square and stroke alike: result = white + m (unmasked - white)."""
    doc, layer = stroked_square(kind)
    attr = "mask_hides_effects" if kind == "mask" else "vector_mask_hides_effects"
    default = composite_document(doc)
    assert (default[20, 18, :3] == 0).all() and (default[8, 15, :3] == 255).all()
    setattr(layer, attr, True)
    results = every_path(doc)
    # The reference: the square and its stroke unmasked, then faded by the mask's coverage.
    hiding = layer.mask if kind == "mask" else layer.vector_mask.raster()
    saved, layer.mask, layer.vector_mask = (layer.mask, layer.vector_mask), None, None
    unmasked = composite_document(doc).astype(float)
    layer.mask, layer.vector_mask = saved
    cover = hiding.coverage(doc.canvas)[..., None] / 255.0
    expected = 255 + cover * (unmasked[..., :3] - 255)
    for label, ours in results.items():
        assert close(ours, expected), label
        assert (ours[20, 18, :3] >= 254).all(), label  # the mask hides where the edge was
    if kind == "mask":  # the stroke runs round the whole square where the mask shows
        assert (results["file"][8, 15, :3] == 0).all()


def test_mask_hides_a_groups_effects(qapp):
    """The same for a group with the style and the mask: its stroke is made from its whole
    composite, then its mask hides composite and stroke alike."""
    doc, layer = stroked_square("mask")
    group = Group("G", [layer], blend_mode="pass_through")
    group.effects, layer.effects = layer.effects, None
    group.mask, layer.mask = layer.mask, None
    layer.parent = group
    group.parent = doc.root
    doc.root.children[1] = group
    default = composite_document(doc)
    assert (default[20, 18, :3] == 0).all()
    group.mask_hides_effects = True
    mask, group.mask = group.mask, None
    unmasked = composite_document(doc).astype(float)
    group.mask = mask
    expected = 255 + mask.coverage(doc.canvas)[..., None] / 255.0 * (unmasked[..., :3] - 255)
    for label, ours in every_path(doc).items():
        assert close(ours, expected), label


@pytest.mark.parametrize("kind", ["mask", "vector"])
def test_drag_of_a_layer_whose_mask_hides_its_effects_settles_exactly(qapp, kind):
    doc, layer = stroked_square(kind)
    layer.mask_hides_effects = layer.vector_mask_hides_effects = True
    dragged_and_settled(doc, layer).close()


def test_mask_hides_effects_on_a_shape_layer(qapp):
    """A shape layer (a Solid Color fill layer with a path) with a Stroke: Vector Mask Hides
    Effects makes the effects from the colour everywhere (the stroke has no edge to follow)
    and the path hides the rest: only the colour inside the path shows."""
    from editor.model.adjustments import SolidColor
    from editor.model.layers import FillLayer
    from test_psd_vector_masks import rect_path

    shape = FillLayer("Shape", SolidColor((30, 60, 200)))
    doc = stack(Layer("Back", solid((255, 255, 255), 255, W, W)), shape, width=W, height=W)
    shape.vector_mask = rect_path(10, 10, 30, 30, doc.canvas)
    shape.effects = LayerEffects(strokes=(Stroke(size=3),))
    assert (composite_document(doc)[8, 20, :3] == 0).all()  # the stroke round the path
    shape.vector_mask_hides_effects = True
    for label, ours in every_path(doc).items():
        assert close(ours[10:30, 10:30], (30, 60, 200)), label
        assert close(ours[5:9, :], (255, 255, 255)), label


# -- PSD -------------------------------------------------------------------------------------

def test_options_written_read_and_defaults_left_out(tmp_path, qapp):
    doc = clip_doc(False)
    base = doc.root.children[1]
    base.blend_interior, base.transparency_shapes = True, False
    blue = doc.root.children[2]
    blue.mask_hides_effects = blue.vector_mask_hides_effects = True
    before = composite_document(doc)
    path = str(tmp_path / "options.psd")
    save_document(doc, path)
    tags = {key: Tag(key) for _, _, key, _ in BLENDING_OPTIONS}
    written = {layer.name: {key.decode(): layer.tagged_blocks.get_data(tag)
                            for key, tag in tags.items() if tag in layer.tagged_blocks}
               for layer in PSDImage.open(path).descendants()}
    assert written == {"Back": {}, "Base": {"infx": 1, "clbl": 0, "tsly": 0},
                       "Blue": {"lmgm": 1, "vmgm": 1}, "Green": {}}
    again = open_document(path)
    for node, read in zip(doc.root.walk(), again.root.walk()):
        for attr, _, _, _ in BLENDING_OPTIONS:
            assert getattr(read, attr) == getattr(node, attr), (node.name, attr)
    np.testing.assert_array_equal(composite_document(again), before)
    # Turned back to the defaults, they are left out again (not carried from the file).
    base = again.root.children[1]
    base.blend_interior, base.blend_clipped, base.transparency_shapes = False, True, True
    save_document(again, path)
    base = next(n for n in PSDImage.open(path).descendants() if n.name == "Base")
    assert not any(tag in base.tagged_blocks for tag in tags.values())


ADVANCED = os.path.join(FILES, "advanced-blending.psd")


def test_photoshop_blend_interior_effects_as_group(tmp_path, qapp):
    """psd-tools' advanced-blending.psd: a shape layer at Fill 28 (11 %) with a Color Overlay
    (38, 47, 55), Blend Interior Effects as Group on and Blend Clipped Layers as Group off,
    a black shape clipped to it, in an artboard. Photoshop fades the overlay with the Fill:
    the inside is white * 0.89 + overlay * 0.11 = (231, 232, 233); drawn at full strength
    over the faded fill (as before) it was the overlay's colour, 116.9 off on average there
    (42.1 / 193 over the whole artboard). Ours is compared over white inside the artboard
    (its background, which Layered draws now: tests/test_artboards.py): 0.29 mean over the
    whole image; the largest errors are the stroke's one-pixel edge and the rounded corners."""
    doc = open_document(ADVANCED)
    rect = next(n for n in doc.root.walk() if n.name == "Rectangle 1")
    assert (rect.blend_interior, rect.blend_clipped) == (True, False)
    theirs = premultiplied(np.asarray(PSDImage.open(ADVANCED).topil().convert("RGBA"))) * 255

    def error(doc) -> tuple[float, float]:
        ours = premultiplied(composite_document(doc)) * 255
        artboard = np.zeros(ours.shape[:2] + (1,))
        artboard[34:591, 668:1166] = 255  # (its 'artb' rectangle, its background white)
        ours = ours + artboard * (1 - ours[..., 3:4] / 255)
        diff = np.abs(ours - theirs)
        return float(diff[40:586, 674:1160].mean()), float(diff.mean())

    inside, whole = error(doc)
    assert inside <= 0.15 and whole <= 0.35, (inside, whole)
    rect.blend_interior = False
    assert error(doc)[0] > 100
    save_document(doc, str(tmp_path / "again.psd"))
    written = next(n for n in PSDImage.open(str(tmp_path / "again.psd")).descendants()
                   if n.name == "Rectangle 1")
    assert written.tagged_blocks.get_data(Tag.BLEND_CLIPPING_ELEMENTS) == 0


BLEND_AND_CLIPPING = os.path.join(FILES, "blend-and-clipping.psd")


def test_photoshop_blend_and_clipping(qapp):
    """psd-tools' blend-and-clipping.psd: four white bases with a blue Color Overlay at 50 %,
    each with a red shape and a text clipped to it, one per combination of Blend Interior
    Effects as Group and Blend Clipped Layers as Group. Its merged image was not stored
    (Maximize Compatibility off); its thumbnail (160 px JPEG) shows the overlay over the red
    shape in three quarters, under it in the fourth (interior on, clipped off). Against that
    thumbnail, the whole image scaled down: 2.05 mean, 98 at most (text edges); before,
    the red over the overlay everywhere: 4.68 / 196."""
    from PIL import Image

    doc = open_document(BLEND_AND_CLIPPING)
    bases = [n for n in doc.root.walk() if n.name.startswith("Rectangle 1")]
    assert [(n.blend_interior, n.blend_clipped) for n in bases] == [
        (False, True), (True, True), (False, False), (True, False)]
    psd = PSDImage.open(BLEND_AND_CLIPPING)
    assert not psd.has_preview()
    thumbnail = np.asarray(psd.thumbnail().convert("RGB")).astype(float)
    for label, ours in every_path(doc).items():
        small = np.asarray(Image.fromarray(ours).convert("RGB").resize((160, 160),
                                                                         Image.BILINEAR))
        diff = np.abs(small.astype(float) - thumbnail)
        assert diff.mean() <= 2.3, (label, diff.mean())
        for x, y in ((165, 165), (421, 165), (165, 421), (421, 421)):  # the overlaps
            tx, ty = x * 160 // 512, y * 160 // 512
            theirs = thumbnail[ty - 1:ty + 2, tx - 1:tx + 2].reshape(-1, 3).mean(0)
            assert np.abs(ours[y, x, :3] - theirs).max() <= 10, (label, x, y, theirs)


# -- the screen's Renderer ---------------------------------------------------------------------

@pytest.mark.parametrize("dragged", ["Base", "Blue", "Back"])
def test_drag_near_clipped_apart_settles_exactly(qapp, dragged):
    """Dragging the base of a clipping group blended apart, a layer clipped to it, or the
    layer under it: the screen ends as a fresh render."""
    doc = clip_doc(False)
    base = doc.root.children[1]
    base.effects = LayerEffects(color_overlays=(ColorOverlay(opacity=40),))
    base.fill_opacity, base.blend_interior = 100, True
    layer = next(n for n in doc.root.walk() if n.name == dragged)
    dragged_and_settled(doc, layer).close()


@pytest.mark.parametrize("as_group", [True, False])
def test_zoomed_out_drag_over_the_options_settles_exactly(qapp, as_group):
    """A drag at a quarter of full size over a clipping group drawn as stand-ins
    (reduced.py: the drag began before the caches were made) whose base has an overlay,
    Transparency Shapes Layer off and its clipped layers blended as a group or apart: the
    preview is near the exact composite reduced, and the drag settles exactly."""
    from editor.model.render import Renderer
    from test_render_prepare import run_all
    from test_render_view import fresh_composite
    from test_render_view_effects import settles_exactly

    w, h = 160, 120
    base = Layer("Base", solid((230, 210, 20), 255, 80, h), 20, 0)
    base.pixels[:, 60:, 3] = 0
    base.effects = LayerEffects(color_overlays=(ColorOverlay(color=(20, 60, 220), opacity=40),))
    base.blend_clipped, base.transparency_shapes, base.fill_opacity = as_group, False, 120
    blue = Layer("Blue", solid((20, 40, 220), 255, 60, 60), 10, 10, opacity=150)
    blue.clipping = True
    top = Layer("Top", solid((200, 30, 30), 255, 24, 24), 100, 40)
    doc = stack(Layer("Back", solid(GREY, 255, w, h)), base, blue, top, width=w, height=h)
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(2)
    renderer.prepare(base)  # another layer was active: every layer's stand-in
    run_all(renderer)
    renderer.set_focus(top)
    for dx, dy in ((-40, 4), (-24, 8)):
        doc.translate(top, dx, dy, merge_key="drag")
        assert renderer.update() == []
    shown, buffer = renderer.preview
    assert shown == 2
    exact = fresh_composite(doc).reshape(h // 4, 4, w // 4, 4, 4).mean(axis=(1, 3))
    diff = np.abs(buffer.array.astype(float) - exact)
    assert diff.mean() < 1.5, diff.mean()  # (3.5 with the stand-ins' options left out)
    assert diff[18:22, 20:25].max() <= 3  # the overlay beyond the base's pixels
    settles_exactly(doc, renderer)
    renderer.close()


def glowing_base_doc(as_group: bool) -> Document:
    from editor.model.layer_effects import InnerGlow

    doc = overlay_base_doc(False, as_group)
    base = doc.root.children[1]
    base.fill_opacity = 90
    base.effects = LayerEffects(color_overlays=base.effects.color_overlays,
                                inner_glows=(InnerGlow(size=6, color=(0, 255, 0)),))
    return doc


def hidden_doc() -> Document:
    doc, layer = stroked_square("mask")
    layer.mask_hides_effects = True
    return doc


def see_through_doc() -> Document:
    from editor.model.layer_effects import InnerGlow

    layer = half_layer()
    layer.effects = LayerEffects(color_overlays=(ColorOverlay(opacity=50),),
                                 inner_glows=(InnerGlow(size=4, color=(0, 255, 0)),))
    layer.transparency_shapes = False
    return stack(Layer("Back", solid((255, 255, 255), 255, W, H)), layer)


@pytest.mark.parametrize("scene", [lambda: glowing_base_doc(True),
                                   lambda: glowing_base_doc(False), lambda: clip_doc(False),
                                   hidden_doc, see_through_doc],
                         ids=["glow over clipped", "glow over clipped apart", "clipped apart",
                              "mask hides effects", "transparency shapes off"])
def test_row_bands_composite_as_the_whole(qapp, scene):
    """Composited in bands of rows (as the Renderer redraws), each band is what the whole
    composite holds there: the effects are made from the base's whole shape, not the band."""
    from engine.box import Box

    doc = scene()
    whole = composite_document(doc)
    for y0, y1 in ((0, 7), (7, 19), (19, doc.height)):
        band = composite_document(doc, Box(0, y0, doc.width, y1 - y0))
        np.testing.assert_array_equal(band, whole[y0:y1])


# -- the Layer Style dialog ------------------------------------------------------------------

def test_blend_interior_in_the_layer_style_dialog(qtbot, tmp_path, monkeypatch):
    """Layer Style's Blending Options: ticking Blend Interior Effects as Group on a layer at
    Fill 25 % with a red Color Overlay fades the overlay with the layer, live; OK is one
    undo step, undone back; Cancel leaves nothing."""
    from test_ui_layer_style import open_psd, screen

    square = Layer("Square", solid((30, 60, 200), 255, 16, 16), 12, 7)
    square.fill_opacity = 64
    square.effects = LayerEffects(color_overlays=(ColorOverlay(color=(255, 0, 0)),))
    doc = stack(Layer("Background", solid((255, 255, 255), 255, W, H)), square)
    path = str(tmp_path / "interior.psd")
    save_document(doc, path)

    w = make_window(qtbot, tmp_path, monkeypatch)
    open_psd(w, qtbot, monkeypatch, path)
    square = w.doc.root.children[1]
    w.doc.set_active(square)
    plain = screen(w)
    steps = w.doc.history.count
    w.menus["layer_style"].aboutToShow.emit()

    def drive(dialog, seen):
        check = dialog.findChild(QCheckBox, "BlendInterior")
        assert not check.isChecked() and check.text() == "Blend Interior Effects as Group"
        assert dialog.findChild(QCheckBox, "BlendClipped").isChecked()
        assert dialog.findChild(QCheckBox, "TransparencyShapes").isChecked()
        check.setChecked(True)
        seen["live"] = screen(w)
        assert w.doc.history.count == steps

    seen = in_modal_dialog(qtbot, w.actions["style_color_overlay"].trigger, drive,
                           "LayerStyleDialog")
    assert close(plain[15, 20], (255, 0, 0))  # the overlay at full strength
    faded = 255 + 64 / 255 * (np.array([255, 0, 0]) - 255)  # the overlay at the layer's Fill
    assert close(seen["live"][15, 20], faded)
    assert square.blend_interior and w.doc.history.count == steps + 1
    assert w.doc.history.undo_name() == "Layer Style"
    assert np.array_equal(screen(w), seen["live"])
    w.actions["undo"].trigger()
    assert not square.blend_interior and np.array_equal(screen(w), plain)

    def cancel(dialog, seen):
        dialog.findChild(QCheckBox, "TransparencyShapes").setChecked(False)
        dialog.findChild(QCheckBox, "BlendInterior").setChecked(True)
        seen["live"] = screen(w)
        seen["cancel"] = True

    steps = w.doc.history.count
    seen = in_modal_dialog(qtbot, w.actions["style_color_overlay"].trigger, cancel,
                           "LayerStyleDialog")
    assert (seen["live"] != plain).any()
    assert square.transparency_shapes and not square.blend_interior
    assert w.doc.history.count == steps and np.array_equal(screen(w), plain)
