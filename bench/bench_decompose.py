"""Benchmark of the photo decomposition (engine/methods/decompose.py) against ground truth.

Builds a test set whose answer is known: real photographs shipped with
scikit-image as backgrounds, objects with known alpha, colours and shadow
composited onto them:

- "pebble": a synthetic blob with a soft, noisy outline, shaded colours and
  a soft drop shadow attached to its base;
- "horse": a cut-out (scikit-image's horse silhouette) filled with a photo's
  texture, with a constructed matte (anti-aliased, feathered) and a cast
  shadow sheared from the silhouette;
- "furball": a photo texture (the cat's fur) inside a disc whose rim carries
  thin strands of partial alpha, with a faint contact shadow.

Each picture is scaled to 1 MP and 4 MP (and 2 MP for the timing target),
decomposed from a box drawn around the object with a margin, and scored
for each step the pipeline adds (mask only; + matting; + background solve;
+ HFA), plus the full pipeline with OpenCV's Telea fill for comparison:

- alpha SAD (sum of |alpha - truth| / 1000), MAE (0-255) inside the box and
  in the object's soft edge (where the true alpha is between 0.02 and 0.98);
- background PSNR (dB) inside the removed region (where the object or its
  shadow hid or darkened the background), and outside it ("kept": there the
  background must stay the picture itself; a mask or shadow that overreaches
  lowers it);
- foreground colour error (0-255, alpha-weighted, where the object is);
- recomposition error (0-255, mean and 99th percentile over the pixels the
  split changed; the method's own figure);
- seconds per image.

    python bench/bench_decompose.py [--sizes 1,2,4] [--cases N] [--save DIR] [--diffusion-fill]
    python bench/bench_decompose.py --fills [--sizes 1,2,4] [--cases N] [--grid docs/content_aware_fill.png]
        [--first-seed N] [--other-photos]   (other objects and places; other photos: a second set)
        [--variants OPTIONS ...] [--no-pyramid] [--no-timing] [--no-small]   (rows for the fill's Photoshop options)

    python bench/bench_decompose.py --strokes [--sizes 1,2] [--cases N]

--strokes scores the object mask before and after the user's correction: the
mask proposed from the box, then strokes simulated from the truth (one dab of
the brush in the middle of each of the 3 largest missed parts and of the 3
largest wrongly taken parts, `decompose_steps.strokes.simulate_strokes`),
corrected by GrabCut with the strokes (`correct_mask`); for each, the alpha
MAE in the box and on the soft edge (0-255) of the full decomposition, and
its seconds (the correction's own seconds apart).

--fills compares the background fills side by side in one run, each in the
full pipeline on the same pictures: the old default (pyramid fill plus
synthesised grain) and the content-aware fill (multi-scale PatchMatch).
Under the object (where the truth's alpha > 0.5, so the fill alone decides
the pixels): BG PSNR and SSIM against the true background, and the
high-frequency energy of the fill against its surroundings (the energy of
picture - blur(picture, 2 px) inside the hole, 3 px in from its rim, over
the same in a 24-px ring around it; a smooth blob scores near 0, a fill
with the surroundings' texture near 1); "shifted truth", the BG PSNR of
the true background shifted sideways by a tenth of the hidden width (a
perfect copy of the right content, slightly out of place: what any fill
that invents plausible content rather than knowing the hidden one can
hope for); "truth's HF", the same energy ratio for the true background (where the
object hid an edge or a plain area the ratio of even a perfect fill is far from 1);
seconds of the fill step and of
the whole decomposition per image. It runs the pictures twice: with the
objects above (6-19 % of the picture hidden) and with "small" ones (a
quarter of the short side; 2-8 % hidden, as objects lifted out of photos
usually are). --grid writes crops (old fill, new fill, truth) of the first
size's pictures with the large objects as one PNG.

--diffusion-fill adds a row for the full pipeline with the diffusers
inpainting filler (decompose_steps.diffusion_fill) running a tiny
random-weight SD-inpainting model (engine.testing.tiny) at 64 pixels and
4 steps. Its fill is random, so its quality columns mean nothing; its time,
compared with the pyramid fill's row, is the filler's own overhead (window
planning, resizing, pipeline call, rim matching) without a real model's
compute, which needs a GPU and a downloaded model.

Timings depend on the machine's load; other work running at the same time
slows them down.
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
from engine.methods.decompose import DecomposePipeline, DecomposeRequest  # noqa: E402
from engine.methods.decompose_steps.fill import PyramidInpainter, TeleaInpainter  # noqa: E402
from engine.methods.decompose_steps.patchmatch_fill import PatchMatchInpainter  # noqa: E402

STAGES = [
    ("mask only", dict(matting=False, shadow=False, solve_foreground=False, hfa=False), None),
    ("+ matting", dict(matting=True, shadow=False, solve_foreground=False, hfa=False), None),
    ("+ background solve", dict(matting=True, shadow=True, solve_foreground=True, hfa=False), None),
    ("+ HFA (full)", dict(matting=True, shadow=True, solve_foreground=True, hfa=True), None),
    ("full, Telea fill", dict(matting=True, shadow=True, solve_foreground=True, hfa=True), "telea"),
]


# -- the test set ---------------------------------------------------------------------------
def backgrounds() -> dict[str, np.ndarray]:
    from skimage import data

    grey = {name: np.dstack([getattr(data, name)()] * 3)
            for name in ("brick", "grass", "gravel", "camera", "moon")}
    return {"coffee": data.coffee(), "rocket": data.rocket(), "chelsea": data.chelsea(),
            "motorcycle": data.stereo_motorcycle()[0], "astronaut": data.astronaut(),
            "cat": data.cat(), "immunohistochemistry": data.immunohistochemistry(),
            "hubble": data.hubble_deep_field(), **grey}


# --fills adds objects on three textured grounds (a brick wall, grass, gravel), where
# continuing the surroundings is the right answer, to the photographs above.
TEXTURE_PAIRS = [("pebble", "brick"), ("horse", "grass"), ("furball", "gravel")]


def resize_to(img: np.ndarray, megapixels: float) -> np.ndarray:
    h, w = img.shape[:2]
    s = np.sqrt(megapixels * 1e6 / (h * w))
    return cv2.resize(img, (round(w * s), round(h * s)), interpolation=cv2.INTER_CUBIC)


def _noise(h: int, w: int, scale: float, rng: np.random.Generator) -> np.ndarray:
    """Smooth random field in about -1..1 with features of `scale` pixels."""
    small = rng.standard_normal((max(2, int(h / scale)), max(2, int(w / scale)))).astype(np.float32)
    field = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return field / (np.abs(field).max() + 1e-6)


def _place(h: int, w: int, oh: int, ow: int, rng: np.random.Generator) -> tuple[int, int]:
    y = int(rng.integers(int(0.15 * h), max(int(0.15 * h) + 1, h - oh - int(0.2 * h))))
    x = int(rng.integers(int(0.15 * w), max(int(0.15 * w) + 1, w - ow - int(0.15 * w))))
    return y, x


# The object's size as a share of the picture's short side. The first set's objects (0.42)
# hide 6-19 % of the picture; objects people lift out of photos usually hide 2-8 %, which
# the "small" set (--fills) keeps to.
OBJECT_SIZE = 0.42
SMALL_OBJECT_SIZE = 0.25


def make_object(kind: str, h: int, w: int, rng: np.random.Generator, share: float = OBJECT_SIZE):
    """(alpha, colour F, shadow opacity) for an object of `kind` on an h x w canvas, its size
    `share` of the short side."""
    from skimage import data

    size = int(share * min(h, w))
    alpha = np.zeros((h, w), np.float32)
    colour = np.zeros((h, w, 3), np.float32)
    shadow = np.zeros((h, w), np.float32)
    soft = max(1.0, size / 250)
    if kind == "pebble":
        oh, ow = size, int(size * 1.2)
        y, x = _place(h, w, oh + size // 5, ow, rng)
        yy, xx = np.mgrid[:oh, :ow].astype(np.float32)
        r = np.sqrt(((xx - ow / 2) / (ow / 2)) ** 2 + ((yy - oh / 2) / (oh / 2)) ** 2)
        r += 0.06 * _noise(oh, ow, size / 6, rng)
        sil = (r < 0.95).astype(np.float32)
        a = cv2.GaussianBlur(sil, (0, 0), 2 * soft)
        base = np.array(rng.uniform(0.2, 0.9, 3), np.float32)
        shade = (1.1 - 0.5 * yy / oh)[..., None] * (0.85 + 0.15 * _noise(oh, ow, 4 * soft, rng))[..., None]
        alpha[y:y + oh, x:x + ow] = a
        colour[y:y + oh, x:x + ow] = np.clip(base * shade, 0, 1)
        # Drop shadow: a flattened ellipse from the base out to one side.
        sh_h, sy = oh // 3, y + oh - oh // 8
        sx = x + int(rng.choice([-1, 1]) * ow * 0.3)
        yy2, xx2 = np.mgrid[:h, :w].astype(np.float32)
        ell = ((xx2 - (sx + ow / 2)) / (ow * 0.6)) ** 2 + ((yy2 - sy) / (sh_h / 2)) ** 2 < 1
        shadow = 0.55 * cv2.GaussianBlur(ell.astype(np.float32), (0, 0), size / 30)
    elif kind == "horse":
        sil = (~data.horse()).astype(np.float32)
        oh = size
        ow = int(sil.shape[1] * oh / sil.shape[0])
        y, x = _place(h, w, oh + size // 6, ow, rng)
        sil = cv2.resize(sil, (ow, oh), interpolation=cv2.INTER_AREA)
        a = cv2.GaussianBlur(sil, (0, 0), 0.8 * soft)
        tex = resize_to(data.coffee(), 1.0)
        tex = cv2.resize(tex, (ow, oh), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
        alpha[y:y + oh, x:x + ow] = np.clip(a, 0, 1)
        colour[y:y + oh, x:x + ow] = tex
        # Cast shadow: the silhouette squashed onto the ground and sheared sideways.
        feet = int(np.flatnonzero(sil.max(axis=1) > 0.5)[-1])
        sh = cv2.resize(sil, (ow, max(2, oh // 4)), interpolation=cv2.INTER_AREA)
        shear = np.float32([[1, 1.2, -1.2 * sh.shape[0]], [0, 1, 0]])
        sh = cv2.warpAffine(sh, shear, (int(ow * 1.3), sh.shape[0]))
        sh = cv2.flip(sh, 0)
        layer = np.zeros((h, w), np.float32)
        top = y + feet - sh.shape[0] // 8
        hh = min(sh.shape[0], h - top)
        ww = min(sh.shape[1], w - x)
        layer[top:top + hh, x:x + ww] = sh[:hh, :ww]
        shadow = 0.5 * cv2.GaussianBlur(layer, (0, 0), size / 60)
    elif kind == "furball":
        oh = ow = size
        y, x = _place(h, w, oh, ow, rng)
        yy, xx = np.mgrid[:oh, :ow].astype(np.float32)
        ang = np.arctan2(yy - oh / 2, xx - ow / 2)
        dist = np.sqrt((yy - oh / 2) ** 2 + (xx - ow / 2) ** 2) / (oh / 2)
        # Strands: the rim's radius varies quickly with the angle.
        strands = 0.5 + 0.5 * np.sin(ang * 90 + 3 * np.sin(ang * 7))
        rim = 0.78 + 0.14 * strands
        a = np.clip((rim - dist) / 0.05, 0, 1) * np.clip((0.95 - dist) / 0.05, 0, 1) ** 0.3
        a = np.maximum(a, (dist < 0.78).astype(np.float32))
        a = cv2.GaussianBlur(a, (0, 0), 0.5 * soft)
        tex = cv2.resize(data.chelsea()[20:280, 120:380], (ow, oh)).astype(np.float32) / 255
        alpha[y:y + oh, x:x + ow] = a
        colour[y:y + oh, x:x + ow] = tex
        yy2, xx2 = np.mgrid[:h, :w].astype(np.float32)
        ell = ((xx2 - (x + ow / 2)) / (ow * 0.45)) ** 2 + ((yy2 - (y + oh * 0.95)) / (oh * 0.08)) ** 2 < 1
        shadow = 0.35 * cv2.GaussianBlur(ell.astype(np.float32), (0, 0), size / 40)
    else:
        raise ValueError(kind)
    shadow = shadow * (1 - (alpha > 0.99))  # under a solid object the shadow is not seen anyway
    return alpha, colour, shadow


def make_case(kind: str, background: np.ndarray, seed: int, share: float = OBJECT_SIZE):
    rng = np.random.default_rng(seed)
    h, w = background.shape[:2]
    alpha, colour, shadow = make_object(kind, h, w, rng, share)
    bg = background.astype(np.float32) / 255
    seen = bg * (1 - shadow[..., None])
    comp = alpha[..., None] * colour + (1 - alpha[..., None]) * seen
    image = np.clip(np.rint(comp * 255), 0, 255).astype(np.uint8)
    ys, xs = np.nonzero(alpha > 0.05)
    ow, oh = xs.max() - xs.min(), ys.max() - ys.min()
    box = Box.from_corners(int(xs.min() - 0.06 * ow), int(ys.min() - 0.06 * oh),
                           int(xs.max() + 0.06 * ow), int(ys.max() + 0.06 * oh)).clip(w, h)
    return image, box, dict(alpha=alpha, colour=colour, shadow=shadow, background=bg)


# -- scoring --------------------------------------------------------------------------------
def score(result, truth, box: Box) -> dict:
    alpha = truth["alpha"]
    err = np.abs(result.alpha - alpha)
    removed = (alpha > 0.01) | (truth["shadow"] > 0.02)
    bg = result.background[..., :3].astype(np.float32) / 255
    mse = float(((bg - truth["background"])[removed] ** 2).mean())
    # Outside the removed region the background must stay the picture itself.
    kept_mse = float(((bg - truth["background"])[~removed] ** 2).mean())
    fg = result.foreground_full()
    f_col = fg[..., :3].astype(np.float32) / 255
    where = alpha > 0.05
    weights = alpha[where][:, None]
    f_err = float((np.abs(f_col[where] - truth["colour"][where]) * weights).sum()
                  / (weights.sum() * 3) * 255)
    return {
        "sad": float(err.sum() / 1000),
        "mae": float(err[box.slices()].mean() * 255),
        "edge_mae": float(err[(alpha > 0.02) & (alpha < 0.98)].mean() * 255),
        "psnr": 10 * np.log10(1.0 / max(mse, 1e-10)),
        "kept_psnr": 10 * np.log10(1.0 / max(kept_mse, 1e-10)),
        "f_err": f_err,
        "rec_mean": result.figures["recomposition_error_mean"],
        "rec_p99": result.figures["recomposition_error_p99"],
        "time": result.figures["timings"]["total"],
    }


def edge_scores(result, truth) -> dict:
    """Fringe on both layers at the object's soft edge (see --edges), in 0-255 levels."""
    alpha, colour, true_bg = truth["alpha"], truth["colour"], truth["background"]
    fg = result.foreground_full().astype(np.float32) / 255
    bg = result.background[..., :3].astype(np.float32) / 255
    edge = (alpha > 0.05) & (alpha < 0.95)
    weights = alpha[edge]
    f_err = float((np.abs(fg[..., :3][edge] - colour[edge]).mean(axis=1) * weights).sum()
                  / weights.sum() * 255)
    soft = ((alpha > 0.0) & (alpha < 0.98)).astype(np.uint8)
    ring = (cv2.dilate(soft, np.ones((5, 5), np.uint8)) > 0) & (alpha < 0.98)
    # The object's colour left in the ground: (B - true B) projected on (F - true B), where
    # the two differ enough to tell.
    d = colour - true_bg
    norm = (d * d).sum(axis=2)
    told = ring & (norm > 0.01) & (alpha > 0.0)
    share = ((bg - true_bg) * d).sum(axis=2) / np.maximum(norm, 1e-6)
    return {"fg_edge": f_err,
            "bg_ring": float(np.abs(bg[ring] - true_bg[ring]).mean() * 255),
            # Signed: a fill's random errors cancel out, a ring of the object's colour does not.
            "contamination": float(share[told].mean()) if told.any() else 0.0,
            "alpha_edge": float(np.abs(result.alpha - alpha)[edge].mean() * 255),
            "alpha_box": float(np.abs(result.alpha - alpha).mean() * 255)}


