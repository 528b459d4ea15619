"""The Window menu in the real window: its panel items (moved from View > Panels), Arrange
(Next/Previous Document by Ctrl+Tab and Ctrl+Shift+Tab; File > Close All), and workspaces:
the built-in ones change which docks show and where, New Workspace saves a moved layout,
a workspace remembers its arrangement until Reset, Delete Workspace, persistence into a new
window on the same settings, and a damaged saved layout falling back to Essentials."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QByteArray, QSettings, Qt

from editor.model import Document
from editor.ui import workspace_commands as wc
from ui_helpers import in_modal_dialog, make_window, panel_item

RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
LEFT = Qt.DockWidgetArea.LeftDockWidgetArea


def workspace_items(w) -> list[str]:
    """Window > Workspace as it shows when opened ('|' for a line, '*' after the checked)."""
    menu = w.menus["workspace"]
    menu.aboutToShow.emit()
    return ["|" if a.isSeparator() else a.text() + ("*" if a.isChecked() else "")
            for a in menu.actions()]


def choose(w, qtbot, label: str) -> None:
    """Window > Workspace > `label`, as a click in the opened submenu."""
    menu = w.menus["workspace"]
    menu.aboutToShow.emit()
    next(a for a in menu.actions() if a.text() == label).trigger()
    qtbot.wait(20)  # (the layout settles; stray tab bars hidden)


def shown(w) -> set[str]:
    return {k for k, d in w.docks.items() if not d.isHidden()}


def in_front(w, key: str) -> bool:
    dock = w.docks[key]
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def new_workspace(w, qtbot, name: str) -> None:
    def fill(dialog, seen):
        dialog.findChild(type(dialog.name), "WorkspaceName").setText(name)

    in_modal_dialog(qtbot, w.actions["new_workspace"].trigger, fill, "NewWorkspaceDialog")


def add_doc(w, title: str, shade: int) -> None:
    doc = Document(24, 16)
    doc.add_image(np.full((16, 24, 4), shade, np.uint8), "A", 0, 0)
    doc.history.mark_clean()  # as if saved: closing it asks nothing
    w.add_session(doc, title)


ESSENTIALS_SHOWN = {"properties", "generate", "color", "history", "navigator", "info",
                    "layer_comps", "layers", "channels", "paths"}


def test_the_window_menu_holds_arrange_workspace_and_the_panels(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles[titles.index("&View") + 1:] == ["&Window", "&Help"]
    assert not any(a.text() == "&Panels" for a in w.menus["view"].actions())
    items = [a for a in w.menus["window"].actions() if not a.isSeparator()]
    assert [a.text() for a in items[:2]] == ["&Arrange", "&Workspace"]
    panels = [a.text() for a in items[2:]]
    assert panels == sorted(d.windowTitle() for d in w.docks.values())  # every dock, A to Z
    assert all(a.isCheckable() for a in items[2:])
    assert shown(w) == ESSENTIALS_SHOWN
    # A panel's item shows a closed panel in front and checks it; again, it closes it.
    histogram = panel_item(w, "Histogram")
    assert not histogram.isChecked()
    histogram.trigger()
    qtbot.waitUntil(lambda: in_front(w, "histogram"))
    assert histogram.isChecked() and w.docks["histogram"] in w.tabifiedDockWidgets(
        w.docks["info"])
    histogram.trigger()
    qtbot.waitUntil(lambda: w.docks["histogram"].isHidden())
    assert not histogram.isChecked()
    # The docks' own items (Layers) close and show them too.
    layers = panel_item(w, "Layers")
    assert layers.isChecked()
    layers.trigger()
    assert w.docks["layers"].isHidden() and not layers.isChecked()
    layers.trigger()
    assert not w.docks["layers"].isHidden()


def test_next_and_previous_document_and_close_all(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    assert not w.actions["next_document"].isEnabled()
    for i, title in enumerate(("a", "b", "c")):
        add_doc(w, title, 60 * i)
    qtbot.waitUntil(lambda: w.actions["next_document"].isEnabled())
    assert w.session.title == "c"
    arrange = [a.text() for a in w.menus["window_arrange"].actions() if not a.isSeparator()]
    assert arrange == ["&Consolidate All to Tabs", "&Next Document", "&Previous Document"]
    assert w.actions["consolidate_tabs"].isChecked()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert w.session.title == "a"  # round the end
    qtbot.keyClick(w.canvas, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert w.session.title == "b"
    # (X11 sends Shift+Tab as Backtab)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Backtab,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.session.title == "a"
    w.actions["previous_document"].trigger()
    assert w.session.title == "c"
    # File > Close All: Cancel on a changed document stops there; Don't Save closes them all.
    assert w.actions["close_all"] in w.menus["file"].actions()
    w.sessions[1].doc.add_image(np.zeros((4, 4, 4), np.uint8), "B", 0, 0)  # "b" changed
    asked = []
    monkeypatch.setattr("editor.ui.dialogs.ask_save_changes",
                        lambda parent, name: asked.append(name) or "cancel")
    w.actions["close_all"].trigger()
    assert asked == ["b"] and [s.title for s in w.sessions] == ["b", "c"]
    monkeypatch.setattr("editor.ui.dialogs.ask_save_changes", lambda parent, name: "discard")
    w.actions["close_all"].trigger()
    assert w.sessions == []
    qtbot.waitUntil(lambda: not w.actions["close_all"].isEnabled())


def test_built_in_workspaces_show_their_docks_in_their_places(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch, size=(1440, 900))
    for built_in in wc.BUILT_IN:  # every dock has a place in every workspace
        places = [k for group in built_in.groups for k in group]
        assert sorted(places) == sorted(w.docks) and built_in.shown <= set(places)
    assert workspace_items(w) == ["Essentials (Default)*", "Painting", "Photography",
                                  "Typography", "|", "&Reset Essentials", "&New Workspace…",
                                  "&Delete Workspace…"]
    assert not w.actions["delete_workspace"].isEnabled()  # nothing of the user's
    choose(w, qtbot, "Painting")
    assert shown(w) == {"color", "swatches", "navigator", "history", "layers", "channels",
                        "paths"}
    assert w.docks["swatches"] in w.tabifiedDockWidgets(w.docks["color"])
    assert w.docks["navigator"] in w.tabifiedDockWidgets(w.docks["history"])
    qtbot.waitUntil(lambda: in_front(w, "color") and in_front(w, "navigator")
                    and in_front(w, "layers"))
    assert w.docks["color"].y() < w.docks["navigator"].y() < w.docks["layers"].y()
    assert workspace_items(w)[:4] == ["Essentials (Default)", "Painting*", "Photography",
                                      "Typography"]
    assert w.actions["reset_panels"].text() == "&Reset Painting"
    assert panel_item(w, "Swatches").isChecked() and not panel_item(w, "Properties").isChecked()
    # A panel shown later from the Window menu lands in its group.
    panel_item(w, "Properties").trigger()
    assert w.docks["properties"] in w.tabifiedDockWidgets(w.docks["color"])
    choose(w, qtbot, "Photography")
    assert shown(w) == {"properties", "generate", "histogram", "navigator", "info", "history",
                        "layers", "channels", "paths"}
    qtbot.waitUntil(lambda: in_front(w, "histogram") and in_front(w, "properties"))
    assert w.docks["properties"].y() < w.docks["histogram"].y() < w.docks["layers"].y()
    choose(w, qtbot, "Typography")
    qtbot.waitUntil(lambda: in_front(w, "character") and in_front(w, "character_styles"))
    assert {"character", "paragraph", "glyphs", "paragraph_styles"} <= shown(w)
    assert "histogram" not in shown(w) and "history" not in shown(w)
    # the type panels in two groups, the character ones over the styles
    assert w.docks["character"].y() < w.docks["character_styles"].y() < w.docks["layers"].y()
    # No panel in front is squeezed below what it needs (the window is 1440 × 900).
    fronts = [d for d in w.docks.values() if d.isVisible() and not d.visibleRegion().isEmpty()]
    assert all(d.widget().height() >= d.widget().minimumSizeHint().height() for d in fronts)
    choose(w, qtbot, "Essentials (Default)")
    assert shown(w) == ESSENTIALS_SHOWN
    assert w.dockWidgetArea(w.docks["layers"]) == RIGHT


def test_a_workspace_keeps_its_arrangement_until_reset(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    choose(w, qtbot, "Painting")
    swatches = panel_item(w, "Swatches")
    swatches.trigger()  # a tab behind Color: to the front
    qtbot.waitUntil(lambda: in_front(w, "swatches"))
    swatches.trigger()  # in front: closed
    assert "swatches" not in shown(w) and not swatches.isChecked()
    choose(w, qtbot, "Essentials (Default)")
    assert shown(w) == ESSENTIALS_SHOWN
    choose(w, qtbot, "Painting")  # as it was left, as in Photoshop
    assert "swatches" not in shown(w) and "color" in shown(w)
    w.actions["reset_panels"].trigger()  # Reset Painting: its saved layout
    assert "swatches" in shown(w)


def test_new_workspace_reset_delete_and_persistence(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    # Moved and changed: Layers to the left, Histogram shown, Generate closed.
    w.addDockWidget(LEFT, w.docks["layers"])
    panel_item(w, "Histogram").trigger()
    w.docks["generate"].close()
    new_workspace(w, qtbot, "Retouch")
    assert workspace_items(w)[:3] == ["Retouch*", "|", "Essentials (Default)"]
    assert w.actions["reset_panels"].text() == "&Reset Retouch"
    saved = shown(w)
    assert "histogram" in saved and "generate" not in saved
    # Another workspace, then back: the saved one comes back as it was.
    choose(w, qtbot, "Essentials (Default)")
    assert shown(w) == ESSENTIALS_SHOWN and w.dockWidgetArea(w.docks["layers"]) == RIGHT
    choose(w, qtbot, "Retouch")
    assert shown(w) == saved and w.dockWidgetArea(w.docks["layers"]) == LEFT
    # Moved again; Reset Retouch restores the saved layout.
    w.addDockWidget(RIGHT, w.docks["layers"])
    w.docks["histogram"].close()
    w.actions["reset_panels"].trigger()
    assert shown(w) == saved and w.dockWidgetArea(w.docks["layers"]) == LEFT
    # A built-in name is refused (one message); nothing is saved.
    new_workspace(w, qtbot, "Painting")
    assert w.test_errors and "built-in" in w.test_errors[-1][1]
    assert workspace_items(w).count("Painting") == 1
    # A second one; the one in use cannot be deleted (Photoshop's rule), the other can.
    new_workspace(w, qtbot, "Spare")
    assert workspace_items(w)[:2] == ["Retouch", "Spare*"]

    def listed(dialog, seen):
        box = dialog.choice
        seen["names"] = [box.itemText(i) for i in range(box.count())]

    seen = in_modal_dialog(qtbot, w.actions["delete_workspace"].trigger, listed,
                           "DeleteWorkspaceDialog")
    assert seen["names"] == ["Retouch"]
    assert "Retouch" not in workspace_items(w)
    qtbot.waitUntil(lambda: not w.actions["delete_workspace"].isEnabled())
    # The layout as it is, the current workspace and the saved ones, in a new window.
    new_workspace(w, qtbot, "Keep")
    choose(w, qtbot, "Keep")
    w.addDockWidget(LEFT, w.docks["history"])  # Keep's arrangement, changed after saving
    w.close()
    again = make_window(qtbot, tmp_path, monkeypatch)
    assert workspace_items(again)[:3] == ["Spare", "Keep*", "|"]
    assert again.dockWidgetArea(again.docks["history"]) == LEFT
    again.actions["reset_panels"].trigger()  # Keep as saved: History back on the right
    assert again.dockWidgetArea(again.docks["history"]) == RIGHT
    assert again.dockWidgetArea(again.docks["layers"]) == LEFT
    choose(again, qtbot, "Spare")
    assert again.dockWidgetArea(again.docks["layers"]) == LEFT  # (saved from Retouch)
    assert "histogram" in shown(again) and "generate" not in shown(again)
    again.close()


def test_a_damaged_workspace_is_one_line_and_essentials(qtbot, tmp_path, monkeypatch):
    path = str(tmp_path / "settings.ini")
    q = QSettings(path, QSettings.Format.IniFormat)
    q.setValue("workspace/current", "Broken")
    q.beginWriteArray("workspace/saved", 2)
    q.setArrayIndex(0)
    q.setValue("name", "Broken")
    q.setValue("state", QByteArray(b"not a layout"))
    q.setArrayIndex(1)
    q.setValue("name", "Text")
    q.setValue("state", "a string where a layout should be")
    q.endArray()
    q.setValue("window/state", QByteArray(b"\x00\x01garbage"))
    q.sync()
    w = make_window(qtbot, tmp_path, monkeypatch)
    message = w.statusBar().currentMessage()
    assert "could not be read" in message and "Essentials" in message and "\n" not in message
    assert shown(w) == ESSENTIALS_SHOWN and w.workspace_commands.current == "Essentials"
    assert workspace_items(w)[:4] == ["Broken", "Text", "|", "Essentials (Default)*"]
    assert not w.test_errors  # a line, not a dialog
    choose(w, qtbot, "Painting")
    choose(w, qtbot, "Broken")
    assert "“Broken” could not be read" in w.statusBar().currentMessage()
    assert shown(w) == ESSENTIALS_SHOWN and w.workspace_commands.current == "Essentials"
    choose(w, qtbot, "Text")
    assert "“Text” could not be read" in w.statusBar().currentMessage()
    assert shown(w) == ESSENTIALS_SHOWN
    assert QSettings(path, QSettings.Format.IniFormat).value("workspace/current") == \
        "Essentials"
