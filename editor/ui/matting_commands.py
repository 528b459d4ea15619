"""Layer > Matting: Defringe… (its Width in a small dialog, remembered), Remove Black Matte
and Remove White Matte, on the active pixel layer (`editor.model.matting`): one undo step
each, inside the selection; a layer that cannot take them says why in one line."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFormLayout, QSpinBox, QVBoxLayout

from editor.model import matting

from .actions import ActionSpec, SubmenuSpec, is_pixel_layer, run_on_doc
from .dialogs import ok_cancel

if TYPE_CHECKING:
    from .window_api import EditorWindow


class DefringeDialog(QDialog):
    """Photoshop's Defringe dialog: the Width in pixels."""

    def __init__(self, parent, width: int):
        super().__init__(parent)
        self.setWindowTitle("Defringe")
        self.setObjectName("DefringeDialog")
        self.setMinimumWidth(240)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.width_box = QSpinBox()
        self.width_box.setObjectName("DefringeWidth")
        self.width_box.setRange(1, matting.DEFRINGE_MAX)
        self.width_box.setSuffix(" px")
        self.width_box.setValue(width)
        self.width_box.setMinimumWidth(100)
        form.addRow("Width:", self.width_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(ok_cancel(self))
        self.width_box.selectAll()


class MattingCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list:
        return [
            SubmenuSpec("matting", "Matting", menu="layer", after="trim", separator=True),
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

    def defringe(self) -> None:
        w = self.window
        if w.doc is None:
            return
        dialog = DefringeDialog(w, w.settings.value("layer/defringe_width", 1, int))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        width = dialog.width_box.value()
        w.settings.set_value("layer/defringe_width", width)
        run_on_doc(w, "Could not defringe the layer",
                   lambda d: matting.apply(d, matting.Defringe(width=width)))

    def remove_matte(self, white: bool) -> None:
        run_on_doc(self.window, "Could not remove the matte",
                   lambda d: matting.apply(d, matting.RemoveMatte(white=white)))
