"""New Layer from Difference: the object an edit added, lifted off the edited picture as a layer.

For pictures edited anywhere (another editor's generative fill, a paint-over):
the original and the edited picture go to `engine.methods.extract`, which
keeps the object and its shadow and leaves out the background the edit
merely re-rendered. The result becomes a new layer over the original, with
its recipe, in one undo step named "New Layer from Difference". One route
for both callers:

- the editor (Layer > New Layer from Difference): the active layer is the
  edited picture, the layer below it (or one the user chooses) the original;
  the new layer goes just above the edited layer, which is hidden in the
  same step, so the original shows with the object over it;
- the `extract` verb: `document_from_difference` builds a document with
  ORIGINAL as its background and the object layer above it.

The shape of every operation (docs/adding_a_method.md): `prepare` on the GUI
thread, `run` on the worker, `apply` on the GUI thread (refused if a layer
changed meanwhile), and `layer_from_difference` for the three in a row. The
marquee box or the Quick Mask (canvas coordinates) says where the object is;
without them the changed area is found. With `alpha_as_mask` the layer's
alpha is a layer mask over opaque colours (`mask_ops.put_alpha_in_mask`).
No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import numpy as np

from engine.box import Box
from engine.progress import ProgressFn, no_progress

from . import commands as cmds
from .document import Document
from .errors import DocumentError
from .layers import Layer
from .mask_ops import put_alpha_in_mask

if TYPE_CHECKING:
    from engine.methods.extract import ExtractResult

HISTORY_NAME = "New Layer from Difference"
LAYER_NAME = "Extracted"


@dataclass
class DifferenceInput:
    """What the worker needs, taken from the document on the GUI thread."""

    original: np.ndarray          # (H, W, 3) uint8: the canvas as the original layer shows it
    edited: np.ndarray            # (H, W, 3) uint8: the same for the edited layer
    box: Optional[Box]
    mask: Optional[np.ndarray]    # (H, W) bool or None
    edited_layer: Layer
    original_layer: Layer
    shadow: bool = True           # keep the object's shadow on the layer
    pixels: tuple = ()            # the two layers' pixel buffers when prepared (to see a change)


def layer_below(doc: Document, layer: Layer) -> Optional[Layer]:
    """The nearest pixel layer under `layer` in its group, or None."""
    parent = layer.parent
    if parent is None:
        return None
    for node in reversed(parent.children[:layer.index()]):
        if isinstance(node, Layer) and not node.is_empty():
            return node
    return None


def prepare(doc: Document, edited: Optional[Layer] = None, original: Optional[Layer] = None,
            box: Optional[Box] = None, mask: Optional[np.ndarray] = None,
            shadow: bool = True) -> DifferenceInput:
    """The two pictures on the canvas, from the active layer and the layer below it unless
    given (GUI thread). Raises DocumentError with a line the user can act on."""
    edited = edited if edited is not None else doc.active
    if not isinstance(edited, Layer) or edited.is_empty():
        raise DocumentError("Choose the edited picture's layer first (it has no pixels).")
    original = original if original is not None else layer_below(doc, edited)
    if original is None:
        raise DocumentError(f"There is no layer below '{edited.name}' to compare it with; put "
                            "the original picture under the edited one.")
    if original is edited:
        raise DocumentError("The original and the edited picture are the same layer.")
    canvas = doc.canvas
    a, b = original.canvas_crop(canvas), edited.canvas_crop(canvas)
    # Only where both pictures have pixels can they be compared; elsewhere nothing changed.
    both = (a[..., 3] > 0) & (b[..., 3] > 0)
    edited_rgb = np.where(both[..., None], b[..., :3], a[..., :3])
    return DifferenceInput(np.ascontiguousarray(a[..., :3]), np.ascontiguousarray(edited_rgb),
                           box, mask, edited, original, shadow,
                           (edited.pixels, original.pixels))


def run(data: DifferenceInput, progress: ProgressFn = no_progress) -> "ExtractResult":
    """The engine's extraction (worker thread)."""
    from engine.methods.extract import ExtractRequest, extract

    return extract(ExtractRequest(data.original, data.edited, box=data.box, mask=data.mask,
                                  shadow=data.shadow), progress)


