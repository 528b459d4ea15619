"""Pattern fill layers in the model: the tiling against a numpy reference (phase, 200 %
interpolated as Photoshop draws it, a quarter turn), a pattern fill through a selection's mask over the layers below, the
Renderer keeping its pixels between redraws and matching a fresh render; Define Pattern
as one undo step; PSD round trips through our reader and psd-tools' (PatternFill with its
'Idnt', scale and phase, the global 'Patt' block); Photoshop's pattern fills opening live
and drawn as Photoshop drew them (psd-tools' test files; a shape's tiles from its reference
point 'fxrp', moving with it and written back), and kept as they were when the file
lacks the pattern."""
from __future__ import annotations

import os

import numpy as np
import pytest

from editor.model import FillLayer, Layer, adjustment_ops, adjustments as adj, path_edit
from editor.model.files import open_document, save_document
from editor.model.patterns import Pattern, define_pattern, tile
from editor.model.render import Renderer, composite_document
from engine.box import Box

from reference_compositing import blend_onto, premultiplied
from test_fill_layers import ROOT, settled_as_fresh
from test_gradient_fills import FILES, H, W, assert_near, document, straight

TILE_H, TILE_W = 5, 7


def pattern_pixels(seed: int = 3, translucent: bool = False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (TILE_H, TILE_W, 4), dtype=np.uint8)
    pixels[..., 3] = rng.integers(1, 256, (TILE_H, TILE_W)) if translucent else 255
    return pixels


def doubled(pixels: np.ndarray) -> np.ndarray:
    """The tile at 200 % as Photoshop draws it (patterns.psd's Pattern Overlays): tile
    pixel (i, j) at canvas pixel (2i, 2j), the pixels between the means of their
    neighbours (wrapping around the tile), in premultiplied alpha; straight, rounded."""
    p = pixels.astype(np.float64)
    p[..., :3] *= p[..., 3:] / 255

    def half_steps(a, axis):
        out = np.repeat(a, 2, axis=axis)
        mean = (a + np.roll(a, -1, axis=axis)) / 2
        if axis == 0:
            out[1::2] = mean
        else:
            out[:, 1::2] = mean
        return out

    big = half_steps(half_steps(p, 0), 1)
    alpha = big[..., 3:]
    big[..., :3] = np.divide(big[..., :3] * 255, alpha, out=np.zeros_like(big[..., :3]),
                             where=alpha > 0)
    return np.rint(big).astype(np.uint8)


