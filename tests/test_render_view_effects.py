"""Layer effects in a drag composited at the view's level (Renderer.set_view, reduced.py):
zoomed out, the dragged layer's stand-in and those of the layers drawn live or composited
around it keep their Drop Shadow, Stroke, Color Overlay and Fill opacity (the style scaled to
the level), so the preview is the exact composite reduced, within the rounding of the
existing preview tests; the exact composite follows when the drag settles."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import Document, Group, Layer, adjustment_ops, layer_effects
from editor.model.layer_effects import (BevelEmboss, ColorOverlay, DropShadow, InnerGlow,
                                        InnerShadow, LayerEffects, OuterGlow, Satin, Stroke)
from editor.model.render import Renderer
from test_render_prepare import run_all
from test_render_view import H, W, fresh_composite, smooth

SHADOW = DropShadow(color=(20, 0, 60), opacity=85.0, angle=120.0, distance=18.0, size=8.0)
STYLE = LayerEffects(drop_shadows=(SHADOW,),
                     strokes=(Stroke(position="outside", size=6.0, color=(250, 20, 20)),),
                     color_overlays=(ColorOverlay(color=(0, 60, 255), opacity=40.0),))
GLOWS = LayerEffects(  # spread and choke: the parts that grow or shrink the shape
    outer_glows=(OuterGlow(color=(255, 40, 0), opacity=90.0, blend_mode="normal", size=14.0,
                           spread=30.0),),
    inner_shadows=(InnerShadow(opacity=90.0, distance=10.0, size=10.0, choke=20.0),),
    inner_glows=(InnerGlow(color=(255, 255, 0), opacity=90.0, blend_mode="normal",
                           size=10.0, choke=20.0),))
BEVEL = LayerEffects(bevels=(BevelEmboss(size=12.0, soften=2.0, highlight_opacity=90.0,
                                         shadow_opacity=90.0),),
                     satins=(Satin(opacity=80.0, distance=10.0, size=12.0),))


def add(doc: Document, node) -> None:
    node.parent = doc.root
    doc.root.children.append(node)


def card(rng, name: str, w: int, h: int, x: int, y: int, effects=None) -> Layer:
    """An opaque smooth rectangle with cut corners (transparent there). The scenes put its
    edges on the blocks of levels 1 and 2: the stand-ins' own rounding at hard edges (a
    position between blocks, a partial block at the far edge: test_render_view) stays
    out of what is compared here."""
    pixels = smooth(rng, h, w, 4)
    pixels[..., 3] = 255
    pixels[:12, :12, 3] = pixels[-12:, -12:, 3] = 0
    layer = Layer(name, pixels, x, y)
    layer.effects = effects
    return layer


def light_background(doc: Document) -> None:
    add(doc, Layer("background", np.full((H, W, 4), (225, 215, 195, 255), np.uint8)))


def reduced_exact(doc: Document, level: int) -> np.ndarray:
    s = 1 << level
    return fresh_composite(doc).reshape(H // s, s, W // s, s, 4).mean(axis=(1, 3))


def without_effects(doc: Document, level: int) -> np.ndarray:
    """The reduced exact composite with every layer's and group's style switched off."""
    nodes = list(doc.root.walk())
    kept = [n.effects for n in nodes]
    for node in nodes:
        node.effects = None
    try:
        return reduced_exact(doc, level)
    finally:
        for node, effects in zip(nodes, kept):
            node.effects = effects


def check_preview(doc: Document, renderer: Renderer, level: int) -> None:
    """The preview against the exact composite reduced to `level`: overall as the existing
    preview tests demand, and where the effects show (a missing shadow or stroke is a
    difference of ~100 levels there)."""
    shown, buffer = renderer.preview
    assert shown == level
    exact = reduced_exact(doc, level)
    diff = np.abs(buffer.array.astype(float) - exact)
    assert diff.mean() < 3 and np.percentile(diff, 99) < 24, (diff.mean(),
                                                               np.percentile(diff, 99))
    styled = np.abs(exact - without_effects(doc, level)).max(axis=-1) > 30
    assert styled.sum() > 200  # (the effects do show in this scene)
    assert diff[styled].mean() < 6, diff[styled].mean()


def settles_exactly(doc: Document, renderer: Renderer) -> None:
    renderer.settle()
    renderer.update()
    assert renderer.preview is None and not renderer.approximate
    assert np.array_equal(renderer.composite.array, fresh_composite(doc))


@pytest.mark.parametrize("level,fill,style", [(1, 255, STYLE), (2, 255, STYLE),
                                              (2, 90, STYLE), (2, 255, GLOWS),
                                              (2, 255, BEVEL)],
                         ids=["level 1", "level 2", "fill 35 %", "glows", "bevel, satin"])
def test_a_styled_layer_dragged_zoomed_out_keeps_its_effects(level, fill, style):
    rng = np.random.default_rng(11)
    doc = Document(W, H)
    light_background(doc)
    layer = card(rng, "card", 200, 140, 212, 152, style)
    layer.fill_opacity = fill
    add(doc, layer)
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(level)
    renderer.set_focus(layer)
    for dx, dy in ((5, 3), (7, -2), (-4, 11)):  # to a place on the blocks again
        doc.translate(layer, dx, dy, merge_key="drag")
        assert renderer.update() == []
    check_preview(doc, renderer, level)
    settles_exactly(doc, renderer)


def styled_stack() -> tuple[Document, Layer]:
    """A plain layer to drag between styled ones: below it a styled layer at Fill 35 %;
    above it a shape layer (a Solid Color fill through its path) with a stroke and a
    shadow at Fill 50 %, and a styled layer whose Multiply shadow keeps it from being
    pre-flattened (drawn live over the caches during the drag)."""
    rng = np.random.default_rng(12)
    doc = Document(W, H)
    light_background(doc)
    below = card(rng, "below", 180, 152, 40, 60, STYLE)
    below.fill_opacity = 90
    add(doc, below)
    dragged = card(rng, "dragged", 160, 120, 250, 250)
    add(doc, dragged)
    doc.set_active(dragged)
    shape = adjustment_ops.add_shape(doc, "rectangle", (380, 60, 560, 200), (30, 120, 220))
    doc.set_effects(shape, LayerEffects(
        drop_shadows=(DropShadow(opacity=80.0, angle=45.0, distance=14.0, size=10.0),),
        strokes=(Stroke(position="center", size=8.0, color=(250, 200, 0)),)))
    doc.set_fill_opacity(shape, 128)
    above = card(rng, "above", 152, 132, 300, 300, STYLE)
    add(doc, above)
    assert above.effects.own_modes() == {"multiply", "normal"}
    doc.history.clear()
    return doc, dragged


@pytest.mark.parametrize("stand_ins", [False, True], ids=["reduced caches", "stand-ins"])
def test_styled_layers_around_the_dragged_one_keep_their_effects(stand_ins):
    """The caches made at full resolution and reduced (the styled layer above drawn live as
    a stand-in), or, when a drag begins before they are made, every layer's stand-in."""
    doc, layer = styled_stack()
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(2)
    if stand_ins:
        renderer.prepare(doc.root.children[0])  # another layer was active
        run_all(renderer)
        assert renderer._unreduced() == []
    renderer.set_focus(layer)
    for dx, dy in ((6, 2), (-4, 5)):
        doc.translate(layer, dx, dy, merge_key="drag")
        assert renderer.update() == []
    assert (renderer._focus is None) == stand_ins
    check_preview(doc, renderer, 2)
    settles_exactly(doc, renderer)