def compare_edges(args, bgs, plan) -> int:
    """The fringe with and without the colour-line edge refinement (--edges)."""
    pipeline = DecomposePipeline()
    print(f"cpu threads: {cv2.getNumThreads()}, load average: {os.getloadavg()[0]:.2f}")
    for mp in (float(s) for s in args.sizes.split(",")):
        rows: dict[str, list[dict]] = {"old (matting alpha)": [], "new (clean edges)": []}
        for kind, bg_name, seed in plan:
            image, box, truth = make_case(kind, resize_to(bgs[bg_name], mp), seed)
            line = []
            for name, clean in zip(rows, (False, True)):
                result = pipeline(DecomposeRequest(image, box=box, clean_edges=clean))
                s = edge_scores(result, truth)
                s["alpha_box"] = score(result, truth, box)["mae"]
                s["time"] = result.figures["timings"]["total"]
                rows[name].append(s)
                line.append(f"{name.split()[0]} FG edge {s['fg_edge']:.1f} ring {s['bg_ring']:.1f} "
                            f"obj. in ring {100 * s['contamination']:.1f} %")
            print(f"  {mp:g} MP {kind:8s} on {bg_name:10s}: " + ", ".join(line), flush=True)
        print(f"{'MP':>4} {'edges':<21} {'FG edge err':>11} {'BG ring err':>11} {'obj. in ring':>12} "
              f"{'alpha edge MAE':>14} {'alpha MAE box':>13} {'s/img':>6}")
        for name, scores in rows.items():
            m = {k: float(np.mean([s[k] for s in scores])) for k in scores[0]}
            print(f"{mp:>4g} {name:<21} {m['fg_edge']:>11.2f} {m['bg_ring']:>11.2f} "
                  f"{100 * m['contamination']:>11.1f}% {m['alpha_edge']:>14.2f} {m['alpha_box']:>13.2f} "
                  f"{m['time']:>6.2f}")
        print(flush=True)
    return 0


