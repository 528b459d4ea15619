"""Generate a layered image from a prompt: make a picture, then take it apart (LayeringDiff).

LayeringDiff (shared/papers/layeringdiff.txt) makes layered images in two
moves: an off-the-shelf text-to-image model paints the whole picture, and a
decomposition splits it into a foreground layer over a background layer.
Here the decomposition is `engine.methods.decompose` (with the learned
components that are installed), and the picture comes from a catalogue
model run through the engine's usual loader and model cache.

Which model paints the picture: the catalogue's inpainting models (SD 1.5 /
2 inpainting, SDXL inpainting, FLUX.1-Fill), run with a mask covering the
whole picture and strength 1, so nothing of the input image survives and
the model paints from the prompt alone: a text-to-image run. The inpainting
models were trained with fully masked examples among others, so this is a
case they know; a folder of a plain text-to-image model (4-channel UNet)
loads into the same inpainting class (engine.models.locate) and then runs
exactly as text-to-image. The other way, separate text-to-image entries in
the catalogue, would make the user download a second multi-gigabyte model
for one command while the one they have can do it; a built-in composite
branch (BFS) does not exist yet and is not faked here.

Steps (read `generate_layered` top to bottom):
1. check the request and choose the decomposition's components (so a bad
   choice fails before minutes of generation);
2. get the model (shared cache) and plan the size: the request's, or the
   model's resolution squared, rounded to the latent multiple;
3. paint the picture (every denoising step reported; cancel stops it);
4. the object's box: the request's, or found in the picture
   (`find_main_object`: GrabCut from a centred rectangle, the largest part);
5. decompose the picture into foreground and background.
When no object can be told apart (step 4 or 5 finds none), the picture is
still returned, unsplit, with the reason in `note`: minutes of generation
are not thrown away over a box.

The box says where the foreground object is *in the generated picture*; it
does not steer the generation (a text-to-image model has no box input). A
seed makes the picture repeatable, so a user who wants another object as
the foreground runs again with the same seed and a box around it - or, in
the editor, undoes the decomposition and draws a box.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional

import cv2
import numpy as np

from engine.box import Box
from engine.compose import to_uint8
from engine.errors import InvalidInput
from engine.models import loading
from engine.models.catalogue import load_catalogue
from engine.models.devices import out_of_memory_guard
from engine.progress import ProgressFn, Stages, no_progress

from . import inpainting
from .decompose_steps.fill import pyramid_fill
from .decompose_steps.segment import clean_mask, mask_bounds

METHOD = "layered"
MIN_SIDE, MAX_SIDE = 32, 4096
# The main object is looked for inside this rectangle (the picture less a border of this
# share of each side); generated pictures usually put the subject well inside the frame.
INSET = 0.08
FIND_SIDE = 320   # the search runs on the picture reduced to this side
MIN_OBJECT, MAX_OBJECT = 0.01, 0.85  # share of the picture the found object may cover
SHADOW_DEPTH, SHADOW_LIGHT, SHADOW_RIM, SHADOW_EVENNESS = 0.25, 0.85, 0.98, 0.2  # cast_shadow


@dataclass
class LayeredRequest:
    prompt: str
    negative_prompt: str = ""
    box: Optional[Box] = None        # the foreground object in the picture; None: found
    size: Optional[tuple[int, int]] = None  # (width, height); None: the model's resolution
    seed: int = 0
    steps: Optional[int] = None      # None: the model's default
    guidance: Optional[float] = None  # None: the model's default
    model: Optional[str] = None      # None: the catalogue's first model for "layered"
    shadow: bool = True              # the object's shadow goes on the foreground layer
    mask_model: str = "auto"         # decomposition components (see decompose_steps.choose)
    matting_model: str = "auto"
    background_model: str = "auto"
    device: str = "auto"
    dtype: str = "auto"
    cpu_offload: Optional[bool] = None
    objects: int = 1                 # with no box: split up to this many objects found


@dataclass
class LayeredResult:
    picture: np.ndarray       # (H, W, 3) uint8: the generated picture (the composite)
    box: Optional[Box]        # the object's box the decomposition used
    found: bool               # the box was to be found in the picture (none was given)
    decomposition: object     # decompose.DecomposeResult (the layers), or None: see `note`
    recipe: dict              # how the picture was made
    timings: dict = field(default_factory=dict)
    note: str = ""            # why the picture could not be split (decomposition is None)


def check_inputs(request: LayeredRequest) -> None:
    if not request.prompt or not request.prompt.strip():
        raise InvalidInput("The prompt is empty.", "Describe the picture to make.")
    if request.size is not None:
        w, h = request.size
        if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
            raise InvalidInput(f"The size {w}x{h} is out of range.",
                               f"Each side must be between {MIN_SIDE} and {MAX_SIDE} pixels.")
    if request.steps is not None and not 1 <= request.steps <= 500:
        raise InvalidInput(f"Steps must be between 1 and 500, not {request.steps}.")
    if request.guidance is not None and not 0 <= request.guidance <= 100:
        raise InvalidInput(f"Guidance must be between 0 and 100, not {request.guidance}.")
    if not 1 <= request.objects <= 20:
        raise InvalidInput(f"The number of objects must be between 1 and 20, not {request.objects}.")
    if not 0 <= request.seed < 2 ** 63:
        raise InvalidInput(f"The seed must be a whole number from 0, not {request.seed}.")


def generate_layered(request: LayeredRequest, progress: ProgressFn = no_progress, *,
                     model=None, cache_dir=None) -> LayeredResult:
    """Paints the picture and splits it into layers; see the module docstring.

    `model` is a loaded `engine.models.loading.LoadedModel` (default: the
    request's model from the shared cache). `progress` is called after every
    denoising step and every decomposition step; after the painting it
    carries the picture as its preview. It may raise `Cancelled`.
    """
    from .decompose import DecomposePipeline, DecomposeRequest

    # 1. Check the request; choose the decomposition's components.
    check_inputs(request)
    decomposer = DecomposePipeline.choose(
        request.mask_model, request.matting_model, request.background_model,
        device=request.device, dtype=request.dtype, seed=request.seed, cache_dir=cache_dir)

    # 2. The model and the size.
    if model is None:
        ref = request.model or load_catalogue().default_for(METHOD).id
        model = loading.get_pipeline(ref, device=request.device, dtype=request.dtype,
                             cpu_offload=request.cpu_offload, cache_dir=cache_dir)

    info = model.info
    steps = request.steps or info.default_steps
    guidance = info.default_guidance if request.guidance is None else request.guidance
    multiple = inpainting.size_multiple(model.pipeline, model.family)
    width, height = request.size or (info.resolution, info.resolution)
    width, height = (max(multiple, round(n / multiple) * multiple) for n in (width, height))
    if request.box is not None:
        request.box.validate_in(width, height)
    units = (decomposer.segmenter.weight + decomposer.matter.weight
             + decomposer.inpainter.weight + 2)
    stages = Stages(progress, {"paint": steps, "find": 1, "decompose": units})
    timings: dict[str, float] = {}

    # 3. Paint the picture.
    t0 = time.perf_counter()
    picture = paint_picture(model, request.prompt.strip(), request.negative_prompt.strip(),
                            width, height, steps, guidance, request.seed, stages.stage("paint"))
    timings["paint_s"] = round(time.perf_counter() - t0, 3)
    stages.stage("paint")(1, 1, picture)

    recipe = {"method": METHOD, "model": model.source.ref, "family": model.family,
              "prompt": request.prompt.strip(), "negative_prompt": request.negative_prompt.strip(),
              "seed": request.seed, "steps": steps, "guidance": guidance, "size": [width, height]}
    box, found = request.box, request.box is None
    try:
        # 4. The object's box (or the boxes of several objects).
        more: list[Box] = []
        if box is None and request.objects > 1:
            box, *more = find_objects(picture, request.objects)
        elif box is None:
            box = find_main_object(picture)
        stages.done("find")

        # 5. Take the picture apart.
        t0 = time.perf_counter()
        result = decomposer(DecomposeRequest(picture, box=box, boxes=more, shadow=request.shadow),
                            stages.stage("decompose"))
        timings["decompose_s"] = round(time.perf_counter() - t0, 3)
    except InvalidInput as exc:
        # The picture is made and worth keeping: it comes back whole, with the reason.
        return LayeredResult(picture, box, found, None, recipe, timings, note=str(exc))
    recipe.update(object_box=list(box.as_tuple()), object_box_found=found)
    return LayeredResult(picture, box, found, result, recipe, timings)


def paint_picture(model, prompt: str, negative_prompt: str, width: int, height: int,
                  steps: int, guidance: float, seed: int, progress: ProgressFn) -> np.ndarray:
    """A text-to-image run of an inpainting pipeline: the whole picture is masked.

    Returns (height, width, 3) uint8. A cancelled or failed run frees the
    device memory it used.
    """
    import torch
    from PIL import Image

    pipe = model.pipeline

    def on_step_end(pipeline, step, timestep, tensors):
        progress(step + 1, steps)  # may raise Cancelled: the run stops here
        return tensors

    # The input picture is fully masked, so its content never reaches the result.
    blank = Image.new("RGB", (width, height), (128, 128, 128))
    mask = Image.new("L", (width, height), 255)
    kwargs = inpainting.pipeline_kwargs(
        model.family, prompt=prompt, negative_prompt=negative_prompt, image=blank, mask=mask,
        width=width, height=height, steps=steps, guidance=guidance,
        generator=torch.Generator("cpu").manual_seed(seed), on_step_end=on_step_end)
    try:
        with out_of_memory_guard(model.plan, "Painting the picture"):
            images = pipe(**kwargs).images
    except BaseException:
        inpainting.release(pipe, model.plan.device)
        raise
    return to_uint8(np.clip(np.asarray(images[0], np.float32), 0.0, 1.0))


def find_main_object(picture: np.ndarray) -> Box:
    """The box of the picture's main object, or InvalidInput when there is none to tell.

    GrabCut learns the colours of the picture's border (the INSET margin,
    taken as background) and of the centre, and cuts along the strongest
    edges between them; the largest part it keeps, with any part at least
    15 % of its size (a head cut off by a collar), is the main object. Its
    box, grown a little, is what the decomposition gets - the decomposition
    segments the object again at full resolution inside it. GrabCut also
    cuts out the darker ground of a cast shadow; those pixels are dropped
    first (`cast_shadow`), so the box holds the object, not its shadow.
    """
    found, scale = _foreground(picture)
    found = clean_mask(found, keep=0.15)  # the main part and others of a similar size
    share = float(found.mean())
    if not MIN_OBJECT <= share <= MAX_OBJECT:
        raise InvalidInput("No single main object could be told apart in the picture.",
                           "Mark the object with a box (--box X,Y,W,H on the command line; "
                           "the marquee and Layer > Decompose in the editor).")
    return _grown_box(mask_bounds(found), found.shape, scale, picture.shape)


def find_objects(picture: np.ndarray, count: int) -> list[Box]:
    """Boxes of up to `count` salient objects, largest first (InvalidInput when there is none).

    The same cut as `find_main_object`; each separate part of at least
    `MIN_OBJECT` of the picture (small specks are not objects) is one object.
    """
    found, scale = _foreground(picture)
    found = clean_mask(found, keep=0.05)
    n, parts, stats, _ = cv2.connectedComponentsWithStats(found.astype(np.uint8), connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    order = [i + 1 for i in np.argsort(areas)[::-1] if areas[i] >= MIN_OBJECT * found.size]
    if not order or float(found.mean()) > MAX_OBJECT:
        raise InvalidInput("No object could be told apart in the picture.",
                           "Mark the objects with boxes.")
    return [_grown_box(mask_bounds(parts == i), found.shape, scale, picture.shape)
            for i in order[:max(1, count)]]


def _grown_box(box: Box, small_shape, scale: float, shape) -> Box:
    sh, sw = small_shape
    h, w = shape[:2]
    grow = max(2, round(0.04 * max(sw, sh)))
    box = box.expand(grow).clip(sw, sh)
    return Box.from_corners(int(box.x / scale), int(box.y / scale),
                            min(w, int(np.ceil(box.x1 / scale))),
                            min(h, int(np.ceil(box.y1 / scale))))


def _foreground(picture: np.ndarray) -> tuple[np.ndarray, float]:
    """GrabCut's foreground of the picture reduced to FIND_SIDE (shadows dropped), and the scale."""
    h, w = picture.shape[:2]
    scale = min(1.0, FIND_SIDE / max(h, w))
    size = (max(8, round(w * scale)), max(8, round(h * scale)))
    small = cv2.resize(np.ascontiguousarray(picture[..., :3]), size, interpolation=cv2.INTER_AREA)
    sw, sh = size
    rect = (round(INSET * sw), round(INSET * sh), sw - 2 * round(INSET * sw),
            sh - 2 * round(INSET * sh))
    labels = np.zeros((sh, sw), np.uint8)
    bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))
    cv2.setRNGSeed(0)
    try:
        cv2.grabCut(np.ascontiguousarray(small[..., ::-1]), labels, rect, bgd, fgd, 5,
                    cv2.GC_INIT_WITH_RECT)
    except cv2.error:
        labels[:] = cv2.GC_BGD
    found = (labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)
    if found.any() and (~found).any():
        found &= ~cast_shadow(small, found)
        # Threads a pixel or two wide (what is left of a shadow's outline) do not join parts.
        found = cv2.morphologyEx(found.astype(np.uint8), cv2.MORPH_OPEN,
                                 np.ones((3, 3), np.uint8)) > 0
    return found, scale


