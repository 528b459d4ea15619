"""Select > Sky: the picture's sky becomes a soft selection (Photoshop's Select Sky), found
without any model - the sky is told apart by what skies are:

1. a sky likelihood per pixel on a reduced copy (long side `WORK_SIDE`): sky colours (blue to
   cyan of any brightness - a dusk sky is dark navy -, a bright grey or white overcast, a
   sunset's bright pinks, oranges and yellows), smooth (little gradient energy around it),
   high in the picture and opaque;
2. the likely pixels that are connected to the top border are the sky's seeds; a picture
   whose seeds cover too little of the top edge or of the picture has no sky and gets an
   empty selection (a table top or an object at the top is not a sky), nor has one whose
   grey seeds are mottled at a fine scale (a portrait's backdrop, a page: `sky_seeds`);
3. GrabCut (OpenCV's graph cut with colour models of sky and ground) from those seeds draws
   the outline along the picture's edges; what it keeps must stay connected to the seeds,
   and small holes (birds, specks) are filled;
4. back at full size (at most `MATTE_PIXELS`) the edge is matted (`refine_edge.refine_mask`,
   the closed-form matting Select and Mask uses, in a narrow smart-radius band) so hair,
   leaves and towers against the sky get soft edges.

`sky_alpha(rgb)` is the maths (also Edit > Sky Replacement's mask); `prepare`, `run` and
`apply` are the command as Select Subject runs it (`select_subject.py`): the picture copied
on the GUI thread, the search on the worker, the selection set as one undo step, "Select
Sky". No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np

from engine.progress import ProgressFn, no_progress

from .document import Document
from .errors import DocumentError
from .layers import AdjustmentLayer, Layer, Node
from .selection_ops import _sampled, select_mask

NAME = "Select Sky"          # the History step and the job's name
WORK_SIDE = 512              # px: the long side the sky is searched at
MIN_TOP_SHARE = 0.25         # of the top edge the sky's seeds must touch
MIN_AREA = 0.04              # of the picture the seeds must cover
MAX_MOTTLE = 0.3             # L*: the most the seeds' lightness may wander at a fine scale,
MAX_MOTTLE_GREY = 0.12       # and when they are grey (see `sky_seeds`)
GREY_CHROMA = 8.0            # the seeds' median chroma (Lab) below which they are grey
EDGE_RADIUS = 0.004          # of the long side (at least 2 px): the matted band's reach
MATTE_PIXELS = 2_500_000     # the most pixels the edge is matted at (more: on a reduced copy)


@dataclass
class SkyInput:
    picture: np.ndarray   # (H, W, 4) uint8, canvas-sized: the worker's own copy
    source: str           # what was looked at, for the status line


# -- the maths ------------------------------------------------------------------------------
def sky_likelihood(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(colour, smooth): float32 (H, W) 0..1 scores of RGB uint8 `rgb` - how much a pixel's
    colour is a sky's, and how smooth the picture is around it."""
    f = rgb.astype(np.float32) / 255.0
    lab = cv2.cvtColor(f, cv2.COLOR_RGB2LAB)
    light, a, b = lab[..., 0] / 100.0, lab[..., 1], lab[..., 2]
    chroma = np.hypot(a, b)
    hsv = cv2.cvtColor(f, cv2.COLOR_RGB2HSV)
    hue = hsv[..., 0]   # degrees
    # Blue to cyan (any brightness but black), or an overcast: bright and nearly grey.
    blue = np.clip((chroma - 4.0) / 8.0, 0, 1) * np.clip(1 - np.abs(hue - 215.0) / 45.0, 0, 1) \
        * np.clip((light - 0.06) / 0.08, 0, 1)
    grey = np.clip(1 - (chroma - 8.0) / 10.0, 0, 1) * np.clip((light - 0.55) / 0.15, 0, 1)
    # A sunset's glow: pink to orange to yellow, bright.
    off = np.abs((hue - 25.0 + 180.0) % 360.0 - 180.0)
    warm = np.clip(1 - off / 45.0, 0, 1) * np.clip((light - 0.35) / 0.1, 0, 1) \
        * np.clip((chroma - 12.0) / 8.0, 0, 1)
    colour = np.maximum(np.maximum(blue, grey), warm)
    # Smooth: the gradient's energy over a neighbourhood, against the sky's own slow ramps.
    gx = cv2.Sobel(light, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(light, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    energy = np.sqrt(cv2.GaussianBlur(gx * gx + gy * gy, (0, 0), 2.0))
    smooth = np.clip(1 - (energy - 0.006) / 0.02, 0, 1)
    return colour.astype(np.float32), smooth.astype(np.float32)


def _reduced(rgb: np.ndarray) -> np.ndarray:
    h, w = rgb.shape[:2]
    scale = min(1.0, WORK_SIDE / max(h, w))
    if scale >= 1.0:
        return rgb
    return cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))),
                      interpolation=cv2.INTER_AREA)


