"""Layer > New Layer from Difference: the object an edit added, as a movable layer.

For a picture edited elsewhere (another editor's generative fill, a paint-over)
and stacked over its original: the active layer is the edited picture, the
layer below it the original (**New Layer from Difference**), or a layer the
user picks (**New Layer from Difference With…**). The marquee box or the
Quick Mask paint says where the object is; without them the changed area is
used. The extraction runs as a job (status bar progress, Cancel); its result
is one undo step (`editor.model.extract_apply`): the object and its shadow
as a new layer above the edited one, which is hidden, so the original shows
around the object. The layer keeps its recipe.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from editor.jobs import Job
from editor.model import DocumentError, Layer

from .decompose_commands import MASK_THRESHOLD, _insert_after

if TYPE_CHECKING:
    from .main_window import MainWindow


class DifferenceCommands:
    def __init__(self, window: "MainWindow"):
        self.window = window

    def install(self) -> None:
        """Adds the two actions to the window's actions and the Layer menu."""
        from .actions import _action

        w, actions, menus = self.window, self.window.actions, self.window.menus
        actions["layer_from_difference"] = _action(
            w, "layer_from_difference", "New Layer from &Difference", None,
            lambda: self.new_layer_from_difference())
        actions["layer_from_difference_with"] = _action(
            w, "layer_from_difference_with", "New Layer from Difference &With…", None,
            self.choose_original)
        actions["layer_from_difference"].setToolTip(
            "Lift the object this layer adds to the layer below it (with its shadow) as a new layer")
        anchor = actions.get("decompose_options") or actions["trim"]
        _insert_after(menus["layer"], anchor, [actions["layer_from_difference"],
                                               actions["layer_from_difference_with"]])

    def refresh(self, doc, node) -> None:
        is_layer = isinstance(node, Layer)
        self.window.actions["layer_from_difference"].setEnabled(is_layer)
        self.window.actions["layer_from_difference_with"].setEnabled(is_layer)

    def choose_original(self) -> Optional[Job]:
        """Asks which layer holds the original picture, then runs."""
        from PySide6.QtWidgets import QInputDialog

        doc = self.window.doc
        if doc is None or not isinstance(doc.active, Layer):
            return None
        others = [layer for layer in doc.layers() if layer is not doc.active and not layer.is_empty()]
        if not others:
            self.window.report(DocumentError("There is no other layer to compare with."),
                               "New Layer from Difference")
            return None
        names = [layer.name for layer in reversed(others)]
        name, ok = QInputDialog.getItem(self.window, "New Layer from Difference",
                                        f"Original picture for '{doc.active.name}':", names, 0,
                                        False)
        if not ok:
            return None
        return self.new_layer_from_difference(others[::-1][names.index(name)])

    def new_layer_from_difference(self, original: Optional[Layer] = None) -> Optional[Job]:
        """Starts the extraction for the active layer against `original` (default: the layer
        below it); returns the job."""
        from editor.model.extract_apply import prepare

        w = self.window
        session, doc = w.session, w.doc
        if doc is None:
            return None
        try:
            mask = None
            if doc.selection_mask is not None:
                mask = doc.selection_mask >= MASK_THRESHOLD
                mask = mask if mask.any() else None
            data = prepare(doc, None, original, doc.selection, mask)
        except Exception as exc:
            w.report(exc, "New Layer from Difference")
            return None
        w.tools.end_mode(commit=True)
        edited, before = data.edited_layer, (data.edited_layer.pixels, data.original_layer.pixels)

        def run(progress):
            from editor.model.extract_apply import run_extraction

            return run_extraction(data, progress)

        def apply(result) -> None:
            from editor.model.extract_apply import apply_extraction, sources_of

            if session not in w.sessions:
                return  # the document was closed meanwhile
            if data.edited_layer.pixels is not before[0] or \
                    data.original_layer.pixels is not before[1] or not doc.contains(edited):
                raise DocumentError("The layers changed while the difference was being "
                                    "extracted, so the result was not applied. Run it again.")
            layer = apply_extraction(doc, result, above=edited, hide=edited,
                                     sources=sources_of(data))
            w.status(f"'{layer.name}': the object from '{edited.name}' over "
                     f"'{data.original_layer.name}' ('{edited.name}' is hidden); Ctrl+Z undoes.")

        job = Job("New Layer from Difference", run, on_finished=apply)
        return w.jobs.submit(job, canvas=session.canvas,
                             failure_title="Could not make a layer from the difference")
