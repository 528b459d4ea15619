"""Photoshop's .asl, .grd and .pat files brought in through the real window: the Styles
panel menu's Import Styles… (its styles listed and applied, its pattern joining the
document, so the Pattern Overlay draws it), the Gradient Fill dialog's Import… and
Presets (a .grd's gradient chosen and given to the new fill layer, still there in a new
window), Edit > Presets > Import Patterns… (one undo step) and the Preset Manager's
Gradients; a malformed file is one status line and changes nothing."""
from __future__ import annotations

import os

import numpy as np
from PySide6.QtWidgets import QApplication, QPushButton

from editor.model import FillLayer
from editor.ui import preset_manager as pm
from test_grd_asl_pat import DIAGONAL, HERE, made_asl
from test_ui_preset_manager import run_dialog
from test_ui_styles import choose, click_style, scene, shown
from ui_helpers import in_modal_dialog, make_window, pasted_window, screen

KIWI = os.path.join(HERE, "kiwi.grd")


def answer_open(monkeypatch, path: str) -> None:
    monkeypatch.setattr(pm, "ask_open", lambda parent, kind, start: path)


def status(w) -> str:
    return w.statusBar().currentMessage()


def menu_entry(panel, text: str):
    action = next((a for a in panel.menu.actions() if a.text() == text), None)
    assert action is not None, text
    return action


def test_import_styles_lists_them_adds_the_pattern_and_applies(qtbot, tmp_path, monkeypatch):
    w, (a, b, c) = scene(qtbot, tmp_path, monkeypatch)
    panel = shown(w, qtbot)
    before = [s.name for s in panel.styles]
    path = made_asl(tmp_path)
    answer_open(monkeypatch, path)
    menu_entry(panel, "Import Styles…").trigger()
    assert [s.name for s in panel.styles] == before + ["Group Shadow", "Multiply Overlay",
                                                      "Diagonal Lines"]
    assert [p.id for p in w.doc.patterns] == [DIAGONAL]
    assert status(w) == ("Imported 3 style(s) from made.asl; its 1 pattern(s) were added "
                         "to this document's patterns.")
    assert os.path.exists(w.settings.beside("styles.json"))
    # Applied to B: the Pattern Overlay finds its pattern in the document and draws it.
    choose(w, qtbot, b)
    shown_before = screen(w)
    click_style(qtbot, panel, "Diagonal Lines")
    overlay = b.effects.pattern_overlays[0]
    assert overlay.pattern.pattern is not None and overlay.pattern.pattern.id == DIAGONAL
    after = screen(w)
    square = after[14:26, 24:36].astype(int)
    assert not np.array_equal(square, shown_before[14:26, 24:36])
    assert len(np.unique(square.reshape(-1, square.shape[-1]), axis=0)) >= 2  # lines, not flat
    # Importing again adds nothing (the names are there, the pattern too).
    menu_entry(panel, "Import Styles…").trigger()
    assert len(panel.styles) == len(before) + 3 and len(w.doc.patterns) == 1
    assert status(w).startswith("Imported 0 of 3 styles from made.asl.")
    # A damaged file: one line, nothing changed.
    bad = tmp_path / "bad.asl"
    bad.write_bytes(open(path, "rb").read()[:400])
    answer_open(monkeypatch, str(bad))
    menu_entry(panel, "Import Styles…").trigger()
    assert status(w).startswith("Could not read the styles of bad.asl: ")
    assert "\n" not in status(w) and len(panel.styles) == len(before) + 3
    assert w.test_errors == []


