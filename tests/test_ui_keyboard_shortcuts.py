"""Edit > Keyboard Shortcuts… (Alt+Shift+Ctrl+K), driven as a user would: the real window,
its dialog's tree clicked and keys pressed in its key field; OK puts the keys on the window
at once and a new window with the same settings has them; Cancel changes nothing."""
import json
import os

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QKeySequenceEdit, QPushButton

from editor.ui.actions import in_menu_order
from editor.ui.dialogs import shortcuts_html
from ui_helpers import isolated_settings, in_modal_dialog, make_window

CTRL, ALT, SHIFT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier,
                    Qt.KeyboardModifier.ShiftModifier)
NATIVE = QKeySequence.SequenceFormat.NativeText


def _settings(tmp_path):
    return isolated_settings(tmp_path)


def _keys(w, name):
    return [k.toString() for k in w.actions[name].shortcuts()]


def _edit(qtbot, dialog, name, index=0):
    """Clicks the command's Shortcut cell (its row shown first); returns the key field."""
    dialog.select(name, index)
    item = dialog.items[(name, index)]
    dialog.tree.scrollToItem(item)
    rect = dialog.tree.visualItemRect(item)
    x = dialog.tree.header().sectionPosition(1) + 20
    qtbot.mouseClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, rect.center().y()))
    edit = dialog.tree.itemWidget(item, 1)
    assert isinstance(edit, QKeySequenceEdit)
    return edit


def _press(qtbot, dialog, edit, key, modifiers=Qt.KeyboardModifier.NoModifier):
    """A key pressed in the field; waits for the dialog's tree to show the outcome."""
    qtbot.keyClick(edit, key, modifiers)
    qtbot.waitUntil(lambda: dialog.editing is None and dialog.tree.itemWidget(
        dialog.tree.currentItem(), 1) is None)


def _button(dialog, name) -> QPushButton:
    return dialog.findChild(QPushButton, name)


def _dialog(qtbot, w, drive, cancel=False):
    def inside(dialog, seen):
        drive(dialog)
        seen["cancel"] = cancel
    return in_modal_dialog(qtbot, w.actions["keyboard_shortcuts"].trigger, inside,
                           "KeyboardShortcutsDialog")


def test_a_key_set_works_at_once_shows_in_f1_and_in_a_new_window(qtbot, tmp_path,
                                                                     monkeypatch):
    settings = _settings(tmp_path)
    w = make_window(qtbot, tmp_path, monkeypatch, settings=settings)
    assert w.actions["keyboard_shortcuts"].shortcut() == QKeySequence("Alt+Shift+Ctrl+K")
    assert w.actions["keyboard_shortcuts"] in w.menus["edit"].actions()
    assert not w.docks["histogram"].isVisible() and _keys(w, "panel_histogram") == []

    def drive(dialog):
        assert dialog.tree.topLevelItem(0).text(0) == "File"
        edit = _edit(qtbot, dialog, "panel_histogram")
        _press(qtbot, dialog, edit, Qt.Key.Key_F7)
        assert dialog.items[("panel_histogram", 0)].text(1) == "F7"
        assert dialog.message.text() == ""
        # (the Tools)
        edit = _edit(qtbot, dialog, "tool:brush")
        assert dialog.area.currentText() == "Tools"
        _press(qtbot, dialog, edit, Qt.Key.Key_K)
        assert "(modified)" in dialog.sets.currentText()

    _dialog(qtbot, w, drive)
    assert _keys(w, "panel_histogram") == ["F7"]
    assert w.tool_actions["brush"].shortcut() == QKeySequence("K")
    assert w.tool_actions["brush"].text() == "Brush Tool (K)"
    # The Brush group's B goes on to the Pencil; F1's list shows the keys as they are now.
    assert w.tool_actions["pencil"].shortcut() == QKeySequence("B")
    table = shortcuts_html(in_menu_order(w))
    assert "<b>F7</b></td><td>Histogram" in table and "<b>K</b></td><td>Brush Tool (K)" in table
    # The keys work on the window.
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(w, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: w.docks["histogram"].isVisible())
    qtbot.keyClick(w, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: w.tools.selected.id == "brush")
    # Kept: the changed default set is a set file of its own, which a new window loads.
    assert settings.shortcut_set == "Photoshop Defaults (modified)"
    again = make_window(qtbot, tmp_path, monkeypatch, settings=_settings(tmp_path))
    assert _keys(again, "panel_histogram") == ["F7"]
    assert again.tool_actions["brush"].shortcut() == QKeySequence("K")
    assert _keys(again, "copy") == ["Ctrl+C"]  # the others keep Layered's keys


