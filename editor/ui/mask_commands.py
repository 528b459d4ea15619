"""Layer > Layer Mask (Reveal All, Hide All, Reveal/Hide Selection, From Transparency,
Delete, Apply, Disable, Link) and Create/Release Clipping Mask (Alt+Ctrl+G).

The operations are in `editor.model.mask_ops` (no Qt); each is one undo step.
Which of a layer's pixels or its mask Brush and Eraser paint is
`Document.mask_targeted` (the Layers panel's mask thumbnail sets it).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from editor.model import mask_ops

if TYPE_CHECKING:
    from .main_window import MainWindow


class MaskCommands:
    def __init__(self, window: "MainWindow"):
        self.window = window

    def install(self) -> None:
        from .actions import add_plain_actions

        w, actions = self.window, self.window.actions
        specs = [
            ("mask_reveal_all", "&Reveal All", None, lambda: self.add("reveal_all")),
            ("mask_hide_all", "&Hide All", None, lambda: self.add("hide_all")),
            ("mask_reveal_selection", "Reveal &Selection", None,
             lambda: self.add("reveal_selection")),
            ("mask_hide_selection", "Hide S&election", None, lambda: self.add("hide_selection")),
            ("mask_from_transparency", "From &Transparency", None,
             lambda: self._op("make a mask from transparency", mask_ops.mask_from_transparency)),
            ("mask_delete", "&Delete", None, lambda: self._op("delete the mask", mask_ops.delete_mask)),
            ("mask_apply", "&Apply", None, lambda: self._op("apply the mask", mask_ops.apply_mask)),
            ("mask_disable", "Disa&ble", None, self.toggle_enabled),
            ("mask_unlink", "&Unlink", None, self.toggle_linked),
            ("mask_target", "Edit Layer &Mask", "Ctrl+\\", self.toggle_target),
            ("clipping", "Create &Clipping Mask", "Alt+Ctrl+G",
             lambda: self._op("change the clipping mask", mask_ops.toggle_clipping)),
        ]
        add_plain_actions(w, specs)
        for name in ("mask_disable", "mask_unlink", "mask_target"):
            actions[name].setCheckable(True)
        menu = QMenu("Layer Mas&k", w)
        menu.setObjectName("menu_layer_mask")
        for name in ("mask_reveal_all", "mask_hide_all", "mask_reveal_selection",
                     "mask_hide_selection", "mask_from_transparency", None, "mask_delete",
                     "mask_apply", None, "mask_disable", "mask_unlink", "mask_target"):
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(actions[name])
        w.menus["layer_mask"] = menu
        layer_menu = w.menus["layer"]
        layer_menu.addSeparator()
        layer_menu.addMenu(menu)
        layer_menu.addAction(actions["clipping"])

    def refresh(self, doc, node) -> None:
        a = self.window.actions
        usable = doc is not None and node is not None and node is not doc.root
        has_mask = usable and node.mask is not None
        selected = doc is not None and (doc.selection is not None or doc.selection_mask is not None)
        for name in ("mask_reveal_all", "mask_hide_all"):
            a[name].setEnabled(usable and not has_mask)
        for name in ("mask_reveal_selection", "mask_hide_selection"):
            a[name].setEnabled(usable and not has_mask and selected)
        a["mask_from_transparency"].setEnabled(usable and not has_mask and node.kind == "pixel")
        for name in ("mask_delete", "mask_disable", "mask_unlink", "mask_target"):
            a[name].setEnabled(has_mask)
        a["mask_apply"].setEnabled(has_mask and node.kind == "pixel")
        a["mask_disable"].setChecked(has_mask and not node.mask.enabled)
        a["mask_unlink"].setChecked(has_mask and not node.mask.linked)
        a["mask_target"].setChecked(bool(has_mask and doc.mask_targeted))
        a["clipping"].setEnabled(usable and (node.clipping or node.index() > 0))
        a["clipping"].setText("Release &Clipping Mask" if usable and node.clipping
                              else "Create &Clipping Mask")

    def _op(self, what: str, fn) -> None:
        w = self.window
        if w.doc is None:
            return
        w.tools.end_mode(commit=True)
        try:
            fn(w.doc, w.doc.active)
        except Exception as exc:
            w.report(exc, f"Could not {what}")

    def add(self, mode: str) -> None:
        self._op("add a layer mask", lambda d, n: mask_ops.add_mask(d, n, mode))

    def toggle_enabled(self) -> None:
        self._op("change the mask",
                 lambda d, n: mask_ops.set_mask_enabled(d, n, not n.mask.enabled) if n and n.mask else None)

    def toggle_linked(self) -> None:
        self._op("change the mask",
                 lambda d, n: mask_ops.set_mask_attr(d, n, "linked", not n.mask.linked)
                 if n and n.mask else None)

    def toggle_target(self) -> None:
        doc = self.window.doc
        if doc is not None:
            doc.set_mask_targeted(not doc.mask_targeted)
