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

Steps, in order (each reports progress and is a point where a cancel stops the job; the
object found and the filled background go out as previews, `decompose_steps.previews`):

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
   With the ground under the edge known, the soft edge's alpha is
   re-measured along the line from the object's colour to the ground's
   (`decompose_steps.edges`), which takes the fringe out of both layers.
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
from .decompose_steps import strokes
from .decompose_steps.choose import choose_components, describe
from .decompose_steps.edges import refine_alpha
from .decompose_steps.layers import (align, keep_ground, layer_alpha, recomposition_error,
                                     solve_foreground, to_uint8_layers)
from .decompose_steps.matting import UNKNOWN, ClosedFormMatter, band_radius, make_trimap
from .decompose_steps.patchmatch_fill import PatchMatchInpainter
from .decompose_steps.previews import background_preview, object_preview
from .decompose_steps.segment import GrabCutSegmenter, mask_bounds
from .decompose_steps.shadow import Shadow, contact_shadow, detect_shadow

METHOD = "decompose"
MIN_SIDE = 4            # a box narrower than this holds no object worth a layer
MIN_OBJECT_PIXELS = 16
HOLE_MARGIN = 2         # pixels the background's hole reaches beyond the object's faintest alpha
MAX_COVER = 0.98        # the object needs background around it to be told apart
# What each step does, in the words a status line uses while it runs (keys of stage_weights).
STAGES = {"mask": "finding the object", "matting": "tracing its soft edges",
          "background": "filling the background behind it",
          "foreground": "taking the object's colours", "hfa": "putting back the fine detail"}


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
    boxes: list = field(default_factory=list)  # more objects: one Box each (with `box`, if given)
    # Final object masks (H, W) bool, one per object (a mask the user has seen and corrected):
    # step 1 is skipped and these are the objects.
    object_masks: Optional[list] = None
    shadow: bool = True                  # find the object's shadow and move it to the foreground
    # The steps below can be switched off to see what each one brings (bench/).
    matting: bool = True                 # False: alpha is the hard mask
    solve_foreground: bool = True        # False: foreground colours are the picture's own
    hfa: bool = True                     # False: no high-frequency alignment
    clean_edges: bool = True             # False: the matting's alpha as it came (see edges.py)


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
    # One (RGBA, (x, y)) per object, front to back; their pixels never overlap, so stacked in
    # any order they are `foreground`. One object: [(foreground, offset)].
    parts: list = field(default_factory=list)

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
        if request.box is None and request.mask is None and not request.boxes \
                and not request.object_masks:
            raise InvalidInput("Mark the object first: draw a box around it or paint over it.")
        box = None
        for extra in request.boxes:
            self._check_box(extra, w, h, src_alpha)
        if request.box is not None:
            box = self._check_box(request.box, w, h, src_alpha)
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

    @staticmethod
    def _check_box(box: Box, w: int, h: int, src_alpha: np.ndarray) -> Box:
        box = box.validate_in(w, h)
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
        return box

    def propose_masks(self, request: DecomposeRequest,
                      progress: ProgressFn = no_progress) -> list[np.ndarray]:
        """Step 1 alone: the object masks (H, W bool, front to back) the split would use, to
        show the user before anything is split (see `decompose_steps.strokes` to correct
        them; hand the result back as `object_masks`)."""
        rgb, src_alpha, box, hint = self.check_inputs(request)
        return self._object_masks(request, rgb, src_alpha > 0, box, hint, progress)

    def object_alpha(self, request: DecomposeRequest,
                     progress: ProgressFn = no_progress) -> np.ndarray:
        """Steps 1 and 2 alone: the objects' alpha over the whole picture (H, W float32,
        0..1), soft where the matting finds the edge soft - what Select > Subject selects.
        Nothing of the background is computed."""
        rgb, src_alpha, box, hint = self.check_inputs(request)
        h, w = rgb.shape[:2]
        valid = src_alpha > 0
        stages = Stages(progress, {"mask": self.segmenter.weight,
                                   "matting": self.matter.weight if request.matting else 0})
        masks = self._object_masks(request, rgb, valid, box, hint, stages.stage("mask"))
        stages.done("mask")
        # The same window around the objects the split mats in (`__call__`).
        obj = mask_bounds(np.logical_or.reduce(masks))
        work = obj.expand(max(16, int(0.75 * max(obj.w, obj.h)))).clip(w, h)
        ws = work.slices()
        alphas, _ = self._alphas(masks, ws, rgb[ws], valid[ws], request.matting,
                                 stages.stage("matting"))
        out = np.zeros((h, w), np.float32)
        out[ws] = layer_alphas(alphas)
        stages.done("matting")
        return out

    def _alphas(self, masks: list[np.ndarray], ws, image8: np.ndarray, wvalid: np.ndarray,
                matting: bool, progress: ProgressFn) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Step 2: each object's alpha and trimap inside the work window `ws` (slices):
        matting in a band around the mask's edge, or the hard mask without `matting`."""
        alphas, trimaps = [], []
        for i, m in enumerate(masks):
            bounds = mask_bounds(m)
            radius = band_radius(bounds.w, bounds.h)
            trimaps.append(make_trimap(m[ws], radius))
            if matting:
                a = self.matter(image8, trimaps[-1], _part(progress, i, len(masks)))
                a = np.clip(a, 0.0, 1.0).astype(np.float32)
                # Faint alpha far from the object is matting noise, not object.
                a[a < 1.0 / 255.0] = 0.0
                a[a > 254.0 / 255.0] = 1.0
            else:
                a = m[ws].astype(np.float32)
            alphas.append(a * wvalid)
        return alphas, trimaps

    def correct_mask(self, image: np.ndarray, mask: np.ndarray, add: Optional[np.ndarray] = None,
                     remove: Optional[np.ndarray] = None,
                     valid: Optional[np.ndarray] = None) -> np.ndarray:
        """The object mask after the user's strokes (`add` / `remove`, nonzero where painted):
        by the segmenter's own correction where it has one (SAM: the strokes become point
        prompts), else by GrabCut with the strokes (`decompose_steps.strokes`)."""
        correct = getattr(self.segmenter, "correct", None) or strokes.correct_mask
        return correct(image[..., :3], mask, add, remove, valid)

    def _object_masks(self, request, rgb, valid, box, hint, progress) -> list[np.ndarray]:
        h, w = rgb.shape[:2]
        if request.object_masks:
            masks = []
            for m in request.object_masks:
                m = np.asarray(m)
                if m.shape != (h, w):
                    raise InvalidInput(f"An object mask is {m.shape[1]}x{m.shape[0]} but the "
                                       f"picture is {w}x{h}.")
                masks.append((m > 0) & valid)
            progress(1, 1)
        else:
            boxes = ([box] if box is not None else []) + [b.clip(w, h) for b in request.boxes]
            regions = [(b, _inside(hint, b)) for b in boxes] or [(None, hint)]
            masks = []
            for i, (b, hnt) in enumerate(regions):
                masks.append(self.segmenter(rgb, b, hnt, valid, _part(progress, i, len(regions))))
        for m in masks:
            found = int(m.sum())
            if found < MIN_OBJECT_PIXELS:
                raise InvalidInput("No object was found in the marked area.",
                                   "Draw the box closer around the object, or paint over it.")
            if found >= MAX_COVER * int(valid.sum()):
                raise InvalidInput("The object found covers the whole picture.",
                                   "Draw the box around the object only.")
        return front_to_back(masks)

    def stage_weights(self, request: DecomposeRequest) -> dict[str, int]:
        """Progress units of each step (keys of STAGES, in order) for `request`: the one
        progress bar is split by these."""
        count = len(request.object_masks or []) or max(1, (request.box is not None) + len(request.boxes))
        return {"mask": self.segmenter.weight * count, "matting": self.matter.weight * count,
                "background": self.inpainter.weight, "foreground": 1, "hfa": 1}

    def __call__(self, request: DecomposeRequest, progress: ProgressFn = no_progress) -> DecomposeResult:
        rgb, src_alpha, box, hint = self.check_inputs(request)
        h, w = rgb.shape[:2]
        valid = src_alpha > 0
        stages = Stages(progress, self.stage_weights(request))
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[name] = round(now - clock, 4)
            clock = now

        # 1. Object masks, front to back (one per marked object).
        masks = self._object_masks(request, rgb, valid, box, hint, stages.stage("mask"))
        mask = np.logical_or.reduce(masks)
        lap("mask")
        stages.done("mask", object_preview(mask))

        # Everything from here on happens in a window around the objects.
        obj = mask_bounds(mask)
        room = max(16, int(0.75 * max(obj.w, obj.h)))
        work = obj.expand(room).clip(w, h)
        ws = work.slices()
        image8, wvalid = rgb[ws], valid[ws]
        image = image8.astype(np.float32) / 255.0

        # 2. Alpha: matting in a band around each mask's edge; the objects' alphas combine
        # as layers over each other do.
        alphas, trimaps = self._alphas(masks, ws, image8, wvalid, request.matting,
                                       stages.stage("matting"))
        alpha = layer_alphas(alphas)
        trimap = np.max(np.stack(trimaps), axis=0)
        radius = band_radius(obj.w, obj.h) if len(masks) == 1 else \
            max(band_radius(mask_bounds(m).w, mask_bounds(m).h) for m in masks)
        lap("matting")
        stages.done("matting")

        # 3. Background: the shadows' ground relit, the objects' places inpainted once.
        shadows = [Shadow.none(*alpha.shape)] * len(masks)
        if request.shadow and request.solve_foreground:
            shadows = [detect_shadow(image, a, wvalid) for a in alphas]
        shadow = strongest(shadows)
        lap("shadow")
        s = shadow.opacity[..., None]
        relit = np.clip((image - s * shadow.colour) / np.maximum(1.0 - s, 1e-3), 0.0, 1.0)
        # The hole is every pixel the object touches at all, the band around it and a
        # margin, so no ring of the object's colours stays in the ground; pixels there that
        # the object does not explain are given back below.
        band = trimap == UNKNOWN
        hole = (_dilate((alpha > 0) | band, HOLE_MARGIN)) & wvalid
        background = self.inpainter(relit, hole, wvalid & ~hole, stages.stage("background"))
        background = np.where(hole[..., None], background, relit).astype(np.float32)
        if request.clean_edges and request.matting:
            # With the ground under the edge known, each object's soft edge is re-measured
            # along the line from its colour to the ground's (no fringe either way).
            behind = s * shadow.colour + (1.0 - s) * background
            alphas = [refine_alpha(image, a, behind, _dilate(t > 0, HOLE_MARGIN) & hole,
                                   wvalid & ~hole, radius) for a, t in zip(alphas, trimaps)]
            alpha = layer_alphas(alphas)
        if request.shadow and request.solve_foreground:
            contact = contact_shadow(image, background, alpha, band & wvalid, radius)
            darker = contact > shadow.opacity
            shadow = Shadow(np.maximum(shadow.opacity, contact),
                            np.where(darker[..., None], 0.0, shadow.colour).astype(np.float32))
        lap("background")
        stages.done("background", background_preview(rgb, src_alpha, work, background))

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
        if request.hfa and request.shadow and request.clean_edges:
            # The ground under the hole stays ground: what the layers' solve put there
            # beyond the ground's own colours (a missed rim, a highlight, a shadow's
            # misjudged edge) goes to the object, or its outline stays behind as a ghost.
            # (Without the shadow step the user asked for the darkening to stay.)
            c_total, c_foreground, c_background = keep_ground(
                c_image, c_total, c_foreground, c_background, background[cs], hole[cs],
                (wvalid & ~hole)[cs], 3 * max(3, radius), c_alpha)
            alpha[cs] = np.maximum(c_alpha, 1.0 - (1.0 - c_total)
                                   / np.maximum(1.0 - shadow.opacity[cs], 1e-6))
            c_alpha = alpha[cs]
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(c_total > 0, c_alpha / np.maximum(c_total, 1e-6),
                                 1.0).astype(np.float32)
        if request.hfa:
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

        owner = owners(alphas, [sh.opacity for sh in shadows], fg8[..., 3] > 0)
        return self._assemble(request, rgb, src_alpha, work, box, mask, trimap, alpha,
                              shadow.opacity, hole, fg8, bg8, timings, owner, len(masks))

    def _assemble(self, request, rgb, src_alpha, work, box, mask, trimap, alpha, shadow, hole,
                  fg8, bg8, timings, owner, count) -> DecomposeResult:
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
        parts = []
        for i in range(count):
            piece = np.where((owner == i)[..., None], fg8, 0).astype(np.uint8)
            seen = piece[..., 3] > 0
            if not seen.any():
                continue
            b = mask_bounds(seen)
            parts.append((piece[b.slices()].copy(), (work.x + b.x, work.y + b.y)))

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
                 "edges": "colour_line" if request.clean_edges and request.matting else "none",
                 "background": self.inpainter.name,
                 "foreground": "closed_form" if request.solve_foreground else "none",
                 "hfa": "residual_split" if request.hfa else "none"}
        models = {step: describe(component) for step, component in
                  (("mask", self.segmenter), ("matting", self.matter if request.matting else None),
                   ("background", self.inpainter)) if describe(component) is not None}
        recipe = {"method": METHOD, "box": list(box.as_tuple()) if box is not None else None,
                  **({"boxes": [list(b.as_tuple()) for b in request.boxes]} if request.boxes else {}),
                  **({"objects": count} if count > 1 else {}),
                  "brush_mask": request.mask is not None, "steps": steps,
                  "timings": figures["timings"]}
        if models:
            recipe["models"] = models
        return DecomposeResult(foreground=foreground, offset=(fg_box.x, fg_box.y),
                               background=background, mask=mask, trimap=trimap_full,
                               alpha=alpha_full, shadow=shadow_full, filled=filled,
                               figures=figures, recipe=recipe, parts=parts)


