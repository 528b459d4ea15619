"""Evaluate the built-in BFS model and its ablations on held-out scenes of the synthetic world.

    python bench/bench_builtin.py BUILD [--scenes 200] [--rows full,stage1,...] [--grid docs/builtin_grid.png]

BUILD is the folder `python -m engine.training.build_builtin BUILD` wrote
(its world/heldout/ scenes have ground-truth layers). Every row runs the
project's BFS method (`engine.methods.bfs.synthesize`, the model's
default steps and guidance, seed = scene index) on the scene's background,
box and caption, and is scored against the ground truth:

  iou        soft IoU of the layer's alpha with the true alpha (object + shadow/reflection):
             sum(min) / sum(max), over the scene
  alpha_mae  mean |alpha - true alpha| x 255 over the context window the method used
  rgb_obj    mean |layer over background - true composite| x 255 over the true object's pixels
  shadow_ok  share of scenes whose shadow (translucent dark pixels of the layer, apart from
             its opaque part) lies on the side opposite the light; `shadows` = share of
             scenes where the layer has such pixels at all
  colour, shape  caption accuracy: nearest-centroid classifiers of the opaque part's colour
             (chromaticity + brightness of its lit half) and silhouette (extent, aspect, solidity, hole, top/bottom width),
             fitted on the true objects of 300 stage-1 scenes; `ceiling` rows apply
             them to the true layers (what the measures themselves get right)
  recomp     mean |layer over background - composite branch| x 255 over the window
             (how well the two branches agree)
  s/cand     seconds per candidate (one thread)

Rows (the paper's ablation, sec. 5.3): full (BUILD/model); stage1 (bridges after
stage 1 only); no_composition (stage 1+2 without the composition loss,
BUILD/ablation_no_composition); no_sharing (the two branches without the
cross-branch exchange, BUILD/ablation_no_sharing); inpaint (the composite
branch alone - bridges zeroed, i.e. the backbone - then the project's
extraction, `engine.methods.extract.lift`, against the background's VAE
reproduction, as `engine.methods.add_foreground` does). Rows whose model is missing are
reported as missing.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.box import Box  # noqa: E402
from engine.compose import over, to_float, to_uint8  # noqa: E402
from engine.training.world import COLOURS, SHAPES, make_scene  # noqa: E402

ROWS = {
    "full": "model",
    "stage1": "bfs_stage1/model",
    "no_composition": "ablation_no_composition/bfs_stage2/model",
    "no_sharing": "ablation_no_sharing/bfs_stage2/model",
    "inpaint": "model",
}
OPAQUE = 0.85


# ---- the simple caption measures

def shape_features(mask: np.ndarray) -> np.ndarray | None:
    import cv2

    ys, xs = np.nonzero(mask)
    if len(xs) < 12:
        return None
    crop = mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.uint8)
    h, w = crop.shape
    area = crop.sum()
    contours, _ = cv2.findContours(crop, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = cv2.convexHull(np.concatenate(contours))
    filled = np.zeros_like(crop)
    cv2.drawContours(filled, contours, -1, 1, thickness=-1)
    rows = crop.sum(axis=1)
    top, bottom = rows[: max(1, h // 4)].mean(), rows[-max(1, h // 4):].mean()
    return np.array([area / (h * w), h / w, area / max(cv2.contourArea(hull), 1.0),
                     (filled.sum() - area) / max(filled.sum(), 1), top / max(bottom, 1.0)])


def mean_colour(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray | None:
    """Chromaticity and brightness of the lit half of the pixels (shading changes the rest)."""
    pixels = rgb[mask]
    if len(pixels) < 6:
        return None
    luminance = pixels @ np.array([0.299, 0.587, 0.114])
    lit = pixels[luminance >= np.median(luminance)].mean(axis=0)
    return np.concatenate([lit / max(lit.sum(), 1e-3), [lit.max()]])


class Classifiers:
    """Nearest-centroid colour and shape classifiers fitted on true stage-1 objects."""

    def __init__(self, count: int = 300, size: int = 128):
        colours, shapes = {}, {}
        for i in range(count):
            scene = make_scene(0, "stage1", 100000 + i, size)
            mask = scene.object_alpha > 128
            colour = mean_colour(to_float(scene.foreground[..., :3]), mask)
            features = shape_features(mask)
            if colour is not None:
                colours.setdefault(scene.meta.colour, []).append(colour)
            if features is not None:
                shapes.setdefault(scene.meta.shape, []).append(features)
        self.colour_names = list(COLOURS)
        self.colour_centroids = np.stack([np.mean(colours[c], axis=0) for c in self.colour_names])
        all_features = np.concatenate([np.stack(v) for v in shapes.values()])
        self.mean, self.std = all_features.mean(0), all_features.std(0) + 1e-6
        self.shape_names = list(SHAPES)
        self.shape_centroids = np.stack([(np.mean(shapes[s], axis=0) - self.mean) / self.std
                                         for s in self.shape_names])

    def colour(self, rgb, mask) -> str | None:
        c = mean_colour(rgb, mask)
        if c is None:
            return None
        return self.colour_names[int(np.argmin(((self.colour_centroids - c) ** 2).sum(1)))]

    def shape(self, mask) -> str | None:
        f = shape_features(mask)
        if f is None:
            return None
        z = (f - self.mean) / self.std
        return self.shape_names[int(np.argmin(((self.shape_centroids - z) ** 2).sum(1)))]


# ---- scoring one layer

def score(layer_full: np.ndarray, composite_branch_full: np.ndarray | None, sample: dict, window: Box,
          classifiers: Classifiers) -> dict:
    a = to_float(layer_full[..., 3])
    true = sample["foreground"]
    ag = to_float(true[..., 3])
    bg = to_float(sample["background"])
    over_bg = over(to_float(layer_full), bg)
    obj = sample["object"] > 128
    out = {
        "iou": float(np.minimum(a, ag).sum() / max(np.maximum(a, ag).sum(), 1e-6)),
        "alpha_mae": float(np.abs(a - ag)[window.slices()].mean() * 255),
        "rgb_obj": float(np.abs(over_bg - to_float(sample["composite"]))[obj].mean() * 255),
    }
    if composite_branch_full is not None:
        out["recomp"] = float(np.abs(over_bg - to_float(composite_branch_full))[window.slices()].mean() * 255)
    opaque = a > OPAQUE
    lum = lambda x: x @ np.array([0.299, 0.587, 0.114])  # noqa: E731
    effects = (a > 0.1) & ~opaque & (lum(over_bg) < lum(bg) - 0.03)
    out["has_shadow"] = float(effects.sum() >= 5)
    if effects.sum() >= 5:
        ref = np.nonzero(opaque)[1].mean() if opaque.sum() else window.x + window.w / 2
        dx = (np.nonzero(effects)[1] * a[effects]).sum() / a[effects].sum() - ref
        out["shadow_ok"] = float(np.sign(dx) == -np.sign(sample["meta"]["light"][0]))
    straight = to_float(layer_full[..., :3])
    out["colour"] = float(classifiers.colour(straight, opaque) == sample["meta"]["colour"])
    out["shape"] = float(classifiers.shape(opaque) == sample["meta"]["shape"])
    return out


def load_sample(folder: Path) -> dict:
    read = lambda name: np.asarray(Image.open(folder / name))  # noqa: E731
    return {"background": read("background.png"), "foreground": read("foreground.png"),
            "composite": read("composite.png"), "object": read("object.png"),
            "meta": json.loads((folder / "meta.json").read_text())}


# ---- running a row

def run_row(row: str, model_folder: Path, samples: list[dict], classifiers: Classifiers, steps: int | None,
            keep: int) -> tuple[dict, list]:
    import torch

    from engine.methods.bfs import BFSRequest, synthesize
    from engine.nets.bfs_model import BFSModel

    model = BFSModel.load(model_folder).eval()
    if row == "inpaint":
        with torch.no_grad():
            for p in model.transformer.bridges.parameters():
                p.zero_()  # zero bridges: the composite branch is exactly the backbone
    results, shown, seconds = [], [], []
    for index, sample in enumerate(samples):
        box = Box(*sample["meta"]["box"])
        request = BFSRequest(background=sample["background"], box=box, prompt=sample["meta"]["caption"],
                             seed=index, steps=steps, previews=False)
        start = time.perf_counter()
        result = synthesize(request, model)
        h, w = result.foreground.shape[:2]
        window = Box(result.x, result.y, w, h)
        if row == "inpaint":
            layer = extract(model, sample["background"][window.slices()], result.composite_branch,
                            box.translate(-window.x, -window.y))
        else:
            layer = result.foreground
        seconds.append(time.perf_counter() - start)
        size = sample["background"].shape[0]
        layer_full = np.zeros((size, size, 4), np.uint8)
        layer_full[window.slices()] = layer
        branch_full = sample["background"].copy()
        branch_full[window.slices()] = result.composite_branch
        results.append(score(layer_full, None if row == "inpaint" else branch_full, sample, window, classifiers))
        if index < keep:
            shown.append((layer_full, branch_full))
    summary = {key: float(np.mean([r[key] for r in results if key in r])) for key in results[0]}
    if any("shadow_ok" in r for r in results):
        summary["shadow_ok"] = float(np.mean([r["shadow_ok"] for r in results if "shadow_ok" in r]))
    summary["s_per_candidate"] = float(np.median(seconds))
    return summary, shown


def extract(model, background: np.ndarray, generated: np.ndarray, box: Box) -> np.ndarray:
    """The inpaint row's layer: the project's extraction (`engine.methods.extract.lift`) of the
    object in `box` and its shadow off the composite branch, against the background's VAE
    reproduction, as `engine.methods.add_foreground` does; at the model's resolution."""
    import torch

    from engine.methods import extract as extraction

    h, w = background.shape[:2]
    res_w, res_h = _model_size(model, background)
    bg = np.asarray(Image.fromarray(background).resize((res_w, res_h), Image.Resampling.BICUBIC))
    gen = np.asarray(Image.fromarray(generated).resize((res_w, res_h), Image.Resampling.BICUBIC))
    bb = model.backbone
    with torch.no_grad():
        x = torch.from_numpy(bg.astype(np.float32) / 127.5 - 1).permute(2, 0, 1)[None]
        reproduced = ((bb.decode(bb.vae, bb.encode(bb.vae, x)).clamp(-1, 1) + 1) / 2)[0].permute(1, 2, 0).numpy()
    sx, sy = res_w / w, res_h / h
    small = Box.from_corners(int(box.x * sx), int(box.y * sy), max(int(box.x * sx) + 1, round(box.x1 * sx)),
                             max(int(box.y * sy) + 1, round(box.y1 * sy)))
    lifted = extraction.lift(np.ascontiguousarray(reproduced, np.float32), to_float(gen), small,
                             Box(0, 0, res_w, res_h))
    layer = to_uint8(np.dstack([lifted.colour, lifted.alpha]))
    return np.asarray(Image.fromarray(layer, "RGBA").resize((w, h), Image.Resampling.BICUBIC))


