"""Content-aware fill: multi-scale PatchMatch image completion (Barnes et al. 2009; Wexler et al. 2007).

Every patch (7x7) that touches the hole should look like some patch of the
known picture, and every hole pixel should agree with all the patches over
it. Wexler et al. reach that by alternating two steps, coarse to fine:

- **search**: for every patch touching the hole, the most similar patch
  lying wholly in the known region (the nearest-neighbour field, NNF),
  found by PatchMatch (Barnes et al.): random guesses, good matches handed
  on to the next pixel (propagation: neighbours' matches are shifted by one)
  and random tries at halving distances around the best match so far,
  comparing colours under a slight blur (`_search_image`: against a voted,
  smoother hole an exact comparison favours flat sources);
- **priors** on the search (`_priors`): a source far from its target, and one
  that many targets already copy, cost extra, so the fill takes the texture of
  its own surroundings rather than the smoothest patches of the crop. The
  reuse cost (a patch-usage penalty, Kaspar et al. 2015) is weighed by how
  many targets there are per source: where the hole outnumbers the picture
  left to copy from, sources must be shared, and a cost that still pushes
  targets apart pushes them onto the few distinctive things left (a shuttle
  model copied in a stack down the hole left by the astronaut beside it);
- **vote**: each hole pixel becomes the weighted mean of what the matched
  patches over it say it is; a good match (small distance) weighs more,
  and so does a patch near the hole's rim, where the picture is known
  (Wexler's confidence 1.3^-distance). On all levels but the finest the
  vote is the mode of what the patches say rather than their mean (a
  mean-shift step from the heaviest vote): the mean of disagreeing
  patches is a smear, and a smear found coarse is matched by smooth
  patches all the way up; the finest level takes each pixel from its own
  best match.

The copied pixels come from different places, lit differently; `blend_seams`
takes the steps of brightness out of the seams between them and at the hole's
rim in the gradient domain, keeping the copied grain pixel for pixel.

On the coarsest level the hole is a few pixels wide and starts from a
push-pull fill (`fill.pyramid_fill`); each finer level starts from the
coarser level's NNF, doubled, voted with the finer picture's own pixels,
so the structure found coarse (an edge, the rows of a roof) comes through
at full resolution with full-resolution texture, copied rather than blurred.

The work happens on a crop around the hole (the hole's box grown by about
its size): patches come from the surroundings, the way Photoshop's fill
samples around the selection. The loops are compiled by numba (cache=True:
the first use on a computer compiles them once, about 10-20 s; later
processes load them from numba's cache). The random numbers are a hash of
(seed, pixel, pass), so a seed gives the same fill every time. `progress`
is called after every search-and-vote pass and may raise to cancel.

Two options serve Edit > Content-Aware Fill…'s workspace: `sampling` (bool) restricts
where source patches may come from (its Sampling Area; the crop then reaches over it too;
the known picture outside it still shapes the targets, it is only never copied), and
`color_adaptation` sets how far `blend_seams` may shift the copy's colours to fit the
hole's surroundings ("none": the copy as found; "default": SEAM_REACH; "high",
"very high": reaches two and four times wider; from "high" on each copied patch's contrast
and brightness are also fitted, `COLOR_FIT`). Photoshop's other Fill Settings are
`rotation` (Rotation Adaptation: "none", "low", "medium", "high", "full"), `scale` and
`mirror`: source patches may be copied turned, scaled or flipped left to right, the search
running over those transforms too (`patch_transforms`). Not given, the fill is the same
as before, bit for bit (the kernels take the translation-only path).
"""
from __future__ import annotations

from typing import Optional

import cv2
import numpy as np
from numba import njit, prange

from ...progress import ProgressFn, no_progress
from .fill import pyramid_fill
from .matting import _numba_without_openmp
from .patch_transforms import color_fit, color_stats, transform_table

PATCH = 7                 # patch side (odd)
CONFIDENCE_BASE = 1.3     # Wexler's gamma: trust decays by this per pixel into the hole
FINAL = "best"
BLEND = True              # the copied fill made seamless in the gradient domain (blend_seams)
SEAM_REACH = 16.0         # pixels over which blend_seams spreads a step
SEAM_SWEEPS = 60          # its relaxation sweeps
SEAM_LEVEL_SIGMA = 2.0    # blur (pixels) that tells a source's brightness from its grain
MODE_FROM_LEVEL = 1       # levels this coarse and coarser vote by the mode, finer ones by the mean
MODE_RADIUS = 0.2         # votes this close (RGB, 0..1) to the best one make the mode
TEXTURE_WEIGHT = 6.0      # the texture feature against the colours in the patch distance
LOCALITY = 0.5            # a source as far from its target as the hole is wide costs this x patch area
REUSE = 0.001             # each other patch copying the same source costs this x patch area
SHARE_POWER = 2.0         # ... divided by (targets per source)^this where there are more targets
PRIORS_FROM = 2           # both on this level and coarser ones only (see _priors)
TRANSFORM_SEARCH = 3      # search-and-vote passes x this where patches may be transformed
COARSE_HOLE = 3.0         # coarsest level: the hole is at most this many pixels thick
SEARCH_BLUR = 0.5         # sigma (pixels) of the blur the search compares colours under (_search_image)
# Color Adaptation (Photoshop's names) -> how far blend_seams spreads a step (0: no blend).
COLOR_ADAPTATION = {"none": 0.0, "default": SEAM_REACH, "high": 2 * SEAM_REACH,
                    "very high": 4 * SEAM_REACH}
# ... and the range of each patch's fitted contrast and brightness (lowest gain, highest
# gain, largest |bias|; `patch_transforms.color_fit`), None: copied as found.
COLOR_FIT = {"none": None, "default": None, "high": (0.75, 1.0 / 0.75, 0.15),
             "very high": (0.5, 2.0, 0.3)}


