"""A PSD layer with a vector mask (a path, as Photoshop's pen or shape tools make it):
drawn with its layer (times the layer mask) as psd-tools draws it, on the screen, in the
16-bit composite and in reduced previews; moved with its layer and written back moved;
honoured by Merge Down and Flatten; disabled paths are kept but not drawn."""
from __future__ import annotations

import numpy as np
from PIL import Image

from editor.model.files import open_document, save_document
from editor.model.reduced import reduced_nodes
from editor.model.render import Renderer, composite_document, composite_nodes, masked_pixels
from engine.box import Box
from psd_samples import swatch

W, H = 64, 48
K = 0.5522847498  # a quarter circle's Bezier handle, in radii


def knots(path) -> list:
    """The anchor points of every subpath of a psd-tools vector path."""
    from psd_tools.psd.vector import Subpath

    return [[tuple(k.anchor) for k in sub] for sub in path if isinstance(sub, Subpath)]


def vector_mask_psd(path) -> None:
    """Paper; a blue layer shown through a disc with a rectangular hole (a subtracted
    component), at fractional places; a small layer with both a user mask and a
    rectangular path; a red layer whose (small) path is disabled."""
    from psd_tools import PSDImage
    from psd_tools.constants import Tag
    from psd_tools.psd.tagged_blocks import TaggedBlock
    from psd_tools.psd.vector import (ClosedKnotLinked, ClosedPath, InitialFillRule, Path,
                                      PathFillRule, VectorMaskSetting)

    def knot(x, y, tx=0.0, ty=0.0):  # (y, x) in fractions of the document
        return ClosedKnotLinked(preceding=((y - ty) / H, (x - tx) / W), anchor=(y / H, x / W),
                                leaving=((y + ty) / H, (x + tx) / W))

    def rect(x0, y0, x1, y1, operation=1):
        return ClosedPath(items=[knot(x0, y0), knot(x1, y0), knot(x1, y1), knot(x0, y1)],
                          operation=operation)

    def setting(*subpaths, flags=0):
        path = Path(items=[PathFillRule(), InitialFillRule(0), *subpaths])
        return TaggedBlock(key=Tag.VECTOR_MASK_SETTING1,
                           data=VectorMaskSetting(version=3, flags=flags, path=path))

    cx, cy, r = 30.3, 22.6, 14.2
    disc = ClosedPath(items=[knot(cx + r, cy, 0, K * r), knot(cx, cy + r, -K * r, 0),
                             knot(cx - r, cy, 0, -K * r), knot(cx, cy - r, K * r, 0)],
                      operation=1)
    psd = PSDImage.new("RGBA", (W, H), color=0)
    psd.create_pixel_layer(Image.fromarray(swatch(H, W, (200, 200, 200))), name="Paper")
    blue = psd.create_pixel_layer(Image.fromarray(swatch(H, W, (0, 90, 250))), name="Disc")
    blue._record.tagged_blocks[Tag.VECTOR_MASK_SETTING1] = setting(
        disc, rect(26.5, 19.25, 34.5, 26.75, operation=2))
    both = psd.create_pixel_layer(Image.fromarray(swatch(20, 20, (0, 160, 60))), name="Both")
    mask = np.full((20, 20), 255, np.uint8)
    mask[10:] = 0
    both.create_mask(Image.fromarray(mask, "L"))
    both._record.tagged_blocks[Tag.VECTOR_MASK_SETTING1] = setting(rect(8, 8, 40, 24))
    off = psd.create_pixel_layer(Image.fromarray(swatch(10, 10, (250, 0, 0))), name="Off",
                                 top=36, left=50)
    off._record.tagged_blocks[Tag.VECTOR_MASK_SETTING1] = setting(rect(50, 36, 52, 38),
                                                                  flags=4)
    psd.save(path)


def psd_tools_composite(path) -> np.ndarray:
    from psd_tools import PSDImage

    return np.array(PSDImage.open(path).composite(force=True).convert("RGBA"), np.int32)


def screen(doc) -> np.ndarray:
    """The 8-bit screen composite (RGBA) of an opaque document."""
    renderer = Renderer(doc)
    renderer.update()
    renderer.close()
    return renderer.composite.array[..., [2, 1, 0, 3]].astype(np.int32)


