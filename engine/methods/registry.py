"""The table of methods: one entry per engine method, read by every part that lists or runs one.

Each `Method` says what a method is called (`label`, `description`), what it
makes (`kind`), which model families serve it, which of the request's
optional fields apply to it, and — for the methods that add a layer from a
box and a prompt — how large a part of the picture it looks at
(`context_window`) and how to run it (`run`). The Generate panel, the Models
dialog, the model catalogue (`engine.models.catalogue`), the `generate` verb
and the editor's generate operation (`editor.model.generate_apply`) read
this table; none of them switches on method names. docs/adding_a_method.md
says how to add a method.

The editor reads the table while its window opens, so this module imports no
method module at the top: each entry's functions import their method file
when they run (tests/test_ui_startup.py keeps the engine out of start-up).

A layer method's `run(spec, background, box, progress)` takes the request
(`GenerateSpec`), the background *inside its context window* and the box in
that window's coordinates, and returns a `LayerRun` in the same window
coordinates; the editor places it back on the canvas. No Qt, no torch here
(the methods import torch themselves when they run).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from engine.box import Box, opaque_bounds
from engine.errors import InvalidInput, ModelError
from engine.progress import ProgressFn, Stages

MAX_CANDIDATES = 8  # the most candidates one generation makes (add_foreground checks it too)
INPAINT_GROW = 0.25  # inpainting: the painted region is the box grown by this x its longer side
INPAINT_MARGIN = 0.5  # inpainting: context around that region, x its longer side

# The inpainting model families (diffusers pipelines; see engine.models.loading).
INPAINTING_FAMILIES = ("sd-inpaint", "sdxl-inpaint", "flux-fill")

# Kinds of method.
LAYER = "layer"            # box + prompt -> a new layer (Generate panel, `generate` verb)
PICTURE = "picture"        # prompt -> a whole picture (New Layered Image, `layered` verb)
DECOMPOSE_STEP = "decompose_step"  # serves one step of Decompose (Decompose Options)
EDIT = "edit"              # picture + subject mask + texts -> edited picture (Edit with Text, `edit`)


@dataclass
class GenerateSpec:
    """What the user asked a layer method for (the Generate panel's fields, the verb's options)."""

    method: str = "add_foreground"
    model: Optional[str] = None       # catalogue id, folder or .safetensors; None: catalogue default
    prompt: str = ""
    negative_prompt: str = ""         # where the method and model take one (Method.applies)
    seed: int = 0                     # candidate i uses seed + i
    steps: Optional[int] = None       # None: the model's default
    guidance: Optional[float] = None  # None: the model's default
    candidates: int = 1
    resolution: Optional[int] = None  # inpainting: working size ~ resolution^2; None: the model's
    device: str = "auto"
    dtype: str = "auto"
    cpu_offload: Optional[bool] = None  # None: when the GPU has too little memory (not for BFS)
    grow: Optional[float] = None      # inpainting: room for shadows, x the box's side; None: default
    margin: Optional[float] = None    # inpainting: context around that; None: default
    figures: bool = False             # measure recomposition errors (inpainting; costs time)
    previews: bool = True             # send a small preview picture with each step


@dataclass
class LayerCandidate:
    """One candidate of a layer method, in its context window's coordinates."""

    seed: int
    pixels: np.ndarray                # straight RGBA (empty (0, 0, 4) if nothing came out)
    x: int
    y: int
    recipe: dict                      # boxes in window coordinates
    picture: np.ndarray               # RGB picture of the window with this candidate (thumbnails)
    composite: Optional[np.ndarray] = None  # BFS: the composite branch's picture of the window
    figures: dict = field(default_factory=dict)


@dataclass
class LayerRun:
    candidates: list[LayerCandidate]
    model: str
    device: str
    timings: dict = field(default_factory=dict)
    working_size: Optional[tuple[int, int]] = None


# (box, canvas width, canvas height, spec) -> (window the method sees, part of it it may change)
WindowFn = Callable[[Box, int, int, GenerateSpec], tuple[Box, Box]]
# (spec, background inside the window, box in the window, progress) -> LayerRun
RunFn = Callable[[GenerateSpec, np.ndarray, Box, ProgressFn], LayerRun]


