"""Photoshop's preset files brought in through the real menus: Brush Settings' presets menu >
Import Brushes… with an .abr (ag-psd's Photoshop-made files) adds its brushes to the list,
the sampled one paints its own tip, and a new window still has them; the Custom Shape
picker's menu > Import Shapes… with a .csh adds its shapes to the picker, one of them
draws a shape layer of its outline, a new window still has them; the Preset Manager's
Load… reads both; a malformed file is one status line and changes nothing."""
from __future__ import annotations

import os

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QPushButton, QToolButton

from editor.model import FillLayer
from editor.model.custom_shapes import curve_bounds
from editor.model.path_edit import current_subpaths
from editor.model.vector_mask import flatten
from editor.ui import preset_manager as pm
from test_ui_preset_manager import run_dialog
from ui_helpers import (image_drag, image_pos, is_color, make_window, pasted_window, screen,
                        zoomed_photo_window)

HERE = os.path.join(os.path.dirname(__file__), "ag_psd_files")
SAMPLED = os.path.join(HERE, "abr-sample.abr")
SPECIAL = os.path.join(HERE, "abr-special.abr")
ANIMALS = os.path.join(HERE, "csh-animals.csh")
LEFT = Qt.MouseButton.LeftButton
TEAL = (20, 160, 150)


def answer_open(monkeypatch, path: str) -> None:
    monkeypatch.setattr(pm, "ask_open", lambda parent, kind, start: path)


def menu_action(button: QToolButton, text: str):
    action = next((a for a in button.menu().actions() if a.text() == text), None)
    assert action is not None and action.isEnabled(), text
    return action


def status(w) -> str:
    return w.statusBar().currentMessage()


@pytest.fixture
def white(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, np.full((300, 300, 4), 255, np.uint8), 1.0)
    w.set_foreground(QColor(0, 0, 0))
    return w


def brush_panel(w, qtbot):
    """The Brush tool, then its options bar's Brush Settings… button."""
    w.tool_actions["brush"].trigger()
    button = next(b for b in w.findChildren(QPushButton, "brush_settings") if b.isVisible())
    qtbot.mouseClick(button, LEFT)
    return w.brush_settings


def listed(panel) -> list[str]:
    return [panel.list.item(i).text() for i in range(panel.list.count())]


def test_import_brushes_adds_them_and_the_sampled_one_paints_its_tip(
        white, qtbot, tmp_path, monkeypatch):
    w = white
    panel = brush_panel(w, qtbot)
    before = listed(panel)
    answer_open(monkeypatch, SAMPLED)
    menu_action(panel.findChild(QToolButton, "brush_presets_menu"), "Import Brushes…").trigger()
    assert listed(panel) == before + ["Bobbys Brush 743"]
    message = status(w)
    assert message.startswith("Imported 1 of 1 brushes from abr-sample.abr.")
    assert "Texture (1)" in message and "\n" not in message
    # Importing again adds nothing (the name is there).
    menu_action(panel.findChild(QToolButton, "brush_presets_menu"), "Import Brushes…").trigger()
    assert listed(panel).count("Bobbys Brush 743") == 1

    # Picked in the list, as a user clicks it: its size and sampled tip become the brush's.
    item = panel.list.item(listed(panel).index("Bobbys Brush 743"))
    panel.list.scrollToItem(item)
    qtbot.mouseClick(panel.list.viewport(), LEFT, pos=panel.list.visualItemRect(item).center())
    tool = w.tools.current
    assert tool.preset_name == "Bobbys Brush 743" and tool.size == 112
    assert tool.tip.sample is not None and tool.tip.scatter == pytest.approx(0.44)
    qtbot.mouseClick(w.canvas, LEFT, pos=image_pos(w.canvas, 150, 150))
    (layer,) = w.doc.layers()
    ink = 255 - layer.pixels[..., 0].astype(np.float32)
    ys, xs = np.nonzero(ink > 40)
    got = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    tip = tool.tip.sample.astype(np.float32)
    ty, tx = np.nonzero(tip > 40)
    want = tip[ty.min():ty.max() + 1, tx.min():tx.max() + 1]
    assert got.shape == pytest.approx(want.shape, abs=2)   # painted at its own size
    want = cv2.resize(want, got.shape[::-1], interpolation=cv2.INTER_AREA)
    disc = cv2.resize(cv2.circle(np.zeros((200, 200), np.float32), (100, 100), 100, 255, -1),
                      got.shape[::-1], interpolation=cv2.INTER_AREA)
    corr = np.corrcoef(got.ravel(), want.ravel())[0, 1]
    assert corr > 0.9 and corr > np.corrcoef(got.ravel(), disc.ravel())[0, 1] + 0.2, corr
    w.close()

    # Kept as the other presets are: a new window has it, tip and all.
    from editor.ui.brush_settings import presets_of
    w2 = make_window(qtbot, tmp_path, monkeypatch, settings=w.settings)
    again = presets_of(w2).find("Bobbys Brush 743")
    assert again is not None and np.array_equal(again.tip.sample, tool.tip.sample)


