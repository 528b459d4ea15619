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
                      boxes: Optional[list[Box]] = None, **options) -> "DecomposeRequest":
    """The engine request for `layer`, from a canvas `box` and/or a canvas-sized brush `mask`.

    `mask` is (H, W) in canvas pixels (doc.height, doc.width), nonzero where painted;
    `boxes` mark further objects (canvas pixels), each split into its own layer.
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
    local_boxes = [b.translate(-layer.x, -layer.y) for b in boxes or []]
    return DecomposeRequest(layer.pixels, box=local_box, mask=local_mask, boxes=local_boxes,
                            **options)


def regions_of_mask(mask: np.ndarray, min_share: float = 0.02) -> list[Box]:
    """Boxes (canvas pixels) of the separate parts of a painted mask, largest first; parts
    smaller than `min_share` of the largest are specks, not objects."""
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(np.asarray(mask, np.uint8), connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    order = [i + 1 for i in np.argsort(areas)[::-1] if areas[i] >= min_share * areas.max()]
    return [Box(int(stats[i, 0]), int(stats[i, 1]), int(stats[i, 2]), int(stats[i, 3]))
            for i in order]


def apply_decomposition(doc: Document, layer: Layer, result: "DecomposeResult") -> tuple[Layer, Layer]:
    """Replaces `layer` with (background, foreground) layers and deselects, in one undo step;
    returns the two layers (with several objects: the background and the front object)."""
    background, objects = apply_decomposition_layers(doc, layer, result)
    return background, objects[0]


def apply_decomposition_layers(doc: Document, layer: Layer,
                               result: "DecomposeResult") -> tuple[Layer, list[Layer]]:
    """Replaces `layer` with a background and one layer per object (front object on top),
    in one undo step; returns (background, object layers front to back)."""
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
    parts = result.parts or [(result.foreground, result.offset)]
    objects: list[Layer] = []
    for rgba, (fx, fy) in parts:
        objects.append(Layer(_object_name(doc, [o.name for o in objects]), rgba,
                             layer.x + fx, layer.y + fy,
                             recipe=dict(recipe, role="foreground", figures=figures)))
    parent = layer.parent
    assert parent is not None
    index = layer.index()
    plain = layer.visible and layer.opacity == 255 and layer.blend_mode == "normal"
    with doc.history.macro("Decompose"):
        if plain:
            doc.history.push(cmds.InsertNode(background, parent, index))
            for k, obj in enumerate(reversed(objects)):   # the back object first
                doc.history.push(cmds.InsertNode(obj, parent, index + 1 + k))
        else:
            # Keep what the layer's opacity, blend mode and visibility did to the picture.
            group = Group(layer.name, visible=layer.visible, opacity=layer.opacity,
                          blend_mode=layer.blend_mode)
            doc.history.push(cmds.InsertNode(group, parent, index))
            doc.history.push(cmds.InsertNode(background, group, 0))
            for k, obj in enumerate(reversed(objects)):
                doc.history.push(cmds.InsertNode(obj, group, 1 + k))
        doc.history.push(cmds.RemoveNode(layer))
        doc.set_active(objects[0])
        # The mark has done its job: as after Photoshop's Layer via Cut, nothing stays
        # selected (undo brings the mark back with the layer).
        doc.set_selection(None)
    return background, objects


def split_status(source: str, objects: list[str], result: "DecomposeResult") -> str:
    """What a split did, in plain words, for the status line and the command line."""
    names = ", ".join(f"'{n}'" for n in objects)
    count = {2: "two", 3: "three", 4: "four", 5: "five"}.get(len(objects) + 1, str(len(objects) + 1))
    # 8-bit layers round each value; within one level in 255 the eye sees the same picture.
    worst = float(result.figures.get("recomposition_error_max", 0.0))
    if worst <= 1.0:
        faithful = f"the {count} layers give back the picture exactly"
    else:
        faithful = (f"the {count} layers give back the picture to within {worst:.0f} levels "
                    "in 255 at worst")
    return f"Split {names} from '{source}'; {faithful}."


def decompose_layer(doc: Document, layer: Layer, box: Optional[Box] = None,
                    mask: Optional[np.ndarray] = None, progress: ProgressFn = no_progress,
                    pipeline=None, boxes: Optional[list[Box]] = None, all_objects: bool = False,
                    **options) -> tuple[Layer, Layer, "DecomposeResult"]:
    """Runs the decomposition on `layer` and applies it (headless use: command line, scripts).

    `pipeline` is a `DecomposePipeline` (default: the classical components); `boxes`
    mark further objects. Returns (background, front object, result), or with
    `all_objects` (background, object layers front to back, result)."""
    from engine.methods.decompose import DecomposePipeline

    pipeline = pipeline or DecomposePipeline()
    result = pipeline(request_for_layer(layer, box, mask, boxes=boxes, **options), progress)
    background, objects = apply_decomposition_layers(doc, layer, result)
    return background, (objects if all_objects else objects[0]), result


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


def _object_name(doc: Document, taken: list[str] = ()) -> str:
    names = {n.name for n in doc.nodes()} | set(taken)
    if "Object" not in names:
        return "Object"
    i = 2
    while f"Object {i}" in names:
        i += 1
    return f"Object {i}"
