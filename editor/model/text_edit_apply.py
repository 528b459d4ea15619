"""Edit with Text on a document: the picture and its subject mask, the engine run, a new layer.

The engine (`engine.methods.edit`, LayerDiffusion) takes one picture, the
subject's mask, a subject text and a background text. Here the picture is
what the document shows (flattened) or one layer's pixels; the
subject is marked on the canvas by the Quick Mask paint and/or the marquee
box, translated to the picture's own coordinates. The edited picture comes
back as a new layer just above the active one, in one undo step named
"Edit with Text", carrying its recipe (method, model, subject and
background texts, alpha, the step counts, seed...). The source is never
changed: hiding the new layer shows the picture as it was. With `split`
the edited picture is also split into a subject and a background layer by
the decomposition (`decompose_apply`, the edit's own subject mask as the
object mask), in the same undo step; both keep the edit's recipe.

No Qt here: the editor calls `prepare` and `apply` on the GUI
thread and `run` on its worker thread; the `edit` verb and scripts call
`edit_document`, which does the three in a row.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import numpy as np

from engine.box import Box
from engine.progress import ProgressFn, no_progress

from .decompose_apply import StepChoices, apply_decomposition_layers
from .document import Document
from .errors import DocumentError
from .generate_apply import Placement, placement_for
from .layers import Layer
from .render import composite_document

if TYPE_CHECKING:
    from engine.methods.edit import EditRequest, EditResult

HISTORY_NAME = "Edit with Text"


@dataclass
class TextEditSpec:
    """What the user asked for (the dialog's fields, the verb's options)."""

    subject: str = ""            # T_a; a combined prompt here alone is split
    background: str = ""         # T_b
    alpha: float = 0.7
    embedding_steps: int = 500
    finetune_steps: int = 250
    guidance_steps: int = 50
    finetune: str = "lora"       # "lora" or "full"
    seed: int = 0
    results: int = 1
    model: Optional[str] = None  # None: the catalogue's first model for "edit"
    resolution: Optional[int] = None
    device: str = "auto"
    dtype: str = "auto"
    keep_weights: bool = False   # the result carries the fine-tuned weights
    split: bool = False          # split the edited picture into subject and background layers


@dataclass
class TextEditInput:
    """Everything the worker needs, taken from the document on the GUI thread."""

    request: "EditRequest"
    x: int                       # canvas offset of the picture
    y: int
    source: str                  # "document", or the name of the layer edited
    placement: Placement
    keep_alpha: Optional[np.ndarray] = None  # a layer's alpha: the result keeps its shape
    split: bool = False          # see TextEditSpec.split

    @property
    def box(self) -> Box:
        """Where the picture is on the canvas (and where previews belong)."""
        h, w = self.request.image.shape[:2]
        return Box(self.x, self.y, w, h)


def prepare(doc: Document, spec: TextEditSpec, *, box: Optional[Box] = None,
                 mask: Optional[np.ndarray] = None, layer: Optional[Layer] = None) -> TextEditInput:
    """The engine request: the flattened canvas (or `layer`), the subject marked by the canvas
    `box` and/or the canvas-sized `mask` (nonzero on the subject), and the spec's settings."""
    from engine.methods.edit import EditRequest

    if layer is None:
        image, x, y, source, alpha = composite_document(doc), 0, 0, "document", None
    else:
        if not doc.contains(layer) or not isinstance(layer, Layer) or layer.is_empty():
            raise DocumentError("Choose a pixel layer with something on it to edit.")
        image, x, y, source = layer.pixels.copy(), layer.x, layer.y, layer.name
        alpha = layer.pixels[..., 3].copy()
    if box is None and mask is None:
        raise DocumentError("Mark the subject first: paint over it in Quick Mask (Q) or draw a "
                            "box around it with the Rectangular Marquee (M).")
    h, w = image.shape[:2]
    local_mask = None
    if mask is not None:
        mask = np.asarray(mask)
        if mask.shape[:2] != (doc.height, doc.width):
            raise DocumentError(f"The mask is {mask.shape[1]}x{mask.shape[0]} but the canvas is "
                                f"{doc.width}x{doc.height}.")
        local_mask = np.zeros((h, w), bool)
        inter = doc.canvas.intersect(Box(x, y, w, h))
        if not inter.is_empty():
            local_mask[inter.translate(-x, -y).slices()] = mask[inter.slices()] > 0
        if not local_mask.any():
            raise DocumentError("The painted mask does not touch the picture being edited.")
    local_box = box.translate(-x, -y) if box is not None else None
    request = EditRequest(
        image, spec.subject, spec.background, mask=local_mask,
        box=local_box if local_mask is None else None, alpha=spec.alpha,
        embedding_steps=spec.embedding_steps, finetune_steps=spec.finetune_steps,
        guidance_steps=spec.guidance_steps, finetune=spec.finetune, seed=spec.seed,
        results=spec.results, model=spec.model, resolution=spec.resolution, device=spec.device,
        dtype=spec.dtype, keep_weights=spec.keep_weights)
    from engine.methods.edit import check_inputs

    check_inputs(request)  # a bad request fails here, before minutes of work
    return TextEditInput(request, x, y, source, placement_for(doc), alpha, split=spec.split)


