"""Alpha from a mask: a trimap around the mask's edge, then closed-form matting (pymatting).

The trimap says: deep inside the mask the object is opaque, far outside it
is absent, and in a band along the edge alpha is unknown. The band is as
wide as the segmenter's uncertainty (GrabCut ran on a reduced image) plus a
little for soft edges, fur and motion blur.

Closed-form matting (Levin et al. 2008) assumes colours are a linear blend of
two colours in every 3x3 window and solves one sparse linear system for the
unknown pixels only. Measured on a 1000x1000 crop with 43k unknown pixels
on the 2-core machine: closed form 0.5 s, shared matting 0.3 s (coarser
edges), random walk 3.7 s, KNN 13 s, large-kernel 11 s, all from pymatting;
closed form gives the cleanest soft edges at that cost, so it is the default.
With the jacobi preconditioner instead of incomplete Cholesky it took 55 s
on 99k unknown pixels (against 3.5 s).
"""
from __future__ import annotations

import cv2
import numpy as np

from ...progress import ProgressFn, no_progress

UNKNOWN = 128


def band_radius(width: int, height: int) -> int:
    """Half-width of the unknown band for an object of this size, in pixels.

    GrabCut ran on a crop of about 1.3x the object scaled to 360 pixels, so its
    edge is uncertain by roughly one reduced pixel, 0.4 % of the object's size;
    the band is a few times that, plus room for soft edges, and at least 3.
    """
    return int(np.clip(0.015 * max(width, height), 3, 40))


