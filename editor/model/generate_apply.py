"""The generate operation: a new layer from a box and a prompt, for the editor and the verb alike.

One route, in three parts (the shape every engine operation in editor/model
has; see docs/adding_a_method.md):

1. `prepare(doc, spec, box)` on the GUI thread: checks the request, decides
   where the new layer goes (just above the active layer, in its group, as
   `Document.add_layer` would put it), and takes the composite of what lies
   below that place inside the method's context window (never the whole
   document);
2. `generate(request, progress)` on a worker thread: runs the method from
   the table of methods (`engine.methods.registry`) on that window as if it
   were the whole image, and puts the candidates (seed, seed + 1, ...) back
   in canvas coordinates;
3. `apply_candidate(doc, placement, candidate)` on the GUI thread: one
   candidate as a new layer in one undo step named "Generate Layer",
   carrying its recipe (method, model, prompt, negative prompt, seed, box,
   steps, guidance and the method's own settings); with `alpha_as_mask`
   its alpha is a layer mask over opaque colours (`mask_ops.put_alpha_in_mask`).

The Generate panel runs the three through its per-document state
(`generate_state`), and the `generate` verb through `generate_layers`. No Qt
here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from engine.box import Box
from engine.compose import to_uint8
from engine.errors import InvalidInput
from engine.methods import registry
from engine.methods.registry import MAX_CANDIDATES, GenerateSpec  # noqa: F401  (part of this API)
from engine.progress import ProgressFn, no_progress

from . import commands as cmds
from .document import Document
from .errors import DocumentError
from .layers import Group, Layer, Node
from .mask_ops import put_alpha_in_mask
from .recipes import offset_recipe
from .render import composite_nodes, nodes_below

THUMBNAIL_SIDE = 128


@dataclass
class Placement:
    """Where the new layer goes: in `parent`, just above `anchor` (None: at the bottom)."""

    parent: Group
    anchor: Optional[Node]

    def resolve(self, doc: Document) -> tuple[Group, int]:
        """(parent, index) now; if the place is gone (layers deleted since), where a new
        layer would go now."""
        anchor = self.anchor
        if anchor is not None and doc.contains(anchor) and anchor.parent is not None:
            return anchor.parent, anchor.index() + 1
        if anchor is None and (self.parent is doc.root or doc.contains(self.parent)):
            return self.parent, 0
        return doc._insertion_point(None)


@dataclass
class GenerationInput:
    """Everything the worker needs, taken from the document on the GUI thread."""

    spec: GenerateSpec
    box: Box                  # where the object goes (canvas)
    window: Box               # the part of the canvas the method sees (canvas)
    background: np.ndarray    # straight RGBA of what lies below the new layer, inside `window`
    placement: Placement
    preview_box: Box          # where step previews belong (canvas): the part the model changes


@dataclass
class GeneratedCandidate:
    seed: int
    pixels: np.ndarray                # straight RGBA: the layer (empty (0, 0, 4) if nothing came out)
    x: int                            # canvas offset
    y: int
    recipe: dict
    thumbnail: np.ndarray             # small RGB picture of the window with this candidate
    composite: Optional[np.ndarray] = None  # BFS: the composite branch's picture of the window
    figures: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.pixels.size == 0

    @property
    def box(self) -> Box:
        return Box(self.x, self.y, self.pixels.shape[1], self.pixels.shape[0])


@dataclass
class Generation:
    candidates: list[GeneratedCandidate]
    window: Box
    model: str
    device: str
    timings: dict = field(default_factory=dict)
    working_size: Optional[tuple[int, int]] = None


# -- 1. prepare, on the GUI thread ---------------------------------------------------------------------
def placement_for(doc: Document) -> Placement:
    """Just above the active node, in its group (as Document.add_layer places a new layer)."""
    parent, index = doc._insertion_point(None)
    return Placement(parent, parent.children[index - 1] if index > 0 else None)


def context_window(method: str, box: Box, width: int, height: int,
                   spec: Optional[GenerateSpec] = None) -> tuple[Box, Box]:
    """(window, changed) for `box` on a width x height canvas: the part the method looks at,
    and the part of it the method may change (inpainting: the box grown for shadows)."""
    entry = registry.get(method)
    if entry.context_window is None:
        raise InvalidInput(f"'{entry.label}' does not add a layer from a box.")
    return entry.context_window(box, width, height, spec or GenerateSpec(method=method))


def composite_below(doc: Document, placement: Placement, box: Box) -> np.ndarray:
    """What lies below the placement inside canvas box `box` (straight RGBA).

    When that is one plain layer (a photo under the new layer, the common case), its own
    pixels are the answer, without compositing (a 12 MP composite costs 0.1-0.3 s)."""
    parent, index = placement.resolve(doc)
    nodes = nodes_below(doc.root, parent, index)
    shown = [n for n in nodes if n.visible]
    if len(shown) == 1 and isinstance(shown[0], Layer) and shown[0].opacity == 255 \
            and shown[0].blend_mode == "normal":
        return _layer_part(shown[0], box)
    return composite_nodes(nodes, box)


def _layer_part(layer: Layer, box: Box) -> np.ndarray:
    """The layer's pixels inside canvas box `box` (a view when the layer covers it)."""
    inside = layer.bounds().intersect(box)
    if inside == box:
        return layer.pixels[box.translate(-layer.x, -layer.y).slices()]
    out = np.zeros((box.h, box.w, 4), np.uint8)
    if not inside.is_empty():
        out[inside.translate(-box.x, -box.y).slices()] = \
            layer.pixels[inside.translate(-layer.x, -layer.y).slices()]
    return out


