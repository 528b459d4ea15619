"""The Window menu's Arrange and Workspace submenus (Photoshop's): documents in tabs with
Next/Previous Document (Ctrl+Tab, Ctrl+Shift+Tab), and workspaces, each a saved layout of
the panels (which docks show, in which tab group, in front, at what height).

The built-in workspaces are Essentials (Default), the window's own first layout, and
Painting, Photography and Typography, built from it by `BuiltIn`'s groups. New Workspace…
saves the layout as it is under a name; Delete Workspace… removes one the user saved.
As in Photoshop, a workspace remembers how it was last arranged: choosing it again gives
that arrangement, and Reset <name> its saved layout. The current workspace's name, the
user's workspaces and the other workspaces' arrangements live in QSettings (the current
arrangement is the window's own `window/state`); a layout that cannot be restored (corrupt,
or saved by a version with other panels) is one status-bar line and Essentials instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from . import dialogs
from .actions import ActionSpec, SubmenuSpec

if TYPE_CHECKING:
    from .main_window import MainWindow

ESSENTIALS = "Essentials"


@dataclass(frozen=True)
class BuiltIn:
    """A built-in workspace: the right column's tab groups from top to bottom (each group's
    docks in tab order; every dock has a place, so one shown later from the Window menu
    lands in its group), the docks shown (the first shown of a group is in front) and the
    groups' heights in pixels."""

    name: str
    groups: tuple[tuple[str, ...], ...]
    shown: frozenset[str]
    heights: tuple[int, ...]


# Photoshop's Painting (Color and Swatches on top, Navigator), Photography (Histogram and
# Navigator over Layers) and Typography (Character and Paragraph, their Styles) workspaces, for our panels.
BUILT_IN = (
    BuiltIn("Painting",
            (("color", "swatches", "properties", "generate", "character", "paragraph",
              "character_styles", "paragraph_styles", "styles", "glyphs"),
             ("navigator", "history", "info", "histogram", "tool_presets", "layer_comps",
              "actions"),
             ("layers", "channels", "paths")),
            frozenset({"color", "swatches", "navigator", "history", "layers", "channels",
                       "paths"}),
            (220, 240, 400)),
    BuiltIn("Photography",
            (("properties", "generate", "color", "swatches", "character", "paragraph",
              "character_styles", "paragraph_styles", "styles", "glyphs"),
             ("histogram", "navigator", "info", "history", "tool_presets", "layer_comps",
              "actions"),
             ("layers", "channels", "paths")),
            frozenset({"properties", "generate", "histogram", "navigator", "info", "history",
                       "layers", "channels", "paths"}),
            (330, 290, 260)),
    BuiltIn("Typography",
            # Photoshop's: Character and Paragraph (with Glyphs) over the two style panels,
            # over Layers; two groups of type panels, as seven tabs in one cut their names.
            (("character", "paragraph", "glyphs"),
             ("character_styles", "paragraph_styles", "styles", "properties", "generate",
              "color", "swatches"),
             ("history", "navigator", "info", "histogram", "tool_presets", "layer_comps",
              "actions"),
             ("layers", "channels", "paths")),
            frozenset({"character", "paragraph", "glyphs", "character_styles",
                       "paragraph_styles", "properties", "layers", "channels", "paths"}),
            (330, 190, 0, 330)),
)
BUILT_IN_NAMES = (ESSENTIALS,) + tuple(b.name for b in BUILT_IN)


def _read_states(settings, key: str) -> dict[str, object]:
    """A QSettings array of (name, state) as a dict (states as stored: QByteArray, or
    whatever a damaged file holds)."""
    q = settings.q
    states = {}
    for i in range(q.beginReadArray(key)):
        q.setArrayIndex(i)
        name = q.value("name")
        if isinstance(name, str) and name:
            states[name] = q.value("state")
    q.endArray()
    return states


def _write_states(settings, key: str, states: dict[str, object]) -> None:
    q = settings.q
    q.remove(key)
    q.beginWriteArray(key, len(states))
    for i, (name, state) in enumerate(states.items()):
        q.setArrayIndex(i)
        q.setValue("name", name)
        q.setValue("state", state)
    q.endArray()


class NewWorkspaceDialog(QDialog):
    """Window > Workspace > New Workspace…: a name (the panels' places are what it saves)."""

    def __init__(self, parent, name: str):
        super().__init__(parent)
        self.setObjectName("NewWorkspaceDialog")
        self.setWindowTitle("New Workspace")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(name)
        self.name.setObjectName("WorkspaceName")
        self.name.selectAll()
        form.addRow("Name:", self.name)
        layout.addLayout(form)
        note = QLabel("Panel locations will be saved in this workspace.")
        note.setObjectName("Dim")
        layout.addWidget(note)
        buttons = dialogs.ok_cancel(self)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Save")
        self.name.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        layout.addWidget(buttons)


