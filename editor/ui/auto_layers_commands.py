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
                           enabled=_two_chosen, menu="edit", after="perspective_warp"),
                ActionSpec("auto_blend", "Auto-&Blend Layers…", self.auto_blend,
                           tip="Mask the layers chosen in the Layers panel so together they "
                               "show the sharpest parts of each (Stack Images) or one picture "
                               "joined along seams (Panorama)",
                           enabled=_two_chosen, menu="edit", after="auto_align")]

    def auto_align(self) -> Optional[Job]:
        chosen = self._ask(auto_align, FAILURE, "auto_align/projection", "auto",
                           "AutoAlignDialog", "Auto-Align Layers", "Projection",
                           auto_align.PROJECTIONS,
                           "The layer whose position is locked stays put (with none locked, "
                           "the lowest chosen layer); the others move onto it.")
        return None if chosen is None else self.align(*chosen)

    def align(self, doc, nodes, projection: str) -> Optional[Job]:
        """The layers matched on the worker and moved when it finishes (one undo step)."""
        def done(prepared) -> str:
            moved = len(prepared.moving)
            return (f"Aligned {moved} layer{'s' if moved != 1 else ''} onto "
                    f"'{prepared.reference.name}'.")

        return self._submit(auto_align, FAILURE, doc, nodes, projection, done)

    def auto_blend(self) -> Optional[Job]:
        chosen = self._ask(auto_blend, BLEND_FAILURE, "auto_blend/method", "panorama",
                           "AutoBlendDialog", "Auto-Blend Layers", "Blend Method",
                           auto_blend.METHODS,
                           "Each layer gets a layer mask (replacing its own); the pixels are "
                           "not changed.")
        return None if chosen is None else self.blend(*chosen)

    def blend(self, doc, nodes, method: str) -> Optional[Job]:
        """The masks made on the worker and set when it finishes (one undo step)."""
        return self._submit(auto_blend, BLEND_FAILURE, doc, nodes, method,
                            lambda prepared: f"Blended {len(prepared.layers)} layers "
                                             f"({auto_blend.METHODS[method]}).")

    def _ask(self, module, failure: str, setting: str, default: str, name: str, title: str,
             heading: str, choices: dict[str, str], note: str) -> Optional[tuple]:
        """(document, chosen layers, choice) once `module` accepts the chosen layers and the
        user picks in the dialog (remembered under `setting`); None when refused (one line,
        before any dialog) or cancelled."""
        w = self.window
        doc = w.doc
        if doc is None:
            return None
        nodes = w.layers_panel.selected_nodes()
        try:
            module.prepare(doc, nodes)  # refuse before asking anything
        except Exception as exc:
            w.report(exc, failure)
            return None
        settings = w.settings
        self.dialog = dialog = ChoiceDialog(w, name, title, heading, choices,
                                            settings.value(setting, default), note)
        if not dialog.exec():
            return None
        choice = dialog.choice()
        settings.set_value(setting, choice)
        return doc, nodes, choice

    def _submit(self, module, failure: str, doc, nodes, choice: str, done) -> Optional[Job]:
        """`module`'s work on the worker, applied when it finishes (one undo step);
        `done(prepared)` is the status line then."""
        def land(prepared, result) -> str:
            module.apply(doc, prepared, result)
            return done(prepared)

        return self.window.jobs.submit_prepared(
            module.NAME, lambda: module.prepare(doc, nodes, choice), module.run, land, failure)
