"""Tool presets (Photoshop's Tool Preset picker and Tool Presets panel), driven in the real
window: a preset keeps a tool's options, choosing it takes that tool with them again."""
from __future__ import annotations

import json
import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ui_helpers import isolated_settings, in_modal_dialog, make_window


def _settings(tmp_path):
    return isolated_settings(tmp_path)


def _new_preset(qtbot, w, name, include_color=False):
    """New Tool Preset… from the picker's menu, its dialog filled in."""
    def drive(dialog, seen):
        dialog.findChild(object, "ToolPresetName").setText(name)
        box = dialog.findChild(object, "ToolPresetIncludeColor")
        seen["color_offered"] = box.isVisibleTo(dialog)
        box.setChecked(include_color)

    action = next(a for a in w.tool_preset_picker.popup.actions() if a.text() == "New Tool Preset…")
    return in_modal_dialog(qtbot, action.trigger, drive, "NewToolPresetDialog")


def _click(qtbot, presets, name):
    """Clicks the preset `name` in a PresetList (the picker's or the panel's)."""
    lst = presets.list
    item = next(lst.item(i) for i in range(lst.count()) if lst.item(i).text() == name)
    rect = lst.visualItemRect(item)
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_brush_preset_restores_options_and_color(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    w.tool_actions["brush"].trigger()
    brush = w.tools.tools["brush"]
    brush.set_size(64)
    brush.set_hardness(0.25)
    brush.set_opacity(0.5)
    w.set_foreground(QColor("#cc2200"))
    seen = _new_preset(qtbot, w, "Soft red 64", include_color=True)
    assert seen["color_offered"]
    assert w.tool_preset_picker.presets.names() == ["Soft red 64"]

    brush.set_size(7)
    brush.set_hardness(1.0)
    brush.set_opacity(1.0)
    w.set_foreground(QColor("#000000"))
    _click(qtbot, w.tool_preset_picker.presets, "Soft red 64")
    assert (brush.size, brush.hardness, brush.opacity) == (64, 0.25, 0.5)
    assert w.foreground.name() == "#cc2200"
    # The options bar shown is a new one, showing the preset's size.
    bar = w.options_stack.currentWidget()
    assert bar is brush.options()
    assert brush._controls["size"].value() == 64


def test_current_tool_only_and_other_tool(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    presets = w.tool_presets
    w.tool_actions["wand"].trigger()
    w.tools.tools["wand"].set_option("tolerance", 90)
    seen = _new_preset(qtbot, w, "Wide wand")
    assert not seen["color_offered"]  # (the wand paints no colour)
    w.tool_actions["brush"].trigger()
    _new_preset(qtbot, w, "Brush A")
    w.tools.tools["wand"].set_option("tolerance", 5)

    picker = w.tool_preset_picker.presets
    assert picker.current_only.isChecked()
    assert picker.names() == ["Brush A"]
    picker.current_only.setChecked(False)
    assert not presets.current_only
    assert picker.names() == ["Wide wand", "Brush A"]
    # The panel's list follows the same choice.
    panel = w.tool_presets_panel.presets
    assert not panel.current_only.isChecked() and panel.names() == ["Wide wand", "Brush A"]

    _click(qtbot, picker, "Wide wand")  # another tool's preset: that tool is taken
    assert w.tools.current.id == "wand"
    assert w.tools.tools["wand"].tolerance == 90
    assert w.tool_actions["wand"].isChecked()
    picker.current_only.setChecked(True)
    assert picker.names() == ["Wide wand"]


def test_panel_rename_delete_and_persist(qtbot, tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    w = make_window(qtbot, tmp_path, monkeypatch, settings=settings)
    w.actions["panel_tool_presets"].trigger()
    assert w.docks["tool_presets"].isVisible()
    w.tool_actions["brush"].trigger()
    w.tools.tools["brush"].set_size(40)
    _new_preset(qtbot, w, "One")
    w.tools.tools["brush"].set_size(12)
    _new_preset(qtbot, w, "Two")
    panel = w.tool_presets_panel.presets
    assert panel.names() == ["One", "Two"]

    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda *a: "Forty")
    lst = panel.list
    where = lst.visualItemRect(lst.item(0)).center()
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=where)  # (as a user's
    qtbot.mouseDClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=where)  # double-click)
    assert panel.names() == ["Forty", "Two"]
    lst.setCurrentRow(1)
    w.tool_presets_panel.buttons["delete"].click()
    assert panel.names() == ["Forty"]
    saved = json.load(open(settings.tool_presets_path, encoding="utf-8"))
    assert [p["name"] for p in saved["presets"]] == ["Forty"]
    w.close()

    w2 = make_window(qtbot, tmp_path, monkeypatch, settings=_settings(tmp_path))
    w2.tool_actions["brush"].trigger()
    w2.tools.tools["brush"].set_size(3)
    assert w2.tool_preset_picker.presets.names() == ["Forty"]
    _click(qtbot, w2.tool_preset_picker.presets, "Forty")
    assert w2.tools.tools["brush"].size == 40


