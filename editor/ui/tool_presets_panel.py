"""Tool presets on the Qt side (Photoshop's Tool Preset picker and Tool Presets panel); the
presets themselves are `editor.model.tool_presets`', a tool's options `Tool.preset_state`.

- `ToolPresets`: the window's presets and what the user does with them (New Tool Preset…,
  choose, rename, delete, Reset Tool, Reset All Tools); saved to tool_presets.json after
  every change; `changed` tells the lists.
- `PresetList`: the list of presets with Photoshop's "Current Tool Only" check box: a click
  chooses one (its tool taken, its options applied), a double-click renames it.
- `ToolPresetsPanel`: the panel (Window > Tool Presets): the list, then the panel
  menu and the New / Delete buttons.
- `PresetPicker`: the button at the left end of the options bar (the current tool's icon);
  its pop-up holds a list and the picker's menu.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QLineEdit,
                               QListWidget, QListWidgetItem, QMenu, QMessageBox, QToolButton,
                               QVBoxLayout, QWidget, QWidgetAction)

from editor.model import preset_file, tool_presets
from editor.model.tool_presets import ToolPreset

from . import dialogs
from .icons import icon
from .preset_panel import button_row

if TYPE_CHECKING:
    from .window_api import EditorWindow


class NewToolPresetDialog(QDialog):
    """New Tool Preset: its name and, for a tool that paints the foreground colour,
    Include Color."""

    def __init__(self, parent: QWidget, name: str, uses_color: bool):
        super().__init__(parent)
        self.setObjectName("NewToolPresetDialog")
        self.setWindowTitle("New Tool Preset")
        form = QFormLayout(self)
        self.name = QLineEdit(name)
        self.name.setObjectName("ToolPresetName")
        self.name.setMinimumWidth(260)
        self.name.selectAll()
        form.addRow("Name:", self.name)
        self.include_color = QCheckBox("Include Color")
        self.include_color.setObjectName("ToolPresetIncludeColor")
        self.include_color.setVisible(uses_color)
        form.addRow(self.include_color)
        form.addRow(dialogs.ok_cancel(self))


def ask_reset_all(parent: QWidget) -> bool:
    """Reset All Tools' question (Photoshop asks it too)."""
    answer = QMessageBox.question(parent, "Reset All Tools",
                                  "Reset all tools to their default settings?")
    return answer == QMessageBox.StandardButton.Yes


class ToolPresets(QObject):
    """The window's tool presets: loaded from tool_presets.json when first wanted."""

    changed = Signal()

    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.window = window
        self.path = window.settings.tool_presets_path
        self._presets: Optional[list[ToolPreset]] = None
        self.current_only = window.settings.value("tool_presets/current_only", True, bool)

    @property
    def presets(self) -> list[ToolPreset]:
        if self._presets is None:
            self._presets = preset_file.load_or_default(self.path, tool_presets.load, list,
                                                        self.window.status)
        return self._presets

    def shown(self) -> list[ToolPreset]:
        """The presets the lists show: the current tool's only, or all of them."""
        tool = self.window.tools.selected.id if self.current_only else None
        return tool_presets.for_tool(self.presets, tool)

    def set_current_only(self, on: bool) -> None:
        self.current_only = bool(on)
        self.window.settings.set_value("tool_presets/current_only", self.current_only)
        self.changed.emit()

    def _save(self) -> None:
        preset_file.save_or_note(lambda: tool_presets.save(self.path, self.presets),
                                 "tool presets", self.window.status)
        self.changed.emit()

    # -- what the user does -----------------------------------------------------------------
    def add(self, name: str, include_color: bool = False) -> ToolPreset:
        """A new preset of the current tool's options (and the foreground colour)."""
        tool = self.window.tools.selected
        color = self.window.foreground.name() if include_color and tool.uses_color else None
        preset = ToolPreset(tool_presets.unique_name(self.presets, name), tool.id,
                            tool.preset_state(), color)
        self.presets.append(preset)
        self._save()
        return preset

    def new_preset(self) -> Optional[ToolPreset]:
        """New Tool Preset…: the name asked (the tool's, numbered), then `add`."""
        tool = self.window.tools.selected
        name = tool_presets.unique_name(self.presets, f"{tool.label} 1")
        dialog = NewToolPresetDialog(self.window, name, tool.uses_color)
        if not dialog.exec() or not dialog.name.text().strip():
            return None
        return self.add(dialog.name.text().strip(), dialog.include_color.isChecked())

    def choose(self, preset: ToolPreset) -> None:
        """The preset's tool taken, its options (and colour) made the tool's."""
        manager = self.window.tools
        if preset.tool not in manager.tools:
            self.window.status(f"The tool of “{preset.name}” is not in this version.")
            return
        manager.select(preset.tool)
        manager.apply_preset_state(manager.tools[preset.tool], preset.options)
        if preset.color:
            self.window.set_foreground(QColor(preset.color))

    def rename(self, preset: ToolPreset) -> None:
        name = dialogs.ask_text(self.window, "Rename Tool Preset", "Name:", preset.name)
        if name is not None and name.strip():
            preset.name = name.strip()
            self._save()

    def delete(self, preset: ToolPreset) -> None:
        self.presets.remove(preset)
        self._save()

    def reset_tool(self) -> None:
        """Reset Tool: the current tool's options back to the defaults."""
        manager = self.window.tools
        manager.apply_preset_state(manager.selected, {})

    def reset_all_tools(self) -> None:
        if not ask_reset_all(self.window):
            return
        manager = self.window.tools
        for tool in manager.tools.values():
            manager.apply_preset_state(tool, {})


