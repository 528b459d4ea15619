"""A run of plain layers drawn in one pass (render_over.py) gives the screen composite
bit for bit what Qt gives drawing them one by one: straight and masked layers, at every
alpha, placed partly off the canvas, inside any region, on buffers placed anywhere; and a
Renderer draws the same documents (adjustment layers, clipping groups, styles and faded
layers between the runs) the same with the runs as without, before and after a drag."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import AdjustmentLayer, Document, Layer, LayerMask
from editor.model import adjustments as adj
from editor.model import render_over
from editor.model.layer_effects import DropShadow, LayerEffects
from editor.model.render import Renderer
from editor.model.render_buffer import PixelBuffer, _Painter
from editor.model.render_nodes import _draw_nodes
from engine.box import Box

W, H = 96, 64


def layer(rng, name: str, w: int, h: int, x: int = 0, y: int = 0, masked: bool = False,
          **kw) -> Layer:
    """Noise of every colour, with alphas 0 and 255 as often as any other."""
    pixels = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    pixels[..., 3] = np.clip(rng.integers(-40, 296, (h, w)), 0, 255)
    out = Layer(name, pixels, x, y, **kw)
    if masked:
        mask = rng.integers(0, 256, (h + 6, w + 2), dtype=np.uint8)
        out.mask = LayerMask(mask, x - 3, y + 2, default=int(rng.integers(0, 2)) * 255)
    return out


def document(seed: int) -> Document:
    rng = np.random.default_rng(seed)
    doc = Document(W, H)
    nodes = [layer(rng, "bg", W, H),
             layer(rng, "off left", 50, 40, -20, 10, masked=True),
             layer(rng, "inside", 30, 20, 40, 30),
             layer(rng, "off bottom right", 60, 50, 60, 30, masked=True),
             layer(rng, "above", W + 20, 8, -10, -3),
             layer(rng, "masked whole", W, H, masked=True)]
    for node in nodes:
        doc.add_layer(node)
    return doc


def qt_only(monkeypatch) -> None:
    monkeypatch.setattr(render_over, "MIN_RUN", 10 ** 9)


def premultiplied_noise(rng, h: int, w: int) -> np.ndarray:
    """A valid ARGB32 premultiplied backdrop: colours no more than their alpha."""
    out = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    out[..., :3] = np.minimum(out[..., :3], out[..., 3:])
    return out


def drawn(nodes, region: Box, origin=(0, 0), size=(W, H), backdrop=None) -> np.ndarray:
    buffer = PixelBuffer(size[0], size[1], precise=False, origin=origin)
    if backdrop is not None:
        buffer.array[...] = backdrop
    painter = _Painter(buffer)
    _draw_nodes(painter, nodes, region)
    painter.close()
    return buffer.array.copy()


@pytest.mark.parametrize("region", [Box(0, 0, W, H), Box(13, 7, 41, 33), Box(0, 29, W, 1),
                                    Box(70, 0, 5, H)])
def test_a_run_is_what_qt_draws_layer_by_layer(monkeypatch, region):
    doc = document(1)
    nodes = doc.root.children
    assert all(render_over.plain(n) for n in nodes)
    backdrop = premultiplied_noise(np.random.default_rng(9), H, W)
    ours = drawn(nodes, region, backdrop=backdrop)
    qt_only(monkeypatch)
    theirs = drawn(nodes, region, backdrop=backdrop)
    assert np.array_equal(ours, theirs)
    outside = np.ones((H, W), bool)
    outside[region.slices()] = False
    assert np.array_equal(ours[outside], backdrop[outside])  # nothing drawn outside
    assert not np.array_equal(ours[region.slices()], backdrop[region.slices()])


def test_a_run_longer_than_one_pass(monkeypatch):
    """More plain layers than one pass takes (`CHUNK`): drawn in several passes."""
    rng = np.random.default_rng(4)
    nodes = document(6).root.children + [
        layer(rng, f"more {i}", 40, 30, 7 * i - 10, 5 * i - 8, masked=i % 2 == 1)
        for i in range(render_over.CHUNK + 3)]
    assert len(nodes) > 2 * render_over.CHUNK
    ours = drawn(nodes, Box(0, 0, W, H))
    qt_only(monkeypatch)
    assert np.array_equal(ours, drawn(nodes, Box(0, 0, W, H)))


@pytest.mark.parametrize("segment", [1, 7, 32])
def test_a_row_drawn_a_piece_at_a_time(monkeypatch, segment):
    """Rows blended a piece of `SEGMENT` columns at a time through every layer: layers
    that begin and end inside a piece, regions that do not start at a piece's edge, a run
    longer than one pass; the same as Qt layer by layer (and as whole rows)."""
    rng = np.random.default_rng(8)
    nodes = document(7).root.children + [
        layer(rng, f"more {i}", 23, 17, 9 * i - 5, 4 * i - 3, masked=i % 2 == 0)
        for i in range(render_over.CHUNK + 1)]
    backdrop = premultiplied_noise(np.random.default_rng(3), H, W)
    regions = (Box(0, 0, W, H), Box(5, 3, 61, 40))
    monkeypatch.setattr(render_over, "SEGMENT", segment)
    ours = [drawn(nodes, region, backdrop=backdrop) for region in regions]
    monkeypatch.setattr(render_over, "SEGMENT", 1 << 30)  # whole rows
    rows = [drawn(nodes, region, backdrop=backdrop) for region in regions]
    qt_only(monkeypatch)
    for region, mine, whole in zip(regions, ours, rows):
        theirs = drawn(nodes, region, backdrop=backdrop)
        assert np.array_equal(mine, theirs)
        assert np.array_equal(whole, theirs)


def test_a_buffer_placed_elsewhere_on_the_canvas(monkeypatch):
    """A buffer over part of the canvas (the Renderer's caches, an isolated group's)."""
    doc = document(2)
    origin, size = (-7, 25), (70, 30)
    region = Box(-7, 25, 70, 30)
    ours = drawn(doc.root.children, region, origin, size)
    qt_only(monkeypatch)
    assert np.array_equal(ours, drawn(doc.root.children, region, origin, size))


def test_which_layers_are_plain():
    rng = np.random.default_rng(0)
    assert render_over.plain(layer(rng, "l", 4, 4))
    assert render_over.plain(layer(rng, "l", 4, 4, masked=True))
    faded = layer(rng, "l", 4, 4, opacity=200)
    multiply = layer(rng, "l", 4, 4, blend_mode="multiply")
    hidden = layer(rng, "l", 4, 4, visible=False)
    fill = layer(rng, "l", 4, 4)
    fill.fill_opacity = 128
    styled = layer(rng, "l", 4, 4)
    styled.effects = LayerEffects(drop_shadows=(DropShadow(),))
    clipped = layer(rng, "l", 4, 4)
    clipped.clipping = True
    knockout = layer(rng, "l", 4, 4)
    knockout.knockout = "shallow"
    red_only = layer(rng, "l", 4, 4)
    red_only.channels = (True, False, False)
    view = layer(rng, "view", 4, 4)
    view.pixels = np.zeros((8, 8, 4), np.uint8)[::2, ::2]  # not contiguous (set by hand)
    levels = AdjustmentLayer("levels", adj.Levels(rgb=(10, 240, 1.1, 0, 255)))
    for node in (faded, multiply, hidden, fill, styled, clipped, knockout, red_only, view,
                 levels, Layer("empty")):
        assert not render_over.plain(node), node


def mixed_document() -> Document:
    """Runs of plain layers broken by what they do not draw: an adjustment layer, a faded
    layer, a clipping group, a styled layer, a hidden layer."""
    rng = np.random.default_rng(5)
    doc = document(3)
    nodes = list(doc.root.children)
    levels = AdjustmentLayer("levels", adj.Levels(rgb=(10, 240, 1.3, 0, 255)))
    hue = AdjustmentLayer("hue", adj.HueSaturation(20, 15, 0))
    base = layer(rng, "base", 40, 30, 20, 10)
    clipped = layer(rng, "clipped", 60, 60, 0, 0)
    clipped.clipping = True
    styled = layer(rng, "styled", 30, 30, 50, 20)
    styled.effects = LayerEffects(drop_shadows=(DropShadow(size=3.0, distance=4.0),))
    extra = [layer(rng, "faded", 50, 40, 30, 5, opacity=150),
             layer(rng, "hidden", W, H, visible=False),
             layer(rng, "top 1", 40, 40, 5, 5, masked=True), layer(rng, "top 2", W, 30, 0, 30)]
    order = nodes[:3] + [levels] + nodes[3:] + [base, clipped, hue, styled] + extra
    out = Document(W, H)
    for node in order:
        node.parent = None
        out.add_layer(node, out.root, len(out.root.children))
    return out


def rendered(doc: Document) -> np.ndarray:
    renderer = Renderer(doc)
    renderer.update()
    renderer.close()
    return renderer.composite.array.copy()


def test_a_renderer_draws_the_same_with_runs(monkeypatch):
    doc = mixed_document()
    ours = rendered(doc)
    qt_only(monkeypatch)
    assert np.array_equal(ours, rendered(doc))


def test_a_drag_over_runs_settles_to_the_fresh_composite():
    """The Renderer's caches around a dragged layer are drawn by runs too; the settled
    composite after moves is what a new Renderer draws (and its first update, drawn
    without clearing the new buffer, what a redraw of everything draws)."""
    doc = mixed_document()
    renderer = Renderer(doc)
    renderer.update()
    first = renderer.composite.array.copy()
    doc.region_changed.emit(doc.canvas, None)
    renderer.update()
    assert np.array_equal(first, renderer.composite.array)
    moved = next(n for n in doc.layers() if n.name == "inside")
    renderer.set_focus(moved)
    for dx, dy in ((3, 2), (-5, 1), (7, -4)):
        doc.translate(moved, dx, dy, merge_key="drag")
        renderer.update()
    renderer.settle()
    renderer.update()
    assert np.array_equal(renderer.composite.array, rendered(doc))
    renderer.close()
