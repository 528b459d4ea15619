"""Extract: lift an object and its shadow off an edited picture, given the original.

An inpainting model (or another editor's generative fill) repaints a whole
region, not only the object it adds: the texture around the object comes back
shifted by a pixel or two, blurred, with new grain and a slight colour drift,
or replaced by another piece of similar texture. A per-pixel un-blend takes
all of that for foreground (a translucent rectangle of background). This
method keeps apart three kinds of change:

- the **object**: a coherent, structured change anchored in the box, whose
  local texture or colour no small shift of the original explains;
- its **cast shadow** (or reflection): a change of the *low* frequencies only
  (the ground's texture is kept, its lighting darkened), attached to the object;
- **re-rendered background**: everything else, which the layer leaves out
  (exactly transparent), so the original shows there.

Steps, in order (read `lift` top to bottom):
1. work in the region where the edit may be (the box grown for shadows) and,
   for detection, on a copy reduced to at most `DETECT_PIXELS`;
2. structural change: the best normalised cross-correlation of each patch of
   the edit with the original's patches shifted by up to `REACH` pixels
   (gain- and offset-invariant, so drift and shading do not count; shifts and
   slight blur match), and the change in local texture strength (against the
   original's brought to the edit's brightness: shading is not texture);
3. colour change of the low frequencies, after the region's drift (a gain and
   offset per channel fitted on the ring between box and region) is applied
   to the original: a change of chromaticity or a brightening is object, a
   darkening is left for the shadow step;
4. object mask: the changes above their thresholds (with hysteresis, specks
   dropped), inside the box; a change the ground in place does not explain
   but a copy does (content-aware fill: a piece of the original from
   elsewhere, seen going on across the box's edge, traced window by window
   so that ground right beside the object is covered too, a pixel only where
   the copy gives it its own fine texture in a grey shading) does not count;
   the ground the edit meant is the original with those copies in it;
   holes filled, unless they show that ground (the hole of a ring); and
   notches filled: deep, narrow inlets between wide parts of the mask where
   the object's own colours, carried in from around, explain the edit (a
   smooth object recoloured like its ground, its shading passing through
   the ground's colour) or where the change is just below the threshold;
   and bites out of the mask's convex hull (the mask opened first, so a
   stray piece hanging on does not count) filled where those colours
   carried in explain the edit (the rim of such an object, where it has
   the ground's colour);
5. alpha by matting (the decomposition's trimap and closed-form matting,
   `decompose_steps.matting`): opaque inside, soft only in a band along the
   mask's edge, so an object whose colour is close to its ground stays
   opaque; in the band, pixels the ground explains are surely not object and
   pixels no ground nearby can explain with less than `PINNED` alpha surely
   are (white paint over a dark saucer: colour alone would let it fade);
   and in the mask, where the object's colour (carried out from the core)
   is the ground's, alpha is unobservable and the mask decides; where the
   object's seen edge (sharp new edges of the edit, a soft shadow edge not
   counted) follows an ellipse (a ball, a coin, an egg), the rim inside it
   is object where the object's shading carried out explains the edit at
   least as well as the ground does (a rim coloured like the ground), and
   beyond it what only a weak change held is ground (no spur into the shadow);
6. shadow: where it is, from a reduced copy: darker than the ground (drift
   applied) by more than any small shift explains or, on strong texture, by
   the ratio to the aligned ground, its texture still there, starting near
   the object or, with no object, in the box; how dark, from that shading
   ratio (edit over the ground shifted to where it correlates best, local
   means: true across the ground's own edges, where a difference is not);
   threads of darkening (a thin edge of the ground moved) left out;
   kept as translucent colour (black for a grey shadow) as in the
   decomposition's shadows (`decompose_steps.shadow`);
7. colours: the object's straight colour solved against the ground under
   the object's soft edge and the shadow (`decompose_steps.layers`); outside
   object and shadow the layer is exactly transparent.

The figures of `bench/bench_extract.py` are the measure of this file.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional

import cv2
import numpy as np

from ..box import Box
from ..compose import unblend_alpha
from ..errors import InvalidInput
from ..progress import ProgressFn, Stages, no_progress
from .decompose_steps.fill import pyramid_fill
from .decompose_steps.layers import layer_alpha, solve_foreground
from .decompose_steps.matting import UNKNOWN, ClosedFormMatter, band_radius, make_trimap
from .decompose_steps.segment import clean_mask, dilate, disk, erode, mask_bounds, scaled_box

METHOD = "extract"
REACH = 3                 # re-rendered texture may move this many pixels (full resolution)
WINDOW = 7                # patch side of the structure test (detection pixels)
DETECT_PIXELS = 250_000   # detection runs on a copy reduced to about this many pixels
GROW = 0.25               # a shadow may fall this x the box's larger side outside the box
MIN_CHANGE = 6 / 255      # smaller differences are noise (no difference at all below it)
MIN_OBJECT_PIXELS = 16
SEARCH = 144              # texture copied from this far away (full resolution) is still ground
CELL = 6                  # ... tested in cells of this side (half detection pixels)
FOUND_NCC = 0.85
COVER = 8                 # ... and copies are traced in windows of this side (half detection pixels)
NOTCH = 0.05              # inlets narrower than twice this x the box's side may be notches,
SPUR = 0.5                # ... between parts of the mask wider than this x that width,
DEPTH = 1.0               # ... deeper than this x half that width,
NOTCH_COLOUR = 0.05       # ... where the object's colours carried in explain the edit this well
NOTCH_SPREAD = 0.08       # ... and agree with one another this well (not a star's stripes),
NOTCH_SCORE = 0.3         # ... or where the change is above this share of the object threshold
OUTLINE_SHARE = 0.8       # an object whose seen edge lies on an ellipse for this share
OUTLINE_COVER = 0.4       # ... seen in this share of the directions at least, is smooth
OUTLINE_TOLERANCE = 0.03  # ... within this x its size
OUTLINE_RIM = 0.1         # its rim may be lost this deep (x its size)
OUTLINE_EDGE = 0.1        # ... and its edge is seen where the edit has a new edge this strong
OUTLINE_SHARP = 1.6       # ... and sharp: this much stronger than after more blur
PINNED = 0.9               # the edit needs at least this alpha: surely object
FOUND_COLOUR = 0.08
FOUND_TINT = 0.12         # ... in a grey shading: channels' gains this close
FOUND_PIXEL = 0.1         # ... and a pixel of a copy has its source's colour within this
FOUND_DETAIL = 0.5        # ... and its fine texture (correlation at least this
DETAIL_SIDE = 5           # ... in windows of this side, half detection pixels)
FOUND_VOTES = 3           # a copy is an offset this many cells agree on
FOUND_PEAKS = 4           # ... of at most this many good matches of each cell
FOUND_OFFSETS = 8         # ... and at most this many copies are followed

# Thresholds of the object score (each change divided by its own; > 1 is object).
STRUCTURE = 0.5           # 1 - best correlation, where both patches have texture
SAME_NCC = 0.85           # ... and above this correlation, the edit shows the original there
TEXTURE = 0.7             # |log| of the ratio of texture strengths (coefficient of variation)
HUE = 0.06                # distance of the chromaticities of the low frequencies
BRIGHTER = 0.18           # mean log ratio, brighter than the drift
# The shadow step.
SHADOW_MIN = 0.06         # darkening below this (after the drift) is not a shadow
SHADOW_MAX = 0.9
SHADOW_LEVELS = 5 / 255   # ... and darker by at least this much
SHADOW_SIDE = 256         # shadows are found on a copy this large
SHADOW_REACH = 0.15       # a shadow starts within this x the object's size from it
SHADOW_BLUR = 4.0         # ... blurred this much (full-resolution pixels)
ALIGNED_NCC = 0.9         # ... or, where the original correlates this well, from the ratio


@dataclass
class ExtractRequest:
    original: np.ndarray              # (H, W, 3|4) uint8: the picture before the edit
    edited: np.ndarray                # (H, W, 3|4) uint8: the same picture after it
    box: Optional[Box] = None         # where the object is; None: from `mask` or the change
    mask: Optional[np.ndarray] = None  # (H, W): nonzero over the object (bounds it like a box)
    shadow: bool = True               # keep the object's cast shadow on the layer
    grow: float = GROW


@dataclass
class ExtractResult:
    layer: np.ndarray                 # (h, w, 4) uint8 straight RGBA; (0, 0, 4) if nothing
    x: int                            # canvas offset of the layer
    y: int
    box: Box                          # the object's box
    region: Box                       # where changes were looked at
    figures: dict = field(default_factory=dict)
    recipe: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.layer.size == 0


@dataclass
class Lifted:
    """What `lift` finds inside the region (arrays of the region's size)."""

    colour: np.ndarray                # (h, w, 3) float straight colour (0 where alpha is 0)
    alpha: np.ndarray                 # (h, w) float: the layer's alpha (object over shadow)
    object_alpha: np.ndarray          # (h, w) float
    shadow: np.ndarray                # (h, w) float: the shadow's opacity


# -- checking and the whole-picture entry point ----------------------------------------------
def check_inputs(request: ExtractRequest) -> tuple[np.ndarray, np.ndarray, Box, Box,
                                                    Optional[np.ndarray]]:
    """(original RGB, edited RGB, box, region, mask) or InvalidInput with one readable line."""
    original, edited = _rgb8(request.original, "original"), _rgb8(request.edited, "edited")
    if original.shape != edited.shape:
        raise InvalidInput(f"The original is {original.shape[1]}x{original.shape[0]} but the "
                           f"edited picture is {edited.shape[1]}x{edited.shape[0]}.",
                           "Both pictures must have the same size.")
    h, w = original.shape[:2]
    mask = None
    if request.mask is not None:
        mask = np.asarray(request.mask)
        if mask.ndim == 3:
            mask = mask.max(axis=2)
        if mask.shape != (h, w):
            raise InvalidInput(f"The mask is {mask.shape[1]}x{mask.shape[0]} but the pictures "
                               f"are {w}x{h}.")
        mask = mask > 0
        if mask.sum() < MIN_OBJECT_PIXELS:
            raise InvalidInput("The mask is empty.", "Paint over the object.")
    changed = _changed(original, edited)
    if not changed.any():
        raise InvalidInput("The two pictures are the same: there is no change to extract.")
    if request.box is not None:
        box = request.box.validate_in(w, h)
    elif mask is not None:
        box = mask_bounds(mask)
    else:
        box = mask_bounds(changed)
    if mask is not None:
        box = box.intersect(mask_bounds(mask))
    if box.w < 4 or box.h < 4:
        raise InvalidInput(f"The box is too small ({box.w}x{box.h} pixels) to hold an object.")
    if not changed[box.slices()].any():
        raise InvalidInput("Nothing changed inside the box.", "Draw the box around the new object.")
    g = int(round(max(box.w, box.h) * request.grow))
    region = box.expand(g).clip(w, h)
    return original, edited, box, region, mask


def extract(request: ExtractRequest, progress: ProgressFn = no_progress) -> ExtractResult:
    """Lifts the object and its shadow off `request.edited`; see the module docstring."""
    started = time.perf_counter()
    original, edited, box, region, mask = check_inputs(request)
    stages = Stages(progress, {"lift": 1})
    lifted = lift(original.astype(np.float32) / 255, edited.astype(np.float32) / 255, box,
                  region, hint=mask, shadow=request.shadow)
    stages.done("lift")
    layer8 = np.dstack([_to8(lifted.colour), _to8(lifted.alpha)])
    layer8[layer8[..., 3] == 0] = 0
    visible = layer8[..., 3] > 0
    if visible.any():
        part = mask_bounds(visible)
        layer, x, y = np.ascontiguousarray(layer8[part.slices()]), region.x + part.x, region.y + part.y
    else:
        layer, x, y = np.zeros((0, 0, 4), np.uint8), region.x, region.y
    figures = {"object_pixels": int((lifted.object_alpha > 0.5).sum()),
               "shadow_pixels": int((lifted.shadow > 1 / 255).sum()),
               "seconds": round(time.perf_counter() - started, 3)}
    recipe = {"method": METHOD, "box": list(box.as_tuple()), "region": list(region.as_tuple()),
              "brush_mask": mask is not None, "shadow": request.shadow}
    return ExtractResult(layer, x, y, box, region, figures, recipe)


# -- the steps ---------------------------------------------------------------------------------------
def lift(original: np.ndarray, edited: np.ndarray, box: Box, region: Box, *,
         hint: Optional[np.ndarray] = None, shadow: bool = True) -> Lifted:
    """The object and its shadow inside `region` (float RGB 0..1 pictures of one size; `box`
    and `region` in their pixels; `hint` an optional (H, W) bool mask bounding the object)."""
    # 1. The region (with room for the filters) and the detection scale.
    h, w = original.shape[:2]
    pad = 2 * REACH + WINDOW
    work = region.expand(pad).clip(w, h)
    o, e = original[work.slices()], edited[work.slices()]
    inner = region.translate(-work.x, -work.y)
    obj_box = box.translate(-work.x, -work.y)
    scale = min(1.0, float(np.sqrt(DETECT_PIXELS / (work.w * work.h))))
    small = (max(8, round(work.w * scale)), max(8, round(work.h * scale)))
    so, se = (cv2.resize(x, small, interpolation=cv2.INTER_AREA) if scale < 1 else x
              for x in (o, e))
    reach = max(1, int(np.ceil(REACH * scale)))

    # 2. Structural change, invariant to gain, offset and small shifts.
    structure, texture, lost, same = _structure_change(_luma(se), _luma(so), reach)

    # 3. Colour change of the low frequencies, less the region's drift (also allowing
    # the small shifts: a moved edge changes the low frequencies beside it).
    drift = _fit_drift(se, so, _ring(small, scale, inner, obj_box))
    so = _drifted(so, drift)
    hue, brighter = _colour_change(se, so, reach)

    # 4. The object mask: strong changes, grown through weaker ones, anchored in the box;
    # texture that was copied from elsewhere in the picture does not count.
    score = np.maximum.reduce([structure / STRUCTURE, texture / TEXTURE, hue / HUE,
                               brighter / BRIGHTER])
    small_box = scaled_box(obj_box, scale)
    candidates = np.zeros_like(score, bool)
    candidates[small_box.slices()] = score[small_box.slices()] > 0.6
    context = work.expand(SEARCH).clip(w, h)
    size = (max(8, round(context.w * scale)), max(8, round(context.h * scale)))
    sc = _drifted(cv2.resize(original[context.slices()], size, interpolation=cv2.INTER_AREA)
                  if scale < 1 else original[context.slices()], drift)
    at = (round((work.x - context.x) * scale), round((work.y - context.y) * scale))
    # Just outside the box, the ground only: where copies are seen to cross the box's edge.
    edge = dilate(_box_mask(score.shape, small_box), 4 * CELL) \
        & ~_box_mask(score.shape, small_box) & _box_mask(score.shape, scaled_box(inner, scale))
    copied, source = _found_elsewhere(se, sc, at, candidates, edge, round(SEARCH * scale), reach)
    # Only where the ground in place does not explain the edit is it a copy (the copy
    # test also matches ground that was merely re-rendered, by chance or a repeat).
    copied &= dilate(np.maximum(structure / STRUCTURE, texture / TEXTURE) > 0.6, 2)
    score[copied] = 0.0
    score = cv2.resize(score, (work.w, work.h), interpolation=cv2.INTER_LINEAR) if scale < 1 \
        else score
    if scale < 1:
        copied = cv2.resize(copied.astype(np.uint8), (work.w, work.h),
                            interpolation=cv2.INTER_NEAREST) > 0
        source = np.rint(cv2.resize(source.astype(np.float32), (work.w, work.h),
                                    interpolation=cv2.INTER_NEAREST) / scale).astype(np.int32)
    # The ground the inpainter meant: the original, with its copies where it made them.
    ground = o.copy()
    ys, xs = np.nonzero(copied)
    ground[ys, xs] = original[np.clip(ys + work.y + source[ys, xs, 0], 0, h - 1),
                              np.clip(xs + work.x + source[ys, xs, 1], 0, w - 1)]
    allowed = np.zeros((work.h, work.w), bool)
    allowed[obj_box.slices()] = True
    if hint is not None:
        allowed &= dilate(hint[work.slices()], max(2, int(0.03 * max(box.w, box.h))))
    strong = _open((score > 1.0) & allowed, 2)   # specks of change are noise, not an object
    weak = (score > 0.6) & allowed
    mask = _grow_from(weak, strong)
    mask = _close(mask, max(1, int(round(1 / scale))))
    # Holes filled (a flat piece inside an object), unless the edit shows the original's
    # ground there (the hole of a ring).
    ground_seen = cv2.resize(same.astype(np.uint8), (work.w, work.h),
                             interpolation=cv2.INTER_NEAREST) > 0 if scale < 1 else same
    mask = _fill_holes(mask, ground_seen | copied, int(np.ceil((WINDOW // 2 + 1) / scale)))
    # Notches: a smooth object recoloured like its ground, whose shading passes through
    # the ground's colour, loses that band (nothing changed there, pixel by pixel). A
    # narrow inlet whose edit the object's own colours, carried in from both sides,
    # explain is object; one that only the ground explains (between a star's arms) is not.
    notch = np.zeros_like(mask)
    if mask.sum() >= MIN_OBJECT_PIXELS:
        r = max(2, int(round(NOTCH * max(box.w, box.h))))
        notch = _notches(mask, e, score, allowed, r)
        mask |= notch
        bite = _bites(clean_mask(mask), e, allowed & ~ground_seen, r)
        notch |= bite
        mask |= bite
    if mask.sum() < MIN_OBJECT_PIXELS:
        mask[:] = False
    else:
        mask = clean_mask(mask)

    # 5. Alpha: matting in a band along the mask's edge (the windows blur the edge by
    # about half a window, so the band is at least that wide).
    alpha = np.zeros((work.h, work.w), np.float32)
    if mask.any():
        obj = mask_bounds(mask)
        radius = max(band_radius(obj.w, obj.h), int(np.ceil((WINDOW // 2 + 1) / scale)))
        # (The windows blur the mask's edge outward by about half the band.)
        inside = erode(mask, max(1, radius // 2)) if erode(mask, radius).any() else mask
        trimap = make_trimap(inside, radius)
        # Where the edit left the picture as it was, or copied it from elsewhere, the
        # object surely is not; where no background near explains the change with less
        # than PINNED alpha (white paint over a dark saucer), it surely is: the colour
        # model of matting alone would let a flat piece of the object fade out.
        od = _drifted(ground, drift)
        band = trimap == UNKNOWN
        same = np.abs(e - od).max(axis=2) <= MIN_CHANGE
        trimap[band & (_least_alpha(e, od, REACH) > PINNED)] = 255
        trimap[band & inside & _unobservable(e, od, trimap == 255, band & inside)] = 255
        trimap[band & (same | (copied & ~mask)) & ~notch] = 0
        # A smooth object (its outer contour an ellipse but for a few pieces) whose rim
        # has the ground's colour loses a crescent of that rim to the matting's colour
        # model, and the mask may run on into the shadow along a mortar line: inside the
        # ellipse, near its edge, the band is object where the object's colours carried
        # out explain the edit at least as well as the ground does; beyond it, what only
        # a weak change held is ground.
        outline = _smooth_outline(mask, e, od, 2 * radius)
        if outline is not None:
            size = max(mask_bounds(outline).w, mask_bounds(outline).h)
            margin = max(2, int(round(OUTLINE_TOLERANCE * size)))
            beyond = ~dilate(outline, margin) & ~erode(strong, WINDOW // 2 + 1)
            trimap[beyond] = 0
            trimap[(trimap == 255) & ~erode(outline, 1)] = UNKNOWN
            rim = erode(outline, 1) & ~erode(outline, max(radius, int(OUTLINE_RIM * size))) \
                & (trimap != 255) & allowed & ~ground_seen
            trimap[rim & _object_explains(e, od, trimap == 255, rim)] = 255
            trimap[dilate(outline, margin) & ~outline & (trimap == 0) & dilate(mask, margin)] \
                = UNKNOWN
        alpha = ClosedFormMatter()(_to8(e), trimap)
        alpha = np.clip(alpha, 0.0, 1.0).astype(np.float32)
        alpha[alpha < 4 / 255] = 0.0
        alpha[alpha > 250 / 255] = 1.0
        alpha = _keep_attached(alpha, mask)

    # 6. The cast shadow: darker low frequencies, texture kept, touching the object.
    shade = np.zeros_like(alpha)
    shade_colour = np.zeros_like(e)
    if shadow:
        kept = np.maximum(structure / STRUCTURE, lost / TEXTURE)  # a shadow keeps texture
        struct_full = cv2.resize(kept, (work.w, work.h), interpolation=cv2.INTER_LINEAR) \
            if scale < 1 else kept
        struct_full[copied] = 0.0   # a copy keeps its source's texture
        anchor = np.zeros_like(mask)
        anchor[obj_box.slices()] = True
        shade, shade_colour = _shadow(_drifted(ground, drift), e, alpha, struct_full, inner,
                                      anchor)

    # 7. Colours, solved against the original behind the object's soft edge and its shadow
    # (only where the layer has pixels).
    total = layer_alpha(alpha, shade)
    colour = np.zeros_like(e)
    if (total > 0).any():
        cs = mask_bounds(total > 0).expand(2).clip(work.w, work.h).slices()
        colour[cs] = solve_foreground(e[cs], alpha[cs], shade[cs], shade_colour[cs],
                                      _drifted(ground[cs], drift))
    outside = np.ones_like(total, bool)
    outside[inner.slices()] = False
    total[outside | (total < 1 / 255)] = 0.0
    colour[total <= 0] = 0.0
    rs = inner.slices()
    return Lifted(np.clip(colour[rs], 0, 1), total[rs], alpha[rs], shade[rs])


def _structure_change(e: np.ndarray, o: np.ndarray,
                      reach: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(1 - best correlation, texture log ratio, texture lost, the original's texture
    found again) per pixel of two luma images.

    The correlation of each WINDOW x WINDOW patch of `e` with the patches of `o`
    shifted by up to `reach` pixels, zero-mean and normalised (so gain and offset
    do not count), weighted by how much texture both patches have: between two
    flat patches there is no structure to compare. The texture log ratio
    compares the patches' texture strengths (standard deviations, above a noise
    floor), the original's scaled by the ratio of the patches' means: a smooth
    object on grass, or a textured one on a wall, but not a shadow or the
    shaded side of an object recoloured like its ground, which scale the ground's
    texture with its mean (a plain ratio of coefficients of variation with
    a floor took a shadow on flat bricks for a texture change, and the object
    mask grew into it); the texture lost is the part where the edit has less.
    Where both patches have texture and correlate well, the edit shows the
    original's ground.
    """
    e = cv2.GaussianBlur(e, (0, 0), 0.8)   # grain is not structure
    o = cv2.GaussianBlur(o, (0, 0), 0.8)
    k = (WINDOW, WINDOW)

    def mean(x):
        return cv2.boxFilter(x, -1, k, borderType=cv2.BORDER_REFLECT)

    me = mean(e)
    ve = np.maximum(mean(e * e) - me * me, 0.0)
    op = cv2.copyMakeBorder(o, reach, reach, reach, reach, cv2.BORDER_REFLECT)
    mo = mean(op)
    vo = np.maximum(mean(op * op) - mo * mo, 0.0)
    so = np.sqrt(vo)
    noise = (3.0 / 255) ** 2
    eps = 4.0 / 255
    te = np.log(np.sqrt(ve) + eps)
    h, w = e.shape
    best = np.full((h, w), -1.0, np.float32)
    texture = np.full((h, w), np.inf, np.float32)
    lost = np.full((h, w), np.inf, np.float32)
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            ys, xs = slice(reach + dy, reach + dy + h), slice(reach + dx, reach + dx + w)
            cov = mean(e * op[ys, xs]) - me * mo[ys, xs]
            ncc = cov / np.sqrt((ve + noise) * (vo[ys, xs] + noise))
            np.maximum(best, ncc, out=best)
            # Texture strength against the original's brought to the edit's brightness:
            # shading (a shadow, the dark side of an object's colour) scales both alike.
            gain = (me + 0.02) / (mo[ys, xs] + 0.02)
            d = te - np.log(gain * so[ys, xs] + eps)
            np.minimum(texture, np.abs(d), out=texture)
            np.minimum(lost, -d, out=lost)
    # Confidence that both patches hold texture worth correlating.
    both = np.minimum(ve, vo[reach:reach + h, reach:reach + w])
    confidence = both / (both + (4.0 / 255) ** 2)
    structure = np.clip(1.0 - best, 0.0, 2.0) * confidence
    same = (confidence > 0.5) & (best > SAME_NCC)
    return structure.astype(np.float32), texture, np.maximum(lost, 0.0), same


def _least_change(e: np.ndarray, o_padded: np.ndarray, reach: int, measure) -> np.ndarray:
    """Per pixel, the smallest `measure(e - o)` over the shifts of `o` up to `reach` pixels;
    `o_padded` has `reach` extra pixels on every side."""
    h, w = e.shape[:2]
    best = None
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            change = measure(e - o_padded[reach + dy:reach + dy + h, reach + dx:reach + dx + w])
            best = change if best is None else np.minimum(best, change, out=best)
    return best


def _found_elsewhere(e: np.ndarray, context: np.ndarray, at: tuple[int, int],
                     candidates: np.ndarray, edge: np.ndarray, search: int,
                     reach: int) -> tuple[np.ndarray, np.ndarray]:
    """(found (H, W) bool, source (H, W, 2) int: dy, dx) for the pixels of `e` whose
    neighbourhood appears in the original nearby, with where it was copied from:
    texture an inpainter copied from the ground around (content-aware fill copies
    coherent pieces, each from one place).

    `e` is the edit (detection scale), `context` the original (drift applied, same
    scale) over a larger area in which `e` sits at `at` (x, y); `candidates` the
    changes in the box, `edge` the ground just outside it; `search` is how far
    to look, `reach` how far the ground re-rendered in place may have moved
    (detection pixels: that is the structure test's business, not a copy). Work is at half the detection scale (copied texture
    is recognisable there too, and the search costs a quarter). Two passes:

    1. where the copies come from: the candidates are visited in CELL x CELL cells;
       each cell's surrounding patch (twice the cell) is matched (normalised
       correlation, OpenCV's matchTemplate) against the context around it; a match
       above FOUND_NCC whose mean colour is within FOUND_COLOUR of the patch's
       votes for its offset (every such match: a regular texture matches itself
       one period along). Offsets with at least FOUND_VOTES votes, one of them
       from `edge`, are copies: an inpainter's copy is a piece of ground that goes
       on across the box's edge, while a lone match is chance (a flat piece of the
       object may look like some ground, its straight edge like a rim elsewhere);
    2. what each copy covers: at every position, the window (twice the cell) is
       compared with the original at each copy's offset; a window that matches
       explains *every* pixel in it, so ground right beside an object is explained
       by the windows that lie beside it, not only by those centred on it.
    Flat windows never match: there is nothing to recognise in them.
    """
    full = e.shape[:2]
    e = cv2.resize(e, (max(1, e.shape[1] // 2), max(1, e.shape[0] // 2)),
                   interpolation=cv2.INTER_AREA)
    o = cv2.resize(context, (max(1, context.shape[1] // 2), max(1, context.shape[0] // 2)),
                   interpolation=cv2.INTER_AREA)
    candidates, edge = (cv2.resize(x.astype(np.uint8), e.shape[1::-1],
                                   interpolation=cv2.INTER_AREA) > 0 for x in (candidates, edge))
    ax, ay = at[0] // 2, at[1] // 2
    search = max(4, search // 2)
    h, w = candidates.shape
    oh, ow = o.shape[:2]
    el, ol = (cv2.GaussianBlur(_luma(x), (0, 0), 0.7) for x in (e, o))  # grain, blur
    flat = 8 / 255
    near = max(1, reach // 2) + 1   # copies from nearer than this (half scale) are not copies
    # 1. Where copies come from: offsets (context minus edit position) voted by cells.
    half = CELL // 2
    votes = []
    for cy in range(0, h, CELL):
        for cx in range(0, w, CELL):
            ground = edge[cy:cy + CELL, cx:cx + CELL].all()
            if not (ground or candidates[cy:cy + CELL, cx:cx + CELL].any()):
                continue
            y0, y1 = max(0, cy - half), min(h, cy + CELL + half)
            x0, x1 = max(0, cx - half), min(w, cx + CELL + half)
            patch = el[y0:y1, x0:x1]
            if patch.std() < flat or min(patch.shape) < CELL:
                continue
            sy0, sy1 = max(0, ay + y0 - search), min(oh, ay + y1 + search)
            sx0, sx1 = max(0, ax + x0 - search), min(ow, ax + x1 + search)
            scores = cv2.matchTemplate(ol[sy0:sy1, sx0:sx1], patch, cv2.TM_CCOEFF_NORMED)
            # Every good match votes (the best alone is chance on a regular texture,
            # bricks say, that matches itself one period along).
            peaks = (scores >= FOUND_NCC) & (scores >= cv2.dilate(scores, np.ones((3, 3))))
            mean_here = e[y0:y1, x0:x1].mean(axis=(0, 1))
            py, px = np.nonzero(peaks)
            for j in np.argsort(-scores[py, px])[:FOUND_PEAKS]:
                by, bx = py[j], px[j]
                if max(abs(sy0 + by - ay - y0), abs(sx0 + bx - ax - x0)) <= near:
                    continue   # the ground re-rendered in place: the structure test's
                there = o[sy0 + by:sy0 + by + patch.shape[0], sx0 + bx:sx0 + bx + patch.shape[1]]
                if np.abs(there.mean(axis=(0, 1)) - mean_here).max() <= FOUND_COLOUR:
                    votes.append((sy0 + by - ay - y0, sx0 + bx - ax - x0, ground))
    found = np.zeros((h, w), bool)
    source = np.zeros((h, w, 2), np.int32)   # where each found pixel was copied from
    offsets = _voted(votes, FOUND_VOTES, FOUND_OFFSETS)
    if offsets:
        # 2. What each copy covers (window statistics by box filters; 1 px of play
        # around each offset for the resampling).
        k = (COVER, COVER)
        def mean(x):
            return cv2.boxFilter(x, -1, k, borderType=cv2.BORDER_REFLECT)
        pad = search + 2 * CELL + 2
        op = cv2.copyMakeBorder(ol, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0.0)
        oc = cv2.copyMakeBorder(o, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0.0)
        me = mean(el)
        ve = np.maximum(mean(el * el) - me * me, 0.0)
        ce = mean(e)
        mop = mean(op)                   # a window's mean moves with the window
        vop = np.maximum(mean(op * op) - mop * mop, 0.0)
        moc = mean(oc)
        ocb = cv2.GaussianBlur(oc, (0, 0), 0.7)
        eb = cv2.GaussianBlur(e, (0, 0), 0.7)
        # A copy is recognised by its texture: a flat pixel (a flat piece of an object close
        # in colour to the ground, say) is not explained by one.
        m5 = cv2.blur(el, (5, 5))
        textured = cv2.blur(el * el, (5, 5)) - m5 * m5 >= (flat / 2) ** 2
        for oy, ox in offsets:
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    y0, x0 = pad + ay + oy + dy, pad + ax + ox + dx
                    q = op[y0:y0 + h, x0:x0 + w]
                    mq, vq = mop[y0:y0 + h, x0:x0 + w], vop[y0:y0 + h, x0:x0 + w]
                    ncc = (mean(el * q) - me * mq) / np.sqrt(ve * vq + 1e-12)
                    windows = (ncc >= FOUND_NCC) & (vq >= flat ** 2) & (ve >= (flat / 2) ** 2)
                    if not windows.any():
                        continue
                    # The copy may lie in the object's shadow: its colour is the source's
                    # times a grey gain (each channel alike, 1 or darker).
                    gain = (ce + 0.03) / (moc[y0:y0 + h, x0:x0 + w] + 0.03)
                    grey = gain.mean(axis=2)
                    windows &= (_channel_max(np.abs(gain - grey[..., None])) <= FOUND_TINT) \
                        & (grey >= 1 - SHADOW_MAX) & (grey <= 1 + FOUND_TINT)
                    if not windows.any():
                        continue
                    # A window is centred on its pixel (it covers CELL pixels either
                    # side); of those, the pixels the copy gives their own colour (in its
                    # windows' shading), as closely as it gives it to the windows'
                    # centres (a piece of an object close in colour to the ground is
                    # not quite that close).
                    weight = windows.astype(np.float32)
                    covering = cv2.boxFilter(weight, -1, k, normalize=False)
                    shading = cv2.boxFilter(gain * weight[..., None], -1, k, normalize=False) \
                        / np.maximum(covering, 1.0)[..., None]
                    residual = cv2.blur(_channel_max(np.abs(eb - shading * ocb[y0:y0 + h, x0:x0 + w])),
                                        (3, 3))
                    tolerance = np.clip(3 * np.median(residual[windows]), 0.02, FOUND_PIXEL)
                    # ... and whose own fine texture the copy gives too, from a source with
                    # texture there (a smooth piece of an object that has the colour of the
                    # flat ground beside a matched seam is not explained by that seam's
                    # copy), and in a grey shading of its own (not the dark side of an
                    # object recoloured like its ground).
                    detail = _detail_ncc(el, q, DETAIL_SIDE)
                    new = (covering > 0) & (residual <= tolerance) & textured \
                        & (detail >= FOUND_DETAIL) & ~found
                    new &= cv2.blur(q * q, (5, 5)) - cv2.blur(q, (5, 5)) ** 2 >= (flat / 2) ** 2
                    gain = (eb + 0.03) / (ocb[y0:y0 + h, x0:x0 + w] + 0.03)
                    new &= _channel_max(np.abs(gain - gain.mean(axis=2, keepdims=True))) \
                        <= FOUND_TINT
                    source[new] = (oy + dy, ox + dx)
                    found |= new
        # A copy goes on across the box's edge: pieces of it that do not are chance.
        found = _touching(found, edge)
    source[~found] = 0
    return (cv2.resize(found.astype(np.uint8), full[::-1], interpolation=cv2.INTER_NEAREST) > 0,
            cv2.resize(source * 2, full[::-1], interpolation=cv2.INTER_NEAREST))


def _detail_ncc(e: np.ndarray, q: np.ndarray, side: int) -> np.ndarray:
    """Normalised correlation of the side x side neighbourhoods of `e` and `q`."""
    k = (side, side)
    me, mq = cv2.blur(e, k), cv2.blur(q, k)
    ve = np.maximum(cv2.blur(e * e, k) - me * me, 0.0)
    vq = np.maximum(cv2.blur(q * q, k) - mq * mq, 0.0)
    return (cv2.blur(e * q, k) - me * mq) / np.sqrt(ve * vq + 1e-10)


def _voted(votes: list, least: int, most: int) -> list:
    """The offsets (dy, dx) that at least `least` of `votes` (dy, dx, seen on the ground)
    agree on (within a pixel), one of them seen on the ground; most voted first, at
    most `most` of them."""
    if not votes:
        return []
    v = np.array([(dy, dx) for dy, dx, _ in votes])
    ground = np.array([g for _, _, g in votes], bool)
    low = v.min(axis=0) - 1
    shape = tuple(v.max(axis=0) - low + 2)
    counts, seen = np.zeros(shape, np.float32), np.zeros(shape, np.float32)
    np.add.at(counts, tuple((v - low).T), 1)
    np.add.at(seen, tuple((v[ground] - low).T), 1)
    # Votes within a pixel agree: sums over 3 x 3 neighbourhoods of offsets.
    support = cv2.boxFilter(counts, -1, (3, 3), normalize=False, borderType=cv2.BORDER_CONSTANT)
    seen = cv2.boxFilter(seen, -1, (3, 3), normalize=False, borderType=cv2.BORDER_CONSTANT)
    support[seen == 0] = 0
    picked = []
    while len(picked) < most:
        i = np.unravel_index(int(np.argmax(support)), support.shape)
        if support[i] < least:
            break
        picked.append((int(i[0] + low[0]), int(i[1] + low[1])))
        support[max(0, i[0] - 1):i[0] + 2, max(0, i[1] - 1):i[1] + 2] = 0
    return picked


def _least_alpha(e: np.ndarray, o: np.ndarray, reach: int) -> np.ndarray:
    """A lower bound of the alpha with which some colour over the original, shifted by up
    to `reach` pixels, makes the edit: the un-blend (`compose.unblend_alpha`) against
    the lightest and the darkest original nearby, per channel, less noise."""
    k = np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)
    lightest, darkest = cv2.dilate(o, k), cv2.erode(o, k)
    up = unblend_alpha(np.maximum(e - MIN_CHANGE, lightest), lightest)
    down = unblend_alpha(np.minimum(e + MIN_CHANGE, darkest), darkest)
    return np.maximum(up, down)


def _fit_drift(e: np.ndarray, o: np.ndarray, ring: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(gain, offset) per channel with e ~ gain * o + offset on `ring` (the re-rendered
    ground around the box), fitted on the low frequencies and refitted without the
    pixels that fit worst (a shadow, a piece of the object)."""
    be, bo = (cv2.GaussianBlur(x, (0, 0), 3.0)[ring] for x in (e, o))
    step = max(1, len(be) // 20_000)     # a sample is plenty for six numbers
    be, bo = be[::step].astype(np.float64), bo[::step].astype(np.float64)
    gain, offset = np.ones(3, np.float32), np.zeros(3, np.float32)
    if len(be) < 32:
        return gain, offset
    keep = np.ones(len(be), bool)
    for _ in range(3):
        for c in range(3):
            x, y = bo[keep, c], be[keep, c]
            if x.std() > 0.02:   # least squares, y = gain * x + offset
                gain[c] = np.mean((x - x.mean()) * (y - y.mean())) / x.var()
                offset[c] = y.mean() - gain[c] * x.mean()
            else:
                gain[c], offset[c] = 1.0, float(np.median(y - x))
        residual = np.abs(be - (bo * gain + offset)).max(axis=1)
        keep = residual <= max(2.5 * float(np.median(residual)), 2 / 255)
    return np.clip(gain, 0.7, 1.4).astype(np.float32), np.clip(offset, -0.2, 0.2).astype(np.float32)


def _drifted(o: np.ndarray, drift: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    gain, offset = drift
    return np.clip(o * gain + offset, 0.0, 1.0).astype(np.float32)


def _colour_change(e: np.ndarray, o: np.ndarray, reach: int,
                   sigma: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """(hue change, brightening) of the low frequencies of RGB `e` against `o` (the
    original with the drift applied).

    Colours blurred a little; each pixel is compared with the original at the
    nearby shift that differs least. Hue change is the distance of chromaticities
    (r, g, b over their sum: a shadow or shading leaves it alone), brightening the
    log ratio of lightness (a darkening is left to the shadow step).
    """
    full = e.shape[:2]
    if e.shape[0] * e.shape[1] > 60_000:   # low frequencies: half the size is enough
        half = (max(8, e.shape[1] // 2), max(8, e.shape[0] // 2))
        e, o = (cv2.resize(x, half, interpolation=cv2.INTER_AREA) for x in (e, o))
        hue, brighter = _colour_change(e, o, max(1, (reach + 1) // 2), sigma=1.0)
        return tuple(cv2.resize(x, full[::-1], interpolation=cv2.INTER_LINEAR)
                     for x in (hue, brighter))
    eps = 0.02   # keeps the chromaticity of dark colours from amplifying noise
    planes = []
    for x in (e, o):
        x = cv2.GaussianBlur(x, (0, 0), sigma) + eps
        total = x[..., 0] + x[..., 1] + x[..., 2]
        planes.append([x[..., c] / total for c in range(3)] + [np.log(total)])
    h, w = e.shape[:2]
    # Planes side by side: elementwise work on planes is several times faster in numpy
    # than reducing over a short last axis.
    e_planes = np.hstack(planes[0]).astype(np.float32)
    o_planes = np.hstack([cv2.copyMakeBorder(p.astype(np.float32), reach, reach, reach, reach,
                                             cv2.BORDER_REFLECT) for p in planes[1]])
    pw = w + 2 * reach
    hue = brighter = None
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            d = [e_planes[:, c * w:(c + 1) * w]
                 - o_planes[reach + dy:reach + dy + h, c * pw + reach + dx:c * pw + reach + dx + w]
                 for c in range(4)]
            distance = np.abs(d[0]) + np.abs(d[1]) + np.abs(d[2])
            hue = distance if hue is None else np.minimum(hue, distance, out=hue)
            brighter = d[3] if brighter is None else np.minimum(brighter, d[3], out=brighter)
    return hue, brighter


def _ring(size: tuple[int, int], scale: float, region: Box, box: Box) -> np.ndarray:
    """Pixels (detection scale) inside the region but outside the box: re-rendered ground."""
    out = np.zeros((size[1], size[0]), bool)
    out[scaled_box(region, scale).slices()] = True
    out[scaled_box(box, scale).slices()] = False
    if not out.any():
        out[scaled_box(region, scale).slices()] = True
    return out


def _shadow(o, e, alpha, structure, region: Box,
            anchor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Opacity (H, W) and colour K (H, W, 3) of the cast shadow, from the shading ratio;
    without an object (`alpha` empty), a shadow reaching into `anchor` (the box).

    A shadow is a low-frequency thing: it is found on a copy reduced to SHADOW_SIDE.
    Shading multiplies the ground: edit = ratio x original, whatever the ground's
    colour, so the ratio of local means, taken against the original at the shift
    that correlates best (gain-invariant, so the shadow does not sway the choice),
    stays true across the edges of a high-contrast ground (a saucer's rim) and over
    texture, where a plain difference or an unaligned ratio does not.
    """
    h, w = alpha.shape
    scale = min(1.0, SHADOW_SIDE / max(h, w))
    size = (max(8, round(w * scale)), max(8, round(h * scale)))
    reach = max(1, int(np.ceil(REACH * scale)))
    lo, le = (cv2.GaussianBlur(cv2.resize(x, size, interpolation=cv2.INTER_AREA), (0, 0), 1.0)
              for x in (o, e))
    ratio, below, aligned = _aligned_ratio(le, lo, reach)
    small_alpha = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
    structure = cv2.resize(structure, size, interpolation=cv2.INTER_AREA)
    # Where: darker than any small shift of the original explains (a moved edge is not a
    # shadow), relative and absolute (on dark ground a drift of a few levels is a
    # large ratio).
    # Texture averaged away first (a blur as wide as the shifts), the object left out of
    # the average (its colour would darken the ground beside it).
    sigma = max(1.0, SHADOW_BLUR * scale)
    ground = np.clip(1.0 - cv2.resize(alpha, size, interpolation=cv2.INTER_AREA), 0.0, 1.0)
    weight = cv2.GaussianBlur(ground, (0, 0), sigma) + 1e-4
    ye, yo = (cv2.GaussianBlur(_luma(x) * ground, (0, 0), sigma) / weight for x in (le, lo))
    yo = cv2.copyMakeBorder(yo, reach, reach, reach, reach, cv2.BORDER_REFLECT)
    absolute = _least_change(ye, yo, reach, lambda d: -d)
    relative = np.clip(absolute / np.maximum(ye + absolute, 1 / 255), 0.0, 1.0)
    lowest = np.maximum(np.clip(ratio.min(axis=2), 0.0, 1.0), 1.0 - relative)
    darkening = np.where(absolute > SHADOW_LEVELS, 1.0 - lowest, 0.0)
    # On strong texture (dark crevices in grass) some shift always finds a darker pixel;
    # where the aligned original correlates well, its ratio says how dark it is.
    # (Not within a window of the object: its colour would be in the edit's mean.)
    obj_near = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA) > 0.02
    aligned = np.where(dilate(obj_near, WINDOW // 2 + 1), -1.0, aligned)
    sure = aligned >= ALIGNED_NCC
    dimmer = _luma(below) - _luma(le)
    lowest = np.clip(ratio.min(axis=2), 0.0, 1.0)
    darkening[sure] = np.where(dimmer > 2 * SHADOW_LEVELS, 1.0 - lowest, 0.0)[sure]
    obj = small_alpha > 0.5
    near = small_alpha > 0.02
    if not obj.any():   # a change of light alone (a shadow painted in): it must reach the box
        obj = cv2.resize(anchor.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    ys, xs = np.nonzero(obj)
    extent = max(np.ptp(ys), np.ptp(xs)) + 1
    inside = np.zeros_like(obj)
    inside[scaled_box(region, scale).slices()] = True
    # Texture kept: a shadow darkens the ground, it does not replace it.
    candidates = (darkening > SHADOW_MIN) & (structure < 1.0) & ~near & inside
    # A shadow is broad: a thread of darkening (an edge of the ground moved by the
    # re-rendering a little more than the shifts allow) is not one.
    candidates = _open(candidates, 1)
    attached = _touching(candidates, dilate(obj, max(2, int(SHADOW_REACH * extent))))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(attached.astype(np.uint8), connectivity=8)
    small = np.flatnonzero(stats[1:, cv2.CC_STAT_AREA] < 0.01 * obj.sum()) + 1
    support = attached & ~np.isin(labels, small)
    if not support.any():
        return np.zeros_like(alpha), np.zeros_like(o)
    # How dark, at full resolution, only where the shadow was found: on textured ground
    # the aligned ratio (upsampled: smooth); elsewhere the ratio of median-filtered
    # pictures (a median keeps a hard shadow edge and drops grain).
    aligned_ratio = ratio
    sure = cv2.resize((aligned >= ALIGNED_NCC).astype(np.uint8), (w, h),
                      interpolation=cv2.INTER_NEAREST) > 0
    support = cv2.resize(support.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0
    support = dilate(support, max(1, int(round(1 / scale)))) & ~(alpha > 0.5)
    part = mask_bounds(dilate(support, 3)).expand(2 * REACH + 3).clip(w, h)
    ps = part.slices()
    k = 2 * REACH + 3
    mo, me = (cv2.medianBlur(_to8(x[ps]), k).astype(np.float32) / 255 + 1 / 255 for x in (o, e))
    ratio = np.ones_like(o)
    ratio[ps] = np.where(sure[ps][..., None],
                         cv2.resize(aligned_ratio, (w, h), interpolation=cv2.INTER_LINEAR)[ps],
                         me / mo)
    ratio = np.clip(ratio, 0.0, 1.0)
    # The shadow goes on under the object's soft edge: carry its ratio in from beside it.
    near = alpha > 0.02
    under = near & dilate(support, 3)
    known = support & ~near
    if known.any():
        ratio[ps] = np.where(under[ps][..., None],
                             pyramid_fill(ratio[ps], known[ps].astype(np.float32)), ratio[ps])
    support = support | under
    feather = np.maximum(cv2.GaussianBlur(support.astype(np.float32), (0, 0), 1.0), support)
    lowest = ratio.min(axis=2)
    ramp = np.clip((1.0 - lowest - 0.5 * SHADOW_MIN) / (0.5 * SHADOW_MIN), 0.0, 1.0)
    opacity = np.clip(1.0 - lowest, 0.0, SHADOW_MAX) * feather * ramp
    with np.errstate(divide="ignore", invalid="ignore"):
        tint = np.where(lowest[..., None] < 1.0,
                        (ratio - lowest[..., None]) / np.maximum(1.0 - lowest[..., None], 1e-3), 0.0)
    colour = np.clip(o * tint, 0.0, 1.0)
    full_inside = np.zeros((h, w), bool)
    full_inside[region.slices()] = True
    return (opacity * full_inside).astype(np.float32), colour.astype(np.float32)


def _aligned_ratio(e: np.ndarray, o: np.ndarray,
                   reach: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ratio (H, W, 3), the original's local mean (H, W, 3), the correlation (H, W)): the
    edit's local mean over the original's, the original shifted (up to `reach` pixels)
    to where it correlates best with the edit (luma, WINDOW-sided windows)."""
    k = (WINDOW, WINDOW)
    def mean(x):
        return cv2.boxFilter(x, -1, k, borderType=cv2.BORDER_REFLECT)
    ye = _luma(e)
    me = mean(ye)
    ve = np.maximum(mean(ye * ye) - me * me, 0.0)
    ce = mean(e)
    pad = lambda x: cv2.copyMakeBorder(x, reach, reach, reach, reach, cv2.BORDER_REFLECT)  # noqa: E731
    yp = pad(_luma(o))
    mp = mean(yp)                        # a window's mean moves with the window
    vp = np.maximum(mean(yp * yp) - mp * mp, 0.0)
    cp = mean(pad(o))
    h, w = ye.shape
    best = np.full((h, w), -2.0, np.float32)
    below = np.zeros_like(ce)
    noise = (2.0 / 255) ** 2
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            ys, xs = slice(reach + dy, reach + dy + h), slice(reach + dx, reach + dx + w)
            mo = mp[ys, xs]
            ncc = (mean(ye * yp[ys, xs]) - me * mo) / np.sqrt(ve * vp[ys, xs] + noise)
            better = ncc > best
            np.copyto(best, ncc, where=better)
            np.copyto(below, cp[ys, xs], where=better[..., None])
    return (ce + 1 / 255) / (below + 1 / 255), below, best


# -- small helpers ----------------------------------------------------------------------------------
def _changed(original: np.ndarray, edited: np.ndarray) -> np.ndarray:
    """Pixels (H, W) whose colour changed by more than noise (a 3x3 median, so single
    rounding differences do not count)."""
    diff = cv2.absdiff(original, edited)
    diff = np.maximum(np.maximum(diff[..., 0], diff[..., 1]), diff[..., 2])
    return cv2.medianBlur(diff, 3) > MIN_CHANGE * 255


def _rgb8(image, what: str) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] not in (3, 4):
        raise InvalidInput(f"The {what} picture must be 8-bit RGB or RGBA.")
    if min(image.shape[:2]) < 8:
        raise InvalidInput(f"The {what} picture is too small ({image.shape[1]}x{image.shape[0]}).")
    return np.ascontiguousarray(image[..., :3])


def _luma(rgb: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(rgb @ np.array([0.299, 0.587, 0.114], np.float32))


def _to8(x: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(x * 255.0), 0, 255).astype(np.uint8)


def _open(mask: np.ndarray, r: int) -> np.ndarray:
    return cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, disk(r)) > 0


def _close(mask: np.ndarray, r: int) -> np.ndarray:
    return cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, disk(r)) > 0


def _channel_max(x: np.ndarray) -> np.ndarray:
    """The largest of the 3 channels (faster than a reduction over the short last axis)."""
    return np.maximum(np.maximum(x[..., 0], x[..., 1]), x[..., 2])


def _box_mask(shape: tuple, box: Box) -> np.ndarray:
    out = np.zeros(shape[:2], bool)
    out[box.slices()] = True
    return out


def _touching(candidates: np.ndarray, seed: np.ndarray) -> np.ndarray:
    """The connected parts of `candidates` that overlap `seed`."""
    n, labels = cv2.connectedComponents(candidates.astype(np.uint8), connectivity=8)
    hit = np.unique(labels[seed & candidates])
    return np.isin(labels, hit[hit > 0])


def _grow_from(weak: np.ndarray, strong: np.ndarray) -> np.ndarray:
    """Hysteresis: the parts of `weak` that hold a `strong` pixel."""
    return _touching(weak | strong, strong)


def _fill_holes(mask: np.ndarray, ground: np.ndarray, r: int) -> np.ndarray:
    """The mask with the holes it encloses filled, but for those mostly `ground` farther
    than `r` from their edge (the windows that found the ground must fit in the hole)."""
    n, labels = cv2.connectedComponents((~mask).astype(np.uint8), connectivity=4)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    holes = ~np.isin(labels, border)
    if holes.any():
        inner = erode(holes, r)
        area = np.bincount(labels[inner], minlength=n)
        seen = np.bincount(labels[inner & ground], minlength=n)
        shown = np.flatnonzero((area > 0) & (seen >= 0.5 * np.maximum(area, 1)))
        holes &= ~np.isin(labels, shown)
    return mask | holes


def _notches(mask: np.ndarray, e: np.ndarray, score: np.ndarray, allowed: np.ndarray,
             r: int) -> np.ndarray:
    """The pixels of the deep inlets narrower than 2 `r` into `mask` (between parts of it
    wider than `SPUR` x that) which are object: where the object's colours around, carried
    in (`pyramid_fill`), agree with one another and with the edit, or where the object
    `score` is merely below its threshold. Ground that only the ground explains (flat
    ground between a star's arms, or next to a star's mixed stripes) stays out."""
    # (A thin spur of the mask, often a false change, does not enclose anything.)
    closed = _close(_open(mask, max(1, int(SPUR * r))), r)
    # Only deep in the closed shape: a scallop along the edge is the matting band's to judge.
    inlet = erode(closed, int(DEPTH * r)) & ~mask & allowed
    if not inlet.any():
        return inlet
    ps = mask_bounds(inlet).expand(2 * r).clip(*mask.shape[::-1]).slices()
    out = np.zeros_like(mask)
    out[ps] = inlet[ps] & (_carried_in(e[ps], mask[ps]) | (score[ps] > NOTCH_SCORE))
    return out


def _carried_in(e: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Where the colours of `e` under `mask`, carried out from it (`pyramid_fill`), agree
    with one another and with `e` (a smooth object's shading going on)."""
    carried = pyramid_fill(np.concatenate([e, e * e], axis=2), mask.astype(np.float32))
    mean = carried[..., :3]
    spread = np.sqrt(np.maximum(carried[..., 3:] - mean ** 2, 0.0))
    return (np.abs(e - mean).max(axis=2) < NOTCH_COLOUR) & (spread.max(axis=2) < NOTCH_SPREAD)


def _unobservable(e: np.ndarray, ground: np.ndarray, core: np.ndarray,
                  where: np.ndarray) -> np.ndarray:
    """Pixels of `where` whose alpha colour cannot tell: the object's colour there (carried
    out from `core`) is the ground's (blurred over the small shifts)."""
    out = np.zeros_like(where)
    if not (where.any() and core.any()):
        return out
    part = mask_bounds(where).expand(4 * REACH).clip(*where.shape[::-1])
    ps = part.slices()
    carried = pyramid_fill(e[ps], core[ps].astype(np.float32))
    near = cv2.blur(ground[ps], (2 * REACH + 1, 2 * REACH + 1))
    out[ps] = where[ps] & (np.abs(carried - near).max(axis=2) < NOTCH_COLOUR)
    return out


def _smooth_outline(mask: np.ndarray, e: np.ndarray, o: np.ndarray,
                    reach: int) -> Optional[np.ndarray]:
    """The filled ellipse that the object's seen edge follows (a ball, a coin, an egg, an
    oval cut-out), or None where it does not (a star, a horse, a rounded tile).

    The mask's own contour is biased where the object's colour is the ground's (its
    edge falls inside) and where the change windows blur it outward (into a shadow):
    each point of it is moved, along the ray from the mask's centre, to the strongest
    *new* edge of the edit (one no small shift of the original `o` has) within `reach`,
    and only points that find one count. The ellipse is fitted to those, then refitted
    to the points nearest it; the edge follows it where at least OUTLINE_SHARE of the
    contour's points, spread all around, lie within OUTLINE_TOLERANCE of its size.
    """
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)[:, 0, :].astype(np.float32)
    if len(contour) < 20:
        return None
    def strength(x, sigma=1.0):
        x = cv2.GaussianBlur(x, (0, 0), sigma)
        return _channel_max(np.abs(cv2.Sobel(x, cv2.CV_32F, 1, 0, ksize=3))
                            + np.abs(cv2.Sobel(x, cv2.CV_32F, 0, 1, ksize=3)))
    k = np.ones((2 * REACH + 1, 2 * REACH + 1), np.uint8)
    fine = strength(e)
    new_edge = np.maximum(fine - cv2.dilate(strength(o), k), 0.0)
    # An object's edge is sharp; a cast shadow's is soft (its gradient hardly drops when
    # the picture is blurred more).
    new_edge[fine < OUTLINE_SHARP * strength(e, 2.5)] = 0.0
    centre = contour.mean(axis=0)
    ray = contour - centre
    ray /= np.maximum(np.linalg.norm(ray, axis=1, keepdims=True), 1e-6)
    steps = np.arange(-reach, reach + 1, dtype=np.float32)
    at = contour[:, None, :] + steps[None, :, None] * ray[:, None, :]
    ix = np.clip(np.rint(at[..., 0]).astype(int), 0, mask.shape[1] - 1)
    iy = np.clip(np.rint(at[..., 1]).astype(int), 0, mask.shape[0] - 1)
    along = new_edge[iy, ix]
    best = along.argmax(axis=1)
    seen = along[np.arange(len(contour)), best] >= OUTLINE_EDGE
    points = at[np.arange(len(contour)), best][seen]
    if len(points) < 20:
        return None
    tolerance = max(1.5, OUTLINE_TOLERANCE * float(np.ptp(contour, axis=0).max()))
    keep = np.ones(len(points), bool)
    for step in range(6):
        if keep.sum() < 5:
            return None
        (cx, cy), (a, b), angle = ellipse = cv2.fitEllipse(points[keep])
        if min(a, b) < 4:
            return None
        t = np.deg2rad(angle)
        u = (points[:, 0] - cx) * np.cos(t) + (points[:, 1] - cy) * np.sin(t)
        v = -(points[:, 0] - cx) * np.sin(t) + (points[:, 1] - cy) * np.cos(t)
        off = np.abs(np.hypot(u / (a / 2), v / (b / 2)) - 1.0) * np.sqrt(a * b) / 2
        # First the nearest points (shrinking), then those within the tolerance.
        keep = off <= (np.quantile(off, 0.7 - 0.1 * step) + tolerance if step < 2 else tolerance)
    around = np.arctan2(points[keep, 1] - cy, points[keep, 0] - cx)
    directions = np.unique(((around + np.pi) / (2 * np.pi) * 36).astype(int) % 36)
    if keep.mean() < OUTLINE_SHARE or len(directions) < OUTLINE_COVER * 36:
        return None
    out = np.zeros(mask.shape, np.uint8)
    cv2.ellipse(out, ellipse, 1, -1)
    return out > 0


def _object_explains(e: np.ndarray, ground: np.ndarray, core: np.ndarray,
                     where: np.ndarray) -> np.ndarray:
    """Pixels of `where` that the object's colours (its shading carried out from `core`,
    gradient and all: a ball darkens towards its rim) explain at least as well as the
    ground nearby (shifted by up to REACH pixels) does, over small windows (grain
    averaged)."""
    out = np.zeros_like(where)
    if not (where.any() and core.any()):
        return out
    part = mask_bounds(where).expand(4 * REACH).clip(*where.shape[::-1])
    ps = part.slices()
    by_object = cv2.blur(_channel_max(np.abs(e[ps] - _shading_carried(e[ps], core[ps], where[ps]))),
                         (5, 5))
    padded = cv2.copyMakeBorder(ground[ps], REACH, REACH, REACH, REACH, cv2.BORDER_REFLECT)
    by_ground = cv2.blur(_least_change(e[ps], padded, REACH, lambda d: _channel_max(np.abs(d))),
                         (5, 5))
    out[ps] = where[ps] & (by_object <= by_ground)
    return out


def _shading_carried(e: np.ndarray, core: np.ndarray, where: np.ndarray) -> np.ndarray:
    """The colours of `e` under `core` carried out to `where` as a local plane (a
    weighted least-squares fit of colour against position over the core nearby, a
    Gaussian window half as wide as the farthest distance to carry, so that it stays on
    the near side of a highlight); elsewhere, and where the fit
    is ill-posed, the colours carried flat (`pyramid_fill`)."""
    out = pyramid_fill(e, core.astype(np.float32))
    far = cv2.distanceTransform((~core).astype(np.uint8), cv2.DIST_L2, 3)
    sigma = max(2.0, 0.5 * float(far[where].max()) if where.any() else 2.0)
    h, w = core.shape
    y, x = np.mgrid[:h, :w].astype(np.float32)
    x, y = x / max(h, w), y / max(h, w)
    m = core.astype(np.float32)
    def g(v):
        return cv2.GaussianBlur(v, (0, 0), sigma, borderType=cv2.BORDER_CONSTANT)
    s = [g(m), g(m * x), g(m * y), g(m * x * x), g(m * x * y), g(m * y * y)]
    ys, xs = np.nonzero(where)
    a = np.stack([np.stack([s[0], s[1], s[2]], -1), np.stack([s[1], s[3], s[4]], -1),
                  np.stack([s[2], s[4], s[5]], -1)], -2)[ys, xs].astype(np.float64)
    ok = np.abs(np.linalg.det(a)) > 1e-12 * np.maximum(a[:, 0, 0], 1e-6) ** 3
    for c in range(3):
        v = e[..., c] * m
        b = np.stack([g(v), g(v * x), g(v * y)], -1)[ys, xs].astype(np.float64)
        coef = np.zeros_like(b)
        if ok.any():
            coef[ok] = np.linalg.solve(a[ok], b[ok][..., None])[..., 0]
        plane = coef[:, 0] + coef[:, 1] * x[ys, xs] + coef[:, 2] * y[ys, xs]
        out[ys, xs, c] = np.where(ok, np.clip(plane, 0.0, 1.0), out[ys, xs, c])
    return out


def _hull(mask: np.ndarray) -> np.ndarray:
    """The convex hull of each part of `mask` (filled)."""
    out = np.zeros(mask.shape, np.uint8)
    n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    for i in range(1, n):
        pts = cv2.findNonZero((labels == i).astype(np.uint8))
        cv2.fillConvexPoly(out, cv2.convexHull(pts), 1)
    return out > 0


def _bites(mask: np.ndarray, e: np.ndarray, allowed: np.ndarray, r: int) -> np.ndarray:
    """Pixels of the bites out of the convex hull of `mask` that are object: where the
    object's own colours, carried in, explain the edit."""
    bite = _hull(clean_mask(_open(mask, r))) & ~mask & allowed
    if not bite.any():
        return bite
    ps = mask_bounds(bite).expand(2 * r).clip(*mask.shape[::-1]).slices()
    out = np.zeros_like(mask)
    out[ps] = bite[ps] & _carried_in(e[ps], mask[ps])
    return _touching(out, dilate(mask, 1))


def _keep_attached(alpha: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Alpha only in the parts that touch the mask: matting noise elsewhere goes."""
    return np.where(_touching(alpha > 0, mask), alpha, np.float32(0.0)).astype(np.float32)