def test_damaged_file_is_set_aside_in_one_line(qtbot, tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    with open(settings.tool_presets_path, "w", encoding="utf-8") as f:
        f.write("{not json")
    lines = []
    from editor.ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "status",
                        lambda self, text, *a, **k: lines.append(text), raising=True)
    w = make_window(qtbot, tmp_path, monkeypatch, settings=settings)
    assert w.tool_presets.presets == []
    assert w.tool_preset_picker.presets.names() == []
    mine = [line for line in lines if "tool_presets.json" in line]
    assert len(mine) == 1 and "damaged" in mine[0] and "\n" not in mine[0]
    assert os.path.exists(settings.tool_presets_path + ".damaged")


def test_reset_tool_and_reset_all_tools(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    w.tool_actions["brush"].trigger()
    brush, wand = w.tools.tools["brush"], w.tools.tools["wand"]
    brush.set_size(150)
    brush.set_opacity(0.3)
    wand.set_option("tolerance", 100)
    reset = next(a for a in w.tool_preset_picker.popup.actions() if a.text() == "Reset Tool")
    reset.trigger()
    assert (brush.size, brush.opacity) == (30, 1.0)  # the defaults
    assert brush._controls["size"].value() == 30
    assert wand.tolerance == 100  # (only the current tool)
    assert w.settings.value("tools/brush/size") is None

    monkeypatch.setattr("editor.ui.tool_presets_panel.ask_reset_all", lambda parent: True)
    reset_all = next(a for a in w.tool_preset_picker.popup.actions() if a.text() == "Reset All Tools")
    reset_all.trigger()
    assert wand.tolerance == 32


def test_type_and_shape_presets_use_the_same_path(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    w.tool_actions["type"].trigger()
    typ = w.tools.tools["type"]
    typ.set_option(size=48.0, bold=True)
    w.set_foreground(QColor("#2040ff"))
    seen = _new_preset(qtbot, w, "Headline", include_color=True)
    assert seen["color_offered"]
    w.tool_actions["shape"].trigger()
    shape = w.tools.tools["shape"]
    shape.set_shape("polygon")
    _new_preset(qtbot, w, "Polygon")

    typ.set_option(size=12.0, bold=False)
    shape.set_shape("rectangle")
    w.set_foreground(QColor("#000000"))
    w.tool_preset_picker.presets.current_only.setChecked(False)
    _click(qtbot, w.tool_preset_picker.presets, "Headline")
    assert w.tools.current is typ
    assert (typ.style.size, typ.style.bold) == (48.0, True)
    assert w.foreground.name() == "#2040ff"
    _click(qtbot, w.tool_preset_picker.presets, "Polygon")
    assert w.tools.current is shape and shape.shape == "polygon"


def test_reset_all_tools_leaves_working_bars(qtbot, tmp_path, monkeypatch):
    """A tool reset while another is current gets a new bar at once: its setters still
    reach live widgets (no deleted spin box), and it shows the new values when taken."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    w.tool_actions["brush"].trigger()
    brush = w.tools.tools["brush"]
    brush.set_size(99)
    w.tool_actions["wand"].trigger()
    monkeypatch.setattr("editor.ui.tool_presets_panel.ask_reset_all", lambda parent: True)
    w.tool_presets.reset_all_tools()
    assert brush.size == 30
    brush.set_size(55)  # (as the Stroke Path command or a shortcut may, off its bar)
    w.tool_actions["brush"].trigger()
    assert w.options_stack.currentWidget() is brush.options()
    assert brush._controls["size"].value() == 55
