"""Select > Save Selection… and Load Selection… (Photoshop's dialogs), and the Channels
panel's commands as actions in Select > Channels (its buttons and menu use them): New
Channel, Duplicate Channel, Delete Channel, Save Selection as Channel (a new channel at
once) and Load Channel as Selection (the chosen one; also Ctrl+click on a channel's
thumbnail). Ctrl+2 chooses the composite and, in Lab Color, Ctrl+3, 4 and 5 Lightness, a
and b alone (Photoshop's keys since CS4; RGB's channels are not targeted here).

The operations are `editor.model.channels`' (no Qt); each is one undo step. Which alpha
channel the panel has chosen is `Document.channel_target` (a channel's uid).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QFormLayout, QGroupBox, QLineEdit, QRadioButton, QVBoxLayout)

from editor.model import channels
from editor.model.color_modes import LAB_CHANNELS

from . import dialogs
from .actions import ActionSpec, Context, Spec, SubmenuSpec, has_doc, run_on_doc

if TYPE_CHECKING:
    from .window_api import EditorWindow

# The dialogs' Operation boxes: (op, label) in Photoshop's order.
SAVE_OPERATIONS = (("new", "&New Channel"), ("replace", "&Replace Channel"),
                   ("add", "&Add to Channel"), ("subtract", "&Subtract from Channel"),
                   ("intersect", "&Intersect with Channel"))
LOAD_OPERATIONS = (("replace", "&New Selection"), ("add", "&Add to Selection"),
                   ("subtract", "&Subtract from Selection"),
                   ("intersect", "&Intersect with Selection"))


def _operations(title: str, choices, parent_layout) -> tuple[QButtonGroup, dict]:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    group = QButtonGroup(box)
    buttons = {}
    for op, label in choices:
        button = QRadioButton(label)
        button.setObjectName(f"Operation_{op}")
        group.addButton(button)
        layout.addWidget(button)
        buttons[op] = button
    parent_layout.addWidget(box)
    return group, buttons


def _ok_cancel(dialog: QDialog, layout) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)


class SaveSelectionDialog(QDialog):
    """Save Selection: the channel (New, or one of the document's), a name for a new one,
    and the operation (a new channel, or replace / add to / subtract from / intersect
    with the chosen one)."""

    def __init__(self, parent, doc):
        super().__init__(parent)
        self.setWindowTitle("Save Selection")
        self.setObjectName("SaveSelectionDialog")
        self.setMinimumWidth(320)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.channel = QComboBox()
        self.channel.setObjectName("SaveChannel")
        self.channel.addItem("New", None)
        for c in doc.channels:
            self.channel.addItem(c.name, c.uid)
        form.addRow("Channel:", self.channel)
        self.name = QLineEdit(channels.next_channel_name(doc))
        self.name.setObjectName("SaveName")
        form.addRow("Name:", self.name)
        layout.addLayout(form)
        self.group, self.ops = _operations("Operation", SAVE_OPERATIONS, layout)
        _ok_cancel(self, layout)
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self._channel_changed()

    def _channel_changed(self) -> None:
        new = self.channel.currentData() is None
        self.name.setEnabled(new)
        self.ops["new"].setEnabled(new)
        for op in ("replace", "add", "subtract", "intersect"):
            self.ops[op].setEnabled(not new)
        self.ops["new" if new else "replace"].setChecked(True)

    def choice(self) -> tuple[Optional[int], str, str]:
        """(the channel's uid or None for a new one, the operation, the new one's name)."""
        op = next(op for op, b in self.ops.items() if b.isChecked())
        return self.channel.currentData(), op, self.name.text()


class LoadSelectionDialog(QDialog):
    """Load Selection: the channel, Invert, and the operation (a new selection, or add to /
    subtract from / intersect with the selection: those only when there is one)."""

    def __init__(self, parent, doc, has_selection: bool, chosen=None):
        super().__init__(parent)
        self.setWindowTitle("Load Selection")
        self.setObjectName("LoadSelectionDialog")
        self.setMinimumWidth(320)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.channel = QComboBox()
        self.channel.setObjectName("LoadChannel")
        for c in doc.channels:
            self.channel.addItem(c.name, c.uid)
        if chosen is not None and self.channel.findData(chosen) >= 0:
            self.channel.setCurrentIndex(self.channel.findData(chosen))
        form.addRow("Channel:", self.channel)
        layout.addLayout(form)
        self.invert = QCheckBox("In&vert")
        self.invert.setObjectName("LoadInvert")
        layout.addWidget(self.invert)
        self.group, self.ops = _operations("Operation", LOAD_OPERATIONS, layout)
        for op in ("add", "subtract", "intersect"):
            self.ops[op].setEnabled(has_selection)
        self.ops["replace"].setChecked(True)
        _ok_cancel(self, layout)

    def choice(self) -> tuple[int, str, bool]:
        """(the channel's uid, the operation, whether inverted)."""
        op = next(op for op, b in self.ops.items() if b.isChecked())
        return self.channel.currentData(), op, self.invert.isChecked()


def has_channels(c: Context) -> bool:
    return c.doc is not None and bool(c.doc.channels)


def is_lab(c: Context) -> bool:
    return c.doc is not None and c.doc.color_mode == "lab"


def has_chosen(c: Context) -> bool:
    return c.doc is not None and channels.find(c.doc, c.doc.channel_target) is not None


class ChannelCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[Spec]:
        """Select > Load Selection… / Save Selection… (after Quick Mask, as in Photoshop) and
        the Channels panel's actions (its menu and buttons; also Select > Channels, every
        action being in a menu)."""
        def in_channels(name, text, slot, enabled, icon, tip):
            return ActionSpec(name, text, slot, icon=icon, tip=tip, enabled=enabled,
                              menu="channels")

        return [
            ActionSpec("load_selection", "&Load Selection…", self.load_selection,
                       enabled=has_channels, menu="select", after="clear_mask",
                       separator=True, tip="Load an alpha channel as the selection"),
            ActionSpec("save_selection", "Sa&ve Selection…", self.save_selection,
                       enabled=lambda c: c.has_selection, menu="select",
                       after="load_selection", tip="Keep the selection in an alpha channel"),
            SubmenuSpec("channels", "C&hannels", menu="select", after="save_selection"),
            in_channels("channel_new", "&New Channel", self.new_channel,
                        lambda c: c.doc is not None, "layer-new",
                        "New alpha channel (empty: nothing selected)"),
            in_channels("channel_duplicate", "D&uplicate Channel", self.duplicate_channel,
                        has_chosen, "layer-duplicate", "Duplicate the chosen alpha channel"),
            in_channels("channel_delete", "&Delete Channel", self.delete_channel, has_chosen,
                        "layer-delete", "Delete the chosen alpha channel"),
            in_channels("channel_from_selection", "Save Selection as &Channel",
                        self.selection_to_channel, lambda c: c.has_selection, "layer-mask",
                        "Save the selection as a new alpha channel"),
            in_channels("channel_to_selection", "&Load Channel as Selection",
                        lambda: self.load_channel(), has_chosen, "path-to-selection",
                        "Load the chosen channel as the selection (Ctrl+click on a "
                        "channel's thumbnail)"),
            ActionSpec("channel_composite", "C&omposite Channel",
                       lambda: self.target_channel(None), "Ctrl+2", enabled=has_doc,
                       menu="channels", separator=True,
                       tip="Target and show every colour channel (Lab: Lab)"),
        ] + [ActionSpec(f"channel_lab_{k}", f"{name} Channel",
                        self._targets(name), f"Ctrl+{3 + k}",
                        enabled=is_lab, menu="channels",
                        tip=f"Target and show {name} alone (Lab Color)")
             for k, name in enumerate(LAB_CHANNELS)]

    def _targets(self, name: str):
        return lambda *_: self.target_channel(name)  # (not a default argument: `triggered`
        #                                               passes its checked state)

    def target_channel(self, name: Optional[str]) -> None:
        """Targets and shows the composite (None) or one Lab channel alone (the Channels
        panel's click on its row)."""
        doc = self.window.doc
        if doc is not None and (name is None or doc.color_mode == "lab"):
            doc.set_channel_target(name)

    def _op(self, what: str, fn):
        return run_on_doc(self.window, f"Could not {what}", fn)

    # -- the Select menu's dialogs -----------------------------------------------------------
    def save_selection(self) -> None:
        doc = self.window.doc
        if doc is None:
            return
        dialog = SaveSelectionDialog(self.window, doc)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        uid, op, name = dialog.choice()
        saved = self._op("save the selection",
                         lambda d: channels.save_selection(d, uid, op, name))
        if saved is not None:
            doc.set_channel_target(saved.uid)

    def load_selection(self) -> None:
        doc = self.window.doc
        if doc is None or not doc.channels:
            return
        has_selection = doc.selection is not None or doc.selection_mask is not None
        dialog = LoadSelectionDialog(self.window, doc, has_selection, doc.channel_target)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        uid, op, invert = dialog.choice()
        self._op("load the selection", lambda d: channels.load_selection(d, uid, op, invert))

    # -- the panel's -----------------------------------------------------------------------
    def load_channel(self, key=None, op: str = "replace") -> None:
        """The channel `key` (an alpha channel's uid, or a colour channel's name; None: the
        chosen alpha channel) as the selection, combined by `op`."""
        doc = self.window.doc
        if doc is None:
            return
        key = doc.channel_target if key is None else key
        if channels.is_colour(key):
            self._op("load the channel", lambda d: channels.load_colour_selection(d, key, op))
        else:
            self._op("load the channel", lambda d: channels.load_selection(d, key, op))

    def selection_to_channel(self) -> None:
        saved = self._op("save the selection", channels.save_selection)
        if saved is not None:
            self.window.doc.set_channel_target(saved.uid)

    def new_channel(self) -> None:
        made = self._op("make a new channel", channels.new_channel)
        if made is not None:
            self.window.doc.set_channel_target(made.uid)

    def duplicate_channel(self) -> None:
        doc = self.window.doc
        uid = doc.channel_target if doc is not None else None
        made = self._op("duplicate the channel", lambda d: channels.duplicate_channel(d, uid))
        if made is not None:
            doc.set_channel_target(made.uid)

    def delete_channel(self) -> None:
        doc = self.window.doc
        uid = doc.channel_target if doc is not None else None
        self._op("delete the channel", lambda d: channels.delete_channel(d, uid))

    def rename_channel(self, uid) -> None:
        doc = self.window.doc
        channel = channels.find(doc, uid) if doc is not None else None
        if channel is None:
            return
        name = dialogs.ask_text(self.window, "Channel Options", "Name:", channel.name)
        if name is not None:
            self._op("rename the channel", lambda d: channels.rename_channel(d, uid, name))