def test_a_malformed_brush_file_is_one_line_and_changes_nothing(
        white, qtbot, tmp_path, monkeypatch):
    w = white
    panel = brush_panel(w, qtbot)
    before = listed(panel)
    stored = w.settings.brushes_path
    kept = open(stored, "rb").read() if os.path.exists(stored) else None
    broken = tmp_path / "broken.abr"
    broken.write_bytes(open(SAMPLED, "rb").read()[:3000])
    answer_open(monkeypatch, str(broken))
    menu_action(panel.findChild(QToolButton, "brush_presets_menu"), "Import Brushes…").trigger()
    assert status(w) == ("broken.abr could not be read as Photoshop brushes: its 'samp' "
                         "section runs past the end.")
    assert listed(panel) == before
    assert (open(stored, "rb").read() if os.path.exists(stored) else None) == kept


def shape_tool(w, qtbot):
    """The Shape tool by its key, the Custom Shape button clicked."""
    qtbot.keyClick(w.canvas, Qt.Key.Key_U)
    qtbot.mouseClick(w.options_bar.findChild(QToolButton, "ShapeTool_custom"), LEFT)
    return w.tools.current


def test_import_shapes_adds_them_to_the_picker_and_one_draws_its_outline(
        qtbot, tmp_path, monkeypatch):
    w = zoomed_photo_window(qtbot, tmp_path, monkeypatch, 96, 64, 4.0)
    w.set_foreground(QColor(*TEAL))
    tool = shape_tool(w, qtbot)
    picker = w.options_bar.findChild(QComboBox, "ShapeTool_custom_shape")
    before = [picker.itemText(i) for i in range(picker.count())]
    answer_open(monkeypatch, ANIMALS)
    menu = w.options_bar.findChild(QToolButton, "ShapeTool_custom_menu")
    assert menu.isVisible() and picker.isVisible()   # (the options bar has room for both)
    menu_action(menu, "Import Shapes…").trigger()
    animals = ["Bone", "Fish", "Cat", "Dog", "Snail", "Rabbit", "Bird 1", "Bird 2",
               "Dog Print", "Cat Print"]
    assert [picker.itemText(i) for i in range(picker.count())] == before + animals
    assert status(w) == "Imported 10 of 10 custom shapes from csh-animals.csh."

    picker.setCurrentIndex(picker.findText("Fish"))
    assert tool.custom().name == "Fish"
    box = (10, 8, 86, 56)
    image_drag(qtbot, w.canvas, [(10, 8), (50, 30), (86, 56)])
    layer = w.doc.active
    assert isinstance(layer, FillLayer) and layer.vector_mask is not None
    np.testing.assert_allclose(curve_bounds(current_subpaths(layer.vector_mask)), box, atol=1.0)
    # What the canvas shows is the fish's outline: the fitted path filled by us here.
    drawn = is_color(screen(w), TEAL)
    want = np.zeros(drawn.shape, np.uint8)
    for sub in tool.custom().fitted(*box):
        line = flatten(sub.knots, True)
        cv2.fillPoly(want, [np.rint((line - 0.5) * 16).astype(np.int32)], 1, shift=4)
    # (edges are antialiased over the photo: inside by a pixel it is all teal, outside by
    # a pixel none of it is)
    kernel = np.ones((3, 3), np.uint8)
    inner, outer = cv2.erode(want, kernel), cv2.dilate(want, kernel)
    assert drawn[inner > 0].mean() > 0.98 and not drawn[outer == 0].any()
    x0, y0, x1, y1 = box
    assert 0.2 < want[y0:y1, x0:x1].mean() < 0.9   # (not the box itself)
    w.close()

    w2 = make_window(qtbot, tmp_path, monkeypatch, settings=w.settings)
    assert [c.name for c in w2.tools.tools["shape"].user_shapes] == animals