def content_aware_fill(image: np.ndarray, hole: np.ndarray, known: Optional[np.ndarray] = None, *,
                       seed: int = 0, progress: ProgressFn = no_progress,
                       patch: int = PATCH, sampling: Optional[np.ndarray] = None,
                       color_adaptation: str = "default", rotation: str = "none",
                       scale: bool = False, mirror: bool = False) -> np.ndarray:
    """Fills `hole` (H, W bool) of float RGB `image` (H, W, 3; 0..1) from the `known` pixels.

    `known` (bool) marks pixels patches may be copied from (default: all outside
    the hole); pixels neither known nor in the hole are kept but never copied.
    `sampling` (bool, optional) further limits the sources to patches lying wholly in
    it (the workspace's Sampling Area); `color_adaptation` is one of COLOR_ADAPTATION;
    `rotation` (one of ROTATION_ADAPTATION), `scale` and `mirror` let source patches be
    copied rotated, scaled or flipped left to right (`patch_transforms`).
    Returns a float32 image equal to `image` outside the hole.
    """
    if color_adaptation not in COLOR_ADAPTATION:
        raise ValueError(f"Color Adaptation is one of {', '.join(COLOR_ADAPTATION)}")
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError("content_aware_fill takes an (H, W, 3) image")
    offs, rad = transform_table(patch // 2, rotation, scale, mirror)
    fit = COLOR_FIT[color_adaptation]
    _numba_without_openmp()
    image = np.ascontiguousarray(image, np.float32)
    hole = np.asarray(hole, bool)
    known = ~hole if known is None else (np.asarray(known, bool) & ~hole)
    out = image.copy()
    if not hole.any():
        progress(1, 1)
        return out
    if not known.any():
        raise ValueError("content_aware_fill needs at least one known pixel")
    r = patch // 2
    cy0, cy1, cx0, cx1 = fill_crop(hole, patch)
    if sampling is not None:
        sampling = np.asarray(sampling, bool) & known
        if not sampling.any():
            raise ValueError("The sampling area holds no picture to copy from")
        # The crop reaches over the whole sampling area, wherever it is.
        sy, sx = np.nonzero(sampling)
        cy0, cy1 = min(cy0, sy.min()), max(cy1, sy.max() + 1)
        cx0, cx1 = min(cx0, sx.min()), max(cx1, sx.max() + 1)
    crop = (slice(cy0, cy1), slice(cx0, cx1))
    with_texture = np.dstack([image[crop], texture_feature(image[crop], known[crop], r)])
    filled = _complete(with_texture, hole[crop], known[crop], seed, progress, r,
                       None if sampling is None else sampling[crop],
                       COLOR_ADAPTATION[color_adaptation], offs, rad,
                       None if fit is None else np.asarray(fit, np.float64))[..., :3]
    out[crop] = np.where(hole[crop][..., None], filled, image[crop])
    return out


def fill_crop(hole: np.ndarray, patch: int = PATCH) -> tuple[int, int, int, int]:
    """(y0, y1, x0, x1) of the crop the fill samples by default: the hole's box grown by
    its size (at least a few patches); the workspace shows it as its Rectangular area."""
    h, w = hole.shape
    ys, xs = np.nonzero(hole)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    margin = max(8 * patch, int(max(y1 - y0, x1 - x0)))
    return max(0, y0 - margin), min(h, y1 + margin), max(0, x0 - margin), min(w, x1 + margin)


def warm_up() -> None:
    """Loads the fill's compiled kernels (numba: from their disk cache, or compiled on a
    fresh install) by filling a small hole in noise. Their first use otherwise costs the
    first Content-Aware fill or Spot Healing stroke about 1 s from the cache and 10-17 s
    when they must be compiled; the editor runs this on a worker thread once its window
    shows."""
    image = np.random.default_rng(0).random((64, 64, 3), dtype=np.float32)
    hole = np.zeros((64, 64), bool)
    hole[24:36, 26:38] = True
    content_aware_fill(image, hole)
    # The Fill Settings' kernels too (the colour fit's; the others take the same types).
    content_aware_fill(image, hole, color_adaptation="high", rotation="low", mirror=True)


def texture_feature(image: np.ndarray, known: np.ndarray, r: int) -> np.ndarray:
    """How textured the picture is around each pixel: the mean gradient magnitude over a
    patch, weighted by TEXTURE_WEIGHT (Newson et al. 2014; the search compares colours
    under a slight blur, `_search_image`, so this is what tells grain from plain).

    Matched and voted like a colour channel, it keeps a fill from settling on the
    smoothest patches of a textured ground: a smooth first guess is most like smooth
    patches, and copying them keeps it smooth. Computed at full resolution and
    averaged down the pyramid, it tells the coarse levels about the fine grain.
    """
    grey = image @ np.float32([0.299, 0.587, 0.114])
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3) / 8
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3) / 8
    # Only known pixels count: the hole's content must not leak into the feature.
    k = known.astype(np.float32)
    size = (2 * r + 1, 2 * r + 1)
    mag = cv2.blur(np.sqrt(gx * gx + gy * gy) * k, size) / np.maximum(cv2.blur(k, size), 1e-6)
    return (TEXTURE_WEIGHT * mag).astype(np.float32)


