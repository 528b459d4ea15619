"""Layer > Matting: Color Decontaminate… (its Amount) and Defringe… (its Width), each asked
in a small dialog and remembered, Remove Black Matte and Remove White Matte, on the active
pixel layer (`editor.model.matting`): one undo step
each, inside the selection; a layer that cannot take them says why in one line."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFormLayout, QSpinBox, QVBoxLayout

from editor.jobs import operation_job
from editor.model import filter_ops, matting

from .actions import ActionSpec, SubmenuSpec, is_pixel_layer, run_on_doc
from .dialogs import ok_cancel

if TYPE_CHECKING:
    from .window_api import EditorWindow


class MattingDialog(QDialog):
    """Defringe's and Color Decontaminate's dialog: one number (Width px, Amount %)."""

    def __init__(self, parent, title: str, label: str, high: int, suffix: str, value: int):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(title.replace(" ", "") + "Dialog")
        self.setMinimumWidth(260)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.value = QSpinBox()
        self.value.setObjectName("MattingAmount")
        self.value.setRange(1, high)
        self.value.setSuffix(suffix)
        self.value.setValue(value)
        self.value.setMinimumWidth(100)
        form.addRow(f"{label}:", self.value)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(ok_cancel(self))
        self.value.selectAll()


class MattingCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list:
        return [
            SubmenuSpec("matting", "&Matting", menu="layer", separator=True),
            ActionSpec("color_decontaminate", "&Color Decontaminate…", self.decontaminate,
                       enabled=is_pixel_layer, menu="matting",
                       tip="Replace the old background's colour along the layer mask's soft "
                           "edge with the object's"),
            ActionSpec("defringe", "&Defringe…", self.defringe, enabled=is_pixel_layer,
                       menu="matting",
                       tip="Give the layer's edge pixels the colour of the pure pixels "
                           "just inside"),
            ActionSpec("remove_black_matte", "Remove &Black Matte",
                       lambda: self.remove_matte(False), enabled=is_pixel_layer,
                       menu="matting", tip="Undo a soft edge's blend with black"),
            ActionSpec("remove_white_matte", "Remove &White Matte",
                       lambda: self.remove_matte(True), enabled=is_pixel_layer,
                       menu="matting", tip="Undo a soft edge's blend with white"),
        ]

    def _ask(self, key: str, title: str, label: str, high: int, suffix: str,
             default: int):
        """The dialog's number (remembered under layer/`key`), or None when cancelled."""
        w = self.window
        if w.doc is None:
            return None
        dialog = MattingDialog(w, title, label, high, suffix,
                               w.settings.value(f"layer/{key}", default, int))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        w.settings.set_value(f"layer/{key}", dialog.value.value())
        return dialog.value.value()

    def decontaminate(self) -> None:
        amount = self._ask("decontaminate_amount", "Color Decontaminate", "Amount", 100,
                           " %", 100)
        if amount is not None:
            self._submit("Could not decontaminate the colours",
                         lambda d: matting.decontaminate_op(d, amount))

    def defringe(self) -> None:
        width = self._ask("defringe_width", "Defringe", "Width", matting.DEFRINGE_MAX, " px", 1)
        if width is not None:
            self._submit("Could not defringe the layer", lambda d: matting.Defringe(width=width))

    def remove_matte(self, white: bool) -> None:
        self._submit("Could not remove the matte", lambda d: matting.RemoveMatte(white=white))

    def _submit(self, title: str, make_op) -> None:
        """Checks the layer now (a refusal is one line), runs the operation as a job (the
        filters' path: 4 s of Defringe on 12 MP must not hold the window) and records it as
        one undo step when it ends."""
        w = self.window

        def prepare(doc):
            op = make_op(doc)
            return op, matting.prepare(doc, op)

        prepared = run_on_doc(w, title, prepare)
        if prepared is None:
            return
        op, target = prepared

        def keep(result) -> None:
            run_on_doc(w, title, lambda d: filter_ops.keep(d, filter_ops.show(d, target, result)))

        job = operation_job(op.label, lambda t, progress: filter_ops.run(t, op, progress),
                            target, on_finished=keep)
        w.jobs.submit(job, canvas=w.canvas, failure_title=title)
