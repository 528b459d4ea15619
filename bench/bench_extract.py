"""Benchmark of lifting an object off an edited picture: old un-blend vs engine/methods/extract.py.

Simulated edits whose answer is known, on scikit-image's photographs. Each case
puts a known RGBA object (procedural: a shaded ball, a striped star; cut out of
the sample photos: the horse silhouette filled with coffee, a coin, the
astronaut's face, scikit-image's logo) with a soft cast shadow onto a photo,
and re-renders the background inside a region grown around the box the way
inpainting models do: the whole region shifted by 1-3 px, slightly blurred,
with new grain and a colour/brightness drift; in "patch" cases a texture patch
of the region is also replaced by another part of the photo. "near" cases
recolour the object to the mean colour of the ground it stands on. Then the
old extraction (`old_extract_layer` below: the per-pixel un-blend that
"Generate layer" used before, `extract_layer` of engine/methods/add_foreground.py
up to commit 01594b4) and the new one (`engine.methods.extract`) lift a
layer from (original, edited, box), and are scored against the truth:

- alpha MAE over the re-rendered region (0..1);
- stray: the share of background-only pixels of the region (true alpha 0,
  object and shadow) that get alpha > 0.1;
- opaque: the median alpha on the truly opaque object (true alpha 1);
- PSNR (dB) over the region of the layer over the ORIGINAL background against
  the true layer over the original background (what the user sees);
- s/MP: seconds of the extraction per megapixel of the picture (cases are
  0.2-0.3 MP; one more 1 MP case is timed for the row "1 MP").

    python bench/bench_extract.py [--grid docs/extract.png] [--set tuning|held-out|fresh|both|all]

CASES is the set the extraction was tuned on; HELD_OUT was added after tuning
and is reported separately (other photos, objects and seeds; some of its cases
were looked into and tuned on since, so it is no longer strictly held out);
FRESH was added on 2026-11-30 and run once before any change of that round.

Timings depend on the machine's load (the development machine is shared).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from engine.box import Box  # noqa: E402
from engine.compose import clean_alpha, over, unblend_alpha, unblend_colour  # noqa: E402


# -- backgrounds and objects ----------------------------------------------------------------
def background(name: str) -> np.ndarray:
    """A photo as float RGB 0..1; the grey textures are tinted like real ground."""
    from skimage import data

    tints = {"grass": (0.55, 0.85, 0.35), "gravel": (0.9, 0.8, 0.65), "brick": (0.95, 0.6, 0.45)}
    if name in tints:
        grey = getattr(data, name)().astype(np.float32) / 255
        return np.clip(grey[..., None] * np.array(tints[name], np.float32) * 1.1, 0, 1)
    photo = getattr(data, name)().astype(np.float32) / 255
    if photo.ndim == 2:                      # a grey photo stays grey
        photo = np.repeat(photo[..., None], 3, axis=2)
    h, w = photo.shape[:2]
    if max(h, w) > 640:                      # the middle of a large photo
        y, x = (h - min(h, 512)) // 2, (w - min(w, 640)) // 2
        photo = photo[y:y + 512, x:x + 640]
    return np.ascontiguousarray(photo[..., :3])


def _soft(mask: np.ndarray, sigma: float = 0.7) -> np.ndarray:
    """An anti-aliased alpha from a hard mask drawn at 4x and reduced."""
    return np.clip(cv2.GaussianBlur(mask.astype(np.float32), (0, 0), sigma), 0, 1)


def _reduced(alpha4: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return cv2.resize(alpha4.astype(np.float32), size, interpolation=cv2.INTER_AREA)


def make_object(kind: str, side: int, rng) -> np.ndarray:
    """An RGBA float object about `side` pixels across (straight colour)."""
    from skimage import data

    s4 = side * 4
    yy, xx = np.mgrid[:s4, :s4].astype(np.float32) / s4
    if kind == "ball":
        r = np.hypot(xx - 0.5, yy - 0.5)
        alpha = _reduced(r < 0.45, (side, side))
        y, x = np.mgrid[:side, :side].astype(np.float32) / side
        light = np.clip(1.0 - 1.4 * np.hypot(x - 0.38, y - 0.35), 0.15, 1.0)
        rgb = np.stack([0.9 * light, 0.25 * light + 0.05, 0.15 * light + 0.05], -1)
    elif kind == "star":
        t = np.arctan2(yy - 0.5, xx - 0.5)
        r = np.hypot(xx - 0.5, yy - 0.5)
        alpha = _reduced(r < 0.28 + 0.17 * np.cos(5 * t), (side, side))
        y, x = np.mgrid[:side, :side].astype(np.float32) / side
        stripes = 0.5 + 0.5 * np.sign(np.sin(2 * np.pi * 6 * (x + y)))
        rgb = np.stack([0.2 + 0.7 * stripes, 0.3 + 0.5 * stripes, 0.9 - 0.5 * stripes], -1)
    elif kind == "horse":
        horse = ~data.horse()
        h, w = horse.shape
        scale = side / max(h, w)
        size = (round(w * scale), round(h * scale))
        big = cv2.resize(horse.astype(np.uint8), (size[0] * 4, size[1] * 4),
                         interpolation=cv2.INTER_NEAREST)
        alpha = _reduced(big, size)
        coffee = data.coffee().astype(np.float32) / 255
        rgb = cv2.resize(coffee[50:350, 100:500], size, interpolation=cv2.INTER_AREA)
    elif kind == "coin":
        coins = data.coins().astype(np.float32) / 255
        patch = coins[15:80, 40:105]                 # one coin with a little ground around it
        r = np.hypot(xx - 0.5, yy - 0.52)
        alpha = _reduced(r < 0.4, (side, side))
        grey = cv2.resize(patch, (side, side), interpolation=cv2.INTER_CUBIC)
        rgb = np.clip(grey[..., None] * np.array([1.25, 0.95, 0.6], np.float32), 0, 1)
    elif kind == "face":
        astro = data.astronaut().astype(np.float32) / 255
        r = np.hypot((xx - 0.5) / 0.8, yy - 0.5)
        alpha = _reduced(r < 0.45, (side, side))
        alpha = cv2.GaussianBlur(alpha, (0, 0), 1.2)   # a feathered cut-out
        alpha = np.clip((alpha - 0.02) / 0.96, 0, 1)
        rgb = cv2.resize(astro[20:230, 120:330], (side, side), interpolation=cv2.INTER_AREA)
    elif kind == "ring":                              # a hole shows the ground through it
        r = np.hypot(xx - 0.5, yy - 0.5)
        alpha = _reduced((r < 0.45) & (r > 0.22), (side, side))
        y, x = np.mgrid[:side, :side].astype(np.float32) / side
        sheen = 0.5 + 0.5 * np.cos(4 * np.arctan2(y - 0.5, x - 0.5))
        rgb = np.stack([0.15 + 0.3 * sheen, 0.35 + 0.4 * sheen, 0.7 + 0.25 * sheen], -1)
    elif kind == "cat":                               # chelsea's face, an oval cut-out
        cat = data.chelsea().astype(np.float32) / 255
        r = np.hypot((xx - 0.5) / 0.85, yy - 0.5)
        alpha = _reduced(r < 0.45, (side, side))
        rgb = cv2.resize(cat[20:280, 60:320], (side, side), interpolation=cv2.INTER_AREA)
    elif kind == "egg":                               # a smooth shaded egg, taller than wide
        r = np.hypot((xx - 0.5) / 0.62, (yy - 0.52) / (0.8 + 0.1 * (yy > 0.52)))
        alpha = _reduced(r < 0.5, (side, side))
        y, x = np.mgrid[:side, :side].astype(np.float32) / side
        light = np.clip(1.05 - 1.2 * np.hypot(x - 0.42, y - 0.3), 0.2, 1.0)
        rgb = np.stack([0.85 * light + 0.1, 0.8 * light + 0.08, 0.55 * light + 0.05], -1)
    elif kind == "tile":                              # a rounded rectangle cut out of the rocket photo
        d = np.maximum(np.abs(xx - 0.5) - 0.3, 0) ** 2 + np.maximum(np.abs(yy - 0.5) - 0.16, 0) ** 2
        alpha = _reduced((d < 0.12 ** 2) & (np.abs(yy - 0.5) < 0.28), (side, side))
        rocket = data.rocket().astype(np.float32) / 255
        rgb = cv2.resize(rocket[100:330, 150:380], (side, side), interpolation=cv2.INTER_AREA)
    elif kind == "logo":
        logo = data.logo().astype(np.float32) / 255
        rgba = cv2.resize(logo, (side, side), interpolation=cv2.INTER_AREA)
        alpha = rgba[..., 3]
        with np.errstate(divide="ignore", invalid="ignore"):
            rgb = np.where(alpha[..., None] > 0, rgba[..., :3] / np.maximum(alpha, 1e-6)[..., None], 0)
    else:
        raise ValueError(kind)
    alpha = np.clip(alpha, 0, 1)
    alpha[alpha > 0.995] = 1.0
    alpha[alpha < 0.005] = 0.0
    return np.dstack([np.clip(rgb, 0, 1), alpha]).astype(np.float32)


def recolour_to(obj: np.ndarray, ground: np.ndarray) -> np.ndarray:
    """The object with its mean colour moved to the ground's (its own shading and texture kept)."""
    a = obj[..., 3] > 0.5
    out = obj.copy()
    out[..., :3] = np.clip(obj[..., :3] - obj[..., :3][a].mean(0) + ground.reshape(-1, 3).mean(0),
                           0, 1)
    return out


