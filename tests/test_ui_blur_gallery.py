"""Filter > Blur Gallery (Field Blur, Iris Blur, Tilt-Shift) driven through the window as a
user would: the blur's controls dragged on the canvas, the options bar's Blur set, Enter
applies it as one undo step (the job waited for), Esc leaves the layer bit for bit as it
was; and the spatially varying blur itself."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox

from editor.model import blur_gallery as bg
from engine.box import Box

from ui_helpers import image_drag, image_pos, pasted_window

W, H = 160, 120


def checks(w: int = W, h: int = H) -> np.ndarray:
    """Opaque 4 x 4 px black-and-white checks: a blur of a few px greys them."""
    y, x = np.mgrid[:h, :w]
    pixels = np.empty((h, w, 4), np.uint8)
    pixels[..., :3] = np.where(((x // 4 + y // 4) % 2 == 0)[..., None], 230, 20)
    pixels[..., 3] = 255
    return pixels


def contrast(pixels: np.ndarray) -> float:
    """The spread of the red channel: ~105 for the sharp checks, near 0 blurred."""
    return float(pixels[..., 0].astype(float).std())


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return pasted_window(qtbot, tmp_path, monkeypatch, checks(), 3.0)


def _start(window, kind: str):
    action = window.actions[f"filter_{kind}"]
    assert action in window.menus["filter_blur_gallery"].actions()
    action.trigger()
    tool = window.tools.mode
    assert tool is not None and tool.id == "blur_gallery"
    return tool


def _blur_field(tool) -> QSpinBox:
    return tool.options().findChild(QSpinBox, "BlurGallery_blur")


def _apply(qtbot, window) -> None:
    """Enter, and the job it starts waited for: one more undo step."""
    doc = window.doc
    steps = doc.history.index
    qtbot.keyClick(window.canvas, Qt.Key.Key_Return)
    assert window.tools.mode is None
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)


def test_iris_blur_keeps_the_centre_sharp_and_blurs_the_corners(opened, qtbot):
    w = opened
    layer = next(w.doc.layers())
    before = layer.pixels.copy()
    tool = _start(w, "iris_blur")
    _blur_field(tool).setValue(8)
    assert tool.op.blur == 8
    # Drag the ellipse's right-hand square out: wider, still level.
    o = tool.op
    image_drag(qtbot, w.canvas, [(o.cx + o.rx, o.cy), (o.cx + o.rx + 10, o.cy),
                                 (o.cx + o.rx + 20, o.cy)])
    assert tool.op.rx == pytest.approx(o.rx + 20, abs=1) and abs(tool.op.angle) < 2
    _apply(qtbot, w)
    after = layer.pixels
    # The sharp region (the inner half of the ellipse about the centre) is untouched...
    np.testing.assert_array_equal(after[52:68, 68:92], before[52:68, 68:92])
    # ...the corners, beyond the ellipse, are blurred grey.
    for corner in (after[:12, :12], after[:12, -12:], after[-12:, :12], after[-12:, -12:]):
        assert contrast(corner) < 10 < 90 < contrast(before[:12, :12])
    # One undo step gives the exact pixels back.
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(layer.pixels, before)


def test_tilt_shift_keeps_its_band_sharp_and_blurs_above_and_below(opened, qtbot):
    w = opened
    layer = next(w.doc.layers())
    before = layer.pixels.copy()
    tool = _start(w, "tilt_shift")
    o = tool.op
    assert o.angle == 0 and o.cy == H / 2
    # The lower solid line dragged down: a band 2 x 20 px high, then the fade narrowed.
    image_drag(qtbot, w.canvas, [(W / 4, o.cy + o.sharp), (W / 4, o.cy + 15),
                                 (W / 4, o.cy + 20)])
    assert tool.op.sharp == pytest.approx(20, abs=1)
    o = tool.op
    image_drag(qtbot, w.canvas, [(W / 4, o.cy - o.sharp - o.fade), (W / 4, o.cy - 28),
                                 (W / 4, o.cy - 30)])
    assert tool.op.fade == pytest.approx(10, abs=1)
    _blur_field(tool).setValue(6)
    _apply(qtbot, w)
    after = layer.pixels
    sharp = tool.op.sharp
    band = slice(int(H / 2 - sharp) + 1, int(H / 2 + sharp) - 1)
    np.testing.assert_array_equal(after[band], before[band])
    assert contrast(after[:20]) < 10 and contrast(after[-20:]) < 10


def test_field_blur_with_pins_of_0_and_20_px_blurs_one_side_only(opened, qtbot):
    w = opened
    layer = next(w.doc.layers())
    before = layer.pixels.copy()
    tool = _start(w, "field_blur")
    assert len(tool.op.pins) == 1  # Photoshop's one pin in the middle
    field = _blur_field(tool)
    field.setValue(0)  # the selected (first) pin: no blur
    x, y, _ = tool.op.pins[0]
    image_drag(qtbot, w.canvas, [(x, y), (x - 20, y), (30, 60)])  # moved to the left
    # A click on the right adds a pin, selected: 20 px there.
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, 130, 60))
    assert len(tool.op.pins) == 2 and tool.selected == 1
    field.setValue(20)
    pins = tool.op.pins
    assert pins[0][2] == 0 and pins[1][2] == 20
    assert abs(pins[0][0] - 30) <= 1 and abs(pins[1][0] - 130) <= 1
    _apply(qtbot, w)
    after = layer.pixels
    # Round the 0 px pin the checks stay crisp; round the 20 px one they are grey.
    left, right = after[30:90, 5:55], after[30:90, 105:155]
    assert contrast(left) > 80 and contrast(right) < 5
    assert contrast(after[:, :50]) > 3 * contrast(after[:, 110:])
    # Around the 0 px pin the picture is as it was.
    np.testing.assert_array_equal(after[58:63, 28:33], before[58:63, 28:33])


def test_enter_is_one_undo_step_and_escape_leaves_the_layer_bit_for_bit(opened, qtbot):
    w = opened
    doc = w.doc
    layer = next(doc.layers())
    before = layer.pixels.copy()
    steps, count = doc.history.index, doc.history.count
    tool = _start(w, "iris_blur")
    o = tool.op
    image_drag(qtbot, w.canvas, [(o.cx, o.cy), (o.cx + 10, o.cy + 5), (o.cx + 20, o.cy + 10)])
    assert tool.op.cx == pytest.approx(o.cx + 20, abs=1)
    _blur_field(tool).setValue(25)
    w.canvas.repaint()  # the preview is drawn: the document is not touched
    np.testing.assert_array_equal(layer.pixels, before)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
    assert w.tools.mode is None
    np.testing.assert_array_equal(layer.pixels, before)
    assert (doc.history.index, doc.history.count) == (steps, count)
    # Enter: exactly one step, named after the blur; undone, the pixels come back.
    _start(w, "tilt_shift")
    _apply(qtbot, w)
    assert doc.history.index == steps + 1
    assert not np.array_equal(layer.pixels, before)
    w.actions["undo"].trigger()
    assert doc.history.index == steps
    np.testing.assert_array_equal(layer.pixels, before)


def test_varying_blur_matches_gaussian_blur_where_the_radius_is_even():
    from editor.model.pixel_filters import GaussianBlur

    rng = np.random.default_rng(5)
    pixels = rng.integers(0, 256, (60, 80, 4), dtype=np.uint8)
    pixels[..., 3] = np.where(rng.random((60, 80)) < 0.3, 0, 255)  # holes: premultiplied
    box = Box(0, 0, 80, 60)
    for radius in (1.0, 2.25, 6.0):  # radii of the stack's levels: the plain blur
        out = bg.varying_blur(pixels, box, np.full((60, 80), radius, np.float32))
        plain = GaussianBlur(radius).process(pixels, box, box, None)
        assert np.abs(out.astype(int) - plain).max() <= 1
    zero = bg.varying_blur(pixels, box, np.zeros((60, 80), np.float32))
    np.testing.assert_array_equal(zero, pixels)


def test_the_blur_keeps_inside_a_soft_selection_and_can_be_faded(opened, qtbot):
    """Through the Filter menu's path: outside the selection nothing changes, its soft
    edge mixes; Edit > Fade names the blur; Last Filter (Ctrl+F) runs the same blur."""
    from editor.model import selection_ops

    w = opened
    doc = w.doc
    layer = next(doc.layers())
    before = layer.pixels.copy()
    mask = selection_ops.feathered(selection_ops.ellipse_mask(doc, Box(0, 0, 80, 120)), 4)
    selection_ops.select_mask(doc, mask)
    coverage = selection_ops.current_mask(doc)
    _start(w, "tilt_shift")
    _apply(qtbot, w)
    after = layer.pixels
    outside = coverage == 0
    np.testing.assert_array_equal(after[outside], before[outside])
    inside = coverage == 255
    assert contrast(after[:20][inside[:20]]) < 10  # the blur above the band, where selected
    w.update_actions()
    assert w.actions["fade"].text().replace("&", "") == "Fade Tilt-Shift…"
    assert w.actions["fade"].isEnabled()
    assert w.actions["filter_last"].text().replace("&", "") == "Last Filter (Tilt-Shift)"


@pytest.mark.parametrize("op", [
    bg.FieldBlur(pins=((30.0, 40.0, 0.0), (90.0, 70.0, 12.0))),
    bg.IrisBlur(blur=9.0, cx=60, cy=50, rx=40, ry=25, angle=30, feather=0.4),
    bg.TiltShift(blur=7.0, cx=60, cy=50, angle=-20, sharp=10, fade=15)])
def test_the_previews_scaled_blur_is_the_blur_of_the_scaled_picture(op):
    """The on-canvas preview blurs a copy of the layer (at x, y) scaled by r with
    `scaled(r, -x, -y)`: at each of its pixels the radius r times the full blur's there."""
    x, y, r = 20, 10, 0.5
    full = op.radius_map(Box(x, y, 160, 120))  # the layer's pixels on the canvas
    small = op.scaled(r, -x, -y).radius_map(Box(0, 0, 80, 60))
    np.testing.assert_allclose(small, r * full[1::2, 1::2], atol=0.35)


