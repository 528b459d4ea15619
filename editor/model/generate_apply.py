"""Generate a layer into a document: background, engine run, and the chosen candidate applied.

The new layer goes where `Document.add_layer` would put it: just above the
active layer, in its group. What lies below that place is the background
the engine paints on, and only the part of it inside the method's context
window is composited (never the whole document): the engine works on that
window as if it were the whole image, and the results are placed back in
canvas coordinates. Two methods:

- "add_foreground" — inpaint + extract with a diffusers inpainting model
  (`engine.methods.add_foreground`); each step sends a small preview of the
  window;
- "bfs" — a BFS model folder (`engine.methods.bfs`), which paints the layer
  itself and also returns its composite branch's picture.

Each candidate (seed, seed + 1, ...) can be applied as a new layer in one
undo step named "Generate Layer", carrying its recipe (method, model,
prompt, negative prompt, seed, box, steps, guidance and the method's own
settings). No Qt here: the editor runs `prepare` and `apply_candidate` on
the GUI thread and `generate` on its worker thread; scripts can call them in
a row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from engine.box import Box
from engine.errors import InvalidInput, ModelError
from engine.progress import ProgressFn, Stages, no_progress

from . import commands as cmds
from .document import Document
from .errors import DocumentError
from .layers import Group, Layer, Node

METHODS = {"add_foreground": "Inpaint + extract", "bfs": "BFS (two-branch)"}
MAX_CANDIDATES = 8
THUMBNAIL_SIDE = 128
BFS_CONTEXT = 2.0  # the BFS window side, x the box's longer side (engine.methods.bfs default)


@dataclass
class GenerateSpec:
    """What the user asked for (the Generate panel's fields)."""

    method: str = "add_foreground"
    model: Optional[str] = None       # catalogue id, folder or .safetensors; None: catalogue default
    prompt: str = ""
    negative_prompt: str = ""         # inpainting models other than FLUX.1-Fill only
    seed: int = 0                     # candidate i uses seed + i
    steps: Optional[int] = None       # None: the model's default
    guidance: Optional[float] = None  # None: the model's default
    candidates: int = 1
    resolution: Optional[int] = None  # inpainting: working size ~ resolution^2; None: the model's
    device: str = "auto"
    dtype: str = "auto"
    cpu_offload: Optional[bool] = None  # None: when the GPU has too little memory (not for BFS)


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


# -- on the GUI thread ------------------------------------------------------------------------------
def placement_for(doc: Document) -> Placement:
    """Just above the active node, in its group (as Document.add_layer places a new layer)."""
    parent, index = doc._insertion_point(None)
    return Placement(parent, parent.children[index - 1] if index > 0 else None)


def context_window(method: str, box: Box, width: int, height: int) -> tuple[Box, Box]:
    """(window, changed) for `box` on a width x height canvas: the part the method looks at,
    and the part of it the method may change (inpainting: the box grown for shadows)."""
    if method == "bfs":
        from engine.methods.bfs import context_window as bfs_window

        window = bfs_window(width, height, box, BFS_CONTEXT)
        return window, window
    if method == "add_foreground":
        from engine.methods.add_foreground import AddForegroundRequest, plan_regions

        defaults = AddForegroundRequest(None, box, "")
        region, window = plan_regions(box, width, height, defaults.grow, defaults.margin)
        return window, region
    raise InvalidInput(f"Unknown method '{method}'.", f"Choose one of: {', '.join(METHODS)}.")


def composite_below(doc: Document, placement: Placement, box: Box) -> np.ndarray:
    """What lies below the placement inside canvas box `box` (straight RGBA).

    When that is one plain layer (a photo under the new layer, the common case), its own
    pixels are the answer, without compositing (a 12 MP composite costs 0.1-0.3 s)."""
    from .render import composite_nodes, nodes_below

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
    if spec.method not in METHODS:
        raise InvalidInput(f"Unknown method '{spec.method}'.")
    if not 1 <= spec.candidates <= MAX_CANDIDATES:
        raise InvalidInput(f"Candidates must be between 1 and {MAX_CANDIDATES}.")
    placement = placement_for(doc)
    window, changed = context_window(spec.method, box, doc.width, doc.height)
    return GenerationInput(spec, box, window, composite_below(doc, placement, window), placement,
                           changed)


def apply_candidate(doc: Document, placement: Placement, candidate: GeneratedCandidate,
                    name: Optional[str] = None) -> Layer:
    """Adds the candidate as a new layer with its recipe, in one undo step; returns the layer."""
    if candidate.empty:
        raise DocumentError("This candidate is empty: the model added nothing there. "
                            "Try another candidate or seed.")
    parent, index = placement.resolve(doc)
    layer = Layer(name or layer_name(candidate.recipe), candidate.pixels, candidate.x, candidate.y,
                  recipe=dict(candidate.recipe))
    doc.history.push(cmds.InsertNode(layer, parent, index, "Generate Layer"))
    return layer


def layer_name(recipe: dict) -> str:
    """The prompt, shortened to 40 characters."""
    prompt = " ".join(str(recipe.get("prompt", "")).split()) or "Generated"
    return prompt if len(prompt) <= 40 else prompt[:39] + "\u2026"


# -- on the worker thread --------------------------------------------------------------------------
def generate(request: GenerationInput, progress: ProgressFn = no_progress) -> Generation:
    """Runs the method on the window; the candidates come back in canvas coordinates."""
    if request.spec.method == "bfs":
        return _generate_bfs(request, progress)
    return _generate_inpaint(request, progress)


def _generate_inpaint(request: GenerationInput, progress: ProgressFn) -> Generation:
    from engine.methods.add_foreground import AddForegroundRequest, add_foreground

    spec, window = request.spec, request.window
    # The engine previews the whole window; only the part the model changes is passed on.
    part = request.preview_box.translate(-window.x, -window.y)

    def report(step: int, total: int, preview: Optional[np.ndarray] = None) -> None:
        if preview is not None:
            sx, sy = preview.shape[1] / window.w, preview.shape[0] / window.h
            x0, y0 = int(part.x * sx), int(part.y * sy)
            x1, y1 = max(x0 + 1, round(part.x1 * sx)), max(y0 + 1, round(part.y1 * sy))
            preview = preview[y0:y1, x0:x1]
        progress(step, total, preview)

    result = add_foreground(AddForegroundRequest(
        request.background, request.box.translate(-window.x, -window.y), spec.prompt,
        spec.negative_prompt, spec.seed, spec.steps, spec.guidance, spec.candidates, spec.model,
        resolution=spec.resolution, figures=False, device=spec.device, dtype=spec.dtype,
        cpu_offload=spec.cpu_offload), report)
    candidates = []
    for c in result.candidates:
        recipe = _to_canvas(c.recipe, window, ("box", "region", "window"))
        candidates.append(GeneratedCandidate(
            c.seed, c.layer, c.x + window.x, c.y + window.y, recipe, thumbnail(c.generated),
            figures=dict(c.figures)))
    return Generation(candidates, window, result.model, result.device, result.timings)


def _generate_bfs(request: GenerationInput, progress: ProgressFn) -> Generation:
    from engine.methods.bfs import BFSRequest, add_foreground
    from engine.models.loading import get_pipeline

    spec, window = request.spec, request.window
    if not spec.model:
        raise ModelError("No BFS model is chosen.",
                         "Add a BFS model folder with “Add model from folder or file…” in the "
                         "Generate panel's model list.")
    loaded = get_pipeline(spec.model, device=spec.device, dtype=spec.dtype,
                          cpu_offload=spec.cpu_offload)  # BFS ignores offload; same cache key
    if loaded.family != "bfs":
        raise ModelError(f"{spec.model} is not a BFS model folder.",
                         "Choose the Inpaint + extract method for it, or a BFS model here.")
    model = loaded.pipeline
    steps = spec.steps or model.steps
    stages = Stages(progress, {f"candidate {i}": steps + 2 for i in range(spec.candidates)})
    box = request.box.translate(-window.x, -window.y)
    candidates = []
    for i in range(spec.candidates):
        seed = spec.seed + i
        report = stages.stage(f"candidate {i}")
        result = add_foreground(BFSRequest(request.background, box, spec.prompt, seed, spec.steps,
                                           spec.guidance, BFS_CONTEXT), model, report)
        pixels, x, y = _trim(result.foreground)
        recipe = _to_canvas(result.recipe, window, ("box",))
        recipe.update(model=loaded.source.ref, guidance=recipe.get("guidance_scale"),
                      window=list(window.as_tuple()))
        picture = result.recomposed[..., :3]
        report(steps + 2, steps + 2, picture)  # the finished candidate as the step preview
        candidates.append(GeneratedCandidate(
            seed, pixels, x + result.x + window.x, y + result.y + window.y, recipe,
            thumbnail(picture), composite=result.composite_branch))
    return Generation(candidates, window, loaded.source.ref, loaded.plan.describe())


# -- helpers ------------------------------------------------------------------------------------------
def _to_canvas(recipe: dict, window: Box, keys: tuple[str, ...]) -> dict:
    """The engine's recipe (window coordinates) with its boxes in canvas coordinates."""
    out = dict(recipe)
    for key in keys:
        if out.get(key) is not None:
            x, y, w, h = out[key]
            out[key] = [x + window.x, y + window.y, w, h]
    return out


def _trim(pixels: np.ndarray) -> tuple[np.ndarray, int, int]:
    from .layers import opaque_bounds

    bounds = opaque_bounds(pixels)
    if bounds is None:
        return np.zeros((0, 0, 4), np.uint8), 0, 0
    return np.ascontiguousarray(pixels[bounds.slices()]), bounds.x, bounds.y


def thumbnail(picture: np.ndarray, side: int = THUMBNAIL_SIDE) -> np.ndarray:
    """`picture` (uint8 or 0..1 float RGB) shrunk to fit `side` x `side`, uint8 RGB."""
    import cv2

    from engine.compose import to_uint8

    if picture.dtype != np.uint8:
        picture = to_uint8(picture)
    h, w = picture.shape[:2]
    scale = min(1.0, side / max(h, w))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.ascontiguousarray(cv2.resize(np.ascontiguousarray(picture[..., :3]), size,
                                           interpolation=cv2.INTER_AREA))
