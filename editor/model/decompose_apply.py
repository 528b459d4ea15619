"""Decompose a layer of a document: the layer becomes a background and a foreground layer.

The engine (`engine.methods.decompose`) works on plain arrays in the layer's
own pixel coordinates; this module translates the user's box and brush mask
from canvas to layer coordinates, and puts the result back as one undoable
step named "Decompose": the background layer where the source layer was, the
foreground (the object with its shadow) just above it, both carrying a
recipe. Undo restores the source layer exactly. Running it again on the
background layer ("peel again") splits off a further object.

A source layer with reduced opacity, another blend mode or hidden becomes a
group with those properties holding the two layers, so that the document
looks the same as before. No Qt here: the editor runs `decompose_layer`'s
engine part on a worker thread and calls `apply_decomposition` on the GUI
thread; the command line calls `decompose_layer`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import numpy as np

from engine.box import Box
from engine.progress import ProgressFn, no_progress

from . import commands as cmds
from .document import Document, LockedError
from .errors import DocumentError
from .layers import Group, Layer

if TYPE_CHECKING:
    from engine.methods.decompose import DecomposeRequest, DecomposeResult
    from engine.methods.layered import LayeredResult


def request_for_layer(layer: Layer, box: Optional[Box] = None, mask: Optional[np.ndarray] = None,
                      **options) -> "DecomposeRequest":
    """The engine request for `layer`, from a canvas `box` and/or a canvas-sized brush `mask`.

    `mask` is (H, W) in canvas pixels (doc.height, doc.width), nonzero where painted.
    """
    from engine.methods.decompose import DecomposeRequest

    if layer.is_empty():
        raise DocumentError(f"Layer '{layer.name}' is empty: there is nothing to split.")
    local_box = box.translate(-layer.x, -layer.y) if box is not None else None
    local_mask = None
    if mask is not None:
        mask = np.asarray(mask)
        local_mask = np.zeros((layer.height, layer.width), bool)
        canvas = Box(0, 0, mask.shape[1], mask.shape[0])
        inter = canvas.intersect(layer.bounds())
        if not inter.is_empty():
            local_mask[inter.translate(-layer.x, -layer.y).slices()] = mask[inter.slices()] > 0
    return DecomposeRequest(layer.pixels, box=local_box, mask=local_mask, **options)


def apply_decomposition(doc: Document, layer: Layer, result: "DecomposeResult") -> tuple[Layer, Layer]:
    """Replaces `layer` with (background, foreground) layers and deselects, in one undo step;
    returns the two layers."""
    if not doc.contains(layer) or not isinstance(layer, Layer):
        raise DocumentError(f"'{layer.name}' is not a pixel layer of this document.")
    if layer.is_locked():
        raise LockedError(f"Layer '{layer.name}' is locked.")
    if result.background.shape[:2] != layer.pixels.shape[:2]:
        raise DocumentError(f"The decomposition was made for another size of '{layer.name}'; "
                            "run it again.")
    recipe = _canvas_recipe(result.recipe, layer)
    figures = {k: v for k, v in result.figures.items() if k.startswith("recomposition")}
    background = Layer(layer.name, result.background, layer.x, layer.y,
                       recipe=dict(recipe, role="background", **_previous(layer)))
    fx, fy = result.offset
    foreground = Layer(_object_name(doc), result.foreground, layer.x + fx, layer.y + fy,
                       recipe=dict(recipe, role="foreground", figures=figures))
    parent = layer.parent
    assert parent is not None
    index = layer.index()
    plain = layer.visible and layer.opacity == 255 and layer.blend_mode == "normal"
    with doc.history.macro("Decompose"):
        if plain:
            doc.history.push(cmds.InsertNode(background, parent, index))
            doc.history.push(cmds.InsertNode(foreground, parent, index + 1))
        else:
            # Keep what the layer's opacity, blend mode and visibility did to the picture.
            group = Group(layer.name, visible=layer.visible, opacity=layer.opacity,
                          blend_mode=layer.blend_mode)
            doc.history.push(cmds.InsertNode(group, parent, index))
            doc.history.push(cmds.InsertNode(background, group, 0))
            doc.history.push(cmds.InsertNode(foreground, group, 1))
        doc.history.push(cmds.RemoveNode(layer))
        doc.set_active(foreground)
        # The mark has done its job: as after Photoshop's Layer via Cut, nothing stays
        # selected (undo brings the mark back with the layer).
        doc.set_selection(None)
    return background, foreground


def decompose_layer(doc: Document, layer: Layer, box: Optional[Box] = None,
                    mask: Optional[np.ndarray] = None, progress: ProgressFn = no_progress,
                    pipeline=None, **options) -> tuple[Layer, Layer, "DecomposeResult"]:
    """Runs the decomposition on `layer` and applies it (headless use: command line, scripts).

    `pipeline` is a `DecomposePipeline` (default: the classical components)."""
    from engine.methods.decompose import DecomposePipeline

    pipeline = pipeline or DecomposePipeline()
    result = pipeline(request_for_layer(layer, box, mask, **options), progress)
    background, foreground = apply_decomposition(doc, layer, result)
    return background, foreground, result


def layered_document(result: "LayeredResult") -> Document:
    """A new document from a generated layered image: the picture as a layer, then split.

    Two undo steps: undoing the split gives back the generated picture as one
    layer, ready to be decomposed around another object. A picture that could
    not be split (`result.note`) is the document's only layer.
    """
    picture = result.picture
    height, width = picture.shape[:2]
    doc = Document(width, height)
    rgba = np.dstack([picture, np.full((height, width), 255, np.uint8)])
    layer = doc.add_image(rgba, "Background", 0, 0, recipe=dict(result.recipe),
                          history_name="Generate Picture")
    if result.decomposition is not None:
        apply_decomposition(doc, layer, result.decomposition)
    return doc


def _canvas_recipe(recipe: dict, layer: Layer) -> dict:
    """The engine's recipe with its box in canvas coordinates."""
    out = dict(recipe)
    if out.get("box") is not None:
        x, y, w, h = out["box"]
        out["box"] = [x + layer.x, y + layer.y, w, h]
    out["source"] = layer.name
    return out


def _previous(layer: Layer) -> dict:
    """The source layer's own recipe, kept on the background (a chain of peels stays readable)."""
    return {"source_recipe": dict(layer.recipe)} if layer.recipe else {}


def _object_name(doc: Document) -> str:
    names = {n.name for n in doc.nodes()}
    if "Object" not in names:
        return "Object"
    i = 2
    while f"Object {i}" in names:
        i += 1
    return f"Object {i}"
