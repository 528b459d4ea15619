"""The Actions panel (Window > Actions, Alt+F9): sets of recorded actions, played back on
the document in front.

Its tree shows each set, its actions and each action's steps (a step expands to its
settings); a step's check box says whether it plays, its Dialog box whether playing it
opens its dialog with the recorded settings (OK goes on, Cancel stops the action there,
the steps already played staying done). The buttons are Photoshop's: Stop, Record, Play,
New Set, New Action, Delete, Duplicate; the panel menu holds Insert Menu Item…, Insert Stop…,
Save Actions…, Load Actions… and Reset Actions. Insert Stop… adds a step that stops
playback showing its message (Stop; with Allow Continue also Continue, which goes on);
stopped there, the next step is selected, so Play goes on from it, as in Photoshop.
Insert Menu Item… adds a command without settings chosen by its name
(`replay.menu_commands`). Insert Path adds the path chosen in the Paths panel as a
"Set Work Path" step. Recording listens to `editor.model.replay`: every command done through
its registry, and every filter or adjustment kept (`filter_ops.keep`), becomes a step of
the action being recorded. Each played step is its own undo step, as in Photoshop.
The sets live in actions.json beside the settings (`Settings.actions_path`), saved after
each change; an action's function key plays it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout,
                               QHBoxLayout, QHeaderView, QLineEdit, QMessageBox,
                               QPlainTextEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from editor.model import action_sets, filter_ops, pixel_filters as pf, preset_file, replay
from editor.model.action_sets import Action, ActionSet, Step
from editor.model.errors import DocumentError

from . import dialogs
from .dialogs import ok_cancel
from .icons import icon
from .preset_panel import button_row, renamed

if TYPE_CHECKING:
    from .window_api import EditorWindow

FUNCTION_KEYS = [""] + [f"{mod}F{n}" for mod in ("", "Shift+") for n in range(2, 13)]
ROLE = Qt.ItemDataRole.UserRole


def _index(items: list, item) -> int:
    """Where `item` itself is (two actions may be equal and still be two)."""
    return next(i for i, x in enumerate(items) if x is item)


class NewActionDialog(QDialog):
    """New Action: its name, its set and an optional function key; Record starts it."""

    def __init__(self, parent: QWidget, name: str, sets: list[str], current: int):
        super().__init__(parent)
        self.setWindowTitle("New Action")
        self.setObjectName("NewActionDialog")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(name)
        self.name.setObjectName("ActionName")
        self.name.selectAll()
        form.addRow("Name:", self.name)
        self.set_box = QComboBox()
        self.set_box.setObjectName("ActionSet")
        self.set_box.addItems(sets)
        self.set_box.setCurrentIndex(current)
        form.addRow("Set:", self.set_box)
        self.key = QComboBox()
        self.key.setObjectName("ActionKey")
        for key in FUNCTION_KEYS:
            self.key.addItem(key or "None", key)
        form.addRow("Function Key:", self.key)
        layout.addLayout(form)
        self.buttons = ok_cancel(self)
        self.buttons.button(self.buttons.StandardButton.Ok).setText("Record")
        layout.addWidget(self.buttons)


class InsertStopDialog(QDialog):
    """Record Stop: the message shown when playback reaches it, and Allow Continue."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setWindowTitle("Record Stop")
        self.setObjectName("InsertStopDialog")
        layout = QVBoxLayout(self)
        self.message = QPlainTextEdit()
        self.message.setObjectName("StopMessage")
        self.message.setPlaceholderText("Message")
        self.allow = QCheckBox("Allow Continue")
        self.allow.setObjectName("StopAllowContinue")
        layout.addWidget(self.message)
        layout.addWidget(self.allow)
        layout.addWidget(ok_cancel(self))