def _complete(image, hole, known, seed, progress, r, sampling=None, seam_reach=SEAM_REACH,
              offs=None, rad=None, limits=None):
    if offs is None:
        offs, rad = transform_table(r)
    no_fit = np.zeros((0, 0, 6), np.float32)
    fitted = limits is not None
    limits = np.asarray(limits if fitted else (1.0, 1.0, 0.0), np.float64)
    # The pyramid: halve until the hole is a few pixels thick (or the crop too small).
    thickness = float(cv2.distanceTransform(hole.astype(np.uint8), cv2.DIST_L2, 3).max())
    levels = [(image, hole, known)]
    samplings = [sampling]
    while thickness / 2 ** (len(levels) - 1) > COARSE_HOLE and min(levels[-1][1].shape) >= 8 * (2 * r + 1):
        levels.append(_half(*levels[-1]))
        samplings.append(None if sampling is None else _half_mask(samplings[-1]))
    passes = [_passes(i, len(levels)) for i in range(len(levels))]
    if len(rad) > 1:
        # Transformed copies: a texture turned or flipped shows only at the finer levels
        # (stripes a few pixels apart are a flat grey a few levels down), so the interior
        # first gets untransformed copies, consistent among themselves; each pass of
        # search and vote carries the right transform about a patch further in from the
        # rim. More passes let it reach the middle.
        passes = [(e * TRANSFORM_SEARCH, n) for e, n in passes]
    total, done = sum(e for e, _ in passes), 0

    img = nny = nnx = nnt = None
    for i in reversed(range(len(levels))):
        lv_img, lv_hole, lv_known = levels[i]
        room = _room(lv_known if samplings[i] is None else lv_known & samplings[i], r, rad)
        source_ok = room >= r
        # Color Adaptation's gain and bias: the known picture's local brightness and contrast.
        adapt = color_stats(lv_img, lv_known, r) if fitted else no_fit
        if not source_ok.any():
            # Too little known picture for whole patches at this level: keep the smooth fill.
            img = pyramid_fill(lv_img, lv_known.astype(np.float32))
            nny = None
            done += passes[i][0]
            continue
        targets = _targets(lv_hole, r)
        ty, tx = np.nonzero(targets)
        ty, tx = ty.astype(np.int32), tx.astype(np.int32)
        conf = _confidence(lv_hole)
        cand_y, cand_x = np.nonzero(source_ok)
        cand_y, cand_x = cand_y.astype(np.int32), cand_x.astype(np.int32)
        near, reuse = _priors(lv_hole, r, i, len(ty) / len(cand_y))
        if img is None or nny is None:
            img = np.where(lv_hole[..., None], pyramid_fill(lv_img, lv_known.astype(np.float32)),
                           lv_img).astype(np.float32)
            nny = np.zeros(lv_hole.shape, np.int32)
            nnx = np.zeros(lv_hole.shape, np.int32)
            nnt = np.zeros(lv_hole.shape, np.int32)
            _random_init(ty, tx, cand_y, cand_x, nny, nnx, nnt, room, rad, np.uint64(seed * 7919 + i))
        else:
            nny, nnx, nnt = _upsample_nnf(nny, nnx, nnt, offs, r, lv_hole.shape)
            _repair(ty, tx, room, rad, cand_y, cand_x, nny, nnx, nnt, np.uint64(seed * 7919 + i))
            up = cv2.resize(img, (lv_hole.shape[1], lv_hole.shape[0]), interpolation=cv2.INTER_LINEAR)
            img = np.ascontiguousarray(np.where(lv_hole[..., None], up, lv_img), np.float32)
            nnd = np.zeros(lv_hole.shape, np.float32)
            _distances(img, ty, tx, nny, nnx, nnt, offs, nnd, r, _used(nny, nnx, ty, tx, reuse), near,
                       adapt, limits)
            _vote(img, lv_hole, ty, tx, nny, nnx, nnt, offs, nnd, conf, r, _sigma2(nnd, ty, tx),
                  i >= MODE_FROM_LEVEL, adapt, limits)
        em, iters = passes[i]
        # The two finest levels refine the doubled matches nearby; coarser ones search the crop.
        reach = max(lv_hole.shape) if i >= 2 else (2 * r + 1) * (i + 1)
        for e in range(em):
            used = _used(nny, nnx, ty, tx, reuse)
            nnd = np.zeros(lv_hole.shape, np.float32)
            look = _search_image(img)
            _distances(look, ty, tx, nny, nnx, nnt, offs, nnd, r, used, near, adapt, limits)
            _patchmatch(look, ty, tx, targets, room, rad, offs, nny, nnx, nnt, nnd, r, iters,
                        np.uint64((seed + 1) * 1_000_003 + i * 101 + e), reach, used, reuse, near,
                        adapt, limits)
            _vote(img, lv_hole, ty, tx, nny, nnx, nnt, offs, nnd, conf, r, _sigma2(nnd, ty, tx),
                  i >= MODE_FROM_LEVEL, adapt, limits)
            done += 1
            progress(done, total)
    if FINAL == "best" and nny is not None:
        # Averaging overlapping patches blurs fine texture; at full resolution each hole
        # pixel takes the centre of its own best match instead (Newson et al. 2014).
        gb = _gains(img, ty, tx, nny, nnx, adapt, limits)
        _copy_centres(img, lv_hole, nny, nnx, gb)
        if BLEND and seam_reach > 0:
            img[..., :3] = blend_seams(img[..., :3], lv_hole, nny, nnx, seam_reach, nnt, offs, gb)
    return img


