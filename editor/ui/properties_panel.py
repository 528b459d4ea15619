"""The Properties panel: name, position, size and origin of the active layer.

Edits go through the document operations (rename, translate), one undo step
each; a generated layer's recipe (method, prompt, seed, box...) is shown as
read-only fields, one per line.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QDoubleSpinBox, QFormLayout, QFrame, QLabel, QLineEdit,
                               QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from editor.model import AdjustmentLayer, FillLayer, Group, Layer, mask_ops
from editor.model.smart_object import SmartObjectLayer
from editor.model.text_layer import TextLayer

from .adjustment_editor import AdjustmentEditor
from .wheel_guard import guard_wheel

if TYPE_CHECKING:
    from .window_api import EditorWindow

LIMIT = 1_000_000
# How the recipe's keys read in the panel, in this order; other keys follow, title-cased.
RECIPE_LABELS = {
    "method": "Method", "role": "Part", "model": "Model", "family": "Family", "prompt": "Prompt",
    "negative_prompt": "Negative", "seed": "Seed", "steps": "Steps", "guidance": "Guidance",
    "guidance_scale": "Guidance", "box": "Box", "size": "Size", "working_size": "Worked at",
    "models": "Models", "region": "Region", "window": "Window", "context": "Context",
    "brush_mask": "Painted mask", "grow": "Grow", "margin": "Margin",
}
RECIPE_HIDDEN = {"timings", "figures"}  # measurements, not how the layer was made
# A decomposition's steps (its recipe's "steps": step -> component id) in plain words.
STEP_NAMES = {"mask": "object", "matting": "edges", "shadow": "shadow", "edges": "edge colours",
              "background": "background", "foreground": "colours", "hfa": "fine detail"}
COMPONENT_NAMES = {
    "grabcut": "GrabCut", "closed_form": "closed-form", "relight": "taken with the object",
    "colour_line": "cleaned", "patchmatch": "content-aware fill", "pyramid": "smooth fill",
    "telea": "Telea fill", "residual_split": "kept apart", "none": "off",
}


def recipe_rows(recipe: dict) -> list[tuple[str, str]]:
    """The recipe as (label, text) rows a person reads: boxes as "W × H at X, Y", step
    choices as "step: name", nothing empty."""
    def text(key: str, value) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, (list, tuple)) and len(value) == 4 and key in ("box", "region", "window"):
            x, y, w, h = value
            return f"{w} × {h} px at {x}, {y}"
        if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value):
            return f"{value[0]} × {value[1]} px"
        if isinstance(value, dict) and key == "steps":  # a decomposition's, in plain words
            return ", ".join(f"{STEP_NAMES.get(k, k)}: {COMPONENT_NAMES.get(v, v)}"
                             for k, v in value.items())
        if isinstance(value, dict):
            return ", ".join(f"{k}: {text(k, v)}" for k, v in value.items())
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    keys = [k for k in RECIPE_LABELS if k in recipe] + \
        [k for k in recipe if k not in RECIPE_LABELS and k not in RECIPE_HIDDEN]
    rows = []
    for key in keys:
        value = recipe[key]
        if value is None or value == "" or value == [] or value == {}:
            continue
        label = RECIPE_LABELS.get(key, key.replace("_", " ").capitalize())
        rows.append((label, text(key, value)))
    return rows


class PropertiesPanel(QWidget):
    def __init__(self, window: "EditorWindow"):
        super().__init__()
        self.main_window = window
        self.session = None
        self._updating = False
        # Scrolls rather than squeezing its neighbours when a recipe makes it tall.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("DockBody")
        scroll.setWidget(body)
        outer.addWidget(scroll)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        self.heading = QLabel("No layer")
        self.heading.setObjectName("SectionTitle")
        layout.addWidget(self.heading)
        self.form_box = QWidget()
        form = self.form = QFormLayout(self.form_box)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        self.name = QLineEdit()
        self.name.setObjectName("PropName")
        self.name.editingFinished.connect(self._rename)
        form.addRow("Name", self.name)
        self.x = self._spin("PropX")
        self.y = self._spin("PropY")
        form.addRow("X", self.x)
        form.addRow("Y", self.y)
        self.size = QLabel("")
        form.addRow("Size", self.size)
        self.kind = QLabel("")
        self.kind.setObjectName("Dim")
        self.kind.setWordWrap(True)
        form.addRow("Kind", self.kind)
        layout.addWidget(self.form_box)
        self.empty = QLabel("Select a layer in the Layers panel to see and edit its properties.")
        self.empty.setObjectName("Dim")
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        self.recipe_title = QLabel("GENERATED WITH")
        self.recipe_title.setObjectName("SectionTitle")
        layout.addWidget(self.recipe_title)
        self.recipe = QWidget()
        self.recipe.setObjectName("Recipe")
        self.recipe_form = QFormLayout(self.recipe)
        self.recipe_form.setContentsMargins(0, 0, 0, 0)
        self.recipe_form.setHorizontalSpacing(10)
        self.recipe_form.setVerticalSpacing(4)
        layout.addWidget(self.recipe)
        self.adjustment = AdjustmentEditor(window)  # an adjustment layer's settings
        layout.addWidget(self.adjustment)
        self._build_mask_section(layout)
        layout.addStretch(1)
        self._shown_recipe = None
        self._wheel_guard = guard_wheel(body)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._refresh)
        self._refresh()

    def _spin(self, name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(-LIMIT, LIMIT)
        spin.setSuffix(" px")
        spin.setKeyboardTracking(False)
        spin.valueChanged.connect(self._moved)
        return spin

    def set_session(self, session) -> None:
        if self.session is not None:
            doc = self.session.doc
            doc.active_changed.disconnect(self._schedule_any)
            doc.node_changed.disconnect(self._schedule_any)
            doc.structure_changed.disconnect(self._schedule_any)
        self.session = session
        if session is not None:
            doc = session.doc
            doc.active_changed.connect(self._schedule_any)
            doc.node_changed.connect(self._schedule_any)
            doc.structure_changed.connect(self._schedule_any)
        self._refresh()

    def _schedule_any(self, *args) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _active(self):
        return self.session.doc.active if self.session is not None else None

    def _refresh(self) -> None:
        node = self._active()
        self._updating = True
        try:
            for w in (self.name, self.x, self.y):
                w.setEnabled(node is not None)
            movable = isinstance(node, Layer) and not isinstance(node, AdjustmentLayer)
            self.x.setEnabled(movable)
            self.y.setEnabled(movable)
            # An adjustment layer has no pixels: no place or size to show, which leaves
            # its settings room in the panel (as Photoshop's Properties shows only them).
            for row in (self.x, self.y, self.size):
                self.form.setRowVisible(row, not isinstance(node, AdjustmentLayer))
            self.form_box.setVisible(node is not None)
            self.empty.setVisible(node is None)
            if node is None:
                self.heading.setText("NO LAYER")
                self.name.setText("")
                self.size.setText("")
                self.kind.setText("")
            else:
                self.heading.setText("GROUP" if isinstance(node, Group) else
                                     "FILL LAYER" if isinstance(node, FillLayer) else
                                     "ADJUSTMENT LAYER" if isinstance(node, AdjustmentLayer)
                                     else "TYPE LAYER" if isinstance(node, TextLayer)
                                     else "SMART OBJECT" if isinstance(node, SmartObjectLayer)
                                     else "PIXEL LAYER")
                if not self.name.hasFocus():
                    self.name.setText(node.name)
                box = node.bounds()
                self.x.setValue(box.x)
                self.y.setValue(box.y)
                self.size.setText(f"{box.w} × {box.h} px" if not box.is_empty() else "empty")
                kind = ("Group" if isinstance(node, Group) else node.settings.label
                        if isinstance(node, AdjustmentLayer) else
                        f"Text: {node.type_settings.describe(self.session.doc.resolution)}"
                        if isinstance(node, TextLayer) else
                        f"{'Linked ' if node.contents.link else ''}Smart Object: "
                        f"{node.contents.filename}, "
                        f"{node.contents.width} × {node.contents.height} px"
                        if isinstance(node, SmartObjectLayer) else "Pixels")
                if isinstance(node, SmartObjectLayer) and node.contents.stack_mode != "none":
                    from editor.model.stack_modes import MODES

                    kind += f", Stack Mode {MODES[node.contents.stack_mode]}"
                if isinstance(node, Layer) and node.source_kind:
                    kind += f" (was a {node.source_kind} layer)"
                if node.is_locked():
                    kind += " · locked"
                self.kind.setText(kind)
            recipe = node.recipe if isinstance(node, Layer) else None
            self.recipe_title.setVisible(bool(recipe))
            self.recipe.setVisible(bool(recipe))
            if recipe and recipe != self._shown_recipe:
                self._show_recipe(recipe)
            self._shown_recipe = recipe
            self._refresh_mask(node)
            self.adjustment.show_node(self.session, node)
        finally:
            self._updating = False

    # -- the layer mask and the vector mask: density and feather ----------------------------
    def _build_mask_section(self, layout) -> None:
        """Like sections: LAYER MASK (node.mask), VECTOR MASK (node.vector_mask) and a smart
        object's FILTER MASK (node.filter_mask, its Smart Filters mask)."""
        self.mask_box, self.mask_density, self.mask_feather = self._mask_section(
            layout, "LAYER MASK", "PropMask", "mask")
        self.vector_box, self.vector_density, self.vector_feather = self._mask_section(
            layout, "VECTOR MASK", "PropVector", "vector_mask")
        self.filter_box, self.filter_density, self.filter_feather = self._mask_section(
            layout, "FILTER MASK", "PropFilterMask", "filter_mask")

    def _mask_section(self, layout, title_text: str, prefix: str, which: str):
        box_widget = QWidget()
        box = QVBoxLayout(box_widget)
        box.setContentsMargins(0, 0, 0, 0)
        title = QLabel(title_text)
        title.setObjectName("SectionTitle")
        box.addWidget(title)
        form = QFormLayout()
        form.setHorizontalSpacing(10)
        density = QSpinBox()
        density.setObjectName(f"{prefix}Density")
        density.setRange(0, 100)
        density.setSuffix(" %")
        density.setKeyboardTracking(False)
        density.valueChanged.connect(
            lambda v: self._mask_attr(which, "density", round(v * 255 / 100)))
        form.addRow("Density", density)
        feather = QDoubleSpinBox()
        feather.setObjectName(f"{prefix}Feather")
        feather.setRange(0.0, 250.0)
        feather.setDecimals(1)
        feather.setSuffix(" px")
        feather.setKeyboardTracking(False)
        feather.valueChanged.connect(lambda v: self._mask_attr(which, "feather", v))
        form.addRow("Feather", feather)
        box.addLayout(form)
        layout.addWidget(box_widget)
        return box_widget, density, feather

    def _refresh_mask(self, node) -> None:
        for which, box, density, feather in (
                ("mask", self.mask_box, self.mask_density, self.mask_feather),
                ("vector_mask", self.vector_box, self.vector_density, self.vector_feather),
                ("filter_mask", self.filter_box, self.filter_density, self.filter_feather)):
            mask = getattr(node, which, None) if node is not None else None
            box.setVisible(mask is not None)
            if mask is not None:
                density.setValue(round(mask.density * 100 / 255))
                feather.setValue(mask.feather)

    def _mask_attr(self, which: str, attr: str, value) -> None:
        node = self._active()
        if self._updating or node is None or getattr(node, which, None) is None:
            return
        try:
            # No merge key: each value typed or stepped is its own undo step (as opacity's).
            if which == "vector_mask":
                mask_ops.set_vector_mask_attr(self.session.doc, node, attr, value)
            else:  # a layer mask or a Smart Filters mask, alike
                mask_ops.set_mask_attr(self.session.doc, node, attr, value, which=which)
        except Exception as exc:
            self.main_window.report(exc, "Could not change the mask")

    def _show_recipe(self, recipe: dict) -> None:
        while self.recipe_form.rowCount():
            self.recipe_form.removeRow(0)
        for label, text in recipe_rows(recipe):
            name = QLabel(label)
            name.setObjectName("Dim")
            value = QLabel(text)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.recipe_form.addRow(name, value)

    def _rename(self) -> None:
        node = self._active()
        if node is None or self._updating or self.name.text().strip() == node.name:
            return
        try:
            self.session.doc.rename(node, self.name.text())
        except Exception as exc:
            self.name.setText(node.name)
            self.main_window.report(exc, "Could not rename the layer")

    def _moved(self, _value: int) -> None:
        node = self._active()
        if self._updating or not isinstance(node, Layer):
            return
        dx, dy = self.x.value() - node.x, self.y.value() - node.y
        try:
            self.session.doc.translate(node, dx, dy)
        except Exception as exc:
            self.main_window.report(exc, "Could not move the layer")
            self._refresh()
