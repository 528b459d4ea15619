"""The layer mask seen over the picture, as a Photoshop user does it in the window: backslash
shows the rubylith (a red tint where the mask hides) and again hides it, a brush stroke on
the mask shows in it at once, Mask Options… changes its colour and opacity, and it and the
mask seen alone (Alt+click on the thumbnail) take turns. Pixels are read off the canvas as
it paints itself (`grab`)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from editor.ui.mask_tint import TINT, TINT_OPACITY
from engine.box import Box

from ui_helpers import image_drag, make_window, on_canvas, open_photo

W, H = 96, 64
HIDDEN = Box(20, 10, 40, 30)


@pytest.fixture
def masked(qtbot, tmp_path, monkeypatch):
    """A photo whose layer mask hides a box in its middle (Hide Selection), shown at 100 %."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, W, H)
    doc = w.doc
    doc.set_selection(HIDDEN)
    w.update_actions()
    w.actions["mask_hide_selection"].trigger()
    doc.set_selection(None)
    layer = doc.active
    assert layer.mask is not None and doc.mask_targeted
    w.actions["actual"].trigger()
    w.canvas.setFocus()
    w.update_actions()
    return w, layer


def tinted(plain: np.ndarray, layer, colour, opacity) -> np.ndarray:
    """`plain` with `colour` at `opacity` where `layer`'s mask hides (as much as it hides)."""
    doc_canvas = Box(0, 0, plain.shape[1], plain.shape[0])
    hides = (255 - layer.mask.raw_crop(doc_canvas).astype(np.float32)) / 255 * opacity
    return plain + (np.array(colour, np.float32) - plain) * hides[..., None]


def press_backslash(qtbot, canvas) -> None:
    qtbot.keyClick(canvas, Qt.Key.Key_Backslash)


def test_backslash_shows_the_mask_as_red_over_the_picture_and_again_hides_it(masked, qtbot):
    w, layer = masked
    canvas = w.canvas
    action = w.actions["mask_rubylith"]
    assert action in w.menus["layer_mask"].actions() and action.isCheckable()
    assert action.shortcut().toString() == "\\" and action.isEnabled()
    plain = on_canvas(canvas)
    steps = w.doc.history.count
    press_backslash(qtbot, canvas)
    qtbot.waitUntil(action.isChecked)
    shown = on_canvas(canvas)
    hidden = np.zeros(plain.shape[:2], bool)
    hidden[HIDDEN.slices()] = True
    # Red at 50 % where the mask hides, the picture untouched where it reveals.
    assert np.abs(shown - tinted(plain, layer, TINT, TINT_OPACITY)).max() <= 2
    assert np.array_equal(shown[~hidden], plain[~hidden])
    r, g, b = shown[hidden].T
    assert (r > g + 60).all() and (r > b + 60).all()
    assert w.doc.history.count == steps  # a view: nothing in the history
    press_backslash(qtbot, canvas)
    qtbot.waitUntil(lambda: not action.isChecked())
    assert np.array_equal(on_canvas(canvas), plain)


def test_a_brush_stroke_on_the_mask_shows_in_the_overlay_at_once(masked, qtbot):
    w, layer = masked
    canvas, doc = w.canvas, w.doc
    press_backslash(qtbot, canvas)
    qtbot.keyClick(canvas, Qt.Key.Key_B)
    brush = w.tools.current
    brush.set_size(8)
    brush.set_hardness(1.0)
    w.set_foreground(QColor(0, 0, 0))  # black on the mask: hides
    before = on_canvas(canvas)
    image_drag(qtbot, canvas, [(66, 50), (76, 50), (86, 50)])  # where the mask revealed
    assert doc.history.undo_name() == "Brush Tool"
    qtbot.mouseMove(canvas, QPoint(5, 5))  # the brush's outline off the picture
    during = on_canvas(canvas)  # the overlay as it is, not made anew
    stroke = (slice(47, 54), slice(68, 85))
    r, g, _b = during[stroke].reshape(-1, 3).T
    assert (r > g + 60).all() and not (before[stroke][..., 0] > before[stroke][..., 1] + 60).all()
    # Exactly the tint of the mask as painted, over what the picture shows now.
    press_backslash(qtbot, canvas)
    plain = on_canvas(canvas)
    assert np.abs(during - tinted(plain, layer, TINT, TINT_OPACITY)).max() <= 2
    # Undo takes the stroke out of the overlay too.
    press_backslash(qtbot, canvas)
    w.actions["undo"].trigger()
    assert np.array_equal(on_canvas(canvas), before)