class PresetList(QWidget):
    """The presets (`owner.shown()`), and the Current Tool Only check box under them."""

    def __init__(self, owner: ToolPresets, name: str):
        super().__init__()
        self.owner = owner
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.list = QListWidget()
        self.list.setObjectName(f"{name}List")
        self.list.setIconSize(QSize(18, 18))
        self.list.itemClicked.connect(lambda item: self._act(item, owner.choose))
        self.list.itemDoubleClicked.connect(lambda item: self._act(item, owner.rename))
        layout.addWidget(self.list, 1)
        self.current_only = QCheckBox("Current Tool Only")
        self.current_only.setObjectName(f"{name}CurrentOnly")
        self.current_only.setChecked(owner.current_only)
        self.current_only.toggled.connect(owner.set_current_only)
        layout.addWidget(self.current_only)
        self._shown: Optional[list] = None  # (preset, name) as listed
        owner.changed.connect(self.refill)
        owner.window.tools.changed.connect(lambda _tool: self.refill())
        self.refill()

    def _act(self, item: QListWidgetItem, do) -> None:
        preset = item.data(Qt.ItemDataRole.UserRole)
        if preset is not None:
            do(preset)

    def selected(self) -> Optional[ToolPreset]:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def refill(self) -> None:
        shown = [(p, p.name) for p in self.owner.shown()]
        if shown == self._shown:  # (a click's item must outlive it: a double-click follows)
            self._check_current_only()
            return
        self._shown = shown
        chosen = self.selected()
        self.list.clear()
        tools = self.owner.window.tools.tools
        for preset, _name in shown:
            tool = tools.get(preset.tool)
            item = QListWidgetItem(preset.name)
            if tool is not None:
                item.setIcon(icon(tool.icon))
                item.setToolTip(tool.label)
            item.setData(Qt.ItemDataRole.UserRole, preset)
            self.list.addItem(item)
            if preset is chosen:
                self.list.setCurrentItem(item)
        self._check_current_only()

    def _check_current_only(self) -> None:
        if self.current_only.isChecked() != self.owner.current_only:
            self.current_only.setChecked(self.owner.current_only)


def _menu_items(owner: ToolPresets, chosen):
    """The picker's and the panel's menu: (text, slot); `chosen()` the selected preset."""
    def on_chosen(do):
        return lambda: (chosen() is not None) and do(chosen())

    return (("New Tool Preset…", owner.new_preset),
            ("Rename Tool Preset…", on_chosen(owner.rename)),
            ("Delete Tool Preset", on_chosen(owner.delete)), (None, None),
            ("Reset Tool", owner.reset_tool), ("Reset All Tools", owner.reset_all_tools))


class ToolPresetsPanel(QWidget):
    """Window > Tool Presets."""

    def __init__(self, window: "EditorWindow"):
        super().__init__()
        self.setObjectName("ToolPresetsPanel")
        owner = window.tool_presets
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.presets = PresetList(owner, "ToolPresets")
        layout.addWidget(self.presets, 1)
        chosen = self.presets.selected
        layout.addLayout(button_row(
            self, "ToolPresets", "Tool Presets", _menu_items(owner, chosen),
            (("new", "layer-new", "Create new tool preset", owner.new_preset),
             ("delete", "layer-delete", "Delete the selected tool preset",
              lambda: chosen() is not None and owner.delete(chosen())))))


class PresetPicker(QToolButton):
    """The Tool Preset picker: the current tool's icon at the left end of the options bar;
    a click opens the presets (and the picker's menu) under it."""

    def __init__(self, window: "EditorWindow"):
        super().__init__()
        self.setObjectName("ToolPresetPicker")
        self.setAutoRaise(True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        owner = window.tool_presets
        self.popup = QMenu(self)
        self.popup.setObjectName("ToolPresetPopup")
        self.presets = PresetList(owner, "ToolPresetPicker")
        self.presets.setMinimumSize(260, 220)
        # (a choice closes the pop-up, as Photoshop's does)
        self.presets.list.itemClicked.connect(lambda _item: self.popup.close())
        holder = QWidgetAction(self.popup)
        holder.setDefaultWidget(self.presets)
        self.popup.addAction(holder)
        self.popup.addSeparator()
        for text, slot in _menu_items(owner, self.presets.selected):
            if text is None:
                self.popup.addSeparator()
            else:
                self.popup.addAction(text, slot)
        self.setMenu(self.popup)
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")

    def show_tool(self, tool) -> None:
        self.setIcon(icon(tool.icon))
        self.setToolTip(f"{tool.label}: Tool Preset picker")
