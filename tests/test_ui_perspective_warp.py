"""Edit > Perspective Warp driven as a user would: planes drawn in Layout and their corners
dragged onto a checkerboard seen in perspective, Warp's corners dragged to a rectangle
(the squares come out square), two planes joined stay joined, Shift+click and Automatic
Straighten, Enter commits one undo step (a linked mask follows), Esc leaves the layer as
it was; and the menu's enabled states."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from editor.model import LayerMask, perspective_warp as pw
from editor.model.commands import SetMask

from ui_helpers import image_drag, image_pos, photo, zoomed_photo_window

W, H = 120, 90
SQUARE = 10  # the flat board's squares, px
# The flat 6 x 4 board's corners as the camera sees it (clockwise from the top-left).
SEEN = [(30, 20), (90, 15), (100, 70), (20, 75)]
FLAT = [(30, 20), (90, 20), (90, 60), (30, 60)]  # a 60 x 40 rectangle: squares of 10 px


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 4.0)


def _start(window):
    window.actions["perspective_warp"].trigger()
    tool = window.tools.current
    assert window.tools.mode is tool and tool.id == "perspective_warp"
    return tool


def _button(tool, name: str) -> QToolButton:
    button = tool.options().findChild(QToolButton, name)
    assert button is not None, name
    return button


def _click(qtbot, widget, pos=None, modifier=Qt.KeyboardModifier.NoModifier):
    if pos is None:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, modifier)
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, modifier, pos)


def _drag_corner(qtbot, canvas, a, b):
    """A corner dragged from `a` to `b` in three moves."""
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    image_drag(qtbot, canvas, [a, mid, b])


def _board() -> np.ndarray:
    """A W x H opaque layer: a 6 x 4 checkerboard of 10 px squares seen in perspective (its
    corners at SEEN) on mid grey, drawn 4x larger and reduced (its edges smooth)."""
    import cv2

    f = 4
    yy, xx = np.mgrid[0:40 * f, 0:60 * f]
    flat = (((xx // (SQUARE * f)) + (yy // (SQUARE * f))) % 2 * 255).astype(np.uint8)
    m = cv2.getPerspectiveTransform(np.float32([(0, 0), (60, 0), (60, 40), (0, 40)]) * f,
                                    np.float32(SEEN) * f)
    seen = cv2.warpPerspective(flat, m, (W * f, H * f), flags=cv2.INTER_LINEAR,
                               borderValue=128)
    grey = cv2.resize(seen, (W, H), interpolation=cv2.INTER_AREA)
    return np.dstack([grey, grey, grey, np.full_like(grey, 255)])


def _on_canvas(layer) -> np.ndarray:
    """The layer's pixels on a transparent W x H canvas."""
    out = np.zeros((H, W, 4), np.uint8)
    x0, y0 = max(0, layer.x), max(0, layer.y)
    h, w = layer.pixels.shape[:2]
    x1, y1 = min(W, layer.x + w), min(H, layer.y + h)
    out[y0:y1, x0:x1] = layer.pixels[y0 - layer.y:y1 - layer.y, x0 - layer.x:x1 - layer.x]
    return out


def _crossings(profile: np.ndarray) -> list[float]:
    """Where a row (or column) of grey crosses the middle grey (pixel i's centre at i + 0.5)."""
    v = profile.astype(float) - 127.5
    out = []
    for i in range(len(v) - 1):
        if v[i] * v[i + 1] < 0:
            out.append(i + 0.5 + v[i] / (v[i] - v[i + 1]))
    return out


def _square_edges(grey: np.ndarray) -> tuple[list, list]:
    """The board's inner edges measured in the FLAT rectangle of canvas `grey`: for each
    row of squares, the crossings along its middle rows (x), and for each column of squares
    along its middle columns (y), relative to the rectangle's corner."""
    x0, y0 = FLAT[0]
    xs, ys = [], []
    for r in range(4):
        for y in (y0 + r * SQUARE + 4, y0 + r * SQUARE + 5):
            xs.append([v + 2 for v in _crossings(grey[y, x0 + 2:x0 + 58])])
    for c in range(6):
        for x in (x0 + c * SQUARE + 4, x0 + c * SQUARE + 5):
            ys.append([v + 2 for v in _crossings(grey[y0 + 2:y0 + 38, x])])
    return xs, ys