def test_a_styled_layer_drag_makes_its_styled_images_once(monkeypatch):
    """The images of a layer's effects do not depend on where the layer is: a drag moves
    them, at full resolution and at the view's level alike, without making them again."""
    made = []
    real = layer_effects.styled_layers
    monkeypatch.setattr(layer_effects, "styled_layers",
                        lambda *a, **k: made.append(1) or real(*a, **k))
    for level in (0, 2):
        rng = np.random.default_rng(13)
        doc = Document(W, H)
        light_background(doc)
        layer = card(rng, "card", 200, 140, 212, 152, STYLE)
        add(doc, layer)
        renderer = Renderer(doc)
        renderer.update()
        renderer.set_view(level)
        renderer.set_focus(layer)
        doc.translate(layer, 5, 3, merge_key="drag")
        renderer.update()
        made.clear()
        for dx, dy in ((7, -2), (-3, 9), (4, 4)):
            doc.translate(layer, dx, dy, merge_key="drag")
            renderer.update()
        assert made == [], level
        renderer.settle()
        renderer.update()
        assert np.array_equal(renderer.composite.array, fresh_composite(doc))


def test_prepared_drag_finds_the_stand_ins_styled_images_made(monkeypatch):
    """The idle preparation makes the styled images of the stand-ins drawn live over the
    reduced caches (here the shape and the layer above, whose Multiply shadows keep them
    from being pre-flattened): the first move of the drag makes none."""
    doc, layer = styled_stack()
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(2)
    renderer.prepare(layer)
    made = []
    real = layer_effects.styled_layers
    monkeypatch.setattr(layer_effects, "styled_layers",
                        lambda *a, **k: made.append(1) or real(*a, **k))
    run_all(renderer)
    assert len(made) == 2  # made while idle: the shape's and the upper layer's
    made.clear()
    renderer.set_focus(layer)
    doc.translate(layer, 4, 4, merge_key="drag")
    assert renderer.update() == []
    assert made == [] and renderer.preview[0] == 2
    check_preview(doc, renderer, 2)
    settles_exactly(doc, renderer)


