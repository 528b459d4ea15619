"""Photoshop's artboard commands: a new artboard (the Artboard tool's drag, Layer > New >
Artboard…), Artboard from Layers, an artboard resized or given another background; each
one undo step. An artboard
is a top-level group marked with its `layers.Artboard` (rectangle and background), as
Photoshop keeps them (artboards do not nest); moving one with its content is
`Document.translate` (its rectangle moves along)."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Optional

from engine.box import Box

from . import commands as cmds
from .document import Document
from .errors import DocumentError
from .layers import ARTBOARD_BACKGROUNDS, Artboard, Group, Node

# The options bar's and the dialog's Size presets (a few of Photoshop's), pixels at 72 dpi.
PRESETS = {"iPhone X": (375, 812), "Web 1920x1080": (1920, 1080), "A4": (595, 842)}
CUSTOM = "Custom"


def preset_of(width: int, height: int) -> str:
    """The preset of that size, or CUSTOM."""
    return next((name for name, size in PRESETS.items() if size == (width, height)), CUSTOM)


def artboard_groups(doc: Document) -> list[Group]:
    """The document's artboards, bottom to top (top-level groups only)."""
    return [n for n in doc.root.children if isinstance(n, Group) and n.artboard is not None]


def _checked(box: Box) -> Box:
    if box.w < 1 or box.h < 1:
        raise DocumentError("An artboard needs a width and a height of at least 1 pixel.")
    return box


def new_artboard(doc: Document, box: Box, name: Optional[str] = None,
                 background: str = "white", color: tuple = (255, 255, 255)) -> Group:
    """An empty artboard over `box`, at the top of the document, made active."""
    if background not in ARTBOARD_BACKGROUNDS:
        raise DocumentError(f"Unknown artboard background {background!r}.")
    group = Group(name or doc.next_layer_name("Artboard"))
    group.artboard = Artboard(_checked(box), background, tuple(color))
    with doc.history.macro("New Artboard"):
        doc.history.push(cmds.InsertNode(group, doc.root, len(doc.root.children)))
        doc.set_active(group)
    return group


def artboard_from_layers(doc: Document, nodes: Iterable[Node]) -> Group:
    """The chosen layers grouped into a new white artboard round their bounds (Photoshop's
    Layer > New > Artboard from Layers)."""
    nodes = [n for n in nodes if n is not doc.root]
    if not nodes:
        raise DocumentError("Select one or more layers for the artboard.")
    if any(isinstance(n, Group) and n.artboard is not None for n in nodes):
        raise DocumentError("An artboard cannot hold another artboard.")
    box = Box(0, 0, 0, 0)
    for node in nodes:
        if not node.bounds().is_empty():
            box = box.union(node.bounds())
    if box.is_empty():
        raise DocumentError("The chosen layers are empty: an artboard needs their bounds.")
    with doc.history.macro("Artboard from Layers"):
        group = doc.group(nodes, doc.next_layer_name("Artboard"))
        if group.parent is not doc.root:  # artboards lie at the top level only
            doc.history.push(cmds.MoveNode(group, doc.root, len(doc.root.children)))
        doc.history.push(cmds.SetAttr(group, "artboard", Artboard(box), "Artboard from Layers"))
        doc.set_active(group)
    return group


def resize_artboard(doc: Document, group: Group, box: Box) -> None:
    """The artboard's rectangle set to `box` (its content stays where it is)."""
    if group.artboard is None:
        raise DocumentError("The layer is not an artboard.")
    if box != group.artboard.box:
        doc.history.push(cmds.SetAttr(group, "artboard", group.artboard.placed(_checked(box)),
                                      "Resize Artboard"))


def set_background(doc: Document, group: Group, background: str,
                   color: Optional[tuple] = None) -> None:
    """The artboard's background (one of ARTBOARD_BACKGROUNDS; `color` for "other")."""
    if group.artboard is None:
        raise DocumentError("The layer is not an artboard.")
    if background not in ARTBOARD_BACKGROUNDS:
        raise DocumentError(f"Unknown artboard background {background!r}.")
    changed = replace(group.artboard, background=background,
                      color=tuple(color) if color is not None else group.artboard.color)
    if changed != group.artboard:
        doc.history.push(cmds.SetAttr(group, "artboard", changed, "Artboard Background"))
