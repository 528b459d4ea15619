"""Image > Adjustments > HDR Toning… and Variations… (after Shadows/Highlights, as in
Photoshop's menu).

HDR Toning works on a flat image, as Photoshop's: with more than one layer (or one that
is not a plain pixel layer) it first asks to flatten the document; the flattening and the
toning are then one undo step, and Cancel in either question leaves the document as it
was. Variations works on the active pixel layer (inside the selection) as the other
adjustments do. Both apply through `filter_ops` (`hdr_toning_dialog.py`,
`variations_dialog.py`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from editor.model import filter_ops
from editor.model.layers import Layer

from . import dialogs
from .actions import ActionSpec, Spec, has_doc

if TYPE_CHECKING:
    from .window_api import EditorWindow


class _Cancelled(Exception):
    """The dialog after the flattening was cancelled: the macro (the flattening) is undone."""


def is_flat(doc) -> bool:
    """One plain pixel layer (not text, a smart object or an adjustment), nothing else."""
    children = doc.root.children
    return len(children) == 1 and type(children[0]) is Layer


class HDRCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[Spec]:
        return [
            ActionSpec("adjust_hdr_toning", "HDR &Toning…", self.hdr_toning,
                       tip="Tones the image by local adaptation (edge glow, detail), "
                           "histogram equalization or exposure and gamma; flattens the "
                           "document first",
                       enabled=has_doc, menu="image_adjustments",
                       after="adjust_shadows_highlights"),
            ActionSpec("adjust_variations", "Varia&tions…", self.variations,
                       tip="Corrects colour and lightness by clicking thumbnails (More Red, "
                           "Lighter…) on the active layer (inside the selection)",
                       enabled=has_doc, menu="image_adjustments", after="adjust_hdr_toning"),
        ]

    def hdr_toning(self) -> None:
        """Image > Adjustments > HDR Toning…: (flattening first when asked) its dialog."""
        from .hdr_toning_dialog import HDRToningDialog

        w = self.window
        doc = w.doc
        if doc is None:
            return
        w.tools.end_mode(commit=True)
        flat = is_flat(doc)
        if not flat and not dialogs.ask_flatten(w, "HDR Toning"):
            return
        try:
            if flat:  # (its own step, as the other adjustments': Edit > Fade can fade it)
                HDRToningDialog(w, filter_ops.prepare(doc, doc.active, "adjust")).exec()
                return
            with doc.history.macro("HDR Toning"):
                doc.flatten()
                target = filter_ops.prepare(doc, doc.active, "adjust")
                if not HDRToningDialog(w, target).exec():
                    raise _Cancelled
        except _Cancelled:
            pass
        except Exception as exc:
            w.report(exc, "Could not apply HDR Toning")

    def variations(self) -> None:
        """Image > Adjustments > Variations…: its dialog over the active layer."""
        from .variations_dialog import VariationsDialog

        w = self.window
        if w.doc is None:
            return
        w.tools.end_mode(commit=True)
        try:
            target = filter_ops.prepare(w.doc, w.doc.active, "adjust")
        except Exception as exc:
            w.report(exc, "Could not apply Variations")
            return
        VariationsDialog(w, target).exec()
