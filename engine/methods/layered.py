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

import numpy as np

from engine.box import Box
from engine.compose import to_uint8
from engine.errors import InvalidInput
from engine.models import loading
from engine.models.catalogue import load_catalogue
from engine.models.devices import out_of_memory_guard
from engine.progress import ProgressFn, Stages, no_progress

from . import inpainting
from .decompose_steps.salient import find_main_object, find_objects

METHOD = "layered"
MIN_SIDE, MAX_SIDE = 32, 4096


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
                             cpu_offload=request.cpu_offload, cache_dir=cache_dir,
                             progress=progress)

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
