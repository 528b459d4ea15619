"""Operations on several chosen layers at once (the Layers panel's Ctrl/Shift choice):
Copy / Paste Layer Style, Merge Layers (and Merge Group), Arrange > Reverse, Link / Unlink
Layers and Delete > Hidden Layers.
Each is one undo step; Qt-free.

A layer style as Photoshop copies it (`StyleCopy`) is the effects together with the
Blending Options of the Layer Style dialog: blend mode, opacity, fill opacity, knockout,
channels and the Advanced Blending flags.

Linked layers (`Node.link_group`, 0: not linked) share a non-zero number: the Move tool
moves them together (`linked`). Saved where Photoshop keeps them, image resource 1026
(`psd_links`); files we saved before that kept them in our XMP packet (`psd_xmp` still
reads it).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterable, Optional

from . import commands as cmds
from .errors import DocumentError
from .layers import (BLENDING_OPTIONS, GROUP_BLEND_MODES, BLEND_MODES, Group, Layer, Node,
                     merge_reach, trimmed_to_opaque)


@dataclass(frozen=True)
class StyleCopy:
    """What Copy Layer Style takes from a node (all immutable values)."""
    effects: object                     # layer_effects.LayerEffects or None
    blend_mode: str
    opacity: int
    fill_opacity: int
    knockout: str
    channels: tuple
    options: tuple                      # BLENDING_OPTIONS' flags, in their order


def copy_style(node: Node) -> StyleCopy:
    return StyleCopy(node.effects, node.blend_mode, node.opacity, node.fill_opacity,
                     node.knockout, tuple(node.channels),
                     tuple(bool(getattr(node, attr)) for attr, _, _, _ in BLENDING_OPTIONS))


def paste_style(doc, nodes: Iterable[Node], style: StyleCopy) -> None:
    """Paste Layer Style onto every one of `nodes` that draws a style (not adjustment
    layers), one step. A blend mode the target cannot take (Pass Through on a layer) is
    left as it is."""
    targets = [n for n in nodes if n is not doc.root and n.draws_effects]
    if not targets:
        raise DocumentError("Choose a layer that can take a layer style to paste it on.")
    name = "Paste Layer Style"
    with doc.history.macro(name):
        for node in targets:
            allowed = GROUP_BLEND_MODES if isinstance(node, Group) else BLEND_MODES
            values = {"effects": style.effects, "opacity": style.opacity,
                      "fill_opacity": style.fill_opacity, "knockout": style.knockout,
                      "channels": style.channels,
                      **{attr: on for (attr, _, _, _), on in zip(BLENDING_OPTIONS, style.options)}}
            if style.blend_mode in allowed:
                values["blend_mode"] = style.blend_mode
            for attr, value in values.items():
                if getattr(node, attr) != value:
                    doc.history.push(cmds.SetAttr(node, attr, value, name))


def stack_order(doc, nodes: Iterable[Node]) -> list[Node]:
    """`nodes` bottom of the stack first, without the root, repeats or nodes inside a
    group that is itself among them."""
    nodes = [n for n in nodes if n is not doc.root and doc.contains(n)]
    chosen = {id(n) for n in nodes}
    nodes = [n for n in nodes if not any(id(g) in chosen for g in n.ancestors())]
    order = {id(n): i for i, n in enumerate(doc.nodes())}
    return sorted({id(n): n for n in nodes}.values(), key=lambda n: order[id(n)])


def merge_layers(doc, nodes: Iterable[Node]) -> Layer:
    """Photoshop's Merge Layers (Ctrl+E with several layers chosen; Merge Group with a
    group alone, its mode kept on the merged layer): their composite, as
    they show stacked in that order (hidden ones add nothing and are discarded, as
    Photoshop's), in one pixel layer where the topmost was, named after it. Drawn by
    `render.composite_nodes` over the layers' reach, as Merge Down is. One step."""
    from .render import composite_nodes

    nodes = stack_order(doc, nodes)
    group = nodes[0] if len(nodes) == 1 and isinstance(nodes[0], Group) else None
    if len(nodes) < 2 and group is None:
        raise DocumentError("Choose two or more layers to merge.")
    for node in nodes:
        doc._check_unlocked(node)
    copies = [n.copy(share=True) for n in nodes]
    if group is not None:
        # Merge Group: its composite drawn as it shows, the group's blend mode kept on the
        # merged layer (its opacity and mask in the pixels: the same picture for a mode
        # other than Pass Through, which merges as Normal, as in Photoshop).
        copies[0].blend_mode = "normal"
    # A chosen layer clipped to a base left out of the merge draws on its own.
    for copy in itertools.takewhile(lambda n: n.clipping, copies):
        copy.clipping = False
    box = merge_reach(doc.canvas, [layer for node in nodes for layer in
                                   ([node] if isinstance(node, Layer) else node.layers())])
    pixels = composite_nodes(copies, box)
    trimmed = trimmed_to_opaque(pixels, box.x, box.y)
    # (all hidden or empty: an empty layer, as Photoshop)
    pixels, x, y = trimmed if trimmed is not None else (pixels[:0, :0].copy(), 0, 0)
    top = nodes[-1]
    merged = Layer(top.name, pixels, x, y)
    parents = [n.parent for n in nodes]
    name = "Merge Layers" if group is None else "Merge Group"
    if group is not None and group.blend_mode != "pass_through":
        merged.blend_mode = group.blend_mode
    with doc.history.macro(name):
        doc.history.push(cmds.InsertNode(merged, top.parent, top.index() + 1, name))
        for node in nodes:
            doc.history.push(cmds.RemoveNode(node, name))
        doc._release_baseless([merged.parent, *parents], name)
        doc.set_active(merged)
    return merged


def reverse(doc, nodes: Iterable[Node]) -> None:
    """Layer > Arrange > Reverse: the chosen nodes swap places, the lowest taking the
    topmost's place and so on, among the siblings of each group (Photoshop's). One step."""
    nodes = stack_order(doc, nodes)
    by_parent: dict[int, list[Node]] = {}
    for node in nodes:
        by_parent.setdefault(id(node.parent), []).append(node)
    groups = [g for g in by_parent.values() if len(g) > 1]
    if not groups:
        raise DocumentError("Choose two or more layers in one group to reverse.")
    name = "Reverse Layers"
    with doc.history.macro(name):
        for chosen in groups:
            parent = chosen[0].parent
            slots = sorted(n.index() for n in chosen)
            final = list(parent.children)
            for slot, node in zip(slots, reversed(chosen)):
                final[slot] = node
            for i, node in enumerate(final):
                if parent.children[i] is not node:
                    doc.history.push(cmds.MoveNode(node, parent, i, name))
            doc._release_baseless([parent], name)


def linked(doc, node: Optional[Node]) -> list[Node]:
    """`node` and the nodes linked to it (just `node` when it is not linked)."""
    if node is None:
        return []
    group = node.link_group
    if not group:
        return [node]
    return [node] + [n for n in doc.nodes() if n is not node and n.link_group == group]


def carried_along(node: Node) -> list[Node]:
    """The nodes a transform of `node` carries along, bottom of the stack first: those linked
    to it, less any inside `node` or holding it, or inside another one carried (a group
    moves its own layers: none is transformed twice)."""
    if not node.link_group:
        return []
    *_, root = (node, *node.ancestors())
    inside = {id(n) for n in node.walk()} if hasattr(node, "walk") else set()
    holding = {id(g) for g in node.ancestors()}
    partners = [n for n in root.walk() if n is not node and n.link_group == node.link_group
                and id(n) not in inside and id(n) not in holding]
    chosen = {id(n) for n in partners}
    return [n for n in partners if not any(id(g) in chosen for g in n.ancestors())]


def link(doc, nodes: Iterable[Node]) -> None:
    """Link Layers: the chosen nodes, and those already linked to any of them, become one
    linked set. One step."""
    nodes = stack_order(doc, nodes)
    if len(nodes) < 2:
        raise DocumentError("Choose two or more layers to link.")
    joined = {id(m): m for n in nodes for m in linked(doc, n)}
    number = 1 + max((n.link_group for n in doc.nodes()), default=0)
    with doc.history.macro("Link Layers"):
        for node in joined.values():
            doc.history.push(cmds.SetAttr(node, "link_group", number, "Link Layers"))


def unlink(doc, nodes: Iterable[Node]) -> None:
    """Unlink Layers: the chosen nodes leave their links; one left alone in a set is
    unlinked too. One step."""
    nodes = [n for n in stack_order(doc, nodes) if n.link_group]
    if not nodes:
        raise DocumentError("The chosen layers are not linked.")
    numbers = {n.link_group for n in nodes}
    with doc.history.macro("Unlink Layers"):
        for node in nodes:
            doc.history.push(cmds.SetAttr(node, "link_group", 0, "Unlink Layers"))
        for number in numbers:
            rest = [n for n in doc.nodes() if n.link_group == number]
            if len(rest) == 1:
                doc.history.push(cmds.SetAttr(rest[0], "link_group", 0, "Unlink Layers"))


def delete_hidden(doc) -> int:
    """Layer > Delete > Hidden Layers: every hidden layer and group (with what is in it) goes,
    in one step; how many were deleted. Locked ones are refused in one line first."""
    hidden = [n for n in doc.nodes() if not n.visible
              and not any(not g.visible for g in n.ancestors() if g is not doc.root)]
    if not hidden:
        raise DocumentError("No layer is hidden: there is nothing to delete.")
    for node in hidden:
        doc._check_unlocked(node)
    name = "Delete Hidden Layers"
    with doc.history.macro(name):
        parents = [n.parent for n in hidden]
        for node in hidden:
            doc.history.push(cmds.RemoveNode(node, name))
        doc._release_baseless(parents, name)
        if doc.active is not None and not doc.contains(doc.active):
            doc.set_active(next(reversed(list(doc.layers())), None))
    return len(hidden)
