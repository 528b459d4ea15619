"""View > New Guide…, Lock Guides, Extras and View > Show's toggles in the window, as a user
works them: a guide typed at 25 % lands on the 25 % pixel (one undo step, Cancel nothing, a
position off the canvas one readable line), locked guides do not move when dragged, and
Extras (Ctrl+H) hides the selection's ants and the guides on the canvas and brings them back."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from editor.ui.canvas_chrome import GUIDE_COLOR
from ui_helpers import image_drag, in_modal_dialog, on_canvas

W, H = 96, 64


def typed_guide(w, qtbot, vertical: bool, position: str, unit: str, cancel=False) -> dict:
    """View > New Guide…: the orientation clicked, the position typed with its unit."""
    def drive(dialog, seen):
        name = "NewGuideVertical" if vertical else "NewGuideHorizontal"
        qtbot.mouseClick(dialog.findChild(type(dialog.orientation.button(0)), name),
                         Qt.MouseButton.LeftButton)
        field = dialog.position
        field.selectAll()
        qtbot.keyClicks(field, f"{position} {unit}")
        seen["cancel"] = cancel

    return in_modal_dialog(qtbot, w.actions["new_guide"].trigger, drive, "NewGuideDialog")


def guide_drawn(canvas, horizontal: bool, value: float) -> bool:
    """Whether the guide's colour is on the canvas where a guide at `value` goes."""
    image = canvas.grab().toImage()
    at = canvas.image_to_widget(QPointF(value, value))
    mid = canvas.image_to_widget(QPointF(W / 3, H / 3))
    x, y = (round(mid.x()), round(at.y())) if horizontal else (round(at.x()), round(mid.y()))
    return image.pixelColor(x, y).name() == GUIDE_COLOR.name()


def test_new_guide_at_25_percent_lands_on_its_pixel(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    canvas.set_zoom(4.0)
    assert w.actions["new_guide"] in w.menus["view"].actions()
    steps = doc.history.count
    typed_guide(w, qtbot, True, "25", "%")
    assert doc.guides == ((False, 24.0),)  # 25 % of 96 px
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "New Guide"
    assert guide_drawn(canvas, False, 24.0) and not guide_drawn(canvas, False, 30.0)
    typed_guide(w, qtbot, False, "25", "%")
    assert doc.guides == ((False, 24.0), (True, 16.0))  # 25 % of 64 px
    typed_guide(w, qtbot, False, "40", "px")
    assert doc.guides[-1] == (True, 40.0) and guide_drawn(canvas, True, 40.0)
    w.actions["undo"].trigger()
    assert doc.guides == ((False, 24.0), (True, 16.0))  # one step each
    # Cancel leaves everything; a guide off the canvas is one readable line, no step.
    count = doc.history.count
    typed_guide(w, qtbot, True, "50", "px", cancel=True)
    typed_guide(w, qtbot, True, "150", "%")
    assert doc.guides == ((False, 24.0), (True, 16.0)) and doc.history.count == count
    assert len(w.test_errors) == 1 and "0 to 96 px" in w.test_errors[0][1]
    assert "\n" not in w.test_errors[0][1].strip()
    # The dialog opens as it was left (Vertical), its field in the rulers' unit (pixels).
    seen = in_modal_dialog(qtbot, w.actions["new_guide"].trigger, lambda d, s: s.update(
        vertical=not d.horizontal(), text=d.position.text(), cancel=True), "NewGuideDialog")
    assert seen["vertical"] and seen["text"] == "0 px"


def test_locked_guides_do_not_move_when_dragged(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    canvas.set_zoom(4.0)
    typed_guide(w, qtbot, True, "30", "px")
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_V)  # the Move tool drags guides
    w.actions["lock_guides"].trigger()
    assert w.actions["lock_guides"].isChecked()
    assert w.actions["lock_guides"].shortcut().toString() == "Ctrl+Alt+;"
    steps = doc.history.count
    layer = doc.active
    image_drag(qtbot, canvas, [(30, 25), (35, 25), (40, 25)])
    assert doc.guides == ((False, 30.0),)
    # The drag went to the Move tool's layer move instead, as in Photoshop: one step of its own.
    assert (layer.x, layer.y) == (10, 0) and doc.history.count == steps + 1
    assert doc.history.undo_name() != "Move Guide"
    w.actions["undo"].trigger()
    assert (layer.x, layer.y) == (0, 0)
    # Unlocked, the same drag moves the guide (the lock was what held it).
    w.actions["lock_guides"].trigger()
    image_drag(qtbot, canvas, [(30, 25), (35, 25), (40, 25)])
    assert doc.guides == ((False, 40.0),) and doc.history.undo_name() == "Move Guide"


def test_extras_hides_and_shows_the_ants_and_guides(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    canvas.set_zoom(1.0)
    canvas.setFocus()
    bare = on_canvas(canvas)
    typed_guide(w, qtbot, True, "70", "px")
    w.activateWindow()  # (the tools' letters are the window's shortcuts)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_M)  # Rectangular Marquee
    w.tools.current.set_shape("rect")
    image_drag(qtbot, canvas, [(20, 10), (40, 30), (50, 40)])
    assert doc.selection is not None

    def ants_region(pixels):  # the marquee's top edge, and the guide's column (image px)
        return pixels[9:12, 20:50], pixels[:, 70]

    def differs(a, b):
        return any(np.abs(p.astype(int) - q.astype(int)).max() > 40
                   for p, q in zip(ants_region(a), ants_region(b)))

    shown = on_canvas(canvas)
    assert differs(shown, bare)  # the ants and the guide are drawn
    assert w.actions["extras"].isChecked()
    assert w.actions["extras"].shortcut().toString() == "Ctrl+H"
    w.actions["extras"].trigger()
    hidden = on_canvas(canvas)
    assert not w.actions["extras"].isChecked()
    assert not differs(hidden, bare)  # neither ants nor guide: the photo alone
    # The selection and guides are still there, and Show > Guides stays ticked.
    assert doc.selection is not None and doc.guides == ((False, 70.0),)
    assert w.actions["show_guides"].isChecked()
    w.actions["extras"].trigger()
    assert differs(on_canvas(canvas), bare)
    # View > Show > Selection Edges alone: the ants go, the guide stays.
    w.actions["show_selection_edges"].trigger()
    off = on_canvas(canvas)
    edge, column = ants_region(off)
    assert np.abs(edge.astype(int) - ants_region(bare)[0].astype(int)).max() <= 40
    assert np.abs(column.astype(int) - ants_region(bare)[1].astype(int)).max() > 40
    assert w.actions["show_selection_edges"] in w.menus["show"].actions()
    assert doc.history.undo_name() not in ("Extras",)  # the view changes no document
