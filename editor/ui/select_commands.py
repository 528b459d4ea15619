"""The Select menu: All, Deselect, Reselect, Inverse, Color Range (`color_range`), Subject
(`select_subject`, a job; also the Object and Quick Selection tools' button), Sky
(`select_sky`, a job), Feather,
Modify (Border, Smooth, Expand, Contract), Grow, Similar, Transform Selection
(`tools.transform_selection`); Shift+M / Shift+L / Shift+G /
Shift+U switch the marquee, lasso, fill and shape tools' shapes (Shift+P, Shift+R,
Shift+O and Shift+B the Pen, Blur, Dodge and Brush groups' tools); Ctrl+click on a layer's
thumbnail selects its pixels.

The selection maths are in `editor.model.selection_ops` (no Qt); each command
is one undo step.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QInputDialog,
                               QSpinBox, QVBoxLayout)

from editor.jobs import Job
from editor.model import (DocumentError, Layer, replay, select_sky, select_subject,
                          selection_ops)

from .actions import ActionSpec, Context, SubmenuSpec, has_doc, has_selection, run_on_doc
from .color_range import ColorRangeCommand
from .tools.toolbox import GROUPS, next_in_group
from .tools.transform_selection import SelectionTransformTool

if TYPE_CHECKING:
    from .window_api import EditorWindow


# Select > Modify: id -> (title, the amount's label, whether the canvas edge may count as
# an edge of the selection: Photoshop's "Apply effect at canvas bounds"), in its order.
MODIFY_DIALOGS = {
    "border": ("Border", "Width", False),
    "smooth": ("Smooth", "Sample Radius", True),
    "expand": ("Expand", "Expand By", False),
    "contract": ("Contract", "Contract By", True),
}


class ModifySelectionDialog(QDialog):
    """Select > Modify's small dialog: an amount in pixels (and, for Smooth and Contract,
    whether the canvas edge counts as an edge of the selection)."""

    def __init__(self, parent, how: str, amount: int, at_bounds: bool):
        super().__init__(parent)
        title, label, has_bounds = MODIFY_DIALOGS[how]
        self.setWindowTitle(f"{title} Selection")
        self.setObjectName(f"{title}SelectionDialog")
        self.setMinimumWidth(280)  # room for the title bar's text
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.amount = QSpinBox()
        self.amount.setObjectName("ModifyAmount")
        self.amount.setRange(1, selection_ops.MODIFY_LIMITS[how])
        self.amount.setSuffix(" px")
        self.amount.setValue(amount)
        self.amount.setMinimumWidth(100)
        form.addRow(f"{label}:", self.amount)
        self.at_bounds = QCheckBox("Apply effect at canvas bounds")
        self.at_bounds.setObjectName("ModifyAtBounds")
        self.at_bounds.setChecked(at_bounds)
        self.at_bounds.setVisible(has_bounds)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if has_bounds:
            layout.addWidget(self.at_bounds)
        layout.addSpacing(6)
        layout.addWidget(buttons)
        self.amount.selectAll()


def can_reselect(c: Context) -> bool:
    return c.doc is not None and c.doc.last_selection is not None


class SelectCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.color_range = ColorRangeCommand(window)

    def action_specs(self) -> list[ActionSpec]:
        # Shift+Ctrl+I is Photoshop's Inverse (Import as Layer has no key).
        return [
            ActionSpec("select_all", "&All", self.select_all, "Ctrl+A", enabled=has_doc,
                       menu="select"),
            ActionSpec("deselect", "&Deselect", self.deselect, "Ctrl+D", enabled=has_selection,
                       menu="select"),
            ActionSpec("reselect", "&Reselect",
                       lambda: self._op("reselect", selection_ops.reselect), "Shift+Ctrl+D",
                       enabled=can_reselect, menu="select", after="deselect"),
            ActionSpec("inverse", "&Inverse",
                       lambda: self._op("invert the selection",
                                       lambda d: replay.perform(d, "inverse")),
                       "Shift+Ctrl+I", enabled=has_doc, menu="select", after="reselect"),
            ActionSpec("feather", "&Feather…", self.feather, "Shift+F6", enabled=has_selection,
                       menu="select", after="inverse", separator=True),
            SubmenuSpec("modify", "Modif&y", menu="select", after="feather"),
            *(ActionSpec(f"modify_{how}", f"&{title}…", (lambda h=how: self.modify(h)),
                         enabled=has_selection, menu="modify")
              for how, (title, _, _) in MODIFY_DIALOGS.items()),
            ActionSpec("grow", "&Grow", lambda: self.grow(True), enabled=has_selection,
                       menu="select", after="modify"),
            ActionSpec("similar", "Similar", lambda: self.grow(False), enabled=has_selection,
                       menu="select", after="grow"),
            ActionSpec("transform_selection", "&Transform Selection", self.transform_selection,
                       enabled=has_selection, menu="select", after="similar", separator=True,
                       tip="Scale, turn or distort the selection's outline with Free "
                           "Transform's handles (the pixels stay)"),
            ActionSpec("color_range", "C&olor Range…", self.color_range.run, enabled=has_doc,
                       menu="select", after="inverse", separator=True,
                       tip="Select the pixels of a colour (sampled on the canvas) or of a "
                           "colour or tonal range"),
            ActionSpec("select_subject", "S&ubject", lambda: self.select_subject(), enabled=has_doc,
                       menu="select", after="color_range",
                       tip="Select the picture's main subject (of the active layer), with soft "
                           "edges"),
            ActionSpec("select_sky", "S&ky", lambda: self.select_sky(), enabled=has_doc,
                       menu="select", after="select_subject",
                       tip="Select the picture's sky (of the active layer), with soft edges"),
            ActionSpec("cycle_marquee", "Switch Marquee Shape", lambda: self._cycle("marquee"),
                       "Shift+M"),
            ActionSpec("cycle_lasso", "Switch Lasso Shape", lambda: self._cycle("lasso"),
                       "Shift+L"),
            ActionSpec("cycle_select_tools", "Switch Object Selection / Quick Selection / "
                       "Magic Wand", lambda: self._cycle("object_select"), "Shift+W"),
            ActionSpec("cycle_fill", "Switch Paint Bucket / Gradient",
                       lambda: self._cycle("fill"), "Shift+G"),
            ActionSpec("cycle_eraser", "Switch Eraser Tools",
                       lambda: self._cycle("eraser"), "Shift+E"),
            ActionSpec("cycle_pen", "Switch Pen Tools", lambda: self._cycle("pen"), "Shift+P"),
            ActionSpec("cycle_shape", "Switch Shape Tools",
                       lambda: self._cycle("shape"), "Shift+U"),
            ActionSpec("cycle_spot_heal", "Switch Healing Tools",
                       lambda: self._cycle("spot_heal"), "Shift+J"),
            ActionSpec("cycle_blur", "Switch Blur / Sharpen / Smudge",
                       lambda: self._cycle("blur"), "Shift+R"),
            ActionSpec("cycle_dodge", "Switch Dodge / Burn / Sponge",
                       lambda: self._cycle("dodge"), "Shift+O"),
            ActionSpec("cycle_crop", "Switch Crop / Perspective Crop / Slice / Slice Select",
                       lambda: self._cycle("crop"), "Shift+C"),
            ActionSpec("cycle_eyedropper", "Switch Eyedropper / Color Sampler / Ruler",
                       lambda: self._cycle("eyedropper"), "Shift+I"),
            ActionSpec("cycle_move", "Switch Move / Artboard",
                       lambda: self._cycle("move"), "Shift+V"),
            ActionSpec("cycle_hand", "Switch Hand / Rotate View",
                       lambda: self._cycle("hand"), "Shift+H"),
            ActionSpec("cycle_clone_stamp", "Switch Clone Stamp / Pattern Stamp",
                       lambda: self._cycle("clone_stamp"), "Shift+S"),
            ActionSpec("cycle_history_brush", "Switch History Brush / Art History Brush",
                       lambda: self._cycle("history_brush"), "Shift+Y"),
            ActionSpec("cycle_brush", "Switch Brush / Pencil / Color Replacement / Mixer Brush",
                       lambda: self._cycle("brush"), "Shift+B"),
        ]

    def _op(self, what: str, fn) -> None:
        run_on_doc(self.window, f"Could not {what}", fn)

    def select_all(self) -> None:
        self._op("select", lambda d: replay.perform(d, "select_all"))

    def deselect(self) -> None:
        w = self.window
        if getattr(w.tools.mode, "paints_selection", False) and w.doc is not None:
            w.doc.set_selection(None)  # Quick Mask stays on: the user starts the paint over
            return
        self._op("deselect", lambda d: replay.perform(d, "deselect"))

    def _cycle(self, tool_id: str) -> None:
        """Shift with a tool's letter: the next shape of that tool, or the next tool of its
        palette group (`toolbox.GROUPS`); the tool itself when another one is in use (of a
        group, the one its palette place shows)."""
        w = self.window
        tools = w.tools
        following = next_in_group(tools.selected.id) if tools.mode is None else None
        if following is not None and tool_id in GROUPS \
                and tools.selected.id in GROUPS[tool_id]:
            w.tool_actions[following].trigger()
        elif tools.selected.id == tool_id and tools.mode is None:
            tools.selected.cycle()
        elif tool_id in GROUPS:
            w.tool_group_buttons[GROUPS[tool_id]].defaultAction().trigger()
        else:
            w.tool_actions[tool_id].trigger()

    def select_subject(self, op: str = "replace", sample_all: bool = False) -> Optional[Job]:
        """Select > Subject (and the selection tools' "Select Subject" button): the main
        subject of the active layer - or, `sample_all` or with a group active, of what the
        canvas shows - found on the worker (`editor.model.select_subject`, with the
        segmenter and matting Decompose Options chose) and made the selection by `op`
        (replace; add with Shift on a tool's button) as one step, "Select Subject". Returns
        the job, or None when there is nothing to look at (the user is told why)."""
        w = self.window
        doc = w.doc
        if doc is None:
            return None
        title = "Could not select the subject"

        def apply(prepared, mask) -> str:
            select_subject.apply(doc, mask, op)
            return f"Selected the subject of {prepared.source}."

        return w.jobs.submit_prepared(
            select_subject.NAME,
            lambda: select_subject.prepare(doc, None if sample_all else doc.active,
                                           w.decompose_commands.options()),
            select_subject.run, apply, title)

    def select_sky(self, op: str = "replace") -> Optional[Job]:
        """Select > Sky: the sky of the active layer (of what the canvas shows with a group or
        an adjustment layer active), found on the worker (`editor.model.select_sky`) and made
        the selection by `op` as one step, "Select Sky". A picture without sky deselects, and
        the status line says so. Returns the job, or None when there is nothing to look at."""
        w = self.window
        doc = w.doc
        if doc is None:
            return None

        def apply(prepared, mask) -> str:
            select_sky.apply(doc, mask, op)
            if not (mask >= 128).any():
                return f"No sky was found in {prepared.source}: nothing is selected."
            return f"Selected the sky of {prepared.source}."

        return w.jobs.submit_prepared(select_sky.NAME,
                                      lambda: select_sky.prepare(doc, doc.active),
                                      select_sky.run, apply, "Could not select the sky")

    def feather(self) -> None:
        if self.window.doc is None:
            return
        settings = self.window.settings
        radius, ok = QInputDialog.getDouble(self.window, "Feather Selection", "Feather radius (px):",
                                            settings.value("select/feather", 5.0, float), 0.1,
                                            250.0, 1)
        if ok:
            settings.set_value("select/feather", radius)
            self._op("feather", lambda d: selection_ops.feather(d, radius))

    def modify(self, how: str) -> None:
        """Select > Modify > Border, Smooth, Expand or Contract (`selection_ops.modify`), the
        amount asked in a small dialog and remembered."""
        w = self.window
        if w.doc is None:
            return
        settings = w.settings
        dialog = ModifySelectionDialog(w, how, settings.value(f"select/{how}", 5, int),
                                       settings.value(f"select/{how}_at_bounds", False, bool))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        amount, at_bounds = dialog.amount.value(), dialog.at_bounds.isChecked()
        settings.set_value(f"select/{how}", amount)
        settings.set_value(f"select/{how}_at_bounds", at_bounds)
        self._op(f"{how} the selection",
                 lambda d: selection_ops.modify(d, how, amount, at_bounds))

    def grow(self, contiguous: bool) -> None:
        """Select > Grow and Similar with the Magic Wand's Tolerance and Sample All Layers
        (its options bar's, remembered in the settings)."""
        w = self.window
        if w.doc is None:
            return
        settings = w.settings
        tolerance = settings.value("tools/wand/tolerance", 32, int)
        layer = None if settings.value("tools/wand/all_layers", False, bool) else w.doc.active
        layer = layer if isinstance(layer, Layer) else None  # a group: what the canvas shows
        self._op("grow the selection",
                 lambda d: selection_ops.grow(d, tolerance, contiguous, layer))

    def transform_selection(self) -> None:
        """Select > Transform Selection: Free Transform's handles on the selection's outline
        (`tools.transform_selection`), committed by Enter as one undo step."""
        w = self.window
        doc = w.doc
        if doc is None:
            return
        if w.tools.mode is not None:
            w.status(f"Finish {w.tools.mode.label} first (Enter or Esc), then transform "
                     f"the selection.")
            return
        try:
            SelectionTransformTool.check(doc)
        except DocumentError as exc:
            w.report(exc, "Could not transform the selection")
            return
        w.tools.start_mode(SelectionTransformTool(w, w.tools, doc))
        w.canvas.setFocus()

    def layer_pixels(self, layer) -> None:
        """Ctrl+click on a thumbnail: the layer's pixels become the selection."""
        if isinstance(layer, Layer):
            self._op("select the layer's pixels", lambda d: selection_ops.select_mask(
                d, selection_ops.layer_pixels_mask(d, layer), "replace", "Select Layer Pixels"))
