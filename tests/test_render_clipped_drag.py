"""Dragging a layer that is part of a clipping group (its base or a layer clipped to it):
the Renderer caches what lies below and above the whole clipping group and draws only the
group live, as it does for a layer alone; the pixels are those of a fresh render once the
drag settles, and the same within a rounding step while it runs."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import Layer
from editor.model.layer_effects import ColorOverlay, LayerEffects
from editor.model.render import Renderer
from test_render_view import H, W, fresh_composite, smooth, stacked_document


def clipped_document(styled: bool = False):
    """`stacked_document` (whose 'clipped' layer is clipped to 'layer 4'), plus a second
    layer clipped to the same base; returns (document, base, first clipped layer)."""
    doc, _ = stacked_document()
    names = [n.name for n in doc.root.children]
    base = doc.root.children[names.index("layer 4")]
    clipped = doc.root.children[names.index("clipped")]
    more = Layer("clipped too", smooth(np.random.default_rng(9), 80, 90, 4), 300, 120,
                 blend_mode="multiply")
    more.clipping = True
    more.parent = doc.root
    doc.root.children.insert(names.index("clipped") + 1, more)
    if styled:  # (its overlay lies over the layers clipped to it)
        base.effects = LayerEffects(color_overlays=(
            ColorOverlay(color=(200, 80, 20), opacity=40.0, blend_mode="overlay"),))
    return doc, base, clipped


@pytest.mark.parametrize("styled", [False, True])
@pytest.mark.parametrize("which", ["clipped", "base"])
def test_a_clipping_group_is_drawn_live_between_the_caches(which, styled):
    doc, base, clipped = clipped_document(styled)
    moving = clipped if which == "clipped" else base
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_focus(moving)
    for dx, dy in ((5, 3), (7, -2), (-3, 4)):
        doc.translate(moving, dx, dy, merge_key="drag")
        renderer.update()
        focus = renderer._focus
        assert focus is not None and focus.layer is moving
        assert [n.name for n in focus.unit] == ["layer 4", "clipped", "clipped too"]
        diff = np.abs(renderer.composite.array.astype(int) - fresh_composite(doc))
        assert diff.max() <= 1  # (Qt's rounding in shorter spans: settled below)
    renderer.settle()
    renderer.update()
    assert np.array_equal(renderer.composite.array, fresh_composite(doc))


def test_zoomed_out_a_clipped_layer_is_dragged_at_the_view_level():
    doc, _, clipped = clipped_document()
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(1)
    renderer.set_focus(clipped)
    for dx, dy in ((6, 2), (4, -5)):
        doc.translate(clipped, dx, dy, merge_key="drag")
        assert renderer.update() == []  # drawn at the view's level, not at full resolution
    level, buffer = renderer.preview
    assert level == 1
    exact = fresh_composite(doc)
    half = exact.reshape(H // 2, 2, W // 2, 2, 4).mean(axis=(1, 3))
    assert np.abs(buffer.array.astype(float) - half).mean() < 3
    renderer.settle()
    renderer.update()
    assert np.array_equal(renderer.composite.array, exact)


def test_a_change_to_another_layer_of_the_group_drops_the_caches():
    doc, base, clipped = clipped_document()
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_focus(clipped)
    doc.translate(clipped, 4, 4, merge_key="drag")
    renderer.update()
    assert renderer._focus is not None
    doc.set_opacity(base, 120)
    renderer.update()
    assert renderer._focus is None or renderer._focus.layer is not clipped
    renderer.settle()
    renderer.update()
    assert np.array_equal(renderer.composite.array, fresh_composite(doc))


def test_free_transform_of_a_clipped_layer_does_not_draw_it_alone():
    doc, base, clipped = clipped_document()
    renderer = Renderer(doc)
    renderer.update()
    assert renderer.split_images(clipped) is None
    assert renderer.split_images(base) is None
    alone = next(n for n in doc.root.children if n.name == "layer 1")
    assert renderer.split_images(alone) is not None
