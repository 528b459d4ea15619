"""Benchmark of the box-proposed object mask on real photographs, against hand-drawn truth.

The decomposition bench (bench_decompose.py) pastes synthetic objects onto
photos; here the objects are the photos' own (engine.testing.real_objects:
the coffee cup on its saucer, the shuttle model and the astronaut in
scikit-image's astronaut photo, the Falcon rocket), boxed as a user would:
the box as drawn in the case, and a looser one (grown by 5 % of its long
side, clipped to the picture). For each, the intersection over union of the
mask with the truth (outline band and parts of taste left out), for the
single GrabCut cut at lightness weight 0.25 (the segmenter before the
outline-contrast choice), the default segmenter without the parts the mask
closes around (`enclosed_parts=False`, as before 2026-12-02 evening) and the
default segmenter, and CPU seconds per mask (this process only: the
machine's other work inflates wall time).

    python bench/bench_mask_real.py [--grid out.png] [--horses]

--grid writes one row per case and box: the picture with the box, the
truth and each segmenter's mask, tinted over the photo.

--horses adds the thin-limbed objects, which these photos lack: the horses of
bench_decompose.py (1 MP, boxed as there), scored against alpha > 0.5 by IoU
and by the share kept of their thin parts (the truth less its opening by 3 %
of the box: legs, tail, ears), for the default segmenter and for it with every
small part of the cut dropped as a speck (`keep_near=0`, before the limbs
GrabCut pinches off were kept) and without the enclosed parts.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from engine.methods.decompose_steps.segment import GrabCutSegmenter  # noqa: E402
from engine.testing.real_objects import CASES, iou  # noqa: E402

SEGMENTERS = {"single cut (L 0.25)": GrabCutSegmenter(lightness_weights=(0.25,)),
              "no enclosed parts": GrabCutSegmenter(enclosed_parts=False),
              "default": GrabCutSegmenter()}
LOOSE = 0.05


def boxes(case, shape):
    h, w = shape[:2]
    grow = int(LOOSE * max(case.box.w, case.box.h))
    return {"as drawn": case.box, "loose": case.box.expand(grow).clip(w, h)}


def tinted(image: np.ndarray, mask: np.ndarray, box=None) -> np.ndarray:
    view = image.astype(np.float32)
    view[mask] = 0.45 * view[mask] + 0.55 * np.array([40, 220, 90])
    view = view.astype(np.uint8)
    outline, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(view, outline, -1, (255, 255, 0), 1)
    if box is not None:
        cv2.rectangle(view, (box.x, box.y), (box.x1 - 1, box.y1 - 1), (255, 60, 60), 2)
    return view


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", help="PNG: picture, truth, single cut, default mask per case")
    parser.add_argument("--horses", action="store_true",
                        help="also bench_decompose.py's horses: IoU and thin parts kept")
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f}")
    names = list(SEGMENTERS)
    print(f"{'case':<16} {'box':<9} " + " ".join(f"{n:>20}" for n in names)
          + " " + " ".join(f"{'CPU s ' + n.split()[0]:>14}" for n in names))
    rows, grid = {n: [] for n in names}, []
    for case in CASES:
        image = case.image()
        obj, scored = case.truth(image.shape)
        valid = np.ones(image.shape[:2], bool)
        for box_name, box in boxes(case, image.shape).items():
            scores, seconds, masks = [], [], []
            for n in names:
                t0 = time.process_time()
                mask = SEGMENTERS[n](image, box, None, valid)
                seconds.append(time.process_time() - t0)
                scores.append(iou(mask, obj, scored))
                rows[n].append(scores[-1])
                masks.append(mask)
            print(f"{case.name:<16} {box_name:<9} " + " ".join(f"{s:>20.3f}" for s in scores)
                  + " " + " ".join(f"{s:>14.2f}" for s in seconds), flush=True)
            views = [tinted(image, np.zeros_like(obj), box), tinted(image, obj)]
            views += [tinted(image, m) for m in masks]
            h, w = image.shape[:2]
            crop = box.expand(int(0.15 * max(box.w, box.h))).clip(w, h)
            size = (round(crop.w * 300 / crop.h), 300)
            gap = np.full((300, 6, 3), 255, np.uint8)
            grid.append(np.hstack([x for v in views for x in (
                cv2.resize(v[crop.slices()], size, interpolation=cv2.INTER_AREA), gap)]))
    print(f"{'mean':<16} {'':<9} " + " ".join(f"{np.mean(rows[n]):>20.3f}" for n in names))
    print(f"{'min':<16} {'':<9} " + " ".join(f"{np.min(rows[n]):>20.3f}" for n in names))
    if args.grid:
        width = max(r.shape[1] for r in grid)
        grid = [np.pad(r, ((0, 6), (0, width - r.shape[1]), (0, 0)), constant_values=255)
                for r in grid]
        cv2.imwrite(args.grid, np.vstack(grid)[..., ::-1])
        print(f"grid (picture+box, truth, {', '.join(names)}): {args.grid}")
    if args.horses:
        horses()
    return 0


def horses() -> None:
    """bench_decompose.py's horses at 1 MP: IoU (thin parts kept) per segmenter."""
    from bench_decompose import backgrounds, make_case, resize_to

    segmenters = {"default": SEGMENTERS["default"],
                  "specks dropped": GrabCutSegmenter(keep_near=0),
                  "no enclosed parts": SEGMENTERS["no enclosed parts"]}
    print(f"\n{'horse on':<22} " + " ".join(f"{n + ' IoU (thin)':>28}" for n in segmenters))
    bgs = backgrounds()
    for bg, seed in (("rocket", 1), ("chelsea", 4), ("immunohistochemistry", 1), ("hubble", 4)):
        image, box, truth = make_case("horse", resize_to(bgs[bg], 1.0), seed)
        obj = truth["alpha"] > 0.5
        r = max(2, int(0.03 * max(box.w, box.h)))
        thin = obj & ~(cv2.morphologyEx(obj.astype(np.uint8), cv2.MORPH_OPEN,
                                        cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                                  (2 * r + 1,) * 2)) > 0)
        cells = []
        for seg in segmenters.values():
            mask = seg(image, box, None, np.ones(obj.shape, bool))
            cells.append(f"{(mask & obj).sum() / (mask | obj).sum():.3f} ({mask[thin].mean():.2f})")
        print(f"{bg:<22} " + " ".join(f"{c:>28}" for c in cells), flush=True)


if __name__ == "__main__":
    sys.exit(main())
