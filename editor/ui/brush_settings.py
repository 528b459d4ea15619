"""Photoshop's Brush Settings panel (F5, or the Brush Settings… button of the Brush, Pencil,
Eraser and History Brush options bar) and the brush presets list.

A tool window beside the canvas: on the left the presets (`brush_tip.BrushPreset`s: click
one to take its size, hardness and tip; New, Rename, Delete), on the right the current
tool's Brush Tip Shape (Size, Angle, Roundness, Hardness, Spacing), Shape Dynamics (Size,
Angle, Roundness Jitter), Scattering (Scatter, Both Axes, Count) and Transfer (Opacity,
Flow Jitter). Changes apply to the tool at once, as the panel's do. The presets' menu (☰)
has Import Brushes… (Photoshop's .abr, `editor.model.abr`). The presets live in
brushes.json beside the settings (`Settings.brushes_path`), written after every change; Edit >
Define Brush Preset… adds one from the selection (`define_brush_preset`).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QHBoxLayout, QLabel,
                               QListWidget, QListWidgetItem, QPushButton, QSpinBox,
                               QVBoxLayout)

from editor.model import brush_tip, preset_file
from editor.model.brush_tip import BrushPreset, BrushTip
from editor.model.errors import DocumentError

from . import dialogs
from .preset_panel import popup_menu_button
from .qimage import rgba_to_qimage


class BrushPresets:
    """The presets list and its file: the defaults the first time; a damaged file is
    moved aside (brushes.json.damaged) and the defaults used."""

    def __init__(self, window):
        self.window = window
        self.path = window.settings.brushes_path
        self.presets: list[BrushPreset] = self._read()

    def _read(self) -> list[BrushPreset]:
        return preset_file.load_or_default(self.path, brush_tip.load,
                                           brush_tip.default_presets, self.window.status)

    def changed(self) -> None:
        preset_file.save_or_note(lambda: brush_tip.save(self.path, self.presets),
                                 "brush presets", self.window.status)

    def reload(self) -> None:
        """Reads the file again (the Preset Manager changed it); an open Brush Settings
        window lists the presets anew."""
        self.presets = self._read()
        panel = getattr(self.window, "brush_settings", None)
        if panel is not None:
            panel.refill()

    def find(self, name: str) -> Optional[BrushPreset]:
        return next((p for p in self.presets if p.name == name), None)

    def add(self, preset: BrushPreset) -> None:
        self.presets.append(preset)
        self.changed()

    def unique(self, base: str) -> str:
        """`base`, or 'base 2', 'base 3'… the first name no preset has."""
        names, n, name = {p.name for p in self.presets}, 1, base
        while name in names:
            n += 1
            name = f"{base} {n}"
        return name


def presets_of(window) -> BrushPresets:
    """The window's presets, read from brushes.json the first time they are needed."""
    presets = getattr(window, "_brush_presets", None)
    if presets is None:
        presets = window._brush_presets = BrushPresets(window)
    return presets


def tip_icon(preset: BrushPreset, side: int = 32) -> QIcon:
    """A preset's dab drawn black on white, as the presets list shows it."""
    from editor.model.dabs import dab_mask

    tip = preset.tip
    mask, box = dab_mask(side / 2, side / 2, side - 4, preset.hardness, False, tip.angle,
                         tip.roundness, tip.sample)
    grey = np.full((side, side), 255, np.float32)
    x0, y0 = max(0, box.x), max(0, box.y)
    x1, y1 = min(side, box.x + box.w), min(side, box.y + box.h)
    grey[y0:y1, x0:x1] -= 255 * mask[y0 - box.y:y1 - box.y, x0 - box.x:x1 - box.x]
    g = np.clip(grey, 0, 255).astype(np.uint8)
    rgba = np.dstack([g, g, g, np.full_like(g, 255)])
    return QIcon(QPixmap.fromImage(rgba_to_qimage(rgba)))


def define_brush_preset(window) -> Optional[BrushPreset]:
    """Edit > Define Brush Preset…: what the canvas shows in the selection (all of it without
    one) as a sampled tip (grey, dark = paint), named as the user says; the new preset
    becomes the Brush tool's brush. Nothing changes in the document (no undo step)."""
    from editor.model.edit_ops import copy_merged

    doc = window.doc
    if doc is None:
        return None
    window.tools.end_mode(commit=True)
    try:
        pixels, _, _ = copy_merged(doc)
        sample = brush_tip.sample_of_pixels(pixels)
    except DocumentError as exc:
        window.status(str(exc))
        return None
    presets = presets_of(window)
    name = dialogs.ask_text(window, "Brush Name", "Name:", presets.unique("Sampled Brush"))
    if name is None:
        return None
    name = presets.unique(name.strip() or "Sampled Brush")
    preset = BrushPreset(name, int(min(1000, max(sample.shape))), 1.0, BrushTip(sample=sample))
    presets.add(preset)
    tool = window.tools.tools.get("brush")
    if tool is not None:
        tool.apply_preset(preset)
    panel = getattr(window, "brush_settings", None)
    if panel is not None:
        panel.refill()
    window.status(f"Defined the brush '{name}' ({sample.shape[1]} × {sample.shape[0]} px).")
    return preset


