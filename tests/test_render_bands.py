"""A big redraw is drawn in two bands of rows, the lower one on a worker thread
(`render.draw_in_bands`): the picture is the same to the bit as drawn at once, for every
kind of node (masks, feather, clipping, adjustments, groups, fill layers, effects, the
numpy blend modes), and both threads do draw."""
from __future__ import annotations

import threading

import numpy as np

from editor.model import FillLayer, Group, Layer, LayerMask, render
from editor.model import adjustments as adj
from editor.model.layer_effects import DropShadow, LayerEffects, Stroke
from editor.model.render import Renderer
from test_render_view import H, W, smooth, stacked_document


def every_kind_document():
    doc, _ = stacked_document()
    rng = np.random.default_rng(5)
    styled = Layer("styled", smooth(rng, 200, 260, 4), 150, 120)
    styled.effects = LayerEffects(drop_shadows=(DropShadow(distance=9, size=6),),
                                  strokes=(Stroke(),))
    dodge = Layer("dodge", smooth(rng, H, W, 4))
    dodge.blend_mode = "color_dodge"  # blended with numpy, not Qt
    linear = Layer("linear light", smooth(rng, 300, 400, 4), 60, 90)
    linear.blend_mode = "linear_light"
    group = Group("group", opacity=200, blend_mode="multiply")
    inner = Layer("in group", smooth(rng, 240, 320, 4), 200, 100)
    inner.mask = LayerMask(smooth(rng, 240, 320), 200, 100, feather=3.0)
    group.children.append(inner)
    inner.parent = group
    fill = FillLayer("fill", adj.SolidColor((30, 120, 200)), opacity=150)
    fill.mask = LayerMask(smooth(rng, H, W))
    for node in (styled, dodge, group, linear, fill):
        node.parent = doc.root
        doc.root.children.append(node)
    return doc


def composite(doc, monkeypatch, banded_from: int) -> np.ndarray:
    monkeypatch.setattr(render, "BANDED_FROM", banded_from)
    renderer = Renderer(doc)
    renderer.update()
    renderer.close()
    return renderer.composite.array.copy()


def test_two_bands_draw_the_same_picture_on_two_threads(monkeypatch):
    doc = every_kind_document()
    at_once = composite(doc, monkeypatch, 1 << 40)
    threads = set()
    draw = render._Painter.draw

    def noted(self, *args, **kw):
        threads.add(threading.current_thread().name)
        return draw(self, *args, **kw)

    monkeypatch.setattr(render._Painter, "draw", noted)
    banded = composite(doc, monkeypatch, 1)
    assert len(threads) == 2  # the calling thread and the band worker
    assert np.array_equal(banded, at_once)
    # A later full redraw by the same renderer (the kept caches now made) too.
    renderer = Renderer(doc)
    renderer.update()
    doc.region_changed.emit(doc.canvas, None)
    renderer.update()
    assert np.array_equal(renderer.composite.array, at_once)
    renderer.close()


def test_a_failing_band_raises_and_leaves_the_lock_free(monkeypatch):
    doc = every_kind_document()
    monkeypatch.setattr(render, "BANDED_FROM", 1)

    def broken(*args, **kw):
        raise RuntimeError("a band failed")

    monkeypatch.setattr(render, "_draw_nodes", broken)
    renderer = Renderer(doc)
    try:
        renderer.update()
    except RuntimeError as exc:
        assert "a band failed" in str(exc)
    else:
        raise AssertionError("the band's error was lost")
    renderer.close()
    assert render._BAND_LOCK.acquire(blocking=False)
    render._BAND_LOCK.release()


def dragged(doc, monkeypatch, banded_from: int) -> tuple[np.ndarray, np.ndarray]:
    """The composite after two moves of a middle layer, and after the drag settles."""
    monkeypatch.setattr(render, "BANDED_FROM", banded_from)
    layer = doc.root.children[2]
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_focus(layer)
    for dx, dy in ((5, 3), (7, -2)):
        doc.translate(layer, dx, dy, merge_key="drag")
        renderer.update()
    moved = renderer.composite.array.copy()
    renderer.settle()
    renderer.update()
    settled = renderer.composite.array.copy()
    renderer.close()
    doc.history.undo()
    return moved, settled


def test_a_drag_drawn_in_bands_is_the_same_picture(monkeypatch):
    doc = every_kind_document()
    moved, settled = dragged(doc, monkeypatch, 1 << 40)
    banded_moved, banded_settled = dragged(doc, monkeypatch, 1)
    assert np.array_equal(banded_moved, moved)
    assert np.array_equal(banded_settled, settled)
