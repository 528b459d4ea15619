"""Filter > Vanishing Point… (Alt+Ctrl+V), driven through the window on a checkerboard drawn
in perspective: a plane clicked on the board's corners is blue (a bow-tie red, a corner
dragged across red, then blue again); the Stamp cloning the red square from the near rows
to the far ones paints it as small as the far squares are; a marquee's Alt+drag copy
shrinks the same way; a pasted square dragged into the plane (or pasted into a marquee)
lands as the plane's perspective quad; OK is one undo step inside the selection, Cancel
and Esc leave the layer bit-identical, the dialog's Ctrl+Z takes a stroke back; on a new
empty layer the Stamp reads the picture and paints the new layer only.

The board is drawn here with OpenCV's own homography (not the editor's): the expected sizes
and corners come from it."""
from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from editor.ui.qimage import rgba_to_qimage

from ui_helpers import drag, in_modal_dialog, pasted_window

W, H = 240, 180
N = 8                                          # the board's squares a side
QUAD = [(80, 20), (160, 20), (230, 170), (10, 170)]  # its corners: far edge at the top
STICKER = (3, 6)                               # (column, row) of the red square, near
ALT = Qt.KeyboardModifier.AltModifier


def board_matrix() -> np.ndarray:
    """Board coordinates (0..N squares) -> canvas."""
    return cv2.getPerspectiveTransform(np.float32([(0, 0), (N, 0), (N, N), (0, N)]),
                                       np.float32(QUAD))


def to_canvas(m, pts) -> np.ndarray:
    return cv2.perspectiveTransform(np.float64(pts).reshape(-1, 1, 2), m).reshape(-1, 2)


def board() -> np.ndarray:
    """The checkerboard in perspective (grey beyond it), a red square at STICKER."""
    inv = np.linalg.inv(board_matrix())
    ys, xs = np.mgrid[:H, :W].astype(np.float64) + 0.5
    uv = to_canvas(inv, np.column_stack([xs.ravel(), ys.ravel()])).reshape(H, W, 2)
    u, v = uv[..., 0], uv[..., 1]
    out = np.zeros((H, W, 4), np.uint8)
    out[..., 3] = 255
    out[..., :3] = 128
    on = (u >= 0) & (u < N) & (v >= 0) & (v < N)
    light = ((np.floor(u) + np.floor(v)) % 2 == 0) & on
    out[light, :3] = 235
    out[on & ~light, :3] = 40
    red = on & (np.floor(u) == STICKER[0]) & (np.floor(v) == STICKER[1])
    out[red, :3] = (230, 20, 20)
    return out


def red(pixels: np.ndarray) -> np.ndarray:
    return (pixels[..., 0] > 150) & (pixels[..., 1] < 110) & (pixels[..., 2] < 110)


def at(view, x: float, y: float) -> QPoint:
    return QPoint(round(x * view.zoom), round(y * view.zoom))


def path(view, a, b, n: int = 10) -> list[QPoint]:
    return [at(view, a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n)
            for i in range(n + 1)]


def click(qtbot, view, x, y, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, modifier, at(view, x, y))


def make_plane(qtbot, dialog, quad=QUAD) -> None:
    """Create Plane (the tool the dialog opens with): the four corners clicked."""
    assert dialog.tool == "create"
    for x, y in quad:
        click(qtbot, dialog.view, x, y)
    assert dialog.tool == "edit"  # (as Photoshop's: Edit Plane once it is made)


def key(qtbot, dialog, which) -> None:
    """A tool's letter typed in the dialog (its shortcuts need it active, as a user's is)."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    QTest.keyClick(dialog, which)


def square_centre(col: float, row: float) -> tuple[float, float]:
    x, y = to_canvas(board_matrix(), [(col + 0.5, row + 0.5)])[0]
    return float(x), float(y)


def square_size(col: int, row: int) -> tuple[float, float]:
    """A board square's width at its middle row and its height, on the canvas."""
    m = board_matrix()
    left, right, top, bottom = to_canvas(m, [(col, row + 0.5), (col + 1, row + 0.5),
                                             (col + 0.5, row), (col + 0.5, row + 1)])
    return float(right[0] - left[0]), float(bottom[1] - top[1])


def blob_size(mask: np.ndarray) -> tuple[float, float]:
    """A red blob's width at its middle row and its height (pixels)."""
    ys, xs = np.nonzero(mask)
    mid = (ys.min() + ys.max()) // 2
    return float(mask[mid].sum()), float(ys.max() - ys.min() + 1)


