"""Dialogs: new document, preferences, errors, unsaved changes, recovery, file choosers.

Every question the window asks goes through a function here, so tests can
answer it the way a user would (or replace the file chooser).
"""
from __future__ import annotations

import html

import os
from dataclasses import dataclass
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QMessageBox, QPushButton, QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from editor.model import resolution as ppi_limits

OPEN_FILTER = ("Images and documents (*.psd *.psb *.png *.jpg *.jpeg *.webp *.tif *.tiff *.bmp);;"
               "Photoshop (*.psd *.psb);;All files (*)")
IMAGE_FILTER = ("Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff *.bmp *.psd *.psb);;All files (*)")
SAVE_FILTER = "Photoshop document (*.psd)"
EXPORT_FILTER = "PNG image (*.png);;JPEG image (*.jpg *.jpeg)"
MAX_SIDE = 30000

PRESETS = (
    ("Custom", None),
    ("Square 1024 × 1024", (1024, 1024)),
    ("HD 1920 × 1080", (1920, 1080)),
    ("4K UHD 3840 × 2160", (3840, 2160)),
    ("Photo 4000 × 3000", (4000, 3000)),
    ("A4 at 300 ppi 2480 × 3508", (2480, 3508)),
    ("Instagram 1080 × 1350", (1080, 1350)),
)