@dataclass(frozen=True)
class Method:
    id: str
    label: str                        # menus, combo boxes, tables
    description: str                  # tooltips and help
    kind: str                         # LAYER, PICTURE or DECOMPOSE_STEP
    families: tuple[str, ...]         # the model families that serve it
    fields: frozenset[str] = frozenset()  # optional GenerateSpec fields that apply
    no_negative_families: tuple[str, ...] = ()  # families that take no negative prompt
    catalogue_default: bool = True    # the catalogue has a default model for it
    missing_model: str = ""           # what to tell the user when no model is chosen
    context_window: Optional[WindowFn] = None
    run: Optional[RunFn] = None

    def applies(self, name: str, family: Optional[str] = None) -> bool:
        """Whether the optional field `name` means something for this method (and model family)."""
        if name not in self.fields:
            return False
        return not (name == "negative_prompt" and family in self.no_negative_families)


# -- inpaint + extract (engine.methods.add_foreground) ----------------------------------------------
def _inpaint_request(spec: GenerateSpec, background: np.ndarray, box: Box):
    from . import add_foreground as inpaint_method

    options = {k: v for k, v in (("grow", spec.grow), ("margin", spec.margin)) if v is not None}
    return inpaint_method.AddForegroundRequest(
        background, box, spec.prompt, spec.negative_prompt, spec.seed, spec.steps, spec.guidance,
        spec.candidates, spec.model, resolution=spec.resolution, previews=spec.previews,
        figures=spec.figures,
        device=spec.device, dtype=spec.dtype, cpu_offload=spec.cpu_offload, **options)


def _inpaint_window(box: Box, width: int, height: int, spec: GenerateSpec) -> tuple[Box, Box]:
    from . import add_foreground as inpaint_method

    request = _inpaint_request(spec, np.zeros((0, 0, 4), np.uint8), box)
    region, window = inpaint_method.plan_regions(box, width, height, request.grow, request.margin)
    return window, region


def _inpaint_run(spec: GenerateSpec, background: np.ndarray, box: Box,
                 progress: ProgressFn) -> LayerRun:
    from . import add_foreground as inpaint_method

    result = inpaint_method.add_foreground(_inpaint_request(spec, background, box), progress)
    return LayerRun([LayerCandidate(c.seed, c.layer, c.x, c.y, c.recipe, c.generated,
                                    figures=dict(c.figures)) for c in result.candidates],
                    result.model, result.device, result.timings, result.working_size)


# -- BFS (engine.methods.bfs) -------------------------------------------------------------------------
def _bfs_window(box: Box, width: int, height: int, spec: GenerateSpec) -> tuple[Box, Box]:
    from . import bfs as bfs_method

    window = bfs_method.context_window(width, height, box, bfs_method.BFSRequest.context)
    return window, window


def _bfs_run(spec: GenerateSpec, background: np.ndarray, box: Box,
             progress: ProgressFn) -> LayerRun:
    from engine.models.loading import get_pipeline

    from . import bfs as bfs_method

    ref = spec.model or default_model(BFS.id)
    if not ref:
        raise ModelError(BFS.missing_model)
    loaded = get_pipeline(ref, device=spec.device, dtype=spec.dtype,
                          cpu_offload=spec.cpu_offload,  # BFS ignores offload; same cache key
                          progress=progress)
    if loaded.family not in BFS.families:
        raise ModelError(f"{ref} is not a BFS model folder.",
                         "Choose the Inpaint + extract method for it, or a BFS model here.")
    model = loaded.pipeline
    steps = spec.steps or model.steps
    stages = Stages(progress, {f"candidate {i}": steps + 2 for i in range(spec.candidates)})
    candidates = []
    for i in range(spec.candidates):
        seed = spec.seed + i
        report = stages.stage(f"candidate {i}")
        result = bfs_method.synthesize(bfs_method.BFSRequest(
            background, box, spec.prompt, seed, spec.steps, spec.guidance,
            previews=spec.previews),
            model, report)
        pixels, x, y = _trim(result.foreground)
        recipe = dict(result.recipe, model=loaded.source.ref,
                      guidance=result.recipe.get("guidance_scale"))
        picture = result.recomposed[..., :3]
        report(steps + 2, steps + 2, picture)  # the finished candidate as the step preview
        candidates.append(LayerCandidate(seed, pixels, x + result.x, y + result.y, recipe, picture,
                                         composite=result.composite_branch))
    return LayerRun(candidates, loaded.source.ref, loaded.plan.describe())


def _trim(pixels: np.ndarray) -> tuple[np.ndarray, int, int]:
    """The pixels cut to their visible part, with its offset (empty when nothing shows)."""
    bounds = opaque_bounds(pixels)
    if bounds is None:
        return np.zeros((0, 0, 4), np.uint8), 0, 0
    return np.ascontiguousarray(pixels[bounds.slices()]), bounds.x, bounds.y