def _connected_to(mask: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """The parts of bool `mask` that touch bool `seeds`."""
    count, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    keep = np.zeros(count, bool)
    keep[np.unique(labels[seeds & mask])] = True
    keep[0] = False
    return keep[labels]


def _fill_small_holes(mask: np.ndarray, largest: int) -> np.ndarray:
    """bool `mask` with its holes of at most `largest` pixels filled (not those at the border:
    those are the ground, not holes)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats((~mask).astype(np.uint8),
                                                               connectivity=4)
    h, w = mask.shape
    out = mask.copy()
    for i in range(1, count):
        x, y, bw, bh, area = stats[i]
        if area <= largest and x > 0 and y > 0 and x + bw < w and y + bh < h:
            out[labels == i] = True
    return out


def sky_seeds(rgb: np.ndarray, opaque: Optional[np.ndarray] = None) -> np.ndarray:
    """bool (H, W): the surely-sky pixels of reduced RGB `rgb` - likely sky connected to the
    top edge - or none where the picture has no sky. `opaque` (uint8 (H, W)): the picture's
    alpha; a transparent pixel is no sky (it is white paper in `rgb`)."""
    h, w = rgb.shape[:2]
    colour, smooth = sky_likelihood(rgb)
    height = np.linspace(1.0, 0.6, h, dtype=np.float32)[:, None]   # skies are up
    likely = colour * smooth * height > 0.35
    if opaque is not None:
        likely &= opaque >= 128
    likely = cv2.morphologyEx(likely.astype(np.uint8), cv2.MORPH_OPEN,
                              np.ones((3, 3), np.uint8)) > 0
    top = np.zeros_like(likely)
    top[:max(1, h // 100)] = True
    seeds = _connected_to(likely, top)
    if seeds[0].mean() < MIN_TOP_SHARE or seeds.mean() < MIN_AREA:
        return np.zeros_like(seeds)
    # A studio backdrop (a portrait's mottled grey "clouds") or a sheet of paper is as
    # smooth to the gradient as an overcast sky, but its lightness wanders at a few pixels'
    # scale (the band between blurs of 1 and 3 px, where a photo's pixel noise is mostly
    # gone): on bench_select_sky.py's photos the median is 0.03-0.08 L* on grey, blue and
    # sunset skies, 0.13 on a cloudy one, 0.16 on a page and 0.19 on the astronaut's
    # backdrop. Grey seeds must be as calm as a grey sky is; coloured ones (cloudy blue
    # skies, noisy small pictures: 0.20 at 4 levels of noise) are allowed more.
    light = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    mottle = np.abs(cv2.GaussianBlur(light[..., 0], (0, 0), 1.0)
                    - cv2.GaussianBlur(light[..., 0], (0, 0), 3.0))
    grey = np.median(np.hypot(light[..., 1], light[..., 2])[seeds]) < GREY_CHROMA
    if np.median(mottle[seeds]) > (MAX_MOTTLE_GREY if grey else MAX_MOTTLE):
        return np.zeros_like(seeds)
    return seeds


def sky_alpha(rgb: np.ndarray, progress: ProgressFn = no_progress,
              matte: bool = True) -> np.ndarray:
    """The sky's soft mask (float32 (H, W) 0..1) of RGB or RGBA uint8 `rgb`; all 0 without a
    sky; never more than the picture's own alpha. `matte`: soften the edge by matting at
    full size (False: the hard outline, scaled up)."""
    opaque = None
    if rgb.shape[2] == 4:
        opaque, rgb = rgb[..., 3], flat_rgb(rgb)
    h, w = rgb.shape[:2]
    small = _reduced(rgb)
    sh, sw = small.shape[:2]
    progress(0, 3)
    seeds = sky_seeds(small, None if opaque is None else _reduced(opaque))
    if not seeds.any():
        progress(3, 3)
        return np.zeros((h, w), np.float32)
    # GrabCut's start: the seeds probably sky (their eroded core surely), what is neither
    # sky-coloured nor smooth surely ground, the rest probably ground.
    colour, smooth = sky_likelihood(small)
    gc = np.full((sh, sw), cv2.GC_PR_BGD, np.uint8)
    gc[seeds] = cv2.GC_PR_FGD
    core = cv2.erode(seeds.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    gc[core] = cv2.GC_FGD
    far = cv2.dilate(seeds.astype(np.uint8), np.ones((15, 15), np.uint8)) == 0
    gc[far & (colour * smooth < 0.1)] = cv2.GC_BGD
    gc[-max(1, sh // 50):][~seeds[-max(1, sh // 50):]] = cv2.GC_BGD
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    try:
        cv2.setRNGSeed(0)
        cv2.grabCut(small[..., ::-1].copy(), gc, None, bgd, fgd, 4, cv2.GC_INIT_WITH_MASK)
        sky = (gc == cv2.GC_FGD) | (gc == cv2.GC_PR_FGD)
    except cv2.error:   # one class empty: the seeds are the answer
        sky = seeds
    progress(1, 3)
    sky = _connected_to(sky, seeds) | core
    sky = _fill_small_holes(sky, max(4, sh * sw // 400))
    mask = cv2.resize(sky.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    mask = (mask >= 0.5).astype(np.uint8) * 255
    if not matte:
        progress(3, 3)
        return _within(mask.astype(np.float32) / 255.0, opaque)
    from .refine_edge import RefineSettings, refine_mask

    # A big picture is matted on a copy of about MATTE_PIXELS and the soft edge enlarged:
    # the band and its solve grow with the edge's length (10 MP: 29 s against 6 s).
    s = min(1.0, (MATTE_PIXELS / (h * w)) ** 0.5)
    image = rgb
    if s < 1.0:
        size = (max(1, round(w * s)), max(1, round(h * s)))
        image = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        mask = (cv2.resize(mask, size, interpolation=cv2.INTER_AREA) >= 128).astype(np.uint8) * 255
    radius = max(2.0, EDGE_RADIUS * max(image.shape[:2]))
    alpha = refine_mask(image, mask, RefineSettings(radius=radius, smart_radius=True),
                        progress=lambda i, n: progress(1 + i, 3))
    if s < 1.0:
        alpha = cv2.resize(alpha, (w, h), interpolation=cv2.INTER_LINEAR)
    return _within(np.clip(alpha, 0.0, 1.0).astype(np.float32), opaque)


def _within(alpha: np.ndarray, opaque: Optional[np.ndarray]) -> np.ndarray:
    return alpha if opaque is None else alpha * (opaque.astype(np.float32) / 255.0)


# -- the command ----------------------------------------------------------------------------
def flat_rgb(picture: np.ndarray) -> np.ndarray:
    """RGB of RGBA uint8 `picture`, transparent pixels as white paper (as Select Subject reads
    them: the checkerboard is not the picture)."""
    a = picture[..., 3:4].astype(np.float32) / 255.0
    return (picture[..., :3] * a + 255.0 * (1.0 - a) + 0.5).astype(np.uint8)


def prepare(doc: Document, layer: Optional[Node] = None) -> SkyInput:
    """The picture Select Sky looks at: `layer`'s pixels, or with None (or a group, an
    adjustment) what the canvas shows. DocumentError when there is nothing to look at."""
    if not isinstance(layer, Layer) or isinstance(layer, AdjustmentLayer):
        layer = None
    if not any(isinstance(n, Layer) and not n.is_empty() for n in doc.layers()):
        raise DocumentError("The document is empty: there is no sky to select.")
    picture = _sampled(doc, layer).copy()
    if not picture[..., 3].any():
        where = f"Layer '{layer.name}' shows nothing on the canvas" if layer is not None \
            else "The canvas shows nothing"
        raise DocumentError(f"{where}: there is no sky to select.")
    source = f"layer '{layer.name}'" if layer is not None else "all layers"
    return SkyInput(picture, source)


def run(prepared: SkyInput, progress: ProgressFn = no_progress) -> np.ndarray:
    """The sky's soft mask over the canvas (uint8, 255 = surely sky). Worker thread."""
    alpha = sky_alpha(prepared.picture, progress)
    return np.round(alpha * 255.0).astype(np.uint8)


def apply(doc: Document, mask: np.ndarray, op: str = "replace") -> None:
    """The sky's mask as the selection (`op`: replace or add), one undo step. An empty mask
    deselects, as Photoshop's Select Sky on a picture without sky."""
    if mask.shape != (doc.height, doc.width):
        raise DocumentError("The canvas changed size while the sky was being found: "
                            "run Select > Sky again.")
    select_mask(doc, mask, op, NAME)
