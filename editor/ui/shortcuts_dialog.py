"""The Keyboard Shortcuts and Menus dialog (Edit > Keyboard Shortcuts and Menus…,
Alt+Shift+Ctrl+K), as Photoshop's: a Set (Photoshop Defaults, the user's sets) over two tabs.
Keyboard Shortcuts: Shortcuts For (Application Menus, Tools), every command with its keys in
a tree by menu; a click on a shortcut cell records a key; Add Shortcut, Delete Shortcut, Use
Default; a key taken from another command is said at the bottom (Accept, Accept and Go to
Conflict, Undo Changes); Summarize writes the keys as an HTML page. Menus: each menu item's
visibility and colour (`menus_tab`).

The dialog edits a copy of the keys (`working`) and of the menu looks (the Menus tab's);
OK puts them on the window (`ShortcutCommands.apply`, `apply_looks`), writes the set's file
when it changed (a changed default set becomes "Photoshop Defaults (modified)") and keeps
the set's name for the next start; Cancel leaves the window as it was.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QComboBox, QDialog, QHBoxLayout, QHeaderView, QKeySequenceEdit,
                               QLabel, QPushButton, QTabWidget, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from editor.model import preset_file, shortcut_sets
from editor.model.errors import DocumentError
from editor.model.shortcut_sets import DEFAULTS_NAME, MODIFIED_DEFAULTS_NAME, Keymap, MenuLooks

from . import dialogs
from .menu_looks import menu_items
from .tree_rows import open_paths, reveal
from .menus_tab import MenusTab
from .shortcut_commands import MENUS, TOOL, TOOLS, commands, portable
from .tools.toolbox import group_of

if TYPE_CHECKING:
    from .shortcut_commands import ShortcutCommands

ROW = Qt.ItemDataRole.UserRole  # a row's (command id, index of its key)
NATIVE = QKeySequence.SequenceFormat.NativeText
K = Qt.Key
# Keys the editor keeps for itself: a shortcut on one would never reach the canvas or field.
RESERVED = {
    K.Key_Escape: "it cancels Free Transform, a tool's work and the running job",
    K.Key_Return: "it commits Free Transform and the dialogs' default button",
    K.Key_Enter: "it commits Free Transform and the dialogs' default button",
    K.Key_Tab: "it moves between fields",
    K.Key_Backtab: "it moves between fields",
    K.Key_Space: "held, it gives the Hand tool",
    K.Key_Shift: "a modifier alone is not a shortcut",
    K.Key_Control: "a modifier alone is not a shortcut",
    K.Key_Alt: "a modifier alone is not a shortcut",
    K.Key_Meta: "a modifier alone is not a shortcut",
}
ARROWS = (K.Key_Left, K.Key_Right, K.Key_Up, K.Key_Down)
SHIFT = Qt.KeyboardModifier.ShiftModifier


def native(key: str) -> str:
    return QKeySequence(key).toString(NATIVE)


def refusal(command_id: str, key: str, played: dict[str, str]) -> Optional[str]:
    """Why `key` cannot be the command's shortcut (one line), or None. `played`: the
    function keys that play an action of the Actions panel, to the action's name."""
    if key in played:
        return (f"{native(key)} plays the action '{played[key]}' (Actions panel): change "
                "that action's key in its Action Options first.")
    combo = QKeySequence(key)[0]
    why = RESERVED.get(combo.key())
    if why is None and combo.key() in ARROWS and combo.keyboardModifiers() in (
            Qt.KeyboardModifier.NoModifier, SHIFT):
        why = "the arrows (with Shift: by 10 px) nudge the layer and the selection"
    if why is not None:
        return f"{native(key)} is reserved ({why}): it cannot be a shortcut."
    if command_id.startswith(TOOL) and not (len(key) == 1 and "A" <= key <= "Z"):
        return (f"{native(key)} cannot be a tool's shortcut: a tool's key is one letter, A to "
                "Z, without Ctrl, Alt or Shift.")
    return None


