"""Small things a Photoshop user expects, driven in the window as a user would: Delete on the
Background with a selection opens Edit > Fill with Content-Aware chosen (Backspace paints
the background colour); Canvas Size's Relative box and Canvas extension color; Free
Transform's X/Y/W/H in the rulers' unit and its relative positioning (the delta button); the
Info panel's Panel Options (colour read-outs, mouse coordinates, status information)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from editor.jobs import FINISHED
from engine.box import Box

from ui_helpers import in_modal_dialog, make_window, open_file, photo, window_with_background_color

W, H = 64, 48
GREEN = (20, 180, 60)


@pytest.fixture
def w(qtbot, tmp_path, monkeypatch):
    return window_with_background_color(qtbot, tmp_path, monkeypatch, GREEN)


def opened_jpeg(w, qtbot, monkeypatch, tmp_path):
    """A JPEG opened: its one layer is the Background."""
    path = str(tmp_path / "kitten.jpg")
    Image.fromarray(photo(W, H)[..., :3]).save(path, quality=95)
    open_file(w, qtbot, monkeypatch, path)
    (layer,) = w.doc.layers()
    assert layer.is_background
    return layer


def key_in_dialog(qtbot, w, key, answer) -> list:
    """Presses `key` on the canvas; `answer(dialog)` runs in the modal dialog it opens (and
    returns True to accept it); the dialogs' object names and contents seen are returned."""
    seen = []

    def inside():
        dialog = QApplication.activeModalWidget()
        seen.append((dialog.objectName(), dialog.contents.currentData())
                    if dialog is not None else None)
        if dialog is not None:
            dialog.accept() if answer(dialog) else dialog.reject()

    w.activateWindow()  # (a dialog closed leaves it inactive offscreen: no shortcuts)
    qtbot.waitUntil(w.isActiveWindow)
    w.canvas.setFocus()
    QTimer.singleShot(0, inside)
    qtbot.keyClick(w.canvas, key)
    qtbot.waitUntil(lambda: bool(seen))  # (no dialog: the timer fires after the key)
    return seen


# -- 1. Delete on the Background: Fill, Content-Aware ----------------------------------------

def test_delete_on_the_background_opens_fill_content_aware_backspace_paints(
        w, qtbot, monkeypatch, tmp_path):
    layer = opened_jpeg(w, qtbot, monkeypatch, tmp_path)
    before = layer.pixels.copy()
    box = Box(20, 14, 12, 10)
    w.doc.set_selection(box)
    steps = w.doc.history.count
    # Delete: Fill opens with Content-Aware chosen; Cancel changes nothing.
    seen = key_in_dialog(qtbot, w, Qt.Key.Key_Delete, lambda d: False)
    assert seen == [("FillDialog", "content_aware")]
    assert w.doc.history.count == steps and np.array_equal(layer.pixels, before)
    assert w.doc.selection == box
    # Even when Fill was last used with another contents (Photoshop CC opens Content-Aware).
    w.settings.set_value("fill/contents", "white")
    started = []
    w.jobs.job_started.connect(started.append)
    seen = key_in_dialog(qtbot, w, Qt.Key.Key_Delete, lambda d: True)
    assert seen == [("FillDialog", "content_aware")]
    qtbot.waitUntil(lambda: bool(started) and not w.jobs.busy, timeout=180000)  # (JIT, load)
    assert started[0].state == FINISHED and w.test_errors == []
    assert w.doc.history.count == steps + 1
    assert w.doc.history.undo_name() == "Content-Aware Fill"
    inside = layer.pixels[box.slices()]
    assert not np.array_equal(inside, before[box.slices()])
    assert not (inside[..., :3] == GREEN).all(axis=-1).any()  # from the picture, not green
    assert (layer.pixels[..., 3] == 255).all()
    outside = np.ones((H, W), bool)
    outside[box.slices()] = False
    assert np.array_equal(layer.pixels[outside], before[outside])
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)
    # Backspace: the background colour at once, no dialog, one "Clear" step.
    seen = key_in_dialog(qtbot, w, Qt.Key.Key_Backspace, lambda d: False)
    assert seen == [None]
    assert (layer.pixels[box.slices()] == (*GREEN, 255)).all()
    assert np.array_equal(layer.pixels[outside], before[outside])
    assert w.doc.history.undo_name() == "Clear"