class InsertMenuItemDialog(QDialog):
    """Insert Menu Item: a command without settings, chosen by its name."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setWindowTitle("Insert Menu Item")
        self.setObjectName("InsertMenuItemDialog")
        layout = QFormLayout(self)
        self.command = QComboBox()
        self.command.setObjectName("MenuItemCommand")
        for name, label in sorted(replay.menu_commands().items(), key=lambda kv: kv[1]):
            self.command.addItem(label, name)
        layout.addRow("Menu Item:", self.command)
        layout.addRow(ok_cancel(self))


class ActionsPanel(QWidget):
    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.main_window = window
        self.setObjectName("DockBody")
        self.path = window.settings.actions_path
        self.sets: list[ActionSet] = self._load_startup()
        self.recording: Optional[Action] = None
        self.insert_at = 0  # where the next recorded step goes in it
        self.playing = False
        self._keys: list[QAction] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.tree = QTreeWidget()
        self.tree.setObjectName("ActionsTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Dialog"])
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        layout.addWidget(self.tree, 1)
        layout.addLayout(self._button_row())
        self.rebuild()
        # A window closed while recording stops listening (its panel is gone).
        listener = self._recorded
        self.destroyed.connect(lambda *_: replay.unlisten(listener))

    # -- the sets and their file ------------------------------------------------------------
    def _load_startup(self) -> list[ActionSet]:
        """The saved sets, or the default set the first time. A damaged file is moved aside
        (actions.json.damaged) rather than overwritten by the next change, and the defaults
        are used."""
        return preset_file.load_or_default(self.path, action_sets.load, action_sets.default_sets,
                                           self.main_window.status)

    def changed(self, rebuild: bool = True) -> None:
        """After every change: saved, the tree and the function keys redone (not from a
        row's own signal: clearing the tree there would delete the row emitting it)."""
        preset_file.save_or_note(lambda: action_sets.save(self.path, self.sets), "actions",
                                 self.main_window.status)
        if rebuild:
            self.rebuild()

    # -- the tree ---------------------------------------------------------------------------
    def rebuild(self) -> None:
        key = self._key(self.tree.currentItem())
        open_ = {self._key(self.tree.topLevelItem(i)) for i in range(self.tree.topLevelItemCount())
                 if self.tree.topLevelItem(i).isExpanded()}
        open_ |= {self._key(item) for item in self._items() if item.isExpanded()}
        self.tree.blockSignals(True)
        self.tree.clear()
        current = None
        for si, aset in enumerate(self.sets):
            top = QTreeWidgetItem([aset.name])
            top.setIcon(0, icon("folder"))
            top.setData(0, ROLE, (si,))
            self.tree.addTopLevelItem(top)
            for ai, action in enumerate(aset.actions):
                text = action.name + (f"  ({action.key})" if action.key else "")
                if action is self.recording:
                    text += "  ● recording"
                item = QTreeWidgetItem([text])
                item.setData(0, ROLE, (si, ai))
                top.addChild(item)
                for sti, step in enumerate(action.steps):
                    row = QTreeWidgetItem([step.label])
                    row.setData(0, ROLE, (si, ai, sti))
                    row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    row.setCheckState(0, Qt.CheckState.Checked if step.enabled
                                      else Qt.CheckState.Unchecked)
                    if step.has_dialog():
                        row.setCheckState(1, Qt.CheckState.Checked if step.dialog
                                          else Qt.CheckState.Unchecked)
                        row.setToolTip(1, "Opens the step's dialog when it plays")
                    for line in step.details():
                        detail = QTreeWidgetItem([line])
                        detail.setData(0, ROLE, (si, ai, sti))
                        detail.setFlags(detail.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                        row.addChild(detail)
                    item.addChild(row)
                    if (si, ai, sti) in open_:
                        row.setExpanded(True)
                    if key == (si, ai, sti):
                        current = row
                if (si, ai) in open_ or action is self.recording:
                    item.setExpanded(True)
                if key == (si, ai):
                    current = item
            top.setExpanded((si,) in open_ or not open_)
            if key == (si,):
                current = top
        if current is not None:
            self.tree.setCurrentItem(current)
        self.tree.blockSignals(False)
        self._bind_keys()
        self._update_buttons()

    def _items(self):
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                action = top.child(j)
                yield action
                for k in range(action.childCount()):
                    yield action.child(k)

    @staticmethod
    def _key(item: Optional[QTreeWidgetItem]):
        return item.data(0, ROLE) if item is not None else None

    def item_for(self, *key) -> Optional[QTreeWidgetItem]:
        """The tree row of a set (i), an action (i, j) or a step (i, j, k)."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if self._key(top) == key:
                return top
        return next((item for item in self._items() if self._key(item) == key), None)

    def selected(self):
        """(set, action or None, step index or None) of the current row, or None."""
        key = self._key(self.tree.currentItem())
        if not key:
            return None
        aset = self.sets[key[0]]
        action = aset.actions[key[1]] if len(key) > 1 else None
        return aset, action, key[2] if len(key) > 2 else None

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        key = self._key(item)
        if key is None or len(key) != 3:
            return
        step = self.sets[key[0]].actions[key[1]].steps[key[2]]
        on = item.checkState(column) == Qt.CheckState.Checked
        if column == 0:
            step.enabled = on
        else:
            step.dialog = on
        self.changed(rebuild=False)  # (the row shows the change already)

    def _double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        key = self._key(item)
        if key is not None and len(key) == 2 and column == 0:
            QTimer.singleShot(0, self.rename)  # (after the row's signal: renaming redoes it)

    # -- the buttons and the panel menu ---------------------------------------------------
    def _button_row(self) -> QHBoxLayout:
        row = button_row(
            self, "Actions", "Actions",
            (("New Action…", self.new_action), ("New Set…", self.new_set),
             ("Duplicate", self.duplicate), ("Delete", self.delete),
             ("Play", self.play_selected), ("Start Recording", self.record),
             (None, None), ("Insert Menu Item…", self.insert_menu_item),
             ("Insert Stop…", self.insert_stop), ("Insert Path", self.insert_path),
             (None, None), ("Reset Actions", self.reset),
             ("Load Actions…", self.load_dialog),
             ("Save Actions…", self.save_dialog)),
            (("stop", "■", "Stop recording", self.stop),
             ("record", "●", "Begin recording", self.record),
             ("play", "▶", "Play selection (the action, or from the selected step)",
              self.play_selected),
             ("new_set", "folder", "Create new set", self.new_set),
             ("new_action", "layer-new", "Create new action", self.new_action),
             ("duplicate", "layer-duplicate", "Duplicate the action or step", self.duplicate),
             ("delete", "layer-delete", "Delete the selection", self.delete)))
        self.buttons["record"].setCheckable(True)
        return row

    def _update_buttons(self) -> None:
        self.buttons["record"].setChecked(self.recording is not None)
        self.buttons["stop"].setEnabled(self.recording is not None)

    def _bind_keys(self) -> None:
        """Each action's function key plays it (on the window: it works anywhere)."""
        w = self.main_window
        for qaction in self._keys:
            w.removeAction(qaction)
        self._keys = []
        for aset in self.sets:
            for action in aset.actions:
                if action.key:
                    qaction = QAction(action.name, w)
                    qaction.setShortcut(QKeySequence(action.key))
                    qaction.triggered.connect(lambda _=False, a=action: self.play(a))
                    w.addAction(qaction)
                    self._keys.append(qaction)

    # -- sets and actions -------------------------------------------------------------------
    def new_set(self) -> Optional[ActionSet]:
        """New Set…: its name asked (Cancel: none)."""
        names = [s.name for s in self.sets]
        n = len(self.sets) + 1
        while f"Set {n}" in names:
            n += 1
        name = dialogs.ask_text(self, "New Set", "Name:", f"Set {n}")
        if name is None:
            return None
        aset = ActionSet(name.strip() or f"Set {n}")
        self.sets.append(aset)
        self.changed()
        self.tree.setCurrentItem(self.item_for(len(self.sets) - 1))
        return aset

    def new_action(self) -> Optional[Action]:
        """New Action…: its dialog; Record makes the action and starts recording into it."""
        chosen = self.selected()
        if not self.sets:
            self.sets.append(ActionSet("Set 1"))
        current = _index(self.sets, chosen[0]) if chosen else 0
        count = sum(len(s.actions) for s in self.sets) + 1
        dialog = NewActionDialog(self, f"Action {count}", [s.name for s in self.sets], current)
        if not dialog.exec():
            return None
        aset = self.sets[dialog.set_box.currentIndex()]
        action = Action(dialog.name.text().strip() or f"Action {count}",
                        dialog.key.currentData() or "")
        aset.actions.append(action)
        self.changed()
        self.tree.setCurrentItem(self.item_for(_index(self.sets, aset), len(aset.actions) - 1))
        self.record()
        return action

    def rename(self) -> None:
        """A double-click on an action: its name."""
        chosen = self.selected()
        if chosen is None or chosen[1] is None:
            return
        if renamed(self, "Action Options", chosen[1]):
            self.changed()

    def duplicate(self) -> None:
        chosen = self.selected()
        if chosen is None or chosen[1] is None:
            return
        aset, action, step = chosen
        if step is not None:
            action.steps.insert(step + 1, Step(**vars(action.steps[step])))
        else:
            copy = action_sets.duplicate(action, [a.name for a in aset.actions])
            aset.actions.insert(_index(aset.actions, action) + 1, copy)
        self.changed()

    def delete(self) -> None:
        """Deletes the selected step, action or set (as Photoshop's Alt-click on the bin:
        without asking)."""
        chosen = self.selected()
        if chosen is None:
            return
        aset, action, step = chosen
        if action is None:
            if any(a is self.recording for a in aset.actions):
                self.stop()
            del self.sets[_index(self.sets, aset)]
        elif step is None:
            if action is self.recording:
                self.stop()
            del aset.actions[_index(aset.actions, action)]
        else:
            del action.steps[step]
        self.changed()

    def reset(self) -> None:
        """Reset Actions: the default set back (the others kept)."""
        self.sets = [s for s in self.sets if s.name != action_sets.DEFAULT_SET]
        self.sets[:0] = action_sets.default_sets()
        self.changed()

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save Actions", "actions.json",
                                              "Actions (*.json)")
        if path:
            self.save_to(path if path.lower().endswith(".json") else path + ".json")

    def save_to(self, path: str, only: Optional[ActionSet] = None) -> None:
        """Save Actions: the selected set (or all of them) as JSON."""
        if only is None:
            chosen = self.selected()
            only = chosen[0] if chosen else None
        try:
            action_sets.save(path, [only] if only is not None else self.sets)
        except (OSError, DocumentError) as exc:
            self.main_window.report(exc, "Could not save the actions")

    def load_dialog(self) -> None:
        paths = dialogs.ask_open_paths(self, "", "Load Actions", "Actions (*.json)")
        if paths:
            self.load_from(paths[0])

    def load_from(self, path: str) -> None:
        """Load Actions: the file's sets added after the others."""
        try:
            loaded = action_sets.load(path)
        except DocumentError as exc:
            self.main_window.report(exc, "Could not load the actions")
            return
        self.sets += loaded
        self.changed()

    # -- recording --------------------------------------------------------------------------
    def record(self) -> None:
        """Record: what the user does from now on is added to the selected action (after
        the selected step, as Photoshop inserts; else at its end)."""
        chosen = self.selected()
        if chosen is None or chosen[1] is None:
            self.main_window.status("Select an action to record into (or make one: New Action).")
            self._update_buttons()
            return
        self.recording = chosen[1]
        self.insert_at = len(chosen[1].steps) if chosen[2] is None else chosen[2] + 1
        replay.listen(self._recorded)
        self.main_window.status(f"Recording '{self.recording.name}': Stop ends it.")
        self.rebuild()

    def stop(self) -> None:
        replay.unlisten(self._recorded)
        if self.recording is not None:
            self.main_window.status(f"Stopped recording '{self.recording.name}'.")
        self.recording = None
        self.rebuild()

    def _recorded(self, doc, name: str, settings: dict) -> None:
        if self.recording is None or self.playing:
            return
        self.recording.steps.insert(self.insert_at, Step(name, settings))
        self.insert_at += 1
        self.changed()

    # -- inserted steps ---------------------------------------------------------------------
    def insert_stop(self) -> Optional[Step]:
        """Insert Stop…: its message and Allow Continue asked (Cancel: nothing added)."""
        if self._insertion() is None:
            return None
        dialog = InsertStopDialog(self)
        if not dialog.exec():
            return None
        return self._insert(Step("stop", {"message": dialog.message.toPlainText().strip(),
                                          "allow_continue": dialog.allow.isChecked()}))

    def insert_menu_item(self) -> Optional[Step]:
        """Insert Menu Item…: a command without settings, by its name."""
        if self._insertion() is None:
            return None
        dialog = InsertMenuItemDialog(self)
        if not dialog.exec() or not dialog.command.currentData():
            return None
        return self._insert(Step(dialog.command.currentData()))

    def insert_path(self) -> Optional[Step]:
        """Insert Path: the path chosen in the Paths panel of the document in front, as a
        step that makes it the Work Path when played (Photoshop's "Set Work Path")."""
        from editor.model import paths

        doc = self.main_window.doc
        vector = paths.target_vector(doc) if doc is not None else None
        if vector is None or not vector.subpaths:
            self.main_window.status("Choose a path in the Paths panel to insert "
                                    "(draw one with the Pen tool).")
            return None
        return self._insert(Step("set_work_path", {"subpaths": paths.path_settings(vector)}))

    def _insertion(self):
        """(action, index) where an inserted step goes: while recording, where the next
        recorded one would; else after the selected step, or at the end of the selected
        action. None (and a status line) when no action is selected."""
        if self.recording is not None:
            return self.recording, self.insert_at
        chosen = self.selected()
        if chosen is None or chosen[1] is None:
            self.main_window.status("Select an action (or one of its steps) to insert into.")
            return None
        action, at = chosen[1], chosen[2]
        return action, len(action.steps) if at is None else at + 1

    def _insert(self, step: Step) -> Optional[Step]:
        where = self._insertion()
        if where is None:
            return None
        action, index = where
        action.steps.insert(index, step)
        if action is self.recording:
            self.insert_at += 1
        self.changed()
        self._select_step(action, index)
        return step

    def _select_step(self, action: Action, index: int) -> None:
        for si, aset in enumerate(self.sets):
            for ai, a in enumerate(aset.actions):
                if a is action:
                    item = self.item_for(si, ai, index) if index < len(action.steps) \
                        else self.item_for(si, ai)
                    if item is not None:
                        self.tree.setCurrentItem(item)
                    return

    def _stop_asks_continue(self, step: Step) -> bool:
        """A Stop step's message box: True when the user chooses Continue (offered only
        with Allow Continue)."""
        box = QMessageBox(self)
        box.setObjectName("ActionStopMessage")
        box.setWindowTitle("Actions")
        box.setIcon(QMessageBox.Icon.Information)
        box.setText(step.settings.get("message") or "Stop.")
        cont = None
        if step.settings.get("allow_continue"):
            cont = box.addButton("Continue", QMessageBox.ButtonRole.AcceptRole)
            cont.setObjectName("ActionStopContinue")
        stop = box.addButton("Stop", QMessageBox.ButtonRole.RejectRole)
        stop.setObjectName("ActionStopStop")
        box.setDefaultButton(stop)
        box.setEscapeButton(stop)
        box.exec()
        return cont is not None and box.clickedButton() is cont

    # -- playing ----------------------------------------------------------------------------
    def play_selected(self) -> bool:
        """Play: the selected action, or its steps from the selected one on, or a selected
        set's actions one after another (as Photoshop plays a set)."""
        chosen = self.selected()
        if chosen is None:
            self.main_window.status("Select an action (or one of its steps) to play.")
            return False
        if chosen[1] is None:
            return all(self.play(action) for action in list(chosen[0].actions))
        return self.play(chosen[1], chosen[2] or 0)

    def play(self, action: Action, start: int = 0) -> bool:
        """Plays `action`'s checked steps from `start` on the document in front, each its
        own undo step. A step that cannot apply stops the action with one line; Cancel in a
        step's dialog stops it silently. The steps already played stay done."""
        w = self.main_window
        doc = w.doc
        if doc is None:
            w.status("Open a document to play an action.")
            return False
        if self.playing:
            return False
        if w.jobs.busy:  # (a filter still running as a job would land between the steps)
            w.status("Wait for the running job to finish (or Esc cancels it), then play.")
            return False
        if action is self.recording:
            self.stop()
        w.tools.end_mode(commit=True)
        self.playing = True
        try:
            for i in range(start, len(action.steps)):
                step = action.steps[i]
                if not step.enabled:
                    continue
                if step.command == "stop":
                    if not self._stop_asks_continue(step):
                        # (Play goes on from the next step, as Photoshop's)
                        self._select_step(action, i + 1)
                        w.status(f"Action '{action.name}' stopped"
                                 + (f": {step.settings['message']}"
                                    if step.settings.get("message") else "."))
                        return False
                    continue
                try:
                    if step.dialog and step.has_dialog():
                        if not self._play_in_dialog(doc, step):
                            w.status(f"Action '{action.name}' stopped: {step.label} cancelled.")
                            return False
                    else:
                        replay.play(doc, step.command, step.settings)
                except Exception as exc:
                    w.report(exc, f"Action '{action.name}' stopped at step {i + 1} "
                                  f"({step.label})")
                    return False
        finally:
            self.playing = False
        w.status(f"Played '{action.name}'.")
        return True

    def _play_in_dialog(self, doc, step: Step) -> bool:
        """The step's dialog with its recorded settings; False when the user cancels."""
        from .filter_commands import DIALOGS
        from .filter_dialog import FILTER_ROWS, AdjustDialog, FilterDialog
        from .image_commands import CanvasSizeDialog, ImageSizeDialog

        w = self.main_window
        if step.command == "filter":
            op = replay.operation(step.settings)
            if isinstance(op, pf.Adjust):
                target = filter_ops.prepare(doc, doc.active, "adjust")
                dialog = AdjustDialog(w, target, op.settings)
            elif type(op) in FILTER_ROWS or type(op) in DIALOGS:  # (DIALOGS: the gallery's)
                target = filter_ops.prepare(doc, doc.active, "filter",
                                            getattr(op, "paints", False))
                dialog = DIALOGS.get(type(op), FilterDialog)(w, target, op)
            else:  # (a filter without settings: nothing to show)
                replay.play(doc, step.command, step.settings)
                return True
            with replay.quiet():
                return bool(dialog.exec())
        if step.command in ("image_size", "canvas_size"):
            s = step.settings
            if step.command == "image_size":
                dialog = ImageSizeDialog(w, doc.size, s.get("method", "automatic"),
                                         s.get("noise", 0), resolution=doc.resolution)
                if s.get("resolution") is not None:  # (before the pixels: they are set last)
                    dialog.resample_on.setChecked(False)
                    dialog.resolution.setValue(float(s["resolution"]))
                    dialog.resample_on.setChecked(True)
                dialog.keep.setChecked(False)
            else:
                from editor.model.image_ops import ANCHORS

                dialog = CanvasSizeDialog(w, doc.size)
                anchor = tuple(s.get("anchor", (0.5, 0.5)))
                if anchor in ANCHORS:
                    dialog.anchor.button(ANCHORS.index(anchor)).setChecked(True)
            dialog.width_box.setValue(int(s["width"]))
            dialog.height_box.setValue(int(s["height"]))
            if not dialog.exec():
                return False
            if step.command == "image_size":
                settings = dialog.settings()
            else:
                settings = dict(zip(("width", "height", "anchor"), dialog.chosen()))
            replay.play(doc, step.command, settings)
            return True
        replay.play(doc, step.command, step.settings)
        return True
