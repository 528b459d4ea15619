"""The Artboard tool and Layer > New Artboard… / Artboard from Layers in the window: a drag
makes an artboard over the dragged box (one undo step; Esc during the drag leaves the
document as it was), a handle drag resizes it, a drag on its name label moves it with its
layers, Shift+V switches Move / Artboard, the options bar's W / H and presets resize the
active one; Artboard from Layers wraps the chosen layers round their bounds; the
background colour is drawn inside the box only; a new artboard saved by us is read by
psd-tools as an artboard with its box and background."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from psd_tools import PSDImage
from psd_tools.constants import Tag

from editor.model import Document, Group
from editor.model.artboards import new_artboard
from editor.model.files import open_document, save_document
from editor.model.render import composite_document
from engine.box import Box
from test_ui_layer_basics import ctrl_click_row
from ui_helpers import image_drag, image_pos, in_modal_dialog, make_window

ZOOM = 4.0


def solid(h, w, rgba):
    out = np.zeros((h, w, 4), np.uint8)
    out[...] = rgba
    return out


@pytest.fixture
def win(qtbot, tmp_path, monkeypatch):
    """A window on a transparent 120x80 document holding a red and a blue layer, at 400 %,
    canvas focused, the Artboard tool taken with Shift+V from Move."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    doc = Document(120, 80)
    doc.add_image(solid(20, 20, (255, 0, 0, 255)), "Red", 10, 10)
    doc.add_image(solid(10, 20, (0, 0, 255, 255)), "Blue", 50, 40)
    doc.history.mark_clean()
    w.add_session(doc, "boards")
    w.canvas.set_zoom(ZOOM)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_V)
    assert w.tools.current.id == "move"
    qtbot.keyClick(w.canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ShiftModifier)
    assert w.tools.current.id == "artboard"
    return w


def boards(doc):
    return [n for n in doc.root.children if isinstance(n, Group) and n.artboard is not None]


def test_shift_v_switches_move_and_artboard(win, qtbot):
    qtbot.keyClick(win.canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ShiftModifier)
    assert win.tools.current.id == "move"
    qtbot.keyClick(win.canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ShiftModifier)
    assert win.tools.current.id == "artboard"


def test_drag_makes_an_artboard_in_one_step_and_esc_cancels(win, qtbot):
    doc, canvas = win.doc, win.canvas
    steps = doc.history.index
    # Esc during the drag: nothing made.
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 5, 5))
    QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, image_pos(canvas, 60, 50))
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 60, 50))
    assert boards(doc) == [] and doc.history.index == steps

    image_drag(qtbot, canvas, [(20, 15), (50, 40), (80, 60)])
    (board,) = boards(doc)
    assert board.kind == "group" and board.parent is doc.root and board.children == []
    assert board.artboard.box == Box(20, 15, 60, 45) and board.artboard.background == "white"
    assert board.name == "Artboard 1" and doc.active is board
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "New Artboard"
    # The options bar shows its size.
    bar = win.tools.current.options()
    assert bar.findChild(object, "ArtboardW").value() == 60
    win.actions["undo"].trigger()
    assert boards(doc) == []


def test_handle_resizes_and_label_moves_with_the_layers(win, qtbot):
    doc, canvas, tool = win.doc, win.canvas, win.tools.current
    red = next(n for n in doc.root.children if n.name == "Red")
    board = new_artboard(doc, Box(5, 5, 40, 30))
    from editor.model import commands as cmds
    doc.history.push(cmds.MoveNode(red, board, 0))
    canvas.update()
    steps = doc.history.index

    # The bottom-right handle, dragged 10 right and 6 down.
    image_drag(qtbot, canvas, [(45, 35), (50, 38), (55, 41)])
    assert board.artboard.box == Box(5, 5, 50, 36)
    assert (red.x, red.y) == (10, 10)  # the content stays put
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Resize Artboard"

    # The name label, dragged 12 right and 8 down: the artboard and its layer move.
    label = tool.label_rect(canvas, board).center()
    start = canvas.view_to_screen(label).toPoint()
    end = start + QPoint(round(12 * ZOOM), round(8 * ZOOM))
    from ui_helpers import drag
    drag(qtbot, canvas, [start, (start + end) / 2, end])
    assert board.artboard.box == Box(17, 13, 50, 36)
    assert (red.x, red.y) == (22, 18)
    assert doc.history.index == steps + 2
    win.actions["undo"].trigger()
    assert board.artboard.box == Box(5, 5, 50, 36) and (red.x, red.y) == (10, 10)

    # The options bar's W and a preset resize it, one step each.
    bar = tool.options()
    bar.findChild(object, "ArtboardW").setValue(70)
    assert board.artboard.box == Box(5, 5, 70, 36) and doc.history.index == steps + 2
    combo = bar.findChild(object, "ArtboardSize")
    assert combo.currentText() == "Custom"
    combo.textActivated.emit("A4")
    assert board.artboard.box == Box(5, 5, 595, 842) and doc.history.index == steps + 3


def test_artboard_from_layers_wraps_the_two_layers(win, qtbot):
    doc = win.doc
    red, blue = (next(n for n in doc.root.children if n.name == k) for k in ("Red", "Blue"))
    doc.set_active(red)
    ctrl_click_row(win, qtbot, blue)
    assert set(win.layers_panel.selected_nodes()) == {red, blue}
    steps = doc.history.index
    win.actions["artboard_from_layers"].trigger()
    (board,) = boards(doc)
    assert set(board.children) == {red, blue} and board.parent is doc.root
    assert board.artboard.box == Box(10, 10, 60, 40)  # (10,10)-(70,50)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Artboard from Layers"
    assert win.test_errors == []
    win.actions["undo"].trigger()
    assert boards(doc) == [] and red.parent is doc.root and blue.parent is doc.root


