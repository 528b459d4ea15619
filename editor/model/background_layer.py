"""Photoshop's Background layer: the opaque bottom layer of a document.

A document has at most one, the pixel layer at the bottom of its root with
`Node.is_background` set. It is what a new document with White or Background
Color contents, an opened flat image without transparency and Flatten Image
give. As in Photoshop it has no transparency (brushes, fills and filters keep it
opaque: `Node.transparency_locked`; the Eraser, Delete and Cut paint the
background colour), never moves nor is transformed (`Node.position_locked`,
refused in Photoshop's words: `document.BACKGROUND_LOCKED`), stays at the bottom
of the stack (nothing goes below it: `Document.reorder`, `Document.add_layer`),
and takes no mask, blend mode, opacity, Fill, knockout or layer style
(`document.refuse_on_background`). Layer > New > Layer from Background… makes it a plain
"Layer 0"; Background from Layer makes a layer the Background, flattened over the
background colour. Image > Canvas Size extends it with the canvas extension colour
(`extend_to_canvas`).

In a PSD (psd.py, psd_write.py), as the Photoshop files in psd-tools' and
ag-psd's tests store it: the bottom layer record without a transparency channel
(-1), with the record's transparency-protected flag, 'lspf' 5 (transparency and
position) and 'lnsr' 'bgnd'; the layer count is then positive and the merged
image has no transparency plane.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from engine.box import Box

from . import commands as cmds
from .document import Document
from .errors import DocumentError
from .layers import Layer, Node
from .render import composite_nodes

NAME = "Background"
# What Layer from Background names the layer (Photoshop's default in its New Layer dialog).
FROM_BACKGROUND_NAME = "Layer 0"


def background_of(doc: Document) -> Optional[Layer]:
    """The document's Background layer, or None."""
    children = doc.root.children
    bottom = children[0] if children else None
    return bottom if bottom is not None and bottom.is_background else None


def can_be_background(pixels: np.ndarray, width: int, height: int) -> bool:
    """Whether an opened flat image becomes a Background: fully opaque (Photoshop opens
    a JPEG, or a PNG without transparency, as one; a PNG with transparency as Layer 0)."""
    return pixels.shape[:2] == (height, width) and bool((pixels[..., 3] == 255).all())


def make_background(pixels: np.ndarray) -> Layer:
    """A new Background layer holding canvas-sized opaque `pixels` at (0, 0)."""
    layer = Layer(NAME, pixels, 0, 0)
    layer.is_background = True
    return layer


def filled(width: int, height: int, rgb: tuple) -> np.ndarray:
    """Canvas-sized opaque pixels of colour `rgb`."""
    pixels = np.empty((height, width, 4), np.uint8)
    pixels[...] = (*(int(c) for c in rgb[:3]), 255)
    return pixels


def layer_from_background(doc: Document, name: str = FROM_BACKGROUND_NAME) -> Layer:
    """Layer > New > Layer from Background…: the Background becomes a plain layer named
    `name` (it may then move, take transparency, a mask, a mode). One step."""
    layer = background_of(doc)
    if layer is None:
        raise DocumentError("The document has no Background layer.")
    name = name.strip() or FROM_BACKGROUND_NAME
    with doc.history.macro("Layer from Background"):
        doc.history.push(cmds.SetAttr(layer, "is_background", False, "Layer from Background"))
        if name != layer.name:
            doc.history.push(cmds.SetAttr(layer, "name", name, "Layer from Background"))
    return layer


def background_from_layer(doc: Document, layer: Node, rgb: tuple) -> Layer:
    """Layer > New > Background from Layer: `layer` becomes the Background, at the bottom
    of the stack, named "Background": what it shows (its mask, mode, opacity and style
    applied) flattened over the background colour `rgb`, canvas-sized. One step."""
    if background_of(doc) is not None:
        raise DocumentError("The document already has a Background layer.")
    if not isinstance(layer, Layer) or layer.kind != "pixel":
        raise DocumentError("Background from Layer makes a pixel layer the Background: "
                            "select one (rasterize a type, shape or smart object layer "
                            "first).")
    if layer.is_locked():
        raise DocumentError(f"Layer '{layer.name}' is locked: unlock it first.")
    canvas = doc.canvas
    solid = Layer("", filled(canvas.w, canvas.h, rgb))
    shown = layer.copy(share=True)
    shown.clipping, shown.visible = False, True
    pixels = composite_nodes([solid, shown], canvas)
    background = make_background(pixels)
    name = "Background from Layer"
    with doc.history.macro(name):
        doc.replace_node(layer, background, name)
        doc.history.push(cmds.MoveNode(background, doc.root, 0, name))
        doc._release_baseless([doc.root, layer.parent] if layer.parent else [doc.root], name)
        doc.set_active(background)
    return background


def extend_to_canvas(doc: Document, width: int, height: int, rgb: tuple, name: str,
                     dx: int = 0, dy: int = 0) -> None:
    """Image > Canvas Size (the Background's pixels moved by (dx, dy)) and Image Rotation >
    Arbitrary (its turned pixels, see-through at their edges) with a Background: its pixels
    over the colour `rgb` on a canvas of `width` x `height` (Photoshop's canvas extension
    colour, by default the background colour; other layers get transparency). A command
    of the caller's step `name`."""
    layer = background_of(doc)
    if layer is None:
        return
    canvas = Layer("", filled(width, height, rgb))
    own = Layer("", layer.pixels, layer.x + dx, layer.y + dy)
    pixels = composite_nodes([canvas, own], Box(0, 0, width, height))
    doc.history.push(cmds.SetPixels(layer, pixels, 0, 0, name))