def cast_shadow(alpha: np.ndarray, opacity: float, shear: float, rng) -> np.ndarray:
    """A soft shadow on the ground: the silhouette flattened from its base, sheared, blurred."""
    h, w = alpha.shape
    base = float(np.flatnonzero(alpha.max(axis=1) > 0.5).max())
    squash = 0.35
    m = np.float32([[1, shear * squash, -shear * squash * base], [0, squash, base * (1 - squash)]])
    flat = cv2.warpAffine(alpha, m, (w, h), flags=cv2.INTER_LINEAR)
    sigma = 0.03 * max(h, w) + 1.0
    return np.clip(cv2.GaussianBlur(flat, (0, 0), sigma) * opacity, 0, 1)


# -- the inpainter's re-rendering of the region ---------------------------------------------------
def rerender(photo: np.ndarray, region: Box, rng, patch: bool) -> np.ndarray:
    """The photo with `region` repainted as inpainters do (see the module docstring)."""
    out = photo.copy()
    dx, dy = (int(v) * int(rng.choice([-1, 1])) for v in rng.integers(1, 4, 2))
    moved = np.roll(photo, (dy, dx), axis=(0, 1))
    if patch:
        # A texture patch of the region comes from another part of the photo.
        h, w = photo.shape[:2]
        py, px = region.y + region.h // 2 + int(rng.integers(-region.h // 4, region.h // 4)), \
            region.x + int(rng.integers(0, region.w // 3))
        yy, xx = np.mgrid[:h, :w]
        blob = ((yy - py) / (0.3 * region.h)) ** 2 + ((xx - px) / (0.25 * region.w)) ** 2 < 1
        oy, ox = int(rng.integers(60, 120)) * int(rng.choice([-1, 1])), \
            int(rng.integers(60, 120)) * int(rng.choice([-1, 1]))
        moved = np.where(blob[..., None], np.roll(photo, (oy, ox), axis=(0, 1)), moved)
    moved = cv2.GaussianBlur(moved, (0, 0), float(rng.uniform(0.5, 0.9)))
    h, w = photo.shape[:2]
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    gradient = ((xx - region.x) / max(1, region.w) - 0.5)[..., None] * rng.uniform(-0.03, 0.03, 3)
    gain = rng.uniform(0.95, 1.05, 3).astype(np.float32)
    offset = rng.uniform(-0.02, 0.02, 3).astype(np.float32)
    drifted = moved * gain + offset + gradient
    grain = rng.normal(0, 2.5 / 255, photo.shape).astype(np.float32)
    repainted = np.clip(drifted + grain, 0, 1)
    out[region.slices()] = repainted[region.slices()]
    return out


# -- cases -------------------------------------------------------------------------------------
CASES = [  # name, photo, object, side, (cx, cy) as fractions, patch, near colour
    ("ball/grass", "grass", "ball", 150, (0.5, 0.5), False, False),
    ("star/gravel", "gravel", "star", 160, (0.45, 0.5), False, False),
    ("horse/brick patch", "brick", "horse", 170, (0.5, 0.5), True, False),
    ("logo/coffee", "coffee", "logo", 140, (0.3, 0.55), False, False),
    ("coin/rocket", "rocket", "coin", 110, (0.3, 0.75), False, False),
    ("face/chelsea patch", "chelsea", "face", 110, (0.3, 0.45), True, False),
    ("ball/astronaut", "astronaut", "ball", 120, (0.78, 0.6), False, False),
    ("ball/grass near", "grass", "ball", 150, (0.5, 0.5), False, True),
    ("horse/gravel near patch", "gravel", "horse", 170, (0.5, 0.45), True, True),
    ("coin/brick near", "brick", "coin", 110, (0.55, 0.5), False, True),
    ("star/grass near patch", "grass", "star", 150, (0.5, 0.5), True, True),
]
# Added after the extraction was tuned on CASES (issue 12's second round), never tuned on:
# other photos, two new objects (a ring whose hole shows the ground, a cat's face) and
# other seeds (100 + index).
HELD_OUT = [
    ("ring/ihc", "immunohistochemistry", "ring", 140, (0.5, 0.5), False, False),
    ("star/moon patch", "moon", "star", 150, (0.4, 0.5), True, False),
    ("cat/camera", "camera", "cat", 130, (0.6, 0.55), False, False),
    ("ball/brick near patch", "brick", "ball", 130, (0.5, 0.5), True, True),
    ("coin/gravel near", "gravel", "coin", 120, (0.4, 0.6), False, True),
    ("ring/grass patch", "grass", "ring", 150, (0.55, 0.45), True, False),
    ("face/hubble", "hubble_deep_field", "face", 120, (0.45, 0.45), False, False),
    # Added in the third round (a ball recoloured like its bricks, whose shaded side is
    # darker than the ground, as a shadow is), after the changes it measures, never tuned
    # on. ("ball/brick near patch" above was looked into in that round, case by case.)
    ("ball/brick near", "brick", "ball", 110, (0.35, 0.4), False, True),
]
HELD_OUT_SEED = 100
# Added on 2026-11-30 (fourth round), run once before any change of that round: a fresh
# held-out set (seeds 200 + index), other photos as ground, two new shapes (a smooth egg,
# a rounded tile cut out of the rocket photo), two near-colour objects and one case with a
# heavy shadow (the 8th field: the shadow's opacity range and shear, default (0.4, 0.6), 0.8).
FRESH = [
    ("egg/coffee near", "coffee", "egg", 130, (0.62, 0.62), False, True),
    ("tile/chelsea", "chelsea", "tile", 140, (0.45, 0.55), False, False),
    ("horse/rocket shadow", "rocket", "horse", 150, (0.55, 0.55), False, False,
     ((0.75, 0.85), 1.2)),
    ("tile/gravel near patch", "gravel", "tile", 150, (0.5, 0.45), True, True),
    ("egg/astronaut patch", "astronaut", "egg", 120, (0.3, 0.5), True, False),
    ("coin/ihc near", "immunohistochemistry", "coin", 120, (0.6, 0.4), False, True),
]
FRESH_SEED = 200


class Case:
    """One simulated edit: original, edited, box, region and the true layer."""

    def __init__(self, spec, seed: int, scale: float = 1.0):
        name, photo, kind, side, (fx, fy), patch, near = spec[:7]
        (lo, hi), shear = spec[7] if len(spec) > 7 else ((0.4, 0.6), 0.8)
        rng = np.random.default_rng(seed)
        self.name = name
        original = background(photo)
        if scale != 1.0:
            original = cv2.resize(original, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
            side = int(side * scale)
        h, w = original.shape[:2]
        obj = make_object(kind, side, rng)
        oh, ow = obj.shape[:2]
        x0 = int(np.clip(fx * w - ow / 2, 4, w - ow - 4))
        y0 = int(np.clip(fy * h - oh / 2, 4, h - oh - 4))
        place = Box(x0, y0, ow, oh)
        if near:
            obj = recolour_to(obj, original[place.slices()])
        # The layer on the canvas: the object, and its shadow on a canvas below and beside it.
        a_o = np.zeros((h, w), np.float32)
        f = np.zeros((h, w, 3), np.float32)
        a_o[place.slices()] = obj[..., 3]
        f[place.slices()] = obj[..., :3]
        room = Box(x0 - ow // 2, y0, 2 * ow, oh + oh // 2).clip(w, h)   # the shadow's canvas
        big = np.zeros((room.h, room.w), np.float32)
        big[y0 - room.y:y0 - room.y + oh, x0 - room.x:x0 - room.x + ow] = obj[..., 3]
        shadow = cast_shadow(big, float(rng.uniform(lo, hi)), float(rng.uniform(-shear, shear)), rng)
        a_s = np.zeros((h, w), np.float32)
        a_s[room.slices()] = shadow
        a_s *= 1 - a_o  # the shadow lies under the object; outside it, it darkens the ground
        a_s[a_s < 1 / 255] = 0
        self.alpha_object = a_o
        alpha = 1 - (1 - a_o) * (1 - a_s)
        with np.errstate(divide="ignore", invalid="ignore"):
            colour = np.where(alpha[..., None] > 0, a_o[..., None] * f / np.maximum(alpha, 1e-6)[..., None], 0)
        self.truth = np.dstack([colour, alpha]).astype(np.float32)    # straight RGBA
        # The box a user (or the generate command) draws: the object and a margin.
        margin = int(0.06 * max(ow, oh))
        self.box = place.expand(margin).clip(w, h)
        g = int(round(max(self.box.w, self.box.h) * 0.25))    # add_foreground's default grow
        self.region = self.box.expand(g).clip(w, h)
        self.original = original
        self.edited = over(self.truth, rerender(original, self.region, rng, patch))
        self.edited = np.clip(self.edited, 0, 1).astype(np.float32)
        # The edit is outside the region only where the object or shadow reach (they do not).
        out = np.ones((h, w), bool)
        out[self.region.slices()] = False
        assert (alpha[out] < 1 / 255).all(), name

    def to_uint8(self, x):
        return np.clip(np.rint(x * 255), 0, 255).astype(np.uint8)


# -- the two extractions ------------------------------------------------------------------------
def old_extract_layer(generated: np.ndarray, background: np.ndarray,
                      keep: Box) -> tuple[np.ndarray, np.ndarray]:
    """The previous "Generate layer" extraction, as it was: un-blend inside `keep`, specks
    cleaned, colour recomputed for the cleaned alpha."""
    g, b = generated[keep.slices()], background[keep.slices()]
    min_area = max(4, round(generated.shape[0] * generated.shape[1] * 16 / 512 ** 2))
    alpha = clean_alpha(unblend_alpha(g, b), min_area=min_area)
    return unblend_colour(g, b, alpha), alpha


def run_old(case: Case) -> np.ndarray:
    """Per-pixel un-blend against the original."""
    h, w = case.original.shape[:2]
    e, o = case.to_uint8(case.edited), case.to_uint8(case.original)
    colour, alpha = old_extract_layer(e.astype(np.float32) / 255, o.astype(np.float32) / 255,
                                      case.region)
    layer = np.zeros((h, w, 4), np.float32)
    layer[case.region.slices()] = np.dstack([colour, alpha])
    return layer


def run_new(case: Case) -> np.ndarray:
    from engine.methods.extract import ExtractRequest, extract

    h, w = case.original.shape[:2]
    result = extract(ExtractRequest(case.to_uint8(case.original), case.to_uint8(case.edited),
                                    box=case.box))
    layer = np.zeros((h, w, 4), np.float32)
    lh, lw = result.layer.shape[:2]
    layer[result.y:result.y + lh, result.x:result.x + lw] = result.layer.astype(np.float32) / 255
    return layer


def score(case: Case, layer: np.ndarray) -> dict:
    rs = case.region.slices()
    a, t = layer[rs][..., 3], case.truth[rs][..., 3]
    background_only = t < 1 / 255
    opaque = case.alpha_object[rs] >= 1.0
    seen = over(layer[rs], case.original[rs])
    truth = over(case.truth[rs], case.original[rs])
    mse = float(np.mean((np.rint(seen * 255) - np.rint(truth * 255)) ** 2))
    return {"mae": float(np.abs(a - t).mean()),
            "stray": float((a[background_only] > 0.1).mean()),
            "opaque": float(np.median(a[opaque])),
            "psnr": 10 * np.log10(255 ** 2 / max(mse, 1e-6))}


def timed(fn, case: Case, repeat: int = 1, cpu: bool = False) -> tuple[np.ndarray, float]:
    """The result and the best of `repeat` wall-clock times (with `cpu`, the process's CPU
    time instead: on a shared machine that is what the extraction itself used)."""
    clock = time.process_time if cpu else time.perf_counter
    best = float("inf")
    for _ in range(repeat):
        t0 = clock()
        out = fn(case)
        best = min(best, clock() - t0)
    return out, best


# -- the grid -----------------------------------------------------------------------------------
def checker(h: int, w: int) -> np.ndarray:
    yy, xx = np.mgrid[:h, :w]
    return np.where(((yy // 8 + xx // 8) % 2 == 0)[..., None], 0.8, 0.6).astype(np.float32) \
        * np.ones(3, np.float32)


def grid_row(case: Case, old: np.ndarray, new: np.ndarray, cell: int) -> np.ndarray:
    view = case.region.expand(8).clip(*case.original.shape[1::-1]).slices()
    def fit(img):
        return cv2.resize(img, (cell, cell), interpolation=cv2.INTER_AREA)
    h, w = case.original[view].shape[:2]
    board = checker(h, w)
    panels = [case.original[view], case.edited[view],
              over(case.truth[view], board), over(old[view], board), over(new[view], board),
              over(new[view], case.original[view])]
    return np.hstack([np.pad(fit(p), ((2, 2), (2, 2), (0, 0)), constant_values=1) for p in panels])


def run_set(title: str, specs, seed0: int, args, grid: list) -> list:
    """Scores old and new on `specs` (seeds seed0 + index), prints a row per case and the
    set's mean and worst; returns the rows."""
    rows = []
    print(f"-- {title}")
    for i, spec in enumerate(specs):
        case = Case(spec, seed=seed0 + i)
        mp = case.original.shape[0] * case.original.shape[1] / 1e6
        old, t_old = (np.zeros_like(case.truth), 0.0) if args.no_old else timed(run_old, case)
        new, t_new = timed(run_new, case)
        so, sn = score(case, old), score(case, new)
        rows.append((so, sn, t_old / mp, t_new / mp))
        print(f"{case.name:26s} | {so['mae']:9.3f} {so['stray']:6.1%} {so['opaque']:6.2f} "
              f"{so['psnr']:5.1f} {t_old / mp:5.2f} | {sn['mae']:9.3f} {sn['stray']:6.1%} "
              f"{sn['opaque']:6.2f} {sn['psnr']:5.1f} {t_new / mp:5.2f}", flush=True)
        if args.grid:
            grid.append(grid_row(case, old, new, 150))
    def both(key):
        return [r[0][key] for r in rows], [r[1][key] for r in rows]
    mean = lambda xs: float(np.mean(xs))  # noqa: E731
    o_mae, n_mae = both("mae")
    o_st, n_st = both("stray")
    o_op, n_op = both("opaque")
    o_ps, n_ps = both("psnr")
    print(f"{'mean':26s} | {mean(o_mae):9.3f} {mean(o_st):6.1%} {mean(o_op):6.2f} {mean(o_ps):5.1f} "
          f"{mean([r[2] for r in rows]):5.2f} | {mean(n_mae):9.3f} {mean(n_st):6.1%} "
          f"{mean(n_op):6.2f} {mean(n_ps):5.1f} {mean([r[3] for r in rows]):5.2f}")
    print(f"{'worst':26s} | {max(o_mae):9.3f} {max(o_st):6.1%} {min(o_op):6.2f} {min(o_ps):5.1f} "
          f"{'':5s} | {max(n_mae):9.3f} {max(n_st):6.1%} {min(n_op):6.2f} {min(n_ps):5.1f}")
    missed = sum(1 for r in rows if not (r[1]["mae"] < 0.03 and r[1]["stray"] < 0.03
                                         and r[1]["opaque"] >= 0.95 and r[1]["psnr"] > 30))
    print(f"{'cases missing a target':26s} | {'':38s} | {missed:9d} of {len(rows)}")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grid", default="docs/extract.png", help="grid PNG to write ('' for none)")
    parser.add_argument("--set", choices=("tuning", "held-out", "fresh", "both", "all"), default="all",
                        help="the cases the extraction was tuned on, the held-out ones, the "
                             "fresh held-out ones (fourth round), tuning and held-out, or all")
    parser.add_argument("--no-old", action="store_true", help="score the new extraction only")
    args = parser.parse_args()

    grid = []
    run_new(Case(CASES[0], seed=0))   # pymatting compiles itself on its first call (numba)
    header = f"{'case':26s} | {'alpha MAE':>9s} {'stray':>6s} {'opaque':>6s} {'PSNR':>5s} {'s/MP':>5s}" \
             f" | {'alpha MAE':>9s} {'stray':>6s} {'opaque':>6s} {'PSNR':>5s} {'s/MP':>5s}"
    print(f"{'':26s} | {'old (un-blend)':^38s} | {'new (extract)':^38s}")
    print(header)
    if args.set in ("tuning", "both", "all"):
        run_set("tuning set (CASES)", CASES, 0, args, grid)
    if args.set in ("held-out", "both", "all"):
        run_set("held-out set (HELD_OUT, added after tuning)", HELD_OUT, HELD_OUT_SEED, args, grid)
    if args.set in ("fresh", "all"):
        run_set("fresh held-out set (FRESH, added 2026-11-30)", FRESH, FRESH_SEED, args, grid)
    # Timing at 1 MP: the first case scaled up (an object of the same share of the picture).
    big = Case(CASES[0], seed=0, scale=2.0)
    mp = big.original.shape[0] * big.original.shape[1] / 1e6
    _, t_old = (None, 0.0) if args.no_old else timed(run_old, big, 2)
    _, t_new = timed(run_new, big, 2)
    _, c_old = (None, 0.0) if args.no_old else timed(run_old, big, 2, cpu=True)
    _, c_new = timed(run_new, big, 2, cpu=True)
    print(f"{'1 MP (ball/grass x2)':26s} | {'wall':>31s}{t_old / mp:5.2f} s/MP | "
          f"{'wall':>31s}{t_new / mp:5.2f} s/MP")
    print(f"{'':26s} | {'CPU (both cores)':>31s}{c_old / mp:5.2f} s/MP | "
          f"{'CPU (both cores)':>31s}{c_new / mp:5.2f} s/MP")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.grid:
        image = np.vstack(grid)
        os.makedirs(os.path.dirname(args.grid) or ".", exist_ok=True)
        cv2.imwrite(args.grid, cv2.cvtColor(np.clip(np.rint(image * 255), 0, 255).astype(np.uint8),
                                            cv2.COLOR_RGB2BGR))
        print(f"grid: {args.grid} (original, edited, true layer, old layer, new layer, "
              f"new layer over the original)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