def prepare(doc: Document, spec: GenerateSpec, box: Optional[Box] = None) -> GenerationInput:
    """Checks the request against the document and takes the background (GUI thread)."""
    box = box if box is not None else doc.selection
    if box is None:
        raise InvalidInput("There is no box to generate into.",
                           "Draw one with the Rectangular Marquee (M) where the object should go.")
    box = box.validate_in(doc.width, doc.height)
    if not spec.prompt.strip():
        raise InvalidInput("The prompt is empty.", "Type what the new layer should show.")
    method = registry.get(spec.method)
    if not 1 <= spec.candidates <= MAX_CANDIDATES:
        raise InvalidInput(f"Candidates must be between 1 and {MAX_CANDIDATES}.")
    if not spec.model and not method.catalogue_default:
        raise InvalidInput(method.missing_model)
    placement = placement_for(doc)
    window, changed = context_window(spec.method, box, doc.width, doc.height, spec)
    return GenerationInput(spec, box, window, composite_below(doc, placement, window), placement,
                           changed)


# -- 2. generate, on the worker thread -----------------------------------------------------------------
def generate(request: GenerationInput, progress: ProgressFn = no_progress) -> Generation:
    """Runs the method on the window; the candidates come back in canvas coordinates."""
    spec, window = request.spec, request.window
    # The engine previews the whole window; only the part the model changes is passed on.
    part = request.preview_box.translate(-window.x, -window.y)

    def report(step: int, total: int, preview: Optional[np.ndarray] = None) -> None:
        if preview is not None and part != Box(0, 0, window.w, window.h):
            sx, sy = preview.shape[1] / window.w, preview.shape[0] / window.h
            x0, y0 = int(part.x * sx), int(part.y * sy)
            x1, y1 = max(x0 + 1, round(part.x1 * sx)), max(y0 + 1, round(part.y1 * sy))
            preview = preview[y0:y1, x0:x1]
        progress(step, total, preview)

    run = registry.get(spec.method).run
    assert run is not None  # prepare() checked the method adds layers
    result = run(spec, request.background, request.box.translate(-window.x, -window.y), report)
    candidates = []
    for c in result.candidates:
        recipe = offset_recipe(c.recipe, window.x, window.y)
        recipe.setdefault("window", list(window.as_tuple()))
        candidates.append(GeneratedCandidate(
            c.seed, c.pixels, c.x + window.x, c.y + window.y, recipe, thumbnail(c.picture),
            composite=c.composite, figures=dict(c.figures)))
    return Generation(candidates, window, result.model, result.device, result.timings,
                      result.working_size)


# -- 3. apply, on the GUI thread ------------------------------------------------------------------------
def apply_candidate(doc: Document, placement: Placement, candidate: GeneratedCandidate,
                    name: Optional[str] = None, visible: bool = True,
                    alpha_as_mask: bool = False) -> Layer:
    """Adds the candidate as a new layer with its recipe, in one undo step; returns the layer.
    With `alpha_as_mask` the layer's alpha is its layer mask over opaque colours."""
    if candidate.empty:
        raise DocumentError("This candidate is empty: the model added nothing there. "
                            "Try another candidate or seed.")
    parent, index = placement.resolve(doc)
    layer = Layer(name or layer_name(candidate.recipe), candidate.pixels, candidate.x, candidate.y,
                  visible=visible, recipe=dict(candidate.recipe))
    if alpha_as_mask:
        put_alpha_in_mask(layer, doc.canvas)
    doc.history.push(cmds.InsertNode(layer, parent, index, "Generate Layer"))
    return layer


def layer_name(recipe: dict) -> str:
    """The prompt, shortened to 40 characters."""
    prompt = " ".join(str(recipe.get("prompt", "")).split()) or "Generated"
    return prompt if len(prompt) <= 40 else prompt[:39] + "\u2026"


# -- all three in a row (command line, scripts) ------------------------------------------------------
def generate_layers(doc: Document, spec: GenerateSpec, box: Optional[Box] = None,
                    progress: ProgressFn = no_progress,
                    alpha_as_mask: bool = False) -> tuple[Generation, list[Layer]]:
    """Prepares, generates and applies every candidate, one above the other (each its own undo
    step); only the first is visible, and with several each name says its seed. Empty
    candidates add no layer."""
    request = prepare(doc, spec, box)
    generation = generate(request, progress)
    several = len(generation.candidates) > 1
    layers, placement = [], request.placement
    for candidate in generation.candidates:
        if candidate.empty:
            continue
        name = layer_name(candidate.recipe) + (f" (seed {candidate.seed})" if several else "")
        layer = apply_candidate(doc, placement, candidate, name, visible=not layers,
                                alpha_as_mask=alpha_as_mask)
        layers.append(layer)
        placement = Placement(layer.parent, layer)
    return generation, layers


# -- helpers ------------------------------------------------------------------------------------------
def thumbnail(picture: np.ndarray, side: int = THUMBNAIL_SIDE) -> np.ndarray:
    """`picture` (uint8 or 0..1 float RGB) shrunk to fit `side` x `side`, uint8 RGB."""
    import cv2  # heavy: loaded when the first candidate comes

    if picture.dtype != np.uint8:
        picture = to_uint8(picture)
    h, w = picture.shape[:2]
    scale = min(1.0, side / max(h, w))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.ascontiguousarray(cv2.resize(np.ascontiguousarray(picture[..., :3]), size,
                                           interpolation=cv2.INTER_AREA))
