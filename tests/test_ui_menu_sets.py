"""The Menus tab of Edit > Keyboard Shortcuts and Menus (menus_tab.py, menu_looks.py),
driven as a user would: an item's eye clicked hides it from its real menu, which then ends
with Show All Menu Items (clicked: the menu again, with the item); a colour chosen paints
the item's row, is saved in the set and comes back in a new window with the same settings;
switching workspaces keeps the menus as they are; Cancel changes nothing."""
import json
import os

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

from editor.model.shortcut_sets import MODIFIED_DEFAULTS_NAME
from editor.ui.menu_looks import COLOR_HEX, SHOW_ALL
from editor.ui.menus_tab import COLOR, EYE
from ui_helpers import isolated_settings, in_modal_dialog, make_window


def _settings(tmp_path):
    return isolated_settings(tmp_path)


def _dialog(qtbot, w, drive, cancel=False):
    def inside(dialog, seen):
        dialog.tabs.setCurrentWidget(dialog.menus_tab)
        drive(dialog.menus_tab)
        seen["cancel"] = cancel
    return in_modal_dialog(qtbot, w.actions["keyboard_shortcuts"].trigger, inside,
                           "KeyboardShortcutsDialog")


def _click(qtbot, tab, item_id, column):
    """Clicks the item's cell in the Menus tab's tree (its row shown first)."""
    row = tab.select(item_id)
    rect = tab.tree.visualItemRect(row)
    x = tab.tree.header().sectionPosition(column) + 20
    qtbot.mouseClick(tab.tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, rect.center().y()))


def _open(qtbot, w, key):
    """Opens the menu bar's menu `key` as a click on its title does."""
    menu = w.menus[key]
    w.menuBar().setActiveAction(menu.menuAction())
    qtbot.waitUntil(menu.isVisible)
    return menu


def _close(qtbot, menu):
    menu.hide()
    qtbot.waitUntil(lambda: not menu.isVisible())


def _texts(menu):
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_a_hidden_item_leaves_its_menu_and_show_all_brings_it_back(qtbot, tmp_path,
                                                                    monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    trim, image = w.actions["trim_image"], w.menus["image"]
    assert trim in image.actions()

    def drive(tab):
        assert tab.area.currentText() == "Application Menus"
        _click(qtbot, tab, "trim_image", EYE)
        assert tab.look("trim_image").hidden and tab.rows["trim_image"].icon(EYE).isNull()
        # a submenu's own row has an eye too: Image > Mode hidden whole
        _click(qtbot, tab, "menu:image_mode", EYE)

    _dialog(qtbot, w, drive)
    mode = w.menus["image_mode"].menuAction()
    menu = _open(qtbot, w, "image")
    assert trim not in menu.actions() and mode not in menu.actions()
    assert _texts(menu)[-1] == SHOW_ALL
    # The action itself is not hidden: it stays on the window, where its key works.
    assert trim.isVisible() and trim in QWidget.actions(w)
    # Show All Menu Items, clicked: the menu opens again with every item.
    show_all = next(a for a in menu.actions() if a.text() == SHOW_ALL)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton,
                     pos=menu.actionGeometry(show_all).center())
    qtbot.waitUntil(lambda: menu.isVisible() and trim in menu.actions())
    assert mode in menu.actions() and SHOW_ALL not in _texts(menu)
    _close(qtbot, menu)
    # Closed and opened again: hidden again (the set still hides them), the order kept.
    menu = _open(qtbot, w, "image")
    assert trim not in menu.actions() and _texts(menu)[-1] == SHOW_ALL
    _close(qtbot, menu)
    actions = menu.actions()  # closed: as the window built it, in its order
    assert actions.index(mode) < actions.index(trim) and SHOW_ALL not in _texts(menu)
    # A menu with nothing hidden has no Show All Menu Items.
    edit = _open(qtbot, w, "edit")
    assert SHOW_ALL not in _texts(edit)
    _close(qtbot, edit)


