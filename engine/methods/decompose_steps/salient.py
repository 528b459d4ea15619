"""The salient objects of a picture, found with nothing marked.

Three commands need "the main object" of a picture that the user has not
marked: New Layered Image from Prompt (`engine.methods.layered`, the object
to split off the generated picture), Layer > Decompose / Decompose into
Layers with no box or paint (`editor.model.decompose_apply.found_objects`)
and Select > Subject (`editor.model.select_subject`). They all take it from
here, so that the three agree on what the subject is.

The search is GrabCut on the picture reduced to FIND_SIDE, started from a
rectangle inset from the border (the border's colours are the background's),
with cast shadows dropped (`cast_shadow`), checked against a saliency map
(`saliency.saliency_map`, see `_foreground`): where that rectangle's GrabCut took mostly
background, flat and not salient (a rectangle of evening sky between two launch towers,
which reach the border and so are background to GrabCut's border model, but leave the sky
between them inside the rectangle), GrabCut runs again seeded with the salient pixels.
Where the guess runs into the inset margin and the margin there has its colours, the
object runs off the picture on that side (a sitter's body off the bottom edge), and the
box goes to that edge (`_cut_sides`).
It returns boxes, grown a little: each caller segments the object again at full
resolution inside its box (the decomposition's segmenter: GrabCut, or SAM when installed).
"""
from __future__ import annotations

import cv2
import numpy as np

from engine.box import Box
from engine.errors import InvalidInput

from .fill import pyramid_fill
from .saliency import saliency_map
from .segment import clean_mask, mask_bounds

# The main object is looked for inside this rectangle (the picture less a border of this
# share of each side); generated pictures usually put the subject well inside the frame.
INSET = 0.08
FIND_SIDE = 320   # the search runs on the picture reduced to this side
MIN_OBJECT, MAX_OBJECT = 0.01, 0.85  # share of the picture the found object may cover
# GrabCut's guess is checked against the saliency map (`_foreground`). It is replaced when
# less than SALIENT_SHARE of it is salient (SALIENT_CHECK and more; the map runs 0..1) and
# at least FLAT_SHARE of it is flat, sky-like (Lab gradient, Sobel, under FLAT_GRADIENT).
# The replacement is seeded with the pixels of saliency SALIENT_CORE and more. On
# bench/bench_select_subject.py the guesses kept were 0.93-0.99 salient, or flat at most
# 0.05 (chelsea, 0.30 salient: her face, which the map finds less salient than her eyes);
# those replaced 0.04 and 0.27 salient, 0.82 and 0.52 flat (a rectangle of evening sky).
SALIENT_CHECK, SALIENT_SHARE, SALIENT_CORE = 0.3, 0.75, 0.5
FLAT_GRADIENT, FLAT_SHARE = 16.0, 0.25
# A guess that reaches the inset rectangle's side (within EDGE_DEPTH of the picture's side)
# along RUN_OFF of its own width (or height), with the margin beside it of its colours
# (overlap above RUN_OFF_COLOURS), runs off the picture there (`_cut_sides`).
EDGE_DEPTH, RUN_OFF, RUN_OFF_COLOURS = 0.04, 0.3, 0.65
SHADOW_DEPTH, SHADOW_LIGHT, SHADOW_RIM, SHADOW_EVENNESS = 0.25, 0.85, 0.98, 0.2  # cast_shadow


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
    found, scale, small = _foreground(picture)
    found = clean_mask(found, keep=0.15)  # the main part and others of a similar size
    share = float(found.mean())
    if not MIN_OBJECT <= share <= MAX_OBJECT:
        raise InvalidInput("No single main object could be told apart in the picture.",
                           "Mark the object with a box (--box X,Y,W,H on the command line; "
                           "the marquee and Layer > Decompose in the editor).")
    return _grown_box(mask_bounds(found), found.shape, scale, picture.shape,
                      _cut_sides(small, found))


