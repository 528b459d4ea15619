"""The decompose operation: a layer becomes a background and a foreground layer.

One route, in three parts (the shape every engine operation in editor/model
has; see docs/adding_a_method.md), for the editor's Layer > Decompose and the
`decompose` verb alike:

1. `prepare(doc, layer, box, mask, choices)` on the GUI thread: checks the
   layer and the mark (none, or a box around all of it: the main object found,
   `found_objects`, about 0.1 s), translates the user's box and brush mask from canvas
   to layer coordinates, and takes the worker's own copy of the pixels;
2. `run(prepared, progress)` on a worker thread: the engine
   (`engine.methods.decompose`) with the components chosen for each step;
3. `apply(doc, prepared, result)` on the GUI thread: the background layer
   where the source layer was, the foreground (the object with its shadow)
   just above it, both carrying a recipe, as one undoable step named
   "Decompose" — refused when the layer changed meanwhile. With
   `alpha_as_mask` the objects' colours are opaque and their mattes layer
   masks (`mask_ops.put_alpha_in_mask`), the picture unchanged.

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
from engine.errors import InvalidInput
from engine.progress import ProgressFn, no_progress

from . import commands as cmds
from .document import Document, LockedError, raise_if_locked
from .errors import DocumentError
from .layers import Group, Layer
from .mask_ops import put_alpha_in_mask
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
    alpha_as_mask: bool = False  # the objects' mattes as layer masks over opaque colours

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
    canvas_size: tuple[int, int] = (0, 0)   # (height, width) of the document
    pipeline: Optional["DecomposePipeline"] = None  # a ready pipeline (tests, benchmarks)
    # The object mask proposed earlier (`propose`), layer pixels: the Quick Mask paint is then
    # read as the user's corrections of it (strokes), not as a fresh mark.
    proposal: Optional[np.ndarray] = None
    found: bool = False  # nothing was marked: the box is the main object found in the layer
    note: str = ""       # how the object was chosen when the user did not mark it (`found_note`)
    # Decompose into Layers: each separate part of the corrected proposal is an object.
    parts: bool = False
    # Progress units of each step, known once the worker has its pipeline (`run`): what
    # `phase` names for the status line.
    stages: Optional[dict] = None


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
            pipeline: Optional["DecomposePipeline"] = None,
            boxes: Optional[list[Box]] = None) -> DecomposeInput:
    """Checks `layer` (default: the active one) and the mark, and takes the request;
    `boxes` mark further objects, each split into a layer of its own."""
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
    raise_if_locked(layer, "pixels")
    found = mask is None and not boxes and (box is None or covers_layer(box, layer))
    note = found_note(box_covered=box is not None) if found else ""
    if found:
        # Nothing marked, or all of it (Select All): the main object the layer shows, as
        # Photoshop's Select Subject finds it (a box around all of it leaves no background
        # to tell the object from).
        box = found_objects(layer, 1)[0]
    choices = choices or StepChoices()
    request = request_for_layer(layer, box, mask, boxes=boxes, shadow=choices.shadow)
    request.image = request.image.copy()  # a brush stroke meanwhile paints the layer in place
    return DecomposeInput(layer, request, choices, layer.pixels, (layer.x, layer.y),
                          canvas_size=(doc.height, doc.width), pipeline=pipeline, found=found,
                          note=note)


def found_note(box_covered: bool, several: bool = False, shown: bool = False) -> str:
    """The first words of what a split did (or, `shown`, what Select > Object shows) when
    the user marked no object in particular (nothing, or a box around the whole picture):
    the editor's status line and the `decompose` verb's line both begin with it."""
    what = "the objects found" if several else "the main object"
    # Short: the status line shows about 130 characters in a 1200-pixel window, and what
    # the split did (`split_status`) follows.
    why = "Box around all" if box_covered else "Nothing marked"
    return f"{why}: {'the tint shows' if shown else 'took'} {what}. "


def covers_layer(box: Box, layer: Layer) -> bool:
    """The box holds (nearly) all of the layer's pixels: it marks no object in particular."""
    from engine.methods.decompose import MAX_COVER

    inside = box.intersect(layer.bounds())
    return inside.area >= MAX_COVER * layer.width * layer.height


