"""Select > Select and Mask: a selection's or a layer mask's edge refined against the picture.

Photoshop's Select and Mask (the classic Refine Edge) in the order Photoshop
applies its sliders:

1. Edge detection: in a band `radius` pixels either side of the edge the
   mask is re-measured from the picture's colours by the decomposition's
   closed-form matting (`engine.methods.decompose_steps.matting`, the same
   matter and its reduced solve for long edges). Inside the band the
   alpha is the matte; outside it the mask is kept. "Smart Radius" makes the
   band follow the edge: narrow where the picture's edge is crisp, as wide as
   the radius where it is soft or textured (fur, hair), judged by how spread
   out the picture's gradient is around each point of the edge.
2. Smooth rounds the outline's jags (a blur, steepened back to a thin ramp).
3. Feather softens it (a Gaussian, as Select > Feather).
4. Contrast hardens the soft edge around its middle.
5. Shift Edge moves the edge out (positive) or in (negative).

Decontaminate Colors replaces the colours along the soft edge by the object's
own (the decomposition's foreground solve, `decompose_steps.layers.solve_foreground`,
with the ground carried in from outside the matte), so no fringe of the old
background shows once the object is put on another one; its Amount (0..100 %)
blends the picture's own colours (0) toward the object's (100, Photoshop's default).

`refine_mask` is the maths (no document); `prepare`, `run` and `apply` are the
operation as the editor runs it: snapshot on the GUI thread, compute on the worker,
apply as one undo step. No Qt here.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Optional

import cv2
import numpy as np

from engine.box import Box, mask_bounds
from engine.progress import ProgressFn, no_progress

from . import commands as cmds
from .document import Document, copy_name
from .errors import DocumentError
from .layers import Layer, LayerMask, Node
from .mask_ops import paint_mask_dab
from .render import composite_document
from .selection_ops import current_mask, feathered, select_mask

SMOOTH_SIGMA = 4.0   # px of blur at Smooth 100
SHIFT_REACH = 10.0   # px the edge moves at Shift Edge ±100 %
SMART_MIN = 1.5      # px: the narrowest band Smart Radius leaves around a crisp edge
PAINTED = 128        # the Refine Edge Brush's paint (0..255) from which a pixel is in the band
OUTPUTS = ("selection", "layer_mask", "new_layer")
OUTPUT_NAMES = {"selection": "Selection", "layer_mask": "Layer Mask",
                "new_layer": "New Layer with Layer Mask"}
UNDO_NAME = "Select and Mask"
# One matting solve at a time: the dialog's preview (a worker thread) may still run when
# OK starts the full-size job, and numba's "workqueue" threading layer, which matting
# chooses, does not take parallel kernels launched from two threads at once.
_MATTING = threading.Lock()


@dataclass(frozen=True)
class RefineSettings:
    """The dialog's sliders, in Photoshop's units."""
    radius: float = 0.0          # px, 0..250: the band re-measured by matting
    smart_radius: bool = False
    smooth: float = 0.0          # 0..100
    feather: float = 0.0         # px, 0..250
    contrast: float = 0.0        # %, 0..100
    shift_edge: float = 0.0      # %, -100..100
    decontaminate: bool = False  # only with the New Layer output
    decontaminate_amount: float = 100.0  # %, 0..100: from the picture's colours to the object's

    def reach(self) -> int:
        """How far (px) from the mask's edge any step can change it."""
        return int(np.ceil(self.radius + 3 * SMOOTH_SIGMA * self.smooth / 100
                           + 1.5 * self.feather + SHIFT_REACH * abs(self.shift_edge) / 100)) + 2


