"""Photoshop's artboards: a group whose 'artb' block gives a rectangle and a background.

Drawn as Photoshop draws them (against the merged images of psd-tools' artboard.psd,
artboard-bgcolor.psd and advanced-blending.psd): the background under the content inside
the rectangle, nothing of the content beyond it; read with psd-tools and written back so
that psd-tools reads an artboard again (the block unchanged while the artboard is); moved
with its content by the Move tool, in one undo step; listed by `layered info`.
"""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from psd_tools import PSDImage
from psd_tools.constants import Tag

from editor.model import Document, Group, Layer
from editor.model.files import open_document, save_document
from editor.model.layers import Artboard
from editor.model.render import composite_document
from editor.ui.layers_panel import ROW_H, layer_rows
from engine.box import Box
from test_advanced_blending import dragged_and_settled, every_path, premultiplied
from ui_helpers import image_drag, make_window

FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "psd_tools_files")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# file -> (bound on the mean premultiplied RGBA error, 0-255, over the whole image). Before
# artboards were drawn (content unclipped, no background) these were 67.4, 64.5 and 69.8;
# measured now 0.110, 0.000 and 0.004 (artboard.psd's: its text layer's edges, as Photoshop
# stored them). The alpha is exact in all three.
PHOTOSHOP = {"artboard.psd": 0.15, "artboard-bgcolor.psd": 0.01, "advanced-blending.psd": 0.02}


def error(ours: np.ndarray, theirs: np.ndarray) -> tuple[float, int]:
    """(mean premultiplied RGBA error 0-255, largest alpha error)."""
    diff = np.abs(premultiplied(ours) - premultiplied(theirs)) * 255
    return float(diff.mean()), int(np.abs(ours[..., 3].astype(int) - theirs[..., 3]).max())


@pytest.mark.parametrize("name", sorted(PHOTOSHOP))
def test_composite_matches_photoshops_merged_image(qapp, name):
    path = os.path.join(FILES, name)
    theirs = np.asarray(PSDImage.open(path).topil().convert("RGBA"))
    doc = open_document(path)
    boards = [g for g in doc.root.walk() if isinstance(g, Group) and g.artboard is not None]
    assert boards and all(g.parent is doc.root for g in boards)
    for which, ours in every_path(doc).items():
        mean, alpha = error(ours, theirs)
        assert mean <= PHOTOSHOP[name] and alpha <= 1, (which, mean, alpha)


def test_rectangle_and_background_as_photoshop_stores_them(qapp):
    """'artboardRect' in pixels and 'artboardBackgroundType' 4 ("other") with 'Clr '; the
    type counts 1 white (advanced-blending.psd: drawn opaque white by Photoshop, which
    psd-tools would take for transparent), 2 black, 3 transparent; none: white."""
    doc = open_document(os.path.join(FILES, "artboard-bgcolor.psd"))
    one, two = (next(g for g in doc.root.children if g.name == n)
                for n in ("Artboard 1", "Artboard 2"))
    assert (one.artboard.box, one.artboard.background, one.artboard.fill()) == \
        (Box(0, 0, 400, 300), "other", (18, 108, 200))
    assert (two.artboard.box, two.artboard.fill()) == (Box(500, 0, 250, 550), (200, 95, 18))
    ours = composite_document(doc)
    assert tuple(ours[5, 5]) == (18, 108, 200, 255)  # the background, under the content
    assert ours[5, 450, 3] == 0  # between the artboards: nothing
    advanced = open_document(os.path.join(FILES, "advanced-blending.psd"))
    frame = next(g for g in advanced.root.children if g.name == "Frame")
    assert frame.artboard.background == "white" and frame.artboard.box == Box(668, 34, 498, 557)
    # Type 3 is transparent (psd-tools takes it for black): Photoshop's merged image of
    # gradient-styles.psd has transparent pixels inside its "Noise gradients" artboard.
    styles = os.path.join(FILES, "gradient-styles.psd")
    noise = next(g for g in open_document(styles).root.children if g.name == "Noise gradients")
    assert noise.artboard.background == "transparent" and noise.artboard.box == Box(0, 150, 160, 32)
    merged = np.asarray(PSDImage.open(styles).topil().convert("RGBA"))
    assert merged[150:182, :160, 3].min() == 0
    single = open_document(os.path.join(FILES, "artboard.psd"))
    board = single.root.children[0]
    assert board.artboard.background == "white" and board.artboard.box == Box(238, 77, 916, 984)
    # Its "Layer 0" reaches far beyond the artboard: Photoshop shows none of that.
    assert board.children[0].bounds().x < 0
    assert composite_document(single)[:77, :, 3].max() == 0