def test_a_colour_paints_the_item_and_the_set_brings_it_back_after_a_restart(
        qtbot, tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    w = make_window(qtbot, tmp_path, monkeypatch, settings=settings)

    def drive(tab):
        _click(qtbot, tab, "copy", COLOR)
        picker = tab.tree.itemWidget(tab.rows["copy"], COLOR)
        assert isinstance(picker, QComboBox) and picker.currentText() == "None"
        assert [picker.itemText(i) for i in range(picker.count())] == [
            "None", "Red", "Orange", "Yellow", "Green", "Blue", "Violet", "Gray"]
        picker.setCurrentIndex(1)
        picker.activated.emit(1)
        assert tab.rows["copy"].text(COLOR) == "Red"
        # a panel menu's item: the History panel's Clear History, hidden
        tab.area.setCurrentText("Panel Menus")
        assert tab.tree.headerItem().text(0) == "Panel Menu Command"
        _click(qtbot, tab, "panel:history:Clear History", EYE)

    _dialog(qtbot, w, drive)
    assert settings.shortcut_set == MODIFIED_DEFAULTS_NAME
    path = os.path.join(settings.shortcuts_dir, MODIFIED_DEFAULTS_NAME + ".json")
    saved = json.load(open(path))["menus"]
    assert saved == {"copy": {"color": "red"}, "panel:history:Clear History": {"hidden": True}}

    def copy_row_colour(window):
        menu = _open(qtbot, window, "edit")
        copy = window.actions["copy"]
        image = menu.grab().toImage()
        rect = menu.actionGeometry(copy)
        # a point of the row's background left of the text
        colour = image.pixelColor(rect.left() + 6, rect.center().y())
        other = image.pixelColor(rect.left() + 6, menu.actionGeometry(
            window.actions["paste"]).center().y())
        _close(qtbot, menu)
        return colour, other

    colour, other = copy_row_colour(w)
    assert colour == QColor(COLOR_HEX["red"]) and other != colour
    # A new window with the same settings: the set's colour and hidden item come back.
    again = make_window(qtbot, tmp_path, monkeypatch, settings=_settings(tmp_path))
    assert again.shortcut_commands.looks["copy"].color == "red"
    colour, _ = copy_row_colour(again)
    assert colour == QColor(COLOR_HEX["red"])
    history = again.history_panel.menu()
    history.popup(again.mapToGlobal(QPoint(100, 100)))
    qtbot.waitUntil(history.isVisible)
    assert "Clear History" not in _texts(history) and _texts(history)[-1] == SHOW_ALL
    _close(qtbot, history)
    assert "Clear History" in _texts(history)


def test_switching_workspaces_keeps_the_menus_and_cancel_changes_nothing(
        qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    _dialog(qtbot, w, lambda tab: _click(qtbot, tab, "trim_image", EYE), cancel=True)
    assert w.shortcut_commands.looks == {}
    menu = _open(qtbot, w, "image")
    assert w.actions["trim_image"] in menu.actions() and SHOW_ALL not in _texts(menu)
    _close(qtbot, menu)

    _dialog(qtbot, w, lambda tab: _click(qtbot, tab, "trim_image", EYE))
    # Window > Workspace > Painting, then Reset Painting: the menus stay as the set has them.
    workspace = w.workspace_commands
    workspace.fill_menu()
    next(a for a in w.menus["workspace"].actions() if a.text() == "Painting").trigger()
    assert workspace.current == "Painting"
    w.actions["reset_panels"].trigger()
    assert w.shortcut_commands.looks["trim_image"].hidden
    menu = _open(qtbot, w, "image")
    assert w.actions["trim_image"] not in menu.actions()
    _close(qtbot, menu)


def test_a_set_holds_its_menus_new_set_switch_and_an_old_set_file(qtbot, tmp_path,
                                                                   monkeypatch):
    settings = _settings(tmp_path)
    w = make_window(qtbot, tmp_path, monkeypatch, settings=settings)
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda *a, **k: "Mine")

    def new(tab):
        dialog = tab.window()
        _click(qtbot, tab, "trim_image", EYE)
        assert dialog.sets.currentText() == "Photoshop Defaults (modified)"
        qtbot.mouseClick(dialog.findChild(QPushButton, "NewSet"), Qt.MouseButton.LeftButton)
        assert dialog.sets.currentText() == "Mine"

    _dialog(qtbot, w, new)
    assert settings.shortcut_set == "Mine" and w.shortcut_commands.looks["trim_image"].hidden

    def switch(tab):
        dialog = tab.window()
        dialog.sets.activated.emit(0)  # Photoshop Defaults: every item shown
        assert tab.looks == {} and not tab.rows["trim_image"].icon(EYE).isNull()
        dialog.sets.activated.emit(1)
        assert tab.look("trim_image").hidden and tab.rows["trim_image"].icon(EYE).isNull()
        dialog.sets.activated.emit(0)

    _dialog(qtbot, w, switch)
    assert settings.shortcut_set == "" and w.shortcut_commands.looks == {}
    # A set written before sets held menus (keys only) loads, with every item shown.
    path = os.path.join(settings.shortcuts_dir, "Mine.json")
    json.dump({"version": 1, "keys": {"trim_image": ["F9"]}}, open(path, "w"))
    settings.shortcut_set = "Mine"
    again = make_window(qtbot, tmp_path, monkeypatch, settings=settings)
    assert [k.toString() for k in again.actions["trim_image"].shortcuts()] == ["F9"]
    assert again.shortcut_commands.looks == {}
