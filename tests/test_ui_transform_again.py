"""Edit > Transform > Again (Shift+Ctrl+T), Again with Duplicate (Shift+Ctrl+Alt+T), Scale,
Rotate, Skew and Rotate 180° in the real window, driven as a user does."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from editor.ui.qimage import rgba_to_qimage
from ui_helpers import image_drag, make_window, photo

CTRL, SHIFT, ALT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
                    Qt.KeyboardModifier.AltModifier)


@pytest.fixture
def w(qtbot, tmp_path, monkeypatch):
    """A 96 x 64 photo pasted as the background, a 24 x 16 layer on it at (36, 24), the
    window active and the canvas focused (the menus' shortcuts reach the window)."""
    window = make_window(qtbot, tmp_path, monkeypatch)
    QGuiApplication.clipboard().setImage(rgba_to_qimage(photo(96, 64)))
    window.actions["paste"].trigger()
    qtbot.waitUntil(lambda: window.doc is not None)
    window.doc.add_image(photo(24, 16, "astronaut"), "Small", 36, 24)
    window.canvas.set_zoom(4.0)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.canvas.setFocus()
    return window


def state(layer):
    return layer.x, layer.y, layer.pixels.copy()


def same(a, b) -> bool:
    return a[:2] == b[:2] and np.array_equal(a[2], b[2])


def free_transform(w, qtbot, scale: float, angle: float, action="free_transform") -> None:
    """Ctrl+T (or an Edit > Transform item), W `scale` % (H follows, linked), the angle
    typed in the options bar, Enter."""
    w.actions[action].trigger()
    tool = w.tools.current
    assert tool.id == "transform"
    tool._fields["w"].setValue(scale)
    tool._fields["angle"].setValue(angle)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    assert w.tools.mode is None


def like(a, b, tolerance: float) -> None:
    """Two layers alike on the canvas within resampling error: the alpha close, and the
    colours where both are (nearly) opaque."""
    ca, cb = a.astype(int), b.astype(int)
    assert np.abs(ca[..., 3] - cb[..., 3]).mean() < tolerance
    both = (ca[..., 3] >= 200) & (cb[..., 3] >= 200)
    assert both.sum() > 100
    assert np.abs(ca[..., :3] - cb[..., :3])[both].mean() < tolerance


def opaque_size(pixels) -> tuple[int, int]:
    ys, xs = np.nonzero(pixels[..., 3] > 127)
    return xs.max() - xs.min() + 1, ys.max() - ys.min() + 1


def test_transform_again_repeats_the_last_free_transform(w, qtbot):
    doc, canvas = w.doc, w.canvas
    layer = doc.active
    assert not w.actions["transform_again"].isEnabled()  # nothing to repeat yet
    free_transform(w, qtbot, 80.0, 30.0)
    once = state(layer)
    assert w.actions["transform_again"].isEnabled()
    steps = doc.history.index
    qtbot.keyClick(canvas, Qt.Key.Key_T, CTRL | SHIFT)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Transform Again"
    twice = state(layer)
    assert not same(twice, once)
    on_canvas = layer.canvas_crop(doc.canvas)
    # The same as 60° and 64 % in one go, within resampling error.
    w.actions["undo"].trigger()
    assert same(state(layer), once)  # one step
    w.actions["undo"].trigger()
    free_transform(w, qtbot, 64.0, 60.0)
    like(layer.canvas_crop(doc.canvas), on_canvas, 12.0)
    # 24 x 16 at 64 %, turned 60°: about 16.5 x 18.4 (at 80 %, 30°: 23 x 20.7).
    assert opaque_size(on_canvas) == pytest.approx((16.5, 18.4), abs=1.5)


def test_transform_again_with_duplicate_makes_a_turned_series(w, qtbot):
    doc, canvas = w.doc, w.canvas
    layer = doc.active
    free_transform(w, qtbot, 100.0, 30.0)
    once = state(layer)
    count = len(list(doc.layers()))
    qtbot.keyClick(canvas, Qt.Key.Key_T, CTRL | SHIFT | ALT)
    copy = doc.active
    assert copy is not layer and len(list(doc.layers())) == count + 1
    assert copy.name == "Small copy" and copy.index() == layer.index() + 1
    assert same(state(layer), once)  # the original is left as it was
    by_copy = state(copy)
    assert doc.history.undo_name() == "Transform Again with Duplicate"
    w.actions["undo"].trigger()  # one step: the copy is gone
    assert len(list(doc.layers())) == count and doc.active is layer
    # The copy was turned as Again turns the original.
    qtbot.keyClick(canvas, Qt.Key.Key_T, CTRL | SHIFT)
    assert same(state(layer), by_copy)
    w.actions["undo"].trigger()
    # Repeated: a fan, each copy turned 30° more than the one it was made from.
    qtbot.keyClick(canvas, Qt.Key.Key_T, CTRL | SHIFT | ALT)
    qtbot.keyClick(canvas, Qt.Key.Key_T, CTRL | SHIFT | ALT)
    fan = list(doc.layers())[-3:]
    assert [n.name for n in fan] == ["Small", "Small copy", "Small copy 2"]
    assert same(state(fan[1]), by_copy)
    sizes = [opaque_size(n.pixels) for n in fan]
    assert sizes[0] == pytest.approx((28.8, 25.9), abs=1.5)  # 24 x 16 turned 30°
    # 90°: the wide layer upright (three resamplings soften its edges a little)
    assert sizes[2] == pytest.approx((16, 24), abs=2.5)


def test_rotate_180_is_exact(w, qtbot):
    doc = w.doc
    layer = doc.active
    before = state(layer)
    w.actions["rotate_180"].trigger()
    assert doc.history.undo_name() == "Rotate 180°"
    assert (layer.x, layer.y) == before[:2]
    assert np.array_equal(layer.pixels, before[2][::-1, ::-1])
    w.actions["undo"].trigger()
    assert same(state(layer), before)


def test_skew_slides_a_side_along_itself(w, qtbot):
    doc, canvas = w.doc, w.canvas
    layer = doc.active
    before = state(layer)
    w.actions["skew"].trigger()
    tool = w.tools.current
    assert tool.only == "skew"
    image_drag(qtbot, canvas, [(20, 10), (14, 4)])  # outside the box: nothing
    assert tool._unchanged()
    # The top side's middle handle dragged right and down: the side slides right only.
    image_drag(qtbot, canvas, [(48, 24), (51, 25), (54, 26)])
    assert tool.quad == ((42, 24), (66, 24), (60, 40), (36, 40))
    # The right side's middle dragged down: that side slides down, the left one stays.
    # The right side's middle dragged down and off its line: the side slides along its
    # own slant by the part of the drag along it, the left side stays.
    image_drag(qtbot, canvas, [(63, 32), (63.5, 36), (64, 41.5)])
    assert np.allclose(tool.quad, ((42, 24), (63, 32), (57, 48), (36, 40)))
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert w.tools.mode is None and doc.history.undo_name() == "Skew"
    assert (layer.x, layer.y, layer.width, layer.height) == (36, 24, 27, 24)
    out = layer.pixels
    assert out[1, 8, 3] > 0 and out[1, 2, 3] == 0  # the top side moved right
    assert out[15, 1, 3] > 0  # the bottom-left corner stayed
    # Again: the same skew about the new box's centre.
    qtbot.keyClick(canvas, Qt.Key.Key_T, CTRL | SHIFT)
    assert doc.history.undo_name() == "Transform Again"
    assert layer.width > 30 and layer.height > 20
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert same(state(layer), before)


def test_scale_refuses_turning_and_rotate_turns(w, qtbot):
    doc, canvas = w.doc, w.canvas
    layer = doc.active
    before, steps = state(layer), doc.history.index
    w.actions["scale"].trigger()
    tool = w.tools.current
    assert tool.only == "scale"
    image_drag(qtbot, canvas, [(70, 20), (72, 30), (70, 44)])  # outside: no turn
    assert tool._unchanged()
    image_drag(qtbot, canvas, [(60, 40), (66, 44)])  # the bottom-right corner: scales
    p = tool.placement
    assert p.angle == 0 and p.sx == pytest.approx(p.sy) and p.sx > 1.2
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)  # Esc leaves nothing
    assert w.tools.mode is None and doc.history.index == steps
    assert same(state(layer), before)

    w.actions["rotate"].trigger()
    tool = w.tools.current
    assert tool.only == "rotate"
    # A drag from a corner handle turns (it would scale in Free Transform).
    image_drag(qtbot, canvas, [(60, 40), (58, 44), (48, 48)])
    p = tool.placement
    assert (p.sx, p.sy) == (1.0, 1.0) and 30 < np.degrees(p.angle) < 80
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.undo_name() == "Rotate" and doc.history.index == steps + 1
    assert layer.height > 20
    w.actions["undo"].trigger()
    assert same(state(layer), before)

    w.actions["skew"].trigger()
    image_drag(qtbot, canvas, [(48, 24), (54, 24)])
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert doc.history.index == steps and same(state(layer), before)


def test_transform_again_on_a_smart_object_changes_its_placement(w, qtbot):
    doc, canvas = w.doc, w.canvas
    w.update_actions()
    w.actions["convert_to_smart_object"].trigger()
    smart = doc.active
    assert smart.placement == ((36, 24), (60, 24), (60, 40), (36, 40))
    free_transform(w, qtbot, 50.0, 0.0)
    assert np.allclose(smart.placement, ((42, 28), (54, 28), (54, 36), (42, 36)))
    qtbot.keyClick(canvas, Qt.Key.Key_T, CTRL | SHIFT)
    # Half again about the same centre: a quarter of its contents, still a smart object.
    assert doc.active is smart and w.test_errors == []
    assert np.allclose(smart.placement, ((45, 30), (51, 30), (51, 34), (45, 34)))
    w.actions["undo"].trigger()
    assert np.allclose(smart.placement, ((42, 28), (54, 28), (54, 36), (42, 36)))