class DeleteWorkspaceDialog(QDialog):
    """Window > Workspace > Delete Workspace…: one of the user's workspaces (not the one in
    use: Photoshop's rule)."""

    def __init__(self, parent, names: list[str]):
        super().__init__(parent)
        self.setObjectName("DeleteWorkspaceDialog")
        self.setWindowTitle("Delete Workspace")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.choice = dialogs.keyed_combo("WorkspaceChoice", {n: n for n in names}, names[0])
        form.addRow("Workspace:", self.choice)
        layout.addLayout(form)
        buttons = dialogs.ok_cancel(self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Delete")
        layout.addWidget(buttons)


class WorkspaceCommands:
    def __init__(self, window: "MainWindow"):
        self.window = window
        settings = window.settings
        self.current: str = settings.value("workspace/current", ESSENTIALS)
        self.saved: dict[str, object] = _read_states(settings, "workspace/saved")
        # How the workspaces other than the current one were last arranged.
        self.arranged: dict[str, object] = _read_states(settings, "workspace/arranged")
        self._items: list = []  # the workspace list's items in the Workspace submenu
        self._group: Optional[QActionGroup] = None

    def action_specs(self) -> list:
        w = self.window
        return [
            SubmenuSpec("window_arrange", "&Arrange", menu="window"),
            # Documents are always tabs here: the one arrangement, shown checked.
            ActionSpec("consolidate_tabs", "&Consolidate All to Tabs", lambda: None,
                       menu="window_arrange", checkable=True, checked=lambda c: True,
                       enabled=lambda c: False,
                       tip="Documents open as tabs (the one arrangement here)"),
            ActionSpec("next_document", "&Next Document", lambda: self.step_document(1),
                       "Ctrl+Tab", menu="window_arrange", separator=True,
                       enabled=lambda c: len(w.sessions) > 1),
            # (X11 sends Shift+Tab as Backtab: both keys, so that either matches)
            ActionSpec("previous_document", "&Previous Document",
                       lambda: self.step_document(-1), ["Ctrl+Shift+Tab", "Ctrl+Shift+Backtab"],
                       menu="window_arrange", enabled=lambda c: len(w.sessions) > 1),
            SubmenuSpec("workspace", "&Workspace", menu="window"),
            # The workspaces' own items go above these when the submenu opens.
            ActionSpec("reset_panels", "&Reset Essentials", self.reset, menu="workspace",
                       label=lambda c: f"&Reset {self.current.replace('&', '&&')}"),
            ActionSpec("new_workspace", "&New Workspace…", self.new_workspace,
                       menu="workspace"),
            ActionSpec("delete_workspace", "&Delete Workspace…", self.delete_workspace,
                       menu="workspace", enabled=lambda c: bool(self.deletable())),
        ]

    def connect(self) -> None:
        """Fills the workspace list each time the submenu opens (the menus are built)."""
        self.window.menus["workspace"].aboutToShow.connect(self.fill_menu)

    # -- Arrange ---------------------------------------------------------------------------------
    def step_document(self, step: int) -> None:
        """Next/Previous Document: the tab after (before) the one in front, round the end."""
        w = self.window
        if len(w.sessions) > 1:
            w.tabs.setCurrentIndex((w.tabs.currentIndex() + step) % len(w.sessions))

    # -- the workspace list ----------------------------------------------------------------------
    def names(self) -> list[str]:
        """The user's workspaces (Photoshop lists them first), then the built-in ones."""
        return [n for n in self.saved if n not in BUILT_IN_NAMES] + list(BUILT_IN_NAMES)

    def deletable(self) -> list[str]:
        return [n for n in self.saved if n != self.current]

    def fill_menu(self) -> None:
        """The workspaces above Reset, New and Delete: the user's, a line, the built-in ones,
        the one in use checked."""
        menu = self.window.menus["workspace"]
        for item in self._items:
            menu.removeAction(item)
        if self._group is not None:
            self._group.deleteLater()  # (its items with it)
        self._group = QActionGroup(menu)
        self._items = []
        first = menu.actions()[0]
        user = [n for n in self.names() if n not in BUILT_IN_NAMES]
        for name in self.names():
            label = "Essentials (Default)" if name == ESSENTIALS else name
            item = self._group.addAction(label.replace("&", "&&"))
            item.setCheckable(True)
            item.setChecked(name == self.current)
            item.triggered.connect(lambda _=False, n=name: self.choose(n))
            menu.insertAction(first, item)
            self._items.append(item)
            if (user and name == user[-1]) or name == BUILT_IN_NAMES[-1]:
                self._items.append(menu.insertSeparator(first))

    # -- choosing, saving, resetting ----------------------------------------------------------
    def choose(self, name: str) -> None:
        """The workspace `name`, as it was last arranged (else its saved layout)."""
        w = self.window
        if name == self.current or name not in self.names():
            return
        self.arranged[self.current] = w.layout_state()
        self.current = name
        state = self.arranged.pop(name, None)
        if state is None or not w.restore_layout_state(state):
            self._apply_saved(name)
        self._changed()

    def reset(self) -> None:
        """Reset <name>: the current workspace's saved layout again."""
        self.arranged.pop(self.current, None)
        self._apply_saved(self.current)
        self._changed()

    def new_workspace(self) -> None:
        w = self.window
        dialog = NewWorkspaceDialog(w, self.current if self.current in self.saved else "")
        if not dialog.exec():
            return
        name = dialog.name.text().strip()
        if not name:
            return
        if name in BUILT_IN_NAMES:
            dialogs.show_error(w, "New Workspace",
                               f"“{name}” is a built-in workspace: choose another name.")
            return
        if name in self.saved and not dialogs.ask_continue(
                w, "New Workspace", f"A workspace named “{name}” exists. Replace it?",
                "Replace", "ReplaceWorkspaceQuestion"):
            return
        self.saved[name] = w.layout_state()
        # The changes made become the new workspace's: the one in use is as saved again.
        self.arranged.pop(self.current, None)
        self.arranged.pop(name, None)
        self.current = name
        self._changed()

    def delete_workspace(self) -> None:
        names = self.deletable()
        if not names:
            return
        dialog = DeleteWorkspaceDialog(self.window, names)
        if not dialog.exec():
            return
        name = dialog.choice.currentData()
        self.saved.pop(name, None)
        self.arranged.pop(name, None)
        self._changed()

    # -- layouts -----------------------------------------------------------------------------
    def started(self, restored: Optional[bool]) -> None:
        """After the window restored its last layout (`restored`: None when there was none,
        False when it could not be read): an unreadable layout, or a current workspace no
        longer known, is one line and Essentials."""
        if restored is False:
            self._fell_back("The saved panel layout")
        elif self.current not in self.names():
            self.current = ESSENTIALS
            self._store()

    def _apply_saved(self, name: str) -> None:
        w = self.window
        built_in = next((b for b in BUILT_IN if b.name == name), None)
        if name == ESSENTIALS or built_in is not None:
            w.default_layout()
            if built_in is not None:
                self._arrange(built_in)
        elif not w.restore_layout_state(self.saved.get(name)):
            self._fell_back(f"The workspace “{name}”")
            return
        w.layout_changed()

    def _fell_back(self, what: str) -> None:
        w = self.window
        self.arranged.pop(self.current, None)
        self.current = ESSENTIALS
        w.default_layout()
        w.layout_changed()
        self._store()
        w.status(f"{what} could not be read; the Essentials workspace is shown.")

    def _arrange(self, built_in: BuiltIn) -> None:
        """Essentials' docks moved into `built_in`'s groups (all in the right column), the
        ones it does not show closed."""
        w = self.window
        docks = w.docks
        # Taken out and put back group by group: splitting a dock that sits in a tab group
        # would add a tab to that group instead.
        for dock in docks.values():
            w.removeDockWidget(dock)
        for group in built_in.groups:
            w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, docks[group[0]],
                            Qt.Orientation.Vertical)
        for group in built_in.groups:
            for key in group[1:]:
                w.tabifyDockWidget(docks[group[0]], docks[key])
        fronts, heights = [], []
        for group, height in zip(built_in.groups, built_in.heights):
            shown = [k for k in group if k in built_in.shown]
            for key in group:
                docks[key].setVisible(key in built_in.shown)
            if shown:
                docks[shown[0]].raise_()
                fronts.append(docks[shown[0]])
                heights.append(height)
        w.resizeDocks(fronts, heights, Qt.Orientation.Vertical)
        w.resizeDocks([docks["layers"]], [300], Qt.Orientation.Horizontal)

    def _changed(self) -> None:
        self._store()
        self.window.update_actions()  # Reset <name>, Delete's enabling

    def _store(self) -> None:
        settings = self.window.settings
        settings.set_value("workspace/current", self.current)
        _write_states(settings, "workspace/saved", self.saved)
        _write_states(settings, "workspace/arranged", self.arranged)
        settings.sync()
