"""The History panel: the document's snapshots, then every undo step by name.

Click a step to go back (or forward) to it. Above the steps, as in Photoshop, the
snapshots (`editor.model.snapshots`): the document as it was opened first, then those
made by the camera button or the panel menu's New Snapshot. Clicking a snapshot's name
returns the document to it as a new step (undo takes that back); double-clicking the
name renames it; the brush column beside it chooses it as the History Brush's source;
the bin deletes the chosen snapshot. The panel only shows the per-document
`doc.snapshots` and `doc.history` and calls them.

The panel menu has Photoshop's Step Forward / Step Backward (Edit > Redo / Undo, their
keys shown beside them),
New Snapshot… (its dialog: name, From:), Delete (the current step and those made
from it), Clear History (undoable; with Alt held it purges, which is not), New
Document (a copy of the current state) and History Options… (`history_dialogs`),
whose flags the editor's settings keep and `apply_options` hands each document's
history. With Allow Non-Linear History the steps after one gone back to are not
greyed: a new step is added at the end and they stay there to click.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QFrame, QHBoxLayout,
                               QListWidget, QListWidgetItem, QMenu, QToolButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from editor.model.duplicate import duplicate_document

from .history_dialogs import HistoryOptionsDialog, NewSnapshotDialog

from .icons import icon, pixmap

if TYPE_CHECKING:
    from .window_api import EditorWindow

BRUSH, NAME = 0, 1  # the snapshot rows' columns
ROW_HEIGHT = 26
SHOWN_SNAPSHOTS = 3  # rows the snapshot list shows before it scrolls


def with_key(text: str, action: QAction) -> str:
    """`text` with `action`'s first key after a tab (a menu's key column), if it has one."""
    key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{text}\t{key}" if key else text


class HistoryPanel(QWidget):
    def __init__(self, window: "EditorWindow"):
        super().__init__()
        self.setObjectName("DockBody")
        self.main_window = window
        self.session = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        self.snapshots = QTreeWidget()
        self.snapshots.setObjectName("HistorySnapshots")
        self.snapshots.setColumnCount(2)
        self.snapshots.setHeaderHidden(True)
        self.snapshots.setRootIsDecorated(False)
        self.snapshots.setIndentation(0)
        self.snapshots.setIconSize(QSize(16, 16))
        self.snapshots.setColumnWidth(BRUSH, 26)
        self.snapshots.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.snapshots.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.snapshots.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.snapshots.customContextMenuRequested.connect(self._context_menu)
        self.snapshots.itemClicked.connect(self._snapshot_clicked)
        self.snapshots.itemDoubleClicked.connect(self._snapshot_double_clicked)
        self.snapshots.itemChanged.connect(self._snapshot_renamed)
        self.snapshots.currentItemChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.snapshots)
        line = QFrame()
        line.setObjectName("HistoryRule")
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #3a3d43; background: #3a3d43;")
        line.setFixedHeight(1)
        layout.addWidget(line)

        self.list = QListWidget()
        self.list.setObjectName("HistoryList")
        self.list.itemClicked.connect(self._clicked)
        layout.addWidget(self.list, 1)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(6, 4, 6, 4)
        self.menu_button = self._button("menu", "History panel menu", "HistoryButton_menu")
        self.menu_button.clicked.connect(lambda: self.menu().exec(
            self.menu_button.mapToGlobal(self.menu_button.rect().bottomLeft())))
        buttons.addWidget(self.menu_button)
        buttons.addStretch(1)
        self.new_button = self._button("camera", "Create new snapshot", "HistoryButton_snapshot")
        self.new_button.clicked.connect(self._camera_clicked)
        self.delete_button = self._button("layer-delete", "Delete the chosen snapshot",
                                          "HistoryButton_delete")
        self.delete_button.clicked.connect(self.delete_snapshot)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        layout.addLayout(buttons)

        self._menu: Optional[QMenu] = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._rebuild)
        self._shown = None  # (session, names, index) last drawn
        self._update_buttons()

    def _context_menu(self, pos) -> None:
        item = self.snapshots.itemAt(pos)
        if item is not None:  # the menu's commands act on the row under the pointer
            self.snapshots.setCurrentItem(item)
        self.menu().exec(self.snapshots.viewport().mapToGlobal(pos))

    def _button(self, name: str, tip: str, object_name: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(icon(name))
        button.setIconSize(QSize(18, 18))
        button.setToolTip(tip)
        button.setObjectName(object_name)
        return button

    def menu(self) -> QMenu:
        """The panel's menu, in Photoshop's order: Step Forward / Backward (Edit > Redo /
        Undo), New Snapshot…, Delete, Clear History, New Document, Delete Snapshot, the
        History Brush's source, History Options…."""
        if self._menu is None:
            self._menu = QMenu(self)
            self._menu.setObjectName("HistoryMenu")
            w = self.main_window
            self.forward_action = self._menu_action("Step Forward",
                                                    lambda: w.action("redo").trigger())
            self.backward_action = self._menu_action("Step Backward",
                                                     lambda: w.action("undo").trigger())
            self._menu.addSeparator()
            self.new_action = self._menu_action("New Snapshot…",
                                                lambda: self.new_snapshot(ask=True))
            self.new_action.setIcon(icon("camera"))
            self.delete_step_action = self._menu_action("Delete", self.delete_step)
            self.clear_action = self._menu_action("Clear History", self.clear_history)
            self.clear_action.setToolTip("Alt+click: purge the steps for good (not undoable)")
            self._menu.addSeparator()
            self.new_document_action = self._menu_action("New Document", self.new_document)
            self._menu.addSeparator()
            self.delete_action = self._menu_action("Delete Snapshot", self.delete_snapshot)
            self.source_action = self._menu_action("Set History Brush Source",
                                                   self._chosen_as_source)
            self._menu.addSeparator()
            self.options_action = self._menu_action("History Options…", self.show_options)
        w = self.main_window
        # Their keys, as Photoshop's panel menu shows them: Edit > Redo's and Undo's as they
        # are now (Keyboard Shortcuts may change them), written after a tab only, so that no
        # second shortcut competes with the window's.
        self.forward_action.setText(with_key("Step Forward", w.action("redo")))
        self.backward_action.setText(with_key("Step Backward", w.action("undo")))
        w.update_actions()
        self._update_buttons()
        return self._menu

    def _menu_action(self, text: str, slot) -> QAction:
        action = QAction(text, self._menu)
        action.triggered.connect(slot)
        self._menu.addAction(action)
        return action

    # -- History Options --------------------------------------------------------------------
    def apply_options(self, doc) -> None:
        """Hands `doc`'s history the settings' History Options and History States."""
        settings = self.main_window.settings
        history = doc.history
        history.non_linear = settings.history_option("non_linear")
        history.visibility_undoable = settings.history_option("visibility_undoable")
        history.set_max_steps(settings.history_states)
        if self.session is not None and doc is self.session.doc:
            self._shown = None  # (greyed rows or not)
            self._schedule()

    def show_options(self) -> None:
        """History Options…: the dialog; OK keeps the flags in the settings and applies them
        to every open document."""
        dialog = HistoryOptionsDialog(self.main_window, self.main_window.settings)
        if dialog.exec():
            dialog.apply()
            for session in self.main_window.sessions:
                self.apply_options(session.doc)

    def saved(self, session) -> None:
        """After File > Save: a snapshot named by the time when History Options asks."""
        if self.main_window.settings.history_option("snapshot_on_save"):
            session.doc.snapshots.take(time.strftime("%H:%M:%S"))

    # -- the steps' commands -----------------------------------------------------------------
    def delete_step(self) -> None:
        """Delete: the current step and those made from it (the document back to the step
        before); not undoable."""
        if self.session is not None and self.session.doc.history.index > 0:
            self.session.doc.history.delete_step(self.session.doc.history.index)

    def clear_history(self) -> None:
        """Clear History: the steps out of the list, snapshots kept; Edit > Undo brings them
        back. With Alt held, Photoshop's purge: gone for good, their memory freed."""
        if self.session is None:
            return
        history = self.session.doc.history
        if QApplication.keyboardModifiers() & Qt.KeyboardModifier.AltModifier:
            history.purge()
            self.main_window.status("History purged (not undoable).")
        else:
            history.clear_steps()
            self.main_window.status("History cleared: Edit > Undo brings the steps back.")
        self.main_window.update_actions()

    def new_document(self) -> None:
        """New Document: the current state as a new document in a new tab, named after the
        step (Photoshop's "Create new document from current state")."""
        if self.session is None:
            return
        doc = self.session.doc
        step = doc.history.current()
        try:
            copy = duplicate_document(doc)
        except Exception as exc:
            self.main_window.report(exc, "Could not make a document of this state")
            return
        self.main_window.add_session(copy, step.name if step is not None else
                                     f"{self.session.title} copy")

    # -- binding to a document ------------------------------------------------------------
    def set_session(self, session) -> None:
        if self.session is not None:
            self.session.doc.history.changed.disconnect(self._schedule)
            self.session.doc.snapshots.changed.disconnect(self._snapshots_changed)
        self.session = session
        if session is not None:
            session.doc.history.changed.connect(self._schedule)
            session.doc.snapshots.changed.connect(self._snapshots_changed)
        self._rebuild_snapshots()
        self._rebuild()

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _snapshots_changed(self) -> None:
        self._rebuild_snapshots()

    # -- snapshots --------------------------------------------------------------------------
    def _rebuild_snapshots(self) -> None:
        tree = self.snapshots
        snaps = self.session.doc.snapshots if self.session is not None else None
        items = list(snaps.items) if snaps is not None else []
        shown = [tree.topLevelItem(r).data(NAME, Qt.ItemDataRole.UserRole)
                 for r in range(tree.topLevelItemCount())]
        tree.blockSignals(True)
        if shown != items:  # rows made anew only when snapshots come or go (a rename
            tree.clear()    # being typed in a row survives a step)
            for snap in items:
                item = QTreeWidgetItem()
                item.setData(NAME, Qt.ItemDataRole.UserRole, snap)
                item.setIcon(NAME, icon("image" if snap.opening else "camera"))
                item.setSizeHint(NAME, QSize(0, ROW_HEIGHT))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                tree.addTopLevelItem(item)
        # One row is lit, as in Photoshop: the snapshot the newest step returned to, else
        # the current step below.
        current = snaps.current() if snaps is not None else None
        lit = None
        for row, snap in enumerate(items):
            item = tree.topLevelItem(row)
            if item.text(NAME) != snap.name:
                item.setText(NAME, snap.name)
            is_source = snap is snaps.source
            # (dim where it is not the source: the column shows it can be clicked)
            item.setIcon(BRUSH, icon("tool-history-brush") if is_source
                         else QIcon(pixmap("tool-history-brush", 16, "#4d5158")))
            item.setToolTip(BRUSH, "The History Brush paints from this snapshot" if is_source
                            else "Paint from this snapshot with the History Brush")
            item.setToolTip(NAME, f"{snap.name}: click to return to it, double-click to rename")
            if snap is current:
                lit = item
        if tree.currentItem() is not lit:  # (unchanged: a name being typed stays open)
            tree.setCurrentItem(lit)
        tree.blockSignals(False)
        rows = min(max(tree.topLevelItemCount(), 1), SHOWN_SNAPSHOTS)
        tree.setFixedHeight(rows * ROW_HEIGHT + 2)
        self._update_buttons()

    def snapshot_item(self, snap) -> Optional[QTreeWidgetItem]:
        for row in range(self.snapshots.topLevelItemCount()):
            item = self.snapshots.topLevelItem(row)
            if item.data(NAME, Qt.ItemDataRole.UserRole) is snap:
                return item
        return None

    def chosen_snapshot(self):
        """The snapshot whose row is chosen (the bin deletes it), or None."""
        item = self.snapshots.currentItem()
        return item.data(NAME, Qt.ItemDataRole.UserRole) if item is not None else None

    def _camera_clicked(self) -> None:
        """The camera button: a snapshot at once, or its dialog first when History Options
        shows it by default or Alt is held (as in Photoshop)."""
        alt = bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.AltModifier)
        self.new_snapshot(ask=alt or self.main_window.settings.history_option("snapshot_dialog"))

    def new_snapshot(self, ask: bool = False) -> None:
        """A snapshot of the whole document named "Snapshot N"; with `ask`, New Snapshot's
        dialog chooses its name and From: first."""
        if self.session is None:
            return
        snaps = self.session.doc.snapshots
        name, source = None, "full"
        if ask:
            dialog = NewSnapshotDialog(self.main_window, snaps.next_name())
            if not dialog.exec():
                return
            name, source = dialog.chosen()
        try:
            snap = snaps.take(name, source=source)
        except ValueError as exc:
            self.main_window.report(exc, "Could not make the snapshot")
            return
        item = self.snapshot_item(snap)
        if item is not None:
            self.snapshots.scrollToItem(item)
        self.main_window.status(f"{snap.name}: the document as it is now. Click it to come "
                                "back to this state.")

    def delete_snapshot(self) -> None:
        snap = self.chosen_snapshot()
        if self.session is None or snap is None:
            return
        self.session.doc.snapshots.delete(snap)

    def _chosen_as_source(self) -> None:
        snap = self.chosen_snapshot()
        if self.session is not None and snap is not None:
            self.session.doc.snapshots.set_source(snap)

    def _update_buttons(self) -> None:
        has = self.session is not None
        chosen = self.chosen_snapshot() is not None
        self.new_button.setEnabled(has)
        self.delete_button.setEnabled(chosen)
        if self._menu is not None:
            history = self.session.doc.history if has else None
            self.new_action.setEnabled(has)
            self.delete_action.setEnabled(chosen)
            self.source_action.setEnabled(chosen)
            self.forward_action.setEnabled(self.main_window.action("redo").isEnabled())
            self.backward_action.setEnabled(self.main_window.action("undo").isEnabled())
            self.delete_step_action.setEnabled(has and history.index > 0)
            self.clear_action.setEnabled(has and history.count > 0)
            self.new_document_action.setEnabled(has)

    def _snapshot_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        if self.session is None:
            return
        snap = item.data(NAME, Qt.ItemDataRole.UserRole)
        snaps = self.session.doc.snapshots
        if column == BRUSH:
            snaps.set_source(snap)
            return
        try:
            snaps.restore(snap)
        except Exception as exc:
            self.main_window.report(exc, "Could not return to the snapshot")

    def _snapshot_double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        if column == NAME:
            self.snapshots.editItem(item, NAME)

    def _snapshot_renamed(self, item: QTreeWidgetItem, column: int) -> None:
        snap = item.data(NAME, Qt.ItemDataRole.UserRole)
        if self.session is None or column != NAME or snap is None:
            return
        if item.text(NAME).strip():
            self.session.doc.snapshots.rename(snap, item.text(NAME))
        else:  # an empty name is not a name: the old one stays
            self._rebuild_snapshots()

    # -- steps ------------------------------------------------------------------------------
    def _rebuild(self) -> None:
        history = self.session.doc.history if self.session is not None else None
        state = (self.session, history.names(), history.index,
                 [history.parent(r) for r in range(1, history.count + 1)],
                 history.non_linear) if history else None
        if state == self._shown:
            return  # e.g. a drag merging into its step: nothing new to list
        self._shown = state
        self.list.clear()
        if self.session is None:
            return
        self._rebuild_snapshots()
        doc = self.session.doc
        first = QListWidgetItem(icon("image"), "Open" if (doc.path or doc.source_path) else "New")
        self.list.addItem(first)
        for name in history.names():
            self.list.addItem(QListWidgetItem(name))
        # Undone steps, still redoable, are grey; not in a non-linear history, where every
        # row is a state to go to (as in Photoshop).
        applied = history.applied()
        for row in range(self.list.count()):
            item = self.list.item(row)
            if not history.non_linear and row not in applied:
                item.setForeground(QColor("#6a6f78"))
                font = QFont(item.font())
                font.setItalic(True)
                item.setFont(font)
        current = self.list.item(history.index)
        self.list.setCurrentItem(current)
        self.list.scrollToItem(current)
        if doc.snapshots.current() is not None:  # the snapshot's row is the lit one
            self.list.clearSelection()

    def _clicked(self, item: QListWidgetItem) -> None:
        if self.session is None:
            return
        row = self.list.row(item)
        try:
            self.session.doc.history.goto(row)
        except Exception as exc:
            self.main_window.report(exc, "Could not go to that step")

    def row_rect(self, row: int):
        """Where step `row` is drawn (for tests)."""
        return self.list.visualItemRect(self.list.item(row))

    def snapshot_rect(self, row: int, column: int = NAME):
        """Where snapshot `row`'s `column` (BRUSH, NAME) is drawn (for tests)."""
        return self.snapshots.visualItemRect(self.snapshots.topLevelItem(row)).intersected(
            self._column_rect(column))

    def _column_rect(self, column: int):
        header = self.snapshots.header()
        return QRect(header.sectionViewportPosition(column), 0, header.sectionSize(column),
                     1 << 20)

    def current_row(self) -> Optional[int]:
        return self.list.currentRow()