def test_preset_manager_load_reads_abr_and_csh(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)

    def body(dialog):
        answer_open(monkeypatch, SPECIAL)
        dialog.set_kind("brushes")
        count = dialog.list.count()
        qtbot.mouseClick(dialog.buttons["load"], LEFT)
        assert dialog.list.count() == count + 6
        assert status(w).startswith("Loaded 6 of 6 brushes. 6 bristle or erodible tips came "
                                    "in as round tips.")
        answer_open(monkeypatch, ANIMALS)
        dialog.set_kind("custom_shapes")
        qtbot.mouseClick(dialog.buttons["load"], LEFT)
        assert dialog.list.count() == 10
        qtbot.mouseClick(dialog.buttons["done"], LEFT)

    run_dialog(w, qtbot, "preset_manager", "preset_manager_dialog", body)
    assert len(w.tools.tools["shape"].user_shapes) == 10
    from editor.ui.brush_settings import presets_of
    assert presets_of(w).find("Pencil").size == 9


def test_import_presets_takes_a_folder_or_zip_of_photoshop_files(qtbot, tmp_path, monkeypatch):
    import shutil
    import zipfile

    folder = tmp_path / "from photoshop"
    folder.mkdir()
    shutil.copy(SAMPLED, folder / "Bobby.abr")
    shutil.copy(ANIMALS, folder / "Animals.csh")
    (folder / "Broken.abr").write_bytes(b"\x00\x06\x00\x02junk")
    archive = tmp_path / "presets.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(SAMPLED, "Bobby.abr")
        z.write(ANIMALS, "Animals.csh")
    config = tmp_path / "config"
    config.mkdir()
    w = make_window(qtbot, config, monkeypatch)
    from editor.ui.brush_settings import presets_of
    brushes = len(presets_of(w).presets)

    def import_(d):
        d.folders["import"].setText(str(folder))
        assert d.import_()

    run_dialog(w, qtbot, "export_import_presets", "preset_transfer_dialog", import_)
    message = status(w)
    assert message.startswith("Imported 1 brushes, 10 custom shapes.")
    assert "Brushes: Broken.abr could not be read as Photoshop brushes" in message
    assert len(presets_of(w).presets) == brushes + 1
    assert len(w.tools.tools["shape"].user_shapes) == 10

    # The same files in a zip, into a fresh folder; twice: the second adds nothing.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    w2 = make_window(qtbot, fresh, monkeypatch)

    def import_zip(d):
        d.folders["import"].setText(str(archive))
        assert d.import_()

    run_dialog(w2, qtbot, "export_import_presets", "preset_transfer_dialog", import_zip)
    assert status(w2).startswith("Imported 1 brushes, 10 custom shapes.")
    run_dialog(w2, qtbot, "export_import_presets", "preset_transfer_dialog", import_zip)
    assert status(w2).startswith("Imported 0 brushes, 0 custom shapes.")
    assert presets_of(w2).find("Bobbys Brush 743") is not None