def test_mask_options_set_the_colour_and_opacity(masked, qtbot, monkeypatch):
    w, layer = masked
    canvas = w.canvas
    plain = on_canvas(canvas)
    press_backslash(qtbot, canvas)
    blue = QColor(0, 90, 255)
    monkeypatch.setattr("editor.ui.dialogs.ask_color",
                        lambda *args, **kw: blue)
    seen = {}

    def drive():
        dialog = QApplication.activeModalWidget()
        seen["dialog"] = dialog.objectName()
        seen["defaults"] = (dialog.colour.getRgb()[:3], dialog.opacity.value())
        qtbot.mouseClick(dialog.colour_button, Qt.MouseButton.LeftButton)
        dialog.opacity.setValue(80)
        dialog.accept()

    QTimer.singleShot(0, drive)
    assert w.actions["mask_options"] in w.menus["layer_mask"].actions()
    w.actions["mask_options"].trigger()
    assert seen == {"dialog": "MaskOptionsDialog", "defaults": (TINT, 50)}
    assert w.settings.value("mask_display/color") == blue.name()
    assert w.settings.value("mask_display/opacity", 0, int) == 80
    shown = on_canvas(canvas)
    assert np.abs(shown - tinted(plain, layer, (0, 90, 255), 0.8)).max() <= 2
    # The next time the overlay shows, it is in the colour chosen.
    press_backslash(qtbot, canvas)
    press_backslash(qtbot, canvas)
    assert np.array_equal(on_canvas(canvas), shown)


def test_the_mask_alone_and_the_overlay_take_turns(masked, qtbot):
    """Alt+click on the mask thumbnail shows the mask alone; backslash then shows the
    picture with the overlay instead; Alt+click again shows the mask alone, without it.
    Another layer made active ends the overlay."""
    w, layer = masked
    canvas, doc = w.canvas, w.doc
    renderer = w.session.renderer
    plain = on_canvas(canvas)
    rows = w.layers_panel.list
    rows.rebuild()
    thumb = rows.mask_thumb_rect(layer, "mask").center()
    alone = Qt.KeyboardModifier.AltModifier
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, alone, thumb)
    assert renderer.mask_view is layer
    grey = on_canvas(canvas)
    assert (grey[HIDDEN.slices()] == 0).all() and (grey[0:5, 0:5] == 255).all()
    press_backslash(qtbot, canvas)
    assert renderer.mask_view is None and canvas.rubylith is not None
    assert np.abs(on_canvas(canvas) - tinted(plain, layer, TINT, TINT_OPACITY)).max() <= 2
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, alone, thumb)
    assert renderer.mask_view is layer and canvas.rubylith is None
    assert np.array_equal(on_canvas(canvas), grey)
    qtbot.waitUntil(lambda: not w.actions["mask_rubylith"].isChecked())
    # Back to the picture, with the overlay; a new layer active ends it.
    press_backslash(qtbot, canvas)
    assert renderer.mask_view is None and canvas.rubylith is not None
    w.actions["new_layer"].trigger()
    assert doc.active is not layer and canvas.rubylith is None
    assert np.array_equal(on_canvas(canvas), plain)
    qtbot.waitUntil(lambda: not w.actions["mask_rubylith"].isEnabled())
    press_backslash(qtbot, canvas)  # the new layer has no mask: nothing to show
    assert canvas.rubylith is None


def test_deleting_the_mask_ends_the_overlay(masked, qtbot):
    w, layer = masked
    canvas = w.canvas
    plain_layer = layer.pixels.copy()
    press_backslash(qtbot, canvas)
    w.actions["mask_delete"].trigger()
    assert layer.mask is None and canvas.rubylith is None
    shown = on_canvas(canvas)
    assert np.array_equal(shown, plain_layer[..., :3].astype(np.int16))


def test_the_overlay_moves_with_its_layer(masked, qtbot):
    """A linked mask moves with its layer (Move tool, arrow keys): the overlay follows."""
    w, layer = masked
    canvas = w.canvas
    press_backslash(qtbot, canvas)
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    for _ in range(3):
        qtbot.keyClick(canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert layer.x == 30 and layer.mask.x == 30
    shown = on_canvas(canvas)
    press_backslash(qtbot, canvas)
    plain = on_canvas(canvas)
    assert np.abs(shown - tinted(plain, layer, TINT, TINT_OPACITY)).max() <= 2
    assert shown[HIDDEN.y + 5, HIDDEN.x + 35, 0] > shown[HIDDEN.y + 5, HIDDEN.x + 35, 1] + 60
