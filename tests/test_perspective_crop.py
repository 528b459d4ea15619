"""Perspective Crop tool (Shift+C from the Crop tool): a checkerboard drawn in perspective by
a known homography comes out straight — its corners at the output's corners, its lines
straight and evenly spaced within a pixel — whatever order the corners are clicked in;
typed W/H set the output size; a second layer, its mask and an alpha channel go through
the same map; undo gives the document back exactly; Esc leaves it as it was."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from editor.model import channels
from editor.model import commands as cmds
from editor.model import perspective_crop as pc
from editor.model.layers import LayerMask
from editor.model.render import composite_document
from editor.model.resample import perspective_pixels
from engine.box import Box

from ui_helpers import image_drag, image_pos, make_window, write_png

SQUARE, COLS, ROWS = 20, 8, 6
QUAD = [(40, 30), (250, 52), (228, 200), (62, 214)]  # TL, TR, BR, BL of the board's picture
SIZE = (300, 240)


def board() -> np.ndarray:
    """The flat checkerboard: COLS x ROWS squares of SQUARE px, black and white."""
    ys, xs = np.mgrid[:ROWS * SQUARE, :COLS * SQUARE]
    v = np.where(((xs // SQUARE) + (ys // SQUARE)) % 2 == 0, 255, 0).astype(np.uint8)
    return np.dstack([v, v, v, np.full_like(v, 255)])


def scene() -> np.ndarray:
    """The board seen in perspective (sent to QUAD by its homography) on mid grey."""
    flat = board()
    h, w = flat.shape[:2]
    m = pc.homography([(0, 0), (w, 0), (w, h), (0, h)], QUAD)
    pixels, x, y = perspective_pixels(flat, m)
    out = np.full((SIZE[1], SIZE[0], 4), 128, np.uint8)
    out[..., 3] = 255
    a = pixels[..., 3:4].astype(np.float32) / 255
    region = out[y:y + pixels.shape[0], x:x + pixels.shape[1]]
    region[..., :3] = np.rint(pixels[..., :3] * a + region[..., :3] * (1 - a)).astype(np.uint8)
    return out


def open_scene(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, tmp_path, monkeypatch)
    png = write_png(tmp_path / "board.png", scene())
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [png])
    window.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(window.sessions) == 1, timeout=10000)
    canvas = window.canvas
    canvas.set_zoom(2.0)  # a widget pixel is half an image pixel: the clicks land exactly
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_C)
    qtbot.keyClick(canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ShiftModifier)
    tool = window.tools.current
    assert tool.id == "perspective_crop"
    return window, canvas, tool


def click_corners(qtbot, canvas, corners) -> None:
    for x, y in corners:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         image_pos(canvas, x, y))


def edges(profile: np.ndarray) -> np.ndarray:
    """Where a black/white profile crosses mid grey, to a fraction of a pixel (the centre of
    pixel i is at i + 0.5)."""
    v = profile.astype(np.float64) - 127.5
    i = np.nonzero(np.sign(v[:-1]) != np.sign(v[1:]))[0]
    return i + 0.5 + v[i] / (v[i] - v[i + 1])


def assert_rectified(pixels: np.ndarray) -> None:
    """The output is the board: its grid lines straight, evenly spaced, within a pixel."""
    h, w = pixels.shape[:2]
    grey = pixels[..., 0]
    cell_w, cell_h = w / COLS, h / ROWS
    for y in np.linspace(cell_h * 0.25, h - cell_h * 0.25, 12).astype(int):
        found = edges(grey[y])
        assert len(found) == COLS - 1, (y, found)
        assert np.abs(found - cell_w * np.arange(1, COLS)).max() < 1.0, (y, found)
    for x in np.linspace(cell_w * 0.25, w - cell_w * 0.25, 12).astype(int):
        found = edges(grey[:, x])
        assert len(found) == ROWS - 1, (x, found)
        assert np.abs(found - cell_h * np.arange(1, ROWS)).max() < 1.0, (x, found)
    # Corners at the output's corners: the four corner squares are the board's colours
    # (white top-left; no grey background left inside the output).
    for (ys, xs), colour in (((slice(0, 3), slice(0, 3)), 255),
                             ((slice(0, 3), slice(-3, None)), 0),
                             ((slice(-3, None), slice(0, 3)), 255 * ((ROWS - 1) % 2 == 0)),
                             ((slice(-3, None), slice(-3, None)), 255 * ((ROWS + COLS) % 2 == 0))):
        assert abs(float(grey[ys, xs].mean()) - colour) < 40, (ys, xs, grey[ys, xs])


def test_perspective_crop_rectifies_a_board_in_perspective(qtbot, tmp_path, monkeypatch):
    window, canvas, tool = open_scene(qtbot, tmp_path, monkeypatch)
    doc = window.doc
    before = composite_document(doc).copy()
    # Clicked in any order: bottom-right first, then round the other way.
    click_corners(qtbot, canvas, [QUAD[2], QUAD[1], QUAD[0], QUAD[3]])
    assert tool.points(canvas) == [tuple(map(float, p)) for p in QUAD]
    assert doc.size == SIZE and doc.history.count == 0  # nothing changed yet
    # Esc drops the quad and leaves the document as it was.
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert tool.points(canvas) == [] and doc.size == SIZE
    assert np.array_equal(composite_document(doc), before) and doc.history.count == 0

    click_corners(qtbot, canvas, QUAD)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.size == pc.natural_size(QUAD) and doc.history.undo_name() == "Perspective Crop"
    assert doc.history.count == 1  # one undo step
    assert_rectified(composite_document(doc))
    assert tool.points(canvas) == []
    window.actions["undo"].trigger()
    assert doc.size == SIZE and np.array_equal(composite_document(doc), before)


def test_typed_size_layers_masks_channels_and_exact_undo(qtbot, tmp_path, monkeypatch):
    window, canvas, tool = open_scene(qtbot, tmp_path, monkeypatch)
    doc = window.doc
    picture = scene()
    # A second layer (the negative) with a mask that is the picture's grey, and an alpha
    # channel from a selection of the whole canvas.
    top = doc.add_image(255 - picture, "Negative", 0, 0)
    top.pixels[..., 3] = 255
    doc.history.push(cmds.SetMask(top, LayerMask(picture[..., 0].copy(), 0, 0, default=0),
                                  "Add Mask"))
    doc.set_selection(doc.canvas)
    channels.save_selection(doc)
    doc.set_selection(None)
    layers = [(layer, layer.pixels.copy(), layer.x, layer.y) for layer in doc.layers()]
    before = composite_document(doc).copy()
    steps, last = doc.history.count, doc.history.undo_name()

    bar = tool.options()
    qtbot.mouseClick(bar.findChild(QPushButton, "PerspectiveCropFront"), Qt.MouseButton.LeftButton)
    assert tool.typed_size() == SIZE  # Front Image: the document's own size
    qtbot.mouseClick(bar.findChild(QPushButton, "PerspectiveCropClear"), Qt.MouseButton.LeftButton)
    assert tool.typed_size() == (0, 0)  # Clear: from the quad
    tool.width_box.setValue(160)
    tool.height_box.setValue(120)
    # A box dragged, then each corner moved onto the board's.
    image_drag(qtbot, canvas, [(50, 40), (120, 100), (200, 180)])
    assert tool.points(canvas) == [(50, 40), (200, 40), (200, 180), (50, 180)]
    for start, corner in zip([(50, 40), (200, 40), (200, 180), (50, 180)], QUAD):
        image_drag(qtbot, canvas, [start, ((start[0] + corner[0]) / 2, (start[1] + corner[1]) / 2),
                                   corner])
    assert tool.points(canvas) == [tuple(map(float, p)) for p in QUAD]
    assert tool.output_size(canvas) == (160, 120)
    tool.commit(canvas)  # the check button's slot
    assert doc.size == (160, 120) and doc.history.count == steps + 1
    assert doc.history.undo_name() == "Perspective Crop"
    background = next(layer for layer in doc.layers() if layer is not top)
    assert_rectified(background.pixels)
    assert (background.x, background.y) == (0, 0)
    # The board itself, within a couple of levels away from its edges.
    flat = board()
    inner = (slice(3, 117), slice(3, 157))
    diff = np.abs(background.pixels[..., 0].astype(int) - flat[..., 0])
    far_from_lines = np.ones_like(diff, bool)
    for k in range(1, COLS):
        far_from_lines[:, k * SQUARE - 2:k * SQUARE + 2] = False
    for k in range(1, ROWS):
        far_from_lines[k * SQUARE - 2:k * SQUARE + 2] = False
    assert diff[inner][far_from_lines[inner]].max() <= 2
    # The second layer and its mask went the same way: negative and grey of the result.
    assert (top.x, top.y) == (0, 0) and top.pixels.shape[:2] == (120, 160)
    assert np.abs(top.pixels[..., 0].astype(int) + background.pixels[..., 0] - 255).max() <= 2
    mask = top.mask
    assert (mask.x, mask.y, mask.pixels.shape) == (0, 0, (120, 160))
    assert np.abs(mask.pixels.astype(int) - background.pixels[..., 0]).max() <= 2
    # The alpha channel (all selected) stays all selected inside the quad.
    assert doc.channels[0].pixels.shape == (120, 160)
    assert doc.channels[0].pixels[1:-1, 1:-1].min() >= 250

    window.actions["undo"].trigger()
    assert doc.size == SIZE and doc.history.undo_name() == last
    for layer, pixels, x, y in layers:
        assert (layer.x, layer.y) == (x, y) and np.array_equal(layer.pixels, pixels)
    assert np.array_equal(top.mask.pixels, picture[..., 0])
    assert doc.channels[0].pixels.shape == (SIZE[1], SIZE[0])
    assert np.array_equal(composite_document(doc), before)


def test_a_quad_that_is_no_plane_is_refused(qtbot, tmp_path, monkeypatch):
    window, canvas, tool = open_scene(qtbot, tmp_path, monkeypatch)
    doc = window.doc
    click_corners(qtbot, canvas, QUAD)
    # The top-left corner dragged inside the triangle of the other three: no order of
    # the four makes a convex quad.
    image_drag(qtbot, canvas, [QUAD[0], (120, 120), (180, 160)])
    assert not pc.is_convex(tool.points(canvas))
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.size == SIZE and doc.history.count == 0
    assert window.test_errors and len(tool.points(canvas)) == 4  # told; the quad kept


def test_homography_maps_corners_and_orders_them():
    square = [(0, 0), (1, 0), (1, 1), (0, 1)]
    m = pc.homography(square, QUAD)
    assert np.allclose(pc.project(m, square), QUAD)
    assert pc.ordered([QUAD[3], QUAD[1], QUAD[0], QUAD[2]]) == [tuple(map(float, p)) for p in QUAD]
    assert pc.is_convex(QUAD) and not pc.is_convex([QUAD[0], QUAD[2], QUAD[1], QUAD[3]])
    r = pc.rectifying(QUAD, 160, 120)
    assert np.allclose(pc.project(r, QUAD), [(0, 0), (160, 0), (160, 120), (0, 120)])
    assert Box(0, 0, *pc.natural_size(QUAD)).w > 0


def test_paths_go_through_the_same_map():
    """A path round the board's picture ends at the output's corners (the model alone)."""
    from editor.model import Document, paths

    doc = Document(*SIZE)
    doc.add_image(scene(), "Background", 0, 0)
    knots = np.repeat(np.asarray(QUAD, np.float64)[:, None, :], 3, axis=1)  # corner knots
    paths.add_subpath(doc, knots, True)
    pc.perspective_crop(doc, QUAD, 160, 120)
    moved = paths.work_path(doc).vector.moved_knots()[0][:, 1]
    assert np.allclose(moved, [(0, 0), (160, 0), (160, 120), (0, 120)], atol=1e-6)
    doc.history.undo()
    assert np.allclose(paths.work_path(doc).vector.moved_knots()[0][:, 1], QUAD)