def test_delete_on_a_plain_layer_still_clears(opened, qtbot):
    doc = opened.doc
    (layer,) = doc.layers()
    assert not layer.is_background
    box = Box(10, 8, 30, 20)
    doc.set_selection(box)
    seen = key_in_dialog(qtbot, opened, Qt.Key.Key_Delete, lambda d: False)
    assert seen == [None]  # no dialog
    assert doc.history.undo_name() == "Clear" and not layer.pixels[box.slices()].any()


# -- 2. Canvas Size: Relative, Canvas extension color ----------------------------------------

def test_canvas_size_relative_amounts_anchor_and_extension_color(w, qtbot, monkeypatch, tmp_path):
    layer = opened_jpeg(w, qtbot, monkeypatch, tmp_path)
    before = layer.pixels.copy()

    def drive(dialog, seen):
        assert not dialog.relative.isChecked()  # (the first time: absolute sizes)
        assert (dialog.width_box.value(), dialog.height_box.value()) == (W, H)
        assert dialog.extension.currentData() == "background"  # Photoshop's default
        dialog.relative.setChecked(True)  # the same size, as amounts added: none
        assert (dialog.width_box.value(), dialog.height_box.value()) == (0, 0)
        dialog.width_box.setValue(20)
        dialog.height_box.setValue(-8)  # negative: taken off
        dialog.relative.setChecked(False)  # shown as the new size again
        assert (dialog.width_box.value(), dialog.height_box.value()) == (W + 20, H - 8)
        dialog.relative.setChecked(True)
        assert (dialog.width_box.value(), dialog.height_box.value()) == (20, -8)
        dialog.unit.setCurrentIndex(dialog.unit.findData("percent"))  # of the current size
        assert dialog.width_box.value() == pytest.approx(100 * 20 / W, abs=1e-3)
        assert dialog.height_box.value() == pytest.approx(-100 * 8 / H, abs=1e-3)
        dialog.unit.setCurrentIndex(dialog.unit.findData("pixels"))
        assert (dialog.width_box.value(), dialog.height_box.value()) == (20, -8)
        dialog.anchor.button(0).setChecked(True)  # top-left stays
        # The grid's arrows: the canvas grows to the right and shrinks from below.
        assert [dialog.anchor.button(i).text() for i in (0, 1, 3, 4, 2)] == \
            ["●", "→", "↑", "↗", ""]
        dialog.extension.setCurrentIndex(dialog.extension.findData("white"))
        assert dialog.extension.isEnabled()
        assert dialog.chosen() == (W + 20, H - 8, (0.0, 0.0))

    in_modal_dialog(qtbot, w.actions["canvas_size"].trigger, drive, "CanvasSizeDialog")
    (layer,) = w.doc.layers()
    assert w.doc.size == (W + 20, H - 8) and w.doc.history.undo_name() == "Canvas Size"
    assert np.array_equal(layer.pixels[:, :W], before[:H - 8])  # top-left kept, bottom cut
    assert (layer.pixels[:, W:] == 255).all()  # grown with white, not the background green

    grown = layer.pixels.copy()

    # Opened again: Relative and the colour remembered (Photoshop's); a shrink on all sides.
    def shrink(dialog, seen):
        assert dialog.relative.isChecked() and dialog.extension.currentData() == "white"
        assert (dialog.width_box.value(), dialog.height_box.value()) == (0, 0)
        dialog.width_box.setValue(-10)
        dialog.height_box.setValue(-10)

    in_modal_dialog(qtbot, w.actions["canvas_size"].trigger, shrink, "CanvasSizeDialog")
    assert w.doc.size == (W + 10, H - 18)
    assert np.array_equal(next(w.doc.layers()).pixels, grown[5:-5, 5:-5])  # centred
    # Cancel changes nothing.
    steps = w.doc.history.count

    def cancel(dialog, seen):
        dialog.width_box.setValue(50)
        seen["cancel"] = True

    in_modal_dialog(qtbot, w.actions["canvas_size"].trigger, cancel, "CanvasSizeDialog")
    assert w.doc.size == (W + 10, H - 18) and w.doc.history.count == steps


def test_canvas_extension_color_is_greyed_without_a_background(opened, qtbot):
    def drive(dialog, seen):
        seen["enabled"] = dialog.extension.isEnabled()
        seen["cancel"] = True

    seen = in_modal_dialog(qtbot, opened.actions["canvas_size"].trigger, drive,
                           "CanvasSizeDialog")
    assert seen["enabled"] is False


# -- 3. Free Transform's numbers in the rulers' unit, and relative positioning ----------------

def type_into(qtbot, field, text: str) -> None:
    """Selects the field's text, types `text`, and leaves the field (Tab), as a user does."""
    window = field.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    field.lineEdit().selectAll()
    qtbot.keyClicks(field.lineEdit(), text)
    qtbot.keyClick(field.lineEdit(), Qt.Key.Key_Tab)