def show_brush_settings(window, tool=None) -> "BrushSettings":
    """Opens (or brings up) the Brush Settings window for `tool` (the current tool, if it
    takes a tip; else the Brush)."""
    from .tools.brush import TIP_TOOLS

    if tool is None:
        current = window.tools.current
        tool = current if getattr(current, "id", "") in TIP_TOOLS else window.tools.tools["brush"]
    panel = getattr(window, "brush_settings", None)
    if panel is None:
        panel = window.brush_settings = BrushSettings(window)
    panel.set_tool(tool)
    panel.show()
    panel.raise_()
    return panel


# (key, label, lo, hi, suffix, from the tip, to the tip)
_FIELDS = (
    ("angle", "Angle", -180, 180, "°", lambda t: round(((t.angle + 180) % 360) - 180),
     lambda t, v: replace(t, angle=float(v))),
    ("roundness", "Roundness", 1, 100, " %", lambda t: round(t.roundness * 100),
     lambda t, v: replace(t, roundness=v / 100)),
    ("spacing", "Spacing", 1, 1000, " %", lambda t: round(t.spacing * 100),
     lambda t, v: replace(t, spacing=v / 100)),
    ("size_jitter", "Size Jitter", 0, 100, " %", lambda t: round(t.size_jitter * 100),
     lambda t, v: replace(t, size_jitter=v / 100)),
    ("angle_jitter", "Angle Jitter", 0, 100, " %", lambda t: round(t.angle_jitter * 100),
     lambda t, v: replace(t, angle_jitter=v / 100)),
    ("roundness_jitter", "Roundness Jitter", 0, 100, " %",
     lambda t: round(t.roundness_jitter * 100), lambda t, v: replace(t, roundness_jitter=v / 100)),
    ("scatter", "Scatter", 0, 1000, " %", lambda t: round(t.scatter * 100),
     lambda t, v: replace(t, scatter=v / 100)),
    ("count", "Count", 1, brush_tip.MAX_COUNT, "", lambda t: t.count,
     lambda t, v: replace(t, count=int(v))),
    ("opacity_jitter", "Opacity Jitter", 0, 100, " %", lambda t: round(t.opacity_jitter * 100),
     lambda t, v: replace(t, opacity_jitter=v / 100)),
    ("flow_jitter", "Flow Jitter", 0, 100, " %", lambda t: round(t.flow_jitter * 100),
     lambda t, v: replace(t, flow_jitter=v / 100)),
)
_SECTIONS = {"angle": "Brush Tip Shape", "size_jitter": "Shape Dynamics",
             "scatter": "Scattering", "opacity_jitter": "Transfer"}