def cast_shadow(picture: np.ndarray, found: np.ndarray) -> np.ndarray:
    """Pixels of `found` that look like the ground around them in shadow.

    The ground under `found` is estimated from the pixels around it (a
    push-pull fill); a shadow pixel is that ground dimmed evenly in all three
    channels, to between SHADOW_DEPTH and SHADOW_LIGHT of its brightness (a
    shadow keeps the ground's hue; an object rarely is the ground's hue at
    a uniformly lower level, and nearly black objects are darker than any
    shadow, which the sky and nearby surfaces always light a little).
    """
    colours = picture.astype(np.float32) + 1.0
    ground = pyramid_fill(colours, (~found).astype(np.float32))
    ratio = colours / np.maximum(ground, 1.0)
    level = ratio.mean(axis=2)
    even = (ratio.max(axis=2) - ratio.min(axis=2)) < SHADOW_EVENNESS * level
    core = found & even & (level > SHADOW_DEPTH) & (level < SHADOW_LIGHT)
    # The soft rim of a shadow is barely darker than the ground: it counts as shadow
    # where it touches the core (hysteresis), or it would join the shadow's outline to
    # the object.
    rim = found & even & (level > SHADOW_DEPTH) & (level < SHADOW_RIM)
    near = cv2.dilate(core.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return core | (rim & near)