# -- the maths --------------------------------------------------------------------------------
def refine_mask(image: np.ndarray, mask: np.ndarray, settings: RefineSettings,
                scale: float = 1.0, progress: ProgressFn = no_progress,
                max_unknown: int = 40_000, painted: Optional[np.ndarray] = None) -> np.ndarray:
    """The refined mask (H, W) float32 0..1 of uint8 `mask` over RGB uint8 `image`.

    `scale` is the size of the picture against the document's (a reduced preview:
    < 1): every length in `settings` is scaled by it. `painted` (H, W) uint8 is the
    Refine Edge Brush's paint: where it reaches PAINTED the pixel joins the band. Matting
    solves at most `max_unknown` pixels (more: on a reduced copy, see `ClosedFormMatter`)."""
    # The engine's methods load when the dialog first computes, not with the window.
    from engine.methods.decompose_steps.matting import UNKNOWN, ClosedFormMatter

    alpha = mask.astype(np.float32) / 255.0
    band = np.zeros(mask.shape, bool)
    if settings.radius * scale >= 0.5:
        band = edge_band(image, mask >= 128, settings.radius * scale, settings.smart_radius)
    if painted is not None:
        band |= painted >= PAINTED
    if band.any():
        trimap = np.where(mask >= 128, 255, 0).astype(np.uint8)
        trimap[band] = UNKNOWN
        with _MATTING:
            alpha = ClosedFormMatter(max_unknown)(image, trimap)
    progress(1, 2)
    sigma = SMOOTH_SIGMA * settings.smooth / 100 * scale
    if sigma >= 0.3:
        # A blur rounds the jags; steepening it by the blur's own spread brings the
        # ramp back to about a pixel, so Smooth does not soften the edge too.
        gain = max(1.0, sigma * np.sqrt(2 * np.pi))
        alpha = np.clip((_blur(alpha, sigma) - 0.5) * gain + 0.5, 0.0, 1.0)
    if settings.feather * scale > 0.05:
        alpha = feathered(alpha, settings.feather * scale)
    if settings.contrast > 0:
        alpha = np.clip((alpha - 0.5) / max(0.01, 1.0 - settings.contrast / 100) + 0.5, 0.0, 1.0)
    if settings.shift_edge:
        alpha = shift_edge(alpha, SHIFT_REACH * settings.shift_edge / 100 * scale)
    progress(2, 2)
    return alpha.astype(np.float32)


def edge_band(image: np.ndarray, inside: np.ndarray, radius: float,
              smart: bool = False) -> np.ndarray:
    """The pixels (bool) within `radius` of the edge of `inside`; with `smart`, within the
    reach of the picture's edge there (`smart_reach`), at most `radius`."""
    if inside.all() or not inside.any():
        return np.zeros(inside.shape, bool)
    m = inside.astype(np.uint8)
    # Distance of every pixel to the edge, measured to the nearest pixel across it.
    distance = np.where(inside, cv2.distanceTransform(m, cv2.DIST_L2, 3),
                        cv2.distanceTransform(1 - m, cv2.DIST_L2, 3))
    band = distance <= radius
    if smart:
        band &= distance <= smart_reach(image, inside, distance, band, radius)
    return band