class BrushSettings(QDialog):
    """The Brush Settings window (see the module's docstring)."""

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("brush_settings_panel")
        self.setWindowTitle("Brush Settings")
        self.setModal(False)
        self.window_ = window
        self.tool = None
        self._syncing = False
        self.presets = presets_of(window)

        row = QHBoxLayout(self)
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.setObjectName("brush_presets")
        self.list.setMinimumWidth(180)
        self.list.itemClicked.connect(self._picked)
        left.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        for name, text, fn in (("brush_preset_new", "New…", self.new_preset),
                               ("brush_preset_rename", "Rename…", self.rename_preset),
                               ("brush_preset_delete", "Delete", self.delete_preset)):
            b = QPushButton(text)
            b.setObjectName(name)
            b.clicked.connect(fn)
            buttons.addWidget(b)
        # The presets' menu (Photoshop's Brushes panel menu): Import Brushes… reads an .abr.
        menu_button, menu = popup_menu_button("brush_presets_menu",
                                              "Brush presets menu: Import Brushes…")
        self.import_action = menu.addAction("Import Brushes…", self.import_brushes)
        self.import_action.setObjectName("brush_presets_import")
        buttons.addWidget(menu_button)
        left.addLayout(buttons)
        row.addLayout(left, 1)

        form = QFormLayout()
        self.spins: dict[str, QSpinBox] = {}
        self.tip_label = QLabel()
        form.addRow(self._title("Brush Tip Shape"))
        form.addRow("Tip", self.tip_label)
        self.spins["size"] = self._spin(form, "size", "Size", 1, 1000, " px")
        for key, label, lo, hi, suffix, _, _ in _FIELDS:
            if key in _SECTIONS and key != "angle":
                form.addRow(self._title(_SECTIONS[key]))
            self.spins[key] = self._spin(form, key, label, lo, hi, suffix)
            if key == "roundness":
                self.spins["hardness"] = self._spin(form, "hardness", "Hardness", 0, 100, " %")
            if key == "scatter":
                self.both = QCheckBox("Both Axes")
                self.both.setObjectName("brush_both_axes")
                self.both.toggled.connect(self._changed)
                form.addRow("", self.both)
        row.addLayout(form, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        form.addRow("", close)
        self.refill()
        window.tools.changed.connect(self._tool_changed)

    def _tool_changed(self, tool) -> None:
        """The panel follows the tool chosen, when that one takes a tip (as Photoshop's)."""
        from .tools.brush import TIP_TOOLS

        if getattr(tool, "id", "") in TIP_TOOLS and tool is not self.tool:
            self.set_tool(tool)

    def _title(self, text: str) -> QLabel:
        label = QLabel(f"<b>{text}</b>")
        return label

    def _spin(self, form: QFormLayout, key: str, label: str, lo: int, hi: int,
              suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(f"brush_{key}")
        spin.setRange(lo, hi)
        spin.setSuffix(suffix)
        spin.valueChanged.connect(self._changed)
        form.addRow(label, spin)
        return spin

    # -- the tool ------------------------------------------------------------------------------
    def set_tool(self, tool) -> None:
        self.tool = tool
        self.setWindowTitle(f"Brush Settings — {tool.label}")
        self.sync()

    def sync(self) -> None:
        """The controls from the tool's settings (after [ ], a preset, the options bar)."""
        tool = self.tool
        if tool is None or self._syncing:  # (the tool echoing the panel's own change)
            return
        self._syncing = True
        try:
            tip = tool.tip
            self.spins["size"].setValue(tool.size)
            self.spins["hardness"].setValue(round(tool.hardness * 100))
            for key, _, _, _, _, get, _ in _FIELDS:
                self.spins[key].setValue(get(tip))
            self.both.setChecked(tip.both_axes)
            self.spins["hardness"].setEnabled(tip.sample is None and not tool.aliased)
            self.tip_label.setText("Round" if tip.sample is None else
                                   f"Sampled ({tip.sample.shape[1]} × {tip.sample.shape[0]} px)"
                                   f"{': ' + tool.preset_name if tool.preset_name else ''}")
        finally:
            self._syncing = False

    def _changed(self, *_) -> None:
        if self._syncing or self.tool is None:
            return
        tip = self.tool.tip
        for key, _, _, _, _, _, put in _FIELDS:
            tip = put(tip, self.spins[key].value())
        tip = replace(tip, both_axes=self.both.isChecked())
        self._syncing = True
        try:
            self.tool.set_hardness(self.spins["hardness"].value() / 100)
            self.tool.set_tip(tip)
            self.tool.set_size(self.spins["size"].value())
        finally:
            self._syncing = False

    # -- the presets ---------------------------------------------------------------------------
    def refill(self) -> None:
        self.list.clear()
        for p in self.presets.presets:
            item = QListWidgetItem(tip_icon(p), p.name)
            item.setData(Qt.ItemDataRole.UserRole, p.name)
            self.list.addItem(item)

    def selected(self) -> Optional[BrushPreset]:
        item = self.list.currentItem()
        return None if item is None else self.presets.find(item.data(Qt.ItemDataRole.UserRole))

    def _picked(self, item: QListWidgetItem) -> None:
        preset = self.presets.find(item.data(Qt.ItemDataRole.UserRole))
        if preset is not None and self.tool is not None:
            self.tool.apply_preset(preset)
            self.sync()

    def new_preset(self) -> None:
        """New Brush Preset: the tool's size, hardness and tip under a name."""
        tool = self.tool
        name = dialogs.ask_text(self, "Brush Name", "Name:", self.presets.unique("Brush"))
        if name is None or tool is None:
            return
        name = self.presets.unique(name.strip() or "Brush")
        self.presets.add(BrushPreset(name, tool.size, tool.hardness, tool.tip))
        tool.preset_name = name
        self.refill()
        self.list.setCurrentRow(self.list.count() - 1)

    def import_brushes(self, path: Optional[str] = None) -> int:
        """Import Brushes…: Photoshop's .abr (or our brushes .json) appended to the presets
        (`preset_manager.import_file`: names already here skipped; the file written, the
        list refilled)."""
        from editor.model.preset_kinds import BRUSHES

        from .preset_manager import import_file
        return import_file(self.window_, BRUSHES, path)

    def rename_preset(self) -> None:
        preset = self.selected()
        if preset is None:
            self.window_.status("Pick a brush preset to rename.")
            return
        name = dialogs.ask_text(self, "Rename Brush", "Name:", preset.name)
        if name is None or not name.strip() or name.strip() == preset.name:
            return
        name = self.presets.unique(name.strip())
        i = self.presets.presets.index(preset)
        self.presets.presets[i] = replace(preset, name=name)
        self.presets.changed()
        self.refill()
        self.list.setCurrentRow(i)

    def delete_preset(self) -> None:
        preset = self.selected()
        if preset is None:
            self.window_.status("Pick a brush preset to delete.")
            return
        self.presets.presets.remove(preset)
        self.presets.changed()
        self.refill()
