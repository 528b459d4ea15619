"""Add a generated foreground: background + box + prompt -> an RGBA layer with its shadow.

This is the BFS task (see shared/papers/bfs.txt) done with an off-the-shelf
diffusers inpainting model (Stable Diffusion 1.x/2.x or SDXL inpainting,
FLUX.1-Fill). The model paints the object into the picture, and repaints
the rest of the region too (its texture shifted, blurred, with new grain and
a colour drift); the layer is then lifted off by `engine.methods.extract`:
the object (the structured change anchored in the box) with alpha from
matting, its shadow and reflections as translucent pixels from the change of
shading, and nothing of the repainted background, so the original shows
there.

Steps, in order (read `add_foreground` top to bottom):
1. check the request;
2. plan the regions: the inpainted region is the box grown on every side, so
   shadows and reflections can fall outside the box, and the context window
   around it is what the model sees;
3. get the model (loaded once and kept; see engine.models.loading);
4. crop the window and scale it to the model's working size;
5. reproduce the window through the model's VAE: comparing the painting with
   this reproduction, not the original, keeps VAE round-trip noise out of it;
6. for each candidate seed: inpaint, reporting every denoising step;
7. extract the object and its shadow (engine.methods.extract) inside the region;
8. scale the layer back to full resolution and place it on the canvas.

Figures per candidate (mean absolute errors in 0..255 units, at the working
size, over the part of the window where the layer may have pixels: the
region plus two latent cells): `recompose_mae` is the layer over the VAE's
background against the generated picture (what of the painting the layer
leaves out: mostly the repainted background, which it should leave out);
`background_mae` the same over the original background (adds the VAE's
reproduction error where the layer is clear); `vae_mae` the VAE's
reproduction error itself; `coverage` the share of the region the layer
covers. A request can leave the three errors out (`figures=False`: only
`coverage`).

Costs outside the model calls are kept small for big documents: only the
window is converted and scaled (exact 2x reductions first while the window
is at least twice the working size, then one area resize), extraction runs
only where the layer may be, and only the layer's own part of the working
image is scaled back up (bench/bench_generate.py has the figures).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from engine.box import Box
from engine.compose import ensure_rgba, mean_abs_error_255, over, per_channel, to_float, to_uint8
from engine.errors import InvalidInput, ModelError
from engine.models import loading
from engine.models.catalogue import load_catalogue
from engine.models.devices import out_of_memory_guard
from engine.progress import ProgressFn, Stages, no_progress

from . import extract, inpainting
from .registry import INPAINT_GROW, INPAINT_MARGIN, MAX_CANDIDATES

METHOD = "add_foreground"
MIN_IMAGE_SIDE = 16
MIN_BOX_SIDE = 4


@dataclass
class AddForegroundRequest:
    background: np.ndarray          # (H, W, 3|4) uint8: the visible layers below the new one
    box: Box                        # where the object goes, canvas pixels
    prompt: str                     # what to add
    negative_prompt: str = ""       # what to avoid (ignored by FLUX.1-Fill)
    seed: int = 0                   # candidate i uses seed + i
    steps: Optional[int] = None     # denoising steps; None: the model's default
    guidance: Optional[float] = None  # guidance scale; None: the model's default
    candidates: int = 1             # how many versions to generate
    model: Optional[str] = None     # model id, folder or .safetensors; None: catalogue default
    grow: float = INPAINT_GROW      # inpainted region = box grown by this x its larger side
    margin: float = INPAINT_MARGIN  # context around the region, x the region's larger side
    resolution: Optional[int] = None  # working size ~ resolution^2 pixels; None: the model's
    previews: bool = True           # pass a small preview image with each step
    figures: bool = True            # measure the recomposition errors (see the module docstring)
    device: str = "auto"
    dtype: str = "auto"
    cpu_offload: Optional[bool] = None  # None: when the GPU has too little memory


@dataclass
class Candidate:
    seed: int
    layer: np.ndarray       # (h, w, 4) uint8 straight RGBA at document resolution
    x: int                  # canvas offset of the layer
    y: int
    generated: np.ndarray   # the picture as the model painted it: window, working size, RGB uint8
    figures: dict[str, float]
    recipe: dict            # what to store on the layer to redo it


@dataclass
class AddForegroundResult:
    candidates: list[Candidate]
    box: Box                # the box, clipped to the image
    region: Box             # the inpainted region (canvas)
    window: Box             # the context window the model saw (canvas)
    working_size: tuple[int, int]
    model: str
    device: str
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def best(self) -> Candidate:
        return self.candidates[0]


def check_inputs(request: AddForegroundRequest) -> tuple[np.ndarray, Box]:
    """Validates the request; returns the opaque RGB background and the clipped box."""
    bg = request.background
    if not isinstance(bg, np.ndarray) or bg.dtype != np.uint8 or bg.ndim not in (2, 3) \
            or (bg.ndim == 3 and bg.shape[2] not in (1, 3, 4)):
        raise InvalidInput("The background must be an 8-bit gray, RGB or RGBA image.")
    height, width = bg.shape[:2]
    if min(width, height) < MIN_IMAGE_SIDE:
        raise InvalidInput(f"The image is too small ({width}x{height}).",
                           f"Use an image at least {MIN_IMAGE_SIDE}x{MIN_IMAGE_SIDE} pixels.")
    box = request.box if isinstance(request.box, Box) else Box(*request.box)
    box = box.validate_in(width, height)
    if min(box.w, box.h) < MIN_BOX_SIDE:
        raise InvalidInput(f"The box is too small ({box.w}x{box.h} inside the image).",
                           f"Draw a box at least {MIN_BOX_SIDE}x{MIN_BOX_SIDE} pixels.")
    if not request.prompt or not request.prompt.strip():
        raise InvalidInput("The prompt is empty.", "Type what the new layer should show.")
    if request.steps is not None and not 1 <= request.steps <= 500:
        raise InvalidInput(f"Steps must be between 1 and 500, not {request.steps}.")
    if request.guidance is not None and not 0 <= request.guidance <= 100:
        raise InvalidInput(f"Guidance must be between 0 and 100, not {request.guidance}.")
    if not 1 <= request.candidates <= MAX_CANDIDATES:
        raise InvalidInput(f"Candidates must be between 1 and {MAX_CANDIDATES}, "
                           f"not {request.candidates}.")
    if not 0 <= request.seed < 2 ** 63:
        raise InvalidInput(f"The seed must be a whole number from 0, not {request.seed}.")
    if request.grow < 0 or request.margin < 0:
        raise InvalidInput("Grow and margin cannot be negative.")
    if request.resolution is not None and request.resolution < 32:
        raise InvalidInput(f"The working resolution {request.resolution} is too small (min 32).")
    return _opaque_rgb(bg), box


def plan_regions(box: Box, width: int, height: int, grow: float,
                 margin: float) -> tuple[Box, Box]:
    """The inpainted region (box grown for shadows) and the context window around it."""
    g = int(round(max(box.w, box.h) * grow))
    region = box.expand(g).clip(width, height)
    m = int(round(max(region.w, region.h) * margin))
    window = region.expand(m)
    # Keep the window no more than 2:1, so the model never sees a sliver.
    if window.w > 2 * window.h:
        pad = (window.w // 2 - window.h + 1) // 2
        window = window.expand(0, pad, 0, pad)
    elif window.h > 2 * window.w:
        pad = (window.h // 2 - window.w + 1) // 2
        window = window.expand(pad, 0, pad, 0)
    return region, window.clip(width, height)


def add_foreground(request: AddForegroundRequest, progress: ProgressFn = no_progress, *,
                   model=None) -> AddForegroundResult:
    """Generates `request.candidates` foreground layers for the box; see the module docstring.

    `model` is a loaded `engine.models.loading.LoadedModel`; by default the
    request's model comes from the shared model cache. `progress` is called
    after every denoising step and may raise `Cancelled`; a cancelled or
    failed run frees the device memory it used and changes nothing.
    """
    import time

    import cv2

    # 1. Check the request.
    background, box = check_inputs(request)
    height, width = background.shape[:2]

    # 2. Plan the regions.
    region, window = plan_regions(box, width, height, request.grow, request.margin)

    # 3. The model.
    if model is None:
        ref = request.model or load_catalogue().default_for(METHOD).id
        model = loading.get_pipeline(ref, device=request.device, dtype=request.dtype,
                             cpu_offload=request.cpu_offload, progress=progress)
    if model.family not in inpainting.FAMILIES:
        raise ModelError(f"{model.source.ref} is a {model.family} model, not an inpainting model.",
                         "Choose the BFS method for it, or an inpainting model here.")
    pipe, family, info, device = model.pipeline, model.family, model.info, model.plan.device
    steps = request.steps or info.default_steps
    guidance = info.default_guidance if request.guidance is None else request.guidance
    stages = Stages(progress, {"prepare": 1, **{f"candidate {i}": steps + 1
                                                 for i in range(request.candidates)}})
    timings: dict[str, float] = {}
    started = time.perf_counter()

    try:
        # 4. Crop the window and scale it to the working size.
        multiple = inpainting.size_multiple(pipe, family)
        work_w, work_h = inpainting.working_size(window.w, window.h,
                                                 request.resolution or info.resolution, multiple)
        bg_work = _rgb(_scale_to(background[window.slices()], work_w, work_h))
        inpaint_box, keep_box = _working_boxes(region, window, work_w, work_h,
                                               pipe.vae_scale_factor)
        object_box = _to_working(box, window, work_w, work_h)
        mask = np.zeros((work_h, work_w), np.uint8)
        mask[inpaint_box.slices()] = 255

        # 5. The background as the model's VAE reproduces it.
        bg_float = to_float(bg_work)
        with out_of_memory_guard(model.plan, "Preparing the generation"):
            bg_vae, latents = inpainting.vae_round_trip(pipe, bg_float, device)
        preview = inpainting.LatentPreview(pipe, family, latents, bg_float) \
            if request.previews else None
        stages.done("prepare")
        timings["prepare_s"] = time.perf_counter() - started

        candidates = []
        for i in range(request.candidates):
            seed = request.seed + i
            report = stages.stage(f"candidate {i}")

            # 6. Inpaint the region.
            t0 = time.perf_counter()
            with out_of_memory_guard(model.plan, "The generation"):
                generated = _inpaint(pipe, family, request, bg_work, mask, steps, guidance, seed,
                                     report, preview)
            timings[f"generate_{i}_s"] = time.perf_counter() - t0

            # 7. Lift the object and its shadow off the painting.
            t0 = time.perf_counter()
            work_layer, figures = lift_layer(generated, bg_vae, bg_work, keep_box, inpaint_box,
                                             object_box, request.figures)

            # 8. Back to full resolution, placed on the canvas.
            layer, x, y = _to_canvas(work_layer, window)
            timings[f"extract_{i}_s"] = time.perf_counter() - t0
            recipe = _recipe(request, model, seed, steps, guidance, box, region, window,
                             (work_w, work_h))
            candidates.append(Candidate(seed, layer, x, y, _unit_to_uint8(generated), figures,
                                        recipe))
            report(steps + 1, steps + 1)
    except BaseException:
        inpainting.release(pipe, device)
        raise
    return AddForegroundResult(candidates, box, region, window, (work_w, work_h),
                               model.source.ref, model.plan.describe(), timings)


def _opaque_rgb(image: np.ndarray) -> np.ndarray:
    """The background's colour: RGB, or opaque RGBA as it is (its alpha is ignored: see `_rgb`);
    transparent parts are taken as white (the model needs colour).

    Opaque input is returned without a copy (a 12 MP copy costs tens of ms).
    """
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    if image.ndim == 3 and image.shape[2] == 4 and image[..., 3].min() == 255:
        return image
    rgba = ensure_rgba(image)
    white = np.ones(rgba.shape[:2] + (3,), np.float32)
    return to_uint8(over(to_float(rgba), white))


def _rgb(image: np.ndarray) -> np.ndarray:
    """RGB of an RGB or opaque RGBA image. RGBA is scaled first and converted after: a
    channel view of RGBA pixels makes cv2.resize several times slower."""
    import cv2

    return cv2.cvtColor(image, cv2.COLOR_RGBA2RGB) if image.shape[2] == 4 else image


def _scale_to(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """`image` resized to width x height: area averaging to shrink, bicubic to enlarge.

    Exact 2x reductions (fast in OpenCV) come first while the image is at least twice the
    target and its sides are even, so the one general area resize works on a quarter of
    the pixels or less; the mapping of pixels is the same as one direct resize.
    """
    import cv2

    h, w = image.shape[:2]
    if width * height >= w * h:
        return cv2.resize(image, (width, height), interpolation=cv2.INTER_CUBIC)
    while w >= 2 * width and h >= 2 * height and w % 2 == 0 and h % 2 == 0:
        w, h = w // 2, h // 2
        image = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA)
    if (w, h) == (width, height):
        return image
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)


def _working_boxes(region: Box, window: Box, work_w: int, work_h: int,
                   latent_cell: int) -> tuple[Box, Box]:
    """The region in working pixels, and where alpha may appear (the region plus two latent
    cells: the model's change spreads that far past the mask edge through the latents)."""
    inpaint = _to_working(region, window, work_w, work_h)
    return inpaint, inpaint.expand(2 * latent_cell).clip(work_w, work_h)


def _to_working(box: Box, window: Box, work_w: int, work_h: int) -> Box:
    """A canvas box in working pixels (rounded outward)."""
    sx, sy = work_w / window.w, work_h / window.h
    x0 = math.floor((box.x - window.x) * sx)
    y0 = math.floor((box.y - window.y) * sy)
    x1 = math.ceil((box.x1 - window.x) * sx)
    y1 = math.ceil((box.y1 - window.y) * sy)
    return Box.from_corners(x0, y0, x1, y1).clip(work_w, work_h)


def _inpaint(pipe, family, request, bg_work, mask, steps, guidance, seed, report,
             preview) -> np.ndarray:
    """One pipeline call; returns the painted window as float RGB at the working size."""
    import torch
    from PIL import Image

    def on_step_end(pipeline, step, timestep, tensors):
        shown = preview(tensors["latents"]) if preview is not None else None
        report(step + 1, steps + 1, shown)  # may raise Cancelled: the run stops here
        return tensors

    generator = torch.Generator("cpu").manual_seed(seed)  # same noise on every device
    height, width = bg_work.shape[:2]
    kwargs = inpainting.pipeline_kwargs(
        family, prompt=request.prompt.strip(), negative_prompt=request.negative_prompt.strip(),
        image=Image.fromarray(bg_work), mask=Image.fromarray(mask), width=width, height=height,
        steps=steps, guidance=guidance, generator=generator, on_step_end=on_step_end)
    image = _contiguous_rgb(np.asarray(pipe(**kwargs).images[0], np.float32))
    return np.clip(image, 0.0, 1.0, out=image)


def _contiguous_rgb(image: np.ndarray) -> np.ndarray:
    """A C-contiguous copy of an (H, W, C) float image. Pipelines return a channel-last view of
    channel-first memory; arithmetic on that view is several times slower than on a copy."""
    if image.flags.c_contiguous:
        return image.copy()
    planes = image.transpose(2, 0, 1)
    if planes.flags.c_contiguous:
        return inpainting.from_planes(planes)
    return np.ascontiguousarray(image)


def _unit_to_uint8(image: np.ndarray) -> np.ndarray:
    """Float 0..1 (no negative values) -> uint8, rounded like `to_uint8` (OpenCV: 20x faster)."""
    import cv2

    return cv2.convertScaleAbs(np.ascontiguousarray(image, np.float32), alpha=255.0)


def lift_layer(generated: np.ndarray, bg_vae: np.ndarray, bg_work: np.ndarray, keep: Box,
               inpaint: Box, box: Box, figures: bool = True) -> tuple[np.ndarray, dict[str, float]]:
    """The layer at the working size (uint8 RGBA, empty outside `keep`) and its figures
    (with `figures=False` only the coverage): the object in `box` and its shadow, lifted
    off the painting `generated` by `engine.methods.extract` against the background as
    the VAE reproduces it."""
    lifted = extract.lift(bg_vae, generated, box, keep)
    colour, alpha = lifted.colour, lifted.alpha
    kept = np.empty(alpha.shape + (4,), np.uint8)
    kept[..., :3] = _unit_to_uint8(_spread_colour(colour, alpha))
    kept[..., 3] = _unit_to_uint8(alpha)
    inside = keep.slices()
    local = inpaint.translate(-keep.x, -keep.y)
    if figures:
        measured = _figures(kept, generated[inside], bg_vae[inside], bg_work[inside], local)
    else:
        measured = {"coverage": _coverage(kept, local)}
    layer = np.zeros(generated.shape[:2] + (4,), np.uint8)
    layer[inside] = kept
    return layer, measured


def _coverage(layer: np.ndarray, inpaint_box: Box) -> float:
    region_alpha = layer[inpaint_box.slices()][..., 3]
    return float((region_alpha > 0).mean()) if region_alpha.size else 0.0


def _figures(layer: np.ndarray, generated, bg_vae, bg_work, inpaint_box: Box) -> dict[str, float]:
    """The figures of the module docstring; the arrays cover where the layer may be."""
    alpha = layer[..., 3:4].astype(np.float32) * np.float32(1 / 255)
    colour = layer[..., :3].astype(np.float32) * np.float32(1 / 255)

    def recomposition_error(base: np.ndarray) -> float:
        composite = colour - base  # layer over base = base + alpha * (colour - base)
        composite *= alpha
        composite += base
        composite -= generated
        return float(np.abs(composite, out=composite).mean(dtype=np.float64)) * 255.0

    original = to_float(bg_work)
    return {
        "recompose_mae": recomposition_error(bg_vae),
        "background_mae": recomposition_error(original),
        "vae_mae": mean_abs_error_255(bg_vae, original),
        "coverage": _coverage(layer, inpaint_box),
    }


def _spread_colour(colour: np.ndarray, alpha: np.ndarray, reach: int = 2) -> np.ndarray:
    """Gives transparent pixels next to the content the content's colour (reach pixels).

    Straight colour is what gets resampled; without this, edges would fade
    towards the colour that transparent pixels happen to hold (black).
    The spread colour is a normalised convolution: blur(colour*alpha)/blur(alpha).
    `colour` must be 0 where alpha is 0 (as `unblend_colour` makes it).
    """
    import cv2

    size = (2 * reach + 1, 2 * reach + 1)
    inverse = cv2.blur(alpha, size)
    np.divide(np.float32(1.0), inverse, out=inverse, where=inverse > 0)
    inverse *= alpha <= 0
    spread = cv2.blur(colour * per_channel(alpha, 3), size)
    spread *= per_channel(inverse, 3)
    spread += colour
    return spread


def _to_canvas(layer: np.ndarray, window: Box) -> tuple[np.ndarray, int, int]:
    """Scales the working-size layer (uint8 RGBA) to the window at full resolution, cut to
    its content. Every canvas pixel maps to its place in the working image as in one resize
    of the whole window; only the layer's own part is enlarged (see `_enlarge_part`)."""
    import cv2

    alpha = layer[..., 3]
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    if rows.size == 0:
        return np.zeros((0, 0, 4), np.uint8), window.x, window.y
    work_h, work_w = alpha.shape
    if work_w * work_h > window.w * window.h:  # shrinking: the result is small anyway
        full = cv2.resize(layer, (window.w, window.h), interpolation=cv2.INTER_AREA)
        x0 = y0 = 0
    else:
        full, x0, y0 = _enlarge_part(layer, (cols[0], cols[-1] + 1), (rows[0], rows[-1] + 1),
                                     window.w / work_w, window.h / work_h, window)
    opaque = full[..., 3]
    rows, cols = np.flatnonzero(opaque.any(axis=1)), np.flatnonzero(opaque.any(axis=0))
    if rows.size == 0:
        return np.zeros((0, 0, 4), np.uint8), window.x, window.y
    full = np.ascontiguousarray(full[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1])
    return full, window.x + x0 + int(cols[0]), window.y + y0 + int(rows[0])


def _enlarge_part(layer: np.ndarray, cols: tuple[int, int], rows: tuple[int, int], fx: float,
                  fy: float, window: Box) -> tuple[np.ndarray, int, int]:
    """The part of `layer` holding working columns/rows [start, end) (plus the bicubic
    filter's reach), enlarged by fx, fy; returns it with its offset in the window.

    OpenCV resizes a part with the same pixel mapping as the whole image when the part
    starts on a working pixel that lands on a whole window pixel (start * scale is a whole
    number); the start is chosen among the few before the content for the one closest to
    that, so the part sits within a small fraction of a pixel of where the full resize puts
    it (exactly, for whole-number scales and for parts that start at 0).
    """
    import cv2

    def start(first: int, scale: float) -> int:
        candidates = range(max(0, first - 3 - 12), max(0, first - 3) + 1)
        return min(reversed(candidates), key=lambda s: abs(s * scale - round(s * scale)))

    x0, y0 = start(cols[0], fx), start(rows[0], fy)
    x1, y1 = min(layer.shape[1], cols[1] + 3), min(layer.shape[0], rows[1] + 3)
    part = cv2.resize(layer[y0:y1, x0:x1], None, fx=fx, fy=fy, interpolation=cv2.INTER_CUBIC)
    ox, oy = round(x0 * fx), round(y0 * fy)
    return part[:window.h - oy, :window.w - ox], ox, oy


def _recipe(request, model, seed, steps, guidance, box, region, window, size) -> dict:
    return {
        "method": METHOD, "model": model.source.ref, "family": model.family,
        "prompt": request.prompt.strip(), "negative_prompt": request.negative_prompt.strip(),
        "seed": seed, "steps": steps, "guidance": guidance, "box": list(box.as_tuple()),
        "grow": request.grow, "margin": request.margin, "region": list(region.as_tuple()),
        "window": list(window.as_tuple()), "working_size": list(size),
        "extraction": extract.METHOD,
    }