def blend_seams(img: np.ndarray, hole: np.ndarray, nny: np.ndarray, nnx: np.ndarray,
                reach: float = SEAM_REACH, nnt: Optional[np.ndarray] = None,
                offs: Optional[np.ndarray] = None, gb: Optional[np.ndarray] = None) -> np.ndarray:
    """The copied fill made seamless in the gradient domain (Perez et al. 2003).

    Each hole pixel was copied from its own best match, so neighbouring pixels may
    come from places lit differently (a sunlit and a shaded stretch of a table): a
    step of brightness runs along the seam between them, and another along the
    hole's rim. The fill is solved for (with the known pixels around the hole fixed)
    whose difference between two neighbours is the copy's own less the step between
    their sources' surroundings (the known picture blurred by SEAM_LEVEL_SIGMA: the
    brightness q's source has against the one p's source would continue with). The
    copied grain and edges stay pixel for pixel; only the steps of brightness are
    taken out and spread over about SEAM_REACH pixels. Where neighbours copy from
    neighbouring sources the step is nil and the copy stays. (Guiding by the sources'
    own differences instead, Perez's mixed gradients, scored 0.1-0.2 dB lower under
    the object on every row of `bench_decompose.py --fills`: it redraws the grain
    wherever the copy is made of small pieces.) Each pair gets one guidance, the same
    seen from either side, so the solve cannot drift. A source's neighbour is read
    through the match's transform (`nnt`, `offs`: `patch_transforms.transform_table`) and
    its brightness through the match's gain and bias (`gb`, where not empty).
    """
    if nnt is None or offs is None:
        nnt = np.zeros(hole.shape, np.int32)
        offs = transform_table(1)[0]
    if gb is None:
        gb = np.zeros((0, 0, 6), np.float32)
    # The local brightness of the known picture (the copies in the hole left out).
    k = (~hole).astype(np.float32)
    level = cv2.GaussianBlur(img * k[..., None], (0, 0), SEAM_LEVEL_SIGMA) / np.maximum(
        cv2.GaussianBlur(k, (0, 0), SEAM_LEVEL_SIGMA), 1e-6)[..., None]
    # Screened: each pixel is also held to its copy with weight 1 / SEAM_REACH^2, so a step
    # is spread over about SEAM_REACH pixels and a contrasting rim (a red flag beside a
    # pale wall) does not tint the whole fill. The screening also keeps the system well
    # conditioned: over-relaxed Gauss-Seidel from the copy converges in SEAM_SWEEPS sweeps
    # (to 0.5 levels on average on a 220k-pixel hole; a sparse direct solve took 4 s there,
    # conjugate gradients 4.5 s).
    screen = np.float32(1.0 / reach ** 2)
    field, weight = _seam_system(np.ascontiguousarray(img, np.float32), hole, nny, nnx, nnt,
                                 np.ascontiguousarray(offs), gb,
                                 np.ascontiguousarray(level, np.float32), screen)
    out = np.ascontiguousarray(img, np.float32).copy()
    sor_solve(out, hole, field, weight, SEAM_SWEEPS, np.float32(1.8))
    return np.clip(out, 0.0, 1.0)


@njit(cache=True, parallel=True)
def _seam_system(img, hole, nny, nnx, nnt, offs, gb, level, screen):
    """blend_seams' right-hand side and diagonal: for each hole pixel p and neighbour q,
    the copy's difference less the step between their sources' surroundings (known q:
    its own value and the step to the rim), plus the screening toward the copy."""
    h, w, c = img.shape
    side = int(np.sqrt(offs.shape[1]) + 0.5)   # the table's patch side
    r = side // 2
    fitted = gb.shape[0] > 0
    field = np.zeros((h, w, c), np.float32)
    weight = np.zeros((h, w), np.float32)
    for y in prange(h):
        for x in range(w):
            if not hole[y, x]:
                continue
            py, px, pt = nny[y, x], nnx[y, x], nnt[y, x]
            n = 0
            for k in range(4):
                dy = -1 if k == 0 else (1 if k == 1 else 0)
                dx = -1 if k == 2 else (1 if k == 3 else 0)
                qy, qx = y + dy, x + dx
                if qy < 0 or qy >= h or qx < 0 or qx >= w:
                    continue
                n += 1
                # p's source's neighbour toward q, and q's source's neighbour back toward p.
                o = (dy + r) * side + dx + r
                back = (r - dy) * side + r - dx
                ay = min(max(py + offs[pt, o, 0], 0), h - 1)
                ax = min(max(px + offs[pt, o, 1], 0), w - 1)
                if hole[qy, qx]:
                    sy, sx, qt = nny[qy, qx], nnx[qy, qx], nnt[qy, qx]
                    by = min(max(sy + offs[qt, back, 0], 0), h - 1)
                    bx = min(max(sx + offs[qt, back, 1], 0), w - 1)
                    for ch in range(c):
                        if fitted:
                            gp, bp = gb[y, x, ch], gb[y, x, 3 + ch]
                            gq, bq = gb[qy, qx, ch], gb[qy, qx, 3 + ch]
                            step = 0.5 * ((gq * level[sy, sx, ch] + bq - gp * level[ay, ax, ch] - bp)
                                          + (gq * level[by, bx, ch] + bq - gp * level[py, px, ch] - bp))
                        else:
                            step = 0.5 * ((level[sy, sx, ch] - level[ay, ax, ch])
                                          + (level[by, bx, ch] - level[py, px, ch]))
                        field[y, x, ch] += img[y, x, ch] - img[qy, qx, ch] + step
                else:
                    for ch in range(c):
                        if fitted:
                            step = level[qy, qx, ch] - (gb[y, x, ch] * level[ay, ax, ch]
                                                        + gb[y, x, 3 + ch])
                        else:
                            step = level[qy, qx, ch] - level[ay, ax, ch]
                        field[y, x, ch] += img[y, x, ch] + step
            for ch in range(c):
                field[y, x, ch] += screen * img[y, x, ch]
            weight[y, x] = n + screen
    return field, weight


@njit(cache=True, parallel=True)
def sor_solve(f, hole, field, weight, sweeps, omega):
    """Red-black over-relaxed Gauss-Seidel for weight_p f_p - sum of hole neighbours f_q = field_p
    (the pixels of one colour depend only on the other's, so rows run in parallel)."""
    h, w, c = f.shape
    for _ in range(sweeps):
        for colour in range(2):
            for y in prange(h):
                for x in range((y + colour) % 2, w, 2):
                    if not hole[y, x]:
                        continue
                    for ch in range(c):
                        acc = field[y, x, ch]
                        if y > 0 and hole[y - 1, x]:
                            acc += f[y - 1, x, ch]
                        if y < h - 1 and hole[y + 1, x]:
                            acc += f[y + 1, x, ch]
                        if x > 0 and hole[y, x - 1]:
                            acc += f[y, x - 1, ch]
                        if x < w - 1 and hole[y, x + 1]:
                            acc += f[y, x + 1, ch]
                        f[y, x, ch] += omega * (acc / weight[y, x] - f[y, x, ch])


