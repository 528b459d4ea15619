"""Type > Warp Text… driven as a user would in the window: a style chosen in the dialog
shows on the canvas at once and OK lands it as one undo step, the layer still editable
text drawing bent; Cancel leaves the layer as it was; the Type tool's options-bar button
opens the dialog while typing; a PSD round trip of the warp through our writer,
psd-tools' reader (the 'TySh' warp descriptor) and our reader of the 'TySh' alone;
Photoshop's own warp descriptor read from its file; bad values refused in one line."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDoubleSpinBox, QRadioButton, QToolButton

from editor.model import text_warp
from editor.model.errors import DocumentError
from editor.model.text_layer import TextLayer, draw, set_text
from test_type_panels import typed
from ui_helpers import in_modal_dialog, zoomed_photo_window

HERE = os.path.dirname(__file__)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, 320, 240, 1.0, activate=True)


def warped_layer(w, qtbot):
    layer = typed(w, qtbot, "Warp me now", at=(40, 120))
    set_text(w.doc, layer, layer.type_settings.replace(size=40.0))
    return layer


def enter(qtbot, spin, text):
    """`text` typed into a dialog's number field and Enter pressed: the value taken and,
    as in Photoshop, the dialog OK'd."""
    edit = spin.lineEdit()
    spin.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert not spin.window().isVisible()


def ink_rows(layer, x):
    """The canvas rows holding ink in canvas column `x` (top, bottom)."""
    column = layer.pixels[:, x - layer.x, 3] > 64
    rows = np.nonzero(column)[0]
    return int(rows.min()) + layer.y, int(rows.max()) + layer.y