def scene() -> Document:
    """A 60x40 document: an artboard (10,5)-(40,35) of `background`, holding a red layer
    (0,0)-(30,30) that reaches beyond it, and a grey layer at the top level beside it."""
    doc = Document(60, 40)
    red = np.zeros((30, 30, 4), np.uint8)
    red[...] = (220, 30, 30, 160)
    layer = Layer("Red", red, 0, 0)
    board = Group("Board", [layer])
    board.artboard = Artboard(Box(10, 5, 30, 30), "black")
    grey = np.full((40, 10, 4), 128, np.uint8)
    grey[..., 3] = 255
    for node in (board, Layer("Grey", grey, 50, 0)):
        node.parent = doc.root
        doc.root.children.append(node)
    return doc


@pytest.mark.parametrize("background, rgb", [("white", (255, 255, 255)), ("black", (0, 0, 0)),
                                             ("other", (10, 200, 90)), ("transparent", None)])
def test_each_background_under_the_content_inside_the_rectangle(qapp, background, rgb):
    doc = scene()
    board = doc.root.children[0]
    board.artboard = Artboard(Box(10, 5, 30, 30), background, (10, 200, 90))
    for which, ours in every_path(doc).items():
        assert ours[0:5, :50, 3].max() == 0 and ours[:, 0:10, 3].max() == 0, which  # clipped
        red = np.array([220, 30, 30]) * 160 / 255
        if rgb is None:  # the red layer alone, as it is
            assert np.abs(ours[10, 15].astype(int) - (220, 30, 30, 160)).max() <= 1, which
            assert ours[32, 32, 3] == 0, which
        else:  # red at 160/255 over the background, opaque; the background beyond it
            expected = red + np.array(rgb) * (1 - 160 / 255)
            assert np.abs(ours[10, 15, :3] - expected).max() <= 1.5 and ours[10, 15, 3] == 255
            assert tuple(ours[32, 32]) == (*rgb, 255), which
        assert tuple(ours[20, 55]) == (128, 128, 128, 255)  # beside it: drawn as ever


def test_round_trip_through_our_save_and_psd_tools(qapp, tmp_path):
    """Saved unchanged, each artboard's block is the one read, byte for byte; moved, it is
    written anew with the new rectangle; psd-tools reads artboards (with the background
    Photoshop gave them) and we read back what we wrote, drawn the same."""
    path = os.path.join(FILES, "artboard-bgcolor.psd")
    doc = open_document(path)
    out = str(tmp_path / "again.psd")
    save_document(doc, out)
    theirs = {a.name: a for a in PSDImage.open(path) if a.kind == "artboard"}
    written = {a.name: a for a in PSDImage.open(out) if a.kind == "artboard"}
    assert set(written) == {"Artboard 1", "Artboard 2"}
    for name, item in written.items():
        assert item.bbox == theirs[name].bbox
        block = item.tagged_blocks[Tag.ARTBOARD_DATA1]
        assert block.data == theirs[name].tagged_blocks[Tag.ARTBOARD_DATA1].data
        assert [layer.name for layer in item] == [layer.name for layer in theirs[name]]
    again = open_document(out)
    np.testing.assert_array_equal(composite_document(again), composite_document(doc))

    one = next(g for g in doc.root.children if g.name == "Artboard 1")
    doc.translate(one, 100, 200)
    save_document(doc, out)
    moved = next(a for a in PSDImage.open(out) if a.name == "Artboard 1")
    assert moved.kind == "artboard" and moved.bbox == (100, 200, 500, 500)
    data = moved.tagged_blocks.get_data(Tag.ARTBOARD_DATA1)
    assert int(data[b"artboardBackgroundType"]) == 4
    assert tuple(float(data[b"Clr "][k]) for k in (b"Rd  ", b"Grn ", b"Bl  ")) == (18, 108, 200)
    assert open_document(out).root.children[0].artboard.box == Box(100, 200, 400, 300)

    # One made here (no block to keep): Photoshop's layout, read back as written.
    doc = scene()
    doc.root.children[0].artboard = Artboard(Box(10, 5, 30, 30), "transparent")
    save_document(doc, out)
    item = next(a for a in PSDImage.open(out) if a.name == "Board")
    data = item.tagged_blocks.get_data(Tag.ARTBOARD_DATA1)
    assert item.kind == "artboard" and item.bbox == (10, 5, 40, 35)
    assert list(data.keys())[:5] == [b"artboardRect", b"guideIndeces", b"artboardPresetName",
                                     b"Clr ", b"artboardBackgroundType"]
    assert int(data[b"artboardBackgroundType"]) == 3
    back = open_document(out)
    assert back.root.children[0].artboard == doc.root.children[0].artboard
    np.testing.assert_array_equal(composite_document(back), composite_document(doc))


def test_dragging_a_layer_inside_an_artboard_settles_exactly(qapp):
    doc = scene()
    renderer = dragged_and_settled(doc, doc.root.children[0].children[0])
    renderer.close()