def fill_scores(result, truth) -> dict:
    """Quality of the background fill under the object (see --fills)."""
    from skimage.metrics import structural_similarity

    under = (truth["alpha"] > 0.5) & result.filled
    bg = result.background[..., :3].astype(np.float32) / 255
    true_bg = truth["background"].astype(np.float32)
    mse = float(((bg - true_bg)[under] ** 2).mean())
    ys, xs = np.nonzero(under)
    crop = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
    _, ssim_map = structural_similarity(true_bg[crop], bg[crop], channel_axis=2, data_range=1.0,
                                        full=True)
    grey = bg @ np.float32([0.299, 0.587, 0.114])
    hf = (grey - cv2.GaussianBlur(grey, (0, 0), 2.0)) ** 2
    hole = result.filled.astype(np.uint8)
    inner = cv2.erode(hole, np.ones((7, 7), np.uint8)) > 0
    ring = (cv2.dilate(hole, np.ones((49, 49), np.uint8)) > 0) & ~result.filled
    # A yardstick for BG PSNR: the true background itself, shifted sideways by a tenth of
    # the hidden width - a perfect copy of the right content, slightly out of place.
    shifted = np.roll(true_bg, max(1, (xs.max() - xs.min()) // 10), axis=1)
    # A yardstick for the energy: the hidden true background's own against the same ring
    # (far from 1 where the object hid an edge or a plain area unlike its surroundings).
    true_grey = true_bg @ np.float32([0.299, 0.587, 0.114])
    true_hf = (true_grey - cv2.GaussianBlur(true_grey, (0, 0), 2.0)) ** 2
    ref = float(((shifted - true_bg)[under] ** 2).mean())
    return {"psnr": 10 * np.log10(1.0 / max(mse, 1e-10)),
            "shifted_truth": 10 * np.log10(1.0 / max(ref, 1e-10)),
            "ssim": float(ssim_map.mean(axis=2)[under[crop]].mean()),
            "energy": float(hf[inner].mean() / max(hf[ring].mean(), 1e-12)),
            "true_energy": float(true_hf[inner].mean() / max(hf[ring].mean(), 1e-12)),
            "fill_s": result.figures["timings"]["background"],
            "total_s": result.figures["timings"]["total"]}


def compare_fills(args, bgs, plan) -> int:
    """Old fill vs content-aware fill, side by side on the same pictures (--fills)."""
    fills = {"pyramid (old)": DecomposePipeline(inpainter=PyramidInpainter()),
             "patchmatch (new)": DecomposePipeline(inpainter=PatchMatchInpainter())}
    if args.no_pyramid:
        del fills["pyramid (old)"]
    for spec in args.variants or ():
        fills[f"patchmatch {spec} (new)"] = DecomposePipeline(
            inpainter=PatchMatchInpainter(**fill_options(spec)))
    # numba compiles the PatchMatch loops on first use (cached on disk after that): time it apart.
    t0 = time.perf_counter()
    image, box, _ = make_case("pebble", resize_to(bgs["coffee"], 0.05), 0)
    fills["patchmatch (new)"](DecomposeRequest(image, box=box))
    print(f"first PatchMatch call (compile or load from numba's cache): "
          f"{time.perf_counter() - t0:.1f} s")
    print(f"cpu threads: {cv2.getNumThreads()}, load average: {os.getloadavg()[0]:.2f}")
    if not args.no_timing:
        time_fill_alone(bgs)
    tiles = []
    plan = plan + [(kind, bg, args.first_seed + len(plan) + i) for i, (kind, bg) in enumerate(TEXTURE_PAIRS)]
    sets = {"": OBJECT_SIZE, "small ": SMALL_OBJECT_SIZE}
    if args.no_small:
        del sets["small "]
    for n, mp in enumerate(float(s) for s in args.sizes.split(",")):
        rows: dict[str, list[dict]] = {f"{size}{subset} {name}": [] for size in sets
                                       for subset in ("photos", "textures") for name in fills}
        for size, share in sets.items():
            for kind, bg_name, seed in plan:
                subset = "textures" if (kind, bg_name) in TEXTURE_PAIRS else "photos"
                image, box, truth = make_case(kind, resize_to(bgs[bg_name], mp), seed, share)
                crops = []
                for name, pipeline in fills.items():
                    result = pipeline(DecomposeRequest(image, box=box))
                    rows[f"{size}{subset} {name}"].append(fill_scores(result, truth))
                    crops.append(result.background[..., :3])
                hole_share = 100 * float(result.filled.mean())
                print(f"  {mp:g} MP {size}{kind:8s} on {bg_name:10s} {image.shape[1]}x{image.shape[0]} "
                      f"(hole {hole_share:.1f} %, truth's HF {rows[f'{size}{subset} {name}'][-1]['true_energy']:.2f}): " + ", ".join(
                          f"{k.split()[-2]} {r[-1]['psnr']:.1f} dB SSIM {r[-1]['ssim']:.3f} "
                          f"HF {r[-1]['energy']:.2f} "
                          f"{r[-1]['fill_s']:.2f}s" for k, r in rows.items()
                          if k.startswith(f"{size}{subset}")), flush=True)
                if args.grid and n == 0 and not size:
                    truth8 = np.clip(np.rint(truth["background"] * 255), 0, 255).astype(np.uint8)
                    tiles.append(_grid_row(image, crops + [truth8], box))
        print(f"{'MP':>4} {'fill':<33} {'BG PSNR':>8} {'shifted truth':>13} {'SSIM':>6} "
              f"{'HF energy':>9} {'fill s':>7} {'total s':>7}")
        for name, scores in rows.items():
            if not scores:
                continue
            m = {k: float(np.mean([s[k] for s in scores])) for k in scores[0]}
            print(f"{mp:>4g} {name:<33} {m['psnr']:>8.2f} {m['shifted_truth']:>13.2f} "
                  f"{m['ssim']:>6.3f} {m['energy']:>9.2f} "
                  f"{m['fill_s']:>7.2f} {m['total_s']:>7.2f}")
        print(flush=True)
    if args.grid and tiles:
        width = max(t.shape[1] for t in tiles)
        grid = np.vstack([np.pad(t, ((0, 8), (0, width - t.shape[1]), (0, 0)), constant_values=255)
                          for t in tiles])
        cv2.imwrite(args.grid, grid[..., ::-1])
        print(f"grid (picture, old fill, new fill, truth) written to {args.grid}")
    return 0


def fill_options(spec: str) -> dict:
    """content_aware_fill's options from a --variants word: "rotation=full,scale,mirror,
    color=high" (Photoshop's names; a bare name switches a checkbox on)."""
    options = {}
    for part in spec.split(","):
        key, _, value = part.partition("=")
        key = {"color": "color_adaptation"}.get(key, key)
        options[key] = value.replace("_", " ") if value else True
    return options


def compare_strokes(args, bgs, plan) -> int:
    """Alpha error of the decomposition from the box alone and after correction strokes."""
    from engine.methods.decompose_steps.strokes import correct_mask, simulate_strokes

    pipeline = DecomposePipeline()
    print(f"cpu threads: {cv2.getNumThreads()}, load average: {os.getloadavg()[0]:.2f}")
    print(f"{'MP':>4} {'case':<22} {'MAE box':>8} {'edge':>6} {'-> strokes':>10} {'MAE box':>8} "
          f"{'edge':>6} {'split s':>8} {'correct s':>9}")
    for mp in (float(s) for s in args.sizes.split(",")):
        rows = []
        for kind, bg_name, seed in plan:
            image, box, truth = make_case(kind, resize_to(bgs[bg_name], mp), seed)
            t0 = time.perf_counter()
            result = pipeline(DecomposeRequest(image, box=box))
            split_s = time.perf_counter() - t0
            before = score(result, truth, box)
            add, remove = simulate_strokes(result.mask, truth["alpha"] > 0.5)
            t0 = time.perf_counter()
            corrected = correct_mask(image, result.mask, add, remove)
            correct_s = time.perf_counter() - t0
            after = score(pipeline(DecomposeRequest(image, object_masks=[corrected])), truth, box)
            strokes = int(cv2.connectedComponents(add.astype(np.uint8))[0] - 1
                          + cv2.connectedComponents(remove.astype(np.uint8))[0] - 1)
            rows.append((before["mae"], before["edge_mae"], after["mae"], after["edge_mae"],
                         split_s, correct_s))
            print(f"{mp:>4g} {kind + ' on ' + bg_name:<22} {before['mae']:>8.2f} "
                  f"{before['edge_mae']:>6.1f} {strokes:>7} dabs {after['mae']:>8.2f} "
                  f"{after['edge_mae']:>6.1f} {split_s:>8.2f} {correct_s:>9.2f}", flush=True)
        m = np.mean(rows, axis=0)
        print(f"{mp:>4g} {'mean':<22} {m[0]:>8.2f} {m[1]:>6.1f} {'':>10} {m[2]:>8.2f} {m[3]:>6.1f} "
              f"{m[4]:>8.2f} {m[5]:>9.2f}\n", flush=True)
    return 0


def time_fill_alone(bgs) -> None:
    """Seconds of each fill alone on a 2 MP photo with an elliptic hole of 5 % of it (median of 3)."""
    from engine.methods.decompose_steps.patchmatch_fill import content_aware_fill

    image = resize_to(bgs["astronaut"], 2.0).astype(np.float32) / 255
    h, w = image.shape[:2]
    yy, xx = np.mgrid[:h, :w]
    ry = np.sqrt(0.05 * h * w / np.pi / 0.8)
    hole = ((yy - 0.55 * h) / ry) ** 2 + ((xx - 0.6 * w) / (0.8 * ry)) ** 2 < 1
    for name, fill in (("pyramid (old)", lambda: PyramidInpainter()(image, hole, ~hole)),
                       ("patchmatch (new)", lambda: content_aware_fill(image, hole))):
        times, cpu = [], []
        for _ in range(3):
            t0, c0 = time.perf_counter(), time.process_time()
            fill()
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        # CPU seconds of this process: on a machine shared with other work they say what
        # the fill costs better than the wall clock (run with NUMBA_NUM_THREADS=1 to read
        # them as one core's seconds).
        print(f"fill alone, 2 MP photo ({w}x{h}), hole {100 * hole.mean():.1f} %: {name} "
              f"{np.median(times):.2f} s wall, {np.median(cpu):.2f} s CPU (median of 3)")


def _grid_row(image: np.ndarray, views: list[np.ndarray], box: Box, height: int = 240) -> np.ndarray:
    """The picture and each view cropped around the box (with a margin), side by side."""
    h, w = image.shape[:2]
    crop = box.expand(int(0.25 * max(box.w, box.h))).clip(w, h)
    scale = height / crop.h
    size = (round(crop.w * scale), height)
    tiles = [cv2.resize(v[crop.slices()], size, interpolation=cv2.INTER_AREA) for v in [image] + views]
    gap = np.full((height, 6, 3), 255, np.uint8)
    return np.hstack([x for t in tiles for x in (t, gap)][:-1])


def checkerboard(h: int, w: int, step: int = 16) -> np.ndarray:
    yy, xx = np.mgrid[:h, :w]
    c = (((yy // step + xx // step) % 2) * 60 + 160).astype(np.float32)
    return np.dstack([c, c, c])


def save_views(folder: str, name: str, image: np.ndarray, result) -> None:
    fg = result.foreground_full().astype(np.float32)
    a = fg[..., 3:4] / 255
    h, w = image.shape[:2]
    on_checker = fg[..., :3] * a + checkerboard(h, w) * (1 - a)
    shadow = np.dstack([np.clip(result.shadow * 300, 0, 255)] * 3).astype(np.uint8)
    row = np.hstack([image, on_checker.astype(np.uint8), result.background[..., :3], shadow])
    cv2.imwrite(os.path.join(folder, f"{name}.jpg"), row[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 90])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4", help="megapixels, comma separated (default 1,4)")
    parser.add_argument("--cases", type=int, default=6, help="pictures per size (default 6)")
    parser.add_argument("--first-seed", type=int, default=0,
                        help="seed of the first picture (others follow); another value gives other "
                             "objects and places, to check a change on pictures it was not tuned on")
    parser.add_argument("--other-photos", action="store_true",
                        help="other scikit-image photos as backgrounds (second test set)")
    parser.add_argument("--stages", default="all", help="'all' or 'full' (the full pipeline only)")
    parser.add_argument("--save", help="folder for views of the full pipeline's results")
    parser.add_argument("--diffusion-fill", action="store_true",
                        help="add the diffusers filler with a tiny random model (time only)")
    parser.add_argument("--fills", action="store_true",
                        help="compare the old fill and the content-aware fill side by side")
    parser.add_argument("--grid", help="with --fills: PNG of crops (picture, old, new, truth)")
    parser.add_argument("--variants", nargs="+", metavar="OPTIONS",
                        help="with --fills: more content-aware fill rows, each with the "
                             "Content-Aware Fill options given, e.g. rotation=full,scale,mirror "
                             "color=very_high")
    parser.add_argument("--no-timing", action="store_true",
                        help="with --fills: skip timing the fills alone on a 2 MP photo")
    parser.add_argument("--no-small", action="store_true",
                        help="with --fills: the large objects only")
    parser.add_argument("--no-pyramid", action="store_true",
                        help="with --fills: leave out the old pyramid fill's row")
    parser.add_argument("--edges", action="store_true",
                        help="fringe at the soft edge with and without the clean-edges step")
    parser.add_argument("--strokes", action="store_true",
                        help="alpha error before and after simulated correction strokes")
    args = parser.parse_args()
    bgs = backgrounds()
    pairs = [("pebble", "coffee"), ("horse", "rocket"), ("furball", "motorcycle"),
             ("pebble", "astronaut"), ("horse", "chelsea"), ("furball", "coffee")]
    if args.other_photos:
        pairs = [("pebble", "cat"), ("horse", "immunohistochemistry"), ("furball", "camera"),
                 ("pebble", "moon"), ("horse", "hubble"), ("furball", "cat")]
    plan = [(*pairs[i % len(pairs)], args.first_seed + i) for i in range(args.cases)]
    if args.fills:
        return compare_fills(args, bgs, plan)
    if args.strokes:
        return compare_strokes(args, bgs, plan)
    if args.edges:
        return compare_edges(args, bgs, plan)
    stages = STAGES if args.stages == "all" else [s for s in STAGES if s[0] == "+ HFA (full)"]
    pipelines = {None: DecomposePipeline(), "telea": DecomposePipeline(inpainter=TeleaInpainter())}
    if args.diffusion_fill:
        pipelines["diffusion"] = DecomposePipeline(inpainter=tiny_diffusion_filler())
        stages = stages + [("full, tiny diffusion*", STAGES[-1][1], "diffusion")]
    if args.save:
        os.makedirs(args.save, exist_ok=True)
    print(f"cpu threads: {cv2.getNumThreads()}, load average: {os.getloadavg()[0]:.2f}")
    header = (f"{'MP':>4} {'stage':<20} {'alpha SAD':>9} {'alpha MAE':>9} {'edge MAE':>8} "
              f"{'BG PSNR':>8} {'kept':>6} "
              f"{'FG err':>7} {'rec mean':>8} {'rec p99':>8} {'s/img':>6}")
    for mp in (float(s) for s in args.sizes.split(",")):
        rows: dict[str, list[dict]] = {name: [] for name, _, _ in stages}
        for kind, bg_name, seed in plan:
            image, box, truth = make_case(kind, resize_to(bgs[bg_name], mp), seed)
            for name, options, inpainter in stages:
                result = pipelines[inpainter](DecomposeRequest(image, box=box, **options))
                rows[name].append(score(result, truth, box))
                if args.save and name == "+ HFA (full)":
                    save_views(args.save, f"{mp:g}mp_{kind}_{bg_name}", image, result)
            print(f"  {mp:g} MP {kind:8s} on {bg_name:10s} {image.shape[1]}x{image.shape[0]}: "
                  + ", ".join(f"{n.split()[-1]} {r[-1]['time']:.1f}s, alpha MAE {r[-1]['mae']:.1f}"
                              for n, r in rows.items()),
                  flush=True)
        print(header)
        for name, scores in rows.items():
            m = {k: float(np.mean([s[k] for s in scores])) for k in scores[0]}
            print(f"{mp:>4g} {name:<20} {m['sad']:>9.1f} {m['mae']:>9.2f} {m['edge_mae']:>8.2f} "
                  f"{m['psnr']:>8.2f} {m['kept_psnr']:>6.1f} "
                  f"{m['f_err']:>7.2f} {m['rec_mean']:>8.3f} {m['rec_p99']:>8.3f} {m['time']:>6.2f}")
        print(flush=True)
    if args.diffusion_fill:
        print("* a tiny random-weight model: its quality figures mean nothing, its time is the "
              "filler's overhead without a real model's compute.")
    return 0


def tiny_diffusion_filler():
    import atexit
    import shutil
    import tempfile

    import torch

    from engine.methods.decompose_steps.diffusion_fill import DiffusionInpainter
    from engine.testing import tiny

    # One thread: the tiny model's operations are too small to share, and on a machine whose
    # cores are busy with other work, torch's spinning OpenMP threads made 4 steps take 10 s.
    torch.set_num_threads(1)
    folder = tempfile.mkdtemp(prefix="bench-tiny-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    model = tiny.save_tiny("sd-inpaint", os.path.join(folder, "sd-inpaint"))
    return DiffusionInpainter(str(model), steps=4, resolution=tiny.IMAGE_SIZE, device="cpu")


if __name__ == "__main__":
    sys.exit(main())