def test_vector_masks_are_drawn_as_psd_tools_draws_them(tmp_path):
    source = tmp_path / "vector.psd"
    vector_mask_psd(source)
    doc = open_document(str(source))
    warned = [w for w in doc.warnings if "vector mask" in w]
    assert len(warned) == 3 and "'Disc' is drawn" in warned[0] and "reshaped" in warned[0]
    layers = {layer.name: layer for layer in doc.layers()}
    assert all(layers[n].vector_mask is not None for n in ("Disc", "Both", "Off"))
    assert not layers["Off"].vector_mask.enabled and layers["Disc"].vector_mask.enabled
    ours = composite_document(doc).astype(np.int32)
    reference = psd_tools_composite(source)
    diff = np.abs(ours - reference)
    assert diff.max() <= 3 and diff.mean() < 0.1, (diff.max(), diff.mean())
    # The drawing is not trivially equal: the path cuts the blue layer (outside the disc,
    # in its hole) and the user mask cuts the path's rectangle; the disabled path hides
    # nothing.
    paper, blue, green, red = (200, 200, 200), (0, 90, 250), (0, 160, 60), (250, 0, 0)
    assert tuple(ours[22, 20, :3]) == blue and tuple(ours[22, 30, :3]) == paper
    assert tuple(ours[2, 2, :3]) == paper and tuple(ours[45, 10, :3]) == paper
    assert tuple(ours[9, 9, :3]) == green and tuple(ours[12, 9, :3]) != green
    assert tuple(ours[9, 4, :3]) == paper  # the user mask shows it, the path does not
    assert tuple(ours[40, 55, :3]) == red
    edge = ours[22, 44:46, 2]  # the disc's right edge at x = 44.5: anti-aliased
    assert 90 < edge.mean() < 250 and len(set(map(int, ours[22, 40:48, 2]))) >= 3
    assert np.abs(screen(doc) - ours).max() <= 2  # the 8-bit screen composite too


