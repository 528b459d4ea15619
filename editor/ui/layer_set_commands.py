"""Commands on the layers chosen in the Layers panel (its Ctrl/Shift choice,
`LayersPanel.selected_nodes`): Layer > Layer Style > Copy / Paste Layer Style, Layer >
Arrange > Reverse, Layer > Link / Unlink Layers, and Select > All Layers, Deselect Layers
and Find Layers. The work is `editor.model.layer_set_ops`'s, one undo step each; Merge
Layers is Ctrl+E's (`layer_commands.merge_down`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from editor.model import Layer, layer_set_ops, replay

from .actions import ActionSpec, Context, has_doc, run_on_doc
from .style_commands import can_style

if TYPE_CHECKING:
    from .actions import Spec
    from .window_api import EditorWindow


def _chosen(c: Context) -> tuple:
    return c.chosen or ((c.node,) if c.node is not None else ())


def several(c: Context) -> bool:
    return c.doc is not None and len(_chosen(c)) > 1


def any_linked(c: Context) -> bool:
    return c.doc is not None and any(n.link_group for n in _chosen(c))


class LayerSetCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        # Copy Layer Style's clipboard (shared by every document, as Photoshop's).
        self.copied: Optional[layer_set_ops.StyleCopy] = None

    def action_specs(self) -> list["Spec"]:
        return [
            ActionSpec("style_copy", "C&opy Layer Style", self.copy_style,
                       enabled=lambda c: c.doc is not None and can_style(c.node),
                       tip="Copy the active layer's effects and blending options",
                       menu="layer_style", after="effects_hide_all", separator=True),
            ActionSpec("style_paste", "&Paste Layer Style", self.paste_style,
                       enabled=lambda c: c.doc is not None and self.copied is not None
                       and any(can_style(n) for n in _chosen(c)),
                       tip="Give every chosen layer the copied layer style",
                       menu="layer_style", after="style_copy"),
            ActionSpec("reverse_layers", "&Reverse", self.reverse, enabled=several,
                       tip="Reverse the order of the chosen layers",
                       menu="arrange", after="send_to_back", separator=True),
            ActionSpec("link_layers", "Lin&k Layers", self.link, enabled=several,
                       tip="Link the chosen layers: they move together",
                       menu="layer", after="ungroup"),
            ActionSpec("unlink_layers", "Unlin&k Layers", self.unlink, enabled=any_linked,
                       menu="layer", after="link_layers"),
            ActionSpec("select_all_layers", "All La&yers", self.select_all_layers,
                       "Alt+Ctrl+A", enabled=has_doc, menu="select", after="inverse",
                       separator=True),
            ActionSpec("deselect_layers", "Deselect La&yers", self.deselect_layers,
                       enabled=lambda c: c.node is not None, menu="select",
                       after="select_all_layers"),
            ActionSpec("find_layers", "Find &Layers", self.find_layers, "Alt+Shift+Ctrl+F",
                       enabled=has_doc, tip="Show only the layers whose name holds a text",
                       menu="select", after="deselect_layers"),
        ]

    def _nodes(self) -> list:
        return self.window.layers_panel.selected_nodes()

    def copy_style(self) -> None:
        doc = self.window.doc
        if doc is not None and can_style(doc.active):
            self.copied = layer_set_ops.copy_style(doc.active)
            self.window.update_actions()

    def paste_style(self) -> None:
        style, nodes = self.copied, self._nodes()
        if style is not None:
            run_on_doc(self.window, "Could not paste the layer style",
                       lambda d: layer_set_ops.paste_style(d, nodes, style))

    def _perform(self, what: str, name: str) -> None:
        nodes = self._nodes()
        run_on_doc(self.window, f"Could not {what}", lambda d: replay.perform(
            d, name, names=[n.name for n in nodes], target=nodes))

    def reverse(self) -> None:
        self._perform("reverse the layers", "reverse_layers")

    def link(self) -> None:
        self._perform("link the layers", "link_layers")
        self.window.update_actions()

    def unlink(self) -> None:
        self._perform("unlink the layers", "unlink_layers")
        self.window.update_actions()

    def select_all_layers(self) -> None:
        """Select > All Layers: every layer chosen (in groups too; the groups themselves
        not), as Photoshop's."""
        doc = self.window.doc
        if doc is not None:
            self.window.docks["layers"].show()
            self.window.layers_panel.choose([n for n in doc.nodes() if isinstance(n, Layer)])

    def deselect_layers(self) -> None:
        """Select > Deselect Layers: no layer chosen, none active."""
        if self.window.doc is not None:
            self.window.layers_panel.choose([])

    def find_layers(self) -> None:
        if self.window.doc is not None:
            self.window.docks["layers"].show()
            self.window.layers_panel.find_layers()