def test_a_style_previews_and_ok_is_one_step(window, qtbot):
    w = window
    layer = warped_layer(w, qtbot)
    flat_settings, flat_pixels = layer.type_settings, layer.pixels.copy()
    steps = w.doc.history.index

    def drive(dialog, seen):
        style = dialog.findChild(QComboBox, "WarpTextStyle")
        bend = dialog.findChild(QDoubleSpinBox, "WarpTextBend")
        assert style.currentText() == "None" and not bend.isEnabled()
        style.setCurrentText("Arch")
        assert bend.isEnabled() and bend.value() == 50.0  # Photoshop's first bend
        # Shown on the canvas at once, no undo step yet.
        assert layer.type_settings.warp_style == "Arch"
        assert not np.array_equal(layer.pixels, flat_pixels)
        assert w.doc.history.index == steps
        bend.setValue(80)  # (the arrows' way)
        seen["preview"] = layer.pixels.copy()
        enter(qtbot, bend, "80")

    seen = in_modal_dialog(qtbot, w.actions["warp_text"].trigger, drive, "WarpTextDialog")
    assert w.doc.history.index == steps + 1 and w.doc.history.undo_name() == "Warp Text"
    assert isinstance(layer, TextLayer) and layer.type_settings.text == "Warp me now"
    s = layer.type_settings
    assert (s.warp_style, s.warp_bend, s.warp_h, s.warp_v, s.warp_vertical) == \
        ("Arch", 80.0, 0.0, 0.0, False)
    assert np.array_equal(layer.pixels, seen["preview"])  # what was previewed landed
    # Arch lifts the middle of the text: its middle's ink lies well above the flat text's.
    warped_top = ink_rows(layer, layer.x + layer.width // 2)[0]
    w.doc.history.undo()
    assert layer.type_settings == flat_settings and np.array_equal(layer.pixels, flat_pixels)
    assert warped_top < ink_rows(layer, layer.x + layer.width // 2)[0] - 10
    w.doc.history.redo()
    assert layer.type_settings == s


def test_cancel_leaves_the_layer_as_it_was(window, qtbot):
    w = window
    layer = warped_layer(w, qtbot)
    before = (layer.type_settings, layer.pixels.copy(), layer.x, layer.y)
    steps = w.doc.history.index

    def drive(dialog, seen):
        dialog.findChild(QComboBox, "WarpTextStyle").setCurrentText("Flag")
        dialog.findChild(QRadioButton, "WarpTextVertical").click()
        assert layer.type_settings.warp_vertical
        seen["cancel"] = True

    in_modal_dialog(qtbot, w.actions["warp_text"].trigger, drive, "WarpTextDialog")
    assert w.doc.history.index == steps
    assert layer.type_settings == before[0] and np.array_equal(layer.pixels, before[1])
    assert (layer.x, layer.y) == before[2:]


def test_the_type_tools_button_warps_the_text_being_typed_and_it_stays_editable(window,
                                                                               qtbot):
    w = window
    qtbot.keyClick(w.canvas, Qt.Key.Key_T)
    from ui_helpers import image_drag

    image_drag(qtbot, w.canvas, [(30, 100), (30, 100)])
    qtbot.keyClicks(w.canvas, "Wavy")
    assert w.tools.mode is not None  # typing
    button = w.tools.tools["type"].options().findChild(QToolButton, "TypeTool_warp")
    steps = w.doc.history.index

    def drive(dialog, seen):
        dialog.findChild(QComboBox, "WarpTextStyle").setCurrentText("Wave")
        enter(qtbot, dialog.findChild(QDoubleSpinBox, "WarpTextHorizontalDistortion"), "-30")

    in_modal_dialog(qtbot, lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton), drive,
                    "WarpTextDialog")
    # The typing committed first (one step), then the warp (one more).
    assert w.doc.history.index == steps + 2
    (layer,) = [n for n in w.doc.layers() if isinstance(n, TextLayer)]
    assert (layer.type_settings.warp_style, layer.type_settings.warp_h) == ("Wave", -30.0)
    # Still text: edited with the Type tool again, it keeps its warp and draws the new text.
    w.tools.tools["type"].edit_layer(layer)
    qtbot.keyClick(w.canvas, Qt.Key.Key_End)
    qtbot.keyClicks(w.canvas, "er")
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert layer.type_settings.text == "Wavyer"
    assert layer.type_settings.warp_style == "Wave"
    pixels, ox, oy = draw(layer.type_settings)
    assert np.array_equal(pixels, layer.pixels) and (ox, oy) == layer.origin
    flat, _, _ = draw(layer.type_settings.replace(warp_style="None"))
    assert flat.shape != pixels.shape or not np.array_equal(flat, pixels)


def test_psd_round_trip_of_the_warp(window, qtbot, tmp_path):
    from psd_tools import PSDImage

    from editor.model.files import open_document, write_document
    from test_psd_type import without_our_xmp

    w = window
    layer = warped_layer(w, qtbot)
    text_warp.warp_text(w.doc, layer, "Arc Lower", -35, 20, -10, vertical_orientation=True)
    settings = layer.type_settings
    path = str(tmp_path / "warped.psd")
    write_document(w.doc, path)
    (item,) = [i for i in PSDImage.open(path) if i.kind == "type"]
    warp = item.warp
    assert warp[b"warpStyle"].enum == b"warpArcLower"
    assert [float(warp[k]) for k in (b"warpValue", b"warpPerspective",
                                     b"warpPerspectiveOther")] == [-35.0, 20.0, -10.0]
    assert warp[b"warpRotate"].enum == b"Vrtc"
    for kept in (path, without_our_xmp(path, str(tmp_path / "bare.psd"))):
        (again,) = [n for n in open_document(kept).layers() if isinstance(n, TextLayer)]
        assert again.type_settings == settings and again.anchor() == layer.anchor()
        pixels, ox, oy = draw(again.type_settings)
        assert np.array_equal(pixels, layer.pixels) and (ox, oy) == layer.origin


def test_photoshops_warp_descriptor_is_read(qapp):
    """ag-psd's text-complex.psd: Photoshop's Arc at +50 %, horizontal."""
    from psd_tools import PSDImage

    from editor.model.psd_type import read_warp

    (item,) = [i for i in PSDImage.open(os.path.join(HERE, "ag_psd_files",
                                                     "text-complex.psd")) if i.kind == "type"]
    assert read_warp(item) == {"warp_style": "Arc", "warp_bend": 50.0, "warp_h": 0.0,
                               "warp_v": 0.0, "warp_vertical": False}


def test_a_warp_too_large_is_said_in_the_dialog(window, qtbot, monkeypatch):
    """A warp whose pixels would pass the text's pixel limit (here made small) is one line
    in the dialog, with OK off; a smaller bend is shown again and OK'd."""
    w = window
    layer = warped_layer(w, qtbot)
    flat = layer.width * layer.height
    monkeypatch.setattr("editor.model.text_layer.MAX_TEXT_PIXELS", int(flat * 2.5))
    steps = w.doc.history.index

    def drive(dialog, seen):
        from PySide6.QtWidgets import QDialogButtonBox, QLabel

        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        dialog.findChild(QComboBox, "WarpTextStyle").setCurrentText("Arc")
        bend = dialog.findChild(QDoubleSpinBox, "WarpTextBend")
        bend.setValue(100)
        line = dialog.findChild(QLabel, "WarpTextMessage").text()
        assert line.startswith("The warped text would cover") and "\n" not in line
        assert not ok.isEnabled()
        bend.setValue(5)
        assert dialog.findChild(QLabel, "WarpTextMessage").text() == "" and ok.isEnabled()

    in_modal_dialog(qtbot, w.actions["warp_text"].trigger, drive, "WarpTextDialog")
    assert w.doc.history.index == steps + 1 and layer.type_settings.warp_bend == 5.0


def test_bad_values_are_refused_in_one_line(window, qtbot):
    w = window
    layer = warped_layer(w, qtbot)
    steps = w.doc.history.index
    for args, words in ((("Arc", 150), "bend is -100 to 100%"),
                        (("Arc", 10, float("nan")), "horizontal distortion"),
                        (("Spiral", 10), "no warp style 'Spiral'")):
        with pytest.raises(DocumentError) as err:
            text_warp.warp_text(w.doc, layer, *args)
        assert words in str(err.value) and "\n" not in str(err.value)
    assert w.doc.history.index == steps
    # The dialog's fields take no more than Photoshop's range.
    def drive(dialog, seen):
        dialog.findChild(QComboBox, "WarpTextStyle").setCurrentText("Bulge")
        bend = dialog.findChild(QDoubleSpinBox, "WarpTextBend")
        bend.setFocus()
        bend.lineEdit().selectAll()
        qtbot.keyClicks(bend.lineEdit(), "250")
        assert "250" not in bend.lineEdit().text()  # (the field refuses the third digit)
        seen["cancel"] = True

    in_modal_dialog(qtbot, w.actions["warp_text"].trigger, drive, "WarpTextDialog")
    assert w.doc.history.index == steps
    # A pixel layer active: the command is off, and the operation says why in one line.
    w.doc.set_active(w.doc.root.children[0])
    w.update_actions()
    assert not w.actions["warp_text"].isEnabled()
    with pytest.raises(DocumentError, match="Select a text layer first"):
        text_warp.warp_text(w.doc, w.doc.active, "Arc", 20)
    QApplication.processEvents()


def test_the_caret_follows_the_warp_while_editing(window, qtbot):
    """Arc at 100 % bends the line into a half ring: editing it, the caret at the text's
    end stands on the ring's end, turned with the letters (nearly level), not where the
    flat text's end would be."""
    w = window
    layer = warped_layer(w, qtbot)
    text_warp.warp_text(w.doc, layer, "Arc", 100)
    w.tools.tools["type"].edit_layer(layer)
    qtbot.keyClick(w.canvas, Qt.Key.Key_End)
    edit = w.tools.mode
    a, b = edit._caret_line(w.canvas)
    to_image = w.canvas.image_transform().inverted()[0]
    a, b = to_image.map(a), to_image.map(b)
    assert abs(a.x() - b.x()) > 2 * abs(a.y() - b.y())  # turned a quarter
    box = layer.bounds().expand(16)  # (the caret reaches the line's ascent: above the ink)
    for p in (a, b):
        assert box.x <= p.x() <= box.x1 and box.y <= p.y() <= box.y1
    # Its lower end lies on the ring's right end, beside the last letter's ink.
    alpha = layer.pixels[..., 3] > 64
    rows = np.nonzero(alpha[:, -8:].any(axis=1))[0] + layer.y
    assert rows.min() - 6 <= max(a.y(), b.y()) <= rows.max() + 12
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
    assert w.tools.mode is None


def test_a_click_in_warped_text_puts_the_caret_where_the_letters_are(window, qtbot):
    """Arc at 100 %: the third letter's gap lies well left of where it would be flat; a
    click there with the Type tool puts the caret there, not where the flat text's
    column under the click would."""
    from editor.model.text_layer import caret, warp_points
    from ui_helpers import image_drag

    w = window
    layer = warped_layer(w, qtbot)
    text_warp.warp_text(w.doc, layer, "Arc", 100)
    s = layer.type_settings
    x, top, bottom = caret(s, 0, 3)
    ((wx, wy),) = warp_points(s, [(x, (top + bottom) / 2)])
    assert wx < x - 8  # (a flat hit at that x would land columns earlier)
    ax, ay = layer.anchor()
    qtbot.keyClick(w.canvas, Qt.Key.Key_T)
    image_drag(qtbot, w.canvas, [(ax + wx, ay + wy), (ax + wx, ay + wy)])
    edit = w.tools.mode
    assert edit is not None and edit.layer is layer and edit.position == 3
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)


