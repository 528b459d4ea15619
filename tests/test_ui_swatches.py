"""The Swatches panel in the real window: click for the foreground, Ctrl/Alt+click for the
background, New Swatch from the foreground (named), rename, delete (button and a swatch
dropped on the bin), groups, persistence in a new window, and .aco/.ase import/export
(a hand-built version 1 file, a corrupt one refused)."""
from __future__ import annotations

import json
import os
import struct

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QDropEvent

from editor.model import swatch_book
from editor.ui import swatches_panel as sp
from ui_helpers import make_window, panel_item

LEFT = Qt.MouseButton.LeftButton


def shown(w, qtbot):
    """The Swatches tab (beside Color), shown by Window > Swatches."""
    dock = w.docks["swatches"]
    assert dock.isHidden()  # not in the default layout (a fourth tab would cut the titles)
    item = panel_item(w, "Swatches")
    item.trigger()
    assert item.isChecked() and dock in w.tabifiedDockWidgets(w.docks["color"])
    qtbot.waitUntil(lambda: not dock.visibleRegion().isEmpty() and w.swatches_panel.grid.width() > 60)
    return w.swatches_panel


def click(qtbot, panel, name, modifier=Qt.KeyboardModifier.NoModifier):
    key = panel.find(name)
    assert key is not None, name
    qtbot.mouseClick(panel.grid, LEFT, modifier, panel.grid.rect_of(key).center())
    return key


def menu_item(panel, text):
    return next(a for a in panel.menu.actions() if a.text() == text)


def test_click_sets_the_foreground_ctrl_or_alt_click_the_background(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    panel = shown(w, qtbot)
    assert {g.name for g in panel.book.groups} >= {"Primaries", "Greys", "Pastels"}
    click(qtbot, panel, "Red")
    assert w.foreground.name() == "#ff0000" and w.background.name() == "#ffffff"
    assert w.color_panel.hex["foreground"].text() == "#ff0000"  # the Color panel follows
    click(qtbot, panel, "Blue", Qt.KeyboardModifier.ControlModifier)
    assert w.background.name() == "#0000ff" and w.foreground.name() == "#ff0000"
    click(qtbot, panel, "Yellow", Qt.KeyboardModifier.AltModifier)
    assert w.background.name() == "#ffff00" and w.foreground.name() == "#ff0000"
    # A closed group shows no swatches; its triangle opens it again.
    primaries = next(i for i, g in enumerate(panel.book.groups) if g.name == "Primaries")
    header = panel.grid.rect_of((primaries, None))
    qtbot.mouseClick(panel.grid, LEFT, pos=header.topLeft() + QPoint(6, 8))
    assert not panel.book.groups[primaries].open
    assert all(k != (primaries, 0) for _, k in panel.grid.cells())
    qtbot.mouseClick(panel.grid, LEFT, pos=header.topLeft() + QPoint(6, 8))
    assert panel.book.groups[primaries].open


def test_new_swatch_rename_delete_and_a_new_window_keeps_them(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    panel = shown(w, qtbot)
    w.set_foreground(QColor(12, 34, 56))
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda *a: None)  # Cancel: nothing
    before = len(panel.book.all_swatches())
    panel.buttons["new_swatch"].click()
    assert len(panel.book.all_swatches()) == before
    asked = []
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda p, title, label, text: (
        asked.append((title, text)), "Ocean")[1])
    panel.buttons["new_swatch"].click()
    assert asked == [("Color Swatch Name", f"Swatch {before + 1}")]
    assert panel.book.loose[-1] == swatch_book.Swatch("Ocean", (12, 34, 56))
    # Its click sets the foreground back after another colour.
    click(qtbot, panel, "White")
    click(qtbot, panel, "Ocean")
    assert w.foreground.name() == QColor(12, 34, 56).name()
    # Rename by double-click.
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda *a: "Deep Ocean")
    qtbot.mouseDClick(panel.grid, LEFT, pos=panel.grid.rect_of(panel.find("Ocean")).center())
    assert panel.find("Ocean") is None and panel.find("Deep Ocean") is not None
    # Delete: select Green (a click), then the bin.
    click(qtbot, panel, "Green")
    panel.buttons["delete"].click()
    assert panel.find("Green") is None and panel.find("Red") is not None
    saved = swatch_book.to_json(panel.book)
    assert json.load(open(tmp_path / "swatches.json")) == saved
    w.close()
    again = make_window(qtbot, tmp_path, monkeypatch)
    panel2 = again.swatches_panel
    assert swatch_book.to_json(panel2.book) == saved
    assert panel2.swatch(panel2.find("Deep Ocean")).rgb == (12, 34, 56)


def drop(widget, key, pos):
    data = QMimeData()
    data.setData(sp.MIME, f"{'' if key[0] is None else key[0]},{key[1]}".encode())
    event = QDropEvent(QPointF(pos), Qt.DropAction.MoveAction, data, LEFT, Qt.KeyboardModifier.NoModifier)
    # (straight to the widget: QApplication passes a drop on only during a real drag,
    # whose QDrag.exec would wait for a pointer the offscreen platform never moves)
    assert widget.event(event) and event.isAccepted()