def decompose(request: DecomposeRequest, progress: ProgressFn = no_progress) -> DecomposeResult:
    """Runs the decomposition with the classical CPU components."""
    return DecomposePipeline()(request, progress)


def front_to_back(masks: list[np.ndarray]) -> list[np.ndarray]:
    """The masks ordered front to back, each pixel in one mask only (the front one's).

    Without depth, an object whose base is lower in the picture stands nearer
    (objects on one ground plane); where marks overlap, the front object keeps the pixels.
    """
    def base(m: np.ndarray) -> tuple[int, int]:
        rows = np.flatnonzero(m.any(axis=1))
        return (int(rows[-1]) if rows.size else -1, int(m.sum()))

    ordered = sorted(masks, key=base, reverse=True)
    taken = np.zeros_like(ordered[0], dtype=bool)
    out = []
    for m in ordered:
        out.append(m & ~taken)
        taken |= m
    return out


def layer_alphas(alphas: list[np.ndarray]) -> np.ndarray:
    """The alpha of layers stacked over each other: 1 - prod(1 - a_i)."""
    clear = np.ones_like(alphas[0])
    for a in alphas:
        clear *= 1.0 - a
    return (1.0 - clear).astype(np.float32)


def strongest(shadows: list[Shadow]) -> Shadow:
    """One shadow from the objects' shadows: at each pixel the most opaque one."""
    out = shadows[0]
    for s in shadows[1:]:
        darker = s.opacity > out.opacity
        out = Shadow(np.where(darker, s.opacity, out.opacity).astype(np.float32),
                     np.where(darker[..., None], s.colour, out.colour).astype(np.float32))
    return out