def with_proposal(prepared: DecomposeInput, proposal: np.ndarray,
                  parts: bool = False) -> DecomposeInput:
    """`prepared`, reading the Quick Mask as corrections of `proposal` (canvas uint8 mask):
    the split takes the corrected proposal as it is shown, not a fresh segmentation. With
    `parts` (Decompose into Layers) each separate part of it is an object of its own."""
    layer, (x, y) = prepared.layer, prepared.place
    local = np.zeros((layer.height, layer.width), bool)
    inter = Box(x, y, layer.width, layer.height).intersect(Box(0, 0, proposal.shape[1],
                                                               proposal.shape[0]))
    if not inter.is_empty():
        local[inter.translate(-x, -y).slices()] = proposal[inter.slices()] >= MASK_THRESHOLD
    prepared.proposal, prepared.parts = local, parts
    return prepared


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
    smaller than `min_share` of the largest are specks, not objects. Each box is grown a
    little: paint rarely reaches every edge of its object."""
    h, w = mask.shape
    _, stats, order = _mask_parts(mask, min_share)
    boxes = [Box(int(stats[i, 0]), int(stats[i, 1]), int(stats[i, 2]), int(stats[i, 3]))
             for i in order]
    return [b.expand(max(4, int(0.15 * max(b.w, b.h)))).clip(w, h) for b in boxes]


def parts_of_mask(mask: np.ndarray, min_share: float = 0.02) -> list[np.ndarray]:
    """The separate parts of an object mask (H, W bool), largest first, as masks that
    together are the whole mask: a speck (a part smaller than `min_share` of the largest,
    or too small for an object) joins the nearest part instead of being dropped, since the
    user saw it as part of the object."""
    import cv2

    labels, _, order = _mask_parts(mask, min_share)
    if not order:
        return []
    parts = [labels == i for i in order]
    specks = (labels > 0) & ~np.logical_or.reduce(parts)
    if specks.any():
        distances = np.stack([cv2.distanceTransform((~p).astype(np.uint8), cv2.DIST_L2, 3)
                              for p in parts])
        count, speck_labels = cv2.connectedComponents(specks.astype(np.uint8), connectivity=8)
        for k in range(1, count):
            speck = speck_labels == k
            parts[int(np.argmin(distances[:, speck].min(axis=1)))] |= speck
    return parts


def _mask_parts(mask: np.ndarray, min_share: float) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """(labels, stats) of the mask's 8-connected parts and the labels of those that are
    objects, not specks (at least `min_share` of the largest and MIN_OBJECT_PIXELS), largest
    first."""
    import cv2
    from engine.methods.decompose import MIN_OBJECT_PIXELS

    _, labels, stats, _ = cv2.connectedComponentsWithStats(np.asarray(mask, np.uint8),
                                                           connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    if not areas.size:
        return labels, stats, []
    least = max(min_share * areas.max(), MIN_OBJECT_PIXELS)
    order = [int(i) + 1 for i in np.argsort(areas)[::-1] if areas[i] >= least]
    return labels, stats, order


def found_objects(layer: Layer, count: int) -> list[Box]:
    """Canvas boxes of up to `count` objects found in `layer` (nothing marked)."""
    from engine.methods.decompose_steps.salient import find_objects

    try:
        found = find_objects(layer.pixels[..., :3], count)
    except InvalidInput as exc:
        raise DocumentError(f"{exc.message} {exc.hint}") from None
    return [b.translate(layer.x, layer.y) for b in found]


# -- 2. run, on the worker thread ---------------------------------------------------------------------
def run(prepared: DecomposeInput, progress: ProgressFn = no_progress) -> "DecomposeResult":
    pipeline = prepared.pipeline or prepared.choices.pipeline()
    request = prepared.request
    if prepared.proposal is not None:
        # The object as the user saw and corrected it: no fresh segmentation.
        corrected = corrected_mask(prepared, pipeline)
        request.object_masks = (prepared.parts and parts_of_mask(corrected)) or [corrected]
        request.box, request.mask, request.boxes = None, None, []
    prepared.stages = pipeline.stage_weights(request)
    return pipeline(request, progress)


def phase(prepared: DecomposeInput, step: int, total: int) -> Optional[str]:
    """What the split is doing at `step` of `total`, in plain words ("finding the object");
    None before the worker has started."""
    from engine.methods.decompose import STAGES
    from engine.progress import stage_at

    if prepared.stages is None or total <= 0:
        return None
    return STAGES[stage_at(prepared.stages, min(step, total - 1))]


def propose(prepared: DecomposeInput, progress: ProgressFn = no_progress) -> np.ndarray:
    """Step 1 alone (worker thread): the object mask the split would use, as a canvas-sized
    uint8 Quick Mask (255 = object), to show the user before anything is split."""
    pipeline = prepared.pipeline or prepared.choices.pipeline()
    masks = pipeline.propose_masks(prepared.request, progress)
    return _canvas_mask(prepared, np.logical_or.reduce(masks))


def correct(prepared: DecomposeInput, progress: ProgressFn = no_progress) -> np.ndarray:
    """The proposal (`with_proposal`) corrected by the Quick Mask paint (worker thread), as
    a canvas-sized uint8 Quick Mask: what the split would take, shown after each stroke."""
    progress(0, 1)
    corrected = corrected_mask(prepared)
    progress(1, 1)
    return _canvas_mask(prepared, corrected)


def _canvas_mask(prepared: DecomposeInput, local: np.ndarray) -> np.ndarray:
    """A mask in the layer's pixels as a canvas-sized uint8 Quick Mask (255 = object)."""
    layer, (x, y) = prepared.layer, prepared.place
    doc_h, doc_w = prepared.canvas_size
    out = np.zeros((doc_h, doc_w), np.uint8)
    inter = Box(x, y, layer.width, layer.height).intersect(Box(0, 0, doc_w, doc_h))
    if not inter.is_empty():
        out[inter.slices()] = local[inter.translate(-x, -y).slices()] * np.uint8(255)
    return out