def test_new_artboard_dialog_and_background_drawn_inside_the_box_only(win, qtbot):
    doc = win.doc
    before = composite_document(doc)
    assert before[0, 0, 3] == 0  # a transparent canvas

    def drive(dialog, seen):
        dialog.width_px.setValue(30)
        dialog.height_px.setValue(20)
        dialog.x.setValue(80)
        dialog.y.setValue(5)
        assert dialog.preset.currentText() == "Custom"
    steps = doc.history.index
    in_modal_dialog(qtbot, win.actions["new_artboard"].trigger, drive, "NewArtboardDialog")
    (board,) = boards(doc)
    assert board.artboard.box == Box(80, 5, 30, 20) and board.artboard.background == "white"
    assert doc.history.index == steps + 1
    ours = composite_document(doc)
    assert (ours[5:25, 80:110] == 255).all()  # white, opaque, inside its box
    outside = np.ones(ours.shape[:2], bool)
    outside[5:25, 80:110] = False
    assert np.array_equal(ours[outside], before[outside])  # nothing beyond it

    def cancel(dialog, seen):
        seen["cancel"] = True
    in_modal_dialog(qtbot, win.actions["new_artboard"].trigger, cancel, "NewArtboardDialog")
    assert len(boards(doc)) == 1 and doc.history.index == steps + 1


def test_layers_beyond_the_box_are_clipped(win, qtbot):
    doc = win.doc
    red = next(n for n in doc.root.children if n.name == "Red")
    doc.set_active(red)
    win.actions["artboard_from_layers"].trigger()
    (board,) = boards(doc)
    from editor.model.artboards import resize_artboard
    resize_artboard(doc, board, Box(10, 10, 10, 20))  # half of the red square
    ours = composite_document(doc)
    assert (ours[10:30, 10:20] == (255, 0, 0, 255)).all()
    assert ours[10:30, 20:30, 3].max() == 0


@pytest.mark.parametrize("background, color", [("white", (255, 255, 255)), ("black", (0, 0, 0)),
                                               ("transparent", None), ("other", (10, 200, 90))])
def test_new_artboard_round_trips_through_psd_tools(qapp, tmp_path, background, color):
    doc = Document(120, 80)
    layer = doc.add_image(solid(20, 20, (255, 0, 0, 200)), "Red", 30, 20)
    board = new_artboard(doc, Box(20, 10, 60, 50), "Board", background, color or (255, 255, 255))
    from editor.model import commands as cmds
    doc.history.push(cmds.MoveNode(layer, board, 0))
    out = str(tmp_path / "board.psd")
    save_document(doc, out)
    psd = PSDImage.open(out)
    (item,) = [a for a in psd if a.kind == "artboard"]
    assert item.name == "Board" and item.bbox == (20, 10, 80, 60)
    assert [child.name for child in item] == ["Red"]
    data = item.tagged_blocks.get_data(Tag.ARTBOARD_DATA1)
    assert int(data[b"artboardBackgroundType"]) == ("white", "black", "transparent",
                                                    "other").index(background) + 1
    if background == "other":
        clr = data[b"Clr "]
        assert tuple(round(float(clr[k])) for k in (b"Rd  ", b"Grn ", b"Bl  ")) == color
    again = open_document(out)
    (read,) = boards(again)
    assert read.artboard == board.artboard
    np.testing.assert_array_equal(composite_document(again), composite_document(doc))


@pytest.mark.parametrize("name, before, after", [("artboard.psd", 67.4, 0.15),
                                                 ("artboard-bgcolor.psd", 64.5, 0.01)])
def test_photoshops_artboard_files_before_and_after(qapp, name, before, after):
    """Mean premultiplied RGBA error (0-255) against Photoshop's merged image: drawn as
    plain groups (no clip, no background) these files are far off; as artboards, on it."""
    import os

    from test_artboards import FILES, error
    path = os.path.join(FILES, name)
    theirs = np.asarray(PSDImage.open(path).topil().convert("RGBA"))
    doc = open_document(path)
    drawn, alpha = error(composite_document(doc), theirs)
    assert drawn <= after and alpha <= 1
    for board in boards(doc):
        board.artboard = None
    plain, _ = error(composite_document(doc), theirs)
    assert plain >= before - 0.5


def test_options_bar_background_one_step_each(win, qtbot, monkeypatch):
    doc, canvas = win.doc, win.canvas
    image_drag(qtbot, canvas, [(20, 15), (50, 40)])
    (board,) = boards(doc)
    combo = win.tools.current.options().findChild(object, "ArtboardBackground")
    assert combo.isEnabled() and combo.currentText() == "White"
    steps = doc.history.index
    combo.textActivated.emit("Black")
    assert board.artboard.background == "black" and doc.history.index == steps + 1
    assert tuple(composite_document(doc)[20, 30]) == (0, 0, 0, 255)
    from PySide6.QtGui import QColor
    monkeypatch.setattr("editor.ui.dialogs.ask_color", lambda *a: QColor(10, 200, 90))
    combo.textActivated.emit("Other…")
    assert board.artboard.fill() == (10, 200, 90) and doc.history.index == steps + 2
    assert tuple(composite_document(doc)[20, 30]) == (10, 200, 90, 255)
    monkeypatch.setattr("editor.ui.dialogs.ask_color", lambda *a: None)  # cancelled
    combo.textActivated.emit("Other…")
    assert doc.history.index == steps + 2 and combo.currentText() == "Other…"
    win.actions["undo"].trigger()
    assert board.artboard.background == "black"
    qtbot.waitUntil(lambda: combo.currentText() == "Black")  # the bar follows the undo