def find_objects(picture: np.ndarray, count: int) -> list[Box]:
    """Boxes of up to `count` salient objects, largest first (InvalidInput when there is none).

    The same cut as `find_main_object`; each separate part of at least
    `MIN_OBJECT` of the picture (small specks are not objects) is one object.
    """
    found, scale, _ = _foreground(picture)
    found = clean_mask(found, keep=0.05)
    n, parts, stats, _ = cv2.connectedComponentsWithStats(found.astype(np.uint8), connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    order = [i + 1 for i in np.argsort(areas)[::-1] if areas[i] >= MIN_OBJECT * found.size]
    if not order or float(found.mean()) > MAX_OBJECT:
        raise InvalidInput("No object could be told apart in the picture.",
                           "Mark the objects with boxes.")
    return [_grown_box(mask_bounds(parts == i), found.shape, scale, picture.shape)
            for i in order[:max(1, count)]]


def _cut_sides(small: np.ndarray, found: np.ndarray) -> set:
    """The sides ("left", "top", "right", "bottom") where the object runs off the picture:
    `found` reaches into the INSET margin (within EDGE_DEPTH of the inset rectangle's side)
    along at least RUN_OFF of its own extent on that side, and the margin there, beside
    it, has its colours (Lab histograms, 8 bins an axis, intersecting by more than
    RUN_OFF_COLOURS). Its box then goes to that edge.

    GrabCut's inset rectangle stops any guess INSET short of each side, and the box grown
    by 4 % of the long side left the astronaut's suit a strip short of the bottom edge
    (12 % of her truth). Reaching the margin alone is not enough: a box taken to an edge
    leaves the mask's GrabCut no background on that side to learn, and the astronaut's
    box taken to the left edge (her hair and arm reach the top and left margins, beside
    the flag and the wall) took the flag, the coffee cup's to the top and bottom the
    wooden table. Only the astronaut's bottom (0.73) passes the colour test on
    bench_select_subject.py (the others 0.0-0.60, the coffee cup's 0.54 and 0.56).
    Select Subject on the astronaut went from IoU 0.594 to 0.639 at 1200 pixels a side
    (0.59 to 0.63 at 800 and 1000), but the mask's GrabCut is bistable: at 512 the box to
    the bottom edge flipped its cuts to leave her hair out (0.59 to 0.55), at 640 and
    1400 the IoU did not move."""
    sh, sw = found.shape
    rows, cols = np.flatnonzero(found.any(1)), np.flatnonzero(found.any(0))
    if not rows.size:
        return set()
    ty, tx = round(INSET * sh), round(INSET * sw)
    dy, dx = max(2, round(EDGE_DEPTH * sh)), max(2, round(EDGE_DEPTH * sw))
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    # (share of the guess's extent reaching the margin, the margin beside the guess)
    sides = {"top": (found[ty:ty + dy].any(0).sum() / (x1 - x0), (slice(0, ty), slice(x0, x1))),
             "bottom": (found[sh - ty - dy:sh - ty].any(0).sum() / (x1 - x0),
                        (slice(sh - ty, sh), slice(x0, x1))),
             "left": (found[:, tx:tx + dx].any(1).sum() / (y1 - y0), (slice(y0, y1), slice(0, tx))),
             "right": (found[:, sw - tx - dx:sw - tx].any(1).sum() / (y1 - y0),
                       (slice(y0, y1), slice(sw - tx, sw)))}
    lab = cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2LAB)

    def histogram(pixels: np.ndarray) -> np.ndarray:
        h = cv2.calcHist([np.ascontiguousarray(pixels.reshape(-1, 1, 3))], [0, 1, 2], None,
                         [8] * 3, [0, 256] * 3).ravel()
        return h / max(h.sum(), 1)

    inside = histogram(lab[found])
    return {name for name, (share, band) in sides.items() if share >= RUN_OFF
            and np.minimum(histogram(lab[band]), inside).sum() > RUN_OFF_COLOURS}


def _grown_box(box: Box, small_shape, scale: float, shape, sides: set = frozenset()) -> Box:
    sh, sw = small_shape
    h, w = shape[:2]
    grow = max(2, round(0.04 * max(sw, sh)))
    box = box.expand(grow).clip(sw, sh)
    x0, y0, x1, y1 = box.x, box.y, box.x1, box.y1
    box = Box.from_corners(0 if "left" in sides else x0, 0 if "top" in sides else y0,
                           sw if "right" in sides else x1, sh if "bottom" in sides else y1)
    return Box.from_corners(int(box.x / scale), int(box.y / scale),
                            min(w, int(np.ceil(box.x1 / scale))),
                            min(h, int(np.ceil(box.y1 / scale))))