def test_a_distortion_alone_is_a_perspective(window, qtbot):
    """Bend 0 % with a Horizontal Distortion (Photoshop's pure perspective): the text's
    right end grows taller than its left one; flat, the two are as tall."""
    w = window
    layer = typed(w, qtbot, "HHHHHHHH", at=(40, 120))
    set_text(w.doc, layer, layer.type_settings.replace(size=40.0))

    def heights(layer):
        left = ink_rows(layer, layer.x + 6)
        right = ink_rows(layer, layer.x + layer.width - 7)
        return left[1] - left[0], right[1] - right[0]

    flat_left, flat_right = heights(layer)
    assert abs(flat_left - flat_right) <= 1

    def drive(dialog, seen):
        dialog.findChild(QComboBox, "WarpTextStyle").setCurrentText("Arc")
        dialog.findChild(QDoubleSpinBox, "WarpTextBend").setValue(0)
        dialog.findChild(QDoubleSpinBox, "WarpTextHorizontalDistortion").setValue(60)

    in_modal_dialog(qtbot, w.actions["warp_text"].trigger, drive, "WarpTextDialog")
    s = layer.type_settings
    assert (s.warp_style, s.warp_bend, s.warp_h) == ("Arc", 0.0, 60.0)
    left, right = heights(layer)
    assert right > 1.4 * left