def corrected_mask(prepared: DecomposeInput, pipeline: Optional["DecomposePipeline"] = None
                   ) -> np.ndarray:
    """The proposal corrected by the user's paint: what was painted beyond it is an "add"
    stroke, what was erased from it a "remove" stroke; the pipeline's segmenter corrects it
    with the strokes (GrabCut, or SAM's point prompts: `DecomposePipeline.correct_mask`)."""
    pipeline = pipeline or prepared.pipeline or prepared.choices.pipeline()
    proposal = prepared.proposal
    painted = prepared.request.mask if prepared.request.mask is not None \
        else np.zeros_like(proposal)
    image = prepared.request.image
    valid = image[..., 3] > 0 if image.shape[2] == 4 else None
    return pipeline.correct_mask(image, proposal, add=painted & ~proposal,
                                 remove=proposal & ~painted, valid=valid)


# -- 3. apply, on the GUI thread -----------------------------------------------------------------------
def apply(doc: Document, prepared: DecomposeInput, result: "DecomposeResult") -> tuple[Layer, Layer]:
    """Applies the result if the layer is as it was when prepared (else DocumentError);
    returns (background, front object)."""
    background, objects = apply_layers(doc, prepared, result)
    return background, objects[0]


def apply_layers(doc: Document, prepared: DecomposeInput,
                 result: "DecomposeResult") -> tuple[Layer, list[Layer]]:
    """As `apply`; returns (background, object layers front to back)."""
    layer = prepared.layer
    if not doc.contains(layer) or layer.pixels is not prepared.pixels \
            or (layer.x, layer.y) != prepared.place:
        raise DocumentError(f"Layer '{layer.name}' changed while it was being decomposed, "
                            "so the result was not applied. Run Decompose again.")
    return apply_decomposition_layers(doc, layer, result,
                                      alpha_as_mask=prepared.choices.alpha_as_mask)