def smart_reach(image: np.ndarray, inside: np.ndarray, distance: np.ndarray,
                band: np.ndarray, radius: float) -> np.ndarray:
    """Smart Radius: how far (px) from the selection's edge the band must reach at each
    pixel to hold the picture's edge there: the distance to the picture's strongest edge
    nearby plus that edge's width.

    An edge blurred over w pixels has a gradient whose sum across it is the step and
    whose peak is the step / w, so w ~ (mean gradient x window side) / peak gradient
    in a window around it: a crisp edge scores a pixel or two; fur and hair, many strands
    each with its own gradient, about the window's size. Where the selection's edge lies
    on a crisp edge of the picture the band is a couple of pixels wide; where it is off,
    or the edge is soft or textured, it keeps the radius."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    grey = cv2.GaussianBlur(grey, (0, 0), 0.7)
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    g = cv2.magnitude(gx, gy)
    side = 2 * int(np.ceil(radius)) + 1
    window = np.ones((side, side), np.uint8)
    # The direction across the selection's edge, all over the band.
    across = cv2.GaussianBlur(inside.astype(np.float32), (0, 0), max(1.0, radius / 2))
    nx = cv2.Sobel(across, cv2.CV_32F, 1, 0, ksize=3)
    ny = cv2.Sobel(across, cv2.CV_32F, 0, 1, ksize=3)
    aligned = np.abs(gx * nx + gy * ny) >= 0.8 * g * np.maximum(cv2.magnitude(nx, ny), 1e-9)
    across_g = g * (band & aligned)
    peak = cv2.dilate(across_g, window)
    width = cv2.boxFilter(across_g, -1, (side, side), borderType=cv2.BORDER_REFLECT) \
        * side / np.maximum(peak, 1e-4)
    # The picture's edges in the band: its strong gradients across the selection's edge;
    # the farthest of them from the selection's edge, nearby, says how far off the
    # selection may be there.
    strong = (across_g >= 0.5 * peak) & (across_g > 0.05)
    offset = cv2.dilate(np.where(strong, distance, 0).astype(np.float32), window)
    return np.maximum(cv2.blur(width, (side, side)) + offset, SMART_MIN)


def paint_refinement(painted: np.ndarray, coverage: np.ndarray, box: Box,
                     remove: bool = False) -> Box:
    """One dab of the Refine Edge Brush into `painted` (uint8, in place): `coverage` (float
    0..1, a brush dab's, see `ui.tools.brush.dab_mask`) over `box` adds paint, or with
    `remove` takes it away (Alt). Returns the part of `box` on `painted`."""
    h, w = painted.shape
    clipped = box.clip(w, h)
    if not clipped.is_empty():
        paint_mask_dab(painted[clipped.slices()],
                       coverage[clipped.translate(-box.x, -box.y).slices()],
                       0 if remove else 255, 1.0)
    return clipped


def shift_edge(alpha: np.ndarray, pixels: float) -> np.ndarray:
    """`alpha` grown (positive `pixels`) or shrunk (negative) by that many pixels, fractions
    by blending the two nearest whole distances."""
    if abs(pixels) < 1e-3:
        return alpha
    grow = pixels > 0
    d = abs(pixels)
    lo, frac = int(np.floor(d)), d - np.floor(d)

    def moved(r: int) -> np.ndarray:
        if r == 0:
            return alpha
        disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
        op = cv2.dilate if grow else cv2.erode
        return op(alpha, disk, borderType=cv2.BORDER_REPLICATE)

    near = moved(lo)
    return near if frac < 1e-3 else (1 - frac) * near + frac * moved(lo + 1)


def decontaminate(image: np.ndarray, alpha: np.ndarray, amount: float = 1.0) -> np.ndarray:
    """The object's own colours (RGB uint8) where `alpha` is soft: the ground under the edge
    is carried in from where the matte is empty, and each edge pixel's colour solved from
    I = a F + (1 - a) B. Solid pixels keep their colour. `amount` (0..1) goes that far from
    the picture's colours toward the object's."""
    from engine.methods.decompose_steps.fill import pyramid_fill
    from engine.methods.decompose_steps.layers import solve_foreground

    colours = image.astype(np.float32) / 255.0
    ground = alpha <= 0.02
    if amount <= 0 or not ground.any() or (alpha >= 0.98).all():
        return image.copy()
    background = pyramid_fill(colours, ground.astype(np.float32))
    zero = np.zeros(alpha.shape, np.float32)
    fg = solve_foreground(colours, alpha, zero, np.zeros(3, np.float32), background)
    soft = (alpha < 0.98)[..., None]
    amount = float(np.clip(amount, 0.0, 1.0))
    out = np.where(soft, colours + (fg - colours) * amount, colours)
    return np.clip(np.rint(out * 255), 0, 255).astype(np.uint8)


def _blur(x: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(x, (0, 0), sigmaX=sigma, borderType=cv2.BORDER_REPLICATE)


# -- the operation on a document --------------------------------------------------------------
@dataclass
class RefineJob:
    """A snapshot of what Select and Mask works on (canvas-sized copies), for the worker."""
    node: Optional[Node]      # the active node (its mask is the source when `from_mask`)
    from_mask: bool           # refining the node's layer mask (True) or the selection
    image: np.ndarray         # (H, W, 3) uint8: the picture the edge is measured on
    mask: np.ndarray          # (H, W) uint8: the selection or the layer mask, on the canvas
    settings: RefineSettings
    output: str = "selection"
    painted: Optional[np.ndarray] = None  # (H, W) uint8: the Refine Edge Brush's paint

    def with_settings(self, settings: RefineSettings, output: Optional[str] = None) -> "RefineJob":
        return replace(self, settings=settings, output=output or self.output)


@dataclass
class RefineResult:
    mask: np.ndarray                        # (H, W) uint8 on the canvas
    colours: Optional[np.ndarray] = None    # (H, W, 3) uint8: decontaminated, for New Layer
    recoloured: Optional[np.ndarray] = None  # (H, W) bool: where `colours` replace the layer's


def prepare(doc: Document, settings: RefineSettings = RefineSettings(), output: str = "selection",
            sample_all: bool = False) -> RefineJob:
    """What Select and Mask refines: the active node's layer mask when it is targeted (Brush
    paints it), else the selection; the picture is the active pixel layer's (transparent
    parts black), or what the canvas shows with `sample_all` or for a group."""
    node = doc.active
    # (a layer mask only: a smart object's Smart Filters mask is not refined here)
    from_mask = bool(doc.mask_targeted and doc.mask_target == "mask" and node is not None
                     and node.mask is not None)
    if from_mask:
        mask = node.mask.raw_crop(doc.canvas)
    else:
        mask = current_mask(doc)
        if mask is None:
            raise DocumentError("Select an area first (or target a layer mask): Select and "
                                "Mask refines the selection's edge.")
    if isinstance(node, Layer) and not sample_all:
        rgba = node.canvas_crop(doc.canvas)
    else:
        rgba = composite_document(doc)
    # Transparent pixels keep whatever colour they had: black, as matting sees them.
    wide = rgba.astype(np.uint16)
    image = ((wide[..., :3] * wide[..., 3:] + 127) // 255).astype(np.uint8)
    job = RefineJob(node, from_mask, image, mask, settings)
    check_output(doc, job, output)
    job.output = output
    return job


def check_output(doc: Document, job: RefineJob, output: str) -> None:
    """Raises DocumentError when `output` cannot be made of the job's node."""
    if output not in OUTPUTS:
        raise ValueError(f"unknown output {output!r}")
    node = job.node
    if output != "selection":
        if node is None or node is doc.root or not doc.contains(node):
            raise DocumentError("Select a layer to put a layer mask on.")
        doc._check_unlocked(node)
    if output == "new_layer" and not isinstance(node, Layer):
        raise DocumentError("New Layer with Layer Mask copies a pixel layer: select one.")