def test_free_transform_numbers_in_ruler_units_and_relative(qtbot, tmp_path, monkeypatch):
    from PySide6.QtGui import QGuiApplication

    from editor.model.resolution import set_resolution
    from editor.ui.qimage import rgba_to_qimage

    w = make_window(qtbot, tmp_path, monkeypatch)
    QGuiApplication.clipboard().setImage(rgba_to_qimage(photo(96, 64)))
    w.actions["paste"].trigger()
    qtbot.waitUntil(lambda: w.doc is not None)
    small = w.doc.add_image(photo(24, 16, "astronaut"), "Small", 36, 24)
    set_resolution(w.doc, 254.0)  # 100 px a centimetre: numbers easy to check
    w.settings.ruler_units = "centimeters"
    w.actions["free_transform"].trigger()
    tool = w.tools.current
    assert tool.id == "transform"
    fields = tool._fields
    assert (fields["x"].text(), fields["y"].text()) == ("0.36 cm", "0.24 cm")
    assert fields["w"].text() == "100.0 %"
    relative = w.findChild(type(tool._link), "TransformRelative")
    assert relative is tool._relative and not relative.isChecked()
    assert relative.toolTip() == "Use relative positioning for reference point"
    # W typed in pixels: 48 px of the 24 px layer is 200 % (H follows, linked).
    type_into(qtbot, fields["w"], "48 px")
    assert fields["w"].value() == pytest.approx(200.0) and fields["h"].value() == pytest.approx(200.0)
    assert (fields["x"].text(), fields["y"].text()) == ("0.24 cm", "0.16 cm")  # about the centre
    # X typed in the field's unit, Y in another.
    type_into(qtbot, fields["x"], "1")
    type_into(qtbot, fields["y"], "50 px")
    assert (fields["x"].text(), fields["y"].text()) == ("1.00 cm", "0.50 cm")
    p = tool.placement
    assert (p.cx - abs(p.sx) * 12, p.cy - abs(p.sy) * 8) == pytest.approx((100.0, 50.0))
    assert w.doc.history.undo_name() != "Free Transform"  # nothing committed yet
    # The delta button: X and Y become how far the frame has come since Ctrl+T.
    qtbot.mouseClick(relative, Qt.MouseButton.LeftButton)
    assert (fields["x"].text(), fields["y"].text()) == ("0.64 cm", "0.26 cm")
    type_into(qtbot, fields["x"], "-1 cm")  # 100 px left of where it began
    assert tool.placement.cx - abs(tool.placement.sx) * 12 == pytest.approx(36.0 - 100.0)
    assert fields["y"].text() == "0.26 cm"
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    assert w.tools.mode is None and w.doc.history.undo_name() == "Free Transform"
    assert abs(small.x - (-64)) <= 1 and abs(small.y - 50) <= 1
    assert abs(small.width - 48) <= 2 and abs(small.height - 32) <= 2
    # Remembered, as Photoshop keeps it: the next Free Transform starts relative, at 0.
    assert w.settings.value("transform/relative", False, bool)
    w.actions["free_transform"].trigger()
    tool = w.tools.current
    assert tool._relative.isChecked()
    assert (tool._fields["x"].text(), tool._fields["y"].text()) == ("0.00 cm", "0.00 cm")
    # Typing something that is not a length leaves the number as it was.
    type_into(qtbot, tool._fields["y"], "abc")
    assert tool._fields["y"].text() == "0.00 cm" and tool.placement == tool.start
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)


# -- 4. The Info panel's Panel Options ---------------------------------------------------------

