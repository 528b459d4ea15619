"""The Layer Style dialog driven through the window: Layer > Layer Style > Drop Shadow… on a
layer without a style (the shadow turned on, its distance and colour changed, the canvas
beside the layer changing before OK), OK as one undo step and undo back to the pixels
before, Cancel leaving nothing; and a Photoshop file's shadow edited from the layer's fx
mark, saved, and read back by psd-tools with the new value; a Stroke's Blend Mode and
Opacity set on its page, drawn in that mode and saved."""
from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDoubleSpinBox, QPushButton
from psd_tools import PSDImage

from editor.model import Document, Layer
from editor.model.files import save_document
from ui_helpers import in_modal_dialog, make_window, open_file as open_psd

FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "psd_tools_files")
W, H = 60, 48


def square_psd(tmp_path, background=(255, 255, 255)) -> str:
    """A white (or `background`) background under a blue square layer, saved as a PSD."""
    doc = Document(W, H)
    square = np.zeros((16, 16, 4), np.uint8)
    square[...] = (30, 60, 200, 255)
    under = np.full((H, W, 4), 255, np.uint8)
    under[..., :3] = background
    for node in (Layer("Background", under),
                 Layer("Square", square, 20, 14)):
        node.parent = doc.root
        doc.root.children.append(node)
    path = str(tmp_path / "square.psd")
    save_document(doc, path)
    return path