def apply_decomposition(doc: Document, layer: Layer, result: "DecomposeResult", *,
                        alpha_as_mask: bool = False) -> tuple[Layer, Layer]:
    """Replaces `layer` with (background, foreground) layers and deselects, in one undo step;
    returns the two layers (with several objects: the background and the front object)."""
    background, objects = apply_decomposition_layers(doc, layer, result,
                                                     alpha_as_mask=alpha_as_mask)
    return background, objects[0]


def apply_decomposition_layers(doc: Document, layer: Layer, result: "DecomposeResult", *,
                               alpha_as_mask: bool = False) -> tuple[Layer, list[Layer]]:
    """Replaces `layer` with a background and one layer per object (front object on top),
    in one undo step; returns (background, object layers front to back). With
    `alpha_as_mask` each object's matte is its layer mask over opaque colours."""
    if not doc.contains(layer) or not isinstance(layer, Layer):
        raise DocumentError(f"'{layer.name}' is not a pixel layer of this document.")
    if layer.is_locked():
        raise LockedError(f"Layer '{layer.name}' is locked.")
    raise_if_locked(layer, "pixels")
    if result.background.shape[:2] != layer.pixels.shape[:2]:
        raise DocumentError(f"The decomposition was made for another size of '{layer.name}'; "
                            "run it again.")
    recipe = _canvas_recipe(result.recipe, layer)
    figures = {k: v for k, v in result.figures.items() if k.startswith("recomposition")}
    background = Layer(layer.name, result.background, layer.x, layer.y,
                       recipe=dict(recipe, role="background", **_previous(layer)))
    # Split from Photoshop's Background, the filled background stays the Background (as a
    # Layer via Cut leaves it), so long as the fill left it opaque.
    background.is_background = bool(layer.is_background
                                    and (result.background[..., 3] == 255).all())
    parts = result.parts or [(result.foreground, result.offset)]
    objects: list[Layer] = []
    for rgba, (fx, fy) in parts:
        objects.append(Layer(_object_name(doc, [o.name for o in objects]), rgba,
                             layer.x + fx, layer.y + fy,
                             recipe=dict(recipe, role="foreground", figures=figures)))
    if alpha_as_mask:
        for obj in objects:
            put_alpha_in_mask(obj, doc.canvas)
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


# -- all three in a row (command line, scripts) ------------------------------------------------------
def decompose_layer(doc: Document, layer: Layer, box: Optional[Box] = None,
                    mask: Optional[np.ndarray] = None, progress: ProgressFn = no_progress,
                    pipeline: Optional["DecomposePipeline"] = None,
                    choices: Optional[StepChoices] = None, boxes: Optional[list[Box]] = None,
                    all_objects: bool = False) -> tuple[Layer, Layer, "DecomposeResult"]:
    """Prepares, runs and applies the decomposition of `layer` (default components: the
    classical ones, unless `choices` or a ready `pipeline` say otherwise); `boxes` mark
    further objects. Returns (background, front object, result), or with `all_objects`
    (background, object layers front to back, result)."""
    choices = choices or StepChoices.classical()
    prepared = prepare(doc, layer, box, mask, choices, pipeline, boxes)
    result = run(prepared, progress)
    background, objects = apply_layers(doc, prepared, result)
    return background, (objects if all_objects else objects[0]), result


def _canvas_recipe(recipe: dict, layer: Layer) -> dict:
    """The engine's recipe (layer coordinates) in canvas coordinates, naming its source."""
    return dict(offset_recipe(recipe, layer.x, layer.y), source=layer.name)


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