def _model_size(model, image: np.ndarray) -> tuple[int, int]:
    from engine.methods.bfs import model_size

    h, w = image.shape[:2]
    return model_size(Box(0, 0, w, h), model.resolution, model.backbone.size_multiple)


# ---- output

def checks(size: int) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size]
    return np.where(((yy // 8 + xx // 8) % 2)[..., None] == 0, 0.8, 0.62).repeat(3, -1).astype(np.float32)


def grid(samples: list[dict], shown: dict[str, list], path: Path) -> None:
    """Per scene: input + box | true layer | per row: layer on checks, composite branch."""
    rows = []
    for i, sample in enumerate(samples[: min(len(v) for v in shown.values())]):
        size = sample["background"].shape[0]
        board = checks(size)
        boxed = sample["background"].copy()
        x, y, w, h = sample["meta"]["box"]
        boxed[y:y + h, [x, x + w - 1]] = (255, 255, 0)
        boxed[[y, y + h - 1], x:x + w] = (255, 255, 0)
        tiles = [boxed, to_uint8(over(to_float(sample["foreground"]), board))]
        for name, items in shown.items():
            layer, branch = items[i]
            tiles += [to_uint8(over(to_float(layer), board)), branch]
        rows.append(np.concatenate([np.pad(t, ((1, 1), (1, 1), (0, 0)), constant_values=255) for t in tiles], 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.concatenate(rows, 0)).save(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build")
    parser.add_argument("--scenes", type=int, default=200)
    parser.add_argument("--rows", default=",".join(ROWS))
    parser.add_argument("--steps", type=int, default=None, help="denoising steps (default: the model's)")
    parser.add_argument("--grid", default="", help="write a grid PNG of the first scenes here")
    parser.add_argument("--grid-scenes", type=int, default=6)
    parser.add_argument("--json", default="", help="also write the figures as JSON here")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    build = Path(args.build)
    folders = sorted((build / "world" / "heldout").iterdir())[: args.scenes]
    samples = [load_sample(f) for f in folders]
    classifiers = Classifiers()
    ceiling = [score(s["foreground"], None, s, Box(0, 0, *s["background"].shape[:2][::-1]), classifiers)
               for s in samples]
    print(f"{len(samples)} held-out scenes from {build / 'world' / 'heldout'}")
    print(f"caption measures on the true layers (ceiling): colour {np.mean([c['colour'] for c in ceiling]):.3f}"
          f"  shape {np.mean([c['shape'] for c in ceiling]):.3f}")
    figures, shown = {}, {}
    header = f"{'row':16s}{'iou':>7s}{'a_mae':>7s}{'rgb_obj':>8s}{'shadow':>8s}{'has_sh':>8s}" \
             f"{'colour':>8s}{'shape':>7s}{'recomp':>8s}{'s/cand':>8s}"
    print(header)
    for row in args.rows.split(","):
        folder = build / ROWS[row]
        if not (folder / "bfs.json").is_file():
            print(f"{row:16s}missing ({folder} not built)")
            continue
        summary, shown[row] = run_row(row, folder, samples, classifiers, args.steps, args.grid_scenes)
        figures[row] = summary
        print(f"{row:16s}{summary['iou']:7.3f}{summary['alpha_mae']:7.1f}{summary['rgb_obj']:8.1f}"
              f"{summary.get('shadow_ok', float('nan')):8.3f}{summary['has_shadow']:8.3f}{summary['colour']:8.3f}"
              f"{summary['shape']:7.3f}{summary.get('recomp', float('nan')):8.1f}{summary['s_per_candidate']:8.2f}",
              flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"scenes": len(samples), "rows": figures}, indent=1) + "\n")
    if args.grid and shown:
        grid(samples, shown, Path(args.grid))
        print(f"grid: {args.grid} (per scene: input + box | true layer | per row {', '.join(shown)}: "
              "layer on checks, composite branch)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