def make_trimap(mask: np.ndarray, radius: int) -> np.ndarray:
    """uint8 trimap: 255 surely object, 0 surely not, 128 unknown.

    The unknown band reaches `radius` pixels outside the mask but only a third
    of that (at least 3) inside: the segmenter's edge errs by about that much either way,
    and soft edges (fur, blur, anti-aliasing) lie mostly outside a mask cut
    along the strongest edge. A narrow inner band also keeps matting from
    punching holes in an object's rim where rim and ground share a colour.
    Thin objects that the erosion would wipe out keep a thinner core, so the
    trimap always has some surely-object pixels.
    """
    m = mask.astype(np.uint8)
    outer = cv2.dilate(m, _disk(radius)) > 0
    r = max(3, radius // 3)
    core = np.zeros_like(mask)
    while r >= 1:
        core = cv2.erode(m, _disk(r), borderType=cv2.BORDER_REPLICATE) > 0
        if core.any():
            break
        r //= 2
    if not core.any():
        core = mask.astype(bool)
    trimap = np.zeros(mask.shape, np.uint8)
    trimap[outer] = UNKNOWN
    trimap[core] = 255
    return trimap


class ClosedFormMatter:
    """Default matter: pymatting's closed-form matting on the unknown band.

    Its cost grows with the number of unknown pixels (about 3.5 s for 100k on
    the 2-core machine: Laplacian, incomplete Cholesky, conjugate gradients).
    Above `max_unknown` it solves on a reduced copy and brings the matte back
    to full resolution with a guided-filter upsampling: the matte is locally
    a linear function of the colours (the same model closed-form matting
    rests on), so the linear coefficients fitted at low resolution, applied
    to the full-resolution colours, restore the fine edge the reduction blurred.
    """

    name = "closed_form"
    weight = 1

    def __init__(self, max_unknown: int = 40_000):
        self.max_unknown = max_unknown

    def __call__(self, image: np.ndarray, trimap: np.ndarray,
                 progress: ProgressFn = no_progress) -> np.ndarray:
        """Alpha (H, W) float32 in 0..1 for RGB uint8 `image` and uint8 `trimap`."""
        unknown = trimap == UNKNOWN
        tri = trimap.astype(np.float32) / 255.0
        if not unknown.any():
            progress(1, 1)
            return tri
        # Only the unknown band's bounding box (and a window's width around it) matters.
        ys, xs = np.nonzero(unknown)
        y0, y1 = max(0, ys.min() - 2), min(trimap.shape[0], ys.max() + 3)
        x0, x1 = max(0, xs.min() - 2), min(trimap.shape[1], xs.max() + 3)
        colours = image[y0:y1, x0:x1].astype(np.float32) / 255.0
        crop_tri = tri[y0:y1, x0:x1]
        scale = min(1.0, float(np.sqrt(self.max_unknown / unknown.sum())))
        if scale > 0.9:
            alpha = _closed_form(colours, crop_tri)
        else:
            alpha = solve_reduced(colours, crop_tri, scale, _closed_form)
        out = tri.copy()
        out[y0:y1, x0:x1] = np.where(crop_tri == UNKNOWN / 255.0, alpha, crop_tri)
        progress(1, 1)
        return out


def _closed_form(colours: np.ndarray, trimap: np.ndarray) -> np.ndarray:
    _numba_without_openmp()
    from pymatting import estimate_alpha_cf

    return estimate_alpha_cf(colours.astype(np.float64), trimap.astype(np.float64)).astype(np.float32)


def _numba_without_openmp() -> None:
    """Runs numba's parallel code (pymatting's, the fills', the editor's kernels) on TBB's
    thread pool, not OpenMP.

    numba's default threading layer here may be OpenMP, and it is the same libgomp
    that torch loaded: once torch has run, numba's first parallel run resets the
    OpenMP thread count, so torch's `set_num_threads` is silently undone and the learned components,
    the diffusion fill and the editor's generation jobs share one spinning
    pool with pymatting (measured: torch.get_num_threads() went from 1 to 2
    after one closed-form solve; a tiny model's 4 denoising steps on the busy
    2-core machine then took up to 10 s instead of 0.1-0.4 s). TBB has its own threads
    and, unlike numba's "workqueue" layer, takes parallel kernels launched from two threads
    at once: under "workqueue" the process aborted when the Hue/Saturation dialog's colour
    bars were drawn on the GUI thread while its preview ran on the worker (a full test run
    died so). Where TBB cannot be loaded, OpenMP (also safe from two threads, the slower
    torch the lesser harm) and only then "workqueue". The layer must be chosen before
    numba's first parallel run; a choice made in NUMBA_THREADING_LAYER is left alone.
    """
    import os

    if "NUMBA_THREADING_LAYER" not in os.environ:
        import numba

        if _tbb_loads():
            numba.config.THREADING_LAYER = "tbb"
        elif _loads("numba.np.ufunc.omppool"):
            numba.config.THREADING_LAYER = "omp"
        else:
            numba.config.THREADING_LAYER = "workqueue"


def _loads(module: str) -> bool:
    import importlib

    try:
        importlib.import_module(module)
        return True
    except ImportError:
        return False


def _tbb_loads() -> bool:
    """Whether numba's TBB pool loads, the TBB library loaded first by its path if need be:
    the `tbb` wheel puts it in the environment's own library folder, which numba's extension
    (no run path in numba 0.68's wheels) does not search, so on a fresh install the pool
    failed to load and the process fell back to a layer that aborts (seen on a new machine)."""
    import ctypes
    import os
    import sys

    if _loads("numba.np.ufunc.tbbpool"):
        return True
    names = {"linux": "lib/libtbb.so.12", "darwin": "lib/libtbb.12.dylib",
             "win32": "Library/bin/tbb12.dll"}
    name = names.get(sys.platform)
    for prefix in dict.fromkeys((sys.prefix, sys.base_prefix)) if name else ():
        path = os.path.join(prefix, *name.split("/"))
        if os.path.exists(path):
            try:
                ctypes.CDLL(path, mode=getattr(ctypes, "RTLD_GLOBAL", 0))
            except OSError:
                continue
            return _loads("numba.np.ufunc.tbbpool")
    return False


def solve_reduced(colours: np.ndarray, trimap: np.ndarray, scale: float, solve) -> np.ndarray:
    """Alpha from `solve(colours, trimap)` run on a copy reduced by `scale`, brought back to
    full resolution by guided-filter upsampling (see ClosedFormMatter). `trimap` is float
    0 / 0.5 / 1; so is the reduced one handed to `solve`."""
    h, w = trimap.shape
    size = (max(4, round(w * scale)), max(4, round(h * scale)))
    small = np.clip(cv2.resize(colours, size, interpolation=cv2.INTER_AREA), 0.0, 1.0)
    # A reduced pixel is known only if every full pixel under it is.
    fg = cv2.resize((trimap >= 1.0).astype(np.float32), size, interpolation=cv2.INTER_AREA) >= 1.0
    bg = cv2.resize((trimap <= 0.0).astype(np.float32), size, interpolation=cv2.INTER_AREA) >= 1.0
    small_tri = np.full(small.shape[:2], 0.5, np.float32)
    small_tri[fg] = 1.0
    small_tri[bg] = 0.0
    alpha = solve(small, small_tri)
    a, b = guided_coefficients(small, alpha, radius=1, eps=1e-4)
    a = cv2.resize(a, (w, h), interpolation=cv2.INTER_LINEAR)
    b = cv2.resize(b, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip((a * colours).sum(axis=2) + b, 0.0, 1.0).astype(np.float32)


def guided_coefficients(guide: np.ndarray, src: np.ndarray, radius: int,
                        eps: float) -> tuple[np.ndarray, np.ndarray]:
    """Colour guided filter (He et al.): window-averaged (a, b) with src ~ a . guide + b."""
    k = (2 * radius + 1, 2 * radius + 1)

    def mean(x: np.ndarray) -> np.ndarray:
        return cv2.boxFilter(x, -1, k, borderType=cv2.BORDER_REFLECT)

    mean_i = mean(guide)
    mean_p = mean(src)
    cov_ip = mean(guide * src[..., None]) - mean_i * mean_p[..., None]
    var = np.empty(guide.shape[:2] + (3, 3), np.float32)
    for i in range(3):
        for j in range(i, 3):
            v = mean(guide[..., i] * guide[..., j]) - mean_i[..., i] * mean_i[..., j]
            var[..., i, j] = var[..., j, i] = v
    var += eps * np.eye(3, dtype=np.float32)
    a = np.linalg.solve(var, cov_ip[..., None])[..., 0]
    b = mean_p - (a * mean_i).sum(axis=2)
    return mean(a.astype(np.float32)), mean(b.astype(np.float32))


def guided_grey(guide: np.ndarray, src: np.ndarray, radius: int, eps: float) -> np.ndarray:
    """Grey guided filter (He et al.; `guided_coefficients` with a one-channel guide, where
    the 3x3 solve is a division): `src` smoothed by box windows of `radius`, its edges kept
    where `guide` has them (variance well above `eps`). float32 (H, W) in and out; the
    window meets the picture's border as if its edge pixels repeated."""
    k = (2 * radius + 1, 2 * radius + 1)

    def mean(x: np.ndarray) -> np.ndarray:
        return cv2.boxFilter(x, -1, k, borderType=cv2.BORDER_REPLICATE)

    mean_i, mean_p = mean(guide), mean(src)
    cov = mean(guide * src) - mean_i * mean_p
    var = mean(guide * guide) - mean_i * mean_i
    a = cov / (var + np.float32(eps))
    b = mean_p - a * mean_i
    return mean(a) * guide + mean(b)


def _disk(r: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