def ask_discard(parent: QWidget, name: str) -> bool:
    return dialogs.ask_continue(parent, "Keyboard Shortcuts",
                                f"Discard the changes made to the set '{name}'?", "Discard",
                                "DiscardShortcutChanges")


class ShortcutsDialog(QDialog):
    def __init__(self, owner: "ShortcutCommands"):
        super().__init__(owner.window)
        self.owner = owner
        self.window_ = owner.window
        self.settings = owner.window.settings
        self.setObjectName("KeyboardShortcutsDialog")
        self.setWindowTitle("Keyboard Shortcuts and Menus")
        self.commands = commands(owner.window)
        self.by_id = {c.id: c for c in self.commands}
        self.defaults = owner.defaults
        name = self.settings.shortcut_set or DEFAULTS_NAME
        self.set_name = name if name in self._set_names() else DEFAULTS_NAME
        self.saved: Keymap = owner.keymap()  # the set as the window has it
        self.working: Keymap = _copy(self.saved)
        self.saved_looks: MenuLooks = owner.looks
        # The last change that took a key from other commands: (keys before, those commands).
        self.pending: Optional[tuple[Keymap, list[str]]] = None
        self.adding: Optional[str] = None  # a command showing an empty row for a new key
        self.editing: Optional[QKeySequenceEdit] = None  # an open key field, and its row
        self.editing_item: Optional[QTreeWidgetItem] = None
        self.items: dict[tuple[str, int], QTreeWidgetItem] = {}
        self._build()
        self._fill_sets()
        self.rebuild()

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Set:"))
        self.sets = QComboBox()
        self.sets.setObjectName("ShortcutSet")
        self.sets.setMinimumWidth(260)
        self.sets.activated.connect(self._set_chosen)
        top.addWidget(self.sets, 1)
        self.save_button = self._button("Save Set", "SaveSet", self.save_set, top)
        self.new_button = self._button("New Set…", "NewSet", self.new_set, top)
        self.delete_set_button = self._button("Delete Set", "DeleteSet", self.delete_set, top)
        outer.addLayout(top)
        body = QHBoxLayout()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("ShortcutTabs")
        keys_tab = QWidget()
        layout = QVBoxLayout(keys_tab)
        self.tabs.addTab(keys_tab, "Keyboard Shortcuts")
        self.menus_tab = MenusTab(menu_items(self.window_), self.saved_looks,
                                  self._update_set_label)
        self.tabs.addTab(self.menus_tab, "Menus")
        body.addWidget(self.tabs, 1)
        area = QHBoxLayout()
        area.addWidget(QLabel("Shortcuts For:"))
        self.area = QComboBox()
        self.area.setObjectName("ShortcutsFor")
        self.area.addItems([MENUS, TOOLS])
        self.area.currentIndexChanged.connect(lambda _i: self.rebuild())
        area.addWidget(self.area)
        area.addStretch(1)
        layout.addLayout(area)

        middle = QHBoxLayout()
        self.tree = QTreeWidget()
        self.tree.setObjectName("ShortcutTree")
        self.tree.setColumnCount(2)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.tree.header().setStretchLastSection(False)
        self.tree.setColumnWidth(1, 200)
        # Rows as tall as the key field a click opens in one (uniform: the first decides).
        self.row_height = QKeySequenceEdit().sizeHint().height()
        self.tree.itemClicked.connect(self._clicked)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        middle.addWidget(self.tree, 1)
        side = QVBoxLayout()
        buttons = dialogs.ok_cancel(self)
        buttons.setOrientation(Qt.Orientation.Vertical)
        for button in buttons.buttons():
            button.setAutoDefault(False)  # Enter is a key to record, not OK
            button.setDefault(False)
        ok_column = QVBoxLayout()  # beside the tabs, as Photoshop's OK and Cancel
        ok_column.addSpacing(self.tabs.tabBar().sizeHint().height())
        ok_column.addWidget(buttons)
        ok_column.addStretch(1)
        body.addLayout(ok_column)
        outer.addLayout(body, 1)
        self.default_button = self._button("Use Default", "UseDefault", self.use_default, side)
        self.add_button = self._button("Add Shortcut", "AddShortcut", self.add_shortcut, side)
        self.delete_button = self._button("Delete Shortcut", "DeleteShortcut",
                                          self.delete_shortcut, side)
        side.addSpacing(16)
        self._button("Summarize…", "Summarize", self.summarize, side)
        side.addStretch(1)
        middle.addLayout(side)
        layout.addLayout(middle, 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(36)
        outer.addWidget(self.message)
        layout = outer  # (the conflict buttons under the line, whichever tab is in front)
        conflict = QHBoxLayout()
        self.conflict_buttons = [
            self._button("Accept", "AcceptConflict", self.accept_change, conflict),
            self._button("Accept and Go to Conflict", "GoToConflict", self.go_to_conflict,
                         conflict),
            self._button("Undo Changes", "UndoChanges", self.undo_change, conflict)]
        conflict.addStretch(1)
        for button in self.conflict_buttons:  # their room kept: the tree does not jump
            policy = button.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            button.setSizePolicy(policy)
        layout.addLayout(conflict)
        self._show_conflict(False)
        self.resize(860, 660)

    def _button(self, text: str, name: str, slot, layout) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _=False: slot())
        layout.addWidget(button)
        return button

    # -- the tree -----------------------------------------------------------------------------
    def rebuild(self, select: Optional[tuple[str, int]] = None) -> None:
        """Lists the commands of the chosen area with their keys (one row per key; an empty
        one for a command without keys), keeping the menus that were open."""
        self.editing = None
        opened = open_paths(self.tree)
        tools = self.area.currentText() == TOOLS
        self.tree.setHeaderLabels(["Tool" if tools else "Application Menu Command",
                                   "Shortcut"])
        self.tree.setRootIsDecorated(not tools)
        self.tree.clear()
        self.items = {}
        folders: dict[tuple[str, ...], QTreeWidgetItem] = {}
        for command in self.commands:
            if command.section != self.area.currentText():
                continue
            parent = self.tree.invisibleRootItem()
            path = () if tools else command.path
            for depth in range(1, len(path) + 1):
                if path[:depth] not in folders:
                    folder = QTreeWidgetItem(parent, [path[depth - 1], ""])
                    folder.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    folder.setSizeHint(0, QSize(1, self.row_height))
                    folders[path[:depth]] = folder
                parent = folders[path[:depth]]
            keys = self.working.get(command.id, [])
            rows = max(1, len(keys) + (self.adding == command.id and bool(keys)))
            for index in range(rows):
                item = QTreeWidgetItem(parent, [command.name if index == 0 else "",
                                                native(keys[index]) if index < len(keys)
                                                else ""])
                item.setData(0, ROW, (command.id, index))
                item.setSizeHint(0, QSize(1, self.row_height))
                self.items[(command.id, index)] = item
        for path, folder in folders.items():
            folder.setExpanded(path in opened)
        if select is not None:
            self.select(*select)
        self._update_buttons()
        self._update_set_label()

    def select(self, command_id: str, index: int = 0) -> Optional[QTreeWidgetItem]:
        """Shows and chooses a command's row (its first when `index` is past its keys),
        switching Shortcuts For to its area."""
        area = self.by_id[command_id].section
        if self.area.currentText() != area:
            self.area.setCurrentText(area)  # (rebuilds)
        item = self.items.get((command_id, index)) or self.items.get((command_id, 0))
        if item is None:
            return None
        return reveal(self.tree, item)

    def current(self) -> Optional[tuple[str, int]]:
        item = self.tree.currentItem()
        return item.data(0, ROW) if item is not None else None

    def _update_buttons(self) -> None:
        row = self.current()
        cid = row[0] if row else None
        keys = self.working.get(cid, []) if cid else []
        self.default_button.setEnabled(cid is not None and keys != self.defaults.get(cid, []))
        self.add_button.setEnabled(cid is not None and not (cid.startswith(TOOL) and keys))
        self.delete_button.setEnabled(cid is not None and row[1] < len(keys))
        self.delete_set_button.setEnabled(self.set_name != DEFAULTS_NAME)

    # -- recording a key ------------------------------------------------------------------------
    def _clicked(self, item: QTreeWidgetItem, column: int) -> None:
        if column == 1 and item.data(0, ROW) is not None:
            self.start_edit(item)

    def start_edit(self, item: QTreeWidgetItem) -> QKeySequenceEdit:
        """A key field in the row's Shortcut cell: the next key pressed is the shortcut."""
        self._end_edit()
        cid, index = item.data(0, ROW)
        keys = self.working.get(cid, [])
        edit = QKeySequenceEdit(QKeySequence(keys[index]) if index < len(keys) else
                                QKeySequence())
        edit.setObjectName("ShortcutEdit")
        edit.setMaximumSequenceLength(1)
        edit.editingFinished.connect(lambda: self._finished(edit, cid, index))
        self.tree.setCurrentItem(item)
        self.tree.setItemWidget(item, 1, edit)
        self.editing, self.editing_item = edit, item
        edit.setFocus()
        return edit

    def _end_edit(self) -> None:
        """Drops a key field left open (clicked away from without a key: it keeps the row's
        key)."""
        if self.editing is not None:
            self.editing = None
            self.tree.removeItemWidget(self.editing_item, 1)

    def _finished(self, edit: QKeySequenceEdit, cid: str, index: int) -> None:
        if edit is not self.editing:
            return  # (a field already done: it also finishes when it loses the focus)
        self.editing = None
        key = edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        # Later: the tree's rebuild deletes the field whose signal this is.
        QTimer.singleShot(0, lambda: self.assign(cid, index, key))

    def assign(self, cid: str, index: int, key: str) -> None:
        """The command's key at `index` (past its keys: a new one) becomes `key`; a key
        other commands have is taken from them, and the bottom line says so."""
        keys = self.working[cid]
        adding, self.adding = self.adding, None
        if not key or (index < len(keys) and keys[index] == key):
            self.rebuild(select=(cid, index))
            return
        why = refusal(cid, key, self._played())
        if why is None and key in keys:
            why = f"{native(key)} is already a shortcut of {self.by_id[cid].place}."
        if why is not None:
            self.adding = adding
            self.rebuild(select=(cid, index))
            self._say(why)
            return
        before = _copy(self.working)
        if cid.startswith(TOOL):
            keys[:] = [key]
        elif index < len(keys):
            keys[index] = key
        else:
            keys.append(key)
        self._take([key], cid, before, select=(cid, index))

    def _take(self, keys: list[str], cid: str, before: Keymap, select) -> None:
        """Takes `keys` from the commands other than `cid` that have them (tools of one
        palette group share their letter: not taken), saying so with a way back."""
        others = []
        for key in keys:
            for other in shortcut_sets.holders(self.working, key, exclude=[cid]):
                if not self._shares(cid, other):
                    self.working[other].remove(key)
                    others.append((key, other))
        self.rebuild(select=select)
        if others:
            self.pending = (before, [o for _k, o in others])
            places: dict[str, list[str]] = {}
            for k, o in others:
                places.setdefault(k, []).append(self.by_id[o].place)
            said = "; ".join(f"{native(k)} is already in use and will be removed from "
                             f"{', '.join(p)}" for k, p in places.items())
            self._say(f"{said} if accepted.", conflict=True)
        else:
            self.pending = None
            self._say("")

    def _played(self) -> dict[str, str]:
        panel = getattr(self.window_, "actions_panel", None)
        return {portable(a.key): a.name for s in (panel.sets if panel else ())
                for a in s.actions if a.key}

    def _shares(self, a: str, b: str) -> bool:
        return a.startswith(TOOL) and b.startswith(TOOL) and \
            b[len(TOOL):] in group_of(a[len(TOOL):])

    def _say(self, text: str, conflict: bool = False, note: bool = False) -> None:
        """The line under the tree: a warning (a refused key, a key taken, a set that
        could not be read or written), or a note (`note`: a set saved, the summary written)."""
        self.message.setText(text)
        self.message.setObjectName("" if not text else "Note" if note else "Warning")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self._show_conflict(conflict)

    def _show_conflict(self, shown: bool) -> None:
        for button in self.conflict_buttons:
            button.setVisible(shown)

    # -- the buttons ----------------------------------------------------------------------------
    def accept_change(self) -> None:
        self.pending = None
        self._say("")

    def go_to_conflict(self) -> None:
        """Accepts the change and opens a key field on the command it took a key from."""
        if self.pending is None:
            return
        other = self.pending[1][0]
        self.accept_change()
        self.adding = other
        self.select(other)
        self.rebuild(select=(other, len(self.working[other])))
        item = self.items.get((other, len(self.working[other]))) or self.items[(other, 0)]
        self.start_edit(item)

    def undo_change(self) -> None:
        if self.pending is not None:
            row = self.current()
            self.working = self.pending[0]
            self.pending = None
            self._say("")
            self.rebuild(select=row)

    def use_default(self) -> None:
        row = self.current()
        if row is None:
            return
        cid = row[0]
        before = _copy(self.working)
        self.working[cid] = list(self.defaults.get(cid, []))
        self._take(self.working[cid], cid, before, select=(cid, 0))

    def add_shortcut(self) -> None:
        row = self.current()
        if row is None:
            return
        cid = row[0]
        keys = self.working[cid]
        self.adding = cid
        self.rebuild(select=(cid, len(keys)))
        self.start_edit(self.items[(cid, len(keys))] if keys else self.items[(cid, 0)])

    def delete_shortcut(self) -> None:
        row = self.current()
        if row is None or row[1] >= len(self.working[row[0]]):
            return
        cid, index = row
        del self.working[cid][index]
        self.pending = None
        self._say("")
        self.rebuild(select=(cid, max(0, index - 1)))

    # -- sets -------------------------------------------------------------------------------------
    def _set_names(self) -> list[str]:
        return [DEFAULTS_NAME] + [n for n in shortcut_sets.set_names(self.owner.folder)
                                  if n != DEFAULTS_NAME]

    def _fill_sets(self) -> None:
        self.sets.clear()
        for name in self._set_names():
            self.sets.addItem(name, name)
        self.sets.setCurrentIndex(max(0, self.sets.findData(self.set_name)))
        self._update_set_label()

    def _update_set_label(self) -> None:
        """The set's name, with "(modified)" while the keys differ from its own."""
        i = self.sets.findData(self.set_name)
        if i >= 0:
            self.sets.setItemText(i, self.set_name + (" (modified)" if self.modified else ""))

    @property
    def modified(self) -> bool:
        return self.working != self.saved or self.menus_tab.looks != self.saved_looks

    def _set_chosen(self, index: int) -> None:
        name = self.sets.itemData(index)
        if name == self.set_name:
            return
        if self.modified and not ask_discard(self, self.set_name):
            self.sets.setCurrentIndex(self.sets.findData(self.set_name))
            return
        self._update_set_label_for(self.set_name)
        keymap, looks, ok = self.owner.load_set(name, lambda line: self._say(line))
        self.set_name = name if ok else DEFAULTS_NAME
        self.saved, self.working, self.pending = keymap, _copy(keymap), None
        self.saved_looks = looks
        self.menus_tab.set_looks(looks)
        if ok:
            self._say("")
        self._fill_sets()
        self.rebuild()

    def _update_set_label_for(self, name: str) -> None:
        i = self.sets.findData(name)
        if i >= 0:
            self.sets.setItemText(i, name)

    def _write(self, name: str) -> bool:
        try:
            shortcut_sets.save(shortcut_sets.path_for(self.owner.folder, name),
                               shortcut_sets.changes(self.working, self.defaults),
                               self.menus_tab.looks)
        except (OSError, DocumentError) as exc:
            self._say(f"Could not save the set '{name}': {exc}")
            return False
        return True

    def new_set(self) -> None:
        """New Set…: a set of the keys shown now, by a name asked."""
        name = dialogs.ask_text(self, "New Set", "Name of the new set:",
                                f"{self.set_name} copy")
        if name is None:
            return
        try:
            name = shortcut_sets.check_name(name)
        except DocumentError as exc:
            self._say(str(exc))
            return
        if name in self._set_names() and not dialogs.ask_continue(
                self, "New Set", f"A set named '{name}' exists. Replace it?", "Replace",
                "ReplaceShortcutSet"):
            return
        if self._write(name):
            self._update_set_label_for(self.set_name)
            self.set_name, self.saved = name, _copy(self.working)
            self.saved_looks = dict(self.menus_tab.looks)
            self._fill_sets()
            self._say(f"Saved the set '{name}'.", note=True)
            self._update_buttons()

    def save_set(self) -> None:
        """Save Set: the keys shown now into the set's file (the defaults: a new set)."""
        if self.set_name == DEFAULTS_NAME:
            self.new_set()
        elif self._write(self.set_name):
            self.saved = _copy(self.working)
            self.saved_looks = dict(self.menus_tab.looks)
            self._update_set_label()
            self._say(f"Saved the set '{self.set_name}'.", note=True)

    def delete_set(self) -> None:
        name = self.set_name
        if name == DEFAULTS_NAME or not dialogs.ask_continue(
                self, "Delete Set", f"Delete the set '{name}'?", "Delete", "DeleteShortcutSet"):
            return
        try:
            os.remove(shortcut_sets.path_for(self.owner.folder, name))
        except OSError as exc:
            self._say(f"Could not delete the set '{name}': {exc}")
            return
        if self.settings.shortcut_set == name:
            # The next start uses the defaults (not a line saying the set is missing); the
            # window keeps the keys it has until OK.
            self.settings.shortcut_set = ""
        self.set_name = DEFAULTS_NAME
        self.saved = self.owner.copy_defaults()
        self.working, self.pending = _copy(self.saved), None
        self.saved_looks = {}
        self.menus_tab.set_looks({})
        self._fill_sets()
        self.rebuild()
        self._say(f"Deleted the set '{name}'.", note=True)

    # -- Summarize, OK ------------------------------------------------------------------------
    def summary(self) -> str:
        """The page Summarize writes: the keys shown now, by menu, then the tools."""
        sections: dict[str, list[tuple[str, list[str]]]] = {}
        for c in self.commands:
            title = TOOLS if c.section == TOOLS else c.path[0]
            name = c.name if c.section == TOOLS else " > ".join((*c.path[1:], c.name))
            sections.setdefault(title, []).append(
                (name, [native(k) for k in self.working.get(c.id, [])]))
        title = self.set_name + (" (modified)" if self.modified else "")
        return shortcut_sets.summary_html(title, list(sections.items()))

    def summarize(self) -> None:
        start = os.path.join(self.settings.last_dir(), f"{self.set_name}.html")
        path = dialogs.ask_summary_path(self, start)
        if path is None:
            return
        try:
            preset_file.write_bytes(path, self.summary().encode("utf-8"))
        except (OSError, DocumentError) as exc:
            self._say(f"Could not write the summary: {exc}")
            return
        self._say(f"Wrote the summary to {path}.", note=True)

    def accept(self) -> None:
        """Puts the keys and menu looks on the window; a changed set is saved first (the
        defaults, changed, as "Photoshop Defaults (modified)")."""
        name = self.set_name
        if self.modified or (name == DEFAULTS_NAME and (
                self.working != self.owner.copy_defaults() or self.menus_tab.looks)):
            if name == DEFAULTS_NAME:
                name = MODIFIED_DEFAULTS_NAME
            if not self._write(name):
                return
        self.owner.apply(self.working)
        self.owner.apply_looks(self.menus_tab.looks)
        self.settings.shortcut_set = "" if name == DEFAULTS_NAME else name
        self.settings.sync()
        super().accept()


def _copy(keymap: Keymap) -> Keymap:
    return {k: list(v) for k, v in keymap.items()}
