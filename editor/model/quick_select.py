"""Quick Selection: a brush stroke grows the selection to the region it covers, out to the
picture's edges (Photoshop's Quick Selection Tool, W).

The stroke is a correction stroke of the selection, as the user's strokes on a
proposed object are in Decompose (`engine.methods.decompose_steps.strokes.
correct_mask`, GrabCut with the strokes as hard constraints): painted pixels are
surely selected (Alt: surely not), the current selection is probably selected,
everything else probably not; GrabCut learns both colour models from that and cuts
along the strongest edges between them. The same function serves both, with a
wider reach here: a quick-selection stroke is meant to bring along everything like
it up to the object's edges, not to mend a fringe.

To answer within a few tenths of a second on a large photo, GrabCut sees only a
window around the stroke (a few brush widths beyond it, `WINDOW_BRUSHES`, or the
stroke's own extent) reduced to at most `MAX_SIDE` pixels. The window's edge keeps
the selection as it is (it is painted there the other way), so the cut closes along
the picture's edges inside the window where it can; where it cannot (a region of
one colour larger than the window: a stroke on a cup's white rim), the cut would
stop in a straight line at the window's edge, so the window grows once and GrabCut
cuts again. The cut is brought back to full resolution by guided-filter upsampling
(the reduced mask fitted as a local linear function of the colours,
`matting.guided_coefficients`, applied to the full-resolution colours), so its edge
follows the picture's edges at full resolution, softly over about a pixel. Outside
the window the selection does not change; a stroke only adds (or, Alt, only takes
away). On a 2000x1500 photo a stroke takes 0.1-0.2 s from release to selection on
the 2-core machine (bench/bench_quick_select.py), on a 4000x3000 one 0.35-0.55 s, so
the tool solves a stroke as a job: `solve` on the worker (`progress` between its
passes), `land` on the GUI thread, one undo step; `select_stroke` does both. No Qt here.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from engine.box import Box, mask_bounds
from engine.progress import ProgressFn, no_progress

from .document import Document
from .layers import Node
from .selection_ops import _sampled, current_mask, select_mask

MAX_SIDE = 200          # the reduced window's longer side GrabCut works on (speed, see above)
WINDOW_BRUSHES = 3.0    # the window reaches this many brush diameters beyond the stroke...
WINDOW_SHARE = 1.0      # ...or this share of the stroke's own extent, if more
ITERATIONS = 3          # GrabCut's
LIGHTNESS = 1.0         # full lightness: what looks lighter is told apart, as the user sees it
GROWTHS = 1             # how many times the window may grow (see `quick_select`)
REACH = 0.6             # how far the cut may change the selection, as a share of the window
# The full-resolution edge: the guided filter's window radius (reduced pixels) and its
# regulariser (colours 0..1); a small one follows colour edges closely.
GUIDE_RADIUS = 1
GUIDE_EPS = 1e-3


def stroke_mask(height: int, width: int, points: Sequence[tuple[float, float]],
                size: float) -> np.ndarray:
    """The pixels a round brush of diameter `size` covers along `points` (canvas
    coordinates), as a (height, width) bool mask."""
    import cv2

    out = np.zeros((height, width), np.uint8)
    # cv2 draws on a grid 8 times finer (shift 3), so that a small brush keeps its size.
    pts = [(int(round(x * 8 - 4)), int(round(y * 8 - 4))) for x, y in points]
    r = max(1, int(round(size * 4)))  # radius, in eighths of a pixel
    for p in pts:
        cv2.circle(out, p, r, 1, -1, cv2.LINE_8, 3)
    for a, b in zip(pts, pts[1:]):
        cv2.line(out, a, b, 1, max(1, int(round(size))), cv2.LINE_8, 3)
    return out > 0


def stroke_window(stroke: np.ndarray, size: float) -> Box:
    """Where a stroke may change the selection: around the stroke, `WINDOW_BRUSHES`
    diameters or `WINDOW_SHARE` of its extent, whichever is more."""
    h, w = stroke.shape
    bounds = mask_bounds(stroke)
    grow = int(max(WINDOW_BRUSHES * size, WINDOW_SHARE * max(bounds.w, bounds.h)))
    return bounds.expand(grow).clip(w, h)


SOLVE_STEPS = GROWTHS + 3  # `solve`'s progress: the stroke, each cut, the edge, the mask


def quick_select(picture: np.ndarray, old: Optional[np.ndarray], stroke: np.ndarray,
                 size: float, subtract: bool = False,
                 progress: ProgressFn = no_progress) -> np.ndarray:
    """The selection (uint8, 255 = selected) after one Quick Selection stroke.

    `picture` is the sampled RGBA (or RGB) uint8 picture; `old` the current selection
    (uint8, None: nothing selected); `stroke` (bool) the painted pixels, `size` the
    brush's diameter; `subtract`: the stroke takes away (Alt) instead of adding.
    `progress` after each cut and the upsampling (steps 2.. of `SOLVE_STEPS`).
    """
    import cv2

    from engine.methods.decompose_steps.matting import guided_coefficients
    from engine.methods.decompose_steps.strokes import correct_mask

    h, w = stroke.shape
    old = np.zeros((h, w), np.uint8) if old is None else old
    if not stroke.any():
        return old.copy()
    win = stroke_window(stroke, size)
    for attempt in range(GROWTHS + 1):
        ws = win.slices()
        scale = min(1.0, MAX_SIDE / max(win.w, win.h))
        small_size = (max(1, round(win.w * scale)), max(1, round(win.h * scale)))

        def reduce(a: np.ndarray, interpolation=cv2.INTER_AREA) -> np.ndarray:
            return cv2.resize(a, small_size, interpolation=interpolation)

        rgb = np.ascontiguousarray(picture[ws][..., :3])
        valid = picture[ws][..., 3] > 0 if picture.shape[2] == 4 \
            else np.ones(rgb.shape[:2], bool)
        small_rgb = reduce(rgb)
        small_old = reduce(old[ws]) > 127
        # A stroke thinner than a reduced pixel still marks the pixels it crosses.
        small_stroke = reduce(stroke[ws].astype(np.uint8) * 255) > 63
        small_valid = reduce(valid.astype(np.uint8), cv2.INTER_NEAREST) > 0
        # The window's edge (inside the picture) keeps the selection as it is: painted
        # there the other way, so that the cut closes along the picture's edges inside
        # the window where it can.
        ring = _window_ring(win, w, h, small_stroke.shape)
        if subtract:
            paint = {"remove": small_stroke, "add": ring & small_old & ~small_stroke}
        else:
            paint = {"add": small_stroke, "remove": ring & ~small_old & ~small_stroke}
        # margin 1.0: GrabCut's crop is the whole window (already reduced to MAX_SIDE).
        cut = correct_mask(small_rgb, small_old, valid=small_valid, max_side=MAX_SIDE,
                           lightness_weight=LIGHTNESS, iterations=ITERATIONS, margin=1.0,
                           reach=REACH, **paint)
        # A region of one colour larger than the window is cut off straight at the
        # window's edge: then the window grows (up to GROWTHS times) and GrabCut cuts again.
        progress(2 + attempt, SOLVE_STEPS)
        edge = cv2.dilate(ring.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        if attempt == GROWTHS or not (edge & (cut != small_old)).any():
            break
        win = win.expand(max(win.w, win.h) // 2).clip(w, h)
    soft = _upsampled(cut, small_rgb, rgb, guided_coefficients)
    progress(SOLVE_STEPS - 1, SOLVE_STEPS)
    # Where the cut did not move, the selection stays exactly as it was (soft edges too).
    changed = cv2.dilate((cut != small_old).astype(np.uint8), np.ones((3, 3), np.uint8))
    changed = cv2.resize(changed, (win.w, win.h), interpolation=cv2.INTER_NEAREST)
    new = np.where(changed > 0, soft, old[ws])
    # What was painted over is surely in (out); a layer's transparent pixels never come in.
    new[stroke[ws] & (valid | subtract)] = 0 if subtract else 255
    if not subtract:
        new[~valid] = np.minimum(new[~valid], old[ws][~valid])
    out = old.copy()
    out[ws] = np.minimum(old[ws], new) if subtract else np.maximum(old[ws], new)
    return out


def _window_ring(win: Box, width: int, height: int, shape: tuple[int, int]) -> np.ndarray:
    """The reduced window's outermost pixels, where the window lies inside the picture
    (True), not along the picture's own border."""
    ring = np.zeros(shape, bool)
    if win.y > 0:
        ring[0, :] = True
    if win.y1 < height:
        ring[-1, :] = True
    if win.x > 0:
        ring[:, 0] = True
    if win.x1 < width:
        ring[:, -1] = True
    return ring


