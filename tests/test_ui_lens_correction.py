"""Filter > Lens Correction… (Shift+Ctrl+R) driven through the window: in Photoshop's place
in the Filter menu, its dialog's sections and rows; the settings preview on the canvas, OK
is one undo step (Edit > Fade can fade it), Ctrl+F runs it again, Cancel leaves nothing;
Show Grid lays a grid over the canvas only while the dialog is open; on a smart object it
becomes a smart filter; the `filter` command line runs the same operation."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
from PIL import Image
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QSpinBox

from editor.model.lens_correction import LensCorrection
from editor.ui.lens_correction_dialog import GRID_OVERLAY
from engine.box import Box

from test_ui_more_filters import drive_settings
from ui_helpers import ctrl_f, in_modal_dialog, screen

W, H = 96, 64
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "PixelDialog_LensCorrection"


def test_menu_place_key_and_sections(opened, qtbot):
    w = opened
    texts = [a.text().replace("&", "") for a in w.menus["filter"].actions()
             if not a.isSeparator()]
    assert texts.index("Lens Correction…") == texts.index("Last Filter") + 3 \
        == texts.index("Camera Raw Filter…") + 1 == texts.index("Liquify…") - 1
    assert w.actions["filter_lens_correction"].shortcut().toString() == "Ctrl+Shift+R"

    def drive(dialog, seen):
        labels = [label for label in dialog.findChildren(QLabel)
                  if label.objectName().startswith("LensSection_")]
        labels.sort(key=lambda label: label.mapTo(dialog, label.rect().topLeft()).y())
        seen["sections"] = [label.text() for label in labels]  # top to bottom
        seen["note"] = dialog.findChild(QLabel, "FilterNote").text()
        seen["cancel"] = True

    w.canvas.setFocus()
    seen = in_modal_dialog(qtbot, lambda: qtbot.keyClick(
        w.canvas, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.ShiftModifier), drive, NAME)
    assert seen["dialog"] == NAME
    assert [s.replace("<b>", "").replace("</b>", "") for s in seen["sections"]] == [
        "Geometric Distortion", "Chromatic Aberration", "Vignette", "Transform"]
    assert "profile" in seen["note"]


def test_preview_ok_one_step_fade_and_last_filter(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    steps = doc.history.index
    settings = {"distortion": 40, "red": 30, "vignette": -50, "vertical": -25,
                "scale": 110, "edge": "extend"}
    op = LensCorrection(distortion=40, red=30, vignette=-50, vertical=-25, scale=110,
                        edge="extend")

    def drive(dialog, seen):
        drive_settings(settings)(dialog, seen)
        qtbot.waitUntil(lambda: dialog.preview.shown == op, timeout=10000)
        seen["previewed"] = screen(w)
        seen["steps"] = doc.history.index

    seen = in_modal_dialog(qtbot, w.actions["filter_lens_correction"].trigger, drive, NAME)
    box = Box(0, 0, W, H)
    once = layer.pixels.copy()
    np.testing.assert_array_equal(once, op.process(before, box, box, None))
    np.testing.assert_array_equal(seen["previewed"], once[..., :3].astype(int))
    assert seen["steps"] == steps  # the preview records nothing
    assert (np.abs(once.astype(int) - before) > 8).any(axis=-1).mean() > 0.3
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Lens Correction"
    w.update_actions()
    assert w.actions["fade"].isEnabled()
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    ctrl_f(qtbot, w)  # Last Filter: the same settings, one step
    np.testing.assert_array_equal(layer.pixels, once)
    assert doc.history.undo_name() == "Lens Correction"


def test_cancel_leaves_nothing_and_the_grid_shows_only_while_open(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    steps = doc.history.index

    def drive(dialog, seen):
        drive_settings({"angle": 20.0})(dialog, seen)
        qtbot.waitUntil(lambda: not np.array_equal(layer.pixels, before), timeout=10000)
        assert w.canvas.overlay(GRID_OVERLAY) is None
        on_line = w.canvas.image_to_widget(QPointF(32.25, 40.25)).toPoint()
        between = w.canvas.image_to_widget(QPointF(40.25, 40.25)).toPoint()
        plain = w.canvas.grab().toImage()
        dialog.findChild(QCheckBox, "LensGrid").click()
        dialog.findChild(QSpinBox, "LensGridSize").setValue(16)
        overlay = w.canvas.overlay(GRID_OVERLAY)
        assert overlay is not None and overlay.box == doc.canvas
        gridded = w.canvas.grab().toImage()
        assert gridded.pixelColor(on_line) != plain.pixelColor(on_line)  # a grid line
        assert gridded.pixelColor(between) == plain.pixelColor(between)  # and none between
        assert doc.history.index == steps
        seen["cancel"] = True

    in_modal_dialog(qtbot, w.actions["filter_lens_correction"].trigger, drive, NAME)
    np.testing.assert_array_equal(layer.pixels, before)
    assert doc.history.index == steps
    assert w.canvas.overlay(GRID_OVERLAY) is None  # gone with the dialog


def test_a_selection_limits_it_and_the_command_line_runs_it(opened, qtbot, tmp_path):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    selected = Box(10, 8, 50, 40)
    doc.set_selection(selected)
    op = LensCorrection(distortion=-60, blue=50)
    in_modal_dialog(qtbot, w.actions["filter_lens_correction"].trigger,
                    drive_settings({"distortion": -60, "blue": 50}), NAME)
    box = Box(0, 0, W, H)
    whole = op.process(before, box, box, None)
    np.testing.assert_array_equal(layer.pixels[selected.slices()], whole[selected.slices()])
    outside = np.ones((H, W), bool)
    outside[selected.slices()] = False
    np.testing.assert_array_equal(layer.pixels[outside], before[outside])
    # The command line: the same operation on a file.
    src, out = tmp_path / "in.png", tmp_path / "out.png"
    Image.fromarray(before).save(src)
    done = subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), "filter", str(src),
                           "-o", str(out), "--lens-correction=-60,0,0,50"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Lens Correction" in done.stdout
    np.testing.assert_array_equal(np.asarray(Image.open(out).convert("RGBA")), whole)
    assert QApplication.activeModalWidget() is None


def test_on_a_smart_object_it_is_a_smart_filter(opened, qtbot):
    from editor.model import Document, filter_ops
    from editor.model.smart_filters import as_entry, from_entry
    from test_ui_smart_objects import convert

    w, doc = opened, opened.doc
    original = doc.active.pixels.copy()
    smart = convert(w)
    op = LensCorrection(distortion=50, vignette=-40, angle=12.5, edge="black")
    in_modal_dialog(qtbot, w.actions["filter_lens_correction"].trigger,
                    drive_settings({"distortion": 50, "vignette": -40, "angle": 12.5,
                                    "edge": "black"}), NAME)
    assert w.test_errors == []
    assert [f.op for f in smart.filters] == [op]
    plain = Document(W, H)
    layer = plain.add_image(original.copy(), "plain", 0, 0)
    filter_ops.apply(plain, op, layer)
    np.testing.assert_array_equal(smart.pixels, layer.pixels)
    assert [f.op for f in from_entry(as_entry(smart.filters))] == [op]  # (kept in the PSD)
    # Editing it again (the row's double-click) opens this dialog with its settings.

    def check(dialog, seen):
        seen["op"] = dialog.operation()
        seen["grid"] = dialog.findChild(QCheckBox, "LensGrid") is not None
        seen["cancel"] = True

    seen = in_modal_dialog(qtbot, lambda: w.filter_commands.edit_smart_filter(smart, 0),
                           check, NAME)
    assert seen["op"] == op and seen["grid"]
    assert [f.op for f in smart.filters] == [op]