def vanishing_point(qtbot, w, drive, cancel: bool = False) -> dict:
    action = w.actions["filter_vanishing_point"]
    assert action in w.menus["filter"].actions()
    assert action.shortcut().toString() == "Ctrl+Alt+V"

    def inside(dialog, seen):
        drive(dialog)
        seen["cancel"] = cancel

    return in_modal_dialog(qtbot, action.trigger, inside, "VanishingPointDialog")


def test_the_plane_is_blue_on_the_board_and_red_as_a_bow_tie(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, board(), 1.0)

    def drive(dialog):
        make_plane(qtbot, dialog)
        assert dialog.planes[0].state() == "valid"
        shot = dialog.view.grab().toImage()
        x, y = at(dialog.view, 100, 20).x(), at(dialog.view, 100, 20).y()  # the far edge
        colours = [shot.pixelColor(x, y + k) for k in range(-2, 3)]
        assert any(c.blue() > 200 and c.red() < 100 for c in colours), colours
        dialog.choose("create")
        make_plane(qtbot, dialog, [QUAD[0], QUAD[1], QUAD[3], QUAD[2]])  # edges crossed
        assert dialog.planes[1].state() == "invalid"
        assert "red" in dialog.note.text()
    vanishing_point(qtbot, w, drive, cancel=True)


def stamp_far(qtbot, target=(3, 1)):
    """The red square cloned from the near rows to square `target` by the Stamp."""
    return lambda dialog: _stamp(qtbot, dialog, target)


def _stamp(qtbot, dialog, target) -> None:
    make_plane(qtbot, dialog)
    view = dialog.view
    key(qtbot, dialog, Qt.Key.Key_S)
    assert dialog.tool == "stamp"
    cell = dialog.planes[0].size()[0] / N  # a square in plane units, about
    dialog.diameter.setValue(round(3 * cell))
    source, dest = square_centre(*STICKER), square_centre(*target)
    click(qtbot, view, *source, ALT)
    drag(qtbot, view, [at(view, *dest), at(view, dest[0] + 1, dest[1])])


def test_the_stamp_clones_in_perspective_and_ok_is_one_undo_step(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, board(), 1.0)
    doc, layer = w.doc, w.doc.active
    before = layer.pixels.copy()
    steps = doc.history.index
    vanishing_point(qtbot, w, stamp_far(qtbot))
    assert doc.history.index == steps + 1
    assert doc.history.undo_name() == "Vanishing Point"
    after = layer.pixels
    new = red(after) & ~red(before)
    assert new[:60].any() and not new[60:].any()  # painted on the far rows only
    width, height = blob_size(new)
    far_w, far_h = square_size(3, 1)
    near_w, near_h = square_size(*STICKER)
    got_w, got_h = blob_size(red(before))
    assert abs(got_w - near_w) <= 1.5 and abs(got_h - near_h) <= 1.5  # (the test's own ruler)
    # The clone is as small as the far squares, not as large as the near one it came from.
    assert far_w / near_w < 0.6
    assert abs(width - far_w) <= 1.5, (width, far_w, near_w)
    assert abs(height - far_h) <= 1.5, (height, far_h, near_h)
    assert abs(width / got_w - far_w / near_w) < 0.08
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)


def test_cancel_and_esc_leave_the_layer_bit_identical(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, board(), 1.0)
    doc, layer = w.doc, w.doc.active
    before = layer.pixels.copy()
    steps, name = doc.history.index, doc.history.undo_name()

    def changed(dialog):
        stamp_far(qtbot)(dialog)
        assert red(dialog.picture[:60]).any()  # the dialog's picture did change
    vanishing_point(qtbot, w, changed, cancel=True)
    np.testing.assert_array_equal(layer.pixels, before)
    assert doc.history.index == steps and doc.history.undo_name() == name

    def escape():
        dialog = QApplication.activeModalWidget()
        try:
            seen["dialog"] = dialog.objectName()
            stamp_far(qtbot)(dialog)
            QTest.keyClick(dialog.view, Qt.Key.Key_Escape)
            seen["closed"] = not dialog.isVisible()
        finally:
            if dialog.isVisible():
                dialog.reject()
    seen: dict = {}
    QTimer.singleShot(0, escape)
    w.actions["filter_vanishing_point"].trigger()
    assert seen == {"dialog": "VanishingPointDialog", "closed": True}
    np.testing.assert_array_equal(layer.pixels, before)
    assert doc.history.index == steps


