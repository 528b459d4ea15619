"""The decompose operation: a layer becomes a background and a foreground layer.

One route, in three parts (the shape every engine operation in editor/model
has; see docs/adding_a_method.md), for the editor's Layer > Decompose and the
`decompose` verb alike:

1. `prepare(doc, layer, box, mask, choices)` on the GUI thread: checks the
   layer and the mark, translates the user's box and brush mask from canvas
   to layer coordinates, and takes the worker's own copy of the pixels;
2. `run(prepared, progress)` on a worker thread: the engine
   (`engine.methods.decompose`) with the components chosen for each step;
3. `apply(doc, prepared, result)` on the GUI thread: the background layer
   where the source layer was, the foreground (the object with its shadow)
   just above it, both carrying a recipe, as one undoable step named
   "Decompose" — refused when the layer changed meanwhile.

`decompose_layer` runs the three in a row. Undo restores the source layer
exactly; running it again on the background layer ("peel again") splits off
a further object. A source layer with reduced opacity, another blend mode or
hidden becomes a group with those properties holding the two layers, so the
document looks the same as before. No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import numpy as np

from engine.box import Box
from engine.progress import ProgressFn, no_progress

from . import commands as cmds
from .document import Document, LockedError
from .errors import DocumentError
from .layers import Group, Layer
from .recipes import offset_recipe

if TYPE_CHECKING:  # the engine's decomposition loads OpenCV (~1 s): only when it runs
    from engine.methods.decompose import DecomposePipeline, DecomposeRequest, DecomposeResult

MASK_THRESHOLD = 128  # Quick Mask coverage from which a pixel counts as "painted over"


@dataclass
class StepChoices:
    """The component of each decomposition step, by name: "auto", a classical one or a model
    (see engine.methods.decompose_steps.choose), and the shadow switch."""

    shadow: bool = True
    mask: str = "auto"
    matting: str = "auto"
    background: str = "auto"
    device: str = "auto"
    seed: int = 0               # an inpainting model's fill

    @classmethod
    def classical(cls, shadow: bool = True) -> "StepChoices":
        """The default classical component of every step: quick, the same on every computer."""
        return cls(shadow, *_classical())

    def is_classical(self) -> bool:
        return (self.mask, self.matting, self.background) == _classical()

    def pipeline(self) -> "DecomposePipeline":
        from engine.methods.decompose import DecomposePipeline

        if self.is_classical():
            return DecomposePipeline()  # no model lookup
        return DecomposePipeline.choose(self.mask, self.matting, self.background,
                                        device=self.device, seed=self.seed)


def _classical() -> tuple[str, str, str]:
    # engine.methods stays out of the window's start-up (tests/test_ui_startup.py).
    from engine.methods.decompose_steps.choose import CLASSICAL

    return tuple(CLASSICAL[step][0] for step in ("mask", "matting", "background"))


@dataclass
class DecomposeInput:
    """What the worker needs, taken from the document on the GUI thread."""

    layer: Layer
    request: "DecomposeRequest"  # in the layer's own pixels (a copy: painting goes on meanwhile)
    choices: StepChoices
    pixels: np.ndarray          # the layer's pixel buffer when prepared (to see it changed)
    place: tuple[int, int]
    pipeline: Optional["DecomposePipeline"] = None  # a ready pipeline (tests, benchmarks)


def document_mark(doc: Document) -> tuple[Optional[Box], Optional[np.ndarray]]:
    """The object the user marked: the selection box and the Quick Mask paint (canvas)."""
    mask = None
    if doc.selection_mask is not None:
        mask = doc.selection_mask >= MASK_THRESHOLD
        mask = mask if mask.any() else None
    return doc.selection, mask


# -- 1. prepare, on the GUI thread ---------------------------------------------------------------------
def prepare(doc: Document, layer=None, box: Optional[Box] = None,
            mask: Optional[np.ndarray] = None, choices: Optional[StepChoices] = None,
            pipeline: Optional["DecomposePipeline"] = None) -> DecomposeInput:
    """Checks `layer` (default: the active one) and the mark, and takes the request."""
    layer = doc.active if layer is None else layer
    if isinstance(layer, Group):
        raise DocumentError(f"'{layer.name}' is a group: Decompose splits one pixel "
                            "layer. Select the layer in the group that shows the "
                            "object, or merge the group's layers first.")
    if not isinstance(layer, Layer) or not doc.contains(layer):
        raise DocumentError("Select the pixel layer that shows the object.")
    if layer.is_empty():
        raise DocumentError(f"Layer '{layer.name}' is empty: select the layer that "
                            "shows the object.")
    if layer.is_locked():
        raise LockedError(f"Layer '{layer.name}' is locked.")
    if box is None and mask is None:
        raise DocumentError("Mark the object first: draw a box around it with the "
                            "Rectangular Marquee (M), or paint over it in Quick Mask (Q).")
    choices = choices or StepChoices()
    request = request_for_layer(layer, box, mask, shadow=choices.shadow)
    request.image = request.image.copy()  # a brush stroke meanwhile paints the layer in place
    return DecomposeInput(layer, request, choices, layer.pixels, (layer.x, layer.y), pipeline)


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


# -- 2. run, on the worker thread ---------------------------------------------------------------------
def run(prepared: DecomposeInput, progress: ProgressFn = no_progress) -> "DecomposeResult":
    pipeline = prepared.pipeline or prepared.choices.pipeline()
    return pipeline(prepared.request, progress)


# -- 3. apply, on the GUI thread -----------------------------------------------------------------------
def apply(doc: Document, prepared: DecomposeInput, result: "DecomposeResult") -> tuple[Layer, Layer]:
    """Applies the result if the layer is as it was when prepared (else DocumentError)."""
    layer = prepared.layer
    if not doc.contains(layer) or layer.pixels is not prepared.pixels \
            or (layer.x, layer.y) != prepared.place:
        raise DocumentError(f"Layer '{layer.name}' changed while it was being decomposed, "
                            "so the result was not applied. Run Decompose again.")
    return apply_decomposition(doc, layer, result)


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


# -- all three in a row (command line, scripts) ------------------------------------------------------
def decompose_layer(doc: Document, layer: Layer, box: Optional[Box] = None,
                    mask: Optional[np.ndarray] = None, progress: ProgressFn = no_progress,
                    pipeline: Optional["DecomposePipeline"] = None,
                    choices: Optional[StepChoices] = None
                    ) -> tuple[Layer, Layer, "DecomposeResult"]:
    """Prepares, runs and applies the decomposition of `layer` (default components: the
    classical ones, unless `choices` or a ready `pipeline` say otherwise)."""
    choices = choices or StepChoices.classical()
    prepared = prepare(doc, layer, box, mask, choices, pipeline)
    result = run(prepared, progress)
    background, foreground = apply(doc, prepared, result)
    return background, foreground, result


def _canvas_recipe(recipe: dict, layer: Layer) -> dict:
    """The engine's recipe (layer coordinates) in canvas coordinates, naming its source."""
    return dict(offset_recipe(recipe, layer.x, layer.y), source=layer.name)


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
