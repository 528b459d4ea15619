"""Select > Transform Selection in the real window, driven as a user does: Free Transform's
handles and options-bar fields on the selection's outline, Enter committing one undo step,
Esc leaving the selection as it was, the layer's pixels untouched."""
import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from editor.model import selection_ops
from editor.model.selection_ops import current_mask
from editor.ui.qimage import rgba_to_qimage
from engine.box import Box, mask_bounds
from ui_helpers import image_drag, image_pos, make_window

GREY = 128


@pytest.fixture
def w(qtbot, tmp_path, monkeypatch):
    """A flat grey 96 x 64 picture (the ants show on it as black and white), zoom 4, the
    Rectangular Marquee Tool chosen."""
    window = make_window(qtbot, tmp_path, monkeypatch)
    pixels = np.full((64, 96, 4), GREY, np.uint8)
    pixels[..., 3] = 255
    QGuiApplication.clipboard().setImage(rgba_to_qimage(pixels))
    window.actions["paste"].trigger()
    qtbot.waitUntil(lambda: window.doc is not None)
    window.canvas.set_zoom(4.0)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.tools.select("marquee")
    window.canvas.setFocus()
    return window


def marquee(w, qtbot, x, y, width, height) -> None:
    image_drag(qtbot, w.canvas, [(x, y), (x + width / 2, y + height / 2), (x + width, y + height)])
    assert w.doc.selection == Box(x, y, width, height)


def start(w):
    assert w.actions["transform_selection"].isEnabled()
    w.actions["transform_selection"].trigger()
    tool = w.tools.current
    assert tool.id == "transform_selection" and tool.label == "Transform Selection"
    return tool


def layer_state(doc):
    layer = doc.active
    return layer.x, layer.y, layer.pixels.copy()


def ants_near(w, x: float, y: float) -> bool:
    """Whether the canvas shows marching ants (black and white dashes: not the grey
    picture, nor the transform frame's blue line and its grey shadow) within 2 widget
    pixels of image point (x, y)."""
    canvas = w.canvas
    image = canvas.grab().toImage()
    p = canvas.image_to_widget(QPointF(x, y))
    dpr = image.devicePixelRatio()
    for dx in range(-2, 3):
        for dy in range(-2, 3):
            c = image.pixelColor(round((p.x() + dx) * dpr), round((p.y() + dy) * dpr))
            rgb = (c.red(), c.green(), c.blue())
            if max(rgb) < 20 or min(rgb) > 235:
                return True
    return False


def test_corner_drag_scales_the_box_selection_200_percent(w, qtbot):
    doc, canvas = w.doc, w.canvas
    marquee(w, qtbot, 8, 8, 40, 20)
    before = layer_state(doc)
    steps = doc.history.index
    start(w)
    # The bottom-right handle dragged from (48, 28) to (88, 48): the ratio kept, as Free
    # Transform's corners do (no Shift), the top-left corner staying.
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     image_pos(canvas, 48, 28))
    for x, y in ((60, 34), (88, 48)):
        QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, image_pos(canvas, x, y))
    # While dragging the ants run along the transformed outline, not the old one, and the
    # selection itself has not changed yet.
    assert ants_near(w, 88, 30) and not ants_near(w, 48, 20)
    assert doc.selection == Box(8, 8, 40, 20) and doc.history.index == steps
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       image_pos(canvas, 88, 48))
    assert w.tools.current._fields["w"].value() == pytest.approx(200, abs=1)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert w.tools.mode is None and w.tools.current.id == "marquee"
    mask = current_mask(doc)
    ys, xs = np.nonzero(mask >= 128)
    assert (xs.min(), xs.max() + 1, ys.min(), ys.max() + 1) == (8, 88, 8, 48)  # 80 x 40
    assert (mask[8:48, 8:88] >= 128).all()
    assert doc.selection == Box(8, 8, 80, 40) and doc.selection_mask is None  # crisp
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Transform Selection"
    after = layer_state(doc)
    assert after[:2] == before[:2] and np.array_equal(after[2], before[2])
    # The ants follow the new outline; Ctrl+Z brings the 40 x 20 box back.
    assert ants_near(w, 88, 30) and not ants_near(w, 48, 20)
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.selection == Box(8, 8, 40, 20) and doc.selection_mask is None


def test_angle_field_turns_the_box_a_quarter(w, qtbot):
    doc = w.doc
    marquee(w, qtbot, 30, 20, 40, 20)  # its centre: (50, 30)
    tool = start(w)
    tool._fields["angle"].setValue(90.0)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    assert w.tools.mode is None
    mask = current_mask(doc)
    assert mask_bounds(mask) == Box(40, 10, 20, 40)
    # (a box turned a quarter stays a crisp box: the polygon of its corners, not resampled)
    assert doc.selection == Box(40, 10, 20, 40) and doc.selection_mask is None
    assert (mask[10:50, 40:60] >= 250).all() and mask.sum() <= 20 * 40 * 255 + 255 * 8
    assert doc.history.undo_name() == "Transform Selection"