def test_alt_drag_of_a_marquee_moves_a_copy_that_shrinks_along_the_plane(qtbot, tmp_path,
                                                                          monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, board(), 1.0)
    layer = w.doc.active
    before = layer.pixels.copy()

    def drive(dialog):
        make_plane(qtbot, dialog)
        view = dialog.view
        key(qtbot, dialog, Qt.Key.Key_M)
        m = board_matrix()
        # A marquee round the red square (a little inside its edges).
        a, b = to_canvas(m, [(STICKER[0] + 0.1, STICKER[1] + 0.1),
                             (STICKER[0] + 0.9, STICKER[1] + 0.9)])
        drag(qtbot, view, path(view, a, b))
        assert dialog.marquee is not None
        start, end = square_centre(*STICKER), square_centre(3, 1)
        drag(qtbot, view, path(view, start, end), modifier=ALT)
        assert dialog.floating is not None
    vanishing_point(qtbot, w, drive)
    new = red(layer.pixels) & ~red(before)
    width, height = blob_size(new)
    far_w, far_h = square_size(3, 1)
    # 0.8 of a square, copied: 0.8 of the far square's size (the view's whole-pixel
    # pointer puts it within a pixel or so of the square's middle).
    assert abs(width - 0.8 * far_w) <= 2.0, (width, far_w)
    assert abs(height - 0.8 * far_h) <= 2.0, (height, far_h)
    assert red(layer.pixels).sum() > red(before).sum()  # a copy: the old one stays


