"""Type sizes and the document's resolution, as Photoshop converts them: Preferences > Units
& Rulers' Type unit (points, pixels, millimetres) in the Character panel, the Type tool's
options bar and Character Style Options at 300 ppi (12 pt is 50 px); Image Size without
resampling keeping the text's pixels (its points change), with it keeping its points;
Photoshop's 150 and 300 ppi type layers opening at the pixel size of the pixels Photoshop
drew; our 300 ppi PSD read by psd-tools and reopened the same; Export As and Save As
writing the resolution (PNG pHYs, JPEG density, TIFF tags) read back with Pillow; the
rulers' units."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QApplication

from editor.model import export_as, files, layers_to_files
from editor.model.document import Document
from editor.model.text_layer import TextLayer, TextSettings, add_text, draw
from editor.model import type_styles
from editor.model.type_styles import CHARACTER, PARAGRAPH
from editor.ui.canvas_chrome import ruler_unit
from test_type_panels import enter, show_panel, typed
from ui_helpers import in_modal_dialog, open_file, zoomed_photo_window

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, 320, 240, 1.0, activate=True)


def image_size(qtbot, w, ppi: float, resample: bool) -> None:
    """Image > Image Size with the resolution set to `ppi`, Resample on or off."""
    def drive(dialog, seen):
        dialog.resample_on.setChecked(resample)
        dialog.resolution.setValue(ppi)

    in_modal_dialog(qtbot, w.actions["image_size"].trigger, drive, "ImageSizeDialog")
    refocus(qtbot, w)


def refocus(qtbot, w) -> None:
    """The window active again after a dialog, the canvas focused (the tools' keys)."""
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.canvas.setFocus()


def preferences(qtbot, w, type_unit=None, ruler_unit_=None) -> None:
    """Edit > Preferences with the Units & Rulers choices set."""
    def drive(dialog, seen):
        if type_unit is not None:
            dialog.type_units.setCurrentIndex(dialog.type_units.findData(type_unit))
        if ruler_unit_ is not None:
            dialog.ruler_units.setCurrentIndex(dialog.ruler_units.findData(ruler_unit_))

    in_modal_dialog(qtbot, w.actions["preferences"].trigger, drive, "PreferencesDialog")
    refocus(qtbot, w)


def ink_height(pixels: np.ndarray) -> int:
    rows = np.nonzero((pixels[..., 3] > 127).any(axis=1))[0]
    return int(rows[-1] - rows[0] + 1)


def test_character_panel_and_options_bar_at_300_ppi_in_each_type_unit(window, qtbot):
    w = window
    image_size(qtbot, w, 300, resample=False)
    assert w.doc.resolution == 300.0 and w.doc.size == (320, 240)
    # The Type tool's 24 pt (its default) is 100 px at 300 ppi.
    layer = typed(w, qtbot, "HH", at=(20, 150))
    assert layer.type_settings.size == pytest.approx(100.0)
    panel = show_panel(w, qtbot, "character")
    bar = w.tools.tools["type"]._widgets["size"]
    assert panel.size.text() == "24.00 pt" and bar.text() == "24.00 pt"
    enter(qtbot, panel.size, "12")  # Photoshop's 12 pt at 300 ppi: 50 px
    assert layer.type_settings.size == pytest.approx(50.0)
    assert bar.text() == "12.00 pt"
    # A capital H's ink is about 0.7 of the size: 35 px, not 12 (a point as a pixel).
    assert 30 <= ink_height(layer.pixels) <= 40
    enter(qtbot, panel.leading, "14")
    assert layer.type_settings.leading == pytest.approx(14 * 300 / 72, abs=1e-3)
    enter(qtbot, panel.shift, "-3")
    assert layer.type_settings.baseline_shift == pytest.approx(-12.5, abs=1e-3)

    preferences(qtbot, w, type_unit="pixels")
    assert w.settings.type_units == "pixels"
    assert panel.size.text() == "50.00 px" and bar.text() == "50.00 px"
    assert panel.leading.text() == "58.33 px"
    steps = w.doc.history.count
    enter(qtbot, bar, "60")  # the options bar takes pixels now
    assert layer.type_settings.size == 60.0 and w.doc.history.count == steps + 1
    assert panel.size.text() == "60.00 px"

    preferences(qtbot, w, type_unit="millimeters")
    assert panel.size.text() == "5.08 mm"  # 60 px / 300 ppi * 25.4
    enter(qtbot, panel.size, "10")
    assert layer.type_settings.size == pytest.approx(10 / 25.4 * 300, abs=1e-3)

    # A new text takes the tool's size in points at the document's resolution.
    preferences(qtbot, w, type_unit="points")
    tool = w.tools.tools["type"]
    assert tool.style.size == pytest.approx(10 / 25.4 * 72, abs=1e-3)  # (kept as points)
    assert tool.next_style().size == pytest.approx(10 / 25.4 * 300, abs=1e-2)


def test_paragraph_panel_indents_in_points_at_150_ppi(window, qtbot):
    w = window
    image_size(qtbot, w, 150, resample=False)
    layer = typed(w, qtbot, "Indented text here", box=(20, 20, 300, 200))
    panel = show_panel(w, qtbot, "paragraph")
    enter(qtbot, panel.spacings["indent_left"], "12")
    assert layer.type_settings.indent_left == pytest.approx(25.0)  # 12 pt at 150 ppi
    assert panel.spacings["indent_left"].text() == "12.00 pt"


def test_image_size_keeps_the_pixels_without_resample_and_the_points_with_it(window, qtbot):
    w = window
    layer = typed(w, qtbot, "Size", at=(20, 120))
    panel = show_panel(w, qtbot, "character")
    assert layer.type_settings.size == 24.0 and panel.size.text() == "24.00 pt"  # (72 ppi)
    before = layer.pixels.copy()
    image_size(qtbot, w, 144, resample=False)
    # Resample off: the same pixels; Photoshop then calls them 12 pt.
    assert layer.type_settings.size == 24.0 and np.array_equal(layer.pixels, before)
    assert panel.size.text() == "12.00 pt"
    w.actions["undo"].trigger()
    assert w.doc.resolution == 72.0 and panel.size.text() == "24.00 pt"
    # Resample on: twice the pixels, the type's too; still 24 pt.
    image_size(qtbot, w, 144, resample=True)
    assert w.doc.size == (640, 480)
    assert layer.type_settings.size == 48.0 and panel.size.text() == "24.00 pt"
    assert ink_height(layer.pixels) == pytest.approx(2 * ink_height(before), abs=2)


def test_character_style_options_in_points_at_300_ppi(window, qtbot):
    w = window
    image_size(qtbot, w, 300, resample=False)
    layer = typed(w, qtbot, "Styled", at=(20, 150))
    # The Type tool's 24 pt is Basic Paragraph's 24 pt at this resolution: no override.
    assert not type_styles.overridden(w.doc, layer, PARAGRAPH)
    w.actions["panel_paragraph_styles"].trigger()
    rows = w.paragraph_styles_panel.list
    qtbot.waitUntil(lambda: rows.currentItem() is not None)
    assert rows.currentItem().text() == "[Basic Paragraph]"
    w.actions["panel_character_styles"].trigger()
    panel = w.character_styles_panel
    panel.new_style()
    style = w.doc.type_styles.of(CHARACTER)[0]
    assert style.as_dict()["size"] == pytest.approx(100.0)
    def drive(dialog, seen):
        seen["size"] = dialog.size.text()
        seen["untouched"] = dialog.choice()[1]["size"]
        dialog.size.setValue(12.0)

    seen = in_modal_dialog(qtbot, panel.style_options, drive, "TypeStyleOptionsDialog")
    assert seen["size"] == "24.00 pt" and seen["untouched"] == pytest.approx(100.0)
    assert w.doc.type_styles.of(CHARACTER)[0].as_dict()["size"] == pytest.approx(50.0)
    assert layer.type_settings.size == pytest.approx(50.0)  # (the layer has the style)


def test_style_options_untouched_keeps_the_exact_pixels(window, qtbot):
    w = window
    image_size(qtbot, w, 300, resample=False)
    layer = typed(w, qtbot, "Exact", at=(20, 150))
    w.tools.tools["type"].set_option(size=12.5)  # 3.00 pt shown; 12.48 if read back
    w.actions["panel_character_styles"].trigger()
    panel = w.character_styles_panel
    panel.new_style()
    def drive(dialog, seen):
        seen["size"] = dialog.size.text()
        seen["values"] = dialog.choice()[1]

    seen = in_modal_dialog(qtbot, panel.style_options, drive, "TypeStyleOptionsDialog")
    assert seen["size"] == "3.00 pt" and seen["values"]["size"] == 12.5
    assert layer.type_settings.size == 12.5


@pytest.mark.parametrize("name, layer_name, ppi, points", [
    ("layer_effects.psd", "Stroke", 150.0, 30.0),
    ("artboard.psd", "First Artboard", 300.0, 64.0)])
def test_photoshop_type_at_150_and_300_ppi_opens_at_photoshops_pixel_size(
        qtbot, tmp_path, monkeypatch, name, layer_name, ppi, points):
    """Photoshop's engine data keeps FontSize in pixels (points x ppi / 72): our text drawn
    anew from it is as tall as the pixels Photoshop stored, and the panel says its points."""
    from ui_helpers import make_window

    w = make_window(qtbot, tmp_path, monkeypatch)
    open_file(w, qtbot, monkeypatch, os.path.join(HERE, "psd_tools_files", name))
    doc = w.doc
    assert doc.resolution == ppi
    layer = next(n for n in doc.nodes() if isinstance(n, TextLayer) and n.name == layer_name)
    assert layer.type_settings.size == pytest.approx(points * ppi / 72, abs=1e-2)
    photoshop = ink_height(layer.pixels)
    ours, _, _ = draw(layer.type_settings)
    assert abs(ink_height(ours) - photoshop) <= 2, (ink_height(ours), photoshop)
    doc.set_active(layer)
    panel = show_panel(w, qtbot, "character")
    qtbot.waitUntil(lambda: panel.size.text() == f"{points:.2f} pt")


def test_300_ppi_psd_round_trip_keeps_the_size(qapp, tmp_path):
    from psd_tools import PSDImage

    doc = Document(200, 100)
    doc.resolution = 300.0
    add_text(doc, TextSettings("Round", size=50.0, leading=60.0), (10, 70))
    path = str(tmp_path / "type300.psd")
    files.save_document(doc, path)
    psd = PSDImage.open(path)
    (item,) = [layer for layer in psd.descendants() if layer.kind == "type"]
    style = item.engine_dict["StyleRun"]["RunArray"][0]["StyleSheet"]["StyleSheetData"]
    # Photoshop's form: the pixel size, as in its 150 ppi layer_effects.psd (62.5 = 30 pt).
    assert float(style["FontSize"]) == 50.0 and float(style["Leading"]) == 60.0
    assert tuple(item.transform[:4]) == (1.0, 0.0, 0.0, 1.0)
    back = files.open_document(path)
    assert back.resolution == 300.0
    (text,) = [n for n in back.nodes() if isinstance(n, TextLayer)]
    assert (text.type_settings.size, text.type_settings.leading) == (50.0, 60.0)
    assert "Round" in text.type_settings.text
    assert text.type_settings.describe(back.resolution).split(" pt")[0].endswith(" 12")


def test_export_as_and_save_as_write_the_resolution(window, qtbot, monkeypatch, tmp_path):
    from test_ui_exports import export_with

    w = window
    image_size(qtbot, w, 300, resample=False)
    export_with(w, qtbot, monkeypatch, tmp_path / "out.png", format="PNG")
    assert Image.open(tmp_path / "out.png").info["dpi"][0] == pytest.approx(300, abs=0.01)
    export_with(w, qtbot, monkeypatch, tmp_path / "out.jpg", format="JPEG")
    assert Image.open(tmp_path / "out.jpg").info["dpi"] == (300, 300)
    assert files.open_document(str(tmp_path / "out.png")).resolution == 300.0
    # The model's Export As and Save As (TIFF) write it too.
    export_as.export_as(w.doc, tmp_path / "model.jpg", export_as.ExportSettings(format="JPEG"))
    assert Image.open(tmp_path / "model.jpg").info["dpi"] == (300, 300)
    files.export_image(w.doc, str(tmp_path / "out.tif"))
    assert Image.open(tmp_path / "out.tif").info["dpi"][0] == pytest.approx(300, abs=0.01)
    # Layers to Files too.
    folder = tmp_path / "layers"
    folder.mkdir()
    prepared = layers_to_files.run(layers_to_files.prepare(
        w.doc, layers_to_files.LayersToFilesSettings(str(folder), format="JPEG")))
    (name,) = layers_to_files.publish(prepared)
    assert Image.open(folder / os.path.basename(name)).info["dpi"] == (300, 300)


def test_rulers_count_in_the_chosen_unit(window, qtbot):
    w = window
    image_size(qtbot, w, 300, resample=False)
    doc = w.doc
    assert ruler_unit("pixels", doc, True) == 1.0
    assert ruler_unit("inches", doc, True) == 300.0
    assert ruler_unit("millimeters", doc, False) == pytest.approx(300 / 25.4)
    assert ruler_unit("percent", doc, True) == 3.2 and ruler_unit("percent", doc, False) == 2.4
    w.actions["rulers"].trigger()
    ruler = w.canvas.chrome.top
    qtbot.waitUntil(ruler.isVisible)
    in_pixels = np.array(ruler.grab().toImage().bits()).copy()
    preferences(qtbot, w, ruler_unit_="inches")
    assert w.settings.ruler_units == "inches"
    in_inches = np.array(ruler.grab().toImage().bits()).copy()
    assert not np.array_equal(in_pixels, in_inches)  # (other ticks and labels)