def test_a_key_in_use_is_taken_with_a_warning_that_can_be_undone(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)

    def drive(dialog):
        edit = _edit(qtbot, dialog, "copy")
        _press(qtbot, dialog, edit, Qt.Key.Key_X, CTRL)
        text = dialog.message.text()
        assert f"{QKeySequence('Ctrl+X').toString(NATIVE)} is already in use and will be " \
               "removed from Edit > Cut" in text
        assert dialog.working["cut"] == [] and dialog.working["copy"] == ["Ctrl+X"]
        assert _button(dialog, "UndoChanges").isVisible()
        qtbot.mouseClick(_button(dialog, "UndoChanges"), Qt.MouseButton.LeftButton)
        assert dialog.working["cut"] == ["Ctrl+X"] and dialog.working["copy"] == ["Ctrl+C"]
        assert dialog.message.text() == "" and not _button(dialog, "UndoChanges").isVisible()
        # Again, and on to the command that lost it: it is given another key.
        edit = _edit(qtbot, dialog, "copy")
        _press(qtbot, dialog, edit, Qt.Key.Key_X, CTRL)
        qtbot.mouseClick(_button(dialog, "GoToConflict"), Qt.MouseButton.LeftButton)
        assert dialog.current()[0] == "cut"
        edit = dialog.editing
        assert edit is not None
        _press(qtbot, dialog, edit, Qt.Key.Key_X, CTRL | ALT)
        assert dialog.working["cut"] == ["Ctrl+Alt+X"]

    _dialog(qtbot, w, drive)
    assert _keys(w, "copy") == ["Ctrl+X"] and _keys(w, "cut") == ["Ctrl+Alt+X"]


