"""The Layer menu's own commands: new layer or group, duplicate, Layer via Copy / Cut,
delete, rename, show/hide, lock, Arrange, Align, Distribute, group/ungroup, Merge Down (Merge
Layers with several chosen), Merge Visible,
Stamp Visible, Flatten Image and Trim Layer to Content.

Each is one `Document` operation (one undo step); other modules place their items
after these (Decompose after Trim, Layer Mask at the end, ...).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from editor.model import Document, Group, Layer, align_ops, edit_ops, layer_set_ops, replay
from editor.model.rasterize_style import rasterize_style

from .actions import (ActionSpec, Context, SubmenuSpec, can_merge_down, has_doc, has_node,
                      is_group, is_pixel_layer, run_on_doc)

if TYPE_CHECKING:
    from .actions import Spec
    from .window_api import EditorWindow


def can_cut_to_layer(c: Context) -> bool:
    """Layer via Cut: a pixel layer and a selection to cut from it."""
    return is_pixel_layer(c) and c.has_selection


def merges_chosen(c: Context) -> bool:
    """Several layers chosen in the Layers panel: Ctrl+E merges them (Merge Layers)."""
    return c.doc is not None and len(c.chosen) > 1


class LayerCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list["Spec"]:
        def item(name, text, slot, keys=None, icon=None, enabled=has_node, menu="layer",
                 separator=False, tip=None) -> ActionSpec:
            return ActionSpec(name, text, slot, keys, icon=icon, enabled=enabled, menu=menu,
                              separator=separator, tip=tip)

        return [
            item("new_layer", "&New Layer", self.new_layer, "Shift+Ctrl+N", "layer-new", has_doc),
            item("new_group", "New &Group", self.new_group, icon="folder", enabled=has_doc),
            item("duplicate", "&Duplicate Layer", self.duplicate_layer, icon="layer-duplicate"),
            # Photoshop's Ctrl+J: the selected pixels to a new layer, or without a
            # selection a duplicate (`edit_ops.layer_via_copy`).
            item("layer_via_copy", "Layer via &Copy", lambda: self.layer_via(False), "Ctrl+J"),
            item("layer_via_cut", "Layer via Cu&t", lambda: self.layer_via(True),
                 "Shift+Ctrl+J", enabled=can_cut_to_layer),
            item("delete_layer", "De&lete Layer", self.delete_layer, icon="layer-delete"),
            item("delete_hidden", "Delete &Hidden Layers", self.delete_hidden, enabled=has_doc,
                 tip="Delete every hidden layer and group, in one step"),
            item("rename_layer", "&Rename Layer…", self.rename_layer),
            item("toggle_visible", "Show/&Hide Layer", self.toggle_visible, "Ctrl+,", "eye",
                 separator=True),
            item("toggle_lock", "&Lock/Unlock Layer", self.toggle_lock, "Ctrl+/", "lock"),
            item("toggle_lock_transparency", "Lock &Transparent Pixels",
                 self.toggle_lock_transparency, "/", "lock-transparency"),
            SubmenuSpec("arrange", "&Arrange", menu="layer"),
            item("bring_to_front", "Bring to Fr&ont", lambda: self.arrange_end(True),
                 ["Shift+Ctrl+]", "Ctrl+}"], menu="arrange"),
            item("bring_forward", "Bring &Forward", lambda: self.raise_layer(1), "Ctrl+]",
                 menu="arrange"),
            item("send_backward", "Send &Backward", lambda: self.raise_layer(-1), "Ctrl+[",
                 menu="arrange"),
            item("send_to_back", "Send to B&ack", lambda: self.arrange_end(False),
                 ["Shift+Ctrl+[", "Ctrl+{"], menu="arrange"),
            SubmenuSpec("align", "Ali&gn", menu="layer"),
            *(item(f"align_{edge}", f"&{label}", (lambda e=edge: self.align(e)),
                   icon=f"align-{edge}", menu="align", separator=edge == "left",
                   enabled=has_doc, tip=f"Align {label}")
              for edge, (label, _, _) in align_ops.EDGES.items()),
            SubmenuSpec("distribute", "D&istribute", menu="layer"),
            # (Hori&zontally, Verti&cally: H and V are the centres' keys)
            *(item(f"distribute_{how}", {"hspace": "Hori&zontally", "vspace": "Verti&cally"}
                   .get(how, f"&{label}"), (lambda h=how: self.distribute(h)),
                   icon=f"distribute-{how}", menu="distribute",
                   separator=how in ("left", "hspace"), enabled=has_doc,
                   tip=f"Distribute {label}")
              for how, (label, _, _) in align_ops.DISTRIBUTE.items()),
            item("group", "&Group Layers", self.group_layers, "Ctrl+G", "layer-group",
                 separator=True),
            item("ungroup", "&Ungroup Layers", self.ungroup_layers, "Shift+Ctrl+G",
                 enabled=is_group),
            # Ctrl+E: Merge Down, or Merge Layers with several layers chosen (Photoshop's
            # one item, named for what it does).
            ActionSpec("merge_down", "&Merge Down", self.merge_down, "Ctrl+E", icon="merge-down",
                       enabled=lambda c: can_merge_down(c) or merges_chosen(c)
                       or isinstance(c.node, Group),
                       label=lambda c: "&Merge Layers" if merges_chosen(c) else
                       "&Merge Group" if isinstance(c.node, Group) else "&Merge Down",
                       menu="layer", separator=True),
            item("merge_visible", "Merge &Visible", self.merge_visible, "Shift+Ctrl+E",
                 enabled=has_doc),
            item("stamp_visible", "&Stamp Visible", self.stamp_visible, "Shift+Ctrl+Alt+E",
                 enabled=has_doc),
            item("flatten", "&Flatten Image", self.flatten, enabled=has_doc),
            item("trim", "&Trim Layer to Content", self.trim_layer, enabled=is_pixel_layer),
        ]

    def _op(self, title: str, fn) -> None:
        run_on_doc(self.window, title, fn)

    def new_layer(self) -> None:
        self._op("Could not add a layer", lambda d: replay.perform(d, "new_layer"))

    def new_group(self) -> None:
        self._op("Could not add a group",
                 lambda d: d.add_layer(Group(d.next_layer_name("Group")), name="New Group"))

    def duplicate_layer(self) -> None:
        self._op("Could not duplicate the layer",
                 lambda d: d.active and replay.perform(d, "duplicate_layer"))

    def delete_layer(self) -> None:
        self._op("Could not delete the layer",
                 lambda d: d.active and replay.perform(d, "delete_layer"))

    def delete_hidden(self) -> None:
        count = run_on_doc(self.window, "Could not delete the hidden layers",
                           layer_set_ops.delete_hidden)
        if count:
            self.window.status(f"Deleted {count} hidden layer{'s' if count != 1 else ''}.")

    def rasterize_style(self) -> None:
        self._op("Could not rasterize the layer style",
                 lambda d: rasterize_style(d, d.active))

    def rename_layer(self) -> None:
        w = self.window
        if w.doc is not None and w.doc.active is not None:
            w.docks["layers"].show()
            w.layers_panel.list.start_rename(w.doc.active)

    def toggle_visible(self) -> None:
        self._op("Could not change the layer",
                 lambda d: d.active and d.set_visible(d.active, not d.active.visible))

    def toggle_lock(self) -> None:
        self._op("Could not change the layer",
                 lambda d: d.active and d.set_locked(d.active, not d.active.locked))

    def toggle_lock_transparency(self) -> None:
        self._op("Could not change the layer",
                 lambda d: d.active and d.set_lock(d.active, "transparency",
                                                   not d.active.locks.transparency))

    def raise_layer(self, steps: int) -> None:
        def op(d: Document) -> None:
            node = d.active
            if node is None:
                return
            target = node.index() + steps
            if 0 <= target < len(node.parent.children):
                d.raise_node(node, steps)

        self._op("Could not move the layer", op)

    def arrange_end(self, front: bool) -> None:
        """Bring to Front / Send to Back: to the top or bottom of the node's own group
        (Photoshop's); clipping follows `Document.reorder`'s rules."""
        def op(d: Document) -> None:
            node = d.active
            if node is None:
                return
            siblings = node.parent.children
            target = len(siblings) - 1 if front else 0
            if node.index() != target:
                d.reorder(node, node.parent, target)

        self._op("Could not move the layer", op)

    def layer_via(self, cut: bool) -> None:
        self._op(f"Could not make a layer via {'cut' if cut else 'copy'}",
                 lambda d: edit_ops.layer_via_copy(d, d.active, cut,
                                                   self.window.background.getRgb()[:3]))

    def align(self, edge: str) -> None:
        nodes = self.window.layers_panel.selected_nodes()
        self._op("Could not align the layers", lambda d: align_ops.align(d, nodes, edge))

    def distribute(self, how: str) -> None:
        nodes = self.window.layers_panel.selected_nodes()
        self._op("Could not distribute the layers",
                 lambda d: align_ops.distribute(d, nodes, how))

    def merge_visible(self) -> None:
        self._op("Could not merge the visible layers", lambda d: replay.perform(d, "merge_visible"))

    def stamp_visible(self) -> None:
        self._op("Could not stamp the visible layers", lambda d: d.stamp_visible())

    def merge_down(self) -> None:
        nodes = self.window.layers_panel.selected_nodes()
        doc = self.window.doc
        if len(nodes) <= 1 and doc is not None and isinstance(doc.active, Group):
            nodes = [doc.active]  # Merge Group
        if len(nodes) > 1 or (nodes and isinstance(nodes[0], Group)):
            # Merge Layers (where the topmost was) or Merge Group (where it was)
            self._op("Could not merge the layers", lambda d: replay.perform(
                d, "merge_layers", names=[n.name for n in nodes], target=nodes))
            return
        self._op("Could not merge the layers",
                 lambda d: replay.perform(d, "merge_down") if isinstance(d.active, Layer) else None)

    def flatten(self) -> None:
        self._op("Could not flatten the image", lambda d: replay.perform(d, "flatten"))

    def group_layers(self) -> None:
        nodes = self.window.layers_panel.selected_nodes()
        self._op("Could not group the layers", lambda d: d.group(nodes))

    def ungroup_layers(self) -> None:
        self._op("Could not ungroup",
                 lambda d: d.ungroup(d.active) if isinstance(d.active, Group) else None)

    def trim_layer(self) -> None:
        self._op("Could not trim the layer",
                 lambda d: d.crop_layer_to_content(d.active) if isinstance(d.active, Layer) else None)