@njit(cache=True)
def _copy_centres(img, hole, nny, nnx, gb):
    """Each hole pixel takes its best match's centre (a transform leaves the centre where it
    is), fitted by the match's gain and bias where `gb` is not empty."""
    h, w, c = img.shape
    fitted = gb.shape[0] > 0
    for y in range(h):
        for x in range(w):
            if hole[y, x]:
                for ch in range(c):
                    v = img[nny[y, x], nnx[y, x], ch]
                    if fitted and ch < 3:
                        v = gb[y, x, ch] * v + gb[y, x, 3 + ch]
                    img[y, x, ch] = v


def _search_image(img: np.ndarray) -> np.ndarray:
    """The picture the search compares patches in: the colours blurred by SEARCH_BLUR
    (the texture feature as it is).

    The hole's pixels are a vote, the mean of the patches over them, so smoother than
    any one source; in a sum of squared differences against it a grainy source pays
    for its grain and a flat one does not. From level to level the matches drifted
    onto the flattest parts of the surroundings: on `bench_decompose.py --fills` the
    sources the coarse levels chose had 0.9-2.6 times the grain around the hole, those
    the finest level copied 0.5 (pebble on coffee and on the astronaut; the fill copies
    its sources' grain as it is, so its texture energy was 0.48 and 0.51). Compared
    under a slight blur the grain no longer counts against a source; how grainy the
    patch should be is the texture feature's to say, weighed twice as much as before
    (TEXTURE_WEIGHT 3 -> 6): with the blur alone a plain wall beside a hole took a
    chequered badge's pieces twice as often (the smooth bias had also been what kept
    plain ground plain). (The vote was not the cause: the finest level's votes taken
    from each pixel's best match left the energy within 0.02; nor the seam blend,
    which takes 0.03-0.04 off.)
    """
    if SEARCH_BLUR <= 0:
        return img
    look = img.copy()
    look[..., :3] = cv2.GaussianBlur(img[..., :3], (0, 0), SEARCH_BLUR)
    return look


def _passes(level: int, count: int) -> tuple[int, int]:
    """(search-and-vote passes, PatchMatch iterations per pass) for a level (0 = finest).

    Coarse levels are cheap and decide the structure: more passes there. At full
    resolution the doubled NNF is already good; one pass of two iterations
    sharpens it (each costs as much as all coarser levels together).
    """
    if level == 0:
        return (1, 2) if count > 1 else (4, 4)
    if level == 1:
        return 2, 2
    return 3, 3


