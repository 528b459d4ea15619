"""Command modules contribute actions before the menus are built; enabling comes from rules."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QMenuBar

from editor.model import Document, Group
from editor.ui import actions as act
from ui_helpers import make_window


def texts(menu):
    return [a.text() if not a.isSeparator() else "|" for a in menu.actions()]


def test_contributed_actions_sit_where_their_specs_say(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)  # closing never waits for an answer
    layer_menu = texts(w.menus["layer"])
    trim = layer_menu.index(w.actions["trim"].text())
    assert layer_menu[trim + 1:trim + 5] == ["|", "&Decompose", "Decompose into &Layers",
                                           "Decompose &Options…"]
    assert texts(w.menus["file"])[1:3] == ["&Open…", "New &Layered Image from Prompt…"]
    assert "Edit in &Quick Mask Mode" in texts(w.menus["select"])
    assert w.actions["quick_mask"].isCheckable()


def test_a_new_module_needs_only_its_specs(qtbot, tmp_path, monkeypatch):
    """What docs/adding_a_command.md promises: specs added before build_menus are placed."""
    w = make_window(qtbot, tmp_path, monkeypatch)  # closing never waits for an answer
    calls = []
    act.add_actions(w, [act.ActionSpec("probe", "&Probe", lambda: calls.append(1), "Alt+Shift+P",
                                       enabled=act.is_group, menu="layer", after="new_layer",
                                       separator=True)])
    bar = QMenuBar()  # kept: the menus belong to it
    menus = act.build_menus(w, bar)
    items = texts(menus["layer"])
    assert items[items.index("&New Layer") + 1:items.index("&New Layer") + 3] == ["|", "&Probe"]
    w.actions["probe"].trigger()
    assert calls == [1]
    act.refresh_actions(w, act.Context())
    assert not w.actions["probe"].isEnabled()
    act.refresh_actions(w, act.Context(Document(4, 4), Group("g")))
    assert w.actions["probe"].isEnabled()


def test_enabling_follows_the_context(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)  # closing never waits for an answer
    qtbot.waitUntil(lambda: not w.actions["decompose"].isEnabled())  # no document
    assert not w.actions["save"].isEnabled() and not w.actions["quick_mask"].isEnabled()
    doc = Document(40, 30)
    doc.add_image(np.full((30, 40, 4), 255, np.uint8), "A", 0, 0)
    w.add_session(doc, "t")
    qtbot.waitUntil(lambda: w.actions["decompose"].isEnabled())
    assert w.actions["save"].isEnabled() and w.actions["trim"].isEnabled()
    assert not w.actions["merge_down"].isEnabled() and not w.actions["clear_mask"].isEnabled()
    doc.add_image(np.full((5, 5, 4), 9, np.uint8), "B", 1, 1)
    qtbot.waitUntil(lambda: w.actions["merge_down"].isEnabled())
    edit = doc.begin_mask_edit()
    edit.apply(doc, doc.canvas, lambda view: view.fill(255))
    doc.end_mask_edit(edit)
    qtbot.waitUntil(lambda: w.actions["clear_mask"].isEnabled() and w.actions["deselect"].isEnabled())


def _tree(menu):
    """A menu's items, recursively: (objectName, text, shortcut) or a submenu's (title, items)."""
    items = []
    for a in menu.actions():
        if a.isSeparator():
            items.append("|")
        elif a.menu() is not None:
            items.append((a.menu().title(), _tree(a.menu())))
        else:
            items.append((a.objectName(), a.text(), a.shortcut().toString()))
    return items


def test_the_menus_are_built_from_the_specs_alone(qtbot, tmp_path, monkeypatch):
    """Nothing adds to the menus after build_menus: building them again from the window's table
    and the command modules' specs gives the very menus the window shows, and every
    contributed action is placed or has keys."""
    w = make_window(qtbot, tmp_path, monkeypatch)  # closing never waits for an answer
    bar = QMenuBar()  # kept: the menus belong to it
    again = act.build_menus(w, bar)
    shown = [(a.menu().title(), _tree(a.menu())) for a in w.menuBar().actions()]
    rebuilt = [(a.menu().title(), _tree(a.menu())) for a in bar.actions()]
    assert shown == rebuilt
    assert set(again) == set(w.menus)
    assert [t for t, _ in shown] == ["&File", "&Edit", "&Image", "&Layer", "&Select", "Fil&ter",
                                    "&View", "&Window", "&Help"]
    for spec in w.contributed:
        if isinstance(spec, act.ActionSpec):
            assert spec.menu is not None or spec.keys, spec.name
    modules = [w.layer_commands, w.transform_commands, w.palette_commands, w.decompose_commands,
               w.difference_commands, w.edit_commands, w.image_commands, w.select_commands,
               w.mask_commands, w.adjustment_commands, w.text_edit_commands, w.view_commands,
               w.filter_commands]
    assert not any(hasattr(m, "install") or hasattr(m, "refresh") for m in modules)
    # The window's own table holds only File, Undo/Redo, Copy/Paste, its dialogs and panels;
    # every other action (the Layer, Select, View menus' too) is a module's spec.
    contributed = {s.name for s in w.contributed if isinstance(s, act.ActionSpec)}
    assert set(w.actions) - contributed == {
        "new", "open", "import_layer", "close", "close_all", "save", "save_as", "save_copy",
        "revert",
        "export", "quit",
        "undo", "redo", "toggle_last_state", "copy", "paste", "models", "preferences",
        "panel_info",
        "panel_histogram", "panel_swatches", "panel_character", "panel_paragraph",
        "panel_styles", "panel_glyphs", "panel_character_styles", "panel_paragraph_styles",
        "panel_tool_presets", "panel_actions", "shortcuts",
        "about"}
    assert {"new_layer", "merge_down", "trim", "select_all", "deselect", "zoom_in", "flip_h",
            "swap_colors", "brush_larger"} <= contributed


def test_checks_and_texts_follow_the_context(qtbot, tmp_path, monkeypatch):
    """Layer Mask's checks and Create/Release Clipping Mask come from their specs' rules."""
    from editor.model import mask_ops

    w = make_window(qtbot, tmp_path, monkeypatch)  # closing never waits for an answer
    doc = Document(20, 20)
    doc.add_image(np.full((20, 20, 4), 255, np.uint8), "A", 0, 0)
    doc.add_image(np.full((5, 5, 4), 9, np.uint8), "B", 1, 1)
    w.add_session(doc, "t")
    qtbot.waitUntil(lambda: w.actions["mask_reveal_all"].isEnabled())
    assert w.actions["clipping"].text() == "Create &Clipping Mask"
    assert not w.actions["mask_disable"].isEnabled()
    w.actions["mask_reveal_all"].trigger()
    qtbot.waitUntil(lambda: w.actions["mask_disable"].isEnabled())
    assert not w.actions["mask_disable"].isChecked()
    w.actions["mask_disable"].trigger()
    qtbot.waitUntil(lambda: w.actions["mask_disable"].isChecked())
    assert not doc.active.mask.enabled
    w.actions["clipping"].trigger()
    qtbot.waitUntil(lambda: w.actions["clipping"].text() == "Release &Clipping Mask")
    assert doc.active.clipping
    doc.history.undo()
    qtbot.waitUntil(lambda: w.actions["clipping"].text() == "Create &Clipping Mask")
    mask_ops.delete_mask(doc, doc.active)
    qtbot.waitUntil(lambda: not w.actions["mask_disable"].isEnabled())
    assert not w.actions["mask_disable"].isChecked()


def test_undo_and_redo_are_enabled_and_named_by_their_rules(qtbot, tmp_path, monkeypatch):
    """Undo/Redo follow the context like every other action: disabled with nothing to undo,
    named after the step ("Undo New Layer") otherwise."""
    doc = Document(8, 8)
    assert not act.can_undo(act.Context()) and act.undo_label(act.Context()) == "&Undo"
    doc.new_layer()
    context = act.Context(doc, doc.active)
    assert act.can_undo(context) and act.undo_label(context) == "&Undo New Layer"
    doc.history.undo()
    assert act.redo_label(context) == "&Redo New Layer" and not act.can_undo(context)

    w = make_window(qtbot, tmp_path, monkeypatch)  # closing never waits for an answer
    assert not w.actions["undo"].isEnabled() and w.actions["undo"].text() == "&Undo"
    doc = Document(20, 20)
    doc.add_image(np.full((20, 20, 4), 255, np.uint8), "A", 0, 0)
    w.add_session(doc, "t")
    w.actions["new_layer"].trigger()
    qtbot.waitUntil(lambda: w.actions["undo"].text() == "&Undo New Layer")
    assert w.actions["undo"].isEnabled() and not w.actions["redo"].isEnabled()
    w.actions["undo"].trigger()
    qtbot.waitUntil(lambda: w.actions["redo"].text() == "&Redo New Layer")
    assert w.actions["redo"].isEnabled() and len(doc.root.children) == 1


def test_the_shortcuts_dialog_lists_the_keys_in_menu_order(qtbot, tmp_path, monkeypatch):
    """Whichever module made an action, F1 lists it where its menu shows it (tools first, then
    File ... Help, then the keys without a menu item), and misses none."""
    w = make_window(qtbot, tmp_path, monkeypatch)  # closing never waits for an answer
    shown = []
    monkeypatch.setattr("editor.ui.dialogs.show_shortcuts",
                        lambda parent, actions: shown.append(list(actions)))
    w.actions["shortcuts"].trigger()
    listed = shown[0]
    assert listed[:len(w.tool_actions)] == list(w.tool_actions.values())
    assert set(listed) == set(w.tool_actions.values()) | set(w.actions.values())
    names = [a.objectName() for a in listed]
    for earlier, later in (("new", "undo"), ("paste", "free_transform"), ("trim", "decompose"),
                           ("merge_down", "select_all"), ("deselect", "reselect"),
                           ("actual", "rulers"), ("about", "swap_colors")):
        assert names.index(earlier) < names.index(later), (earlier, later)