def test_a_second_drag_reuses_the_stand_ins_styled_images(monkeypatch):
    """Stand-ins are made anew for each drag; a pixel layer's styled images are kept by
    the layer it stands for, so the next zoomed-out drag does not make them again."""
    doc, layer = styled_stack()
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(2)
    drag_moves = ((6, 2), (-4, 5))
    renderer.set_focus(layer)
    for dx, dy in drag_moves:
        doc.translate(layer, dx, dy, merge_key="drag")
        renderer.update()
    renderer.settle()
    renderer.update()
    renderer.set_focus(None)
    renderer.update()
    made = []  # whether each was a fill (shape) layer's: made from its shape
    real = layer_effects.styled_layers
    monkeypatch.setattr(layer_effects, "styled_layers",
                        lambda *a, **k: made.append(a[3] is not None) or real(*a, **k))
    renderer.set_focus(layer)
    doc.translate(layer, 4, 4, merge_key="drag2")
    assert renderer.update() == [] and renderer.preview[0] == 2
    # None for the pixel layers (the shape layer's stand-in makes its pixels anew, and
    # so its images).
    assert made == [True]
    check_preview(doc, renderer, 2)
    settles_exactly(doc, renderer)


@pytest.mark.parametrize("mode", ["pass_through", "normal"])
def test_a_styled_group_keeps_its_effects_in_the_stand_ins(mode):
    """A group's style (one stroke and shadow round its layers' composite) above the
    dragged layer, when the drag's caches are composited from the stand-ins."""
    rng = np.random.default_rng(14)
    doc = Document(W, H)
    light_background(doc)
    dragged = card(rng, "dragged", 160, 120, 252, 252)
    add(doc, dragged)
    inner = [card(rng, "a", 120, 100, 300, 300), card(rng, "b", 120, 100, 380, 340)]
    group = Group("group", inner, blend_mode=mode)
    for layer in inner:
        layer.parent = group
    group.effects = LayerEffects(drop_shadows=(SHADOW,),
                                 strokes=(Stroke(size=8.0, color=(250, 20, 20)),))
    add(doc, group)
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(2)
    renderer.prepare(doc.root.children[0])
    run_all(renderer)
    renderer.set_focus(dragged)
    for dx, dy in ((4, 4), (4, 0)):
        doc.translate(dragged, dx, dy, merge_key="drag")
        assert renderer.update() == []
    assert renderer._focus is None  # composited from the stand-ins
    check_preview(doc, renderer, 2)
    settles_exactly(doc, renderer)