def run(job: RefineJob, progress: ProgressFn = no_progress) -> RefineResult:
    """The refined mask at full size (and the decontaminated colours for a New Layer with
    Layer Mask when asked). Only the box around the edge is computed: farther away
    nothing can change."""
    s = job.settings
    out = job.mask.copy()
    soft = (job.mask > 0) & (job.mask < 255)
    box = _work_box(job.mask, soft, s.reach(), job.painted)
    result = RefineResult(out)
    if box is not None:
        painted = None if job.painted is None else job.painted[box.slices()]
        region = refine_mask(job.image[box.slices()], job.mask[box.slices()], s,
                             progress=progress, painted=painted)
        out[box.slices()] = np.clip(np.rint(region * 255), 0, 255).astype(np.uint8)
        if s.decontaminate and job.output == "new_layer":
            result.colours = job.image.copy()
            result.colours[box.slices()] = decontaminate(job.image[box.slices()], region,
                                                         s.decontaminate_amount / 100)
            result.recoloured = np.zeros(out.shape, bool)
            result.recoloured[box.slices()] = (region > 0) & (region < 0.98)
    progress(1, 1)
    return result


def preview(job: RefineJob, max_pixels: int = 400_000,
            max_unknown: int = 12_000) -> tuple[np.ndarray, np.ndarray]:
    """(image, refined mask float) on a copy of the canvas reduced to about `max_pixels`,
    matting at most `max_unknown` pixels: quick enough to follow the dialog's sliders."""
    h, w = job.mask.shape
    scale = min(1.0, float(np.sqrt(max_pixels / max(1, h * w))))
    image, mask, painted = job.image, job.mask, job.painted
    if scale < 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        mask = cv2.resize(mask, size, interpolation=cv2.INTER_AREA)
        if painted is not None:
            painted = cv2.resize(painted, size, interpolation=cv2.INTER_AREA)
    return image, refine_mask(image, mask, job.settings, scale, max_unknown=max_unknown,
                              painted=painted)