def _foreground(picture: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    """The main object's guess on the picture reduced to FIND_SIDE, the scale and the
    reduced picture.

    First GrabCut from the inset rectangle (`_cut`). The saliency map
    (`saliency.saliency_map`: boundary connectivity and background-weighted contrast)
    then checks it: when less than SALIENT_SHARE of the guess is salient (at least
    SALIENT_CHECK) and at least FLAT_SHARE of it is flat, GrabCut took background (a
    rectangle of evening sky between launch towers), and GrabCut runs again seeded with the
    salient pixels (SALIENT_CORE), its parts that hold salient pixels kept; when that cut
    too is mostly not salient, the salient pixels themselves are the guess. A picture where nothing
    stands out keeps GrabCut's guess, and so does a textured guess the map finds little
    salient: the map rates a cat's eyes far above the fur of her face, and replaced, the
    face the guess held shrank to the eyes and nose.
    """
    h, w = picture.shape[:2]
    scale = min(1.0, FIND_SIDE / max(h, w))
    size = (max(8, round(w * scale)), max(8, round(h * scale)))
    small = cv2.resize(np.ascontiguousarray(picture[..., :3]), size, interpolation=cv2.INTER_AREA)
    sw, sh = size
    labels = np.full((sh, sw), cv2.GC_BGD, np.uint8)
    labels[round(INSET * sh):sh - round(INSET * sh), round(INSET * sw):sw - round(INSET * sw)] = \
        cv2.GC_PR_FGD
    guess = _cut(small, labels)
    salient = saliency_map(small)
    checked, core = salient >= SALIENT_CHECK, salient >= SALIENT_CORE
    if not core.any() or _salient_share(guess, checked) >= SALIENT_SHARE \
            or _flat_share(small, guess) < FLAT_SHARE:
        return guess, scale, small
    labels = np.where(core, cv2.GC_PR_FGD, cv2.GC_PR_BGD).astype(np.uint8)
    cut = _cut(small, labels)
    _, parts = cv2.connectedComponents(cut.astype(np.uint8), connectivity=8)
    held = np.unique(parts[cut & core])
    seeded = np.isin(parts, held[held > 0])
    if seeded.any() and _salient_share(seeded, checked) >= SALIENT_SHARE:
        return seeded, scale, small
    return core, scale, small


def _salient_share(found: np.ndarray, core: np.ndarray) -> float:
    """The share of `found`'s main parts (as `find_main_object` keeps them) that is salient."""
    main = clean_mask(found, keep=0.15)
    return float((main & core).sum() / max(1, main.sum()))


def _flat_share(small: np.ndarray, found: np.ndarray) -> float:
    """The share of `found`'s main parts that is flat: clear sky, a plain wall."""
    main = clean_mask(found, keep=0.15)
    if not main.any():
        return 0.0
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32)
    gradient = cv2.Sobel(lab, cv2.CV_32F, 1, 0) ** 2 + cv2.Sobel(lab, cv2.CV_32F, 0, 1) ** 2
    return float((np.sqrt(gradient.sum(axis=2)) < FLAT_GRADIENT)[main].mean())


def _cut(small: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """GrabCut's foreground from `labels` (GrabCut's classes), cast shadows dropped."""
    labels = labels.copy()
    bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))
    cv2.setRNGSeed(0)
    try:
        cv2.grabCut(np.ascontiguousarray(small[..., ::-1]), labels, None, bgd, fgd, 5,
                    cv2.GC_INIT_WITH_MASK)
    except cv2.error:
        labels[:] = cv2.GC_BGD
    found = (labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)
    if found.any() and (~found).any():
        found &= ~cast_shadow(small, found)
        # Threads a pixel or two wide (what is left of a shadow's outline) do not join parts.
        found = cv2.morphologyEx(found.astype(np.uint8), cv2.MORPH_OPEN,
                                 np.ones((3, 3), np.uint8)) > 0
    return found


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