def plane_matrix() -> np.ndarray:
    """The plane's own coordinates -> canvas, by the test's own homography: the plane's
    rectangle is the quad's mean edge lengths (one unit about a pixel)."""
    q = np.float64(QUAD)
    pw = round((np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2)
    ph = round((np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2)
    return cv2.getPerspectiveTransform(np.float32([(0, 0), (pw, 0), (pw, ph), (0, ph)]),
                                       np.float32(QUAD)).astype(np.float64)


def blue_square(side: int) -> None:
    blue = np.zeros((side, side, 4), np.uint8)
    blue[..., 2] = 255
    blue[..., 3] = 255
    QGuiApplication.clipboard().setImage(rgba_to_qimage(blue))


def blue_corners(pixels: np.ndarray) -> np.ndarray:
    """The corners of the blue quad on the layer (its outline's hull, simplified)."""
    shown = (pixels[..., 2] > 128) & (pixels[..., 0] < 100)
    contours, _ = cv2.findContours(shown.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_NONE)
    outline = max(contours, key=cv2.contourArea)
    return cv2.approxPolyDP(cv2.convexHull(outline), 2.0, True).reshape(-1, 2) + 0.5


def assert_corners(corners: np.ndarray, expected: np.ndarray) -> None:
    assert len(corners) == 4, corners
    for e in expected:
        error = np.min(np.linalg.norm(corners - e, axis=1))
        assert error <= 1.5, (e, corners)


def test_a_pasted_square_dragged_into_the_plane_lands_as_its_perspective_quad(
        qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, board(), 1.0)
    layer = w.doc.active
    side = 40
    blue_square(side)
    seen = {}

    def drive(dialog):
        make_plane(qtbot, dialog)
        view = dialog.view
        assert dialog.findChild(QPushButton, "VanishingPoint_paste") is not None
        dialog.activateWindow()  # Edit > Paste's keys, in the dialog
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        QTest.keyClick(dialog, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        assert dialog.floating is not None and dialog.tool == "marquee"
        flat = dialog.floating.corners()  # flat at the top-left, as Photoshop's
        np.testing.assert_allclose(flat, [(0, 0), (side, 0), (side, side), (0, side)])
        start, end = (20, 20), square_centre(3, 5)  # grabbed by its middle, into the plane
        drag(qtbot, view, path(view, start, end, 16))
        seen["from"], seen["to"], seen["zoom"] = at(view, *start), at(view, *end), view.zoom
    vanishing_point(qtbot, w, drive)
    m = plane_matrix()
    z = seen["zoom"]
    grab = (seen["from"].x() / z, seen["from"].y() / z)
    u, v = to_canvas(np.linalg.inv(m), [(seen["to"].x() / z, seen["to"].y() / z)])[0]
    u0, v0 = u - grab[0], v - grab[1]  # the grabbed pixel under the pointer, in the plane
    expected = to_canvas(m, [(u0, v0), (u0 + side, v0), (u0 + side, v0 + side),
                             (u0, v0 + side)])
    assert_corners(blue_corners(layer.pixels), expected)
    # A trapezoid, not the square it was: the far edge shorter than the near one.
    assert np.linalg.norm(expected[1] - expected[0]) < \
        0.9 * np.linalg.norm(expected[2] - expected[3])


def test_a_paste_with_a_marquee_goes_into_its_corner(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, board(), 1.0)
    layer = w.doc.active
    side = 30
    blue_square(side)
    seen = {}

    def drive(dialog):
        make_plane(qtbot, dialog)
        view = dialog.view
        dialog.choose("marquee")
        drag(qtbot, view, path(view, square_centre(2, 2), square_centre(5, 6)))
        seen["rect"] = dialog.marquee[1]
        dialog.findChild(QPushButton, "VanishingPoint_paste").click()
    vanishing_point(qtbot, w, drive)
    m = plane_matrix()
    u0, v0 = seen["rect"][:2]
    expected = to_canvas(m, [(u0, v0), (u0 + side, v0), (u0 + side, v0 + side),
                             (u0, v0 + side)])
    # (the marquee's corner lies where the view's whole pixel put it: checked against the
    # board's own homography, not the dialog's)
    corner = to_canvas(m, [(u0, v0)])[0]
    assert np.linalg.norm(corner - square_centre(2, 2)) <= 1.0
    assert_corners(blue_corners(layer.pixels), expected)


def test_on_a_new_empty_layer_the_stamp_reads_the_picture_and_paints_the_layer(
        qtbot, tmp_path, monkeypatch):
    """Photoshop's habit: a new layer first, so the results lie apart from the picture."""
    w = pasted_window(qtbot, tmp_path, monkeypatch, board(), 1.0)
    doc = w.doc
    picture = doc.active
    before = picture.pixels.copy()
    w.actions["new_layer"].trigger()
    layer = doc.active
    assert layer is not picture and layer.is_empty()
    steps = doc.history.index
    vanishing_point(qtbot, w, stamp_far(qtbot))
    assert doc.history.index == steps + 1
    np.testing.assert_array_equal(picture.pixels, before)  # the picture untouched
    painted = np.zeros((H, W, 4), np.uint8)
    painted[layer.y:layer.y + layer.height, layer.x:layer.x + layer.width] = layer.pixels
    width, _ = blob_size(red(painted))
    assert abs(width - square_size(3, 1)[0]) <= 1.5
    assert not painted[60:, :, 3].any()  # nothing but the dab: transparent elsewhere


def test_edit_plane_drags_corners_and_sets_the_grid_and_ctrl_z_takes_a_stamp_back(
        qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, board(), 1.0)
    doc, layer = w.doc, w.doc.active
    before = layer.pixels.copy()
    steps = doc.history.index

    def drive(dialog):
        make_plane(qtbot, dialog)
        view = dialog.view
        # The top-right corner dragged past the top-left one: the edges cross, red.
        drag(qtbot, view, path(view, QUAD[1], (40, 60)))
        assert dialog.planes[0].state() == "invalid" and "red" in dialog.note.text()
        drag(qtbot, view, path(view, (40, 60), QUAD[1]))  # and back: blue again
        assert dialog.planes[0].state() == "valid"
        np.testing.assert_allclose(dialog.planes[0].quad, QUAD, atol=0.5)
        lines = len(dialog.planes[0].grid_lines())
        dialog.grid.setValue(20)  # Grid Size: finer lines
        assert len(dialog.planes[0].grid_lines()) > lines + 6
        key(qtbot, dialog, Qt.Key.Key_S)
        dialog.diameter.setValue(60)
        click(qtbot, view, *square_centre(*STICKER), ALT)
        drag(qtbot, view, [at(view, *square_centre(3, 1))])
        assert red(dialog.picture[:60]).any()
        QTest.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        np.testing.assert_array_equal(dialog.picture, dialog.original)
    vanishing_point(qtbot, w, drive)
    assert doc.history.index == steps  # nothing changed: OK makes no step
    np.testing.assert_array_equal(layer.pixels, before)


def test_ok_changes_nothing_outside_the_selection(qtbot, tmp_path, monkeypatch):
    from editor.model.selection_ops import select_mask

    w = pasted_window(qtbot, tmp_path, monkeypatch, board(), 1.0)
    doc, layer = w.doc, w.doc.active
    before = layer.pixels.copy()
    cut = round(square_centre(3, 1)[0])  # the selection ends in the middle of the far square
    mask = np.zeros((H, W), np.uint8)
    mask[:, :cut] = 255
    select_mask(doc, mask)
    vanishing_point(qtbot, w, stamp_far(qtbot))
    np.testing.assert_array_equal(layer.pixels[:, cut:], before[:, cut:])
    assert (red(layer.pixels) & ~red(before))[:, :cut].any()


def test_a_smart_object_is_refused_in_one_line(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, board(), 1.0)
    w.actions["convert_to_smart_object"].trigger()
    steps = w.doc.history.index
    w.actions["filter_vanishing_point"].trigger()  # no dialog opens: the reason is told
    assert w.doc.history.index == steps
    (title, message), = w.test_errors
    assert title == "Could not apply Vanishing Point"
    assert "smart object" in message and "\n" not in message
