"""Layer > Layer Mask (Reveal All, Hide All, Reveal/Hide Selection, From Transparency,
Delete, Apply, Disable, Link), Layer > Vector Mask (Reveal All, Hide All, Delete,
Disable/Enable, Rasterize; the Pen and Direct Selection tools draw and reshape it) and
Create/Release Clipping Mask (Alt+Ctrl+G). Both submenus end with Add/Subtract/Intersect
(Vector) Mask To/From/With Selection, and Layer Mask with Mask Properties: the mask
thumbnails' context menus (`mask_menus`) trigger these same actions.

The operations are in `editor.model.mask_ops` (no Qt); each is one undo step.
Which of a layer's pixels or its mask Brush and Eraser paint is
`Document.mask_targeted` (the Layers panel's mask thumbnail sets it).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from editor.model import mask_ops

from .actions import ActionSpec, Context, Spec, SubmenuSpec, run_on_doc

if TYPE_CHECKING:
    from .window_api import EditorWindow


def usable(c: Context) -> bool:
    """A layer or group of the document (not its root) is active."""
    return (c.doc is not None and c.node is not None and c.node is not c.doc.root
            and c.node.parent is not None)


def layer_has_mask(c: Context) -> bool:
    return usable(c) and c.node.mask is not None


def has_vector_mask(c: Context) -> bool:
    return usable(c) and c.node.vector_mask is not None


def vector_maskable(c: Context) -> bool:
    return usable(c) and c.node.vector_mask is None


def can_rasterize_vector(c: Context) -> bool:
    """The path is drawn, and so is the layer mask it would be multiplied into."""
    return (has_vector_mask(c) and c.node.vector_mask.enabled
            and (c.node.mask is None or c.node.mask.enabled))


def maskable(c: Context) -> bool:
    return usable(c) and c.node.mask is None


def maskable_by_selection(c: Context) -> bool:
    return maskable(c) and c.has_selection


def can_mask_transparency(c: Context) -> bool:
    return maskable(c) and c.node.kind == "pixel"


def can_apply(c: Context) -> bool:
    return layer_has_mask(c) and c.node.kind == "pixel"


def has_any_mask(c: Context) -> bool:
    return layer_has_mask(c) or has_vector_mask(c)


def can_clip(c: Context) -> bool:
    return usable(c) and (c.node.clipping or c.node.index() > 0)


# How a mask's area is combined with the selection: (op, text, needs a selection). Subtract
# and intersect have nothing to act on without one (Photoshop's Load Selection greys them).
SELECTION_OPS = (("add", "Add {} To Selection", False),
                 ("subtract", "Subtract {} From Selection", True),
                 ("intersect", "Intersect {} With Selection", True))


class MaskCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[Spec]:
        """Layer > Layer Mask (a submenu) and Create/Release Clipping Mask, last in Layer."""
        def in_mask_menu(name, text, slot, enabled, keys=None, checked=None, separator=False,
                         menu="layer_mask", label=None):
            return ActionSpec(name, text, slot, keys, enabled=enabled, menu=menu,
                              separator=separator, checkable=checked is not None,
                              checked=checked, label=label)

        return [
            SubmenuSpec("layer_mask", "Layer Mas&k", menu="layer", separator=True),
            in_mask_menu("mask_reveal_all", "&Reveal All", lambda: self.add("reveal_all"),
                         maskable),
            in_mask_menu("mask_hide_all", "&Hide All", lambda: self.add("hide_all"), maskable),
            in_mask_menu("mask_reveal_selection", "Reveal &Selection",
                         lambda: self.add("reveal_selection"), maskable_by_selection),
            in_mask_menu("mask_hide_selection", "Hide S&election",
                         lambda: self.add("hide_selection"), maskable_by_selection),
            in_mask_menu("mask_from_transparency", "From &Transparency",
                         lambda: self._op("make a mask from transparency",
                                          mask_ops.mask_from_transparency),
                         can_mask_transparency),
            in_mask_menu("mask_delete", "&Delete",
                         lambda: self._op("delete the mask", mask_ops.delete_mask),
                         layer_has_mask, separator=True),
            in_mask_menu("mask_apply", "&Apply",
                         lambda: self._op("apply the mask", mask_ops.apply_mask), can_apply),
            in_mask_menu("mask_disable", "Disa&ble", self.toggle_enabled, layer_has_mask,
                         checked=lambda c: layer_has_mask(c) and not c.node.mask.enabled,
                         separator=True),
            in_mask_menu("mask_unlink", "&Unlink", self.toggle_linked, layer_has_mask,
                         checked=lambda c: layer_has_mask(c) and not c.node.mask.linked),
            in_mask_menu("mask_target", "Edit Layer &Mask", self.toggle_target, layer_has_mask,
                         "Ctrl+\\",
                         checked=lambda c: layer_has_mask(c) and c.doc.mask_targeted),
            SubmenuSpec("vector_mask", "&Vector Mask", menu="layer"),
            in_mask_menu("vector_mask_reveal_all", "Re&veal All",
                         lambda: self.add_vector("reveal_all"), vector_maskable,
                         menu="vector_mask"),
            in_mask_menu("vector_mask_hide_all", "&Hide All",
                         lambda: self.add_vector("hide_all"), vector_maskable,
                         menu="vector_mask"),
            in_mask_menu("vector_mask_delete", "&Delete Vector Mask",
                         lambda: self._op("delete the vector mask", mask_ops.delete_vector_mask),
                         has_vector_mask, menu="vector_mask", separator=True),
            in_mask_menu("vector_mask_disable", "Disa&ble Vector Mask",
                         self.toggle_vector_enabled, has_vector_mask, menu="vector_mask",
                         label=lambda c: "&Enable Vector Mask" if has_vector_mask(c)
                         and not c.node.vector_mask.enabled else "Disa&ble Vector Mask"),
            in_mask_menu("vector_mask_rasterize", "&Rasterize Vector Mask",
                         lambda: self._op("rasterize the vector mask",
                                          mask_ops.rasterize_vector_mask),
                         can_rasterize_vector, menu="vector_mask", separator=True),
            *self._selection_specs("mask", "Mask", mask_ops.mask_to_selection, layer_has_mask,
                                   "layer_mask"),
            ActionSpec("mask_properties", "Mask &Properties", self.show_properties,
                       enabled=has_any_mask, menu="layer_mask", separator=True),
            *self._selection_specs("vector_mask", "Vector Mask",
                                   mask_ops.vector_mask_to_selection, has_vector_mask,
                                   "vector_mask"),
            ActionSpec("clipping", "Create &Clipping Mask",
                       lambda: self._op("change the clipping mask", mask_ops.toggle_clipping),
                       "Alt+Ctrl+G", enabled=can_clip, menu="layer",
                       label=lambda c: "Release &Clipping Mask" if usable(c) and c.node.clipping
                       else "Create &Clipping Mask"),
        ]

    def _selection_specs(self, prefix: str, what: str, load, rule, menu: str) -> list[Spec]:
        """The mask's area added to, subtracted from or intersected with the selection, at
        the end of submenu `menu` (the Ctrl+Shift/Alt+clicks on a thumbnail call `load` too)."""
        def enabled(needs_selection: bool):
            return (lambda c: rule(c) and c.has_selection) if needs_selection else rule

        return [ActionSpec(f"{prefix}_selection_{op}", text.format(what),
                           lambda op=op: self._op("change the selection",
                                                  lambda d, n: load(d, n, op)),
                           enabled=enabled(needs), menu=menu, separator=op == "add")
                for op, text, needs in SELECTION_OPS]

    def show_properties(self) -> None:
        """Properties in front: the masks' density and feather are there."""
        dock = self.window.docks["properties"]
        dock.show()
        dock.raise_()

    def _op(self, what: str, fn) -> None:
        run_on_doc(self.window, f"Could not {what}", lambda d: fn(d, d.active))

    def add(self, mode: str) -> None:
        self._op("add a layer mask", lambda d, n: mask_ops.add_mask(d, n, mode))

    def add_vector(self, mode: str) -> None:
        self._op("add a vector mask", lambda d, n: mask_ops.add_vector_mask(d, n, mode))

    def toggle_enabled(self) -> None:
        self._op("change the mask",
                 lambda d, n: mask_ops.set_mask_enabled(d, n, not n.mask.enabled) if n and n.mask else None)

    def toggle_vector_enabled(self) -> None:
        self._op("change the vector mask",
                 lambda d, n: mask_ops.set_vector_mask_enabled(d, n, not n.vector_mask.enabled)
                 if n and n.vector_mask else None)

    def toggle_linked(self) -> None:
        self._op("change the mask",
                 lambda d, n: mask_ops.set_mask_attr(d, n, "linked", not n.mask.linked)
                 if n and n.mask else None)

    def toggle_target(self) -> None:
        doc = self.window.doc
        if doc is not None:
            doc.set_mask_targeted(not doc.mask_targeted)
