"""Filter > Render > Lighting Effects… driven through the window: the dialog opens with the
Default preset's spot; dragging the spot's centre on the preview moves the light (the
canvas's brightest place follows); lights are added, selected and deleted in the list;
OK is one undo step giving the filter's pixels, Cancel leaves nothing, Ctrl+F repeats it."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QComboBox, QListWidget, QPushButton, QSpinBox, QWidget

from editor.model import lighting_effects as le
from engine.box import Box

from ui_helpers import ctrl_f, in_modal_dialog, screen, smart_filter_edited_again

W, H = 96, 64
NAME = "PixelDialog_LightingEffects"


def drag(widget, start: QPointF, end: QPointF, steps: int = 4) -> None:
    """A left-button drag on `widget` from `start` to `end` (widget coordinates)."""
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    mods = Qt.KeyboardModifier.NoModifier

    def send(kind, at, button, buttons):
        QApplication.sendEvent(widget, QMouseEvent(kind, at, widget.mapToGlobal(at), button,
                                                   buttons, mods))

    send(QEvent.Type.MouseButtonPress, start, left, left)
    for i in range(1, steps + 1):
        send(QEvent.Type.MouseMove, start + (end - start) * (i / steps), none, left)
    send(QEvent.Type.MouseButtonRelease, end, left, none)


def brightest(gain: np.ndarray) -> tuple[float, float]:
    """The middle (x, y) of the brightest 3 % of `gain`."""
    ys, xs = np.nonzero(gain >= np.percentile(gain, 97))
    return xs.mean() + 0.5, ys.mean() + 0.5


def apart(a: float, b: float) -> float:
    """Degrees between two angles."""
    return abs((a - b + 180) % 360 - 180)


def gain(after: np.ndarray, before: np.ndarray) -> np.ndarray:
    return (after[..., :3].astype(float) - before[..., :3]).mean(axis=2)


def test_a_spot_dragged_on_the_preview_moves_the_light_ok_is_one_step(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    steps = doc.history.index

    def drive(dialog, seen):
        view = dialog.findChild(QWidget, "LightingPreview")
        lights = dialog.operation().lights
        assert [light.kind for light in lights] == ["spot"]  # the Default preset
        assert dialog.findChild(QListWidget, "LightingLights").count() == 1
        spot = lights[0]
        assert (spot.x, spot.y) == (W / 2, H / 2)
        drag(view, view.to_widget(spot.x, spot.y), view.to_widget(25, 20))
        moved = dialog.operation().lights[0]
        assert abs(moved.x - 25) <= 1 and abs(moved.y - 20) <= 1
        # Intensity up through its spin box (the selected light's).
        dialog.findChild(QSpinBox, "LightingIntensity").setValue(70)
        seen["op"] = op = dialog.operation()
        assert op.lights[0].intensity == 70 and op.lights[0].radius == spot.radius
        qtbot.waitUntil(lambda: dialog.preview.shown == op, timeout=10000)
        seen["previewed"] = screen(w)

    seen = in_modal_dialog(qtbot, w.actions["filter_lighting_effects"].trigger, drive, NAME)
    op = seen["op"]
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Lighting Effects"
    once = layer.pixels.copy()
    box = Box(0, 0, W, H)
    np.testing.assert_array_equal(once, op.process(before, box, box, None))
    np.testing.assert_array_equal(seen["previewed"], once[..., :3].astype(int))
    x, y = brightest(gain(once, before))
    assert abs(x - 25) <= 6 and abs(y - 20) <= 6  # the light is where it was dragged
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    ctrl_f(qtbot, w)  # Last Filter: the same lights again
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    np.testing.assert_array_equal(layer.pixels, once)


def test_lights_are_added_selected_and_deleted_and_cancel_leaves_nothing(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    steps = doc.history.index

    def drive(dialog, seen):
        lights = dialog.findChild(QListWidget, "LightingLights")
        dialog.findChild(QPushButton, "LightingAdd_point").click()
        dialog.findChild(QPushButton, "LightingAdd_infinite").click()
        assert [light.kind for light in dialog.operation().lights] == [
            "spot", "point", "infinite"]
        assert lights.count() == 3 and lights.currentRow() == 2  # the new one selected
        hotspot = dialog.findChild(QSpinBox, "LightingHotspot")
        assert not hotspot.isEnabled()  # (a spot's only)
        lights.setCurrentRow(1)
        dialog.findChild(QSpinBox, "LightingIntensity").setValue(-40)
        assert dialog.operation().lights[1].intensity == -40
        assert dialog.operation().lights[0].intensity == 35  # the others as they were
        # The point's ring, dragged out, makes its radius larger.
        view = dialog.findChild(QWidget, "LightingPreview")
        point = dialog.operation().lights[1]
        drag(view, view.to_widget(point.x + point.radius, point.y),
             view.to_widget(point.x + point.radius + 10, point.y))
        assert abs(dialog.operation().lights[1].radius - (point.radius + 10)) <= 1
        lights.setCurrentRow(0)
        dialog.findChild(QPushButton, "LightingDelete").click()
        assert [light.kind for light in dialog.operation().lights] == ["point", "infinite"]
        assert lights.count() == 2
        op = dialog.operation()
        qtbot.waitUntil(lambda: dialog.preview.shown == op, timeout=10000)
        assert not np.array_equal(layer.pixels, before)  # previewed on the layer
        seen["cancel"] = True

    in_modal_dialog(qtbot, w.actions["filter_lighting_effects"].trigger, drive, NAME)
    assert doc.history.index == steps
    np.testing.assert_array_equal(layer.pixels, before)


def test_a_preset_and_a_texture_through_the_dialog(opened, qtbot):
    """Soft Omni chosen: its point light; Texture Red with Height gives relief (the pixels
    differ from the flat light's)."""
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()

    def drive(dialog, seen):
        presets = dialog.findChild(QComboBox, "LightingPresets")
        presets.textActivated.emit("Soft Omni")
        op = dialog.operation()
        assert [light.kind for light in op.lights] == ["point"] and op.gloss == -20
        assert dialog.findChild(QSpinBox, "Filter_gloss").value() == -20  # rows rebuilt
        dialog.findChild(QWidget, "Filter_texture_red").click()
        dialog.findChild(QSpinBox, "Filter_height").setValue(80)
        seen["op"] = op = dialog.operation()
        assert op.texture == "red" and op.height == 80
        qtbot.waitUntil(lambda: dialog.preview.shown == op, timeout=10000)

    seen = in_modal_dialog(qtbot, w.actions["filter_lighting_effects"].trigger, drive, NAME)
    box = Box(0, 0, W, H)
    np.testing.assert_array_equal(layer.pixels, seen["op"].process(before, box, box, None))
    flat = le.LightingEffects(**{**seen["op"].__dict__, "texture": "none"})
    assert np.abs(flat.process(before, box, box, None).astype(int)
                  - layer.pixels).max() > 20


def test_a_spots_handle_aims_it_and_an_infinite_lights_line_turns_it(opened, qtbot):
    """The spot's long-axis handle dragged round to the left: the light comes from the
    left (180 degrees) and its ellipse is as long as the drag; the infinite light's line
    dragged down: it comes from below."""
    w = opened

    def drive(dialog, seen):
        view = dialog.findChild(QWidget, "LightingPreview")
        spot = dialog.operation().lights[0]
        (hx, hy) = view.handles(spot)["major"]
        drag(view, view.to_widget(hx, hy), view.to_widget(spot.x - 30, spot.y))
        aimed = dialog.operation().lights[0]
        assert apart(aimed.angle, 180) <= 2 and abs(aimed.radius - 30) <= 1
        assert (aimed.x, aimed.y) == (spot.x, spot.y)
        dialog.findChild(QPushButton, "LightingAdd_infinite").click()
        sun = dialog.operation().lights[1]
        (dx, dy) = view.handles(sun)["direction"]
        drag(view, view.to_widget(dx, dy), view.to_widget(sun.x, sun.y + view.reach()))
        turned = dialog.operation().lights[1]
        assert apart(turned.angle, -90) <= 2 and turned.elevation < 5  # low, from below
        seen["cancel"] = True

    in_modal_dialog(qtbot, w.actions["filter_lighting_effects"].trigger, drive, NAME)


def test_on_a_smart_object_it_is_a_smart_filter_edited_with_its_lights(opened, qtbot):
    """OK on a smart object adds a smart filter; its dialog opens again with its own lights
    (not the Default preset's); Edit > Fade works on the plain layer's step."""
    def drive(dialog):
        dialog.findChild(QPushButton, "LightingAdd_point").click()

    def check(dialog):
        assert dialog.findChild(QListWidget, "LightingLights").count() == 2

    op = smart_filter_edited_again(qtbot, opened, opened.actions["filter_lighting_effects"].trigger,
                                   drive, check, NAME)
    assert len(op.lights) == 2


def test_edit_fade_halves_the_lighting(opened, qtbot):
    from test_fade import assert_fade_halves

    assert_fade_halves(qtbot, opened, opened.actions["filter_lighting_effects"].trigger,
                       lambda dialog, seen: None, NAME)
