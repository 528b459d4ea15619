"""Decompose: split a picture into a foreground layer (the object, soft-edged, with its shadow) and a background layer.

The user marks an object with a box (or paints over it); the picture comes
back as two layers whose composite is the picture itself, so that moving
nothing changes nothing, while moving or deleting the object reveals a
plausible background with the object and its shadow gone. The outline
follows LayeringDiff ("generate, then disassemble"): estimate foreground and
background, then align both with the composite's high frequencies (HFA). The
paper uses a diffusion prior for the estimates (FBDD); this pipeline does
every step with classical CPU tools by default and takes learned components
for steps 1-3 where they are available (see the protocols below).

Steps, in order (each reports progress and is a point where a cancel stops the job):

1. **Object mask** - `Segmenter`: GrabCut from the box, or from the brush
   mask (painted = probably object), on a reduced crop.
2. **Alpha** - `Matter`: a trimap (sure object / unknown band / sure
   background) around the mask's edge, then closed-form matting in the band.
3. **Background** - the object's cast shadow is found (pixels darker than
   the lighting around them, attached to the object's base) and modelled
   as black at a smooth opacity; under it the ground is *relit*
   (divided by 1 - opacity), which keeps the ground's real texture in the
   background layer. Where the object covers anything, the background is
   unknown and is filled by the `Inpainter` (content-aware fill: multi-scale
   PatchMatch, which continues the surroundings' structure and texture).
4. **Foreground colours** - with the background known, the composite
   I = A*F + (1-A)*B is solved for F in closed form where the object is
   solid, and those colours are carried into the thin edge, so no fringe
   of the old background stays on the edge. The shadow becomes
   translucent black pixels on the same layer.
5. **HFA** - the residual I - (A*F + (1-A)*B), which holds the detail the
   smooth estimates lost, is split between the layers in proportion to how
   much of each is seen; 8-bit rounding is absorbed by the layer that
   dominates each pixel. Foreground over background then reproduces the
   composite to within about half a level (`figures` reports it).

Everything after step 1 works in a window around the object (its box plus
room for the shadow); outside it the background is the picture unchanged
and the foreground is transparent. A translucent source layer (RGBA) keeps
its alpha in the composite: the foreground's alpha is scaled by it and the
background carries it, thinned under the object (see `to_uint8_layers`).

Learned components (`decompose_steps.choose`): steps 1-3 can each be done
by a model from the catalogue instead - SAM for the mask, ViTMatte for the
alpha, a diffusers inpainting model (SD, SDXL, FLUX.1-Fill) for the
background. `DecomposePipeline.choose(mask="auto", ...)` takes the installed
ones ("auto"; the inpainting model only with a GPU) and the classical ones
otherwise; the recipe names the component of every step and the model of
every learned one, so a layer says how it was made.

Use: `decompose(DecomposeRequest(image, box=Box(...)), progress)` (classical
components), `DecomposePipeline.choose(...)(request, progress)`, or
`DecomposePipeline(segmenter=..., matter=..., inpainter=...)` with any
callables of the protocols' signatures.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional, Protocol

import cv2
import numpy as np

from ..box import Box
from ..errors import InvalidInput
from ..progress import ProgressFn, Stages, no_progress
from .decompose_steps.choose import describe
from .decompose_steps.layers import (align, layer_alpha, recomposition_error, solve_foreground,
                                     to_uint8_layers)
from .decompose_steps.matting import UNKNOWN, ClosedFormMatter, band_radius, make_trimap
from .decompose_steps.patchmatch_fill import PatchMatchInpainter
from .decompose_steps.segment import GrabCutSegmenter, mask_bounds
from .decompose_steps.shadow import Shadow, contact_shadow, detect_shadow

METHOD = "decompose"
MIN_SIDE = 4            # a box narrower than this holds no object worth a layer
MIN_OBJECT_PIXELS = 16
MAX_COVER = 0.98        # the object needs background around it to be told apart


# -- pluggable components ---------------------------------------------------------------
class Segmenter(Protocol):
    """Object mask (H, W) bool from RGB uint8 `image`, a box and/or a brush `hint` (bool)."""

    name: str
    weight: int   # progress units this component reports (e.g. denoising steps)

    def __call__(self, image: np.ndarray, box: Optional[Box], hint: Optional[np.ndarray],
                 valid: np.ndarray, progress: ProgressFn) -> np.ndarray: ...


class Matter(Protocol):
    """Alpha (H, W) float32 0..1 from RGB uint8 `image` and a uint8 trimap (0 / 128 / 255)."""

    name: str
    weight: int

    def __call__(self, image: np.ndarray, trimap: np.ndarray, progress: ProgressFn) -> np.ndarray: ...


class Inpainter(Protocol):
    """Fills `hole` (bool) of float RGB 0..1 `image`; `known` marks pixels it may copy from."""

    name: str
    weight: int

    def __call__(self, image: np.ndarray, hole: np.ndarray, known: Optional[np.ndarray],
                 progress: ProgressFn) -> np.ndarray: ...


# -- request and result -------------------------------------------------------------------
@dataclass
class DecomposeRequest:
    image: np.ndarray                    # (H, W, 3 or 4) uint8, straight RGB(A)
    box: Optional[Box] = None            # around the object, image pixels
    mask: Optional[np.ndarray] = None    # brush mask (H, W): nonzero where painted over the object
    shadow: bool = True                  # find the object's shadow and move it to the foreground
    # The steps below can be switched off to see what each one brings (bench/).
    matting: bool = True                 # False: alpha is the hard mask
    solve_foreground: bool = True        # False: foreground colours are the picture's own
    hfa: bool = True                     # False: no high-frequency alignment


@dataclass
class DecomposeResult:
    foreground: np.ndarray               # (h, w, 4) uint8 straight RGBA, placed at `offset`
    offset: tuple[int, int]              # (x, y) of the foreground in the image
    background: np.ndarray               # (H, W, 4) uint8 straight RGBA, the whole image
    mask: np.ndarray                     # (H, W) bool: step 1's object mask
    trimap: np.ndarray                   # (H, W) uint8: 0 / 128 / 255
    alpha: np.ndarray                    # (H, W) float32: the object's alpha (without shadow)
    shadow: np.ndarray                   # (H, W) float32: the shadow's opacity
    filled: np.ndarray                   # (H, W) bool: background pixels that were inpainted
    figures: dict = field(default_factory=dict)
    recipe: dict = field(default_factory=dict)

    def foreground_full(self) -> np.ndarray:
        """The foreground on a transparent canvas of the image's size."""
        h, w = self.background.shape[:2]
        out = np.zeros((h, w, 4), np.uint8)
        x, y = self.offset
        fh, fw = self.foreground.shape[:2]
        out[y:y + fh, x:x + fw] = self.foreground
        return out