# -- file choosers ---------------------------------------------------------------------------
def ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """OK and Cancel wired to `dialog`'s accept and reject: the buttons of the editor's
    dialogs."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def number_box(name: str, low: float, high: float, suffix: str,
               decimals: int) -> QDoubleSpinBox:
    """A dialog's number field named `name` (its object name): a typed number applies
    when it is complete (on Enter or leaving the field), not per key."""
    spin = QDoubleSpinBox()
    spin.setObjectName(name)
    spin.setRange(low, high)
    spin.setDecimals(decimals)
    spin.setSuffix(suffix)
    spin.setKeyboardTracking(False)
    return spin


def keyed_combo(name: str, labels: dict, current: str) -> QComboBox:
    """A combo box named `name` listing `labels`' values with their keys as data, `current`'s
    entry chosen (the first when it is not among them)."""
    box = QComboBox()
    box.setObjectName(name)
    for key, label in labels.items():
        box.addItem(label, key)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


def ask_open_paths(parent: QWidget, start: str, title: str = "Open",
                   filter: str = OPEN_FILTER) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, start, filter)
    return paths


def ask_save_path(parent: QWidget, start: str, title: str = "Save As",
                  filter: str = SAVE_FILTER) -> Optional[str]:
    path, chosen = QFileDialog.getSaveFileName(parent, title, start, filter)
    if not path:
        return None
    if not os.path.splitext(path)[1]:
        chosen = chosen or ""
        path += next((suffix for kind, suffix in (("JPEG", ".jpg"), ("PNG", ".png"),
                                                   ("WebP", ".webp"), ("GIF", ".gif"))
                      if kind in chosen), ".psd")
    return path


def ask_folder(parent: QWidget, start: str, title: str = "Choose a Folder") -> Optional[str]:
    """A folder (Layers to Files' destination); None when cancelled."""
    return QFileDialog.getExistingDirectory(parent, title, start) or None


def ask_summary_path(parent: QWidget, start: str) -> Optional[str]:
    """Where Keyboard Shortcuts > Summarize writes its page (.html added when no suffix is
    given); None when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, "Summarize", start, "HTML page (*.html *.htm)")
    if not path:
        return None
    return path if os.path.splitext(path)[1] else path + ".html"


def ask_continue(parent: QWidget, title: str, text: str, button: str, name: str,
                 details: Optional[str] = None) -> bool:
    """A question with one action (`button`, the default) and Cancel: True for the action.
    `name`: the box's object name (tests find it by that)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName(name)
    if details:
        box.setDetailedText(details)
    action = box.addButton(button, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(action)
    box.exec()
    return box.clickedButton() is action


def ask_replace_files(parent: QWidget, folder: str, names: list[str]) -> bool:
    """Files an export would write exist already: True to replace them."""
    what = f"'{names[0]}' already exists" if len(names) == 1 else \
        f"{len(names)} of the files already exist"
    return ask_continue(parent, "Replace files",
                        f"{what} in {folder}. Replace {'it' if len(names) == 1 else 'them'}?",
                        "Replace", "ReplaceFilesDialog",
                        "\n".join(names) if len(names) > 1 else None)


def ask_purge(parent: QWidget, what: str) -> bool:
    """Edit > Purge's warning: True to purge `what` ("the histories", ...)."""
    return ask_continue(parent, "Purge", f"Purge {what}? This cannot be undone.", "Purge",
                        "PurgeQuestion")


# -- small questions -----------------------------------------------------------------------------
def ask_text(parent: QWidget, title: str, label: str, text: str = "") -> Optional[str]:
    """One line of text (a new layer's name); None when cancelled."""
    from PySide6.QtWidgets import QInputDialog

    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return value if ok else None


def ask_segments(parent: QWidget, title: str, current: int) -> Optional[int]:
    """Paint Symmetry's segment count for Radial or Mandala (2-12); None when cancelled."""
    from PySide6.QtWidgets import QInputDialog

    value, ok = QInputDialog.getInt(parent, f"{title} Symmetry", "Segment Count:", current,
                                    2, 12)
    return value if ok else None


def ask_color(parent: QWidget, initial: QColor, title: str) -> Optional[QColor]:
    """A colour from the colour picker (Photoshop's Color Picker, with its L a b fields:
    `color_picker.py`); None when cancelled."""
    from .color_picker import ColorPicker

    dialog = ColorPicker(initial, parent, title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    color = dialog.selectedColor()
    return color if color.isValid() else None


def ask_gradient(parent: QWidget, settings, preview=None):
    """The Gradient Fill dialog (`gradient_dialog.py`) from `settings` (GradientFill),
    showing each change through `preview(settings)`; the settings OK gives, or None for
    Cancel."""
    from .gradient_dialog import GradientFillDialog

    dialog = GradientFillDialog(parent, settings, preview)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.settings if accepted else None


def ask_pattern(parent: QWidget, settings, patterns: tuple, preview=None):
    """The Pattern Fill dialog (`pattern_dialog.py`) from `settings` (PatternFill), choosing
    among `patterns`, showing each change through `preview(settings)`; the settings OK
    gives, or None for Cancel."""
    from .pattern_dialog import PatternFillDialog

    dialog = PatternFillDialog(parent, settings, patterns, preview)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.settings if accepted else None


def ask_define_pattern(parent: QWidget) -> bool:
    """A document without patterns: whether to define one from the canvas (the selection
    when there is one) before a pattern fill is made."""
    box = QMessageBox(QMessageBox.Icon.Question, "Pattern Fill",
                      "This document has no patterns yet (Edit > Define Pattern). Define one "
                      "from the canvas?", QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("NoPatternDialog")
    define = box.addButton("Define Pattern", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(define)
    box.exec()
    return box.clickedButton() is define


def ask_flatten(parent: QWidget, what: str) -> bool:
    """Photoshop's question before an operation that needs one flat layer (HDR Toning):
    whether to flatten the document (hidden layers discarded) first."""
    return ask_continue(parent, what, f"{what} will flatten the document (hidden layers are "
                        "discarded). Continue?", "Flatten", "FlattenQuestion")


def ask_layer_style(parent: QWidget, effects, kind: str, preview=None, global_angle=None,
                    patterns: tuple = (), blending=None, preview_blending=None):
    """The Layer Style dialog (`style_dialog.py`) on `effects` (LayerEffects or None) showing
    `kind`'s settings, each change shown through `preview(effects)`; the style OK gives, or
    None for Cancel. Given `blending` ((knockout, channels[, the flags of
    layers.BLENDING_OPTIONS]): its Advanced Blending, changes shown through
    `preview_blending(*blending)`), OK gives (style, blending)."""
    from .style_dialog import LayerStyleDialog

    dialog = LayerStyleDialog(parent, effects, kind, preview, global_angle, patterns,
                              blending, preview_blending)
    dialog.enable(kind)  # Layer > Layer Style > Drop Shadow… turns the drop shadow on
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.effects if blending is None else (dialog.effects, dialog.blending)


# -- messages -------------------------------------------------------------------------------------
def show_error(parent: QWidget, title: str, message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title or "Layered", message,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("ErrorDialog")
    box.exec()


def ask_open_models(parent: QWidget, title: str, message: str) -> bool:
    """A failure a model caused, with "Open Models…" beside OK; True if that was chosen."""
    box = QMessageBox(QMessageBox.Icon.Warning, title or "Layered", message,
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("ModelErrorDialog")
    models = box.addButton("Open Models…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Ok)
    box.setDefaultButton(models)
    box.exec()
    return box.clickedButton() is models


def ask_model_path(parent: QWidget, start: str) -> Optional[str]:
    """A model to add: a folder (diffusers or BFS) or a single .safetensors file; None if cancelled."""
    box = QMessageBox(QMessageBox.Icon.NoIcon, "Add Model",
                      "Add a model that is on this computer:", QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("AddModelDialog")
    box.setInformativeText("• a diffusers folder (with model_index.json) of a Stable Diffusion "
                           "1.x/2.x/XL inpainting or FLUX.1-Fill model;\n"
                           "• a single .safetensors inpainting checkpoint;\n"
                           "• a BFS model folder (with bfs.json).")
    folder = box.addButton("Folder…", QMessageBox.ButtonRole.AcceptRole)
    file = box.addButton(".safetensors File…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    if box.clickedButton() is folder:
        return QFileDialog.getExistingDirectory(parent, "Model Folder", start) or None
    if box.clickedButton() is file:
        path, _ = QFileDialog.getOpenFileName(parent, "Model File", start,
                                              "Safetensors checkpoints (*.safetensors);;All files (*)")
        return path or None
    return None


def ask_replace_candidates(parent: QWidget, count: int) -> bool:
    """Generating again while candidates wait: True to drop them and go on."""
    what = "candidate" if count == 1 else f"{count} candidates"
    box = QMessageBox(QMessageBox.Icon.Question, "Generate again",
                      f"Replace the {what} not applied yet?", QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("ReplaceCandidatesDialog")
    box.setInformativeText("Apply one first to keep it as a layer.")
    replace = box.addButton("Replace", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(replace)
    box.exec()
    return box.clickedButton() is replace


def ask_save_changes(parent: QWidget, name: str) -> str:
    """'save', 'discard' or 'cancel'."""
    box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                      f"Save the changes to “{name}” before closing?",
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("SaveChangesDialog")
    box.setInformativeText("Your changes are lost if you don't save them.")
    box.button(QMessageBox.StandardButton.Discard).setText("Don't Save")
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    return {QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard"}.get(
        QMessageBox.StandardButton(answer), "cancel")


def ask_restore(parent: QWidget, entries: list[str]) -> str:
    """After a crash: 'restore', 'discard' or 'later'."""
    box = QMessageBox(QMessageBox.Icon.Question, "Restore unsaved work",
                      "Layered did not close properly last time. Restore the unsaved work?",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("RestoreDialog")
    box.setInformativeText("\n".join(f"• {e}" for e in entries))
    restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Not Now", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    clicked = box.clickedButton()
    if clicked is restore:
        return "restore"
    if clicked is discard:
        return "discard"
    return "later"  # "Not Now", or the dialog was closed


# -- new document ------------------------------------------------------------------------------
@dataclass
class NewDocumentSpec:
    name: str
    width: int
    height: int
    background: str  # "white", "background", "transparent" or "foreground"
    resolution: float = 72.0  # pixels per inch (Photoshop's Resolution field)


class NewDocumentDialog(QDialog):
    def __init__(self, parent: QWidget, name: str, size: tuple[int, int], foreground: QColor,
                 resolution: float = 72.0):
        super().__init__(parent)
        self.setWindowTitle("New Document")
        self.setObjectName("NewDocumentDialog")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(name)
        form.addRow("Name", self.name)
        self.preset = QComboBox()
        for label, value in PRESETS:
            self.preset.addItem(label, value)
        self.preset.currentIndexChanged.connect(self._preset)
        form.addRow("Preset", self.preset)
        sizes = QHBoxLayout()
        self.width_box = QSpinBox()
        self.height_box = QSpinBox()
        for box, value in ((self.width_box, size[0]), (self.height_box, size[1])):
            box.setRange(1, MAX_SIDE)
            box.setValue(value)
            box.setSuffix(" px")
            box.setMinimumWidth(100)
            box.valueChanged.connect(self._custom)
        sizes.addWidget(self.width_box)
        sizes.addWidget(QLabel("×"))
        sizes.addWidget(self.height_box)
        sizes.addStretch(1)
        form.addRow("Size", sizes)
        self.resolution = QDoubleSpinBox()
        self.resolution.setObjectName("NewResolution")
        self.resolution.setDecimals(3)
        self.resolution.setRange(ppi_limits.MIN, ppi_limits.MAX)
        self.resolution.setValue(resolution)
        self.resolution.setSuffix(" Pixels/Inch")
        self.resolution.setMinimumWidth(100)
        form.addRow("Resolution", self.resolution)
        backgrounds = QHBoxLayout()
        self.backgrounds = QButtonGroup(self)
        for key, label in (("white", "White"), ("background", "Background colour"),
                           ("transparent", "Transparent"), ("foreground", "Foreground colour")):
            button = QRadioButton(label)
            button.setProperty("key", key)
            self.backgrounds.addButton(button)
            backgrounds.addWidget(button)
            if key == "white":
                button.setChecked(True)
        form.addRow("Background", backgrounds)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._choosing = False

    def _preset(self, index: int) -> None:
        value = self.preset.itemData(index)
        if value:
            self._choosing = True
            self.width_box.setValue(value[0])
            self.height_box.setValue(value[1])
            self._choosing = False

    def _custom(self) -> None:
        if not self._choosing:
            self.preset.setCurrentIndex(0)

    def spec(self) -> NewDocumentSpec:
        checked = self.backgrounds.checkedButton()
        return NewDocumentSpec(self.name.text().strip() or "Untitled", self.width_box.value(),
                               self.height_box.value(),
                               checked.property("key") if checked else "white",
                               self.resolution.value())


def ask_new_document(parent: QWidget, name: str, size: tuple[int, int],
                     foreground: QColor, resolution: float = 72.0) -> Optional[NewDocumentSpec]:
    dialog = NewDocumentDialog(parent, name, size, foreground, resolution)
    return dialog.spec() if dialog.exec() == QDialog.DialogCode.Accepted else None


# -- preferences -----------------------------------------------------------------------------------
DEVICES = (("auto", "Auto (CUDA, then Apple MPS, then CPU)"), ("cuda", "CUDA GPU"),
           ("mps", "Apple MPS"), ("cpu", "CPU"))
OFFLOAD = (("auto", "When the GPU has too little memory"), ("on", "Always"), ("off", "Never"))
DTYPES = (("auto", "Auto (bfloat16/float16 on GPUs, float32 on the CPU)"), ("float32", "float32"),
          ("float16", "float16"), ("bfloat16", "bfloat16"))


# The choice Preferences and Decompose Options share (Settings.alpha_as_mask).
ALPHA_AS_MASK_TEXT = "Keep the edges of generated and decomposed layers in a layer mask"
ALPHA_AS_MASK_TIP = ("The object's colours are complete and its transparency is a layer mask, "
                     "so the edge can be refined with the brush (black hides, white reveals) "
                     "and undone at any time")


class PreferencesDialog(QDialog):
    def __init__(self, parent: QWidget, settings):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("PreferencesDialog")
        self.settings = settings
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.interval = QSpinBox()
        self.interval.setRange(0, 120)
        self.interval.setSuffix(" min")
        self.interval.setSpecialValueText("Off")
        self.interval.setValue(round(settings.autosave_seconds / 60))
        form.addRow("Save recovery data every", self.interval)
        folder = QLabel(settings.recovery_dir)
        folder.setObjectName("Dim")
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Recovery folder", folder)
        layout.addLayout(form)
        layout.addWidget(self._performance_box(settings))
        layers = QGroupBox("New layers")
        layers_form = QVBoxLayout(layers)
        self.alpha_as_mask = QCheckBox(ALPHA_AS_MASK_TEXT)
        self.alpha_as_mask.setObjectName("AlphaAsMask")
        self.alpha_as_mask.setToolTip(ALPHA_AS_MASK_TIP)
        self.alpha_as_mask.setChecked(settings.alpha_as_mask)
        layers_form.addWidget(self.alpha_as_mask)
        layout.addWidget(layers)
        layout.addWidget(self._units_box(settings))
        layout.addWidget(self._grid_box(settings))
        engine = QGroupBox("Generation engine")
        engine_form = QFormLayout(engine)
        self.device = _choice_box(DEVICES, settings.engine_device)
        self.device.setObjectName("EngineDevice")
        engine_form.addRow("Device", self.device)
        self.dtype = _choice_box(DTYPES, settings.engine_dtype)
        self.dtype.setObjectName("EngineDtype")
        engine_form.addRow("Precision", self.dtype)
        offload = settings.cpu_offload
        self.offload = _choice_box(OFFLOAD, "auto" if offload is None else ("on" if offload else "off"))
        self.offload.setObjectName("EngineOffload")
        self.offload.setToolTip("CPU offload keeps each part of the model in main memory until "
                                "it runs: slower, but big models fit small GPUs")
        engine_form.addRow("CPU offload", self.offload)
        self.warm_up = QCheckBox("Load the chosen model in the background after start-up")
        self.warm_up.setChecked(settings.warm_up)
        engine_form.addRow(self.warm_up)
        note = QLabel("If a generation runs out of memory, switch CPU offload on, choose half "
                      "precision, or run on the CPU.")
        note.setObjectName("Dim")
        note.setWordWrap(True)
        engine_form.addRow(note)
        layout.addWidget(engine)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _units_box(self, settings) -> QGroupBox:
        """Photoshop's Units & Rulers: the rulers' unit and type's (converted by each
        document's resolution)."""
        from editor.model.resolution import RULER_UNITS, TYPE_UNITS

        box = QGroupBox("Units && Rulers")
        box.setObjectName("UnitsRulers")
        form = QFormLayout(box)
        self.ruler_units = _choice_box(RULER_UNITS, settings.ruler_units)
        self.ruler_units.setObjectName("RulerUnits")
        form.addRow("Rulers", self.ruler_units)
        self.type_units = _choice_box([(k, name) for k, name, _ in TYPE_UNITS],
                                      settings.type_units)
        self.type_units.setObjectName("TypeUnits")
        self.type_units.setToolTip("Type sizes in points are converted by the document's "
                                   "resolution: 12 pt is 50 px at 300 ppi")
        form.addRow("Type", self.type_units)
        return box

    def _performance_box(self, settings) -> QGroupBox:
        """Photoshop's Performance section: History States, the steps each document keeps."""
        from .settings import MAX_HISTORY_STATES

        box = QGroupBox("Performance")
        form = QFormLayout(box)
        self.history_states = QSpinBox()
        self.history_states.setObjectName("HistoryStates")
        self.history_states.setRange(1, MAX_HISTORY_STATES)
        self.history_states.setValue(settings.history_states)
        self.history_states.setToolTip("The oldest steps beyond go at once; more steps keep "
                                       "more memory (a document's steps also stop at 1 GB)")
        form.addRow("History States", self.history_states)
        return box

    def _grid_box(self, settings) -> QGroupBox:
        """Photoshop's Guides, Grid section: gridline every N px, subdivisions, colour, style."""
        from .settings import GRID_STYLES

        box = QGroupBox("Guides, Grid")
        form = QFormLayout(box)
        self.grid_every = QSpinBox()
        self.grid_every.setObjectName("GridEvery")
        self.grid_every.setRange(1, 10000)
        self.grid_every.setSuffix(" px")
        self.grid_every.setValue(settings.grid_every)
        form.addRow("Gridline every", self.grid_every)
        self.grid_subdivisions = QSpinBox()
        self.grid_subdivisions.setObjectName("GridSubdivisions")
        self.grid_subdivisions.setRange(1, 100)
        self.grid_subdivisions.setValue(settings.grid_subdivisions)
        form.addRow("Subdivisions", self.grid_subdivisions)
        self.grid_style = _choice_box([(s, s.capitalize()) for s in GRID_STYLES], settings.grid_style)
        self.grid_style.setObjectName("GridStyle")
        form.addRow("Style", self.grid_style)
        self.grid_color = QColor(settings.grid_color)
        self.grid_color_button = QPushButton()
        self.grid_color_button.setObjectName("GridColor")
        self.grid_color_button.clicked.connect(self._choose_grid_color)
        self._show_grid_color()
        form.addRow("Color", self.grid_color_button)
        return box

    def _choose_grid_color(self) -> None:
        color = ask_color(self, self.grid_color, "Grid colour")
        if color is not None:
            self.grid_color = color
            self._show_grid_color()

    def _show_grid_color(self) -> None:
        name = self.grid_color.name()
        self.grid_color_button.setText(name)
        self.grid_color_button.setStyleSheet(f"border-left: 14px solid {name};")

    def apply(self) -> None:
        self.settings.ruler_units = self.ruler_units.currentData()
        self.settings.type_units = self.type_units.currentData()
        self.settings.grid_every = self.grid_every.value()
        self.settings.grid_subdivisions = self.grid_subdivisions.value()
        self.settings.grid_style = self.grid_style.currentData()
        self.settings.grid_color = self.grid_color.name()
        self.settings.autosave_seconds = self.interval.value() * 60
        self.settings.engine_device = self.device.currentData()
        self.settings.engine_dtype = self.dtype.currentData()
        choice = self.offload.currentData()
        self.settings.cpu_offload = None if choice == "auto" else choice == "on"
        self.settings.warm_up = self.warm_up.isChecked()
        self.settings.alpha_as_mask = self.alpha_as_mask.isChecked()
        self.settings.history_states = self.history_states.value()


def _choice_box(choices, current: str) -> QComboBox:
    box = QComboBox()
    for key, label in choices:
        box.addItem(label, key)
    index = box.findData(current)
    box.setCurrentIndex(index if index >= 0 else 0)
    return box


# Keys that are not actions: they act inside a tool, a field or a drag.
CONTEXT_KEYS = [
    ("Arrows / Shift+Arrows", "Nudge the layer 1 px / 10 px (Move tool)"),
    ("Space", "Hand (pan) while held; the middle button pans too"),
    ("Alt+click", "Zoom out (Zoom tool); Alt+drag erases in Quick Mask (as X switches to)"),
    ("Enter / Esc", "Commit / cancel Free Transform"),
    ("Ctrl+Enter", "Generate (in the Generate panel's prompt)"),
    ("Ctrl+Enter", "Load the path as a selection (Pen, Direct Selection, Paths panel)"),
    ("Esc", "Cancel the running job"),
]


def menu_text(text: str) -> str:
    """A menu item's text as words: its & mnemonic gone, a real ampersand (&&) kept."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def shortcuts_html(actions) -> str:
    """A table of every action that has keys (its menu text and its shortcuts), then the keys
    that act inside a tool or a field: made from the actions, so it never misses one."""
    rows = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if keys:
            text = menu_text(action.text())
            rows.append((" / ".join(keys), text.rstrip("…").strip()))
    rows += CONTEXT_KEYS
    cells = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(t)}</td></tr>"
                    for k, t in rows)
    return f'<table cellspacing="6">{cells}</table>'


def show_shortcuts(parent: QWidget, actions) -> None:
    box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard Shortcuts", shortcuts_html(actions),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("ShortcutsDialog")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.exec()


def show_about(parent: QWidget) -> None:
    QMessageBox.about(parent, "About Layered",
                      "<h3>Layered</h3><p>A layered image editor whose layers can also be made "
                      "by a generative engine.</p><p>Documents are saved as PSD.</p>")
