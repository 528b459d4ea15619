"""Layer > New Layer from Difference: the object an edit added, as a movable layer.

For a picture edited elsewhere (another editor's generative fill, a paint-over)
and stacked over its original: the active layer is the edited picture, the
layer below it the original (**New Layer from Difference**), or a layer the
user picks (**New Layer from Difference With…**). The marquee box or the
Quick Mask paint says where the object is; without them the changed area is
used. The operation is `editor.model.extract_apply` (prepare here, run as a
job with progress and Cancel, apply in one undo step): the object and its
shadow become a new layer above the edited one, which is hidden, so the
original shows around the object. The layer keeps its recipe.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from editor.jobs import Job, operation_job
from editor.model import Layer, decompose_apply, extract_apply
from editor.model.errors import DocumentError

from .actions import ActionSpec, is_layer

if TYPE_CHECKING:
    from .window_api import EditorWindow

TITLE = "New Layer from Difference"


class DifferenceCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec("layer_from_difference", "New Layer from &Difference",
                       lambda: self.new_layer_from_difference(),
                       tip="Lift the object this layer adds to the layer below it (with its "
                           "shadow) as a new layer",
                       enabled=is_layer, menu="layer", after="decompose_options"),
            ActionSpec("layer_from_difference_with", "New Layer from Difference &With…",
                       self.choose_original, enabled=is_layer, menu="layer",
                       after="layer_from_difference"),
        ]

    def choose_original(self) -> Optional[Job]:
        """Asks which layer holds the original picture, then runs."""
        from PySide6.QtWidgets import QInputDialog

        doc = self.window.doc
        if doc is None or not isinstance(doc.active, Layer):
            return None
        others = [layer for layer in doc.layers()
                  if layer is not doc.active and not layer.is_empty()][::-1]   # top first
        if not others:
            self.window.report(DocumentError("There is no other layer to compare with."), TITLE)
            return None
        names = [layer.name for layer in others]
        name, ok = QInputDialog.getItem(self.window, TITLE,
                                        f"Original picture for '{doc.active.name}':", names, 0,
                                        False)
        if not ok:
            return None
        return self.new_layer_from_difference(others[names.index(name)])

    def new_layer_from_difference(self, original: Optional[Layer] = None) -> Optional[Job]:
        """Starts the extraction for the active layer against `original` (default: the layer
        below it); returns the job."""
        w = self.window
        session, doc = w.session, w.doc
        if doc is None:
            return None
        box, mask = decompose_apply.document_mark(doc)
        try:
            prepared = extract_apply.prepare(doc, None, original, box, mask)
        except Exception as exc:
            w.report(exc, TITLE)
            return None
        w.tools.end_mode(commit=True)

        def apply(result) -> None:
            if session not in w.sessions:
                return  # the document was closed meanwhile
            layer = extract_apply.apply(doc, prepared, result, w.settings.alpha_as_mask)
            w.status(f"'{layer.name}': the object from '{prepared.edited_layer.name}' over "
                     f"'{prepared.original_layer.name}' ('{prepared.edited_layer.name}' is "
                     "hidden); Ctrl+Z undoes.")

        job = operation_job(TITLE, extract_apply.run, prepared, on_finished=apply)
        return w.jobs.submit(job, canvas=session.canvas,
                             failure_title="Could not make a layer from the difference")
