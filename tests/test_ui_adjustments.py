"""Adjustment layers driven through the window: Layer > New Adjustment Layer, the settings
edited in Properties (slider drags and typed values, each one undo step), the canvas
following, the brush painting the adjustment's mask, save and reopen."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QLineEdit, QSlider

from editor.model import AdjustmentLayer
from editor.model import adjustments as adj, edit_ops
from editor.model.render import composite_document
from engine.box import Box

from ui_helpers import editor_widget, image_drag, screen

W, H = 96, 64




def test_menu_and_panel_button_hold_the_six_kinds(opened):
    w = opened
    menu = w.menus["new_adjustment"]
    assert menu.menuAction() in w.menus["layer"].actions()
    texts = [a.text().replace("&&", "+").replace("&", "").replace("+", "&")
             for a in menu.actions()]
    assert texts == ["Brightness/Contrast…", "Levels…", "Curves…", "Hue/Saturation…",
                     "Color Balance…", "Exposure…", "Vibrance…", "Black & White…",
                     "Photo Filter…", "Channel Mixer…", "Color Lookup…", "Invert…", "Posterize…", "Threshold…",
                     "Gradient Map…", "Selective Color…"]
    assert w.layers_panel.findChild(object, "LayerButton_adjustment") is not None


def test_trim_layer_is_greyed_on_an_adjustment_layer(opened):
    """An adjustment layer has no pixels to trim: Layer > Trim Layer to Content is greyed
    (it was enabled and answered with an error about painting on a mask)."""
    w = opened
    w.update_actions()
    assert w.actions["trim"].isEnabled()
    w.actions["adjustment_levels"].trigger()
    w.update_actions()
    assert not w.actions["trim"].isEnabled()


def test_add_levels_edit_in_properties_and_undo_each_step(opened, qtbot):
    w, doc = opened, opened.doc
    before = screen(w)
    w.actions["adjustment_levels"].trigger()
    layer = doc.active
    assert isinstance(layer, AdjustmentLayer) and layer.settings == adj.Levels()
    assert layer.mask is not None and doc.mask_targeted  # the brush paints its mask
    np.testing.assert_array_equal(screen(w), before)  # a new adjustment changes nothing
    qtbot.waitUntil(lambda: w.properties_panel.heading.text() == "ADJUSTMENT LAYER")
    steps = doc.history.count
    # A slider drag (press, several moves, release) is one step; the canvas follows each move.
    slider = editor_widget(w, QSlider, "Adjust_Input_1")  # input black
    slider.sliderPressed.emit()
    for value in (10, 30, 60):
        slider.setValue(value)
        assert layer.settings.rgb[0] == value
    slider.sliderReleased.emit()
    assert doc.history.count == steps + 1
    dragged = screen(w)
    assert (dragged < before).sum() > 0.5 * before.size  # darker nearly everywhere
    # A typed value (gamma) is another step.
    spin = editor_widget(w, QDoubleSpinBox, "Adjust_Gamma")
    spin.setValue(1.8)
    assert layer.settings.rgb == (60, 255, 1.8, 0, 255)
    assert doc.history.count == steps + 2
    typed = screen(w)
    assert not np.array_equal(typed, dragged)
    # The canvas matches a fresh composite of the document.
    reference = composite_document(doc, precise=False)[..., :3].astype(int)
    assert np.abs(typed - reference).max() <= 1
    w.actions["undo"].trigger()
    assert layer.settings.rgb == (60, 255, 1.0, 0, 255)
    np.testing.assert_array_equal(screen(w), dragged)
    w.actions["undo"].trigger()
    assert layer.settings == adj.Levels()
    np.testing.assert_array_equal(screen(w), before)
    w.actions["undo"].trigger()  # the new layer itself
    assert not any(isinstance(n, AdjustmentLayer) for n in doc.nodes())


def test_curves_points_hue_colorize_and_color_balance_in_properties(opened, qtbot):
    w, doc = opened, opened.doc
    before = screen(w)
    w.actions["adjustment_curves"].trigger()
    curves = doc.active
    edit = editor_widget(w, QLineEdit, "Adjust_Points")
    edit.setText("0,0 128,180 255,255")
    edit.editingFinished.emit()
    assert curves.settings.rgb == ((0, 0), (128, 180), (255, 255))
    assert (screen(w) >= before).all() and (screen(w) > before).mean() > 0.5  # brighter
    edit.setText("0,0 300,10")  # out of range: refused, nothing changes
    w.report = lambda *a, **k: None
    edit.editingFinished.emit()
    assert curves.settings.rgb == ((0, 0), (128, 180), (255, 255))
    w.actions["adjustment_hue_saturation"].trigger()
    hue = doc.active
    check = editor_widget(w, QCheckBox, "Adjust_Colorize")
    check.setChecked(True)
    assert hue.settings.colorize
    sat = editor_widget(w, QDoubleSpinBox, "Adjust_Saturation")
    sat.setValue(80)
    assert hue.settings.colorize_saturation == 80
    colored = screen(w)
    w.actions["adjustment_color_balance"].trigger()
    balance = doc.active
    red = editor_widget(w, QDoubleSpinBox, "Adjust_Cyan")
    red.setValue(60)
    assert balance.settings.midtones == (60, 0, 0)
    assert screen(w)[..., 0].mean() > colored[..., 0].mean()


def test_mask_on_the_adjustment_limits_it(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    before = screen(w)
    # With a selection, the new adjustment's mask is the selection (Photoshop).
    doc.set_selection(Box(0, 0, W // 2, H))
    w.actions["adjustment_exposure"].trigger()
    layer = doc.active
    spin = editor_widget(w, QDoubleSpinBox, "Adjust_Exposure")
    spin.setValue(2.0)
    after = screen(w)
    assert (after[:, : W // 2] > before[:, : W // 2]).mean() > 0.5
    np.testing.assert_array_equal(after[:, W // 2:], before[:, W // 2:])
    # The brush (black) paints the adjustment's mask: the adjustment goes away there.
    doc.set_selection(None)
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_B)
    brush = w.tools.current
    brush.set_size(8)
    brush.set_hardness(1.0)
    w.set_foreground(QColor(0, 0, 0))
    image_drag(qtbot, canvas, [(10, 30), (20, 30), (30, 30)])
    assert layer.mask.pixels[30, 20] == 0
    np.testing.assert_array_equal(screen(w)[30, 20], before[30, 20])
    assert (screen(w)[5, 20] > before[5, 20]).any()
    w.actions["undo"].trigger()
    assert layer.mask.pixels[30, 20] == 255


def test_saved_and_reopened_and_merged(opened, qtbot, tmp_path):
    from editor.model.files import open_document, save_document

    w, doc = opened, opened.doc
    w.actions["adjustment_brightness_contrast"].trigger()
    layer = doc.active
    editor_widget(w, QDoubleSpinBox, "Adjust_Brightness").setValue(50)
    editor_widget(w, QDoubleSpinBox, "Adjust_Contrast").setValue(20)
    shown = composite_document(doc)
    save_document(doc, tmp_path / "adjusted.psd")
    again = open_document(tmp_path / "adjusted.psd")
    (reread,) = [n for n in again.nodes() if isinstance(n, AdjustmentLayer)]
    assert reread.settings == layer.settings == adj.BrightnessContrast(50, 20)
    np.testing.assert_array_equal(composite_document(again), shown)
    # Merge Down bakes the adjustment into the layer below (Photoshop).
    w.actions["merge_down"].trigger()
    assert not any(isinstance(n, AdjustmentLayer) for n in doc.nodes())
    np.testing.assert_array_equal(composite_document(doc), shown)


def test_properties_shows_an_adjustment_layers_settings_without_place_or_size(opened, qtbot):
    """An adjustment layer has no pixels: X, Y and Size give way to its settings; a pixel
    layer shows them again."""
    w = opened
    panel = w.properties_panel
    pixel_layer = w.doc.active
    w.actions["adjustment_levels"].trigger()
    qtbot.waitUntil(lambda: panel.heading.text() == "ADJUSTMENT LAYER")
    panel._refresh()
    assert not any(panel.form.isRowVisible(row) for row in (panel.x, panel.y, panel.size))
    assert panel.form.isRowVisible(panel.kind)
    w.doc.set_active(pixel_layer)
    qtbot.waitUntil(lambda: panel.heading.text() == "PIXEL LAYER")
    panel._refresh()
    assert all(panel.form.isRowVisible(row) for row in (panel.x, panel.y, panel.size))


def test_hue_saturation_ranges_in_properties(opened, qtbot):
    """Photoshop's range menu (Master, Reds ... Magentas): the sliders then edit that range,
    the falloff corners too; the canvas follows; each change is one undo step."""
    from PySide6.QtWidgets import QComboBox

    w, doc = opened, opened.doc
    before = screen(w)
    w.actions["adjustment_hue_saturation"].trigger()
    layer = doc.active
    combo = editor_widget(w, QComboBox, "Adjust_Range")
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Master", "Reds", "Yellows", "Greens", "Cyans", "Blues", "Magentas"]
    combo.setCurrentIndex(2)  # Yellows: the cat's fur
    steps = doc.history.count
    editor_widget(w, QDoubleSpinBox, "Adjust_Saturation").setValue(-100)
    assert layer.settings.ranges[1] == (adj.HUE_RANGES[1], (0, -100, 0))
    assert layer.settings.saturation == 0  # the master is untouched
    shown = screen(w)
    reference = composite_document(doc, precise=False)[..., :3].astype(int)
    assert np.abs(shown - reference).max() <= 1
    assert np.abs(shown - before).mean() > 1  # the fur lost colour
    # The falloff corner: a wider falloff reaches more hues.
    editor_widget(w, QDoubleSpinBox, "Adjust_Falloff_7").setValue(0)
    assert layer.settings.ranges[1][0] == (0, 45, 75, 105)
    assert doc.history.count == steps + 2
    wider = screen(w)
    assert not np.array_equal(wider, shown)
    # Back to Master: its own sliders.
    combo = editor_widget(w, QComboBox, "Adjust_Range")
    combo.setCurrentIndex(0)
    editor_widget(w, QDoubleSpinBox, "Adjust_Hue").setValue(30)
    assert layer.settings.hue == 30 and layer.settings.ranges[1][1] == (0, -100, 0)
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert layer.settings.ranges[1] == (adj.HUE_RANGES[1], (0, -100, 0))
    w.actions["undo"].trigger()
    assert layer.settings == adj.HueSaturation()
    np.testing.assert_array_equal(screen(w), before)


def test_layer_clipped_to_an_adjustment_shows_inside_its_mask(opened, qtbot):
    """Layer > Create Clipping Mask on a layer above an adjustment layer: the layer shows
    only where the adjustment's mask is white (it drew nothing before); undo releases it."""
    w, doc = opened, opened.doc
    doc.set_selection(Box(0, 0, W // 2, H))
    w.actions["adjustment_exposure"].trigger()  # its mask: the left half
    doc.set_selection(None)
    exposure = doc.active
    editor_widget(w, QDoubleSpinBox, "Adjust_Exposure").setValue(1.0)
    w.actions["new_layer"].trigger()
    top = doc.active
    doc.set_selection(Box(W // 2 - 10, 10, 20, 20))  # straddles the mask's edge
    edit_ops.fill(doc, top, (0, 0, 255, 255))  # Edit > Fill's operation (its dialog aside)
    doc.set_selection(None)
    unclipped = screen(w)
    assert (unclipped[10:30, W // 2 - 10:W // 2 + 10] == (0, 0, 255)).all()
    w.actions["clipping"].trigger()
    assert top.clipping
    clipped = screen(w)
    assert (clipped[10:30, W // 2 - 10:W // 2] == (0, 0, 255)).all()  # inside the mask
    np.testing.assert_array_equal(clipped[:, W // 2:], screen_without(w, top)[:, W // 2:])
    reference = composite_document(doc, precise=False)[..., :3].astype(int)
    assert np.abs(clipped - reference).max() <= 1
    w.actions["undo"].trigger()
    assert not top.clipping and exposure.settings.exposure == 1.0
    np.testing.assert_array_equal(screen(w), unclipped)


def screen_without(window, node) -> np.ndarray:
    node.visible = False
    try:
        return composite_document(window.doc, precise=False)[..., :3].astype(int)
    finally:
        node.visible = True


def test_levels_input_black_and_white_never_cross(opened, qtbot):
    """Input black typed above input white (or white below black) stops 2 short of it, as
    Photoshop's sliders do; crossed, Levels turned the picture into its negative."""
    w, doc = opened, opened.doc
    w.actions["adjustment_levels"].trigger()
    layer = doc.active
    qtbot.waitUntil(lambda: w.properties_panel.heading.text() == "ADJUSTMENT LAYER")
    editor_widget(w, QDoubleSpinBox, "Adjust_Input_3").setValue(100)  # input white
    assert layer.settings.rgb[:2] == (0, 100)
    editor_widget(w, QDoubleSpinBox, "Adjust_Input_1").setValue(200)  # input black
    assert layer.settings.rgb[:2] == (98, 100)
    assert editor_widget(w, QDoubleSpinBox, "Adjust_Input_1").value() == 98
    editor_widget(w, QDoubleSpinBox, "Adjust_Input_3").setValue(50)
    assert layer.settings.rgb[:2] == (98, 100)
    lut = adj.lut8(layer.settings)
    assert (np.diff(lut.astype(int), axis=-1) >= 0).all()  # no channel turned negative


def test_brightness_contrast_use_legacy_in_properties(opened, qtbot):
    """Use Legacy switches Brightness/Contrast to Photoshop's formula before CS3 (brightness
    levels added, contrast a straight line about 127) and lets the contrast go down to
    -100; unticked, a contrast below -50 comes back to -50. Each change is one undo step."""
    w, doc = opened, opened.doc
    before = screen(w)
    w.actions["adjustment_brightness_contrast"].trigger()
    layer = doc.active
    qtbot.waitUntil(lambda: w.properties_panel.heading.text() == "ADJUSTMENT LAYER")
    editor_widget(w, QDoubleSpinBox, "Adjust_Brightness").setValue(40)
    modern = screen(w)
    steps = doc.history.count
    check = editor_widget(w, QCheckBox, "Adjust_Use")
    assert not check.isChecked()
    check.setChecked(True)
    assert layer.settings == adj.BrightnessContrast(40, 0, legacy=True)
    assert doc.history.count == steps + 1
    legacy = screen(w)
    # Legacy brightness adds 40 to every level (clipped at 255); the modern one does not.
    np.testing.assert_array_equal(legacy, np.minimum(before + 40, 255))
    assert not np.array_equal(modern, legacy)
    contrast = editor_widget(w, QDoubleSpinBox, "Adjust_Contrast")
    assert contrast.minimum() == -100
    contrast.setValue(-80)
    assert layer.settings.contrast == -80
    # A negative legacy contrast scales about 127 before the brightness is added.
    expected = np.clip(np.rint((before - 127) * 0.2 + 127 + 40), 0, 255)
    assert np.abs(screen(w) - expected).max() <= 1
    editor_widget(w, QCheckBox, "Adjust_Use").setChecked(False)
    assert layer.settings == adj.BrightnessContrast(40, -50)
    assert editor_widget(w, QDoubleSpinBox, "Adjust_Contrast").minimum() == -50
    w.actions["undo"].trigger()
    assert layer.settings == adj.BrightnessContrast(40, -80, legacy=True)
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert layer.settings == adj.BrightnessContrast(40, 0)
    np.testing.assert_array_equal(screen(w), modern)