def test_a_swatch_dropped_on_the_bin_or_a_group(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    panel = shown(w, qtbot)
    drop(panel.buttons["delete"], panel.find("Magenta"), panel.buttons["delete"].rect().center())
    assert panel.find("Magenta") is None
    # New Group takes the selected swatch; another dropped on its header joins it.
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda *a: "Mine")
    click(qtbot, panel, "Black")
    panel.buttons["new_group"].click()
    mine = len(panel.book.groups) - 1
    assert panel.book.groups[mine].name == "Mine" and panel.find("Black") == (mine, 0)
    drop(panel.grid, panel.find("Cyan"), panel.grid.rect_of((mine, None)).center())
    assert [s.name for s in panel.book.groups[mine].swatches] == ["Black", "Cyan"]
    # A new swatch goes into the selected swatch's group.
    w.set_foreground(QColor("#123456"))
    panel.buttons["new_swatch"].click()
    assert panel.book.groups[mine].swatches[-1].rgb == (0x12, 0x34, 0x56)


def test_aco_and_ase_export_then_import_give_the_same_swatches(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    panel = shown(w, qtbot)
    w.set_foreground(QColor(201, 7, 99))
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda *a: "Crème brûlée ✓")
    panel.buttons["new_swatch"].click()
    everything = [(s.name, s.rgb) for s in panel.book.all_swatches()]
    for ext in ("aco", "ase"):
        path = str(tmp_path / f"mine.{ext}")
        monkeypatch.setattr(sp, "ask_export_path", lambda *a, p=path: p)
        menu_item(panel, "Export Swatches…").trigger()
        assert os.path.getsize(path) > 0
        groups = len(panel.book.groups)
        monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, p=path: [p])
        menu_item(panel, "Import Swatches…").trigger()
        added = panel.book.groups[groups:]
        assert [(s.name, s.rgb) for g in added for s in g.swatches] == everything
        assert added[0].name == "mine"
        if ext == "ase":  # the groups come back as groups
            assert [g.name for g in added[1:]] == ["Primaries", "Greys", "Pastels", "Deep"]
        panel.book.groups[groups:] = []
    # The .aco holds version 1 then version 2 (with the names), all in RGB.
    data = open(tmp_path / "mine.aco", "rb").read()
    n = len(everything)
    assert struct.unpack_from(">HH", data, 0) == (1, n)
    assert struct.unpack_from(">HH", data, 4 + 10 * n) == (2, n)
    assert struct.unpack_from(">5H", data, 4) == (0, 0, 0, 0, 0)  # Black, RGB space
    assert not w.test_errors


def test_a_hand_built_version_1_aco_reads_in_every_simple_space(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    panel = shown(w, qtbot)
    colours = [(0, 65535, 32768, 0, 0),          # RGB
               (1, 21845, 65535, 65535, 0),      # HSB: 120°, full: green
               (2, 65535, 0, 0, 65535),          # CMYK (0 = full ink): no cyan, full M and Y
               (7, 10000, 0, 0, 0),              # Lab: L 100, white
               (8, 2500, 0, 0, 0),               # Grayscale: 25 % black
               (3, 1, 2, 3, 4)]                  # a Pantone space: skipped
    path = tmp_path / "old.aco"
    path.write_bytes(struct.pack(">HH", 1, len(colours))
                     + b"".join(struct.pack(">5H", *c) for c in colours))
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a: [str(path)])
    menu_item(panel, "Import Swatches…").trigger()
    group = panel.book.groups[-1]
    assert group.name == "old"
    assert [(s.name, s.rgb) for s in group.swatches] == [
        ("Swatch 1", (255, 128, 0)), ("Swatch 2", (0, 255, 0)), ("Swatch 3", (255, 0, 0)),
        ("Swatch 4", (255, 255, 255)), ("Swatch 5", (191, 191, 191))]
    message = w.statusBar().currentMessage()
    assert "5 swatches imported from old.aco" in message and "colour space 3 skipped" in message
    assert not w.test_errors


def test_a_corrupt_aco_is_refused_in_one_line_and_changes_nothing(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    panel = shown(w, qtbot)
    before = swatch_book.to_json(panel.book)
    good = swatch_book.write_aco([swatch_book.Swatch("A", (1, 2, 3)), swatch_book.Swatch("B", (4, 5, 6))])
    for i, data in enumerate([good[:-7], b"\x00\x07\x00\x01" + good[4:], b"\x00"]):
        path = tmp_path / f"bad{i}.aco"
        path.write_bytes(data)
        monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, p=str(path): [p])
        menu_item(panel, "Import Swatches…").trigger()
        assert len(w.test_errors) == i + 1
        title, message = w.test_errors[-1]
        assert "\n" not in message and f"bad{i}.aco is not a Photoshop swatches file" in message
    assert swatch_book.to_json(panel.book) == before


def test_a_damaged_swatches_file_is_kept_aside_and_the_defaults_used(qtbot, tmp_path, monkeypatch):
    (tmp_path / "swatches.json").write_text("{not json")
    w = make_window(qtbot, tmp_path, monkeypatch)
    assert w.swatches_panel.find("Red") is not None
    assert (tmp_path / "swatches.json.damaged").exists()