def test_reduced_previews_draw_the_path():
    from editor.model import Document, Layer
    from editor.model.vector_mask import Subpath, VectorMask

    doc = Document(W, H)
    layer = Layer("blue", swatch(H, W, (0, 90, 250)))
    square = np.array([[(x, y)] * 3 for x, y in ((8, 8), (40, 8), (40, 24), (8, 24))], float)
    layer.vector_mask = VectorMask([Subpath(square, True, 1)], doc.canvas)
    proxy = reduced_nodes([layer], 1)
    half = composite_nodes(proxy, Box(0, 0, W // 2, H // 2))
    assert half[8, 10, 3] == 255 and half[2, 2, 3] == 0 and half[14, 10, 3] == 0
    assert half[4:12, 4:20, 3].min() == 255 and half[:, :4, 3].max() == 0


def test_a_moved_layer_moves_its_path_and_saves_it_moved(tmp_path):
    from psd_tools import PSDImage

    source, saved = tmp_path / "vector.psd", tmp_path / "saved.psd"
    vector_mask_psd(source)
    doc = open_document(str(source))
    before = composite_document(doc).astype(np.int32)
    disc = next(layer for layer in doc.layers() if layer.name == "Disc")
    renderer = Renderer(doc)
    renderer.update()
    doc.translate(disc, -5, 3)
    renderer.update()
    after = composite_document(doc).astype(np.int32)
    # The blue layer covers the canvas: what moved is the disc alone, by (-5, 3).
    assert np.array_equal(after[13:44, 4:45], before[10:41, 9:50])
    assert not np.array_equal(after, before)
    assert np.array_equal(renderer.composite.array, Renderer_fresh(doc))
    # A layer with both masks: they move together (their product is kept, moved).
    both = next(layer for layer in doc.layers() if layer.name == "Both")
    green = np.all(before[..., :3] == (0, 160, 60), axis=-1)
    for step in range(2):
        doc.translate(both, 1, 1, merge_key="drag")
        renderer.update()
    moved_green = np.all(renderer.composite.array[..., [2, 1, 0]] == (0, 160, 60), axis=-1)
    assert green.sum() == 24 and np.array_equal(moved_green[2:, 2:], green[:-2, :-2])
    assert np.array_equal(renderer.composite.array, Renderer_fresh(doc))
    doc.history.undo()
    after = composite_document(doc).astype(np.int32)
    save_document(doc, str(saved))
    # psd-tools reads the path at its new place, and draws what we draw.
    moved = {layer.name: layer for layer in PSDImage.open(saved)}["Disc"]
    original = {layer.name: layer for layer in PSDImage.open(source)}["Disc"]
    for new, old in zip(knots(moved.vector_mask.paths), knots(original.vector_mask.paths)):
        for (y, x), (y0, x0) in zip(new, old):
            assert abs(x - (x0 - 5 / W)) < 1e-6 and abs(y - (y0 + 3 / H)) < 1e-6
    assert np.abs(psd_tools_composite(saved) - after).max() <= 3
    # Our reader too; undo puts the path back.
    again = open_document(str(saved))
    assert np.array_equal(composite_document(again).astype(np.int32), after)
    doc.history.undo()
    assert np.array_equal(composite_document(doc).astype(np.int32), before)
    save_document(doc, str(tmp_path / "back.psd"))
    back = {layer.name: layer for layer in PSDImage.open(tmp_path / "back.psd")}["Disc"]
    assert knots(back.vector_mask.paths) == knots(original.vector_mask.paths)


def Renderer_fresh(doc) -> np.ndarray:
    renderer = Renderer(doc)
    renderer.update()
    renderer.close()
    return renderer.composite.array


def test_an_unmoved_path_is_saved_back_exactly_with_its_flags(tmp_path):
    from psd_tools import PSDImage

    source, saved = tmp_path / "vector.psd", tmp_path / "saved.psd"
    vector_mask_psd(source)
    doc = open_document(str(source))
    save_document(doc, str(saved))
    old = {layer.name: layer for layer in PSDImage.open(source)}
    new = {layer.name: layer for layer in PSDImage.open(saved)}
    assert not new["Paper"].has_vector_mask()
    for name in ("Disc", "Both", "Off"):
        assert knots(new[name].vector_mask.paths) == knots(old[name].vector_mask.paths)
        assert [s.operation for s in new[name].vector_mask.paths] == \
            [s.operation for s in old[name].vector_mask.paths]
    assert new["Off"].vector_mask.disabled and not new["Disc"].vector_mask.disabled
    assert new["Both"].has_mask() and not new["Disc"].has_mask()
    again = open_document(str(saved))
    assert np.array_equal(composite_document(again), composite_document(doc))


def test_merge_down_and_flatten_honour_the_path(tmp_path):
    source = tmp_path / "vector.psd"
    vector_mask_psd(source)
    doc = open_document(str(source))
    before = composite_document(doc)
    layers = {layer.name: layer for layer in doc.layers()}
    merged = doc.merge_down(layers["Disc"])  # onto the paper
    assert merged.vector_mask is None and merged.mask is None
    assert np.abs(composite_document(doc).astype(int) - before).max() <= 1
    doc.history.undo()
    doc.merge_down(layers["Both"])  # the masked layer is the one below: its path is baked
    assert layers["Disc"].vector_mask is None
    assert np.abs(composite_document(doc).astype(int) - before).max() <= 1
    flat = doc.flatten()
    assert np.abs(flat.pixels.astype(int) - before).max() <= 1


def rect_path(x0, y0, x1, y1, canvas):
    from editor.model.vector_mask import Subpath, VectorMask

    square = np.array([[(x, y)] * 3 for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))],
                      float)
    return VectorMask([Subpath(square, True, 1)], canvas)


def anchors(layer) -> list:
    return [tuple(a) for k in layer.vector_mask.moved_knots() for a in np.round(k[:, 1], 6).tolist()]


def test_flip_and_quarter_turn_carry_the_path():
    from editor.model import Document, Layer

    doc = Document(W, H)
    layer = Layer("blue", swatch(21, 30, (0, 90, 250)), 10, 5)
    doc.root.children.append(layer)
    layer.parent = doc.root
    layer.vector_mask = rect_path(12, 7, 20.5, 15, doc.canvas)
    before = masked_pixels(layer).copy()
    doc.flip(layer, horizontal=True)
    assert np.abs(masked_pixels(layer).astype(int) - before[:, ::-1]).max() <= 1
    doc.history.undo()
    doc.rotate_quarter(layer, 1)
    assert np.abs(masked_pixels(layer).astype(int) - np.rot90(before, -1)).max() <= 1
    doc.history.undo()
    assert np.array_equal(masked_pixels(layer), before)