def _lay_out_board(qtbot, opened):
    """Layout: a plane drawn and its corners dragged onto the board's; then Warp."""
    canvas = opened.canvas
    tool = _start(opened)
    assert tool.mode == "layout"
    image_drag(qtbot, canvas, [(40, 30), (60, 45), (80, 60)])  # a plane drawn
    assert len(tool.quads) == 1
    np.testing.assert_array_equal(tool.points[tool.quads[0]],
                                  [(40, 30), (80, 30), (80, 60), (40, 60)])
    for a, b in zip([(40, 30), (80, 30), (80, 60), (40, 60)], SEEN):
        _drag_corner(qtbot, canvas, a, b)
    np.testing.assert_array_equal(tool.points[tool.quads[0]], SEEN)
    _click(qtbot, _button(tool, "PerspectiveWarp"))
    assert tool.mode == "warp"
    return tool


def test_a_board_seen_in_perspective_comes_out_with_square_squares(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    pixels = _board()
    layer = doc.add_image(pixels, "Board", 0, 0)
    steps = doc.history.count
    # Before: the squares are not square (far side narrower, the near side wider).
    xs, ys = _square_edges(pixels[..., 0])
    assert any(len(row) != 5 or np.abs(np.array(row) - np.arange(10, 60, 10)).max() > 2
               for row in xs)
    tool = _lay_out_board(qtbot, opened)
    for a, b in zip(SEEN, FLAT):
        _drag_corner(qtbot, canvas, a, b)
    np.testing.assert_array_equal(tool.warped[tool.quads[0]], FLAT)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert opened.tools.mode is None
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Perspective Warp"
    after = _on_canvas(layer)
    xs, ys = (np.array(v) for v in _square_edges(after[..., 0]))
    # Every inner edge of the board where a flat board has it: squares of 10 x 10 px.
    assert xs.shape == (8, 5) and ys.shape == (12, 3)
    x_off = np.abs(xs - np.arange(10, 60, 10)).max()
    y_off = np.abs(ys - np.arange(10, 40, 10)).max()
    widths, heights = np.diff(xs, axis=1), np.diff(ys, axis=1)
    # (measured: within 0.06 px across, 0.11 px down; squares 10.00 x 10.00 px on average)
    assert x_off < 0.3 and y_off < 0.3, (x_off, y_off)
    assert abs(widths.mean() / heights.mean() - 1) < 0.01
    # Undo puts the layer back exactly; redo warps it again.
    opened.actions["undo"].trigger()
    assert (layer.x, layer.y) == (0, 0)
    np.testing.assert_array_equal(layer.pixels, pixels)
    opened.actions["redo"].trigger()
    np.testing.assert_array_equal(_on_canvas(layer), after)


def test_esc_leaves_the_layer_bit_identical(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    pixels = _board()
    layer = doc.add_image(pixels, "Board", 0, 0)
    steps = doc.history.count
    tool = _lay_out_board(qtbot, opened)
    _drag_corner(qtbot, canvas, SEEN[1], (95, 5))
    assert not tool._unchanged()
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert opened.tools.mode is None and doc.history.count == steps
    assert (layer.x, layer.y) == (0, 0)
    np.testing.assert_array_equal(layer.pixels, pixels)


def test_two_planes_joined_share_their_side_and_warp_without_a_tear(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    # A smooth ramp: red along x, green along y (a tear shows as a jump).
    yy, xx = np.mgrid[0:H, 0:W]
    pixels = np.dstack([xx * 2, yy * 2, np.full_like(xx, 90), np.full_like(xx, 255)]
                       ).astype(np.uint8)
    layer = doc.add_image(pixels, "Ramp", 0, 0)
    tool = _start(opened)
    image_drag(qtbot, canvas, [(20, 20), (40, 40), (60, 70)])
    # The second plane drawn 2 px off the first's right side: it snaps on and joins it.
    image_drag(qtbot, canvas, [(62, 22), (80, 40), (100, 68)])
    assert len(tool.quads) == 2 and len(tool.points) == 6
    shared = sorted(set(tool.quads[0]) & set(tool.quads[1]))
    assert len(shared) == 2
    np.testing.assert_array_equal(sorted(map(tuple, tool.points[shared])), [(60, 20), (60, 70)])
    np.testing.assert_array_equal(tool.points[tool.quads[1]],
                                  [(60, 20), (100, 22), (100, 68), (60, 70)])
    _click(qtbot, _button(tool, "PerspectiveWarp"))
    _drag_corner(qtbot, canvas, (60, 20), (66, 14))  # the shared corners move both planes
    _drag_corner(qtbot, canvas, (60, 70), (56, 76))
    _drag_corner(qtbot, canvas, (100, 22), (106, 32))
    _drag_corner(qtbot, canvas, (20, 70), (26, 62))
    for q in tool.quads:  # the side is still the planes' one side
        assert {tuple(tool.warped[i]) for i in q} >= {(66.0, 14.0), (56.0, 76.0)}
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.undo_name() == "Perspective Warp"
    after = _on_canvas(layer).astype(int)
    # No gap: every pixel well inside either warped plane is opaque.
    import cv2

    drawn = np.zeros((H, W), np.uint8)
    for q in tool.quads:  # (pixel centres at + 0.5)
        cv2.fillConvexPoly(drawn, np.rint((tool.warped[q] - 0.5) * 16).astype(np.int32), 1,
                           lineType=cv2.LINE_8, shift=4)
    inside = cv2.erode(drawn, np.ones((5, 5), np.uint8)).astype(bool)  # 2 px in
    assert inside.sum() > 3000
    assert (after[..., 3][inside] == 255).all()
    # No tear: across the shared side the ramp steps no more than it does inside a plane.
    step_x = np.abs(np.diff(after[..., :2], axis=1)).max(axis=-1)
    both = inside[:, 1:] & inside[:, :-1]
    rows = np.arange(20, 70)
    seam_x = np.round(66 + (56 - 66) * (rows + 0.5 - 14) / (76 - 14)).astype(int)
    near = np.zeros_like(both)
    for r, c in zip(rows, seam_x):
        near[r, c - 3:c + 3] = True
    seam = step_x[near & both].max()
    elsewhere = step_x[both & ~near].max()
    assert seam <= elsewhere + 1, (seam, elsewhere)


def test_straightening_sides_shift_click_and_the_automatic_buttons(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    doc.add_image(_board(), "Board", 0, 0)
    tool = _lay_out_board(qtbot, opened)
    steps = len(tool._plane_steps)
    for name in ("PerspectiveStraightenVertical", "PerspectiveStraightenHorizontal",
                 "PerspectiveStraightenBoth"):
        assert _button(tool, name).isEnabled()
    _click(qtbot, _button(tool, "PerspectiveStraightenVertical"))
    tl, tr, br, bl = tool.warped[tool.quads[0]]
    assert tl[0] == bl[0] == 25 and tr[0] == br[0] == 95  # left and right sides upright
    assert (tl[1], tr[1]) == (20, 15)  # the top side left as it was
    opened.actions["undo"].trigger()  # Ctrl+Z while it runs: one step back in the mode
    assert opened.tools.mode is tool and len(tool._plane_steps) == steps
    np.testing.assert_array_equal(tool.warped[tool.quads[0]], SEEN)
    # Shift+click the top side: horizontal, and kept so while its corner moves.
    _click(qtbot, canvas, image_pos(canvas, 60, 17.5), Qt.KeyboardModifier.ShiftModifier)
    tl, tr = tool.warped[tool.quads[0][:2]]
    assert tl[1] == tr[1] == 17.5 and (tl[0], tr[0]) == (30, 90)
    _drag_corner(qtbot, canvas, (90, 17.5), (92, 10))
    tl, tr = tool.warped[tool.quads[0][:2]]
    assert tl[1] == tr[1] == 10 and tuple(tr) == (92, 10) and tl[0] == 30
    _click(qtbot, _button(tool, "PerspectiveStraightenBoth"))
    tl, tr, br, bl = tool.warped[tool.quads[0]]
    assert tl[0] == bl[0] and tr[0] == br[0] and tl[1] == tr[1] and bl[1] == br[1]
    # Back to Layout: the plane as laid out (the Straighten buttons are Warp's only); a
    # corner moved there brings its warped place along; back in Warp the warp is as it was.
    warped = tool.warped.copy()
    _click(qtbot, _button(tool, "PerspectiveLayout"))
    assert tool.mode == "layout" and not _button(tool, "PerspectiveStraightenBoth").isEnabled()
    _drag_corner(qtbot, canvas, SEEN[0], (28, 22))
    assert tuple(tool.points[tool.quads[0][0]]) == (28, 22)
    _click(qtbot, _button(tool, "PerspectiveWarp"))
    np.testing.assert_array_equal(tool.warped - warped, np.where(
        np.arange(len(warped))[:, None] == tool.quads[0][0], (-2, 2), 0))
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)


def test_warp_without_a_plane_says_so_and_a_linked_mask_follows(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    layer = doc.add_image(photo(60, 40, "astronaut"), "Astronaut", 30, 20)
    # A mask revealing exactly the layer, hiding outside: warped the same way it must equal
    # the layer's warped alpha.
    doc.history.push(SetMask(layer, LayerMask(np.full((40, 60), 255, np.uint8), 30, 20,
                                              default=0)))
    steps = doc.history.count
    tool = _start(opened)
    _click(qtbot, _button(tool, "PerspectiveWarp"))
    assert tool.mode == "layout" and _button(tool, "PerspectiveLayout").isChecked()
    assert "draw a plane" in opened.statusBar().currentMessage()
    image_drag(qtbot, canvas, [(30, 20), (60, 40), (90, 60)])
    _click(qtbot, _button(tool, "PerspectiveWarp"))
    _drag_corner(qtbot, canvas, (90, 20), (96, 30))
    _drag_corner(qtbot, canvas, (30, 60), (36, 50))
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.count == steps + 1
    assert layer.bounds() == layer.mask.bounds() and layer.bounds().w > 60
    np.testing.assert_array_equal(layer.mask.pixels, layer.pixels[..., 3])
    # Where the corner went, the layer's corner pixel went.
    corner = pw.map_points(tool.points, tool.quads, tool.warped, np.array([[89.5, 20.5]]))
    assert np.allclose(corner, [[95.5, 30.5]], atol=0.2)


def test_the_edit_menu_offers_it_for_layers_with_pixels(opened, qtbot):
    w = opened
    menu = [a.text().replace("&", "") for a in w.menus["edit"].actions()]
    assert menu.index("Perspective Warp") == menu.index("Puppet Warp") + 1
    assert w.actions["perspective_warp"].isEnabled()  # the photo: a pixel layer
    doc = w.doc
    layer = next(doc.layers())
    w.actions["group"].trigger()
    assert not w.actions["perspective_warp"].isEnabled()  # a group
    doc.set_active(layer)
    w.update_actions()
    assert w.actions["perspective_warp"].isEnabled()
    assert w.actions["filter_gaussian_blur"].isEnabled()
    # While it runs the Filter menu stays enabled; Esc ends it and nothing changes.
    steps = doc.history.count
    _start(w)
    assert w.actions["filter_gaussian_blur"].isEnabled()
    assert w.actions["perspective_warp"].isEnabled()
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
    assert w.tools.mode is None and doc.history.count == steps


def test_the_mapping_is_each_planes_homography_inside_and_continuous_across_a_shared_side():
    points = np.array([(0, 0), (100, 0), (100, 80), (0, 80), (200, 0), (200, 80)], float)
    quads = np.array([(0, 1, 2, 3), (1, 4, 5, 2)])
    warped = points + [(0, 0), (15, -10), (-10, 12), (5, 0), (-20, 6), (0, 0)]
    hs = pw.homographies(points, quads, warped)

    def through(h, q):
        p = np.column_stack([q, np.ones(len(q))]) @ h.T
        return p[:, :2] / p[:, 2:]

    # Deep inside each plane (beyond the hand-over band): its own homography.
    deep = [np.array([(30, 40), (50, 20), (60, 60)]), np.array([(140, 40), (170, 20)])]
    for h, q in zip(hs, deep):
        np.testing.assert_allclose(pw.map_points(points, quads, warped, q), through(h, q),
                                   atol=1e-6)
    # Along the shared side the two homographies disagree by pixels ...
    side = np.column_stack([np.full(9, 100.0), np.linspace(0, 80, 9)])
    assert np.abs(through(hs[0], side) - through(hs[1], side)).max() > 1.0
    # ... but the mapping does not jump: 1e-4 px either side lands within 1e-3 px, and the
    # side's ends are the shared warped corners.
    left = pw.map_points(points, quads, warped, side - (1e-4, 0))
    right = pw.map_points(points, quads, warped, side + (1e-4, 0))
    assert np.abs(left - right).max() < 1e-3
    ends = pw.map_points(points, quads, warped, side[[0, -1]])
    np.testing.assert_allclose(ends, warped[[1, 2]], atol=1e-6)


def test_a_layer_it_cannot_warp_is_refused_in_one_line(opened, qtbot):
    doc = opened.doc
    empty = doc.add_image(np.zeros((10, 10, 4), np.uint8), "Empty", 5, 5)
    hidden = doc.add_image(photo(20, 10, "astronaut"), "Hidden", 30, 20)
    doc.set_visible(hidden, False)
    locked = doc.add_image(photo(20, 10, "astronaut"), "Locked", 30, 20)
    doc.set_locked(locked, True)
    doc.set_active(doc.add_image(photo(20, 10, "chelsea"), "Smart", 10, 10))
    opened.update_actions()
    opened.actions["convert_to_smart_object"].trigger()
    smart = doc.active
    assert smart.kind == "smartobject"
    for layer, words in ((empty, "nothing"), (hidden, "hidden"), (locked, "locked"),
                         (smart, "rasterize > smart object")):
        doc.set_active(layer)
        opened.update_actions()
        assert opened.actions["perspective_warp"].isEnabled()
        before = len(opened.test_errors)
        opened.actions["perspective_warp"].trigger()
        assert opened.tools.mode is None and len(opened.test_errors) == before + 1
        message = opened.test_errors[-1][1]
        assert words in message.lower() and "\n" not in message, message