def square_window(qtbot, tmp_path, monkeypatch, picked=(255, 0, 0)):
    """The window with `square_psd` open and its square (x 20..35, y 14..29) active; the
    colour picker answers `picked`. Returns (window, square, the screen, the history
    count) as they are before a style is added."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_psd(w, qtbot, monkeypatch, square_psd(tmp_path))
    square = w.doc.root.children[1]
    w.doc.set_active(square)
    monkeypatch.setattr("editor.ui.dialogs.ask_color", lambda *a, **k: QColor(*picked))
    return w, square, screen(w), w.doc.history.count


def screen(window) -> np.ndarray:
    """What the canvas shows (the Renderer's 8-bit composite), RGB."""
    renderer = window.session.renderer
    renderer.update()
    return renderer.composite.array[..., [2, 1, 0]].astype(int)


def in_dialog(qtbot, trigger, drive) -> dict:
    """Runs `trigger()`; in the Layer Style dialog it opens, drive(dialog, seen), then OK (or
    Cancel if drive set seen["cancel"])."""
    return in_modal_dialog(qtbot, trigger, drive, "LayerStyleDialog")


def test_drop_shadow_from_the_menu_live_one_step_and_cancel(qtbot, tmp_path, monkeypatch):
    w, square, plain, steps = square_window(qtbot, tmp_path, monkeypatch)
    doc = w.doc
    w.menus["layer_style"].aboutToShow.emit()
    assert w.actions["style_drop_shadow"].isEnabled()

    def drive(dialog, seen):
        # Opened from "Drop Shadow…": the shadow is on with Photoshop's defaults.
        assert dialog.kinds.currentItem().text() == "Drop Shadow"
        assert dialog.kinds.currentItem().checkState() == Qt.CheckState.Checked
        seen["default"] = screen(w)
        dialog.findChild(QDoubleSpinBox, "DropShadowsDistance").setValue(10)
        qtbot.mouseClick(dialog.findChild(QPushButton, "DropShadowsColor"),
                         Qt.MouseButton.LeftButton)
        seen["live"] = screen(w)
        assert doc.history.count == steps  # nothing recorded while the dialog is open

    seen = in_dialog(qtbot, w.actions["style_drop_shadow"].trigger, drive)
    # Light from 120 degrees: the shadow falls right and down of the square (x 20..35,
    # y 14..29); 10 px away, in red (multiplied over white: red).
    below_right = seen["live"][33:38, 37:40]
    assert (seen["default"] != plain).any() and (seen["live"] != seen["default"]).any()
    assert (below_right[..., 0] > 200).all() and (below_right[..., 1] < 200).all()
    assert (plain[33:38, 37:40] == 255).all()
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Layer Style"
    shadow = square.effects.drop_shadows[0]
    assert (shadow.enabled, shadow.distance, shadow.color) == (True, 10.0, (255, 0, 0))
    assert np.array_equal(screen(w), seen["live"])
    assert not w.layers_panel.list.fx_rect(square).isEmpty()
    w.actions["undo"].trigger()
    assert square.effects is None and np.array_equal(screen(w), plain)
    w.actions["redo"].trigger()
    styled = screen(w)

    def change_and_cancel(dialog, seen):
        dialog.findChild(QDoubleSpinBox, "DropShadowsSize").setValue(12)
        seen["live"] = screen(w)
        seen["cancel"] = True

    seen = in_dialog(qtbot, w.actions["style_drop_shadow"].trigger, change_and_cancel)
    assert (seen["live"] != styled).any()
    assert doc.history.count == steps + 1 and square.effects.drop_shadows[0] == shadow
    assert np.array_equal(screen(w), styled)


def test_photoshop_shadow_edited_from_its_fx_mark_and_saved(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_psd(w, qtbot, monkeypatch, os.path.join(FILES, "layer_effects.psd"))
    doc = w.doc
    layer = next(n for n in doc.root.walk() if n.name == "Drop Shadow")
    doc.set_active(layer)
    panel = w.layers_panel.list
    panel.rebuild()
    others = layer.effects.color_overlays

    def drive(dialog, seen):
        assert dialog.kinds.currentItem().text() == "Drop Shadow"
        assert dialog.findChild(QDoubleSpinBox, "DropShadowsDistance").value() == 18
        dialog.findChild(QDoubleSpinBox, "DropShadowsDistance").setValue(25)

    in_dialog(qtbot, lambda: qtbot.mouseDClick(panel, Qt.MouseButton.LeftButton,
                                               Qt.KeyboardModifier.NoModifier,
                                               panel.fx_rect(layer).center()), drive)
    assert layer.effects.drop_shadows[0].distance == 25.0
    assert layer.effects.color_overlays == others  # the other effects as they were
    out = str(tmp_path / "edited.psd")
    save_document(doc, out)
    psd_layer = next(n for n in PSDImage.open(out).descendants() if n.name == "Drop Shadow")
    shadow = next(psd_layer.effects.find("DropShadow"))
    assert (shadow.distance, shadow.size, shadow.opacity, shadow.enabled) == (25.0, 41.0, 35.0,
                                                                               True)


def test_stroke_on_a_shape_layer_and_its_fill_in_the_layers_panel(qtbot, tmp_path, monkeypatch):
    """A rectangle shape layer given a Stroke in the Layer Style dialog: the canvas shows
    the stroke around it after OK. The Layers panel's Fill then fades the shape but not its
    stroke (typed: one step; dragged: one step), and undo brings the shape back."""
    from PySide6.QtCore import QPoint

    from editor.model import adjustment_ops
    from ui_helpers import drag

    w = make_window(qtbot, tmp_path, monkeypatch)
    open_psd(w, qtbot, monkeypatch, square_psd(tmp_path))
    doc = w.doc
    doc.set_active(doc.root.children[1])
    shape = adjustment_ops.add_shape(doc, "rectangle", (8, 30, 20, 40), (250, 200, 0))
    doc.set_active(shape)
    plain = screen(w)
    steps = doc.history.count
    w.menus["layer_style"].aboutToShow.emit()

    def drive(dialog, seen):
        assert dialog.kinds.currentItem().text() == "Stroke"
        dialog.findChild(QDoubleSpinBox, "StrokesSize").setValue(4)

    in_dialog(qtbot, w.actions["style_stroke"].trigger, drive)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Layer Style"
    stroked = screen(w)
    # Black (the default colour) 4 px outside the rectangle, left and below; the shape as it was.
    assert (stroked[30:40, 5:8] < 40).all() and (stroked[40:43, 8:20] < 40).all()
    assert (plain[30:40, 4:8] == 255).all()
    assert np.array_equal(stroked[31:39, 9:19], plain[31:39, 9:19])

    panel = w.layers_panel
    assert panel.fill.isEnabled() and panel.fill_spin.value() == 100
    panel.fill_spin.setValue(0)
    assert shape.fill_opacity == 0 and doc.history.undo_name() == "Fill Opacity"
    assert doc.history.count == steps + 2
    faded = screen(w)
    assert (faded[31:39, 9:19] == 255).all()  # the white background through the shape
    assert np.array_equal(faded[30:40, 4:8], stroked[30:40, 4:8])  # the stroke stays
    w.actions["undo"].trigger()
    assert shape.fill_opacity == 255 and np.array_equal(screen(w), stroked)
    assert panel.fill_spin.value() == 100
    # Dragged: one step, the shape part-faded over white, the stroke as it was.
    slider = panel.fill
    y = slider.height() // 2
    drag(qtbot, slider, [QPoint(slider.width() - 6, y), QPoint(slider.width() // 2, y),
                         QPoint(slider.width() // 3, y)])
    assert 0 < shape.fill_opacity < 150
    assert doc.history.count == steps + 2 and doc.history.undo_name() == "Fill Opacity"
    half = screen(w)
    assert (half[35, 14, 2] > 0).all() and (half[35, 14, 2] < 255).all()  # blue: part white
    assert np.array_equal(half[30:40, 4:8], stroked[30:40, 4:8])
    w.actions["undo"].trigger()
    assert shape.fill_opacity == 255


def test_stroke_blend_mode_and_opacity_from_the_dialog_drawn_and_saved(qtbot, tmp_path,
                                                                      monkeypatch):
    """Photoshop's Stroke page: its Blend Mode and Opacity. A Multiply stroke at 60 %
    multiplies its colour into the background around the square (not laid over it as a
    Normal one is), on the canvas while the dialog is open and after OK (one step); the
    saved file holds Multiply at 60 % (psd-tools reads it)."""
    from PySide6.QtWidgets import QComboBox

    w = make_window(qtbot, tmp_path, monkeypatch)
    open_psd(w, qtbot, monkeypatch, square_psd(tmp_path, (200, 180, 90)))
    doc = w.doc
    square = doc.root.children[1]
    doc.set_active(square)
    steps = doc.history.count
    monkeypatch.setattr("editor.ui.dialogs.ask_color", lambda *a, **k: QColor(250, 120, 20))
    w.menus["layer_style"].aboutToShow.emit()

    def drive(dialog, seen):
        assert dialog.kinds.currentItem().text() == "Stroke"
        dialog.findChild(QDoubleSpinBox, "StrokesSize").setValue(4)
        qtbot.mouseClick(dialog.findChild(QPushButton, "StrokesColor"),
                         Qt.MouseButton.LeftButton)
        seen["normal"] = screen(w)
        mode = dialog.findChild(QComboBox, "StrokesBlendMode")
        assert mode.currentText() == "Normal"
        mode.setCurrentIndex(mode.findText("Multiply"))
        dialog.findChild(QDoubleSpinBox, "StrokesOpacity").setValue(60)
        seen["live"] = screen(w)

    seen = in_dialog(qtbot, w.actions["style_stroke"].trigger, drive)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Layer Style"
    stroke = square.effects.strokes[0]
    assert (stroke.blend_mode, stroke.opacity, stroke.color) == ("multiply", 60.0,
                                                                 (250, 120, 20))
    shown = screen(w)
    assert np.array_equal(shown, seen["live"])
    # Left of the square (x 20..35, y 14..29), 2-3 px out: inside the 4 px stroke.
    backdrop, color = np.asarray((200, 180, 90)), np.asarray((250, 120, 20))
    multiplied = backdrop + (backdrop * color / 255 - backdrop) * 0.6
    assert np.abs(shown[16:28, 17:19] - multiplied).max() <= 2
    assert np.abs(seen["normal"][16:28, 17:19] - color).max() <= 2  # Normal, 100 %
    out = str(tmp_path / "stroked.psd")
    save_document(doc, out)
    psd_layer = next(n for n in PSDImage.open(out).descendants() if n.name == "Square")
    written = next(psd_layer.effects.find("Stroke"))
    assert written.blend_mode.name == "MULTIPLY" and written.opacity == 60.0


PHOTOSHOP_ORDER = ["Bevel & Emboss", "Stroke", "Inner Shadow", "Inner Glow", "Satin",
                   "Color Overlay", "Gradient Overlay", "Pattern Overlay", "Outer Glow",
                   "Drop Shadow"]


def test_the_dialog_and_the_menu_list_the_effects_in_photoshops_order(qtbot, tmp_path,
                                                                      monkeypatch):
    """The dialog's list and the Layer > Layer Style menu hold the effects in Photoshop's
    order; each menu command opens the dialog on its own effect's page (its settings
    shown, it ticked), and Cancel leaves the layer without a style."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_psd(w, qtbot, monkeypatch, square_psd(tmp_path))
    doc = w.doc
    square = doc.root.children[1]
    doc.set_active(square)
    menu = w.menus["layer_style"]
    menu.aboutToShow.emit()
    labels = [a.text().rstrip("…") for a in menu.actions() if a.text()][:len(PHOTOSHOP_ORDER)]
    assert labels == PHOTOSHOP_ORDER
    keys = {"Bevel & Emboss": "bevel", "Stroke": "stroke", "Inner Shadow": "inner_shadow",
            "Inner Glow": "inner_glow", "Satin": "satin", "Color Overlay": "color_overlay",
            "Gradient Overlay": "gradient_overlay", "Pattern Overlay": "pattern_overlay",
            "Outer Glow": "outer_glow", "Drop Shadow": "drop_shadow"}
    for label in PHOTOSHOP_ORDER:
        def drive(dialog, seen, label=label):
            listed = [dialog.kinds.item(i).text() for i in range(dialog.kinds.count())]
            assert listed == PHOTOSHOP_ORDER
            assert dialog.kinds.currentItem().text() == label
            assert dialog.kinds.currentItem().checkState() == Qt.CheckState.Checked
            assert dialog.pages.currentIndex() == PHOTOSHOP_ORDER.index(label)
            page = dialog.pages.currentWidget()
            # The page shown is this effect's: its settings' names start with its kind's.
            prefix = "".join(p.title() for p in (keys[label] + "s").split("_"))
            named = [c.objectName() for c in page.findChildren(QDoubleSpinBox)]
            assert named and all(n.startswith(prefix) for n in named), (label, named)
            seen["cancel"] = True

        in_dialog(qtbot, w.actions["style_" + keys[label]].trigger, drive)
        assert square.effects is None