def test_move_tool_and_free_transform_carry_the_path(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt

    from editor.model.commands import SetAttr
    from ui_helpers import image_drag, make_window, open_photo, photo

    window = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(window, qtbot, tmp_path, monkeypatch, 96, 64)
    doc, canvas = window.doc, window.canvas
    layer = doc.add_image(photo(20, 10, "astronaut"), "Astronaut", 30, 20)
    doc.history.push(SetAttr(layer, "vector_mask", rect_path(30, 20, 40, 30, doc.canvas)))
    assert masked_pixels(layer)[:, 10:, 3].max() == 0  # the right half is hidden
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    image_drag(qtbot, canvas, [(35, 25), (37, 26), (39, 27)])
    assert (layer.x, layer.y) == (34, 22)
    assert anchors(layer) == [(34, 22), (44, 22), (44, 32), (34, 32)]
    window.actions["undo"].trigger()
    assert anchors(layer) == [(30, 20), (40, 20), (40, 30), (30, 30)]
    # Free Transform twice as wide about the left edge, then a corner distorted.
    qtbot.keyClick(canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    image_drag(qtbot, canvas, [(50, 25), (60, 25), (70, 25)])  # right-middle handle
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert layer.width == 40 and doc.history.undo_name() == "Free Transform"
    assert anchors(layer) == [(30, 20), (50, 20), (50, 30), (30, 30)]
    window.actions["undo"].trigger()
    qtbot.keyClick(canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    image_drag(qtbot, canvas, [(50, 20), (55, 16), (60, 12)],
               modifier=Qt.KeyboardModifier.ControlModifier)  # top-right corner
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    got = np.array(anchors(layer))
    assert np.abs(got[[0, 3]] - [(30, 20), (30, 30)]).max() < 1e-6
    # As the pixels are mapped (perspective): the bottom edge stays, the top edge runs to
    # the dragged corner; the path's other corners lie on them.
    assert abs(got[2][1] - 30) < 1e-6 and 30 < got[2][0] < 50
    (x, y) = got[1]
    assert 30 < x < 60 and abs((y - 20) - (x - 30) * (12 - 20) / (60 - 30)) < 1e-6


def test_cli_info_lists_the_paths_and_convert_draws_them(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    source = tmp_path / "vector.psd"
    vector_mask_psd(source)

    def run(*args):
        result = subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=root,
                                env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    layers = {n["name"]: n for n in json.loads(run("info", source, "--json"))["layers"]}
    assert layers["Paper"].get("vector_mask") is None
    assert layers["Disc"]["vector_mask"] == {"x": 16, "y": 8, "width": 29, "height": 29,
                                             "subpaths": 2, "enabled": True, "linked": True,
                                             "inverted": False}
    assert layers["Off"]["vector_mask"]["enabled"] is False
    assert "vector mask 2x2 at 50,36 disabled" in run("info", source)
    run("convert", source, tmp_path / "flat.png")
    flat = np.asarray(Image.open(tmp_path / "flat.png").convert("RGBA"), np.int32)
    assert np.abs(flat - psd_tools_composite(source)).max() <= 3


def test_a_groups_path_masks_the_group_and_moves_with_it(tmp_path):
    from psd_tools import PSDImage

    from editor.model import Document, Group, Layer

    doc = Document(W, H)
    paper = Layer("paper", swatch(H, W, (200, 200, 200)))
    group = Group("group", [Layer("blue", swatch(30, 40, (0, 90, 250)), 4, 4)])
    for node in (paper, group):
        node.parent = doc.root
        doc.root.children.append(node)
    group.vector_mask = rect_path(10, 10, 20.5, 30, doc.canvas)
    shown = composite_document(doc)
    blue = np.all(shown[..., :3] == (0, 90, 250), axis=-1)
    assert blue[10:30, 10:20].all() and blue.sum() == 200  # 10.5 wide: the last column half
    doc.translate(group, 3, 2)
    assert anchors(group) == [(13, 12), (23.5, 12), (23.5, 32), (13, 32)]
    assert np.array_equal(composite_document(doc)[12:32, 13:24], shown[10:30, 10:21])
    save_document(doc, str(tmp_path / "group.psd"))
    saved = next(n for n in PSDImage.open(tmp_path / "group.psd") if n.name == "group")
    assert saved.vector_mask is not None
    again = open_document(str(tmp_path / "group.psd"))
    assert np.array_equal(composite_document(again), composite_document(doc))


def test_a_stroke_on_the_layer_mask_redoes_only_its_box_of_the_product():
    from editor.model import Document, Layer, LayerMask

    doc = Document(W, H)
    layer = Layer("blue", swatch(40, 50, (0, 90, 250)), 3, 2)
    layer.mask = LayerMask(np.full((40, 50), 255, np.uint8), 3, 2, default=0, feather=1.5)
    layer.vector_mask = rect_path(10, 8, 40.5, 30, doc.canvas)
    first = layer.active_mask()
    before = masked_pixels(layer).copy()
    layer.mask.pixels[10:20, 12:30] = 0  # a stroke, as the brush makes it (in place)
    layer.changed(Box(12, 10, 18, 10))
    second = layer.active_mask()
    assert second.pixels is first.pixels  # the product was updated in place
    fresh = layer.copy()  # new arrays: everything made again
    assert np.array_equal(masked_pixels(layer), masked_pixels(fresh))
    assert not np.array_equal(masked_pixels(layer), before)


CORPUS_PATHS = ("mask-vector-density.psd", "mask-density-layervectormask.psd",
                "vector-mask3.psd", "passthrough_vector_mask.psd")


def test_photoshop_files_with_paths_draw_as_photoshop_merged_them(tmp_path):
    """psd-tools' corpus (made with Photoshop): paths at several densities, with and without
    a layer mask beside them (Photoshop's rendering of the path in -2 and the user mask in
    -3), on a layer and on a pass-through group; drawn as Photoshop's own merged image,
    saved and reopened the same, paths and densities kept."""
    import os

    from psd_tools import PSDImage

    for name in CORPUS_PATHS:
        source = os.path.join(os.path.dirname(__file__), "psd_tools_files", name)
        doc = open_document(source)
        assert all("is drawn" in w for w in doc.warnings if "vector mask" in w), doc.warnings
        merged = np.asarray(PSDImage.open(source).topil().convert("RGBA"), np.int32)
        ours = composite_document(doc).astype(np.int32)
        assert np.abs(ours - merged).max() <= 1, name
        saved = tmp_path / name
        save_document(doc, str(saved))
        assert np.array_equal(composite_document(open_document(str(saved))), ours), name
        theirs = {layer.name: layer for layer in PSDImage.open(saved).descendants()}
        for layer in PSDImage.open(source).descendants():
            if layer.has_vector_mask():
                again = theirs[layer.name]
                assert again.has_vector_mask() and \
                    knots(again.vector_mask.paths) == knots(layer.vector_mask.paths)
                params = layer._record.mask_data.parameters if layer._record.mask_data else None
                density = getattr(params, "vector_mask_density", None)
                if density is not None:
                    assert again._record.mask_data.parameters.vector_mask_density == density


def test_the_image_operations_carry_every_path(tmp_path):
    from psd_tools import PSDImage

    from editor.model import image_ops

    source = tmp_path / "vector.psd"
    vector_mask_psd(source)
    doc = open_document(str(source))
    before = composite_document(doc).astype(np.int32)
    disc = next(layer for layer in doc.layers() if layer.name == "Disc")
    start = anchors(disc)

    def close(got, want) -> bool:
        return np.abs(got.astype(np.int32) - want).max() <= 2

    image_ops.canvas_size(doc, W + 16, H + 12, anchor=(1.0, 1.0))
    assert np.array_equal(composite_document(doc)[12:, 16:], before)
    doc.history.undo()
    image_ops.crop(doc, Box(4, 2, 50, 40))
    assert np.array_equal(composite_document(doc), before[2:42, 4:54])
    doc.history.undo()
    image_ops.rotate_canvas(doc, 1)
    assert close(composite_document(doc), np.rot90(before, -1))
    doc.history.undo()
    image_ops.flip_canvas(doc, horizontal=True)
    assert close(composite_document(doc), before[:, ::-1])
    doc.history.undo()
    assert anchors(disc) == start
    image_ops.image_size(doc, 2 * W, 2 * H)
    assert np.allclose(anchors(disc), np.array(start) * 2)
    # Saved, the path is where it is drawn: in fractions of the new canvas, the same ones.
    save_document(doc, str(tmp_path / "big.psd"))
    big = {layer.name: layer for layer in PSDImage.open(tmp_path / "big.psd")}["Disc"]
    old = {layer.name: layer for layer in PSDImage.open(source)}["Disc"]
    assert np.allclose(knots(big.vector_mask.paths), knots(old.vector_mask.paths), atol=1e-6)