# -- the pipeline --------------------------------------------------------------------------
class DecomposePipeline:
    def __init__(self, segmenter: Optional[Segmenter] = None, matter: Optional[Matter] = None,
                 inpainter: Optional[Inpainter] = None):
        self.segmenter = segmenter or GrabCutSegmenter()
        self.matter = matter or ClosedFormMatter()
        self.inpainter = inpainter or PatchMatchInpainter()

    @classmethod
    def choose(cls, mask: str = "auto", matting: str = "auto", background: str = "auto",
               **kwargs) -> "DecomposePipeline":
        """A pipeline whose steps 1-3 are chosen by name: "auto", a classical component or a
        model (see `decompose_steps.choose.choose_components` for the rules and kwargs)."""
        from .decompose_steps.choose import choose_components

        chosen = choose_components(mask, matting, background, **kwargs)
        return cls(chosen["mask"], chosen["matting"], chosen["background"])

    def check_inputs(self, request: DecomposeRequest) -> tuple[np.ndarray, np.ndarray, Optional[Box],
                                                               Optional[np.ndarray]]:
        """Returns (rgb uint8, source alpha uint8, clipped box, brush mask bool) or raises InvalidInput."""
        image = np.asarray(request.image)
        if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] not in (3, 4):
            raise InvalidInput(f"The picture must be 8-bit RGB or RGBA, not {image.dtype} "
                               f"with shape {image.shape}.")
        h, w = image.shape[:2]
        if h < 2 * MIN_SIDE or w < 2 * MIN_SIDE:
            raise InvalidInput(f"The picture is too small ({w}x{h}) to split into layers.")
        rgb = np.ascontiguousarray(image[..., :3])
        src_alpha = image[..., 3] if image.shape[2] == 4 else np.full((h, w), 255, np.uint8)
        if not src_alpha.any():
            raise InvalidInput("The layer is fully transparent: there is nothing to split.",
                               "Choose a layer with visible pixels.")
        if request.box is None and request.mask is None:
            raise InvalidInput("Mark the object first: draw a box around it or paint over it.")
        box = None
        if request.box is not None:
            box = request.box.validate_in(w, h)
            if box.w < MIN_SIDE or box.h < MIN_SIDE:
                raise InvalidInput(f"The box is too small ({box.w}x{box.h} pixels) to hold an object.",
                                   f"Draw a box of at least {MIN_SIDE}x{MIN_SIDE} pixels around it.")
            if box.area >= MAX_COVER * w * h:
                raise InvalidInput("The box covers the whole picture, so nothing is left to tell "
                                   "the object from its background.",
                                   "Draw the box around the object only.")
            if not src_alpha[box.slices()].any():
                raise InvalidInput("The box lies over transparent pixels only.",
                                   "Draw the box over the object.")
        hint = None
        if request.mask is not None:
            hint = np.asarray(request.mask)
            if hint.ndim == 3:
                hint = hint.max(axis=2)
            if hint.shape != (h, w):
                raise InvalidInput(f"The mask is {hint.shape[1]}x{hint.shape[0]} but the picture "
                                   f"is {w}x{h}.", "Paint the mask over this picture.")
            hint = (hint > 0) & (src_alpha > 0)
            if box is not None:
                inside = np.zeros_like(hint)
                inside[box.slices()] = True
                hint &= inside
            painted = int(hint.sum())
            if painted < MIN_OBJECT_PIXELS:
                raise InvalidInput(f"The painted mask covers {painted} pixel(s); that is too small "
                                   "for an object.", "Paint over the whole object.")
            if painted >= MAX_COVER * w * h:
                raise InvalidInput("The painted mask covers the whole picture.",
                                   "Paint over the object only.")
        return rgb, src_alpha, box, hint

    def __call__(self, request: DecomposeRequest, progress: ProgressFn = no_progress) -> DecomposeResult:
        rgb, src_alpha, box, hint = self.check_inputs(request)
        h, w = rgb.shape[:2]
        valid = src_alpha > 0
        stages = Stages(progress, {"mask": self.segmenter.weight, "matting": self.matter.weight,
                                   "background": self.inpainter.weight, "foreground": 1, "hfa": 1})
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[name] = round(now - clock, 4)
            clock = now

        # 1. Object mask.
        mask = self.segmenter(rgb, box, hint, valid, stages.stage("mask"))
        found = int(mask.sum())
        if found < MIN_OBJECT_PIXELS:
            raise InvalidInput("No object was found in the marked area.",
                               "Draw the box closer around the object, or paint over it.")
        if found >= MAX_COVER * int(valid.sum()):
            raise InvalidInput("The object found covers the whole picture.",
                               "Draw the box around the object only.")
        lap("mask")
        stages.done("mask")

        # Everything from here on happens in a window around the object.
        obj = mask_bounds(mask)
        room = max(16, int(0.75 * max(obj.w, obj.h)))
        work = obj.expand(room).clip(w, h)
        ws = work.slices()
        image8, wvalid = rgb[ws], valid[ws]
        image = image8.astype(np.float32) / 255.0

        # 2. Alpha: matting in a band around the mask's edge.
        radius = band_radius(obj.w, obj.h)
        trimap = make_trimap(mask[ws], radius)
        if request.matting:
            alpha = self.matter(image8, trimap, stages.stage("matting"))
            alpha = np.clip(alpha, 0.0, 1.0).astype(np.float32)
            # Faint alpha far from the object is matting noise, not object.
            alpha[alpha < 1.0 / 255.0] = 0.0
            alpha[alpha > 254.0 / 255.0] = 1.0
        else:
            alpha = mask[ws].astype(np.float32)
        alpha *= wvalid
        lap("matting")
        stages.done("matting")

        # 3. Background: the shadow's ground relit, the object's place inpainted.
        if request.shadow and request.solve_foreground:
            shadow = detect_shadow(image, alpha, wvalid)
        else:
            shadow = Shadow.none(*alpha.shape)
        lap("shadow")
        s = shadow.opacity[..., None]
        relit = np.clip((image - s * shadow.colour) / np.maximum(1.0 - s, 1e-3), 0.0, 1.0)
        # The hole is wherever the object covers anything, and the band around it:
        # pixels there that the object does not explain are given back below.
        band = trimap == UNKNOWN
        hole = (_dilate(alpha > 0, 2) | band) & wvalid
        background = self.inpainter(relit, hole, wvalid & ~hole, stages.stage("background"))
        background = np.where(hole[..., None], background, relit).astype(np.float32)
        if request.shadow and request.solve_foreground:
            contact = contact_shadow(image, background, alpha, band & wvalid, radius)
            darker = contact > shadow.opacity
            shadow = Shadow(np.maximum(shadow.opacity, contact),
                            np.where(darker[..., None], 0.0, shadow.colour).astype(np.float32))
        lap("background")
        stages.done("background")

        # Steps 4 and 5 concern only the pixels the object or its shadow cover and
        # those that were filled; elsewhere the background stays the picture and
        # the foreground is empty.
        total = layer_alpha(alpha, shadow.opacity)
        core = mask_bounds((total > 0) | hole).expand(2).clip(work.w, work.h)
        cs = core.slices()
        c_image, c_alpha, c_total = image[cs], alpha[cs], total[cs]
        c_background = background[cs]

        # 4. Foreground colours.
        if request.solve_foreground:
            c_foreground = solve_foreground(c_image, c_alpha, shadow.opacity[cs], shadow.colour[cs],
                                            c_background)
        else:
            c_foreground = c_image.copy()
        lap("foreground")
        stages.done("foreground")

        # 5. High-frequency alignment and 8-bit layers.
        c_src_alpha = src_alpha[ws][cs]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(c_total > 0, c_alpha / np.maximum(c_total, 1e-6), 1.0).astype(np.float32)
        if request.hfa:
            c_foreground, c_background = align(c_image, c_total, share, c_foreground, c_background)
            c_fg8, c_bg8 = to_uint8_layers(image8[cs], c_total, share, c_foreground, c_background,
                                           c_src_alpha)
        else:
            fa8 = np.clip(np.rint(c_total * c_src_alpha), 0, 255).astype(np.uint8)
            c_fg8 = np.dstack([_to8(c_foreground) * (fa8[..., None] > 0), fa8])
            c_bg8 = np.dstack([_to8(c_background), c_src_alpha])
        fg8 = np.zeros(image8.shape[:2] + (4,), np.uint8)
        bg8 = np.dstack([image8, src_alpha[ws]])
        fg8[cs], bg8[cs] = c_fg8, c_bg8
        lap("hfa")
        stages.done("hfa")

        return self._assemble(request, rgb, src_alpha, work, box, mask, trimap, alpha,
                              shadow.opacity, hole, fg8, bg8, timings)

    def _assemble(self, request, rgb, src_alpha, work, box, mask, trimap, alpha, shadow, hole,
                  fg8, bg8, timings) -> DecomposeResult:
        h, w = rgb.shape[:2]
        ws = work.slices()
        source = np.dstack([rgb, src_alpha])
        background = source.copy()
        background[ws] = bg8
        trimap_full = np.zeros((h, w), np.uint8)
        trimap_full[ws] = trimap
        alpha_full = np.zeros((h, w), np.float32)
        alpha_full[ws] = alpha
        shadow_full = np.zeros((h, w), np.float32)
        shadow_full[ws] = shadow
        filled = np.zeros((h, w), bool)
        filled[ws] = hole
        visible = fg8[..., 3] > 0
        fg_box = mask_bounds(visible).translate(work.x, work.y) if visible.any() else Box(work.x, work.y, 0, 0)
        foreground = fg8[fg_box.translate(-work.x, -work.y).slices()].copy()

        # Recomposition error over the pixels the split changed (foreground or background).
        changed = visible | (bg8[..., :3] != rgb[ws]).any(axis=2)
        error = recomposition_error(source[ws], fg8, bg8)[changed]
        figures = {
            "recomposition_error_mean": round(float(error.mean()), 4) if error.size else 0.0,
            "recomposition_error_p99": round(float(np.percentile(error, 99)), 4) if error.size else 0.0,
            "recomposition_error_max": round(float(error.max()), 4) if error.size else 0.0,
            "changed_pixels": int(changed.sum()),
            "object_pixels": int(mask.sum()),
            "shadow_pixels": int((shadow > 1.0 / 255.0).sum()),
            "filled_pixels": int(hole.sum()),
            "timings": dict(timings, total=round(sum(timings.values()), 4)),
        }
        steps = {"mask": self.segmenter.name,
                 "matting": self.matter.name if request.matting else "none",
                 "shadow": "relight" if request.shadow and request.solve_foreground else "none",
                 "background": self.inpainter.name,
                 "foreground": "closed_form" if request.solve_foreground else "none",
                 "hfa": "residual_split" if request.hfa else "none"}
        models = {step: describe(component) for step, component in
                  (("mask", self.segmenter), ("matting", self.matter if request.matting else None),
                   ("background", self.inpainter)) if describe(component) is not None}
        recipe = {"method": METHOD, "box": list(box.as_tuple()) if box is not None else None,
                  "brush_mask": request.mask is not None, "steps": steps,
                  "timings": figures["timings"]}
        if models:
            recipe["models"] = models
        return DecomposeResult(foreground=foreground, offset=(fg_box.x, fg_box.y),
                               background=background, mask=mask, trimap=trimap_full,
                               alpha=alpha_full, shadow=shadow_full, filled=filled,
                               figures=figures, recipe=recipe)


def decompose(request: DecomposeRequest, progress: ProgressFn = no_progress) -> DecomposeResult:
    """Runs the decomposition with the classical CPU components."""
    return DecomposePipeline()(request, progress)


def _to8(x: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(x * 255.0), 0, 255).astype(np.uint8)



def _dilate(mask: np.ndarray, r: int) -> np.ndarray:
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return cv2.dilate(mask.astype(np.uint8), k) > 0