def owners(alphas: list[np.ndarray], shadows: list[np.ndarray], seen: np.ndarray) -> np.ndarray:
    """Which object (index, front to back) each foreground pixel belongs to.

    The front-most object that covers the pixel at least half; else the object
    whose alpha or shadow is strongest there; pixels of neither (a contact line
    found after the fill) go to the nearest object.
    """
    h, w = seen.shape
    if len(alphas) == 1:
        return np.zeros((h, w), np.int32)
    totals = np.stack([layer_alpha(a, s) for a, s in zip(alphas, shadows)])
    owner = np.argmax(totals, axis=0).astype(np.int32)
    for i in reversed(range(len(alphas))):   # the front one last, so it wins
        owner[alphas[i] >= 0.5] = i
    unclaimed = seen & (totals.max(axis=0) <= 0)
    if unclaimed.any():
        ids = np.full((h, w), -1, np.int32)
        for i, a in enumerate(alphas):
            ids[(a > 0) & (ids < 0)] = i
        _, labels = cv2.distanceTransformWithLabels((ids < 0).astype(np.uint8), cv2.DIST_L2, 3,
                                                    labelType=cv2.DIST_LABEL_PIXEL)
        # labels numbers the zero pixels (object pixels) in scan order.
        lut = np.concatenate([[0], ids[ids >= 0]])
        owner[unclaimed] = lut[labels[unclaimed]]
    return owner


def _inside(mask: Optional[np.ndarray], box: Box) -> Optional[np.ndarray]:
    """The part of a brush mask inside `box` (None when nothing of it is)."""
    if mask is None or not mask[box.slices()].any():
        return None
    out = np.zeros_like(mask)
    out[box.slices()] = mask[box.slices()]
    return out


def _part(progress: ProgressFn, i: int, n: int) -> ProgressFn:
    """Progress of the i-th of n equal parts of a stage."""
    def report(step: int, total: int, preview=None) -> None:
        progress(i * max(1, total) + step, n * max(1, total), preview)
    return report


def _to8(x: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(x * 255.0), 0, 255).astype(np.uint8)



def _dilate(mask: np.ndarray, r: int) -> np.ndarray:
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return cv2.dilate(mask.astype(np.uint8), k) > 0