def _half(image, hole, known):
    h, w = hole.shape
    size = ((w + 1) // 2, (h + 1) // 2)
    k = known.astype(np.float32)
    # Known colours averaged over known pixels only, so the hole's content never leaks in.
    num = cv2.resize(image * k[..., None], size, interpolation=cv2.INTER_AREA)
    den = cv2.resize(k, size, interpolation=cv2.INTER_AREA)
    small = (num / np.maximum(den, 1e-6)[..., None]).astype(np.float32)
    small_hole = cv2.resize(hole.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0
    small_known = (den >= 0.999) & ~small_hole
    return np.ascontiguousarray(small), small_hole, small_known


def _half_mask(mask: np.ndarray) -> np.ndarray:
    """A bool mask at half size: the pixels wholly inside it (as `_half` keeps `known`)."""
    h, w = mask.shape
    return cv2.resize(mask.astype(np.float32), ((w + 1) // 2, (h + 1) // 2),
                      interpolation=cv2.INTER_AREA) >= 0.999


def _room(known: np.ndarray, r: int, rad: np.ndarray) -> np.ndarray:
    """For each pixel, the largest radius of a square around it lying wholly in the known
    region and the picture (-1 outside it; int8, at most 127): the centre of a source
    patch whose footprint reaches `rad` pixels must have room >= rad. With translations
    only (`rad` == [r]) just whether it is at least r: the erosion of `known` by a patch."""
    if rad.shape[0] == 1 and rad[0] == r:
        ok = cv2.erode(known.astype(np.uint8), np.ones((2 * r + 1, 2 * r + 1), np.uint8),
                       borderType=cv2.BORDER_CONSTANT, borderValue=0) > 0
        return np.ascontiguousarray(np.where(ok, np.int8(r), np.int8(-1)))
    padded = np.pad(known.astype(np.uint8), 1)
    dist = cv2.distanceTransform(padded, cv2.DIST_C, 3)[1:-1, 1:-1]
    return np.ascontiguousarray(np.minimum(np.rint(dist) - 1, 127).astype(np.int8))


def _targets(hole: np.ndarray, r: int) -> np.ndarray:
    """Centres of patches that touch the hole."""
    return np.ascontiguousarray(cv2.dilate(hole.astype(np.uint8),
                                           np.ones((2 * r + 1, 2 * r + 1), np.uint8)) > 0)


def _confidence(hole: np.ndarray) -> np.ndarray:
    dist = cv2.distanceTransform(hole.astype(np.uint8), cv2.DIST_L2, 3)
    return np.ascontiguousarray(CONFIDENCE_BASE ** (-dist), np.float32)


def _priors(hole: np.ndarray, r: int, level: int, share: float = 0.0) -> tuple[float, np.float32]:
    """(cost per squared pixel of distance between a target and its source, cost per other
    target copying the same source) on a level, both in units of a patch's squared difference;
    `share` is the level's targets per source.

    Without them the matches settle on the smoothest parts of the surroundings: a first
    guess of the hole is smooth, a flat patch is nearer a smooth guess than any textured
    one, and copying it keeps the guess smooth. So the coarse levels copy an out-of-focus
    wall into a motorcycle's engine, a saucer's plain side over the cup's rim, and
    many targets share a few flat sources, which the finest level tiles into a blob.
    The locality prior prefers the hole's own surroundings (as Photoshop samples around
    the selection; they are what the fill must look like); the reuse cost spreads the
    matches over the available sources (uniform patch usage, Kaspar et al. 2015), so
    a textured ground is continued with texture. Both hold on the coarse levels only,
    where the region to copy from is chosen; on the two finest, a periodic pattern must
    be free to take its source a period or more away, in phase, and the ground under an
    object's soft edge (which the edge's alpha is re-measured against) its best match.

    The reuse cost is divided by share^SHARE_POWER where there are more targets than
    sources (Kaspar et al. divide the occurrence by its uniform value, |targets| /
    |sources|, once). Where the hole outnumbers its surroundings, sources must be shared
    anyway; a full cost per sharer then pushes targets off the plain ground they share
    onto whatever is left unused: the few distinctive things beside the hole. On the
    astronaut photo (the hole left by the astronaut herself, 2-15 targets per source on
    the coarse levels) the full cost copied the shuttle model in a stack down the hole
    and its fuel tank into the middle, with every seed; divided once, a smaller stack
    stayed; divided by the square, the stack went (and fewer copies of the tank). Where
    sources outnumber targets nothing changes: on bench_decompose.py --fills (holes of
    2-18 % of a photo) 5 of the 18 fills changed (those with a coarse level where the
    sources, shrunk by a patch's width, are fewer than the targets), BG PSNR, SSIM and
    texture energy within the spread between fill seeds.
    Stronger or distinctiveness-weighted reuse costs were tried and dropped: a uniform one
    20 times stronger brought the texture energy of every bench picture into 0.7-1.3 but
    copied more shuttle pieces; one weighting the cost by how textured or how unusual in
    colour a source is cleared the astronaut but smoothed textured grounds (texture
    energy 0.05-0.15 lower on the bench, beyond the seed-to-seed spread).
    """
    ys, xs = np.nonzero(hole)
    size = float(max(ys.max() - ys.min(), xs.max() - xs.min()) + 1)
    area = (2 * r + 1) ** 2
    if level < PRIORS_FROM:
        return 0.0, np.float32(0.0)
    return LOCALITY * area / (size * size), np.float32(REUSE * area / max(1.0, share) ** SHARE_POWER)


def _used(nny, nnx, ty, tx, reuse) -> np.ndarray:
    """Each source's reuse cost: `reuse` times the number of targets copying it (an empty
    stand-in on the levels without it: no level-sized array read at every try)."""
    if reuse <= 0:
        return np.zeros((0, 0), np.float32)
    used = np.zeros(nny.shape, np.float32)
    np.add.at(used, (nny[ty, tx], nnx[ty, tx]), reuse)
    return used


def _sigma2(nnd: np.ndarray, ty: np.ndarray, tx: np.ndarray) -> float:
    # Wexler: sigma is the 75th percentile of the patch distances.
    return float(max(np.percentile(nnd[ty, tx], 75), 1e-6))


def _upsample_nnf(nny, nnx, nnt, offs, r, shape):
    """The NNF doubled: each pixel's match is its parent's, doubled, plus its own offset
    from the parent read through the parent's transform."""
    h, w = shape
    yy = np.minimum(np.arange(h) // 2, nny.shape[0] - 1)
    xx = np.minimum(np.arange(w) // 2, nny.shape[1] - 1)
    if offs.shape[0] == 1:   # translations only: the offset is the child's own
        up_y = nny[yy][:, xx] * 2 + (np.arange(h) % 2)[:, None]
        up_x = nnx[yy][:, xx] * 2 + (np.arange(w) % 2)[None, :]
        return (np.ascontiguousarray(up_y, np.int32), np.ascontiguousarray(up_x, np.int32),
                np.zeros(shape, np.int32))
    up_t = np.ascontiguousarray(nnt[yy][:, xx], np.int32)
    child = (np.arange(h) % 2 + r)[:, None] * (2 * r + 1) + (np.arange(w) % 2 + r)[None, :]
    step = offs[up_t, child]
    up_y = nny[yy][:, xx] * 2 + step[..., 0]
    up_x = nnx[yy][:, xx] * 2 + step[..., 1]
    return np.ascontiguousarray(up_y, np.int32), np.ascontiguousarray(up_x, np.int32), up_t


# -- compiled loops ---------------------------------------------------------------------------
@njit(cache=True, inline="always")
def _rand(state):
    """splitmix64: the next state and a random 64-bit number from it."""
    state = state + np.uint64(0x9E3779B97F4A7C15)
    z = state
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return state, z ^ (z >> np.uint64(31))


@njit(cache=True)
def _random_init(ty, tx, cand_y, cand_x, nny, nnx, nnt, room, rad, seed):
    state = seed
    n = np.uint64(cand_y.shape[0])
    kinds = np.uint64(rad.shape[0])
    for k in range(ty.shape[0]):
        state, z = _rand(state)
        j = z % n
        nny[ty[k], tx[k]] = cand_y[j]
        nnx[ty[k], tx[k]] = cand_x[j]
        if kinds > 1:  # (no draw without transforms: the plain fill's random numbers stay)
            state, z = _rand(state)
            t = np.int32(z % kinds)
            nnt[ty[k], tx[k]] = t if room[cand_y[j], cand_x[j]] >= rad[t] else 0


@njit(cache=True)
def _repair(ty, tx, room, rad, cand_y, cand_x, nny, nnx, nnt, seed):
    """Upsampled matches whose patch falls off the known region get a random known patch."""
    h, w = room.shape
    state = seed
    n = np.uint64(cand_y.shape[0])
    for k in range(ty.shape[0]):
        y, x = ty[k], tx[k]
        sy, sx = nny[y, x], nnx[y, x]
        if sy < 0 or sy >= h or sx < 0 or sx >= w or room[sy, sx] < rad[nnt[y, x]]:
            state, z = _rand(state)
            j = z % n
            nny[y, x] = cand_y[j]
            nnx[y, x] = cand_x[j]
            nnt[y, x] = 0


@njit(cache=True, inline="always")
def _dist(img, y, x, sy, sx, t, offs, r, best, used, near, adapt, limits):
    """Sum of squared differences of the patch at (y, x) and the source patch at (sy, sx)
    read through transform `t` (`offs[t]`; 0 is the identity), stopping past `best`, plus
    the source's reuse cost `used[sy, sx]` (none when `used` is empty) and `near` x its
    squared distance. With `adapt` (`color_stats`, not empty) the source's colours are
    first fitted to the target's by gain and bias (`color_fit`). The three loops are the
    same sum kept apart on purpose: the untransformed one (most calls) indexes directly."""
    h, w, c = img.shape
    d = near * ((sy - y) * (sy - y) + (sx - x) * (sx - x))
    if used.shape[0] > 0:
        d += used[sy, sx]
    if adapt.shape[0] > 0:
        g0, g1, g2, b0, b1, b2 = color_fit(adapt, y, x, sy, sx, limits)
        k = 0
        for dy in range(-r, r + 1):
            yy = y + dy
            for dx in range(-r, r + 1):
                xx = x + dx
                if 0 <= yy < h and 0 <= xx < w:
                    qy, qx = sy + offs[t, k, 0], sx + offs[t, k, 1]
                    for ch in range(c):
                        v = img[qy, qx, ch]
                        if ch == 0:
                            v = g0 * v + b0
                        elif ch == 1:
                            v = g1 * v + b1
                        elif ch == 2:
                            v = g2 * v + b2
                        diff = img[yy, xx, ch] - v
                        d += diff * diff
                k += 1
            if d >= best:
                return d
        return d
    if t == 0:
        for dy in range(-r, r + 1):
            yy = y + dy
            if yy < 0 or yy >= h:
                continue
            for dx in range(-r, r + 1):
                xx = x + dx
                if xx < 0 or xx >= w:
                    continue
                for ch in range(c):
                    diff = img[yy, xx, ch] - img[sy + dy, sx + dx, ch]
                    d += diff * diff
            if d >= best:
                return d
        return d
    k = 0
    for dy in range(-r, r + 1):
        yy = y + dy
        for dx in range(-r, r + 1):
            xx = x + dx
            if 0 <= yy < h and 0 <= xx < w:
                qy, qx = sy + offs[t, k, 0], sx + offs[t, k, 1]
                for ch in range(c):
                    diff = img[yy, xx, ch] - img[qy, qx, ch]
                    d += diff * diff
            k += 1
        if d >= best:
            return d
    return d


@njit(cache=True, parallel=True)
def _distances(img, ty, tx, nny, nnx, nnt, offs, nnd, r, used, near, adapt, limits):
    for k in prange(ty.shape[0]):
        y, x = ty[k], tx[k]
        nnd[y, x] = _dist(img, y, x, nny[y, x], nnx[y, x], nnt[y, x], offs, r, np.inf, used,
                          near, adapt, limits)


@njit(cache=True)
def _patchmatch(img, ty, tx, targets, room, rad, offs, nny, nnx, nnt, nnd, r, iterations, seed,
                reach0, used, reuse, near, adapt, limits):
    """PatchMatch (Barnes et al. 2009) on the targets' matches, over positions and (with
    more than one transform in `offs`) transforms (Generalized PatchMatch, Barnes et al.
    2010). `used` is each source's reuse cost (`reuse` per target copying it), kept up
    to date as matches move. A source (sy, sx) is valid for transform t where
    room[sy, sx] >= rad[t]: its whole transformed patch lies in the known picture."""
    h, w = targets.shape
    state = seed
    n = ty.shape[0]
    kinds = np.uint64(rad.shape[0])
    side = 2 * r + 1
    for it in range(iterations):
        step = 1 if it % 2 == 0 else -1
        for i in range(n):
            k = i if step == 1 else n - 1 - i
            y, x = ty[k], tx[k]
            by, bx, bt, best = nny[y, x], nnx[y, x], nnt[y, x], nnd[y, x]
            # Weighed as if this target did not use its source yet: it competes fairly.
            if reuse > 0:  # (`used` is empty without it)
                used[by, bx] -= reuse
            best -= reuse
            # Propagation: the neighbour's match, moved by one pixel through its transform,
            # continues the same place (the identity: shifted by one).
            for a in range(2):
                ny = y - step if a == 0 else y
                nx = x if a == 0 else x - step
                if ny < 0 or ny >= h or nx < 0 or nx >= w or not targets[ny, nx]:
                    continue
                t = nnt[ny, nx]
                if kinds > 1:
                    o = (r + step) * side + r if a == 0 else r * side + r + step
                    sy = nny[ny, nx] + offs[t, o, 0]
                    sx = nnx[ny, nx] + offs[t, o, 1]
                else:
                    sy = nny[ny, nx] + (step if a == 0 else 0)
                    sx = nnx[ny, nx] + (0 if a == 0 else step)
                if sy < 0 or sy >= h or sx < 0 or sx >= w or room[sy, sx] < rad[t]:
                    continue
                if sy == by and sx == bx and t == bt:
                    continue
                d = _dist(img, y, x, sy, sx, t, offs, r, best, used, near, adapt, limits)
                if d < best:
                    by, bx, bt, best = sy, sx, t, d
            # Random search at halving distances around the best match (and, with
            # transforms, half the tries under another transform drawn at random).
            reach = reach0
            while reach >= 1:
                state, z = _rand(state)
                sy = by + np.int64(z % np.uint64(2 * reach + 1)) - reach
                state, z = _rand(state)
                sx = bx + np.int64(z % np.uint64(2 * reach + 1)) - reach
                t = bt
                if kinds > 1:
                    state, z = _rand(state)
                    if z & np.uint64(1):
                        t = np.int32((z >> np.uint64(1)) % kinds)
                if 0 <= sy < h and 0 <= sx < w and room[sy, sx] >= rad[t]:
                    d = _dist(img, y, x, sy, sx, t, offs, r, best, used, near, adapt, limits)
                    if d < best:
                        by, bx, bt, best = sy, sx, t, d
                reach //= 2
            if reuse > 0:
                used[by, bx] += reuse
            nny[y, x], nnx[y, x], nnt[y, x], nnd[y, x] = by, bx, bt, best + reuse


@njit(cache=True, parallel=True)
def _fit_all(ty, tx, nny, nnx, adapt, limits, gb):
    """Each target's gain and bias (gb[y, x] = g0, g1, g2, b0, b1, b2) for its match."""
    for k in prange(ty.shape[0]):
        y, x = ty[k], tx[k]
        g0, g1, g2, b0, b1, b2 = color_fit(adapt, y, x, nny[y, x], nnx[y, x], limits)
        gb[y, x, 0], gb[y, x, 1], gb[y, x, 2] = g0, g1, g2
        gb[y, x, 3], gb[y, x, 4], gb[y, x, 5] = b0, b1, b2


def _gains(img, ty, tx, nny, nnx, adapt, limits) -> np.ndarray:
    """The targets' gain and bias (h, w, 6), or an empty array without Color Adaptation's
    gain and bias (the kernels then copy the sources as they are)."""
    if adapt.shape[0] == 0:
        return np.zeros((0, 0, 6), np.float32)
    gb = np.zeros(img.shape[:2] + (6,), np.float32)
    gb[..., :3] = 1.0
    _fit_all(ty, tx, nny, nnx, adapt, limits, gb)
    return gb


def _vote(img, hole, ty, tx, nny, nnx, nnt, offs, nnd, conf, r, sigma2, mode, adapt, limits):
    """Each hole pixel becomes the weighted mean of the matched patches over it (in place);
    a patch weighs its confidence times exp(-distance / 2 sigma^2) (Wexler et al.).

    With `mode`, only the votes within MODE_RADIUS of the heaviest vote's colour are
    averaged (one mean-shift step from it, as Wexler et al. suggest): where the matches
    disagree (a dark edge here, a light ground there) the mean is a grey smear, the
    mode is one of them, so the coarse levels hand a sharp structure on to the finer ones.
    Each patch votes with its source read through its transform and colour fit.
    """
    weights = np.maximum(conf * np.exp(-nnd / np.float32(2.0 * sigma2)), np.float32(1e-12))
    gb = _gains(img, ty, tx, nny, nnx, adapt, limits)
    _gather_vote(img, hole, nny, nnx, nnt, offs, gb, weights.astype(np.float32), r, bool(mode),
                 MODE_RADIUS * MODE_RADIUS)


@njit(cache=True, inline="always")
def _voted(img, gb, fitted, sy, sx, cy, cx, ch):
    """What the patch centred at (cy, cx) says of a pixel it takes from (sy, sx): the
    source's value, fitted by the patch's gain and bias where `fitted`."""
    v = img[sy, sx, ch]
    if fitted and ch < 3:
        v = gb[cy, cx, ch] * v + gb[cy, cx, 3 + ch]
    return v


@njit(cache=True, parallel=True)
def _gather_vote(img, hole, nny, nnx, nnt, offs, gb, weights, r, mode, radius2):
    h, w, c = img.shape
    out = np.zeros((h, w, c), np.float32)
    side = 2 * r + 1
    n_max = side * side
    fitted = gb.shape[0] > 0
    plain = offs.shape[0] == 1
    for y in prange(h):
        acc = np.zeros(c, np.float64)
        # The votes for one pixel: where each patch covering it takes that pixel from
        # (and the patch's centre, whose colour fit applies).
        vy = np.empty(n_max, np.int64)
        vx = np.empty(n_max, np.int64)
        cy_ = np.empty(n_max, np.int64)
        cx_ = np.empty(n_max, np.int64)
        vw = np.empty(n_max, np.float32)
        for x in range(w):
            if not hole[y, x]:
                continue
            n = 0
            heaviest = 0
            for dy in range(-r, r + 1):
                cy = y - dy
                if cy < 0 or cy >= h:
                    continue
                for dx in range(-r, r + 1):
                    cx = x - dx
                    if cx < 0 or cx >= w:
                        continue
                    if plain:
                        vy[n], vx[n] = nny[cy, cx] + dy, nnx[cy, cx] + dx
                    else:
                        t = nnt[cy, cx]
                        o = (dy + r) * side + dx + r
                        vy[n] = nny[cy, cx] + offs[t, o, 0]
                        vx[n] = nnx[cy, cx] + offs[t, o, 1]
                    if fitted:
                        cy_[n], cx_[n] = cy, cx
                    vw[n] = weights[cy, cx]   # every centre within r of a hole pixel is a target
                    if vw[n] > vw[heaviest]:
                        heaviest = n
                    n += 1
            by, bx = vy[heaviest], vx[heaviest]
            bcy, bcx = (cy_[heaviest], cx_[heaviest]) if fitted else (0, 0)
            acc[:] = 0.0
            wsum = 0.0
            for i in range(n):
                if mode:
                    # The mode: the weighted mean of the votes near the heaviest one.
                    d = 0.0
                    for ch in range(3):
                        diff = np.float64(_voted(img, gb, fitted, vy[i], vx[i], cy_[i], cx_[i], ch)) \
                            - np.float64(_voted(img, gb, fitted, by, bx, bcy, bcx, ch))
                        d += diff * diff
                    if d >= radius2:
                        continue
                for ch in range(c):
                    acc[ch] += vw[i] * _voted(img, gb, fitted, vy[i], vx[i], cy_[i], cx_[i], ch)
                wsum += vw[i]
            for ch in range(c):
                out[y, x, ch] = acc[ch] / wsum
    for y in range(h):
        for x in range(w):
            if hole[y, x]:
                for ch in range(c):
                    img[y, x, ch] = out[y, x, ch]


class PatchMatchInpainter:
    """Default background inpainter of the decomposition: content-aware fill (CPU, no model)."""

    name = "patchmatch"
    weight = 8

    def __init__(self, seed: int = 0, **options):
        self.seed = seed
        self.options = options   # content_aware_fill's color_adaptation, rotation, scale, mirror

    def __call__(self, image: np.ndarray, hole: np.ndarray, known: Optional[np.ndarray] = None,
                 progress: ProgressFn = no_progress) -> np.ndarray:
        out = content_aware_fill(image, hole, known, seed=self.seed, progress=progress,
                                 **self.options)
        return np.clip(out, 0.0, 1.0)