def test_gradient_dialog_imports_a_grd_and_uses_its_gradient(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, np.full((40, 60, 4), 255, np.uint8), 1.0)
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda *args, **kw: "Kiwi Fill")
    answer_open(monkeypatch, KIWI)

    def drive(dialog, seen):
        names = [dialog.presets.itemText(i) for i in range(dialog.presets.count())]
        assert "Kiwi" not in names and "Black, White" in names
        qtbot.mouseClick(dialog.findChild(QPushButton, "GradientImport"),
                         __import__("PySide6.QtCore").QtCore.Qt.MouseButton.LeftButton)
        names = [dialog.presets.itemText(i) for i in range(dialog.presets.count())]
        assert names[-1] == "Kiwi"
        seen["status"] = status(w)
        dialog.presets.setCurrentIndex(len(names) - 1)
        dialog.presets.activated.emit(len(names) - 1)
        seen["stop_buttons"] = [dialog.findChild(QPushButton, f"GradientStopColor_{i}").text()
                                for i in range(5)]

    in_modal_dialog(qtbot, w.actions["fill_gradient"].trigger, drive, "GradientFillDialog")
    layer = w.doc.active
    assert isinstance(layer, FillLayer) and layer.name == "Kiwi Fill"
    assert layer.settings.stops[0] == (0.0, (61, 17, 3))
    assert layer.settings.stops[-1] == (95.1, (255, 255, 255)) and len(layer.settings.stops) == 5
    # Kiwi's colours on the canvas (90 degrees: from the bottom up): its first stop's dark
    # brown in the bottom row (whose centre lies a little way into the ramp towards the
    # green), white from 95.1 % up.
    canvas = screen(w).astype(int)
    assert np.abs(canvas[-1, 30, :3] - [61, 17, 3]).max() <= 6
    assert canvas[-1, 30, 1] < canvas[-3, 30, 1] < 134
    assert np.abs(canvas[0, 30, :3] - [255, 255, 255]).max() <= 3
    # A new window (the same settings folder) lists it; Preset Manager shows it too.
    again = make_window(qtbot, tmp_path, monkeypatch)
    names = [e.name for e in pm.current(again, pm.preset_kinds.GRADIENTS)]
    assert names[-1] == "Kiwi"

    def manager(dialog):
        dialog.type.setCurrentIndex(dialog.type.findData("gradients"))
        assert [dialog.list.item(i).text() for i in range(dialog.list.count())][-1] == "Kiwi"
    run_dialog(again, qtbot, "preset_manager", "preset_manager_dialog", manager)


def test_grd_malformed_in_the_dialog_is_one_line(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, np.full((20, 20, 4), 255, np.uint8), 1.0)
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda *args, **kw: "G")
    bad = tmp_path / "bad.grd"
    bad.write_bytes(b"8BGR\x00\x05\x00\x00\x00\x10broken")
    answer_open(monkeypatch, str(bad))

    def drive(dialog, seen):
        count = dialog.presets.count()
        assert dialog.import_gradients() == 0
        assert dialog.presets.count() == count
        seen["cancel"] = True

    in_modal_dialog(qtbot, w.actions["fill_gradient"].trigger, drive, "GradientFillDialog")
    assert status(w).startswith("Could not read the gradients of bad.grd: ")
    assert "\n" not in status(w)
    assert not os.path.exists(w.settings.beside("gradients.json"))


def test_import_patterns_from_the_edit_menu_is_one_undo_step(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, np.full((20, 20, 4), 255, np.uint8), 1.0)
    action = w.actions["import_patterns"]
    assert action in w.menus["presets"].actions() and action.isEnabled()
    chosen = [os.path.join(HERE, "special.pat")]
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName",
                        lambda *args, **kw: (chosen[0], ""))
    steps = w.doc.history.count
    action.trigger()
    assert sorted(p.width for p in w.doc.patterns) == [128, 256]
    assert status(w) == "Added 2 of the 2 patterns of special.pat to this document's patterns."
    assert w.doc.history.count == steps + 1 and w.doc.history.undo_name() == "Import Patterns"
    action.trigger()  # again: the ids are there, nothing added
    assert len(w.doc.patterns) == 2 and w.doc.history.count == steps + 1
    w.actions["undo"].trigger()
    assert w.doc.patterns == ()
    bad = tmp_path / "bad.pat"
    bad.write_bytes(b"8BPT\x00\x01\x00\x00\x00\x03" + b"\x00" * 30)
    chosen[0] = str(bad)
    action.trigger()
    assert status(w).startswith("Could not read the patterns of bad.pat: ")
    assert w.doc.patterns == () and QApplication.activeModalWidget() is None
