"""Lookup adjustment layers in a row (Levels, Curves, Brightness/Contrast, Exposure,
Invert, Posterize: each a table over the whole screen buffer) are applied in one pass
through their composed table (render_layers.draw_lookup_run): the screen composite is bit
for bit what applying them one by one gives, at every alpha, with masked, faded, clipped,
hidden, identity and mixing adjustment layers breaking or joining the runs, for a full
redraw and for a drag's redraws."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import AdjustmentLayer, Document, Layer, LayerMask
from editor.model import adjustments as adj
from editor.model import render_layers, render_nodes
from editor.model.adjust_kernels import adjust_screen_whole
from editor.model.render import Renderer

W, H = 80, 56

LEVELS = adj.Levels(rgb=(12, 240, 1.15, 0, 255), red=(0, 230, 0.9, 10, 255))
CURVES = adj.Curves(rgb=((0, 0), (90, 70), (170, 190), (255, 255)))
BRIGHT = adj.BrightnessContrast(25, 40)
EXPOSURE = adj.Exposure(0.7, 0.02, 1.1)


def noise_layer(rng, name: str, masked: bool = False) -> Layer:
    """Noise of every colour, alphas 0 and 255 as often as any other."""
    pixels = rng.integers(0, 256, (H, W, 4), dtype=np.uint8)
    pixels[..., 3] = np.clip(rng.integers(-40, 296, (H, W)), 0, 255)
    out = Layer(name, pixels)
    if masked:
        out.mask = LayerMask(rng.integers(0, 256, (H, W), dtype=np.uint8), 0, 0)
    return out


def adjustment(settings, **kw) -> AdjustmentLayer:
    node = AdjustmentLayer(settings.label, settings)
    for key, value in kw.items():
        setattr(node, key, value)
    return node


def document(seed: int) -> tuple[Document, list]:
    """Noise layers with runs of adjustment layers between them; returns the document and
    the runs `draw_lookup_run` should get (their settings, bottom first)."""
    rng = np.random.default_rng(seed)
    masked = adjustment(CURVES)
    masked.mask = LayerMask(rng.integers(0, 256, (H, W), dtype=np.uint8), 0, 0)
    nodes = [noise_layer(rng, "bg"),
             adjustment(LEVELS), adjustment(CURVES), adjustment(adj.Posterize(5)),
             noise_layer(rng, "middle", masked=True),
             adjustment(BRIGHT), adjustment(adj.Levels()),  # (an identity: no change)
             adjustment(adj.Invert(), visible=False), adjustment(EXPOSURE),
             adjustment(adj.HueSaturation(15, 20, 5)),  # a mixing kind: apart
             adjustment(CURVES), masked,  # (a mask: apart, and ends the run)
             adjustment(LEVELS, opacity=150), adjustment(adj.Invert()),
             noise_layer(rng, "base"), adjustment(CURVES, clipping=True),  # a clipping group
             adjustment(EXPOSURE), adjustment(adj.Invert()),
             adjustment(BRIGHT), noise_layer(rng, "clipped base"),
             adjustment(LEVELS, clipping=True),
             adjustment(adj.Posterize(7)), adjustment(CURVES)]
    doc = Document(W, H)
    for node in nodes:
        doc.add_layer(node)
    runs = [(LEVELS, CURVES, adj.Posterize(5)), (BRIGHT, adj.Levels(), adj.Invert(), EXPOSURE),
            (EXPOSURE, adj.Invert(), BRIGHT), (adj.Posterize(7), CURVES)]
    return doc, runs


def one_by_one(monkeypatch) -> None:
    monkeypatch.setattr(render_nodes, "MIN_LOOKUP_RUN", 10 ** 9)


def screen(doc: Document) -> np.ndarray:
    renderer = Renderer(doc)
    renderer.update()
    out = renderer.composite.array.copy()
    renderer.close()
    return out


def test_composed_table_is_the_tables_in_turn():
    rng = np.random.default_rng(3)
    buf = rng.integers(0, 256, (40, 300, 4), dtype=np.uint8)
    buf[..., :3] = np.minimum(buf[..., :3], buf[..., 3:])  # premultiplied: colour <= alpha
    buf[0, :256, 3] = np.arange(256)  # every alpha
    run = (LEVELS, adj.Invert(), CURVES, BRIGHT, adj.Posterize(3), EXPOSURE)
    expected = buf.copy()
    for settings in run:
        adjust_screen_whole(expected, adj.lut8_premultiplied(settings))
    got = buf.copy()
    adjust_screen_whole(got, adj.lut8_premultiplied_run(run))
    assert not np.array_equal(expected, buf)
    assert np.array_equal(got, expected)


@pytest.mark.parametrize("seed", [0, 1])
def test_runs_draw_what_the_layers_draw_one_by_one(monkeypatch, seed):
    doc, runs = document(seed)
    drawn_runs = []
    draw = render_layers.draw_lookup_run

    def counted(painter, layers, region):
        drawn_runs.append(tuple(layer.settings for layer in layers))
        draw(painter, layers, region)

    monkeypatch.setattr(render_nodes, "draw_lookup_run", counted)
    together = screen(doc)
    assert drawn_runs == runs
    one_by_one(monkeypatch)
    drawn_runs.clear()
    apart = screen(doc)
    assert drawn_runs == []
    assert np.array_equal(together, apart)


def test_a_drag_below_a_run_redraws_the_same(monkeypatch):
    doc, _ = document(2)
    moved = doc.root.children[4]  # the masked middle layer, below two runs
    renderers = {}
    for name in ("together", "apart"):
        if name == "apart":
            one_by_one(monkeypatch)
        renderer = Renderer(doc)
        renderer.update()
        renderer.set_focus(moved)
        for step in range(3):
            doc.translate(moved, 3 if step % 2 == 0 else -1, 2, merge_key=name)
            renderer.update()
        renderers[name] = renderer.composite.array.copy()
        renderer.settle()
        renderer.update()
        assert np.array_equal(renderer.composite.array, screen(doc))
        renderer.close()
        doc.history.undo()
    assert np.array_equal(renderers["together"], renderers["apart"])
