"""Edit > Auto-Align Layers…: the Projection asked in a small dialog (Auto, Perspective,
Collage, Reposition, as Photoshop's; the last choice remembered), then the layers chosen
in the Layers panel matched and moved onto the reference as a job (progress and Esc in
the status bar), one undo step when it lands. The work is `editor.model.auto_align`."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import QButtonGroup, QDialog, QLabel, QRadioButton, QVBoxLayout

from editor.jobs import Job, operation_job
from editor.model import auto_align

from .actions import ActionSpec, Context
from .dialogs import ok_cancel

if TYPE_CHECKING:
    from .window_api import EditorWindow

FAILURE = "Could not align the layers"


class AutoAlignDialog(QDialog):
    """The Projection to align by."""

    def __init__(self, window: "EditorWindow", chosen: str):
        super().__init__(window)
        self.setObjectName("AutoAlignDialog")
        self.setWindowTitle("Auto-Align Layers")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Projection"))
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for key, label in auto_align.PROJECTIONS.items():
            button = QRadioButton(label)
            button.setObjectName(f"AutoAlign_{key}")
            button.setChecked(key == chosen)
            self.group.addButton(button)
            self.buttons[key] = button
            layout.addWidget(button)
        note = QLabel("The layer whose position is locked stays put (with none locked, the "
                      "lowest chosen layer); the others move onto it.")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(ok_cancel(self))

    def projection(self) -> str:
        return next(k for k, b in self.buttons.items() if b.isChecked())


def _two_chosen(c: Context) -> bool:
    return c.doc is not None and c.node is not None


class AutoAlignCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.dialog: Optional[AutoAlignDialog] = None  # for tests and screenshots

    def action_specs(self) -> list[ActionSpec]:
        return [ActionSpec("auto_align", "Auto-Align &Layers…", self.auto_align,
                           tip="Move, turn, scale or put in perspective the layers chosen in "
                               "the Layers panel so their content lies on one another's",
                           enabled=_two_chosen, menu="edit", after="puppet_warp")]

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
        self.dialog = dialog = AutoAlignDialog(w, settings.value("auto_align/projection", "auto"))
        if not dialog.exec():
            return None
        projection = dialog.projection()
        settings.set_value("auto_align/projection", projection)
        return self.align(doc, nodes, projection)

    def align(self, doc, nodes, projection: str) -> Optional[Job]:
        """The layers matched on the worker and moved when it finishes (one undo step)."""
        w = self.window
        session = w.session
        try:
            prepared = auto_align.prepare(doc, nodes, projection)
        except Exception as exc:
            w.report(exc, FAILURE)
            return None

        def land(aligned) -> None:
            if session not in w.sessions:
                return  # the document was closed meanwhile
            try:
                auto_align.apply(doc, prepared, aligned)
            except Exception as exc:
                w.report(exc, FAILURE)
                return
            w.status(f"Aligned {len(prepared.moving)} layer"
                     f"{'s' if len(prepared.moving) != 1 else ''} onto "
                     f"'{prepared.reference.name}'.")

        job = operation_job(auto_align.NAME, auto_align.run, prepared, on_finished=land)
        return w.jobs.submit(job, canvas=session.canvas, failure_title=FAILURE)