def apply(doc: Document, job: RefineJob, result: RefineResult) -> None:
    """Puts the refined mask where `job.output` says, as one undo step named UNDO_NAME."""
    check_output(doc, job, job.output)
    node = job.node
    if job.output == "selection":
        select_mask(doc, result.mask, "replace", UNDO_NAME)
        return
    with doc.history.macro(UNDO_NAME):
        if job.output == "layer_mask":
            doc.history.push(cmds.SetMask(node, _mask_for(doc, node, result.mask), UNDO_NAME))
            doc.set_mask_targeted(True)
            return
        copy = node.copy(copy_name(node.name, {n.name for n in doc.root.walk()}))
        if result.colours is not None:
            copy.pixels, copy.x, copy.y = _with_colours(doc, node, result)
        copy.mask = None
        copy.mask = _mask_for(doc, copy, result.mask)
        doc.history.push(cmds.InsertNode(copy, node.parent, node.index() + 1, UNDO_NAME))
        doc.history.push(cmds.SetAttr(node, "visible", False, UNDO_NAME))
    doc.set_active(copy)
    doc.set_mask_targeted(True)


def _mask_for(doc: Document, node: Node, values: np.ndarray) -> LayerMask:
    """`node`'s layer mask with canvas-sized `values` on the canvas (a mask it has keeps its
    box, flags and what lies beyond the canvas; a new one covers canvas and layer)."""
    if node.mask is not None:
        mask = node.mask.copy()
        box = mask.bounds().intersect(doc.canvas)
        mask.pixels[box.translate(-mask.x, -mask.y).slices()] = values[box.slices()]
        return mask
    bounds = node.bounds()
    box = doc.canvas if bounds.is_empty() else doc.canvas.union(bounds)
    pixels = np.zeros((box.h, box.w), np.uint8)
    pixels[doc.canvas.translate(-box.x, -box.y).slices()] = values
    return LayerMask(pixels, box.x, box.y, default=0)


def _with_colours(doc: Document, layer: Layer, result: RefineResult):
    """The layer's pixels with the decontaminated colours along the soft edge, made opaque
    there (the mask now says how much shows)."""
    pixels = layer.pixels.copy()
    box = layer.bounds().intersect(doc.canvas)
    if not box.is_empty():
        view = pixels[box.translate(-layer.x, -layer.y).slices()]
        where = result.recoloured[box.slices()]
        view[..., :3] = np.where(where[..., None], result.colours[box.slices()], view[..., :3])
        view[..., 3] = np.where(where, 255, view[..., 3])
    return pixels, layer.x, layer.y


def _work_box(mask: np.ndarray, soft: np.ndarray, reach: int,
              painted: Optional[np.ndarray] = None) -> Optional[Box]:
    """The box around the mask's edge (hard and soft pixels) and what the Refine Edge Brush
    painted, grown by `reach`, on the canvas."""
    inside = mask >= 128
    brushed = painted >= PAINTED if painted is not None else np.zeros(mask.shape, bool)
    if inside.all() and not soft.any() and not brushed.any():
        return None
    edge = (inside ^ cv2.erode(inside.astype(np.uint8), np.ones((3, 3), np.uint8),
                               borderType=cv2.BORDER_REPLICATE).astype(bool)) | soft | brushed
    box = mask_bounds(edge.astype(np.uint8))
    if box is None:
        return None
    h, w = mask.shape
    return box.expand(reach).clip(w, h)
