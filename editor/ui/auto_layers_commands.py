"""Edit > Auto-Align Layers… and Auto-Blend Layers…, on the layers chosen in the Layers panel.

Auto-Align asks the Projection (Auto, Perspective, Collage, Reposition, as Photoshop's),
Auto-Blend the Blend Method (Panorama, Stack Images), in small dialogs that remember the
last choice; each then runs as a job (progress and Esc in the status bar) and lands as one
undo step. The work is `editor.model.auto_align` and `editor.model.auto_blend`; a refusal
(one chosen layer, a locked one) comes in one line before any dialog."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import QButtonGroup, QDialog, QLabel, QRadioButton, QVBoxLayout

from editor.jobs import Job
from editor.model import auto_align, auto_blend

from .actions import ActionSpec, Context
from .dialogs import ok_cancel

if TYPE_CHECKING:
    from .window_api import EditorWindow

FAILURE = "Could not align the layers"
BLEND_FAILURE = "Could not blend the layers"


class ChoiceDialog(QDialog):
    """One choice among radio buttons (Auto-Align's Projection, Auto-Blend's Method)."""

    def __init__(self, window: "EditorWindow", name: str, title: str, heading: str,
                 choices: dict[str, str], chosen: str, note: str):
        super().__init__(window)
        self.setObjectName(name)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(heading))
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for key, label in choices.items():
            button = QRadioButton(label)
            button.setObjectName(f"{name}_{key}")
            button.setChecked(key == chosen)
            self.group.addButton(button)
            self.buttons[key] = button
            layout.addWidget(button)
        if not any(b.isChecked() for b in self.buttons.values()):
            next(iter(self.buttons.values())).setChecked(True)
        label = QLabel(note)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(ok_cancel(self))

    def choice(self) -> str:
        return next(k for k, b in self.buttons.items() if b.isChecked())


def _two_chosen(c: Context) -> bool:
    return c.doc is not None and c.node is not None


class AutoLayersCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.dialog: Optional[ChoiceDialog] = None  # the last one shown (tests, screenshots)

    def action_specs(self) -> list[ActionSpec]:
        return [ActionSpec("auto_align", "Auto-Align &Layers…", self.auto_align,
                           tip="Move, turn, scale or put in perspective the layers chosen in "
                               "the Layers panel so their content lies on one another's",
                           enabled=_two_chosen, menu="edit", after="puppet_warp"),
                ActionSpec("auto_blend", "Auto-&Blend Layers…", self.auto_blend,
                           tip="Mask the layers chosen in the Layers panel so together they "
                               "show the sharpest parts of each (Stack Images) or one picture "
                               "joined along seams (Panorama)",
                           enabled=_two_chosen, menu="edit", after="auto_align")]

    def auto_align(self) -> Optional[Job]:
        w = self.window
        doc = w.doc
        if doc is None:
            return None
        nodes = w.layers_panel.selected_nodes()
        try:
            auto_align.prepare(doc, nodes)  # refuse before asking anything
        except Exception as exc:
            w.report(exc, FAILURE)
            return None
        settings = w.settings
        self.dialog = dialog = ChoiceDialog(
            w, "AutoAlignDialog", "Auto-Align Layers", "Projection", auto_align.PROJECTIONS,
            settings.value("auto_align/projection", "auto"),
            "The layer whose position is locked stays put (with none locked, the lowest "
            "chosen layer); the others move onto it.")
        if not dialog.exec():
            return None
        projection = dialog.choice()
        settings.set_value("auto_align/projection", projection)
        return self.align(doc, nodes, projection)

    def align(self, doc, nodes, projection: str) -> Optional[Job]:
        """The layers matched on the worker and moved when it finishes (one undo step)."""
        w = self.window
        try:
            prepared = auto_align.prepare(doc, nodes, projection)
        except Exception as exc:
            w.report(exc, FAILURE)
            return None

        def land(aligned) -> str:
            auto_align.apply(doc, prepared, aligned)
            moved = len(prepared.moving)
            return (f"Aligned {moved} layer{'s' if moved != 1 else ''} onto "
                    f"'{prepared.reference.name}'.")

        return w.jobs.submit_operation(auto_align.NAME, auto_align.run, prepared, land, FAILURE)

    def auto_blend(self) -> Optional[Job]:
        w = self.window
        doc = w.doc
        if doc is None:
            return None
        nodes = w.layers_panel.selected_nodes()
        try:
            auto_blend.prepare(doc, nodes)  # refuse before asking anything
        except Exception as exc:
            w.report(exc, BLEND_FAILURE)
            return None
        settings = w.settings
        self.dialog = dialog = ChoiceDialog(
            w, "AutoBlendDialog", "Auto-Blend Layers", "Blend Method", auto_blend.METHODS,
            settings.value("auto_blend/method", "panorama"),
            "Each layer gets a layer mask (replacing its own); the pixels are not changed.")
        if not dialog.exec():
            return None
        method = dialog.choice()
        settings.set_value("auto_blend/method", method)
        return self.blend(doc, nodes, method)

    def blend(self, doc, nodes, method: str) -> Optional[Job]:
        """The masks made on the worker and set when it finishes (one undo step)."""
        w = self.window
        try:
            prepared = auto_blend.prepare(doc, nodes, method)
        except Exception as exc:
            w.report(exc, BLEND_FAILURE)
            return None

        def land(masks) -> str:
            auto_blend.apply(doc, prepared, masks)
            return f"Blended {len(prepared.layers)} layers ({auto_blend.METHODS[method]})."

        return w.jobs.submit_operation(auto_blend.NAME, auto_blend.run, prepared, land,
                                       BLEND_FAILURE)