# -- the table ------------------------------------------------------------------------------------------
ADD_FOREGROUND = Method(
    "add_foreground", "Inpaint + extract",
    "A diffusers inpainting model paints the object into the picture; the object and its "
    "shadow are lifted off it (engine.methods.extract), the repainted background is left out.",
    LAYER, INPAINTING_FAMILIES,
    fields=frozenset({"negative_prompt", "resolution", "grow", "margin"}),
    no_negative_families=("flux-fill",),
    context_window=_inpaint_window, run=_inpaint_run)

BFS = Method(
    "bfs", "BFS (two-branch)",
    "A BFS model paints the layer and the picture together in two branches "
    "(back-to-front synthesis).",
    LAYER, ("bfs",),  # the catalogue's default is the built-in model (resources/builtin)
    missing_model="No BFS model: the built-in one is missing from this installation. Add a BFS "
                  "model folder (bfs.json, bridge.safetensors, rgba_vae/) with “Add model from "
                  "folder or file…” in the Generate panel's model list.",
    context_window=_bfs_window, run=_bfs_run)

METHODS: tuple[Method, ...] = (
    ADD_FOREGROUND,
    BFS,
    Method("layered", "Layered image from a prompt",
           "An inpainting model paints a whole picture from the prompt (the whole picture "
           "masked), which Decompose then splits into object and background layers.",
           PICTURE, INPAINTING_FAMILIES),
    Method("decompose_background", "Decompose: background fill",
           "Fills the background behind the object Decompose lifts off.",
           DECOMPOSE_STEP, INPAINTING_FAMILIES),
    Method("decompose_mask", "Decompose: object mask",
           "Finds the object's mask from the marked box or paint (SAM).",
           DECOMPOSE_STEP, ("sam",)),
    Method("decompose_matting", "Decompose: edges",
           "Soft edges of the object's mask (alpha matting, ViTMatte).",
           DECOMPOSE_STEP, ("vitmatte",)),
    # engine.methods.edit runs on a Stable Diffusion 1.x/2.x pipeline's components (text-to-image
    # folders load into the sd-inpaint family; its inpainting models serve too).
    Method("edit", "Edit with text",
           "Changes the marked subject and the background by text, keeping the subject's "
           "identity and the scene's look (LayerDiffusion: text embeddings optimised under "
           "masks, masked fine-tuning, alternating guidance).",
           EDIT, ("sd-inpaint",)),
)


def get(method_id: str) -> Method:
    """The method called `method_id`; InvalidInput naming the known ones otherwise."""
    for method in METHODS:
        if method.id == method_id:
            return method
    raise InvalidInput(f"Unknown method '{method_id}'.",
                       f"Choose one of: {', '.join(m.id for m in layer_methods())}.")


def layer_methods() -> list[Method]:
    """The methods that add a layer from a box and a prompt, in the order they are offered."""
    return [m for m in METHODS if m.kind == LAYER]


def methods_of_family(family: str) -> tuple[str, ...]:
    """The ids of the methods a model family serves, layer methods first."""
    return tuple(m.id for m in METHODS if family in m.families)


def method_for_family(family: str) -> str:
    """The method a model of `family` is listed under: the layer method it serves, else its first."""
    served = methods_of_family(family)
    if not served:
        raise ModelError(f"No method uses models of the family '{family}'.")
    layer = [m.id for m in layer_methods() if m.id in served]
    return (layer or list(served))[0]


def default_model(method_id: str) -> Optional[str]:
    """The catalogue's model for a method when the user names none: the first listed one that is
    on this computer, else the first listed; None if the catalogue lists none."""
    from engine.models.catalogue import load_catalogue

    catalogue = load_catalogue()
    listed = catalogue.for_method(method_id)
    installed = catalogue.installed_for(method_id)
    return (installed or listed)[0].id if listed else None


def default_layer_choice(model: Optional[str] = None) -> tuple[str, Optional[str]]:
    """(method, model) for a generate request that names no method.

    With a model: the layer method its family serves. Without one: inpaint + un-blend when an
    inpainting model of the catalogue is on this computer, else BFS with the built-in model,
    which ships with Layered and runs offline on a CPU (so Generate works on a fresh computer).
    """
    from engine.models.catalogue import load_catalogue
    from engine.models.locate import find_model

    if model:
        return method_for_family(find_model(model).family), model
    if load_catalogue().installed_for(ADD_FOREGROUND.id):
        return ADD_FOREGROUND.id, None
    return BFS.id, default_model(BFS.id)