def test_a_feathered_mask_keeps_its_softness_when_moved(w, qtbot):
    doc, canvas = w.doc, w.canvas
    marquee(w, qtbot, 20, 16, 30, 20)
    selection_ops.feather(doc, 6)  # (Select > Feather's own command)
    soft = current_mask(doc)
    assert 100 < np.count_nonzero((soft > 10) & (soft < 245))
    before = layer_state(doc)
    start(w)
    image_drag(qtbot, canvas, [(35, 26), (40, 30), (45, 31)])  # inside: a move by (10, 5)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    moved = current_mask(doc)
    expected = np.zeros_like(soft)
    expected[5:, 10:] = soft[:-5, :-10]
    assert np.abs(moved.astype(int) - expected).max() <= 3  # the same soft edge, moved
    assert doc.selection_mask is not None
    after = layer_state(doc)
    assert np.array_equal(after[2], before[2])


def test_a_lasso_mask_distorted_by_a_corner_is_resampled(w, qtbot):
    doc, canvas = w.doc, w.canvas
    lasso = [(20, 10), (50, 14), (40, 40), (24, 34)]
    selection_ops.select_mask(doc, selection_ops.polygon_mask(doc, lasso), "replace", "Lasso")
    tool = start(w)
    box = tool.frame
    # Ctrl+drag on the bottom-right corner: that corner alone goes 10 px right, 8 down.
    x1, y1 = box.x + box.w, box.y + box.h
    image_drag(qtbot, canvas, [(x1, y1), (x1 + 5, y1 + 4), (x1 + 10, y1 + 8)],
               modifier=Qt.KeyboardModifier.ControlModifier)
    assert tool.quad is not None
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    # The lasso's corners sent through the projective map of the frame onto the new quad.
    frame = np.float32([(box.x, box.y), (x1, box.y), (x1, y1), (box.x, y1)])
    quad = frame.copy()
    quad[2] += (10, 8)
    m = cv2.getPerspectiveTransform(frame, quad)
    points = cv2.perspectiveTransform(np.float32([lasso]), m)[0]
    bounds = mask_bounds(np.where(current_mask(doc) >= 128, 255, 0).astype(np.uint8))
    assert points[:, 1].max() > 43  # (the corner moved the lasso's bottom down from 40)
    for got, want in ((bounds.x, points[:, 0].min()), (bounds.y, points[:, 1].min()),
                      (bounds.x + bounds.w, points[:, 0].max()),
                      (bounds.y + bounds.h, points[:, 1].max())):
        assert abs(got - want) <= 1
    assert doc.selection_mask is not None
    assert doc.history.undo_name() == "Transform Selection"


def test_escape_leaves_the_selection_as_it_was(w, qtbot):
    doc, canvas = w.doc, w.canvas
    marquee(w, qtbot, 8, 8, 40, 20)
    steps = doc.history.index
    start(w)
    image_drag(qtbot, canvas, [(48, 28), (70, 40), (88, 48)])
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert w.tools.mode is None
    assert doc.selection == Box(8, 8, 40, 20) and doc.selection_mask is None
    assert doc.history.index == steps
    assert ants_near(w, 48, 20)  # the canvas's own ants are back


def test_no_selection_no_transform_selection(w, qtbot):
    assert w.doc.selection is None
    w.update_actions()
    assert not w.actions["transform_selection"].isEnabled()
    w.select_commands.transform_selection()  # (were it reached another way)
    assert w.tools.mode is None
    (title, message), = w.test_errors
    assert "Select an area first" in message and "\n" not in message.strip()


def test_right_click_with_the_lasso_offers_transform_selection(w, qtbot):
    doc, canvas = w.doc, w.canvas
    marquee(w, qtbot, 8, 8, 40, 20)
    w.tools.select("lasso")
    seen = []

    def choose():
        menu = QApplication.activePopupWidget()
        seen.extend(a.text().replace("&", "") for a in menu.actions())
        (item,) = [a for a in menu.actions() if a.text() == "&Transform Selection"]
        assert item.isEnabled()
        menu.close()
        item.trigger()

    QTimer.singleShot(100, choose)
    # A right click (QTest sends no context-menu event of its own, the platform does).
    pos = image_pos(canvas, 30, 16)
    qtbot.mouseClick(canvas, Qt.MouseButton.RightButton, pos=pos)
    QApplication.sendEvent(canvas, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                                     canvas.mapToGlobal(pos)))
    qtbot.waitUntil(lambda: w.tools.mode is not None)
    assert seen[0] == "Deselect" and "Transform Selection" in seen
    assert w.tools.current.id == "transform_selection"
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert w.tools.mode is None and doc.selection == Box(8, 8, 40, 20)
