"""Select and Mask on real photographs: how much closer to the true matte the refined mask is.

    python bench/bench_refine_edge.py [--grid out.png] [--radius 10]

Scenes (`tests/_refine_scenes.py`): scikit-image photographs seen through a horse-shaped
matte (anti-aliased, slightly soft) over another photograph, so the true alpha is known.
For each scene and each rough selection (grown by 6 px, shrunk by 6 px, drawn on a 12 px
grid) it prints the mask MAE (0..255) against the truth before and after Select and
Mask's edge detection (radius, then the same with Smart Radius), then the seconds
(wall and CPU, median of 3) of the full-size operation (`refine_edge.run`) at 1 and 4 MP and of the
dialog's reduced preview. `--grid` writes rough / refined / truth rows, one per scene.

Refine Edge Brush: the same photographs through the horse matte with fur along its back
(`furry`: strands about a pixel wide growing up to 28 px out), selected by the body alone,
refined with a band too narrow for the fur (radius `--fur-radius`, plain and Smart); then
with `--brush` px strokes of the Refine Edge Brush along the fur, as the dialog paints them
(`brushed`). It prints the mask MAE against the truth over the picture and over the fur
zone (the painted pixels), without and with the strokes, the same with a radius of 30 px
and no strokes (the band widened everywhere instead), and the seconds of each refinement.
`--fur-grid` writes plain / brushed / truth rows.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from editor.model.refine_edge import RefineJob, RefineSettings, preview, refine_mask, run  # noqa: E402
from tests._refine_scenes import PAIRS, brushed, composite, furry, mae, rough, true_alpha  # noqa: E402


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=Path)
    parser.add_argument("--radius", type=float, default=10.0)
    parser.add_argument("--fur-radius", type=float, default=4.0)
    parser.add_argument("--brush", type=float, default=40.0)
    parser.add_argument("--fur-grid", type=Path)
    parser.add_argument("--fur-only", action="store_true", help="only the Refine Edge Brush")
    args = parser.parse_args()
    if args.fur_only:
        fur(args)
        return
    print(f"load average {os.getloadavg()[0]:.2f}")
    rows = []
    print(f"{'scene':22} {'rough':8} {'MAE rough':>10} {'refined':>8} {'smart':>8}")
    for pair in PAIRS:
        image, alpha = composite(pair)
        for kind in ("grown", "shrunk", "blocky"):
            r = rough(alpha, kind)
            out = refine_mask(image, r, RefineSettings(radius=args.radius))
            smart = refine_mask(image, r, RefineSettings(radius=args.radius, smart_radius=True))
            print(f"{'/'.join(pair):22} {kind:8} {mae(r, alpha):10.2f} {mae(out, alpha):8.2f} "
                  f"{mae(smart, alpha):8.2f}")
            if kind == "blocky":
                rows.append((image, r, out, alpha))
    for mp in (1, 4):
        w = int(round(np.sqrt(mp * 1e6 * 600 / 492)))
        h = int(round(w * 492 / 600))
        image, alpha = composite(PAIRS[0], (w, h))
        job = RefineJob(None, False, image, rough(alpha, "blocky", max(3, w // 100)),
                        RefineSettings(radius=args.radius * w / 600, smooth=20, feather=1,
                                       contrast=10))
        runs = [timed(lambda: run(job)) for _ in range(3)]  # the median of 3 (warm)
        result, wall, cpu = sorted(runs, key=lambda r: r[1])[1]
        _, pwall, pcpu = sorted((timed(lambda: preview(job)) for _ in range(3)),
                                key=lambda r: r[1])[1]
        print(f"{w}x{h} ({w * h / 1e6:.1f} MP), radius {job.settings.radius:.0f}: "
              f"apply {wall:.2f} s wall / {cpu:.2f} s CPU (MAE {mae(job.mask, alpha):.2f} -> "
              f"{mae(result.mask, alpha):.2f}); "
              f"preview {pwall:.2f} s wall / {pcpu:.2f} s CPU")
    print(f"load average {os.getloadavg()[0]:.2f}")
    if args.grid:
        tiles = []
        for image, r, out, alpha in rows:
            def show(m):  # the picture where selected, a dark grey elsewhere
                a = m.astype(np.float32) / 255 if m.dtype == np.uint8 else m
                return np.rint(image * a[..., None] + 40 * (1 - a[..., None])).astype(np.uint8)
            tiles.append(np.concatenate([show(r), show(out), show(alpha)], axis=1))
        grid = np.concatenate(tiles, axis=0)
        cv2.imwrite(str(args.grid), cv2.cvtColor(grid, cv2.COLOR_RGB2BGR))
        print(f"grid (rough / refined / truth): {args.grid}")
    fur(args)


def fur(args) -> None:
    """The Refine Edge Brush over fur that the band misses."""
    print(f"\nRefine Edge Brush: fur, radius {args.fur_radius:g} px, strokes of a "
          f"{args.brush:g} px brush; MAE all / fur zone (seconds)")
    print(f"{'scene':22} {'band':6} {'selection':>14} {'no strokes':>20} {'strokes':>20} "
          f"{'radius 30':>20}")
    tiles = []
    for pair in PAIRS:
        image, alpha, strokes = furry(pair)
        body = np.where(true_alpha(alpha.shape[::-1]) >= 0.5, 255, 0).astype(np.uint8)
        painted = brushed(np.zeros(alpha.shape, np.uint8), strokes, args.brush)
        zone = painted >= 128

        def score(m):
            return f"{mae(m, alpha):6.2f} / {mae(m[zone], alpha[zone]):5.2f}"

        for smart in (False, True):
            s = RefineSettings(radius=args.fur_radius, smart_radius=smart)
            plain, _, tp = timed(lambda: refine_mask(image, body, s))
            brush, _, tb = timed(lambda: refine_mask(image, body, s, painted=painted))
            wide, _, tw = timed(lambda: refine_mask(image, body, RefineSettings(
                radius=30, smart_radius=smart)))
            print(f"{'/'.join(pair):22} {'smart' if smart else 'plain':6} {score(body):>14} "
                  f"{score(plain)} ({tp:4.1f}) {score(brush)} ({tb:4.1f}) "
                  f"{score(wide)} ({tw:4.1f})")
            if not smart:
                tiles.append(np.concatenate([plain, brush, alpha], axis=1))
    print(f"fur zone: {zone.sum()} px painted of {zone.size}")
    if args.fur_grid:
        grid = np.clip(np.rint(np.concatenate(tiles, axis=0) * 255), 0, 255).astype(np.uint8)
        cv2.imwrite(str(args.fur_grid), grid)
        print(f"grid (no strokes / strokes / truth): {args.fur_grid}")


if __name__ == "__main__":
    main()
