"""Image > Adjustments and the Filter menu: destructive adjustments and filters on the active
pixel layer, inside the selection (its soft edge) when there is one.

Image > Adjustments holds Brightness/Contrast, Levels (Ctrl+L), Curves (Ctrl+M), Exposure,
Hue/Saturation (Ctrl+U), Color Balance (Ctrl+B), each in a dialog that edits the
adjustment layers' settings in their own editor, and the one-shot Invert (Ctrl+I)
and Desaturate (Shift+Ctrl+U). The Filter menu holds Blur > Gaussian Blur and Motion
Blur, Noise > Add Noise, Sharpen > Unsharp Mask. The dialogs (`filter_dialog.py`)
preview live on the canvas; OK is one undo step, Cancel leaves nothing. The work is
`editor.model.filter_ops` with the operations of `editor.model.pixel_filters`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from editor.model import filter_ops, pixel_filters as pf
from editor.model.adjustments import KINDS

from .actions import ActionSpec, Spec, SubmenuSpec, has_doc, run_on_doc
from .filter_dialog import AdjustDialog, FilterDialog

if TYPE_CHECKING:
    from .window_api import EditorWindow

# Image > Adjustments, in Photoshop's order and keys (None: a separator before the next).
ADJUSTMENTS = (("brightness_contrast", "&Brightness/Contrast…", None),
               ("levels", "&Levels…", "Ctrl+L"), ("curves", "C&urves…", "Ctrl+M"),
               ("exposure", "E&xposure…", None), None,
               ("hue_saturation", "&Hue/Saturation…", "Ctrl+U"),
               ("color_balance", "Color &Balance…", "Ctrl+B"))
# The Filter menu's submenus and their filters.
FILTER_MENUS = (("filter_blur", "&Blur", (("gaussian_blur", "&Gaussian Blur…"),
                                          ("motion_blur", "&Motion Blur…"))),
                ("filter_noise", "&Noise", (("add_noise", "Add &Noise…"),)),
                ("filter_sharpen", "&Sharpen", (("unsharp_mask", "&Unsharp Mask…"),)))


class FilterCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[Spec]:
        specs: list[Spec] = [SubmenuSpec("image_adjustments", "&Adjustments", menu="image",
                                         separator=True)]
        separator = False
        for item in ADJUSTMENTS:
            if item is None:
                separator = True
                continue
            kind, text, keys = item
            specs.append(ActionSpec(
                f"adjust_{kind}", text, lambda k=kind: self.adjust(k), keys,
                tip=f"{KINDS[kind].label} on the active layer's pixels (inside the selection)",
                enabled=has_doc, menu="image_adjustments", separator=separator))
            separator = False
        specs += [
            ActionSpec("adjust_invert", "&Invert", lambda: self.one_shot(pf.Invert()), "Ctrl+I",
                       tip="Inverts the colours of the active layer (inside the selection)",
                       enabled=has_doc, menu="image_adjustments", separator=True),
            ActionSpec("adjust_desaturate", "&Desaturate", lambda: self.one_shot(pf.Desaturate()),
                       "Shift+Ctrl+U",
                       tip="Turns the active layer's colours grey (inside the selection)",
                       enabled=has_doc, menu="image_adjustments")]
        for menu, text, items in FILTER_MENUS:
            specs.append(SubmenuSpec(menu, text, menu="filter"))
            for kind, item_text in items:
                specs.append(ActionSpec(
                    f"filter_{kind}", item_text, lambda k=kind: self.filter(k),
                    tip=f"{pf.FILTERS[kind].label} on the active layer (inside the selection)",
                    enabled=has_doc, menu=menu))
        return specs

    def _target(self, label: str, verb: str):
        """The active pixel layer prepared, or None (the reason reported in one line)."""
        w = self.window
        return run_on_doc(w, f"Could not apply {label}",
                          lambda doc: filter_ops.prepare(doc, doc.active, verb))

    def adjust(self, kind: str) -> None:
        """Image > Adjustments > `kind`: its dialog over the active layer."""
        settings = KINDS[kind]()
        target = self._target(settings.label, "adjust")
        if target is not None:
            AdjustDialog(self.window, target, settings).exec()

    def filter(self, kind: str) -> None:
        """Filter > ... > `kind`: its dialog over the active layer."""
        op = pf.FILTERS[kind]()
        target = self._target(op.label, "filter")
        if target is not None:
            FilterDialog(self.window, target, op).exec()

    def one_shot(self, op: pf.Operation) -> None:
        """Invert, Desaturate: applied at once, one undo step."""
        run_on_doc(self.window, f"Could not apply {op.label}",
                   lambda doc: filter_ops.apply(doc, op, doc.active, what="adjust"))