def _upsampled(cut: np.ndarray, small_rgb: np.ndarray, rgb: np.ndarray,
               guided_coefficients) -> np.ndarray:
    """The reduced cut at the full window's size (uint8), its edge put back on the
    full-resolution colours by guided-filter upsampling (see the module's docstring)."""
    import cv2

    h, w = rgb.shape[:2]
    if cut.shape == (h, w):
        return cut.astype(np.uint8) * 255
    # Away from the cut's edge, the cut itself; the filter only in the band along it
    # (worked out there alone: the band is a small part of a large window).
    near = cv2.resize(cut.astype(np.uint8) * 255, (w, h), interpolation=cv2.INTER_LINEAR)
    out = np.where(near > 127, 255, 0).astype(np.uint8)
    ys, xs = np.nonzero((near > 5) & (near < 250))
    if ys.size == 0:
        return out
    a, b = guided_coefficients(small_rgb.astype(np.float32) / 255.0, cut.astype(np.float32),
                               GUIDE_RADIUS, GUIDE_EPS)
    # The band's positions in the reduced window, as cv2.resize maps pixel centres.
    # (cv2.remap takes maps of under 32767 columns: the band's pixels in rows of 4096.)
    sh, sw = cut.shape
    n = ys.size
    rows = -(-n // 4096)

    def as_map(v: np.ndarray) -> np.ndarray:
        m = np.zeros(rows * 4096, np.float32)
        m[:n] = v
        return m.reshape(rows, 4096)

    map_x = as_map((xs + 0.5) * (sw / w) - 0.5)
    map_y = as_map((ys + 0.5) * (sh / h) - 0.5)
    a_at = cv2.remap(a, map_x, map_y, cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE).reshape(-1, 3)[:n]
    b_at = cv2.remap(b, map_x, map_y, cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE).reshape(-1)[:n]
    alpha = (a_at * (rgb[ys, xs].astype(np.float32) / 255.0)).sum(axis=1) + b_at
    out[ys, xs] = np.rint(np.clip(alpha, 0.0, 1.0) * 255).astype(np.uint8)
    return out


def sampled_picture(doc: Document, layer: Optional[Node]) -> np.ndarray:
    """What a stroke looks at: `layer`'s pixels, or (None: Sample All Layers) what the
    canvas shows; the Magic Wand's picture."""
    return _sampled(doc, layer)


def solve(picture: np.ndarray, old: Optional[np.ndarray], points: Sequence[tuple[float, float]],
          size: float, op: str = "add", progress: ProgressFn = no_progress
          ) -> Optional[np.ndarray]:
    """The whole selection after a stroke through `points` (canvas coordinates) with a
    brush of diameter `size` on `picture` (canvas-sized), `old` the selection before
    (None: nothing selected; not read for "replace"); None when the stroke changes nothing
    (it covers no pixel, or takes from nothing). Engine work: runs on a worker thread."""
    h, w = picture.shape[:2]
    stroke = stroke_mask(h, w, points, size)
    if not stroke.any() or (op == "subtract" and old is None):
        return None
    progress(1, SOLVE_STEPS)
    new = quick_select(picture, None if op == "replace" else old, stroke, size,
                       subtract=op == "subtract", progress=progress)
    progress(SOLVE_STEPS, SOLVE_STEPS)
    return new


def land(doc: Document, new: np.ndarray) -> None:
    """A solved stroke's selection on the document: one undo step, "Quick Selection"."""
    select_mask(doc, new, "replace", "Quick Selection")


def select_stroke(doc: Document, picture: np.ndarray, points: Sequence[tuple[float, float]],
                  size: float, op: str = "add") -> None:
    """One Quick Selection stroke through `points` (canvas coordinates) with a brush of
    diameter `size`: "replace" starts a new selection, "add" grows the current one,
    "subtract" takes from it. One undo step, "Quick Selection" (headless use: the tool
    runs `solve` as a job and `land`s its result)."""
    new = solve(picture, current_mask(doc), points, size, op)
    if new is not None:
        land(doc, new)