def run(prepared: TextEditInput, progress: ProgressFn = no_progress,
             model=None) -> "EditResult":
    """The engine run (worker thread); `model` is a loaded pipeline (default: from the cache).
    With `split`, each edited picture is decomposed here too (classical components), around the
    subject mask the edit used, so `apply` only places layers."""
    from engine.methods.edit import edit_image

    result = edit_image(prepared.request, progress, model=model)
    if prepared.split:
        from engine.methods.decompose import DecomposeRequest

        pipeline = StepChoices.classical().pipeline()
        result.splits = [pipeline(DecomposeRequest(_pixels(prepared, rgb),
                                                   object_masks=[result.mask]))
                         for rgb in result.images]
    return result


def apply(doc: Document, prepared: TextEditInput, result: "EditResult",
               index: int = 0, visible: bool = True) -> Layer:
    """Result `index` as a new layer above the active one (where it was when prepared), in one
    undo step; the new layer becomes active."""
    if not 0 <= index < len(result.images):
        raise DocumentError(f"There is no result {index + 1}.")
    if prepared.split and len(result.splits) != len(result.images):
        raise DocumentError("The edit was not split; run it again with the split.")
    pixels = _pixels(prepared, result.images[index])
    recipe = dict(result.recipe, seed=result.seeds[index], source=prepared.source,
                  position=[prepared.x, prepared.y])
    if prepared.request.box is not None:
        recipe["box"] = list(prepared.request.box.translate(prepared.x, prepared.y).as_tuple())
    layer = Layer(doc.next_layer_name("Text Edit"), pixels, prepared.x, prepared.y,
                  visible=visible, recipe=recipe)
    parent, position = prepared.placement.resolve(doc)
    with doc.history.macro(HISTORY_NAME):  # the edit and its split: one undo step
        doc.add_layer(layer, parent, position, name=HISTORY_NAME)
        doc.set_active(layer)
        if prepared.split:
            layer = _split(doc, layer, result.splits[index])
    return layer


def _pixels(prepared: TextEditInput, rgb: np.ndarray) -> np.ndarray:
    """An edited picture as the new layer's RGBA (a layer's own alpha kept)."""
    alpha = prepared.keep_alpha
    if alpha is None:
        alpha = np.full(rgb.shape[:2], 255, np.uint8)
    return np.dstack([rgb, alpha])


def _split(doc: Document, layer: Layer, split) -> Layer:
    """`layer` replaced by its subject and background layers (inside the edit's macro); both
    carry the edit's recipe, the decomposition's own under "decomposition". Returns the
    subject layer (active)."""
    edit_recipe, name = layer.recipe, layer.name
    background, (subject,) = apply_decomposition_layers(doc, layer, split)
    # The two layers are new in this very step, so naming them here needs no command of its own.
    for part, label in ((subject, "subject"), (background, "background")):
        own = {k: v for k, v in part.recipe.items() if k not in ("role", "source_recipe")}
        part.recipe = dict(edit_recipe, role=part.recipe["role"], decomposition=own)
        part.name = f"{name} {label}"
    return subject


def edit_document(doc: Document, spec: TextEditSpec, *, box: Optional[Box] = None,
                  mask: Optional[np.ndarray] = None, layer: Optional[Layer] = None,
                  progress: ProgressFn = no_progress, model=None,
                  all_results: bool = False) -> tuple[list[Layer], "EditResult"]:
    """Prepare, run and apply in a row (headless use). With `all_results` every result becomes
    a layer (one undo step each; the first on top and shown, the others hidden under it), else
    the first alone."""
    prepared = prepare(doc, spec, box=box, mask=mask, layer=layer)
    result = run(prepared, progress, model)
    count = len(result.images) if all_results else 1
    # Each goes just above the anchor, so result 0 ends on top.
    layers = [apply(doc, prepared, result, i, visible=i == 0) for i in range(count)]
    doc.set_active(layers[0])
    return layers, result