def test_info_panel_options_readouts_units_and_status(opened, qtbot, tmp_path):
    import colorsys

    from editor.model import color_modes as cm
    from editor.ui.settings import Settings
    from PySide6.QtCore import QSettings
    from ui_helpers import image_pos

    w = opened
    w.docks["info"].show()
    w.docks["info"].raise_()
    info, canvas = w.info_panel, w.canvas
    qtbot.waitUntil(info.isVisible)
    layer = w.doc.active
    canvas.set_zoom(4.0)
    x, y = 33, 21

    def hover():
        """The pointer on (x, y) again (a dialog shown took it off the canvas)."""
        qtbot.mouseMove(canvas, image_pos(canvas, x + 2.5, y + 0.5))
        qtbot.mouseMove(canvas, image_pos(canvas, x + 0.5, y + 0.5))
        qtbot.waitUntil(lambda: info._point is not None and int(info._point.x()) == x
                        and not info._timer.isActive() and info.text("R") != "–")

    hover()
    r, g, b = (int(v) for v in layer.pixels[y, x, :3])
    # Photoshop's menu: the panel menu's Panel Options…
    assert [a.text() for a in info.menu.actions()] == ["Panel Options…"]

    def choose(first, second, unit, status):
        def drive(dialog, seen):
            modes = [dialog.findChild(type(dialog.units), f"InfoReadout{i}") for i in (1, 2)]
            for combo, mode in zip(modes, (first, second)):
                combo.setCurrentIndex(combo.findData(mode))
            dialog.units.setCurrentIndex(dialog.units.findData(unit))
            for key, on in status.items():
                dialog.status[key].setChecked(on)
        return drive

    in_modal_dialog(qtbot, info.menu.actions()[0].trigger,
                    choose("web", "cmyk", "percent", {"sizes": False, "tool": True}),
                    "InfoPanelOptions")
    hover()
    assert [info.text(k) for k in ("R", "G", "B")] == [f"{v:02X}" for v in (r, g, b)]
    k = 1 - max(r, g, b) / 255
    expected = [round(100 * (1 - c / 255 - k) / (1 - k)) for c in (r, g, b)] + [round(100 * k)]
    assert [info.text(k) for k in ("H", "S", "Bv", "C2")] == [f"{v}%" for v in expected]
    assert [info.captions[k].text() for k in ("H", "S", "Bv", "C2")] == ["C:", "M:", "Y:", "K:"]
    assert info.fields["C2"].isVisible() and not info.fields["C1"].isVisible()
    # Mouse Coordinates in percent: the rulers' own unit, one preference.
    assert w.settings.ruler_units == "percent"
    assert info.text("X") == f"{100 * (x + 0.5) / 96:.1f} %"
    assert info.text("sizes") == "" and info.text("tool") == w.tools.current.label
    assert info.text("dimensions") == "100 % × 100 % (72 ppi)"
    w.tool_actions["marquee"].trigger()  # the Current Tool line follows the tool
    qtbot.waitUntil(lambda: info.text("tool") == w.tools.current.label)
    assert w.tools.current.id == "marquee"
    # Grayscale, HSB, Lab, Total Ink, Opacity.
    for first, second, check in (
            ("grayscale", "hsb", lambda: (
                info.text("R") == f"{round(100 - int(cm.grey_of(np.array([r, g, b], np.uint8))) * 100 / 255)}%"
                and info.captions["R"].text() == "K:"
                and info.text("H") == f"{round(colorsys.rgb_to_hsv(r / 255, g / 255, b / 255)[0] * 360) % 360}°")),
            ("lab", "ink", lambda: (
                [info.text(k) for k in "RGB"] == [str(round(float(v))) for v in
                                                  cm.lab_of_rgb(np.array([r, g, b], np.uint8))]
                and info.text("H") == f"{sum(expected)}%" and not info.fields["S"].isVisible())),
            ("rgb", "hsb", lambda: [info.text(k) for k in "RGB"] == [str(v) for v in (r, g, b)])):
        in_modal_dialog(qtbot, info.menu.actions()[0].trigger,
                        choose(first, second, "pixels", {"sizes": True}), "InfoPanelOptions")
        hover()
        assert check(), (first, second)
    # Opacity: the active layer's at that pixel (its alpha times its Opacity).
    layer.opacity = 128
    in_modal_dialog(qtbot, info.menu.actions()[0].trigger,
                    choose("opacity", "rgb", "pixels", {}), "InfoPanelOptions")
    hover()
    assert info.text("R") == "50%" and info.captions["R"].text() == "Op:"
    assert info.text("X") == f"{x} px"
    flat = 96 * 64 * 3
    assert info.text("sizes") == f"Doc: {flat / 1024:.1f}K/{(flat + 96 * 64 * 4) / 1024:.1f}K"
    # Cancel keeps what was chosen.
    def cancel(dialog, s):
        assert dialog.modes[0].currentData() == "opacity"
        dialog.modes[0].setCurrentIndex(0)
        s["cancel"] = True

    in_modal_dialog(qtbot, info.menu.actions()[0].trigger, cancel, "InfoPanelOptions")
    hover()
    assert info.text("R") == "50%"
    # Kept in the settings: a window made later with them reads the same way.
    w.settings.sync()
    again = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert again.value("info/readout1") == "opacity" and again.value("info/readout2") == "rgb"
    assert again.value("info/status_tool", False, bool) is True