def test_turning_the_blur_ring_sets_the_blur(opened, qtbot):
    """A quarter turn clockwise round the centre pin's ring adds a quarter of RING_TURN
    px; the options bar's Blur follows."""
    from PySide6.QtCore import QPoint, QPointF

    from editor.ui.tools.blur_gallery import RING, RING_TURN
    from ui_helpers import drag

    w = opened
    tool = _start(w, "iris_blur")
    assert tool.op.blur == 15
    c = w.canvas.image_to_widget(QPointF(tool.op.cx, tool.op.cy))
    at = [QPoint(round(c.x() + RING * np.sin(a)), round(c.y() - RING * np.cos(a)))
          for a in np.linspace(0, np.pi / 2, 7)]
    drag(qtbot, w.canvas, at)
    assert tool.op.blur == pytest.approx(15 + RING_TURN / 4, abs=2)
    assert _blur_field(tool).value() == round(tool.op.blur)
    drag(qtbot, w.canvas, at[::-1])  # and back
    assert tool.op.blur == pytest.approx(15, abs=2)


def test_ctrl_z_takes_back_the_last_change_then_cancels(opened, qtbot):
    w = opened
    doc = w.doc
    layer = next(doc.layers())
    before, steps = layer.pixels.copy(), doc.history.index
    tool = _start(w, "field_blur")
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, 130, 60))
    _blur_field(tool).setValue(30)
    assert len(tool.op.pins) == 2 and tool.op.pins[1][2] == 30
    ctrl_z = (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(w.canvas, *ctrl_z)
    assert len(tool.op.pins) == 2 and tool.op.pins[1][2] == 15  # the blur back
    assert _blur_field(tool).value() == 15
    qtbot.keyClick(w.canvas, *ctrl_z)
    assert len(tool.op.pins) == 1 and w.tools.mode is tool  # the pin gone
    qtbot.keyClick(w.canvas, *ctrl_z)  # nothing left: the mode ends, the document as it was
    assert w.tools.mode is None and doc.history.index == steps
    np.testing.assert_array_equal(layer.pixels, before)


def test_the_canvas_previews_what_enter_applies_and_the_layer_waits(opened, qtbot):
    """While the mode runs the canvas shows the blur (at 100 % on a small layer, the very
    blur Enter applies) and the layer's pixels stay as they were until Enter."""
    from ui_helpers import on_canvas

    w = opened
    layer = next(w.doc.layers())
    before = layer.pixels.copy()
    w.canvas.set_zoom(1.0)
    _start(w, "tilt_shift")
    shown = on_canvas(w.canvas)
    np.testing.assert_array_equal(layer.pixels, before)
    above, band = (slice(0, 20), slice(10, 150)), (slice(54, 67), slice(10, 50))
    assert contrast(shown[above]) < 10  # grey above the band on the screen...
    np.testing.assert_array_equal(shown[band], before[band][..., :3])  # ...sharp inside it
    _apply(qtbot, w)
    assert np.abs(shown[above] - layer.pixels[above][..., :3]).max() <= 1


def test_a_moved_layer_is_blurred_where_its_pixels_are_on_the_canvas(opened, qtbot):
    """A layer off the canvas's corner: the band sits on its visible part, in canvas
    coordinates; beyond the band its edge spreads into the transparency (the layer grows)."""
    w = opened
    doc = w.doc
    pixels = np.zeros((40, 60, 4), np.uint8)
    pixels[..., :3] = checks(60, 40)[..., :3]
    pixels[..., 3] = 255
    layer = doc.add_image(pixels, "Moved", -20, 30)
    doc.set_active(layer)
    tool = _start(w, "tilt_shift")
    o = tool.op
    assert (o.cx, o.cy) == (20, 50)  # the middle of what the canvas shows of it
    _apply(qtbot, w)
    assert layer.y < 30 and layer.y + layer.pixels.shape[0] > 70  # grown above and below
    row = lambda y: layer.pixels[y - layer.y, 20 - layer.x:40 - layer.x]  # noqa: E731
    # (canvas row y, columns 20..39)
    sharp = int(o.sharp) - 1
    for y in (50 - sharp, 50, 50 + sharp):  # the band: as it was
        np.testing.assert_array_equal(row(y), pixels[y - 30, 40:])
    assert contrast(row(31)[None]) < 10 and contrast(row(68)[None]) < 10
    assert 0 < row(72)[5, 3] < 255  # spread beyond the layer's old edge, fading out


def test_tilt_shift_turns_by_its_square_handle(opened, qtbot):
    w = opened
    layer = next(w.doc.layers())
    before = layer.pixels.copy()
    tool = _start(w, "tilt_shift")
    o = tool.op
    s = o.sharp
    # The lower line's square dragged round a quarter of the way to the left: 45 degrees.
    image_drag(qtbot, w.canvas, [(o.cx, o.cy + s), (o.cx - s / 3, o.cy + s),
                                 (o.cx - s, o.cy + s)])
    assert tool.op.angle == pytest.approx(45, abs=3)
    assert (tool.op.cx, tool.op.cy, tool.op.sharp) == (o.cx, o.cy, s)
    _blur_field(tool).setValue(6)
    _apply(qtbot, w)
    after = layer.pixels
    # Along the turned centre line the checks stay; across it, far off, they are grey.
    for t in (-40, -20, 20, 40):
        y, x = int(o.cy + t), int(o.cx + t)
        np.testing.assert_array_equal(after[y - 2:y + 2, x - 2:x + 2],
                                      before[y - 2:y + 2, x - 2:x + 2])
    assert contrast(after[10:30, 100:120]) < 10 and contrast(after[90:110, 40:60]) < 10


def test_on_a_smart_object_the_blur_becomes_a_smart_filter(opened, qtbot):
    """As the Filter menu's other filters: Enter adds Iris Blur to the smart object's
    smart filters (one undo step), its contents untouched; Undo takes it off."""
    from test_ui_smart_objects import convert
    from ui_helpers import on_canvas

    w = opened
    smart = convert(w)
    contents = smart.contents.pixels.copy()
    shown = smart.pixels.copy()
    w.canvas.set_zoom(1.0)
    tool = _start(w, "iris_blur")
    _blur_field(tool).setValue(8)
    assert contrast(on_canvas(w.canvas)[:12, :12]) < 10  # previewed on the canvas
    assert len(smart.filters) == 0
    _apply(qtbot, w)
    assert [type(f.op) for f in smart.filters] == [bg.IrisBlur]
    assert smart.filters[0].op == tool.op
    np.testing.assert_array_equal(smart.contents.pixels, contents)
    assert contrast(smart.pixels[:12, :12]) < 10  # the corners blurred on the layer...
    np.testing.assert_array_equal(smart.pixels[52:68, 68:92], shown[52:68, 68:92])  # not here
    w.actions["undo"].trigger()
    assert len(smart.filters) == 0
    np.testing.assert_array_equal(smart.pixels, shown)


def test_a_double_click_on_its_smart_filter_row_brings_the_controls_back(opened, qtbot):
    from test_ui_smart_filters import filter_row, row_point
    from test_ui_smart_objects import convert

    w = opened
    doc = w.doc
    smart = convert(w)
    tool = _start(w, "tilt_shift")
    _blur_field(tool).setValue(8)
    _apply(qtbot, w)
    first = smart.filters[0].op
    panel = w.layers_panel.list
    qtbot.waitUntil(lambda: len(panel.rows) == 3)
    qtbot.mouseDClick(panel, Qt.MouseButton.LeftButton,
                      pos=row_point(w, filter_row(w, "Tilt-Shift"), 100))
    tool = w.tools.mode
    assert tool is not None and tool.id == "blur_gallery" and tool.op == first
    assert _blur_field(tool).value() == 8
    _blur_field(tool).setValue(3)
    steps = doc.history.index
    _apply(qtbot, w)
    assert doc.history.index == steps + 1 and len(smart.filters) == 1
    assert smart.filters[0].op == replace(first, blur=3)


@pytest.mark.parametrize("action", ["filter_iris_blur", "free_transform"])
def test_a_change_underneath_ends_the_mode_and_applies_nothing(opened, qtbot, action):
    # The document changes while the mode is open (here: the History panel's undo of the
    # paste): the mode's preview no longer shows the layer, so it ends, adding nothing.
    w = opened
    steps = w.doc.history.index
    w.actions[action].trigger()
    assert w.tools.mode is not None
    w.doc.history.undo()
    assert w.tools.mode is None
    assert w.doc.history.index == steps - 1
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)  # no mode left to commit
    assert w.doc.history.index == steps - 1 and w.doc.history.can_redo()