def test_use_default_delete_and_add_shortcut(qtbot, tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    w = make_window(qtbot, tmp_path, monkeypatch, settings=settings)

    def change(dialog):
        edit = _edit(qtbot, dialog, "cut")
        _press(qtbot, dialog, edit, Qt.Key.Key_F6)
        dialog.select("redo", 1)
        assert dialog.items[("redo", 1)].text(1) == "Ctrl+Y"
        qtbot.mouseClick(_button(dialog, "DeleteShortcut"), Qt.MouseButton.LeftButton)
        dialog.select("trim")
        qtbot.mouseClick(_button(dialog, "AddShortcut"), Qt.MouseButton.LeftButton)
        _press(qtbot, dialog, dialog.editing, Qt.Key.Key_F9)
        qtbot.mouseClick(_button(dialog, "AddShortcut"), Qt.MouseButton.LeftButton)
        _press(qtbot, dialog, dialog.editing, Qt.Key.Key_F10)

    _dialog(qtbot, w, change)
    assert _keys(w, "cut") == ["F6"] and _keys(w, "redo") == ["Ctrl+Shift+Z"]
    assert _keys(w, "trim") == ["F9", "F10"]
    saved = json.load(open(os.path.join(settings.shortcuts_dir,
                                        "Photoshop Defaults (modified).json")))
    assert saved["keys"] == {"cut": ["F6"], "redo": ["Ctrl+Shift+Z"], "trim": ["F9", "F10"]}

    def back(dialog):
        assert dialog.sets.currentText() == "Photoshop Defaults (modified)"
        dialog.select("cut")
        qtbot.mouseClick(_button(dialog, "UseDefault"), Qt.MouseButton.LeftButton)
        assert dialog.working["cut"] == ["Ctrl+X"]
        assert not _button(dialog, "UseDefault").isEnabled()
        dialog.select("trim", 1)
        qtbot.mouseClick(_button(dialog, "DeleteShortcut"), Qt.MouseButton.LeftButton)

    _dialog(qtbot, w, back)
    assert _keys(w, "cut") == ["Ctrl+X"] and _keys(w, "trim") == ["F9"]
    again = make_window(qtbot, tmp_path, monkeypatch, settings=_settings(tmp_path))
    assert _keys(again, "cut") == ["Ctrl+X"] and _keys(again, "trim") == ["F9"]


def test_cancel_changes_nothing(qtbot, tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    w = make_window(qtbot, tmp_path, monkeypatch, settings=settings)
    before = w.shortcut_commands.keymap()

    def drive(dialog):
        _edit(qtbot, dialog, "paste")  # clicked, then another row's cell: no key recorded
        edit = _edit(qtbot, dialog, "copy")
        assert dialog.tree.itemWidget(dialog.items[("paste", 0)], 1) is None
        assert dialog.working["paste"] == ["Ctrl+V"]
        _press(qtbot, dialog, edit, Qt.Key.Key_X, CTRL)
        edit = _edit(qtbot, dialog, "tool:eraser")
        _press(qtbot, dialog, edit, Qt.Key.Key_Q)
        assert dialog.working["tool:eraser"] == ["Q"]

    _dialog(qtbot, w, drive, cancel=True)
    assert w.shortcut_commands.keymap() == before
    assert w.tool_actions["eraser"].shortcut() == QKeySequence("E")
    assert settings.shortcut_set == "" and not os.path.exists(settings.shortcuts_dir)


def test_reserved_and_wrong_keys_get_a_line_and_change_nothing(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    played = w.actions_panel.sets[0].actions[0]
    played.key = "F2"  # (an action's function key, Action Options)

    def drive(dialog):
        edit = _edit(qtbot, dialog, "copy")
        _press(qtbot, dialog, edit, Qt.Key.Key_Space)
        assert dialog.message.text().startswith("Space is reserved")
        assert dialog.working["copy"] == ["Ctrl+C"]
        edit = _edit(qtbot, dialog, "copy")
        _press(qtbot, dialog, edit, Qt.Key.Key_Escape)
        assert dialog.message.text().startswith("Esc is reserved") and dialog.isVisible()
        edit = _edit(qtbot, dialog, "copy")
        _press(qtbot, dialog, edit, Qt.Key.Key_F2)
        assert dialog.message.text().startswith(f"F2 plays the action '{played.name}'")
        assert dialog.working["copy"] == ["Ctrl+C"]
        edit = _edit(qtbot, dialog, "tool:brush")
        _press(qtbot, dialog, edit, Qt.Key.Key_K, CTRL)
        assert "a tool's key is one letter" in dialog.message.text()
        assert dialog.working["tool:brush"] == ["B"]
        # Tools of one palette group share their letter: no conflict.
        edit = _edit(qtbot, dialog, "tool:eraser")
        _press(qtbot, dialog, edit, Qt.Key.Key_B)
        # The Brush group's B is taken from all four of its tools, named on one line.
        assert dialog.message.text().startswith("B is already in use and will be removed "
                                                "from Tools > Brush Tool, Tools > Pencil Tool")
        assert all(dialog.working[f"tool:{t}"] == [] for t in ("brush", "pencil",
                                                                "color_replace", "mixer_brush"))
        qtbot.mouseClick(_button(dialog, "UndoChanges"), Qt.MouseButton.LeftButton)
        edit = _edit(qtbot, dialog, "tool:background_eraser")
        _press(qtbot, dialog, edit, Qt.Key.Key_E)  # its own group's letter again
        assert dialog.message.text() == ""

    _dialog(qtbot, w, drive)
    assert _keys(w, "copy") == ["Ctrl+C"] and w.tool_actions["brush"].shortcut().toString() == "B"


def test_summarize_writes_the_keys_as_a_page(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    page = tmp_path / "keys"
    monkeypatch.setattr("editor.ui.dialogs.ask_summary_path", lambda parent, start: str(page))

    def drive(dialog):
        edit = _edit(qtbot, dialog, "trim")
        _press(qtbot, dialog, edit, Qt.Key.Key_F9)
        qtbot.mouseClick(_button(dialog, "Summarize"), Qt.MouseButton.LeftButton)
        assert str(page) in dialog.message.text()

    _dialog(qtbot, w, drive, cancel=True)
    text = page.read_text(encoding="utf-8")
    assert "<h1>Photoshop Defaults (modified)</h1>" in text
    assert "<tr><td>Trim Layer to Content</td><td>F9</td></tr>" in text
    assert f"<tr><td>Cut</td><td>{QKeySequence('Ctrl+X').toString(NATIVE)}</td></tr>" in text
    assert "<th colspan=\"2\">Tools</th>" in text and "<tr><td>Brush Tool</td><td>B</td></tr>" \
        in text
    assert "<tr><td>Image Rotation &gt; Flip Canvas Horizontal</td>" in text  # (a submenu's)


def test_sets_new_switch_and_delete(qtbot, tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    w = make_window(qtbot, tmp_path, monkeypatch, settings=settings)
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda *a, **k: "Mine")
    monkeypatch.setattr("editor.ui.dialogs.ask_continue", lambda *a, **k: True)

    def new(dialog):
        edit = _edit(qtbot, dialog, "trim")
        _press(qtbot, dialog, edit, Qt.Key.Key_F9)
        qtbot.mouseClick(_button(dialog, "NewSet"), Qt.MouseButton.LeftButton)
        assert dialog.sets.currentText() == "Mine"
        assert [dialog.sets.itemText(i) for i in range(dialog.sets.count())] == [
            "Photoshop Defaults", "Mine"]

    _dialog(qtbot, w, new)
    assert settings.shortcut_set == "Mine" and _keys(w, "trim") == ["F9"]
    path = os.path.join(settings.shortcuts_dir, "Mine.json")
    assert json.load(open(path))["keys"] == {"trim": ["F9"]}

    def switch(dialog):
        dialog.sets.activated.emit(0)  # (as chosen in the combo box)
        assert dialog.working["trim"] == []
        dialog.sets.activated.emit(1)
        assert dialog.working["trim"] == ["F9"]
        edit = _edit(qtbot, dialog, "trim")  # Save Set: into the set's own file
        _press(qtbot, dialog, edit, Qt.Key.Key_F10)
        assert dialog.sets.currentText() == "Mine (modified)"
        qtbot.mouseClick(_button(dialog, "SaveSet"), Qt.MouseButton.LeftButton)
        assert dialog.sets.currentText() == "Mine"
        assert json.load(open(path))["keys"] == {"trim": ["F10"]}
        qtbot.mouseClick(_button(dialog, "DeleteSet"), Qt.MouseButton.LeftButton)
        assert dialog.sets.currentText() == "Photoshop Defaults" and dialog.sets.count() == 1

    _dialog(qtbot, w, switch)
    assert not os.path.exists(path) and settings.shortcut_set == "" and _keys(w, "trim") == []


def test_a_damaged_or_missing_set_is_one_line_and_the_defaults(qtbot, tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    os.makedirs(settings.shortcuts_dir)
    path = os.path.join(settings.shortcuts_dir, "Mine.json")
    for content in ("{not json", '{"keys": {"copy": "F2"}}'):
        with open(path, "w") as f:
            f.write(content)
        settings.shortcut_set = "Mine"
        w = make_window(qtbot, tmp_path, monkeypatch, settings=settings)
        line = w.statusBar().currentMessage()
        assert "Mine.json" in line and "default keyboard shortcuts are used" in line, line
        assert "\n" not in line
        assert _keys(w, "copy") == ["Ctrl+C"] and settings.shortcut_set == ""
        assert os.path.exists(path + ".damaged") and not os.path.exists(path)
        os.remove(path + ".damaged")
    settings.shortcut_set = "Gone"
    w = make_window(qtbot, tmp_path, monkeypatch, settings=settings)
    assert "'Gone' is missing" in w.statusBar().currentMessage()
    assert _keys(w, "copy") == ["Ctrl+C"]