def test_move_tool_moves_the_artboard_with_its_content_in_one_undo_step(qtbot, tmp_path,
                                                                        monkeypatch):
    doc = scene()
    board = doc.root.children[0]
    red = board.children[0]
    before = composite_document(doc)
    window = make_window(qtbot, tmp_path, monkeypatch)
    doc.history.clear()
    doc.set_active(board)
    window.add_session(doc, "artboards")
    canvas = window.canvas
    qtbot.waitUntil(lambda: canvas.paint_count > 0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    image_drag(qtbot, canvas, [(20, 20), (22, 21), (25, 23)])
    assert board.artboard.box == Box(15, 8, 30, 30) and (red.x, red.y) == (5, 3)
    assert board.artboard.background == "black"
    window.session.renderer.update()
    moved = window.session.renderer.composite.to_straight_rgba8()
    np.testing.assert_array_equal(moved, composite_document(doc, precise=False))
    assert moved[6, 12, 3] == 0 and tuple(moved[36, 42]) == (0, 0, 0, 255)  # the old / new corner
    assert doc.history.undo_name() == "Move"
    assert doc.history.undo() and not doc.history.can_undo()  # one step
    assert board.artboard.box == Box(10, 5, 30, 30) and (red.x, red.y) == (0, 0)
    np.testing.assert_array_equal(composite_document(doc), before)


def test_info_lists_artboards(tmp_path):
    path = os.path.join(FILES, "artboard-bgcolor.psd")
    text = subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), "info", path],
                          capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert "'Artboard 1'" in text and \
        "artboard 400x300 at 0,0, background other (18, 108, 200)" in text
    assert "artboard 250x550 at 500,0, background other (200, 95, 18)" in text


def test_reduced_stand_in_of_an_artboard_keeps_its_rectangle_and_background(qapp):
    """A zoomed-out drag draws the stand-ins (reduced.py): the artboard's at half size shows
    its background and clips its content as the full-size composite, box-averaged, does."""
    from editor.model import reduced
    from editor.model.render import composite_nodes

    doc = scene()
    doc.root.children[0].artboard = Artboard(Box(10, 6, 30, 28), "other", (10, 200, 90))
    exact = premultiplied(composite_document(doc)).reshape(20, 2, 30, 2, 4).mean(axis=(1, 3))
    nodes = reduced.reduced_nodes(doc.root.children, 1)
    assert nodes[0].artboard.box == Box(5, 3, 15, 14)
    small = premultiplied(composite_nodes(nodes, Box(0, 0, 30, 20)))
    assert np.abs(small - exact).max() * 255 <= 2


def test_image_operations_take_the_artboards_along(qapp):
    """Canvas Size, Crop, Rotate and Flip Canvas and Image Size move (turn, scale) each
    artboard's rectangle with the content it frames, in their one undo step: the picture
    is the one the operation makes of the old picture."""
    from editor.model import image_ops

    doc = scene()
    before = composite_document(doc)
    board = doc.root.children[0]
    image_ops.rotate_canvas(doc, 1)
    assert board.artboard.box == Box(5, 10, 30, 30) and doc.size == (40, 60)
    np.testing.assert_array_equal(composite_document(doc), np.rot90(before, -1))
    doc.history.undo()
    image_ops.flip_canvas(doc, horizontal=True)
    np.testing.assert_array_equal(composite_document(doc), before[:, ::-1])
    doc.history.undo()
    image_ops.canvas_size(doc, 80, 40, anchor=(1.0, 0.0))
    assert board.artboard.box == Box(30, 5, 30, 30)
    np.testing.assert_array_equal(composite_document(doc)[:, 20:], before)
    doc.history.undo()
    image_ops.crop(doc, Box(5, 0, 50, 40))
    assert board.artboard.box == Box(5, 5, 30, 30)
    np.testing.assert_array_equal(composite_document(doc), before[:, 5:55])
    doc.history.undo()
    image_ops.image_size(doc, 120, 80)
    assert board.artboard.box == Box(20, 10, 60, 60)
    doc.history.undo()
    assert board.artboard.box == Box(10, 5, 30, 30) and not doc.history.can_undo()


def test_layers_panel_marks_an_artboard(qtbot, tmp_path, monkeypatch):
    """Opened through File > Open, each artboard is a group row (its layers inside it) whose
    second line names it an artboard with its size: the row paints differently once the
    group is a plain one (the mark gone)."""
    path = os.path.join(FILES, "artboard-bgcolor.psd")
    window = make_window(qtbot, tmp_path, monkeypatch)
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [path])
    window.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(window.sessions) == 1, timeout=10000)
    doc = window.doc
    one = next(g for g in doc.root.children if g.name == "Artboard 1")
    panel = window.layers_panel.list
    doc.set_active(doc.root.children[-1])  # (the same row highlighted in both pictures)

    def row(node) -> np.ndarray:
        panel.update()
        qtbot.wait(50)
        image = panel.grab().toImage()
        rows = [n for n, _ in layer_rows(doc.root, panel.collapsed)]
        top = rows.index(node) * ROW_H
        return np.array([[image.pixel(x, y) for x in range(image.width())]
                         for y in range(top, top + ROW_H)])

    marked = row(one)
    artboard, one.artboard = one.artboard, None
    try:
        assert (row(one) != marked).any()
    finally:
        one.artboard = artboard
    assert (row(one) == marked).all()