def apply(doc: Document, prepared: DifferenceInput, result: "ExtractResult",
          alpha_as_mask: bool = False) -> Layer:
    """The result as a layer above the edited one, which is hidden (one undo step), if the
    two layers are as they were when prepared (else DocumentError)."""
    edited, original = prepared.edited_layer, prepared.original_layer
    if not doc.contains(edited) or not doc.contains(original) \
            or edited.pixels is not prepared.pixels[0] or original.pixels is not prepared.pixels[1]:
        raise DocumentError("The layers changed while the difference was being extracted, so "
                            "the result was not applied. Run it again.")
    return add_extracted(doc, result, above=edited, hide=edited, sources=sources_of(prepared),
                         alpha_as_mask=alpha_as_mask)


def add_extracted(doc: Document, result: "ExtractResult", *, above: Optional[Layer] = None,
                  hide: Optional[Layer] = None, sources: Optional[dict] = None,
                  alpha_as_mask: bool = False) -> Layer:
    """Adds the extracted layer (just above `above`, else above the active node) with its
    recipe, hiding `hide`, in one undo step; returns the new layer."""
    if result.empty:
        raise DocumentError("Nothing was found to lift off the edited picture; draw a box "
                            "around the new object.")
    recipe = dict(result.recipe, **(sources or {}))
    layer = Layer(_name(doc), result.layer, result.x, result.y, recipe=recipe)
    if alpha_as_mask:
        put_alpha_in_mask(layer, doc.canvas)
    with doc.history.macro(HISTORY_NAME):
        if above is not None and doc.contains(above) and above.parent is not None:
            doc.add_layer(layer, above.parent, above.index() + 1, name=HISTORY_NAME)
        else:
            doc.add_layer(layer, name=HISTORY_NAME)
        if hide is not None and doc.contains(hide) and hide.visible:
            doc.set_visible(hide, False)
        doc.set_active(layer)
    return layer


def layer_from_difference(doc: Document, edited: Optional[Layer] = None,
                          original: Optional[Layer] = None, box: Optional[Box] = None,
                          mask: Optional[np.ndarray] = None, progress: ProgressFn = no_progress,
                          shadow: bool = True, alpha_as_mask: bool = False
                          ) -> tuple[Layer, "ExtractResult"]:
    """prepare + run + apply in a row (headless use and tests)."""
    prepared = prepare(doc, edited, original, box, mask, shadow)
    result = run(prepared, progress)
    return apply(doc, prepared, result, alpha_as_mask), result


def document_from_difference(original: np.ndarray, edited: np.ndarray,
                             box: Optional[Box] = None, mask: Optional[np.ndarray] = None,
                             progress: ProgressFn = no_progress,
                             names: tuple[str, str] = ("Background", "Edited"),
                             shadow: bool = True, alpha_as_mask: bool = False
                             ) -> tuple[Document, Layer, "ExtractResult"]:
    """A new document: `original` (RGBA uint8) as its background and the object lifted off
    `edited` above it (what the `extract` verb saves)."""
    if original.shape[:2] != edited.shape[:2]:
        raise DocumentError(f"The original is {original.shape[1]}x{original.shape[0]} but the "
                            f"edited picture is {edited.shape[1]}x{edited.shape[0]}; both must "
                            "have the same size.")
    height, width = original.shape[:2]
    doc = Document(width, height)
    background = Layer(names[0], np.ascontiguousarray(original), 0, 0)
    doc.history.push(cmds.InsertNode(background, doc.root, 0, "Open"))
    data = prepare(doc, Layer(names[1], np.ascontiguousarray(edited), 0, 0), background, box,
                   mask, shadow)
    result = run(data, progress)
    layer = add_extracted(doc, result, above=background,
                          sources={"original": names[0], "edited": names[1]},
                          alpha_as_mask=alpha_as_mask)
    doc.history.mark_clean()
    return doc, layer, result


def sources_of(data: DifferenceInput) -> dict:
    return {"original": data.original_layer.name, "edited": data.edited_layer.name}


def _name(doc: Document) -> str:
    names = {n.name for n in doc.nodes()}
    if LAYER_NAME not in names:
        return LAYER_NAME
    i = 2
    while f"{LAYER_NAME} {i}" in names:
        i += 1
    return f"{LAYER_NAME} {i}"