def reference_tiling(pixels: np.ndarray, box: Box, phase=(0, 0)) -> np.ndarray:
    """np.tile of the tile, rolled so that a tile's corner lies at `phase`, cut to canvas
    box `box`."""
    big = pixels
    th, tw = big.shape[:2]
    reps = (-(-(box.h + th) // th) + 1, -(-(box.w + tw) // tw) + 1, 1)
    tiled = np.tile(big, reps)
    y0, x0 = (box.y - phase[1]) % th, (box.x - phase[0]) % tw
    return tiled[y0:y0 + box.h, x0:x0 + box.w]


@pytest.mark.parametrize("box, phase", [(Box(0, 0, 40, 30), (0, 0)),
                                        (Box(-9, 4, 23, 17), (3, -2)),
                                        (Box(101, 57, 13, 29), (-11, 6))])
def test_tiling_matches_a_numpy_reference(box, phase):
    pixels = pattern_pixels(translucent=True)
    pattern = Pattern("Speckles", pixels)
    np.testing.assert_array_equal(tile(pattern, box, 100, 0, phase),
                                  reference_tiling(pixels, box, phase))
    # At 200 % interpolated between the tile's pixels, wrapping around (not 2 x 2 copies
    # of each); within a level of the float64 reference (float32 sums).
    scaled = tile(pattern, box, 200, 0, phase).astype(int)
    expected = reference_tiling(doubled(pixels), box, phase).astype(int)
    assert np.abs(scaled - expected).max() <= 1
    assert not np.array_equal(scaled, reference_tiling(
        np.repeat(np.repeat(pixels, 2, axis=0), 2, axis=1), box, phase))
    # Turned by 360 degrees and scaled, the same pixels.
    assert np.abs(tile(pattern, box, 200, 360, phase).astype(int) - scaled).max() <= 1
    # A quarter turn counter-clockwise: the tiled pattern turned as np.rot90 turns it.
    turned = tile(pattern, box, 100, 90, phase)
    iy = (np.arange(box.x, box.x1) - phase[0]) % TILE_H
    ix = (phase[1] - np.arange(box.y, box.y1) - 1) % TILE_W
    np.testing.assert_array_equal(turned, pixels[iy[None, :], ix[:, None]])
    base = reference_tiling(pixels, Box(0, 0, 14, 10))
    np.testing.assert_array_equal(tile(pattern, Box(0, -14, 10, 14), 100, 90),
                                  np.rot90(base)[:, :10])


def test_a_pattern_fill_in_a_selection_over_the_layers_below_kept_between_redraws(monkeypatch):
    doc = document()
    below = composite_document(doc)
    pixels = pattern_pixels(translucent=True)
    doc.set_selection(Box(6, 4, 21, 17))
    pattern = define_pattern(doc, "Speckles")
    assert doc.patterns[-1].name == "Speckles"
    # The defined pattern is what the canvas showed in the selection.
    np.testing.assert_array_equal(pattern.pixels, below[4:21, 6:27])
    doc.history.undo()
    assert doc.patterns == ()
    doc.history.redo()
    assert doc.patterns == (pattern,) and doc.history.undo_name() == "Define Pattern"

    tiles = Pattern("Tiles", pixels)
    settings = adj.PatternFill(pattern=tiles, phase=(2, 1))
    fill = adjustment_ops.add_adjustment(doc, "pattern_fill", settings)
    doc.set_selection(None)
    doc.set_opacity(fill, 200)
    calls = []
    paint = adj.PatternFill.paint
    monkeypatch.setattr(adj.PatternFill, "paint",
                        lambda self, box, frame: calls.append(box) or paint(self, box, frame))
    renderer = Renderer(doc)
    shown = settled_as_fresh(renderer, doc)
    layer = reference_tiling(pixels, doc.canvas, (2, 1)).astype(np.float64) / 255
    inside = np.zeros((H, W), bool)
    inside[4:21, 6:27] = True
    layer[..., 3] *= inside  # the selection became the layer's mask
    expected = straight(blend_onto(premultiplied(below), layer, "normal", 200 / 255))
    assert_near(shown, expected, 2.5)  # (the 8-bit screen, as the gradients' test)
    calls.clear()
    doc.region_changed.emit(doc.canvas, None)
    renderer.update()
    assert calls == []  # made once, kept
    adjustment_ops.set_settings(doc, fill, adj.changed(fill.settings, scale=200.0))
    assert not (settled_as_fresh(renderer, doc) == shown).all()
    doc.history.undo()
    np.testing.assert_array_equal(settled_as_fresh(renderer, doc), shown)


def test_psd_round_trip_through_our_reader_and_psd_tools(tmp_path):
    from psd_tools import PSDImage
    from psd_tools.api import numpy_io
    from psd_tools.api.adjustments import PatternFill as PsdPatternFill

    doc = document()
    plain = Pattern("Plain", pattern_pixels(4))
    clear = Pattern("Clear ünïcode", pattern_pixels(5, translucent=True))
    spare = Pattern("Spare", pattern_pixels(6)[:2])  # defined, used by no layer: kept too
    doc.patterns = (plain, clear, spare)
    fill = adjustment_ops.add_adjustment(doc, "pattern_fill", adj.PatternFill(pattern=plain),
                                         with_mask=False)
    doc.set_selection(Box(4, 3, 20, 15))
    turned = adjustment_ops.add_adjustment(doc, "pattern_fill", adj.PatternFill(
        pattern=clear, scale=150, angle=30, phase=(3, 5), align=False))
    doc.set_selection(None)
    shape = FillLayer("Shape", adj.PatternFill(pattern=plain))
    shape.vector_mask = path_edit.with_new_subpath(
        None, path_edit.ellipse_knots(20, 3, 38, 27), True, doc.canvas)
    doc.add_layer(shape)
    shown = composite_document(doc)
    save_document(doc, tmp_path / "pattern.psd")

    again = open_document(tmp_path / "pattern.psd")
    assert all("vector mask of 'Shape'" in warning for warning in again.warnings)
    assert [(p.name, p.id) for p in again.patterns] == \
        [("Plain", plain.id), (clear.name, clear.id), ("Spare", spare.id)]
    for ours, theirs in zip(doc.patterns, again.patterns):
        np.testing.assert_array_equal(ours.pixels, theirs.pixels)
    nodes = {n.name: n for n in again.nodes()}
    for node in (fill, turned, shape):
        assert isinstance(nodes[node.name], FillLayer)
        assert nodes[node.name].settings == node.settings
    assert nodes[turned.name].mask is not None and nodes[shape.name].vector_mask is not None
    np.testing.assert_array_equal(composite_document(again), shown)

    psd = PSDImage.open(tmp_path / "pattern.psd")
    theirs = {layer.name: layer for layer in psd.descendants()}
    assert isinstance(theirs[fill.name], PsdPatternFill)
    desc = theirs[turned.name].tagged_blocks.get_data(b"PtFl")
    assert desc[b"Ptrn"][b"Idnt"].value.rstrip("\x00") == clear.id
    assert float(desc[b"Scl "]) == 150 and float(desc[b"Angl"]) == 30
    assert (float(desc[b"phase"][b"Hrzn"]), float(desc[b"phase"][b"Vrtc"])) == (3, 5)
    assert theirs[shape.name].kind == "shape"
    record = psd._get_pattern(clear.id)  # the global 'Patt' block holds it
    decoded = np.rint(numpy_io.get_pattern(record) * 255).astype(np.uint8)
    np.testing.assert_array_equal(decoded, clear.pixels)
    # psd-tools draws the unscaled, unturned pattern fill as we do.
    drawn = np.asarray(theirs[fill.name].composite(viewport=(0, 0, W, H)).convert("RGBA"))
    np.testing.assert_array_equal(drawn, tile(plain, doc.canvas))


def test_a_psb_keeps_its_patterns_and_a_reduced_stand_in_tiles_the_reduced_pattern(tmp_path):
    from editor.model.reduced import reduced_nodes
    from editor.model.render import composite_nodes

    doc = document()
    tiles = Pattern("Tiles", pattern_pixels(7, translucent=True))
    fill = adjustment_ops.add_adjustment(doc, "pattern_fill",
                                         adj.PatternFill(pattern=tiles, phase=(3, 2)))
    save_document(doc, tmp_path / "pattern.psb")
    again = open_document(tmp_path / "pattern.psb")
    assert again.patterns == (tiles,)
    np.testing.assert_array_equal(composite_document(again), composite_document(doc))
    # Half size (a drag on a zoomed-out canvas): the tile at 50 % is sampled between
    # pixels, so each reduced pixel is the mean of its 2 x 2 block (premultiplied).
    full = composite_nodes([fill], doc.canvas).astype(np.float64)
    half = composite_nodes(reduced_nodes([fill], 1),
                           Box(0, 0, W // 2, H // 2)).astype(int)
    full[..., :3] *= full[..., 3:] / 255
    block = full.reshape(H // 2, 2, W // 2, 2, 4).mean(axis=(1, 3))
    block[..., :3] *= 255 / np.maximum(block[..., 3:], 1e-9)
    assert np.abs(half - np.rint(block)).max() <= 2


def test_photoshops_pattern_fills_open_live_and_draw_as_photoshop_drew_them():
    from psd_tools import PSDImage

    path = os.path.join(FILES, "pattern-fill.psd")
    doc = open_document(path)
    layer = next(doc.layers())
    assert isinstance(layer, FillLayer) and isinstance(layer.settings, adj.PatternFill)
    assert layer.settings.pattern.id == "cf324614-b915-11d7-b003-ad2608ed939e"
    assert [p.id for p in doc.patterns] == [layer.settings.pattern.id]
    merged = np.asarray(PSDImage.open(path).topil().convert("RGBA"))
    np.testing.assert_array_equal(composite_document(doc), merged)  # Photoshop's composite

    # Shape layers linked with their pattern: the tiles start at each layer's reference
    # point 'fxrp' (its path's corner + (1, 0) in this file), as Photoshop's do.
    path = os.path.join(FILES, "patterns.psd")
    doc = open_document(path)
    shapes = [n for n in doc.nodes() if isinstance(n, FillLayer)
              and isinstance(n.settings, adj.PatternFill)]
    assert len(shapes) == 6 and len(doc.patterns) == 6
    assert {shape.settings.anchor for shape in shapes} == {(1.0, 0.0)}
    ours = composite_document(doc).astype(int)
    merged = np.asarray(PSDImage.open(path).topil().convert("RGBA")).astype(int)
    for shape in shapes:
        x, y, w, h = (int(v) for v in shape.frame())
        inside = np.s_[max(y, 0):y + h, max(x, 0):x + w]
        np.testing.assert_array_equal(ours[inside], merged[inside])
    # Six shapes with a Pattern Overlay at 200 % over a solid fill: interpolated as
    # Photoshop's (before, copied pixel by pixel: 3.4 to 17 levels off on average).
    overlaid = [n for n in doc.nodes() if n.effects is not None and n.effects.pattern_overlays]
    assert len(overlaid) == 6
    for shape in overlaid:
        assert shape.effects.pattern_overlays[0].pattern.scale == 200.0
        x, y, w, h = (int(v) for v in path_box(shape))
        box = np.s_[max(y, 0):y + h, max(x, 0):x + w]
        error = np.abs(ours[box][..., :3] - merged[box][..., :3])
        assert error.mean() < 0.4 and error.max() <= 1, (shape.name, error.mean(), error.max())


def path_box(shape) -> tuple:
    """The box of a shape layer's path (its frame when linked), whatever its settings."""
    knots = np.concatenate([k.reshape(-1, 2) for k in shape.vector_mask.moved_knots()])
    (x0, y0), (x1, y1) = np.round(knots.min(axis=0)), np.round(knots.max(axis=0))
    return x0, y0, x1 - x0, y1 - y0


def test_a_shapes_pattern_anchor_moves_with_it_and_is_written_back(tmp_path):
    """The reference point of a shape's linked pattern (patterns.psd's 'fxrp') moves with
    the shape, is saved back (psd-tools reads it) and reopens drawn the same."""
    from psd_tools import PSDImage
    from psd_tools.constants import Tag

    doc = open_document(os.path.join(FILES, "patterns.psd"))
    shape = next(n for n in doc.nodes() if n.name == "Rectangle 1 copy 3")
    x, y, w, h = (int(v) for v in shape.frame())
    before = composite_document(doc).astype(int)
    doc.translate(shape, 10, 20)
    after = composite_document(doc).astype(int)
    assert shape.frame()[:2] == (x + 10, y + 20)
    # Inside the moved shape, the moved tiles (inside the canvas, off the other shapes).
    inside = np.s_[y + 20:min(y + h, 256 - 20), x + 10:min(x + w, 256 - 10)]
    source = np.s_[y:min(y + h, 256 - 20) - 20, x:min(x + w, 256 - 10) - 10]
    np.testing.assert_array_equal(after[inside], before[source])
    out = str(tmp_path / "moved.psd")
    save_document(doc, out)
    layer = next(n for n in PSDImage.open(out).descendants() if n.name == shape.name)
    assert list(layer.tagged_blocks.get_data(Tag.REFERENCE_POINT)) == [x + 11.0, y + 20.0]
    again = open_document(out)
    assert next(n for n in again.nodes() if n.name == shape.name).settings == shape.settings
    np.testing.assert_array_equal(composite_document(again).astype(int), after)


def test_a_pattern_fill_without_its_pattern_in_the_file_stays_as_it_was(tmp_path):
    from psd_tools import PSDImage
    from psd_tools.constants import Tag

    psd = PSDImage.open(os.path.join(FILES, "pattern-fill.psd"))
    del psd.tagged_blocks[Tag.PATTERNS1]
    psd.save(tmp_path / "lost.psd")
    doc = open_document(tmp_path / "lost.psd")
    layer = next(doc.layers())
    assert not isinstance(layer, FillLayer) and isinstance(layer, Layer)
    assert doc.patterns == ()


def test_cli_info_names_the_pattern():
    import json
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")

    def info(*extra):
        return subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), "info", *extra,
                               os.path.join(FILES, "pattern-fill.psd")], capture_output=True,
                              text=True, env=env, cwd=ROOT, check=True).stdout

    assert "Pattern: pattern=Metallic Flecks" in info()
    fill = json.loads(info("--json"))["layers"][0]["fill"]
    assert fill["settings"]["pattern"]["id"] == "cf324614-b915-11d7-b003-ad2608ed939e"
    assert (fill["settings"]["pattern"]["width"], fill["settings"]["scale"]) == (128, 100.0)


def test_a_scaled_or_turned_tile_interpolates_without_seams_or_hidden_colours():
    """Sampled between pixels, the tiling wraps around the tile (a one-colour tile stays
    that colour everywhere, at any scale and angle: no seam at the tile's edges) and in
    premultiplied alpha (the colour of a clear pixel never shows at its neighbours)."""
    plain = np.zeros((3, 4, 4), np.uint8)
    plain[...] = (40, 120, 200, 255)
    for scale, angle in ((37.0, 0.0), (200.0, 0.0), (150.0, 30.0), (100.0, 45.0)):
        out = tile(Pattern("Plain", plain), Box(-7, 5, 31, 23), scale, angle, (2.5, -1))
        assert (out == (40, 120, 200, 255)).all(), (scale, angle)
    half = np.zeros((1, 2, 4), np.uint8)
    half[0, 0] = (255, 0, 0, 255)
    half[0, 1] = (0, 255, 0, 0)  # clear: its green counts for nothing
    out = tile(Pattern("Half", half), Box(0, 0, 8, 2), 200.0).astype(int)
    assert out[0, [0, 1, 3]].tolist() == [[255, 0, 0, 255], [255, 0, 0, 128],
                                          [255, 0, 0, 128]]
    assert out[0, 2, 3] == 0
    assert (out[1] == out[0]).all()
    assert tile(Pattern("Half", half), Box(3, 4, 0, 6), 150.0).shape == (6, 0, 4)
    assert tile(Pattern("Half", half), Box(3, 4, 5, 0), 150.0, 20.0).shape == (0, 5, 4)
