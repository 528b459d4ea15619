"""What measures the canvas follows Preferences > Units & Rulers' Rulers unit, as in
Photoshop, driven in the window at 300 ppi: View > New Guide's field shows it and takes a
length typed with a unit ("1 in" lands at 300 px, "1.5 cm", "50 %"; nonsense is one line and
no step); the Info panel's X, Y, W and H are in it; a right-click on a ruler or on the Info
panel offers the units and sets the same preference; Canvas Size and Image Size open in it."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from editor.model.resolution import length_text, parse_length
from test_type_resolution import image_size, preferences, refocus
from ui_helpers import image_drag, image_pos, in_modal_dialog, zoomed_photo_window


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """A 320 × 240 photo at 100 %."""
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, 320, 240, 1.0, activate=True)


def new_guide(w, qtbot, vertical: bool, text: str) -> dict:
    """View > New Guide…: the orientation clicked, `text` typed in Position, OK."""
    def drive(dialog, seen):
        seen["shown"] = dialog.position.text()
        name = "NewGuideVertical" if vertical else "NewGuideHorizontal"
        qtbot.mouseClick(dialog.findChild(type(dialog.orientation.button(0)), name),
                         Qt.MouseButton.LeftButton)
        dialog.position.selectAll()
        qtbot.keyClicks(dialog.position, text)

    seen = in_modal_dialog(qtbot, w.actions["new_guide"].trigger, drive, "NewGuideDialog")
    refocus(qtbot, w)
    return seen


def pointer_reads(qtbot, w, x: float, y: float, check) -> None:
    """The pointer moved over image point (x, y) until the Info panel reads what `check`
    wants (from another point first: Qt drops a move to where the pointer already is, and
    an earlier test's window may have left it there)."""
    def moved():
        qtbot.mouseMove(w.canvas, image_pos(w.canvas, x + 20, y + 20))
        qtbot.mouseMove(w.canvas, image_pos(w.canvas, x, y))
        qtbot.wait(20)
        return check()

    qtbot.waitUntil(moved)


def pick_from_menu(qtbot, open_menu, name: str) -> dict:
    """Opens a context menu with `open_menu()` and clicks its action `name`."""
    chosen = {}

    def inside():
        menu = QApplication.activePopupWidget()
        chosen["menu"] = menu.objectName() if menu is not None else None
        if isinstance(menu, QMenu):
            action = menu.findChild(type(menu.menuAction()), name)
            chosen["checked"] = [a.objectName() for a in menu.actions() if a.isChecked()]
            qtbot.mouseClick(menu, Qt.MouseButton.LeftButton,
                             pos=menu.actionGeometry(action).center())

    QTimer.singleShot(50, inside)
    open_menu()
    assert chosen["menu"] == "RulerUnitsMenu"
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    return chosen


def test_length_text_and_parse_length():
    assert parse_length("1 in", "pixels", 300, 320) == 300.0
    assert parse_length("2.54cm", "pixels", 300, 320) == pytest.approx(300.0)
    assert parse_length("50 %", "inches", 300, 320) == 160.0
    assert parse_length("2", "inches", 300, 320) == 600.0  # the field's own unit
    assert parse_length("12 pica", "pixels", 72, 1) == 144.0
    with pytest.raises(ValueError, match="not a length"):
        parse_length("two inches", "pixels", 72, 1)
    assert length_text(150, "inches", 300, 1) == "0.5 in"
    assert length_text(300, "centimeters", 300, 1) == "2.54 cm"
    assert length_text(12, "pixels", 300, 1) == "12 px"


def test_new_guide_info_panel_and_canvas_size_follow_the_rulers_unit(window, qtbot):
    w = window
    doc = w.doc
    image_size(qtbot, w, 300, resample=False)
    assert doc.resolution == 300.0 and doc.size == (320, 240)
    preferences(qtbot, w, ruler_unit_="inches")
    assert w.settings.ruler_units == "inches"
    # New Guide: its field in inches; "1 in" at 300 ppi is pixel 300, one step.
    steps = doc.history.count
    seen = new_guide(w, qtbot, True, "1 in")
    assert seen["shown"] == "0 in"
    assert doc.guides == ((False, 300.0),) and doc.history.count == steps + 1
    new_guide(w, qtbot, False, "1.5 cm")  # another unit typed: 1.5 / 2.54 × 300
    assert doc.guides[-1] == (True, pytest.approx(177.165, abs=1e-3))
    new_guide(w, qtbot, False, "0.5")  # the rulers' unit: half an inch
    assert doc.guides[-1] == (True, 150.0)
    new_guide(w, qtbot, True, "50 %")
    assert doc.guides[-1] == (False, 160.0)
    count = doc.history.count
    new_guide(w, qtbot, True, "a bit left")
    assert doc.history.count == count and "not a length" in w.test_errors[-1][1]
    # The Info panel shows the pointer and the dragged box in inches.
    w.docks["info"].show()
    w.docks["info"].raise_()
    info = w.info_panel
    qtbot.waitUntil(info.isVisible)
    pointer_reads(qtbot, w, 150, 75,
                  lambda: info.text("X") == "0.5 in" and info.text("Y") == "0.25 in")
    w.tool_actions["marquee"].trigger()
    image_drag(qtbot, w.canvas, [(10, 10), (100, 100), (160, 130)])
    assert doc.selection is not None and (doc.selection.w, doc.selection.h) == (150, 120)
    qtbot.waitUntil(lambda: info.text("W") == "0.5 in" and info.text("Hb") == "0.4 in")
    # Canvas Size opens in inches (320 px: 1.067 in); 2 in wide is 600 px.
    def drive(dialog, seen):
        seen["unit"] = dialog.unit.currentData()
        seen["width"] = dialog.width_box.value()
        dialog.width_box.setValue(2.0)

    seen = in_modal_dialog(qtbot, w.actions["canvas_size"].trigger, drive, "CanvasSizeDialog")
    assert seen["unit"] == "inches" and seen["width"] == pytest.approx(320 / 300, abs=1e-3)
    assert doc.size == (600, 240)
    w.actions["undo"].trigger()
    assert doc.size == (320, 240)


def test_right_click_on_a_ruler_or_the_info_panel_sets_the_unit(window, qtbot):
    w = window
    image_size(qtbot, w, 300, resample=False)
    w.actions["rulers"].trigger()
    ruler = w.canvas.chrome.top
    qtbot.waitUntil(ruler.isVisible)
    in_pixels = ruler.grab().toImage()
    chosen = pick_from_menu(qtbot, lambda: right_click(ruler), "RulerUnit_centimeters")
    assert chosen["checked"] == ["RulerUnit_pixels"]
    assert w.settings.ruler_units == "centimeters"
    assert ruler.grab().toImage() != in_pixels  # counted in centimetres now
    w.docks["info"].show()
    w.docks["info"].raise_()
    info = w.info_panel
    qtbot.waitUntil(info.isVisible)
    pointer_reads(qtbot, w, 150, 75, lambda: info.text("X") == "1.27 cm")
    pick_from_menu(qtbot, lambda: right_click(info), "RulerUnit_millimeters")
    assert w.settings.ruler_units == "millimeters"
    pointer_reads(qtbot, w, 150, 76,
                  lambda: info.text("X") == "12.7 mm" and info.text("Y") == "6.4 mm")
    # Image Size's print size opens in the rulers' unit too.
    seen = in_modal_dialog(qtbot, w.actions["image_size"].trigger, lambda d, s: s.update(
        unit=d.width_unit.currentData(), cancel=True), "ImageSizeDialog")
    assert seen["unit"] == "millimeters"


def right_click(widget) -> None:
    """The context menu event a right-click in the middle of `widget` sends."""
    centre = widget.rect().center()
    QApplication.sendEvent(widget, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre,
                                                     widget.mapToGlobal(centre)))
